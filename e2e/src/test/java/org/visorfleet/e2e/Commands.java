package org.visorfleet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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

    /** Joins a reader thread for up to 5 s, keeping the interrupt flag instead of throwing. */
    static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
