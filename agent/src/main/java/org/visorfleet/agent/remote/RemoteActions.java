package org.visorfleet.agent.remote;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;

/**
 * Carries out the server's commands on this desktop: {@code ping}; {@code run} (a shell command line,
 * {@code /bin/sh -c}, with a timeout); {@code reboot}, {@code shutdown}, {@code lock} and {@code
 * message}, each the argument vector {@link RemoteSettings} configures.
 *
 * <p>Threading: {@link #submit} never blocks (it is called on the link's loop); each command runs on
 * its own virtual thread, at most {@link #MAX_RUNNING} processes at once (the rest wait their turn),
 * and its result goes to the consumer given at construction, on that thread.
 *
 * <p>Results: {@code ok} is true when the action ran. A {@code run} that exited non-zero is ok (its
 * exit code says how it went); a {@code run} killed at its timeout is not ok, with exit code {@value
 * #TIMEOUT_EXIT} (as timeout(1) reports). The other actions are ok when their command exited 0.
 */
public final class RemoteActions implements AutoCloseable {

    /** Exit code of a run killed at its timeout. */
    public static final int TIMEOUT_EXIT = 124;

    /** Most bytes of standard output, and of standard error, a result carries. */
    public static final int OUTPUT_LIMIT = 1 << 20;

    /** Processes run at once. */
    public static final int MAX_RUNNING = 8;

    /** How long reboot, shutdown, lock and message commands may take. */
    static final Duration ACTION_TIMEOUT = Duration.ofSeconds(60);

    private static final System.Logger LOG = System.getLogger(RemoteActions.class.getName());

    private final RemoteSettings settings;
    private final Consumer<AgentMessage.CommandResult> results;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("remote-action-", 0).factory());
    private final Semaphore running = new Semaphore(MAX_RUNNING);

    public RemoteActions(RemoteSettings settings, Consumer<AgentMessage.CommandResult> results) {
        this.settings = settings;
        this.results = results;
    }

    /** Starts a command; its result reaches the consumer later (at once for {@code ping}). */
    public void submit(ServerMessage.Command command) {
        if ("ping".equals(command.action())) {
            results.accept(AgentMessage.CommandResult.of(command.id(), true, "pong"));
            return;
        }
        try {
            executor.execute(() -> results.accept(execute(command)));
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.INFO, "command {0} refused: the agent is stopping", command.id());
        }
    }

    /** Runs a command on the calling thread and returns its result. */
    public AgentMessage.CommandResult execute(ServerMessage.Command command) {
        Map<String, String> args = command.args() == null ? Map.of() : command.args();
        String id = command.id();
        try {
            return switch (command.action()) {
                case "ping" -> AgentMessage.CommandResult.of(id, true, "pong");
                case "run" -> run(id, args);
                case "reboot" -> action(id, "reboot", settings.rebootCommand());
                case "shutdown" -> action(id, "shutdown", settings.shutdownCommand());
                case "lock" -> action(id, "lock", settings.lockCommand());
                case "message" -> message(id, args);
                case null, default ->
                    AgentMessage.CommandResult.of(id, false, "unsupported action " + command.action());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AgentMessage.CommandResult.of(id, false, "stopped: the agent is shutting down");
        }
    }

    private AgentMessage.CommandResult run(String id, Map<String, String> args) throws InterruptedException {
        String line = args.get("command");
        if (line == null || line.isEmpty()) {
            return AgentMessage.CommandResult.of(id, false, "run needs a command");
        }
        int seconds;
        try {
            seconds = Integer.parseInt(args.getOrDefault("timeoutSeconds", "60"));
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > 3600) {
            return AgentMessage.CommandResult.of(id, false, "timeoutSeconds must be 1..3600");
        }
        List<String> argv = List.of("/bin/sh", "-c", line);
        BoundedProcess.Outcome outcome;
        try {
            outcome = limited(argv, Duration.ofSeconds(seconds));
        } catch (IOException e) {
            return AgentMessage.CommandResult.of(id, false, "cannot start /bin/sh: " + e.getMessage());
        }
        if (outcome.timedOut()) {
            return fitted(new AgentMessage.CommandResult(
                    id, false, "timed out after " + seconds + " s", TIMEOUT_EXIT, outcome.stdout(), outcome.stderr()));
        }
        return fitted(new AgentMessage.CommandResult(
                id, true, "exit " + outcome.exitCode(), outcome.exitCode(), outcome.stdout(), outcome.stderr()));
    }

    private AgentMessage.CommandResult message(String id, Map<String, String> args) throws InterruptedException {
        String text = args.get("text");
        if (text == null || text.isEmpty()) {
            return AgentMessage.CommandResult.of(id, false, "message needs a text");
        }
        String title = args.getOrDefault("title", "Message from your helpdesk");
        return action(id, "message", settings.messageArgv(title, text));
    }

    /** A configured command: ok when it exited 0; the summary says why not otherwise. */
    private AgentMessage.CommandResult action(String id, String name, List<String> argv) throws InterruptedException {
        BoundedProcess.Outcome outcome;
        try {
            outcome = limited(argv, ACTION_TIMEOUT);
        } catch (IOException e) {
            return AgentMessage.CommandResult.of(
                    id, false, "cannot start the " + name + " command " + argv.getFirst() + ": " + e.getMessage());
        }
        String summary;
        if (outcome.timedOut()) {
            summary = name + " command timed out after " + ACTION_TIMEOUT.toSeconds() + " s";
        } else if (outcome.exitCode() == 0) {
            summary = "exit 0";
        } else {
            String firstError = outcome.stderr().strip().lines().findFirst().orElse("");
            summary = "exit " + outcome.exitCode() + (firstError.isEmpty() ? "" : ": " + firstError);
        }
        return fitted(new AgentMessage.CommandResult(
                id,
                !outcome.timedOut() && outcome.exitCode() == 0,
                summary.length() > 300 ? summary.substring(0, 300) : summary,
                outcome.timedOut() ? TIMEOUT_EXIT : outcome.exitCode(),
                outcome.stdout(),
                outcome.stderr()));
    }

    private BoundedProcess.Outcome limited(List<String> argv, Duration timeout)
            throws IOException, InterruptedException {
        running.acquire();
        try {
            return BoundedProcess.run(argv, timeout, OUTPUT_LIMIT);
        } finally {
            running.release();
        }
    }

    /**
     * The result, its outputs halved until its frame fits {@link WireJson#MAX_AGENT_MESSAGE_BYTES}
     * (only output heavy in control or non-ASCII characters can need it).
     */
    static AgentMessage.CommandResult fitted(AgentMessage.CommandResult result) {
        AgentMessage.CommandResult r = result;
        while (!WireJson.fits(WireJson.encode(r))) {
            r = new AgentMessage.CommandResult(
                    r.commandId(), r.ok(), r.output(), r.exitCode(), half(r.stdout()), half(r.stderr()));
        }
        return r;
    }

    private static String half(String text) {
        if (text == null || text.length() < 64) {
            return text;
        }
        String kept = text.endsWith(BoundedProcess.TRUNCATED)
                ? text.substring(0, text.length() - BoundedProcess.TRUNCATED.length())
                : text;
        int cut = kept.length() / 2;
        if (Character.isHighSurrogate(kept.charAt(cut - 1))) {
            cut--; // never split a surrogate pair
        }
        return kept.substring(0, cut) + BoundedProcess.TRUNCATED;
    }

    /** Stops accepting commands and kills the processes still running. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
