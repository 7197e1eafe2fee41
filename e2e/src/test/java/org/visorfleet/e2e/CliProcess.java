package org.visorfleet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code visorfleet} command as a child JVM, started the way the repository's {@code ./visorfleet}
 * launcher starts it (same JVM flags and log format) but on this test's class path, so it runs the
 * code under test without a nested Maven build.
 *
 * <p>{@link #run} is for commands that finish; {@link #start} for {@code aoe serve}, whose combined
 * stdout/stderr goes to a file that {@link #await} polls. A file, not a pipe: {@link Process#destroy()}
 * sends SIGTERM and then closes our end of the child's stdout at once, so the lines the child writes
 * while it stops (the final {@code stopped: ...}) would be lost. {@link #close}
 * ends the child by its PID (SIGTERM, then SIGKILL after 5 s) if it is still running.
 */
final class CliProcess implements AutoCloseable {
    static final String MAIN = "org.visorfleet.cli.Main";

    /** What a finished command printed and returned. */
    record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    private final List<String> command;
    private final Process process;
    private final Path log;

    private CliProcess(List<String> command, Process process, Path log) {
        this.command = command;
        this.process = process;
        this.log = log;
    }

    /** {@code java <launcher flags> -cp <test class path> org.visorfleet.cli.Main args...} */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.util.logging.manager=org.visorfleet.cli.CliLogManager",
                "-Djava.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$s %5$s%6$s%n",
                "-cp",
                System.getProperty("java.class.path"),
                MAIN));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a command to completion; kills it by PID and fails after {@code timeout}. */
    static Result run(Path workDir, Duration timeout, String... args) throws IOException, InterruptedException {
        return run(workDir, timeout, List.of(), args);
    }

    /** Like {@link #run(Path, Duration, String...)}, run through {@code commandPrefix} (see {@link #start(Path, List, String...)}). */
    static Result run(Path workDir, Duration timeout, List<String> commandPrefix, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "cli-", ".out");
        Path err = Files.createTempFile(workDir, "cli-", ".err");
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(command(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            Commands.terminate(process);
            throw new AssertionError("still running after " + timeout + ": " + String.join(" ", command));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts a long-running command (e.g. {@code aoe serve}) with stdout and stderr merged into a file. */
    static CliProcess start(Path workDir, String... args) throws IOException {
        return start(workDir, List.of(), args);
    }

    /**
     * Like {@link #start(Path, String...)}, run through {@code commandPrefix}, e.g. {@link
     * NetNamespace#commandPrefix()} to serve inside a test LAN. The prefix must exec the JVM in
     * place ({@code ip netns exec} does), so that {@link #close} signals the JVM itself.
     */
    static CliProcess start(Path workDir, List<String> commandPrefix, String... args) throws IOException {
        Path log = Files.createTempFile(workDir, "cli-", ".log");
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(command(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        process.getOutputStream().close();
        return new CliProcess(command, process, log);
    }

    /** Everything the child printed so far (log lines go to stderr, merged here). */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable " + log + ": " + e + ")";
        }
    }

    /** Output lines containing {@code text}. */
    List<String> linesContaining(String text) {
        return output().lines().filter(l -> l.contains(text)).toList();
    }

    /** Waits until the output matches {@code pattern}; fails if the child ends first or time runs out. */
    Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
        return Commands.awaitMatch(process, "visorfleet", this::output, pattern, timeout, this::toString);
    }

    /**
     * Sends SIGTERM ({@link Process#destroy()} on Linux) and waits up to {@code timeout} for the
     * child to exit; returns its status. Fails, leaving the child to {@link #close}, if it does not.
     */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("visorfleet did not exit within " + timeout + " of SIGTERM\n" + this);
        }
        return process.exitValue();
    }

    /** The child's PID, for signals this class does not send itself. */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to this child only, by PID, with the
     * real {@code kill} command.
     */
    void signal(String signal) throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("visorfleet already ended\n" + this);
        }
        Commands.run(Duration.ofSeconds(5), "kill", "-" + signal, Long.toString(process.pid()));
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. Returns the exit status. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    @Override
    public String toString() {
        String state = process.isAlive() ? "running" : "exit " + process.exitValue();
        return "--- visorfleet (pid " + process.pid() + ", " + state + "): "
                + String.join(" ", command.subList(command.indexOf(MAIN), command.size())) + "\n--- output:\n"
                + output();
    }

    @Override
    public void close() {
        Commands.terminate(process);
    }
}
