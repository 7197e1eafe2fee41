package org.visorfleet.server.shell.fleet;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One enrolled desktop or thin client as the fleet reported it when it was read; actions go to the
 * client through the fleet under the session's technician's rights and each returns a {@link Command}.
 *
 * @param group the client's group, or null
 * @param status {@code enrolled}, {@code online}, {@code unreachable}, {@code offline} or {@code revoked}
 * @param lastSeen the last heartbeat, or null if the client never connected
 * @param cpuLoad one-minute load divided by the CPU count (0 when unknown)
 * @param memoryFree available memory in bytes (0 when unknown)
 * @param os operating system as the agent reported it, or null
 */
public record Client(
        String name,
        String hostname,
        String group,
        String status,
        Instant lastSeen,
        double cpuLoad,
        long memoryFree,
        String os) {

    public boolean online() {
        return "online".equals(status);
    }

    /** Queues any action the agents understand, e.g. {@code action("ping", Map.of())}. */
    public Command action(String name, Map<String, String> args) {
        // copied here, so that a snippet's own Map runs before the fleet takes its locks
        return FleetSession.current().act(this.name, name, args == null ? Map.of() : Map.copyOf(args));
    }

    public Command reboot() {
        return action("reboot", Map.of());
    }

    public Command shutdown() {
        return action("shutdown", Map.of());
    }

    public Command lock() {
        return action("lock", Map.of());
    }

    /** Shows {@code text} to the desktop's user. */
    public Command message(String text) {
        return action("message", Map.of("text", text));
    }

    /** Runs {@code command} on the client (the agent's default time limit applies). */
    public Command run(String command) {
        return action("run", Map.of("command", command));
    }

    @Override
    public String toString() {
        return name + " (" + status + ", " + (group == null ? "no group" : group) + ", load "
                + String.format(Locale.ROOT, "%.2f", cpuLoad) + ")";
    }
}
