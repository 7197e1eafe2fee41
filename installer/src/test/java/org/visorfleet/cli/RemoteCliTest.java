package org.visorfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line {@code remote run} sends, split back by a real {@code /bin/sh}. */
class RemoteCliTest {

    /** What {@code /bin/sh -c LINE} passes to the program it runs, one argument per element. */
    private static List<String> shellSplit(String line) throws Exception {
        Process run = new ProcessBuilder(
                        "/bin/sh", "-c", "show() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }; show " + line)
                .redirectErrorStream(true)
                .start();
        run.getOutputStream().close();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, run.waitFor(), out);
        List<String> args = new ArrayList<>(Arrays.asList(out.split("\0", -1)));
        args.removeLast(); // after the last NUL
        return args;
    }

    @Test
    void everyArgumentReachesTheShellExactlyAsGiven() throws Exception {
        List<List<String>> cases = List.of(
                List.of("printf", "%s\\n", "a b"),
                List.of("sh", "-c", "echo out; echo err >&2; exit 3"),
                List.of("echo", "it's", "\"quoted\"", "$HOME", "`id`", "$(id)", "a\\b", "*", "~", "#x", "!", "&;|<>"),
                List.of("echo", "", "  ", "tab\there", "new\nline", "é ☃ 😀", "'", "''", "'\\''"),
                List.of("plain", "--opt=x,y:z/w@h%1+2"));
        for (List<String> argv : cases) {
            assertEquals(argv, shellSplit(RemoteCli.commandLine(argv)), RemoteCli.commandLine(argv));
        }
        assertEquals("printf '%s\\n' 'a b'", RemoteCli.commandLine(List.of("printf", "%s\\n", "a b")));
    }
}
