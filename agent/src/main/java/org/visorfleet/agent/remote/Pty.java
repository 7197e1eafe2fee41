package org.visorfleet.agent.remote;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A program running on its own pseudo-terminal, as the agent's SSH server gives a remote shell: the
 * program is the leader of a new session whose controlling terminal is the pty's slave side, so line
 * editing, echo, Ctrl-C, job control and window-size changes behave as on a local terminal. The
 * agent holds the master side: {@link #output()} is what the program shows, {@link #input()} what
 * the user types.
 *
 * <p>Threading: the streams, {@link #resize}, {@link #signal} and {@link #close} may be used from
 * different threads; each stream is meant for one reader or one writer at a time. Their operations
 * are blocking downcalls, so run them on platform threads (a downcall pins a virtual thread's
 * carrier). A read or write blocked on the terminal returns when {@link #close} is called: the
 * read with end of stream, the write with an IOException. One platform daemon thread per pty waits
 * for the program to end.
 *
 * <p>Resources: the master descriptor and a wake-up pipe, both close-on-exec, stay open until
 * {@link #close}; the JVM never holds the slave. Closing the streams does nothing; close the pty.
 */
public final class Pty implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Pty.class.getName());
    /** How long a hung-up program may take to end before it is killed. */
    private static final Duration HANGUP_GRACE = Duration.ofSeconds(2);
    /** Bytes moved per read or write of the master; a pty buffers about 4 KiB per direction anyway. */
    private static final int BUFFER_BYTES = 8192;
    /** struct winsize holds the size in unsigned shorts. */
    private static final int MAX_WINDOW = 0xffff;
    /** Linux signals are 1 to 64 (SIGRTMAX). */
    private static final int MAX_SIGNAL = 64;
    /** Wait-status bits that hold the terminating signal (WTERMSIG); zero when the program exited. */
    private static final int TERMSIG_MASK = 0x7f;
    /** Shell convention for a program ended by signal s: exit status 128 + s. */
    private static final int SIGNALED_BASE = 128;

    private final int pid;
    private final int master;
    private final int wakeRead;
    private final int wakeWrite;
    /** Native buffers of the streams; closed with the descriptors. */
    private final Arena arena = Arena.ofShared();
    /** Readers are I/O calls on the descriptors; the writer is close(), so no call sees a reused fd. */
    private final ReadWriteLock descriptors = new ReentrantReadWriteLock();
    /** Set first by close(): I/O calls stop, blocked ones are woken through the pipe. */
    private volatile boolean closing;

    /** Orders kill(-pid) against reaping, so a signal never reaches a process that reused the pid. */
    private final Object processLock = new Object();

    private boolean reaped;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private final Object closeLock = new Object();
    private boolean closed;

    private final ProgramOutput output = new ProgramOutput();
    private final Keystrokes input = new Keystrokes();

    private Pty(int pid, int master, int wakeRead, int wakeWrite) {
        this.pid = pid;
        this.master = master;
        this.wakeRead = wakeRead;
        this.wakeWrite = wakeWrite;
    }

    /**
     * Starts {@code command} in a new session whose controlling terminal is a new pty of the given
     * size. argv[0] is searched on the agent's own {@code PATH} (as {@code posix_spawnp} does) when
     * it contains no '/'. The program starts with default signal handling, an empty signal mask, and
     * only descriptors 0, 1 and 2 (all the terminal).
     *
     * @param env the program's complete environment
     * @param cwd its working directory
     * @throws IOException when it cannot start, e.g. "cannot start nosuch: No such file or directory"
     * @throws IllegalArgumentException for an empty command, a NUL in a string, an environment name
     *     that is empty or contains '=', or a size outside 0..65535
     */
    public static Pty spawn(List<String> command, Map<String, String> env, Path cwd, int columns, int rows)
            throws IOException {
        List<String> argv = List.copyOf(command);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        argv.forEach(argument -> requireNoNul("command", argument));
        List<String> environment = environment(env);
        checkWindow(columns, rows);
        String name = argv.getFirst();
        if (!Files.isDirectory(cwd)) {
            throw new IOException("cannot start " + name + ": working directory " + cwd + " is not a directory");
        }
        int master = -1;
        int[] wake = null;
        try {
            master = Libc.openMaster();
            Libc.setWindowSize(master, columns, rows);
            Libc.setNonBlocking(master);
            wake = Libc.pipe();
            String terminal = Libc.slaveName(master);
            int pid = Libc.spawn(argv, environment, cwd.toAbsolutePath().toString(), terminal);
            Pty pty = new Pty(pid, master, wake[0], wake[1]);
            Thread.ofPlatform().daemon().name("pty-reaper-" + pid).start(pty::awaitExit);
            return pty;
        } catch (IOException e) {
            closeQuietly(master);
            if (wake != null) {
                closeQuietly(wake[0]);
                closeQuietly(wake[1]);
            }
            throw new IOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The program's process id; also its session and process group id. */
    public long pid() {
        return pid;
    }

    /**
     * What the program writes to its terminal, with the terminal's output processing applied (e.g.
     * "\n" becomes "\r\n"). End of stream once the program and every process holding the terminal
     * are gone, or once the pty is closed.
     */
    public InputStream output() {
        return output;
    }

    /** Keystrokes to the program, through the terminal's line discipline (echo, Ctrl-C, editing). */
    public OutputStream input() {
        return input;
    }

    /** Sets the window size; the kernel sends SIGWINCH to the terminal's foreground process group. */
    public void resize(int columns, int rows) throws IOException {
        checkWindow(columns, rows);
        descriptors.readLock().lock();
        try {
            requireOpen();
            Libc.setWindowSize(master, columns, rows);
        } finally {
            descriptors.readLock().unlock();
        }
    }

    /**
     * Sends a signal (1 to 64, e.g. 1 for SIGHUP) to the program's process group.
     *
     * @throws IOException once the program has ended, or when kill(2) fails
     */
    public void signal(int signal) throws IOException {
        if (signal < 1 || signal > MAX_SIGNAL) {
            throw new IllegalArgumentException("no such signal: " + signal);
        }
        synchronized (processLock) {
            if (reaped) {
                throw new IOException("process " + pid + " has ended");
            }
            // The program is a session leader, so its process group id is its pid.
            int rc = Libc.kill(-pid, signal);
            if (rc < 0) {
                throw Libc.failure("kill", -rc);
            }
        }
    }

    /** Waits for the program to end: its exit status, or 128 + signal when a signal ended it. */
    public int waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw (IllegalStateException) e.getCause();
        }
    }

    /** Like {@link #waitFor()}, but gives up after {@code timeout}: empty if the program still runs. */
    public Optional<Integer> waitFor(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(exit.get(saturatedNanos(timeout), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw (IllegalStateException) e.getCause();
        }
    }

    /**
     * Hangs up: if the program still runs, SIGHUP to its process group, and SIGKILL to the group 2 s
     * later if the program still runs then; closes the master (which hangs up the terminal for any
     * process still holding it, so their reads and writes fail) and reaps the program. Idempotent;
     * later callers wait for the first to finish. If interrupted, it kills at once and keeps the
     * thread's interrupt status.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            boolean interrupted = false;
            if (!exit.isDone()) {
                signalQuietly(Libc.SIGHUP);
                try {
                    if (waitFor(HANGUP_GRACE).isEmpty()) {
                        signalQuietly(Libc.SIGKILL);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    signalQuietly(Libc.SIGKILL);
                }
            }
            closeDescriptors();
            while (true) {
                try {
                    exit.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    LOG.log(System.Logger.Level.WARNING, "process {0} was not reaped: {1}", pid, e.getCause());
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The reaper thread: waits for the end without reaping, then reaps under the process lock. */
    private void awaitExit() {
        int rc;
        do {
            rc = Libc.awaitTermination(pid);
        } while (rc == -Libc.EINTR);
        int status;
        synchronized (processLock) {
            do {
                status = Libc.reap(pid);
            } while (status == -Libc.EINTR);
            reaped = true;
        }
        if (status < 0) {
            exit.completeExceptionally(
                    new IllegalStateException("cannot wait for process " + pid + ": " + Libc.strerror(-status)));
        } else {
            exit.complete(exitStatus(status));
        }
    }

    /** Decodes a wait status: WIFEXITED gives WEXITSTATUS, WIFSIGNALED gives 128 + WTERMSIG. */
    static int exitStatus(int waitStatus) {
        int signal = waitStatus & TERMSIG_MASK;
        return signal == 0 ? (waitStatus >> 8) & 0xff : SIGNALED_BASE + signal;
    }

    private void signalQuietly(int signal) {
        try {
            signal(signal);
        } catch (IOException e) {
            // The program ended between the check and the signal: nothing is left to hang up.
            LOG.log(System.Logger.Level.DEBUG, "signal {0} to {1} not sent: {2}", signal, pid, e.getMessage());
        }
    }

    private void closeDescriptors() {
        closing = true;
        // The wake-up byte is never read, so every later poll of the pipe returns at once.
        MemorySegment one = arena.allocate(1);
        long written = Libc.write(wakeWrite, one, 1);
        if (written != 1) {
            LOG.log(System.Logger.Level.WARNING, "cannot wake the pty's I/O threads: {0}", written);
        }
        descriptors.writeLock().lock();
        try {
            closeQuietly(master);
            closeQuietly(wakeRead);
            closeQuietly(wakeWrite);
            arena.close();
        } finally {
            descriptors.writeLock().unlock();
        }
    }

    /** Blocks until the master is ready for {@code events} or close() has begun; caller holds the read lock. */
    private void awaitReady(MemorySegment pollFds, short events) throws IOException {
        pollFds.set(JAVA_INT, 0, master);
        pollFds.set(JAVA_SHORT, 4, events);
        pollFds.set(JAVA_INT, Libc.POLLFD_BYTES, wakeRead);
        pollFds.set(JAVA_SHORT, Libc.POLLFD_BYTES + 4, Libc.POLLIN);
        int n = Libc.poll(pollFds, 2);
        if (n < 0 && n != -Libc.EINTR) {
            throw Libc.failure("poll", -n);
        }
    }

    private void requireOpen() throws IOException {
        if (closing) {
            throw new IOException("the terminal of process " + pid + " is closed");
        }
    }

    /** The master side's output: the program's screen. */
    private final class ProgramOutput extends InputStream {
        private final MemorySegment buffer = arena.allocate(BUFFER_BYTES);
        private final MemorySegment pollFds = arena.allocate(2 * Libc.POLLFD_BYTES, 4);
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            descriptors.readLock().lock();
            try {
                while (!ended && !closing) {
                    long n = Libc.read(master, buffer, Math.min(length, BUFFER_BYTES));
                    if (n > 0) {
                        MemorySegment.copy(buffer, JAVA_BYTE, 0, bytes, offset, (int) n);
                        return (int) n;
                    } else if (n == 0 || n == -Libc.EIO) {
                        // EIO: the last holder of the slave side has closed it.
                        ended = true;
                    } else if (n == -Libc.EAGAIN) {
                        awaitReady(pollFds, Libc.POLLIN);
                    } else if (n != -Libc.EINTR) {
                        throw Libc.failure("read", (int) -n);
                    }
                }
                return -1;
            } finally {
                descriptors.readLock().unlock();
            }
        }
    }

    /** The master side's input: what the user types. */
    private final class Keystrokes extends OutputStream {
        private final MemorySegment buffer = arena.allocate(BUFFER_BYTES);
        private final MemorySegment pollFds = arena.allocate(2 * Libc.POLLFD_BYTES, 4);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            descriptors.readLock().lock();
            try {
                int done = 0;
                while (done < length) {
                    requireOpen();
                    int chunk = Math.min(length - done, BUFFER_BYTES);
                    MemorySegment.copy(bytes, offset + done, buffer, JAVA_BYTE, 0, chunk);
                    long n = Libc.write(master, buffer, chunk);
                    if (n > 0) {
                        done += (int) n;
                    } else if (n == 0 || n == -Libc.EAGAIN) {
                        awaitReady(pollFds, Libc.POLLOUT);
                    } else if (n != -Libc.EINTR) {
                        throw Libc.failure("write", (int) -n);
                    }
                }
            } finally {
                descriptors.readLock().unlock();
            }
        }
    }

    private static List<String> environment(Map<String, String> env) {
        return env.entrySet().stream()
                .map(variable -> {
                    String key = variable.getKey();
                    if (key.isEmpty() || key.indexOf('=') >= 0) {
                        throw new IllegalArgumentException("bad environment variable name: " + key);
                    }
                    requireNoNul("environment", key);
                    requireNoNul("environment", variable.getValue());
                    return key + "=" + variable.getValue();
                })
                .toList();
    }

    private static void requireNoNul(String what, String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: " + text.replace('\0', '?'));
        }
    }

    private static void checkWindow(int columns, int rows) {
        if (columns < 0 || columns > MAX_WINDOW || rows < 0 || rows > MAX_WINDOW) {
            throw new IllegalArgumentException("window size out of range 0..65535: " + columns + "x" + rows);
        }
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0 && Libc.close(fd) < 0) {
            // Linux releases the descriptor even when close reports an error; nothing to retry.
            LOG.log(System.Logger.Level.DEBUG, "close({0}) reported an error", fd);
        }
    }
}
