package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code visorfleet remote run|reboot|shutdown|lock|message|commands}: remote actions on one client,
 * through the server's command API. Each action waits for the agent's answer.
 */
@Command(
        name = "remote",
        description = "Remote actions on a client: run a command, reboot, shut down, lock, show a message.",
        mixinStandardHelpOptions = true,
        subcommands = {
            RemoteCli.Run.class,
            RemoteCli.Reboot.class,
            RemoteCli.Shutdown.class,
            RemoteCli.Lock.class,
            RemoteCli.Message.class,
            RemoteCli.Commands.class
        })
final class RemoteCli {

    /** Exit status when the command never ran (client offline, command expired, no answer in time). */
    static final int NO_ANSWER = 255;

    /** Exit status of a run killed at its timeout (as the agent reports it). */
    static final int TIMED_OUT = 124;

    /** How much longer than the action's own timeout to wait for its answer. */
    static final int GRACE_SECONDS = 30;

    /** How long reboot, shutdown, lock and message take at most on the agent. */
    static final int ACTION_SECONDS = 60;

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private RemoteCli() {}

    /** One argument as a POSIX shell word: as is when it needs no quoting, else in single quotes. */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** A command line that {@code /bin/sh -c} splits back into exactly {@code argv}. */
    static String commandLine(List<String> argv) {
        return argv.stream().map(RemoteCli::quote).collect(Collectors.joining(" "));
    }

    /** Queues a command and polls until it is answered, expires or {@code waitSeconds} pass; null if not answered. */
    static JsonNode submitAndWait(ApiSession api, String client, Map<String, Object> body, int waitSeconds)
            throws IOException, InterruptedException {
        String path = "/api/v1/clients/" + ApiSession.encode(client) + "/commands";
        long id = api.post(path, body).get("id").asLong();
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        long pause = 100;
        while (true) {
            JsonNode command = api.get(path + "/" + id);
            String status = command.path("status").asText();
            if (!status.equals("pending") && !status.equals("sent")) {
                return command;
            }
            if (System.nanoTime() > deadline) {
                return command;
            }
            Thread.sleep(pause);
            pause = Math.min(1_000, pause * 2);
        }
    }

    /** Why a command that is neither done nor failed got no answer, for people. */
    static String noAnswer(String client, JsonNode command, int waitedSeconds) {
        return switch (command.path("status").asText()) {
            case "expired" ->
                "command " + command.path("id").asLong() + " expired: " + client
                        + " did not take it in time (offline?)";
            case "pending" ->
                "no answer from " + client + " in " + waitedSeconds + " s: it has not taken command "
                        + command.path("id").asLong() + " (offline?); it stays queued until it expires";
            default ->
                "no answer from " + client + " in " + waitedSeconds + " s to command "
                        + command.path("id").asLong() + " ("
                        + command.path("status").asText() + ")";
        };
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run a command on a client (by /bin/sh -c, the arguments quoted so each arrives as given;"
                        + " for shell syntax run sh -c '...'), pass its stdout and stderr through and exit with its"
                        + " exit status.",
                "Exits 124 when the command was killed at its timeout, 255 when it never ran (refused, server"
                        + " unreachable, client offline, command expired, no answer within the timeout plus "
                        + GRACE_SECONDS + " s)."
            })
    static final class Run extends AdminCommand {
        @Option(names = "--client", required = true, paramLabel = "NAME", description = "the client")
        String client;

        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                defaultValue = "60",
                description = "kill the command after this long, 1..3600 (default ${DEFAULT-VALUE})")
        int timeout;

        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the command and its arguments, after --")
        List<String> command;

