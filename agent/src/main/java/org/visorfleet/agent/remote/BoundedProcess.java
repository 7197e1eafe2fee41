package org.visorfleet.agent.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child process run to its end or to its timeout, with standard input closed and standard output
 * and error each kept up to a limit (the rest is read and dropped, so the child never blocks on a
 * full pipe). At the timeout the whole process tree is killed.
 */
final class BoundedProcess {

    /** Appended to an output that was cut. */
    static final String TRUNCATED = "\n[truncated]";

    /**
     * How a run ended.
     *
     * @param exitCode the exit status (128 + signal when killed by one)
     * @param timedOut true when it was killed at its timeout
     * @param stdout standard output, UTF-8, at most the limit in characters
     * @param stderr standard error, likewise
     */
    record Outcome(int exitCode, boolean timedOut, String stdout, String stderr) {}

    private BoundedProcess() {}

    /**
     * Runs {@code argv}; throws IOException when it cannot start (no such program, not executable).
     * Interrupting the caller kills the tree and rethrows.
     */
    static Outcome run(List<String> argv, Duration timeout, int outputLimit) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).start();
        process.getOutputStream().close();
        Capture out = new Capture(outputLimit);
        Capture err = new Capture(outputLimit);
        Thread outReader = Thread.ofVirtual().start(() -> out.drain(process.getInputStream()));
        Thread errReader = Thread.ofVirtual().start(() -> err.drain(process.getErrorStream()));
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exited;
        try {
            exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            throw e;
        }
        if (!exited) {
            killTree(process.toHandle());
            process.waitFor();
        }
        // A background child may hold the pipes open after the process exits: wait for the readers
        // only until the deadline (or briefly after a kill), then take what they have.
        long readersUntil = exited ? deadline : System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        join(outReader, readersUntil);
        join(errReader, readersUntil);
        return new Outcome(process.exitValue(), !exited, out.text(), err.text());
    }

    /**
     * Kills a process and everything it started. The descendants are listed first (once the process
     * is dead they are re-parented and no longer found), then the process is killed before them (so
     * a shell cannot run on after its child died, e.g. to the next command of a list), then they are.
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> descendants = root.descendants().toList();
        root.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void join(Thread reader, long untilNanos) throws InterruptedException {
        long left = untilNanos - System.nanoTime();
        if (left > 0) {
            reader.join(Duration.ofNanos(left));
        }
    }

    /** The first {@code limit} bytes of a stream, and whether there were more. */
    private static final class Capture {
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        Capture(int limit) {
            this.limit = limit;
        }

        void drain(InputStream in) {
            byte[] buffer = new byte[16 * 1024];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    keep(buffer, n);
                }
            } catch (IOException e) {
                // The pipe closed under the reader (the process was killed): what was read is kept.
            }
        }

        private synchronized void keep(byte[] buffer, int n) {
            int room = (int) Math.max(0, Math.min(n, limit - total));
            kept.write(buffer, 0, room);
            total += n;
        }

        /** The text, at most {@code limit} characters including the {@link #TRUNCATED} mark. */
        synchronized String text() {
            byte[] bytes = kept.toByteArray();
            if (total <= limit) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            int keep = Math.max(0, limit - TRUNCATED.length());
            return new String(bytes, 0, Math.min(keep, bytes.length), StandardCharsets.UTF_8) + TRUNCATED;
        }
    }
}
