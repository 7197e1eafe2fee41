package org.visorfleet.agent.remote;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the desktop's user whether a technician may come in, by running the configured command
 * (default {@code zenity --question}) with {@code {title}} and {@code {text}} substituted in each
 * argument (never through a shell). Exit status 0 means yes; anything else, a failure to start, or
 * no answer within the timeout means no.
 */
final class ConsentPrompt {

    private static final System.Logger LOG = System.getLogger(ConsentPrompt.class.getName());

    private final List<String> command;
    private final Duration timeout;

    ConsentPrompt(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    boolean ask(String title, String text) {
        List<String> argv = RemoteSettings.substitute(command, java.util.Map.of("title", title, "text", text));
        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "consent prompt {0} cannot start: {1}",
                    argv.getFirst(),
                    e.getMessage());
            return false;
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
