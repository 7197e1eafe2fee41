package org.visorfleet.grid.linux;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The RV64 Linux system calls the sandbox implements, with their numbers from the asm-generic table
 * ({@code /usr/riscv64-linux-gnu/include/asm-generic/unistd.h}). Every other number gets -ENOSYS.
 */
enum SyscallNumber {
    GETCWD(17),
    FCNTL(25),
    IOCTL(29),
    FACCESSAT(48),
    OPENAT(56),
    CLOSE(57),
    LSEEK(62),
    READ(63),
    WRITE(64),
    READV(65),
    WRITEV(66),
    READLINKAT(78),
    NEWFSTATAT(79),
    FSTAT(80),
    EXIT(93),
    EXIT_GROUP(94),
    SET_TID_ADDRESS(96),
    SET_ROBUST_LIST(99),
    CLOCK_GETTIME(113),
    CLOCK_GETRES(114),
    KILL(129),
    TKILL(130),
    TGKILL(131),
    RT_SIGACTION(134),
    RT_SIGPROCMASK(135),
    UNAME(160),
    GETTIMEOFDAY(169),
    GETPID(172),
    GETPPID(173),
    GETUID(174),
    GETEUID(175),
    GETGID(176),
    GETEGID(177),
    GETTID(178),
    BRK(214),
    MUNMAP(215),
    MREMAP(216),
    MMAP(222),
    MPROTECT(226),
    MADVISE(233),
    PRLIMIT64(261),
    GETRANDOM(278);

    private static final Map<Long, SyscallNumber> BY_CODE = new HashMap<>();

    static {
        for (SyscallNumber s : values()) {
            BY_CODE.put((long) s.code, s);
        }
    }

    final int code;

    SyscallNumber(int code) {
        this.code = code;
    }

    static Optional<SyscallNumber> fromCode(long code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
