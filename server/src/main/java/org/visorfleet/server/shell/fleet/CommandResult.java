package org.visorfleet.server.shell.fleet;

/**
 * A command as the fleet last saw it.
 *
 * @param status {@code pending}, {@code sent}, {@code done}, {@code failed} or {@code expired}
 * @param output what the agent answered, or null
 * @param exitCode how a {@code run} command ended, or null
 * @param stdout what a {@code run} command printed, or null
 * @param stderr what a {@code run} command printed on its error stream, or null
 */
public record CommandResult(
        long id,
        String client,
        String action,
        String status,
        String output,
        Integer exitCode,
        String stdout,
        String stderr) {

    /** True once the command is done, failed or expired. */
    public boolean finished() {
        return !status.equals("pending") && !status.equals("sent");
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(action + " on " + client + " (command " + id + "): " + status);
        if (output != null && !output.isEmpty()) {
            text.append(" — ").append(output);
        }
        if (exitCode != null) {
            text.append(" [exit ").append(exitCode).append(']');
        }
        if (stdout != null && !stdout.isEmpty()) {
            text.append('\n').append(stdout.stripTrailing());
        }
        if (stderr != null && !stderr.isEmpty()) {
            text.append('\n').append(stderr.stripTrailing());
        }
        return text.toString();
    }
}
