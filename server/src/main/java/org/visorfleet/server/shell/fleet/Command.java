package org.visorfleet.server.shell.fleet;

import java.time.Duration;

/** A command queued for a client; {@link #status()} and {@link #await(Duration)} read it from the fleet. */
public record Command(long id, String client, String action) {

    private static final long POLL_MILLIS = 100;

    /** The command's status now. */
    public String status() {
        return view().status();
    }

    /** The command as the fleet sees it now. */
    public CommandResult view() {
        return FleetSession.current().backend().command(client, id);
    }

    /**
     * Waits up to {@code timeout} for the command to finish and returns how it stands then (still
     * {@code pending} or {@code sent} if the time ran out).
     */
    public CommandResult await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CommandResult now = view();
            if (now.finished() || System.nanoTime() >= deadline) {
                return now;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FleetException("stopped while waiting for command " + id);
            }
        }
    }

    @Override
    public String toString() {
        return action + " queued for " + client + " (command " + id + ")";
    }
}
