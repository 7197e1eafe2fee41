package org.visorfleet.aoe.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Runs iproute2's {@code ip} (and other short commands) for the network fixtures. */
final class IpCommand {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long TIMEOUT_SECONDS = 20;
    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
    private static boolean hookInstalled;

    private IpCommand() {}

    /** The exit status and merged output of a finished command. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        boolean nameTaken() {
            return output.contains("File exists");
        }

        /** An exception naming {@code command}, the exit status and the output. */
        IOException failure(String command) {
            return new IOException(command + " exited " + exitCode + ": " + output.strip());
        }
    }

    /** {@code ip ARGS...}; never throws for a non-zero exit. */
    static Result ip(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Prerequisites.tool("ip").toString());
        command.addAll(List.of(args));
        return run(command);
    }

    /** {@code ip ARGS...}, throwing with the command and its output on a non-zero exit. */
    static String ipOrThrow(String... args) throws IOException {
        Result result = ip(args);
        if (!result.ok()) {
            throw result.failure("ip " + String.join(" ", args));
        }
        return result.output();
    }

    /** Runs {@code command} to completion (at most 20 s), stdout and stderr merged. */
    static Result run(List<String> command) throws IOException {
        // Output goes to a file, not a pipe: a chatty command cannot block on a full pipe while we
        // wait for it to exit.
        Path output = Files.createTempFile("vft-cmd", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(command + " still running after " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted running " + command, e);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Fixtures a test forgot to close are removed when the JVM exits, so no run leaks interfaces. */
    static synchronized void closeAtExit(AutoCloseable fixture) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(IpCommand::closeLeftovers, "vft-fixture-cleanup"));
            hookInstalled = true;
        }
        OPEN.add(fixture);
    }

    static void closed(AutoCloseable fixture) {
        OPEN.remove(fixture);
    }

    private static void closeLeftovers() {
        for (AutoCloseable fixture : List.copyOf(OPEN)) {
            try {
                fixture.close();
            } catch (Exception e) {
                // Nothing left to report to at JVM exit but stderr.
                System.err.println("cannot remove test fixture " + fixture + ": " + e);
            }
        }
    }

    /** {@code prefix} plus 6 random hex digits; short enough for a 15-byte interface name. */
    static String uniqueName(String prefix) {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }
}
