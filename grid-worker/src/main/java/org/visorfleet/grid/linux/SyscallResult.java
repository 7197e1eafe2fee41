package org.visorfleet.grid.linux;

/** What the runner does after a system call: resume the hart, or end the run and why. */
public sealed interface SyscallResult {
    /** a0 holds the result (or -errno); resume at pc + 4. */
    record Continue() implements SyscallResult {}

    /** exit or exit_group: the process ended with {@code status} (0..255). */
    record Exit(int status) implements SyscallResult {}

    /** The process sent itself a fatal signal (abort() raises SIGABRT 6). */
    record Signaled(int signal) implements SyscallResult {}

    /** A sandbox limit ended the run; output captured up to that point is kept. */
    record LimitReached(Limit limit, String detail) implements SyscallResult {}

    enum Limit {
        /** stdout + stderr + output files reached the output cap. */
        OUTPUT,
        /** More system calls than allowed (a flood). */
        SYSCALLS
    }

    SyscallResult CONTINUE = new Continue();
}
