package org.visorfleet.grid.linux;

/**
 * Per-run limits enforced by the syscall layer (guest memory is capped by {@link GuestAccess}).
 *
 * @param maxSyscalls a run making more system calls than this is stopped (flood)
 * @param maxOutputBytes total of stdout, stderr and all output files
 * @param maxOpenFiles open descriptors including 0, 1 and 2 (RLIMIT_NOFILE)
 */
public record SyscallLimits(long maxSyscalls, long maxOutputBytes, int maxOpenFiles) {
    /** 10 million syscalls, 64 MiB of output, 64 descriptors. */
    public static final SyscallLimits DEFAULT = new SyscallLimits(10_000_000L, 64L << 20, 64);

    public SyscallLimits {
        if (maxSyscalls <= 0
                || maxOutputBytes < 0
                || maxOutputBytes > (1L << 30)
                || maxOpenFiles < 3
                || maxOpenFiles > 65536) {
            throw new IllegalArgumentException("invalid syscall limits");
        }
    }
}
