package org.visorfleet.agent.remote;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.visorfleet.agent.SettingsFile;

/**
 * How this desktop carries out remote control ({@code DATA/remote.json}; every key optional, unknown
 * keys are errors).
 *
 * <p>The actions are argument vectors run directly, never through a shell. In {@code
 * messageCommand} and {@code consentCommand} the placeholders {@code {title}} and {@code {text}} are
 * replaced inside each element (see {@link #substitute}), so a message can hold any characters
 * without being interpreted.
 *
 * @param ssh false: the agent refuses remote SSH sessions
 * @param shell the login shell of remote SSH sessions
 * @param rebootCommand run for the {@code reboot} action
 * @param shutdownCommand run for the {@code shutdown} action
 * @param lockCommand run for the {@code lock} action (locks every graphical session)
 * @param messageCommand run for the {@code message} action, with {@code {title}} and {@code {text}}
 * @param consentCommand asks the desktop's user to let a technician in, with {@code {title}} and
 *     {@code {text}}; exit status 0 means the user agreed
 * @param consentTimeoutSeconds how long the user has to answer before the answer is no
 */
public record RemoteSettings(
        boolean ssh,
        String shell,
        List<String> rebootCommand,
        List<String> shutdownCommand,
        List<String> lockCommand,
        List<String> messageCommand,
        List<String> consentCommand,
        int consentTimeoutSeconds) {

    public static final RemoteSettings DEFAULTS = new RemoteSettings(
            true,
            Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh",
            List.of("systemctl", "reboot"),
            List.of("systemctl", "poweroff"),
            List.of("loginctl", "lock-sessions"),
            List.of("notify-send", "{title}", "{text}"),
            List.of("zenity", "--question", "--title={title}", "--text={text}"),
            30);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS) // "30" is not a number, "true" not a boolean
            // ...and 30 or true is not a string (ALLOW_COERCION_OF_SCALARS does not cover that way).
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    public RemoteSettings {
        if (shell == null || shell.isBlank()) {
            throw new IllegalArgumentException("shell must name a program");
        }
        rebootCommand = command("rebootCommand", rebootCommand);
        shutdownCommand = command("shutdownCommand", shutdownCommand);
        lockCommand = command("lockCommand", lockCommand);
        messageCommand = command("messageCommand", messageCommand);
        consentCommand = command("consentCommand", consentCommand);
        if (consentTimeoutSeconds < 1 || consentTimeoutSeconds > 3600) {
            throw new IllegalArgumentException(
                    "consentTimeoutSeconds must be between 1 and 3600, got " + consentTimeoutSeconds);
        }
    }

    private static List<String> command(String key, List<String> argv) {
        if (argv == null || argv.isEmpty()) {
            throw new IllegalArgumentException(key + " must be a non-empty list: a program and its arguments");
        }
        if (argv.stream().anyMatch(a -> a == null)) {
            throw new IllegalArgumentException(key + " must hold only strings");
        }
        if (argv.getFirst().isBlank()) {
            throw new IllegalArgumentException(key + " must start with a program");
        }
        return List.copyOf(argv);
    }

    /** {@code DATA/remote.json}, or the defaults where it does not exist or leaves a key out. */
    public static RemoteSettings load(Path file) throws IOException {
        return SettingsFile.load(
                file,
                JSON,
                Partial.class,
                p -> new RemoteSettings(
                        p.ssh == null ? DEFAULTS.ssh : p.ssh,
                        p.shell == null ? DEFAULTS.shell : p.shell,
                        p.rebootCommand == null ? DEFAULTS.rebootCommand : p.rebootCommand,
                        p.shutdownCommand == null ? DEFAULTS.shutdownCommand : p.shutdownCommand,
                        p.lockCommand == null ? DEFAULTS.lockCommand : p.lockCommand,
                        p.messageCommand == null ? DEFAULTS.messageCommand : p.messageCommand,
                        p.consentCommand == null ? DEFAULTS.consentCommand : p.consentCommand,
                        p.consentTimeoutSeconds == null ? DEFAULTS.consentTimeoutSeconds : p.consentTimeoutSeconds),
                DEFAULTS);
    }

    /** {@link #messageCommand} for this title and text. */
    public List<String> messageArgv(String title, String text) {
        return substitute(messageCommand, Map.of("title", title, "text", text));
    }

    /** {@link #consentCommand} for this title and text. */
    public List<String> consentArgv(String title, String text) {
        return substitute(consentCommand, Map.of("title", title, "text", text));
    }

    /**
     * Replaces each {@code {name}} whose name is a key of {@code values} inside every element, in one
     * pass: a value is never searched for placeholders itself, and other braces stay as they are.
     */
    public static List<String> substitute(List<String> argv, Map<String, String> values) {
        return argv.stream().map(arg -> substitute(arg, values)).toList();
    }

    private static String substitute(String arg, Map<String, String> values) {
        StringBuilder out = new StringBuilder(arg.length());
        int i = 0;
        while (i < arg.length()) {
            int open = arg.indexOf('{', i);
            int close = open < 0 ? -1 : arg.indexOf('}', open + 1);
            if (close < 0) {
                out.append(arg, i, arg.length());
                break;
            }
            String value = values.get(arg.substring(open + 1, close));
            if (value == null) {
                out.append(arg, i, open + 1); // not a placeholder: keep the brace, look again after it
                i = open + 1;
            } else {
                out.append(arg, i, open).append(value);
                i = close + 1;
            }
        }
        return out.toString();
    }

    /** The file's shape: every key optional. */
    private record Partial(
            Boolean ssh,
            String shell,
            List<String> rebootCommand,
            List<String> shutdownCommand,
            List<String> lockCommand,
            List<String> messageCommand,
            List<String> consentCommand,
            Integer consentTimeoutSeconds) {}
}
