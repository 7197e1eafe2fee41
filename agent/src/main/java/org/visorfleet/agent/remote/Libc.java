package org.visorfleet.agent.remote;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The glibc calls behind {@link Pty}, as FFM downcalls. Each wrapper either returns the call's result
 * or, for calls that report failure through {@code errno}, a negative {@code -errno}; the
 * {@code check} helpers turn that into an {@link IOException} naming the call and
 * {@code strerror(errno)}.
 *
 * <p>The constants are the Linux values shared by x86_64 and aarch64 glibc (asm-generic
 * {@code fcntl.h}, {@code ioctls.h}, {@code wait.h}, glibc {@code spawn.h}); the struct sizes are
 * glibc's for x86_64, allocated with room to spare and always initialised and destroyed by glibc
 * itself. Every call is a plain blocking downcall: callers use platform threads, because a downcall
 * pins a virtual thread's carrier.
 */
final class Libc {
    /** {@code errno} values this package reacts to ({@code asm-generic/errno-base.h}). */
    static final int EINTR = 4;

    static final int EIO = 5;
    static final int EAGAIN = 11;

    /** {@code open(2)} flags ({@code asm-generic/fcntl.h}). */
    static final int O_RDWR = 0x2;

    static final int O_NOCTTY = 0x100;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    /** {@code poll(2)} events: data to read, room to write. */
    static final short POLLIN = 0x1;

    static final short POLLOUT = 0x4;

    /** {@code posix_spawnattr_setflags} bits (glibc {@code spawn.h}). */
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;

    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** glibc extension: the child calls {@code setsid()} before the file actions run. */
    static final short POSIX_SPAWN_SETSID = 0x80;

    /** Signals used by {@link Pty#close()}. */
    static final int SIGHUP = 1;

    static final int SIGKILL = 9;

    /** {@code sizeof(posix_spawnattr_t)} is 336 on x86_64 glibc; generous so no ABI drift can overrun. */
    static final long SPAWNATTR_BYTES = 512;
    /** {@code sizeof(posix_spawn_file_actions_t)} is 80 on x86_64 glibc; generous for the same reason. */
    static final long FILE_ACTIONS_BYTES = 512;
    /** {@code sizeof(sigset_t)} on glibc: 1024 signal bits. */
    static final long SIGSET_BYTES = 128;
    /** {@code struct pollfd { int fd; short events; short revents; }}: 8 bytes, revents at offset 6. */
    static final long POLLFD_BYTES = 8;

    static final long POLLFD_REVENTS = 6;
    /** Room for a {@code /dev/pts/N} name from {@code ptsname_r}. */
    private static final long PTSNAME_BYTES = 128;
    /** {@code ioctl} request to set a terminal's window size ({@code asm-generic/ioctls.h}). */
    private static final long TIOCSWINSZ = 0x5414;
    /** {@code fcntl} commands: read and set the file status flags. */
    private static final int F_GETFL = 3;

    private static final int F_SETFL = 4;
    /** {@code waitid} selector: one process by pid. */
    private static final int P_PID = 1;
    /** {@code waitid} options: wait for termination, but leave the child a zombie (not reaped). */
    private static final int WEXITED = 0x4;

