package org.visorfleet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs short host commands ({@code ip}, {@code nasm}) to completion. */
final class Commands {
    private Commands() {}

    /**
     * Runs {@code command}, returns its combined output, throws IOException (with that output) on a
     * non-zero exit, or kills it by PID and throws after {@code timeout}.
     */
    static String run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        // Drained concurrently so a chatty command cannot block on a full pipe.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                Thread::startVirtualThread);
        String line = String.join(" ", command);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IOException("timed out after " + timeout + ": " + line);
        }
        String text;
        try {
            text = output.get();
        } catch (ExecutionException e) {
            throw new IOException("reading output of " + line, e.getCause());
        }
        if (process.exitValue() != 0) {
            throw new IOException("exit " + process.exitValue() + ": " + line + "\n" + text);
        }
        return text;
    }

    /**
     * Ends {@code process} (only that PID): SIGTERM, then SIGKILL after 5 s. Does not throw
     * InterruptedException, so close() methods can use it; an interrupt escalates to SIGKILL at once
     * and is re-asserted on the calling thread.
     */
    static void terminate(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Polls {@code text} (a process's output or log file) every 50 ms until it matches
     * {@code pattern} and returns the match; fails with {@code context} if {@code process} ends
     * first or {@code timeout} passes. Liveness is checked before reading, so text written before
     * the exit is always seen.
     */
    static Matcher awaitMatch(
            Process process,
            String name,
            Supplier<String> text,
            Pattern pattern,
            Duration timeout,
            Supplier<String> context)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ended = !process.isAlive();
            Matcher m = pattern.matcher(text.get());
            if (m.find()) {
                return m;
            }
            if (ended || System.nanoTime() > deadline) {
                throw new AssertionError((ended ? name + " ended" : "timed out after " + timeout)
                        + " before it printed /" + pattern + "/\n" + context.get());
            }
            Thread.sleep(50);
        }
    }

    /** Joins a reader thread for up to 5 s, keeping the interrupt flag instead of throwing. */
    static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
