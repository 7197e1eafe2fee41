package org.visorfleet.aoe.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A second JVM running a test main class, for cross-process locking and kill -9 tests. */
final class ChildJvm implements AutoCloseable {
    private static final String EOF = new String("EOF");
    private final Process process;
    private final Path stderr;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = Thread.ofVirtual().start(this::pump);
    }

    /** Starts {@code main} with the current java and test class path; its stderr goes to {@code stderr}. */
    static ChildJvm start(Path stderr, Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(p, stderr);
    }

    private void pump() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("READ FAILED: " + e);
        } finally {
            lines.add(EOF);
        }
    }

    /** The next stdout line, failing the test if none comes within {@code timeout} or the child exits. */
    String next(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || line == EOF) {
            throw new AssertionError(
                    "child " + (line == null ? "silent for " + timeout : "exited") + "; stderr: " + stderr());
        }
        return line;
    }

    /** Closes the child's stdin (children treat that as "exit now") and waits for it to exit. */
    int finish() throws InterruptedException, IOException {
        process.getOutputStream().close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("child did not exit; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** SIGKILL, then every line the child printed before it died. */
    List<String> kill() throws InterruptedException {
        // Through the handle: Process.destroyForcibly() would also close our end of the stdout pipe
        // and lose acknowledgements the child printed that we have not read yet.
        process.toHandle().destroyForcibly();
        process.waitFor();
        reader.join();
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        rest.remove(EOF);
        return rest;
    }

    String stderr() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