    private static final int WNOWAIT = 0x01000000;
    /** {@code sizeof(siginfo_t)}, which {@code waitid} fills and we ignore. */
    private static final long SIGINFO_BYTES = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno")).withInvokeExactBehavior();
    /** Where each thread's downcalls leave errno; freed by the GC once the thread is gone. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    private static final MethodHandle POSIX_OPENPT = errnoCall("posix_openpt", JAVA_INT, JAVA_INT);
    private static final MethodHandle GRANTPT = errnoCall("grantpt", JAVA_INT, JAVA_INT);
    private static final MethodHandle UNLOCKPT = errnoCall("unlockpt", JAVA_INT, JAVA_INT);
    private static final MethodHandle PTSNAME_R = call("ptsname_r", JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle IOCTL_POINTER =
            variadicErrnoCall("ioctl", 2, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    private static final MethodHandle FCNTL_INT = variadicErrnoCall("fcntl", 2, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle PIPE2 = errnoCall("pipe2", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle READ = errnoCall("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = errnoCall("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle POLL = errnoCall("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle CLOSE = errnoCall("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle KILL = errnoCall("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle WAITID = errnoCall("waitid", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle WAITPID = errnoCall("waitpid", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle STRERROR = call("strerror", ADDRESS, JAVA_INT);
    private static final MethodHandle SIGEMPTYSET = call("sigemptyset", JAVA_INT, ADDRESS);
    private static final MethodHandle SIGFILLSET = call("sigfillset", JAVA_INT, ADDRESS);
    private static final MethodHandle SPAWNATTR_INIT = call("posix_spawnattr_init", JAVA_INT, ADDRESS);
    private static final MethodHandle SPAWNATTR_DESTROY = call("posix_spawnattr_destroy", JAVA_INT, ADDRESS);
    private static final MethodHandle SPAWNATTR_SETFLAGS =
            call("posix_spawnattr_setflags", JAVA_INT, ADDRESS, JAVA_SHORT);
    private static final MethodHandle SPAWNATTR_SETSIGMASK =
            call("posix_spawnattr_setsigmask", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SPAWNATTR_SETSIGDEFAULT =
            call("posix_spawnattr_setsigdefault", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle ACTIONS_INIT = call("posix_spawn_file_actions_init", JAVA_INT, ADDRESS);
    private static final MethodHandle ACTIONS_DESTROY = call("posix_spawn_file_actions_destroy", JAVA_INT, ADDRESS);
    private static final MethodHandle ACTIONS_ADDOPEN =
            call("posix_spawn_file_actions_addopen", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACTIONS_ADDDUP2 =
            call("posix_spawn_file_actions_adddup2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACTIONS_ADDCLOSEFROM =
            call("posix_spawn_file_actions_addclosefrom_np", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle ACTIONS_ADDCHDIR =
            call("posix_spawn_file_actions_addchdir_np", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle POSIX_SPAWNP =
            call("posix_spawnp", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    private Libc() {}

    // ---- terminals

    /** A new pty master, {@code O_RDWR|O_NOCTTY|O_CLOEXEC}, unlocked and ready for its slave to open. */
    static int openMaster() throws IOException {
        int fd = check("posix_openpt", (int)
                invoke(() -> (int) POSIX_OPENPT.invokeExact(state(), O_RDWR | O_NOCTTY | O_CLOEXEC)));
        try {
            check("grantpt", (int) invoke(() -> (int) GRANTPT.invokeExact(state(), fd)));
            check("unlockpt", (int) invoke(() -> (int) UNLOCKPT.invokeExact(state(), fd)));
            return fd;
        } catch (IOException e) {
            close(fd);
            throw e;
        }
    }

