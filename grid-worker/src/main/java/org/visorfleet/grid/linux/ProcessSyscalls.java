package org.visorfleet.grid.linux;

/**
 * The process-wide answers, all fixed or derived from the seed and the instruction count: ids,
 * uname, clocks, getrandom, resource limits, and the signal calls a single-threaded libc makes.
 */
final class ProcessSyscalls {
    static final int PID = 1000;
    static final int PPID = 1;
    static final int UID = 1000;
    static final int GID = 1000;

    static final String SYSNAME = "Linux";
    static final String NODENAME = "grid";
    static final String RELEASE = "6.1.0-visorfleet";
    static final String VERSION = "#1 SMP PREEMPT_DYNAMIC";
    static final String MACHINE = "riscv64";
    static final String DOMAINNAME = "(none)";

    static final int SIGSET_SIZE = 8;
    static final long RLIM_INFINITY = -1L;
    static final int RLIMIT_STACK = 3;
    static final int RLIMIT_NOFILE = 7;
    static final int RLIM_NLIMITS = 16;
    /** Largest getrandom transfer per call; shorter results are legal. */
    static final int MAX_RANDOM = 1 << 16;

    private final GuestAccess mem;
    private final SplitMix64 random;
    private final AddressLayout layout;
    private final SyscallLimits limits;

    ProcessSyscalls(GuestAccess mem, long seed, AddressLayout layout, SyscallLimits limits) {
        this.mem = mem;
        this.random = new SplitMix64(seed);
        this.layout = layout;
        this.limits = limits;
    }

    /** struct new_utsname: six 65-byte NUL-padded fields. */
    long uname(long buf) {
        byte[] u = new byte[6 * 65];
        String[] fields = {SYSNAME, NODENAME, RELEASE, VERSION, MACHINE, DOMAINNAME};
        for (int i = 0; i < fields.length; i++) {
            GuestData.putString(u, i * 65, 65, fields[i]);
        }
        return mem.write(buf, u, 0, u.length) ? 0 : -Errno.EFAULT;
    }

    long clockGettime(long clock, long tp, long instret) {
        long[] now = GuestClock.now(clock, instret);
        if (now == null) {
            return -Errno.EINVAL;
        }
        return GuestData.writeU64s(mem, tp, now) ? 0 : -Errno.EFAULT;
    }

    /** One nanosecond resolution for every known clock. */
    long clockGetres(long clock, long res) {
        if (GuestClock.now(clock, 0) == null) {
            return -Errno.EINVAL;
        }
        return res == 0 || GuestData.writeU64s(mem, res, 0, 1) ? 0 : -Errno.EFAULT;
    }

    long gettimeofday(long tv, long tz, long instret) {
        long[] now = GuestClock.now(GuestClock.CLOCK_REALTIME, instret);
        if (tv != 0 && !GuestData.writeU64s(mem, tv, now[0], now[1] / 1000)) {
            return -Errno.EFAULT;
        }
        if (tz != 0 && !mem.write(tz, new byte[8], 0, 8)) {
            return -Errno.EFAULT;
        }
        return 0;
    }

    long getrandom(long buf, long length, long flags) {
        if ((flags & ~7L) != 0 || length < 0) { // GRND_NONBLOCK 1, GRND_RANDOM 2, GRND_INSECURE 4
            return -Errno.EINVAL;
        }
        int n = (int) Math.min(length, MAX_RANDOM);
        byte[] bytes = new byte[n];
        random.nextBytes(bytes, 0, n);
        return n == 0 || mem.write(buf, bytes, 0, n) ? n : -Errno.EFAULT;
    }

    /** prlimit64 reports fixed limits and refuses to change them. */
    long prlimit64(long pid, long resource, long newLimit, long oldLimit) {
        if (pid != 0 && pid != PID) {
            return -Errno.ESRCH;
        }
        if (resource < 0 || resource >= RLIM_NLIMITS) {
            return -Errno.EINVAL;
        }
        if (newLimit != 0) {
            return -Errno.EPERM;
        }
        long value =
                switch ((int) resource) {
                    case RLIMIT_STACK -> layout.stackSize();
                    case RLIMIT_NOFILE -> limits.maxOpenFiles();
                    default -> RLIM_INFINITY;
                };
        return oldLimit == 0 || GuestData.writeU64s(mem, oldLimit, value, value) ? 0 : -Errno.EFAULT;
    }

    /** Handlers are accepted and never run (no signal is ever delivered); old actions read as SIG_DFL. */
    long rtSigaction(long signal, long oldAction, long sigsetSize) {
        if (sigsetSize != SIGSET_SIZE || signal < 1 || signal > 64 || signal == 9 || signal == 19) {
            return -Errno.EINVAL;
        }
        return oldAction == 0 || mem.write(oldAction, new byte[24], 0, 24) ? 0 : -Errno.EFAULT;
    }

    long rtSigprocmask(long how, long oldSet, long sigsetSize) {
        if (sigsetSize != SIGSET_SIZE || how < 0 || how > 2) {
            return -Errno.EINVAL;
        }
        return oldSet == 0 || mem.write(oldSet, new byte[8], 0, 8) ? 0 : -Errno.EFAULT;
    }

    /** Whether kill/tkill/tgkill target this process (the only one there is). */
    static boolean targetsSelf(long id) {
        return id == PID || id == 0;
    }
}