        @Override
        public Integer call() throws Exception {
            if (timeout < 1 || timeout > 3600) {
                return complain("--timeout must be 1..3600 seconds, got " + timeout, NO_ANSWER);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("action", "run");
            body.put("args", Map.of("command", commandLine(command), "timeoutSeconds", Integer.toString(timeout)));
            int wait = timeout + GRACE_SECONDS;
            JsonNode result;
            try {
                result = submitAndWait(api(), client, body, wait);
            } catch (IOException e) {
                // Like ssh: 255 is this tool's own failure (refused, server unreachable), so that a
                // script can tell it from any status of the remote command.
                return complain(e.getMessage(), NO_ANSWER);
            }
            String status = result.path("status").asText();
            if (!status.equals("done") && !status.equals("failed")) {
                return complain(noAnswer(client, result, wait), NO_ANSWER);
            }
            pass(System.out, result.path("stdout"));
            pass(System.err, result.path("stderr"));
            JsonNode exit = result.path("exitCode");
            if (status.equals("failed")) {
                int code = exit.isInt() && exit.asInt() == TIMED_OUT ? TIMED_OUT : NO_ANSWER;
                return complain(client + ": " + result.path("output").asText(), code);
            }
            return exit.isInt() ? exit.asInt() : 0;
        }

        /** Writes the remote output as its UTF-8 bytes, untouched by any console encoding. */
        private void pass(PrintStream stream, JsonNode text) {
            out().flush();
            err().flush();
            if (text.isTextual()) {
                byte[] bytes = text.asText().getBytes(StandardCharsets.UTF_8);
                stream.write(bytes, 0, bytes.length);
                stream.flush();
            }
        }

        private int complain(String message, int code) {
            err().println("visorfleet: remote run: " + message);
            err().flush();
            return code;
        }
    }

    /** An action without process output to pass through: prints how it went; 0 when done, else 1. */
    abstract static class Action extends AdminCommand {
        @Option(names = "--client", required = true, paramLabel = "NAME", description = "the client")
        String client;

        abstract String action();

        Map<String, String> args() {
            return Map.of();
        }

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("action", action());
            body.put("args", args());
            int wait = ACTION_SECONDS + GRACE_SECONDS;
            JsonNode result = submitAndWait(api(), client, body, wait);
            String status = result.path("status").asText();
            String line =
                    switch (status) {
                        case "done", "failed" ->
                            action() + " on " + client + ": " + status + " ("
                                    + result.path("output").asText() + ")";
                        default -> action() + " on " + client + ": " + noAnswer(client, result, wait);
                    };
            if (status.equals("done")) {
                out().println(line);
                out().flush();
                return 0;
            }
            err().println(line);
            err().flush();
            return 1;
        }
    }

    @Command(name = "reboot", mixinStandardHelpOptions = true, description = "Reboot a client.")
    static final class Reboot extends Action {
        @Override
        String action() {
            return "reboot";
        }
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true, description = "Shut a client down.")
    static final class Shutdown extends Action {
        @Override
        String action() {
            return "shutdown";
        }
    }

    @Command(name = "lock", mixinStandardHelpOptions = true, description = "Lock a client's desktop sessions.")
    static final class Lock extends Action {
        @Override
        String action() {
            return "lock";
        }
    }

    @Command(name = "message", mixinStandardHelpOptions = true, description = "Show a message to a client's user.")
    static final class Message extends Action {
        @Option(
                names = "--text",
                required = true,
                paramLabel = "TEXT",
                description = "the message (at most 1000 characters)")
        String text;

        @Option(names = "--title", paramLabel = "TITLE", description = "its title (at most 200 characters)")
        String title;

        @Override
        String action() {
            return "message";
        }

        @Override
        Map<String, String> args() {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("text", text);
            if (title != null) {
                args.put("title", title);
            }
            return args;
        }
    }

    @Command(
            name = "commands",
            mixinStandardHelpOptions = true,
            description = "List a client's recent commands, newest first.")
    static final class Commands extends AdminCommand {
        @Option(names = "--client", required = true, paramLabel = "NAME", description = "the client")
        String client;

        @Override
        public Integer call() throws Exception {
            JsonNode list = api().get("/api/v1/clients/" + ApiSession.encode(client) + "/commands");
            Table table = new Table("ID", "ACTION", "STATUS", "EXIT", "CREATED", "BY", "DETAIL");
            for (JsonNode c : list.get("items")) {
                JsonNode exit = c.path("exitCode");
                table.row(
                        c.get("id").asLong(),
                        c.get("action").asText(),
                        c.get("status").asText(),
                        exit.isInt() ? exit.asInt() : null,
                        Table.time(c.get("createdAt")),
                        c.get("createdBy").asText(),
                        detail(c));
            }
            table.print(out());
            return 0;
        }

        /** The command line of a run, the text of a message, else the answer. */
        private static String detail(JsonNode c) {
            JsonNode args = c.path("args");
            String text =
                    switch (c.get("action").asText()) {
                        case "run" -> args.path("command").asText();
                        case "message" -> args.path("text").asText();
                        default -> c.path("output").asText("");
                    };
            String line = text.lines().findFirst().orElse("");
            return line.length() > 60 ? line.substring(0, 57) + "..." : line;
        }
    }
}
