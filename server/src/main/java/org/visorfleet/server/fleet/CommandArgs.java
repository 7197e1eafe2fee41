package org.visorfleet.server.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.visorfleet.server.Refusal;

/**
 * The arguments each command action takes, checked before a command is stored: unknown names,
 * missing required ones and out-of-range values are refused (400) with the reason.
 *
 * <pre>
 * ping, reboot, shutdown, lock   none
 * run       command (required; a shell command line, run by /bin/sh -c), timeoutSeconds (1..3600, default 60)
 * message   text (required, at most 1000 characters), title (at most 200 characters)
 * </pre>
 */
public final class CommandArgs {

    /** The actions agents understand, each with the argument names it takes. */
    public static final Map<String, Set<String>> ACTIONS = Map.of(
            "ping", Set.of(),
            "run", Set.of("command", "timeoutSeconds"),
            "reboot", Set.of(),
            "shutdown", Set.of(),
            "lock", Set.of(),
            "message", Set.of("text", "title"));

    public static final int DEFAULT_TIMEOUT_SECONDS = 60;
    public static final int MAX_TIMEOUT_SECONDS = 3600;
    public static final int MAX_TEXT = 1000;
    public static final int MAX_TITLE = 200;

    private CommandArgs() {}

    /** The arguments as stored (a run's timeout filled in), or a refusal saying what is wrong. */
    public static Map<String, String> check(String action, Map<String, String> args) {
        if (action == null || !ACTIONS.containsKey(action)) {
            throw Refusal.invalid("action must be one of " + new TreeSet<>(ACTIONS.keySet()));
        }
        Map<String, String> given = args == null ? Map.of() : args;
        Set<String> allowed = ACTIONS.get(action);
        for (Map.Entry<String, String> arg : given.entrySet()) {
            if (!allowed.contains(arg.getKey())) {
                throw Refusal.invalid("unknown argument " + arg.getKey() + " for " + action
                        + (allowed.isEmpty() ? ", which takes none" : "; it takes " + new TreeSet<>(allowed)));
            }
            if (arg.getValue() == null) {
                throw Refusal.invalid("argument " + arg.getKey() + " must be a string");
            }
        }
        Map<String, String> out = new LinkedHashMap<>(given);
        switch (action) {
            case "run" -> {
                require(action, given, "command");
                out.put("timeoutSeconds", Integer.toString(timeout(given.get("timeoutSeconds"))));
            }
            case "message" -> {
                require(action, given, "text");
                limit("text", given.get("text"), MAX_TEXT);
                limit("title", given.get("title"), MAX_TITLE);
            }
            default -> {}
        }
        return out;
    }

    /** The run's timeout in seconds, from stored arguments. */
    public static int timeoutOf(Map<String, String> args) {
        return timeout(args.get("timeoutSeconds"));
    }

    private static void require(String action, Map<String, String> args, String name) {
        String value = args.get(name);
        if (value == null || value.isBlank()) {
            throw Refusal.invalid(action + " needs the argument " + name);
        }
    }

    private static void limit(String name, String value, int max) {
        if (value != null && value.length() > max) {
            throw Refusal.invalid(name + " longer than " + max + " characters");
        }
    }

    private static int timeout(String text) {
        if (text == null) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
            throw Refusal.invalid("timeoutSeconds must be a whole number 1.." + MAX_TIMEOUT_SECONDS + ", got " + text);
        }
        return seconds;
    }
}
