package org.visorfleet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long-running real peer (dnsmasq, jwebserver) started by a test: stdout and stderr merged into
 * a file that {@link #await} polls (a file, not a pipe, for the reason {@link CliProcess} gives).
 * {@link #close} ends this process by its PID (SIGTERM, then SIGKILL after 5 s) and nothing else;
 * a command prefix such as {@code ip netns exec} must therefore exec the peer in place.
 */
final class PeerProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path output;

    private PeerProcess(String name, List<String> command, Process process, Path output) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.output = output;
    }

    /** Starts {@code command}; its output goes to {@code workDir/NAME-….out}. */
    static PeerProcess start(Path workDir, String name, List<String> command) throws IOException {
        Path output = Files.createTempFile(workDir, name + "-", ".out");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        process.getOutputStream().close();
        return new PeerProcess(name, List.copyOf(command), process, output);
    }

    /** Everything the peer printed so far. */
    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(unreadable " + output + ": " + e + ")";
        }
    }

    /**
     * Waits until the output matches {@code pattern} and returns the match; fails (with this peer's
     * command and output) if it ends first or {@code timeout} passes.
     */
    Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
        return Commands.awaitMatch(process, name, this::output, pattern, timeout, this::toString);
    }

    long pid() {
        return process.pid();
    }

    /** The process itself, for waiting on other text it writes (a log file). */
    Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String toString() {
        String state = process.isAlive() ? "running" : "exit " + process.exitValue();
        return "--- " + name + " (pid " + process.pid() + ", " + state + "): " + String.join(" ", command)
                + "\n--- output:\n" + output();
    }

    @Override
    public void close() {
        Commands.terminate(process);
    }
}
