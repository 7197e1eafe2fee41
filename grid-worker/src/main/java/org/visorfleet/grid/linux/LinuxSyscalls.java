package org.visorfleet.grid.linux;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RV64 Linux system call layer of one sandboxed process. On each {@code ecall} the runner calls
 * {@link #handle}: the number is in a7 (x17), arguments in a0..a5 (x10..x15), the result (or
 * -errno) is written to a0, and the returned {@link SyscallResult} says whether to resume.
 * Deterministic: nothing depends on the host (time is {@link GuestClock}, randomness {@link
 * SplitMix64} from the work unit's seed). Unknown numbers return -ENOSYS and are logged once each.
 *
 * <p>Not thread-safe: one instance per process, called from the thread running its hart.
 */
public final class LinuxSyscalls {
    private static final System.Logger LOG = System.getLogger(LinuxSyscalls.class.getName());
    private static final int A0 = 10;
    private static final int A7 = 17;

    private final SyscallLimits limits;
    private final FileSyscalls files;
    private final MemorySyscalls memory;
    private final ProcessSyscalls process;
    private final Set<Long> unknown = new TreeSet<>();
    private long count;
    private SyscallResult stop;

    /**
     * @param brkStart initial program break (ElfImage.brkStart)
     * @param seed per-work-unit seed for getrandom
     */
    public LinuxSyscalls(
            GuestAccess mem, JobFiles jobFiles, SyscallLimits limits, AddressLayout layout, long brkStart, long seed) {
        this.limits = limits;
        OutputCapture capture = new OutputCapture(limits.maxOutputBytes());
        this.files = new FileSyscalls(mem, jobFiles, capture, limits.maxOpenFiles());
        this.memory = new MemorySyscalls(mem, layout, brkStart);
        this.process = new ProcessSyscalls(mem, seed, layout, limits);
    }

    public SyscallResult handle(Registers regs) {
        if (++count > limits.maxSyscalls()) {
            return new SyscallResult.LimitReached(
                    SyscallResult.Limit.SYSCALLS, "more than " + limits.maxSyscalls() + " system calls");
        }
        stop = null;
        long number = regs.x(A7);
        long result = SyscallNumber.fromCode(number).map(s -> dispatch(s, regs)).orElseGet(() -> unknown(number));
        regs.setX(A0, result);
        if (stop == null && files.outputFull()) {
            stop = new SyscallResult.LimitReached(
                    SyscallResult.Limit.OUTPUT, "output reached " + limits.maxOutputBytes() + " bytes");
        }
        return stop == null ? SyscallResult.CONTINUE : stop;
    }

    private long dispatch(SyscallNumber s, Registers r) {
        long a0 = r.x(10);
        long a1 = r.x(11);
        long a2 = r.x(12);
        long a3 = r.x(13);
        return switch (s) {
            case GETCWD -> files.getcwd(a0, a1);
            case FCNTL -> files.fcntl(a0, a1);
            case IOCTL -> files.ioctl(a0);
            case FACCESSAT -> files.faccessat(a0, a1, a2);
            case OPENAT -> files.openat(a0, a1, a2);
            case CLOSE -> files.close(a0);
            case LSEEK -> files.lseek(a0, a1, a2);
            case READ -> files.read(a0, a1, a2);
            case WRITE -> files.write(a0, a1, a2);
            case READV -> files.vector(a0, a1, a2, false);
            case WRITEV -> files.vector(a0, a1, a2, true);
            case READLINKAT -> files.readlinkat(a1, a2, a3);
            case NEWFSTATAT -> files.newfstatat(a0, a1, a2, a3);
            case FSTAT -> files.fstat(a0, a1);
            case EXIT, EXIT_GROUP -> exit(new SyscallResult.Exit((int) (a0 & 0xff)));
            case SET_TID_ADDRESS, GETPID, GETTID -> ProcessSyscalls.PID;
            case SET_ROBUST_LIST, MADVISE -> 0;
            case CLOCK_GETTIME -> process.clockGettime(a0, a1, r.instret());
            case CLOCK_GETRES -> process.clockGetres(a0, a1);
            case KILL, TKILL -> signal(a0, a1);
            case TGKILL -> ProcessSyscalls.targetsSelf(a0) ? signal(a1, a2) : -Errno.ESRCH;
            case RT_SIGACTION -> process.rtSigaction(a0, a2, a3);
            case RT_SIGPROCMASK -> process.rtSigprocmask(a0, a2, a3);
            case UNAME -> process.uname(a0);
            case GETTIMEOFDAY -> process.gettimeofday(a0, a1, r.instret());
            case GETPPID -> ProcessSyscalls.PPID;
            case GETUID, GETEUID -> ProcessSyscalls.UID;
            case GETGID, GETEGID -> ProcessSyscalls.GID;
            case BRK -> memory.brk(a0);
            case MUNMAP -> memory.munmap(a0, a1);
            case MREMAP -> memory.mremap(a0, a1, a2, a3);
            case MMAP -> memory.mmap(a0, a1, a2, a3, r.x(14), r.x(15));
            case MPROTECT -> memory.mprotect(a0, a1, a2);
            case PRLIMIT64 -> process.prlimit64(a0, a1, a2, a3);
            case GETRANDOM -> process.getrandom(a0, a1, a2);
        };
    }

    private long exit(SyscallResult result) {
        stop = result;
        return 0;
    }

    /** kill/tkill to ourselves: signal 0 probes; any other signal is fatal (no handler ever runs). */
    private long signal(long target, long signal) {
        if (!ProcessSyscalls.targetsSelf(target)) {
            return -Errno.ESRCH;
        }
        if (signal < 0 || signal > 64) {
            return -Errno.EINVAL;
        }
        if (signal != 0) {
            stop = new SyscallResult.Signaled((int) signal);
        }
        return 0;
    }

    private long unknown(long number) {
        if (unknown.add(number)) {
            LOG.log(Level.INFO, "guest system call {0} not implemented, returning -ENOSYS", number);
        }
        return -Errno.ENOSYS;
    }

    /** Bytes written to fd 1 so far (a copy). */
    public byte[] stdout() {
        return files.stdout();
    }

    /** Bytes written to fd 2 so far (a copy). */
    public byte[] stderr() {
        return files.stderr();
    }

    /** Declared output files the guest created, in creation order (copies). */
    public Map<String, byte[]> outputs() {
        return files.outputs();
    }

    /** System calls handled so far, including the one that hit a limit. */
    public long syscallCount() {
        return count;
    }

    /** Numbers the guest tried that returned -ENOSYS. */
    public Set<Long> unknownSyscalls() {
        return Set.copyOf(unknown);
    }

    /** The current program break. */
    public long programBreak() {
        return memory.currentBreak();
    }
}