    /** The path of the slave side of a pty master, such as {@code /dev/pts/3}. */
    static String slaveName(int master) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(PTSNAME_BYTES);
            // ptsname_r returns the error number itself rather than setting errno.
            int rc = (int) invoke(() -> (int) PTSNAME_R.invokeExact(master, name, PTSNAME_BYTES));
            if (rc != 0) {
                throw failure("ptsname_r", rc);
            }
            return name.getString(0);
        }
    }

    /** {@code ioctl(fd, TIOCSWINSZ, &(struct winsize){rows, columns, 0, 0})}. */
    static void setWindowSize(int fd, int columns, int rows) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            // struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }: 8 bytes.
            MemorySegment size = arena.allocate(8, 2);
            size.set(JAVA_SHORT, 0, (short) rows);
            size.set(JAVA_SHORT, 2, (short) columns);
            check("ioctl(TIOCSWINSZ)", (int)
                    invoke(() -> (int) IOCTL_POINTER.invokeExact(state(), fd, TIOCSWINSZ, size)));
        }
    }

    /** Adds {@code O_NONBLOCK} to an open file's status flags. */
    static void setNonBlocking(int fd) throws IOException {
        int flags = check("fcntl(F_GETFL)", (int) invoke(() -> (int) FCNTL_INT.invokeExact(state(), fd, F_GETFL, 0)));
        check("fcntl(F_SETFL)", (int)
                invoke(() -> (int) FCNTL_INT.invokeExact(state(), fd, F_SETFL, flags | O_NONBLOCK)));
    }

    /** A close-on-exec pipe: {@code [read end, write end]}. */
    static int[] pipe() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            check("pipe2", (int) invoke(() -> (int) PIPE2.invokeExact(state(), fds, O_CLOEXEC)));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    // ---- plain I/O: results are counts, or -errno

    static long read(int fd, MemorySegment buffer, long count) {
        long n = (long) invoke(() -> (long) READ.invokeExact(state(), fd, buffer, count));
        return n >= 0 ? n : -errno();
    }

    static long write(int fd, MemorySegment buffer, long count) {
        long n = (long) invoke(() -> (long) WRITE.invokeExact(state(), fd, buffer, count));
        return n >= 0 ? n : -errno();
    }

    /** {@code poll(fds, count, -1)}: waits without a time limit; the number of ready entries, or -errno. */
    static int poll(MemorySegment fds, long count) {
        int n = (int) invoke(() -> (int) POLL.invokeExact(state(), fds, count, -1));
        return n >= 0 ? n : -errno();
    }

    /** Closes a descriptor; 0 or -errno (Linux frees the descriptor even when close reports an error). */
    static int close(int fd) {
        int rc = (int) invoke(() -> (int) CLOSE.invokeExact(state(), fd));
        return rc == 0 ? 0 : -errno();
    }

    // ---- processes

    /** {@code kill(pid, signal)}; 0 or -errno. A negative pid names a process group. */
    static int kill(int pid, int signal) {
        int rc = (int) invoke(() -> (int) KILL.invokeExact(state(), pid, signal));
        return rc == 0 ? 0 : -errno();
    }

    /**
     * Blocks until the child ends, leaving it a zombie so that its pid stays reserved until {@link
     * #reap} ; 0 or -errno.
     */
    static int awaitTermination(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SIGINFO_BYTES);
            int rc = (int) invoke(() -> (int) WAITID.invokeExact(state(), P_PID, pid, info, WEXITED | WNOWAIT));
            return rc == 0 ? 0 : -errno();
        }
    }

    /** {@code waitpid(pid, &status, 0)}: the raw wait status of an ended child, or -errno. */
    static int reap(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            int rc = (int) invoke(() -> (int) WAITPID.invokeExact(state(), pid, status, 0));
            return rc == pid ? status.get(JAVA_INT, 0) & 0xffff : -errno();
        }
    }

    /**
     * Starts {@code argv} with {@code posix_spawnp} (which searches the JVM's own {@code PATH} when
     * argv[0] has no '/') in a new session, with the given terminal as stdin, stdout, stderr and
     * controlling terminal, no other descriptors, default signal handling and an empty signal mask.
     *
     * @return the child's pid
     * @throws IOException with {@code strerror} of the reason, e.g. "No such file or directory"
     */
    static int spawn(List<String> argv, List<String> environment, String cwd, String terminal) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(SPAWNATTR_BYTES, 16);
            MemorySegment actions = arena.allocate(FILE_ACTIONS_BYTES, 16);
            checkSpawn("posix_spawnattr_init", (int) invoke(() -> (int) SPAWNATTR_INIT.invokeExact(attr)));
            try {
                checkSpawn(
                        "posix_spawn_file_actions_init", (int) invoke(() -> (int) ACTIONS_INIT.invokeExact(actions)));
                try {
                    describeChild(arena, attr, actions, cwd, terminal);
                    MemorySegment pid = arena.allocate(JAVA_INT);
                    MemorySegment file = arena.allocateFrom(argv.getFirst());
                    MemorySegment args = stringArray(arena, argv);
                    MemorySegment env = stringArray(arena, environment);
                    // posix_spawnp returns the error number, including exec failures in the child.
                    int rc = (int) invoke(() -> (int) POSIX_SPAWNP.invokeExact(pid, file, actions, attr, args, env));
                    if (rc != 0) {
                        throw new IOException(strerror(rc));
                    }
                    return pid.get(JAVA_INT, 0);
                } finally {
                    invoke(() -> (int) ACTIONS_DESTROY.invokeExact(actions));
                }
            } finally {
                invoke(() -> (int) SPAWNATTR_DESTROY.invokeExact(attr));
            }
        }
    }

    private static void describeChild(
            Arena arena, MemorySegment attr, MemorySegment actions, String cwd, String terminal) throws IOException {
        MemorySegment noSignals = arena.allocate(SIGSET_BYTES, 8);
        MemorySegment allSignals = arena.allocate(SIGSET_BYTES, 8);
        checkSpawn("sigemptyset", (int) invoke(() -> (int) SIGEMPTYSET.invokeExact(noSignals)));
        checkSpawn("sigfillset", (int) invoke(() -> (int) SIGFILLSET.invokeExact(allSignals)));
        // The JVM blocks and handles signals of its own (and may run with SIGHUP ignored under nohup);
        // the child starts with every signal unblocked and at its default action.
        short flags = POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        checkSpawn("posix_spawnattr_setflags", (int) invoke(() -> (int) SPAWNATTR_SETFLAGS.invokeExact(attr, flags)));
        checkSpawn("posix_spawnattr_setsigmask", (int)
                invoke(() -> (int) SPAWNATTR_SETSIGMASK.invokeExact(attr, noSignals)));
        checkSpawn("posix_spawnattr_setsigdefault", (int)
                invoke(() -> (int) SPAWNATTR_SETSIGDEFAULT.invokeExact(attr, allSignals)));
        // glibc runs setsid() before the file actions, so this open (without O_NOCTTY) by a session
        // leader that has no terminal makes the slave its controlling terminal.
        MemorySegment path = arena.allocateFrom(terminal);
        checkSpawn("posix_spawn_file_actions_addopen", (int)
                invoke(() -> (int) ACTIONS_ADDOPEN.invokeExact(actions, 0, path, O_RDWR, 0)));
        checkSpawn("posix_spawn_file_actions_adddup2", (int)
                invoke(() -> (int) ACTIONS_ADDDUP2.invokeExact(actions, 0, 1)));
        checkSpawn("posix_spawn_file_actions_adddup2", (int)
                invoke(() -> (int) ACTIONS_ADDDUP2.invokeExact(actions, 0, 2)));
        // The JDK does not open every descriptor close-on-exec (it relies on its own spawn helper to
        // close them); the user's program gets stdin, stdout and stderr and nothing of the agent's.
        checkSpawn("posix_spawn_file_actions_addclosefrom_np", (int)
                invoke(() -> (int) ACTIONS_ADDCLOSEFROM.invokeExact(actions, 3)));
        MemorySegment directory = arena.allocateFrom(cwd);
        checkSpawn("posix_spawn_file_actions_addchdir_np", (int)
                invoke(() -> (int) ACTIONS_ADDCHDIR.invokeExact(actions, directory)));
    }

    /** A NULL-terminated {@code char *[]} of NUL-terminated UTF-8 strings, all in {@code arena}. */
    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i)));
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    // ---- errors

    /** The text glibc gives for an error number, e.g. "No such file or directory". */
    static String strerror(int errno) {
        MemorySegment text = (MemorySegment) invoke(() -> (MemorySegment) STRERROR.invokeExact(errno));
        return text.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    /** An IOException for a call that failed with {@code errno}. */
    static IOException failure(String call, int errno) {
        return new IOException(call + ": " + strerror(errno));
    }

    private static int check(String call, int result) throws IOException {
        if (result < 0) {
            throw failure(call, errno());
        }
        return result;
    }

    /** The posix_spawn family returns an error number instead of setting errno. */
    private static void checkSpawn(String call, int result) throws IOException {
        if (result != 0) {
            throw failure(call, result);
        }
    }

    private static MemorySegment state() {
        return STATE.get();
    }

    /** The errno the calling thread's last {@code errnoCall} left behind. */
    private static int errno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    // ---- linking

    @FunctionalInterface
    private interface Downcall {
        Object call() throws Throwable;
    }

    /** Runs a downcall; method handles declare Throwable, but these calls only fail by return value. */
    private static Object invoke(Downcall downcall) {
        try {
            return downcall.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("native call failed", e);
        }
    }

    private static MethodHandle call(String name, MemoryLayout result, MemoryLayout... arguments) {
        return LINKER.downcallHandle(find(name), FunctionDescriptor.of(result, arguments));
    }

    /** A downcall whose errno is captured into the segment passed as the extra first argument. */
    private static MethodHandle errnoCall(String name, MemoryLayout result, MemoryLayout... arguments) {
        return LINKER.downcallHandle(
                find(name), FunctionDescriptor.of(result, arguments), Linker.Option.captureCallState("errno"));
    }

    /** Like {@link #errnoCall} for a C variadic function whose fixed arguments end before {@code firstVariadic}. */
    private static MethodHandle variadicErrnoCall(
            String name, int firstVariadic, MemoryLayout result, MemoryLayout... arguments) {
        return LINKER.downcallHandle(
                find(name),
                FunctionDescriptor.of(result, arguments),
                Linker.Option.captureCallState("errno"),
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }
}
