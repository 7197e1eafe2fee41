package org.visorfleet.grid.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinuxSyscallsTest {
    static final long SCRATCH = 0x10_0000;
    static final long BRK = 0x40_0000;
    static final long O_WRONLY = 1;
    static final long O_RDWR = 2;
    static final long O_CREAT = 0x40;
    static final long O_TRUNC = 0x200;
    static final long O_APPEND = 0x400;
    static final long AT_FDCWD = -100;

    final FakeGuest guest = new FakeGuest(64L << 20);
    final FakeHart hart = new FakeHart();
    final JobFiles files = new JobFiles(
            "prog",
            "line one\nline two\n".getBytes(StandardCharsets.UTF_8),
            Map.of("input.txt", "0123456789".getBytes(StandardCharsets.UTF_8)),
            Set.of("out.txt"));
    LinuxSyscalls sys = create(SyscallLimits.DEFAULT, 7);

    LinuxSyscallsTest() {
        guest.map(SCRATCH, 16 * 4096, GuestAccess.PROT_READ | GuestAccess.PROT_WRITE);
    }

    LinuxSyscalls create(SyscallLimits limits, long seed) {
        return new LinuxSyscalls(guest, files, limits, AddressLayout.DEFAULT, BRK, seed);
    }

    long call(int number, long... args) {
        assertInstanceOf(SyscallResult.Continue.class, sys.handle(hart.call(number, args)));
        return hart.a0();
    }

    long put(String s) {
        guest.putString(SCRATCH + 0x8000, s);
        return SCRATCH + 0x8000;
    }

    String bytes(long addr, int n) {
        byte[] b = new byte[n];
        guest.peek(addr, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void writeAndWritevAreCapturedPerDescriptor() {
        long msg = put("hello world");
        assertEquals(5, call(64, 1, msg, 5));
        assertEquals(5, call(64, 2, msg + 6, 5));
        GuestData.writeU64s(guest, SCRATCH, msg + 5, 6, msg, 5); // iovec[2]
        assertEquals(11, call(66, 1, SCRATCH, 2));
        assertEquals("hello worldhello", new String(sys.stdout(), StandardCharsets.UTF_8));
        assertEquals("world", new String(sys.stderr(), StandardCharsets.UTF_8));
        assertEquals(-9, call(64, 7, msg, 5));
        assertEquals(-9, call(64, 0, msg, 5)); // stdin is not writable
        assertEquals(-14, call(64, 1, 0x9999_0000L, 5));
        assertEquals(-22, call(66, 1, SCRATCH, 5000));
    }

    @Test
    void outputCapStopsTheRunKeepingWhatFits() {
        sys = create(new SyscallLimits(1000, 10, 16), 7);
        long msg = put("0123456789abcdef");
        assertEquals(4, call(64, 1, msg, 4));
        SyscallResult r = sys.handle(hart.call(64, 2, msg, 16));
        assertEquals(
                SyscallResult.Limit.OUTPUT,
                assertInstanceOf(SyscallResult.LimitReached.class, r).limit());
        assertEquals(6, hart.a0());
        assertEquals("012345", new String(sys.stderr(), StandardCharsets.UTF_8));
    }

    @Test
    void stdinReadsToEndOfFile() {
        assertEquals(5, call(63, 0, SCRATCH, 5));
        assertEquals("line ", bytes(SCRATCH, 5));
        assertEquals(13, call(63, 0, SCRATCH, 100));
        assertEquals(0, call(63, 0, SCRATCH, 100));
        assertEquals(-29, call(62, 0, 0, 0)); // ESPIPE
        assertEquals(-9, call(63, 1, SCRATCH, 1));
        assertEquals(0, call(63, 0, 0x9999_0000L, 1)); // at end of file the buffer is not touched
    }

    @Test
    void inputFilesOpenReadOnlyByEveryName() {
        for (String name : new String[] {"input.txt", "./input.txt", "/work/input.txt", "/work/../work/input.txt"}) {
            long fd = call(56, AT_FDCWD, put(name), 0);
            assertEquals(3, fd, name);
            assertEquals(4, call(63, fd, SCRATCH, 4));
            assertEquals("0123", bytes(SCRATCH, 4));
            assertEquals(0, call(57, fd));
        }
        assertEquals(-2, call(56, AT_FDCWD, put("/etc/passwd"), 0));
        assertEquals(-2, call(56, AT_FDCWD, put("/input.txt"), 0));
        assertEquals(-2, call(56, AT_FDCWD, put("missing"), 0));
        assertEquals(-13, call(56, AT_FDCWD, put("input.txt"), O_WRONLY));
        assertEquals(-13, call(56, AT_FDCWD, put("new.txt"), O_WRONLY | O_CREAT));
        assertEquals(-9, call(56, 55, put("input.txt"), 0)); // relative to a closed descriptor
        assertEquals(-14, call(56, AT_FDCWD, 0x9999_0000L, 0));
        assertEquals(-9, call(57, 3));
    }

    @Test
    void lseekAndStatOnInputs() {
        long fd = call(56, AT_FDCWD, put("input.txt"), 0);
        assertEquals(8, call(62, fd, -2, 2));
        assertEquals(2, call(63, fd, SCRATCH, 10));
        assertEquals("89", bytes(SCRATCH, 2));
        assertEquals(-22, call(62, fd, -1, 0));
        assertEquals(0, call(80, fd, SCRATCH));
        assertEquals(0100444, (int) guest.u64(SCRATCH + 16) & 0xffffffffL);
        assertEquals(10, guest.u64(SCRATCH + 48));
        assertEquals(GuestClock.EPOCH_SECONDS, guest.u64(SCRATCH + 88));
        assertEquals(0, call(79, 1, put(""), SCRATCH, 0x1000)); // AT_EMPTY_PATH on stdout
        assertEquals(0020620, (int) guest.u64(SCRATCH + 16) & 0xffff);
        assertEquals(0, call(79, AT_FDCWD, put("/work/input.txt"), SCRATCH, 0));
        assertEquals(10, guest.u64(SCRATCH + 48));
        assertEquals(-2, call(79, AT_FDCWD, put("nope"), SCRATCH, 0));
        assertEquals(-25, call(29, 1, 0x5401, SCRATCH)); // TCGETS: not a terminal
        assertEquals(-9, call(29, 40, 0x5401, SCRATCH));
    }

    @Test
    void declaredOutputsAreCreatedTruncatedAndCaptured() {
        assertEquals(-2, call(56, AT_FDCWD, put("out.txt"), O_WRONLY)); // not created yet
        long fd = call(56, AT_FDCWD, put("out.txt"), O_WRONLY | O_CREAT | O_TRUNC);
        long msg = put("result=42\n");
        assertEquals(10, call(64, fd, msg, 10));
        assertEquals(0, call(57, fd));
        fd = call(56, AT_FDCWD, put("out.txt"), O_WRONLY | O_APPEND);
        assertEquals(3, call(64, fd, put("end"), 3));
        assertEquals("result=42\nend", new String(sys.outputs().get("out.txt"), StandardCharsets.UTF_8));
        assertEquals(-13, call(56, AT_FDCWD, put("out.txt"), 0));
        fd = call(56, AT_FDCWD, put("out.txt"), O_RDWR | O_TRUNC);
        assertEquals(0, sys.outputs().get("out.txt").length);
        assertEquals(-9, call(63, 1, SCRATCH, 1));
    }

    @Test
    void descriptorLimit() {
        sys = create(new SyscallLimits(1000, 1000, 5), 7);
        assertEquals(3, call(56, AT_FDCWD, put("input.txt"), 0));
        assertEquals(4, call(56, AT_FDCWD, put("input.txt"), 0));
        assertEquals(-24, call(56, AT_FDCWD, put("input.txt"), 0));
        assertEquals(0, call(57, 3));
        assertEquals(3, call(56, AT_FDCWD, put("input.txt"), 0)); // lowest free descriptor
    }

    @Test
    void brkGrowsShrinksAndRespectsTheCap() {
        assertEquals(BRK, call(214, 0));
        assertEquals(BRK + 0x1800, call(214, BRK + 0x1800));
        assertTrue(guest.isMapped(BRK, 0x2000));
        guest.poke(BRK + 0x17ff, new byte[] {1}, 0, 1);
        assertEquals(BRK + 0x100, call(214, BRK + 0x100));
        assertTrue(!guest.isMapped(BRK + 0x1000, 0x1000));
        assertEquals(BRK + 0x100, call(214, BRK + (1L << 30))); // over the 64 MiB cap: unchanged
        assertEquals(BRK + 0x100, call(214, BRK - 0x1000)); // below the start: unchanged
    }

    @Test
    void anonymousMmapFamily() {
        long a = call(222, 0, 10000, 3, 0x22, -1, 0);
        assertEquals(AddressLayout.DEFAULT.mmapBase(), a);
        assertTrue(guest.isMapped(a, 12288));
        assertEquals(3, guest.protection(a));
        assertEquals(-19, call(222, 0, 4096, 1, 0x02, 3, 0)); // file-backed: ENODEV
        assertEquals(-22, call(222, 0, 0, 3, 0x22, -1, 0));
        assertEquals(-12, call(222, 0, 1L << 30, 3, 0x22, -1, 0)); // memory cap
        long fixed = 0x30_0000_0000L;
        assertEquals(fixed, call(222, fixed, 4096, 1, 0x32, -1, 0));
        assertEquals(-17, call(222, fixed, 4096, 1, 0x100022, -1, 0)); // MAP_FIXED_NOREPLACE
        assertEquals(0, call(226, fixed, 4096, 0));
        assertEquals(0, guest.protection(fixed));
        assertEquals(-12, call(226, fixed + 4096, 4096, 1));
        assertEquals(-22, call(226, fixed + 1, 4096, 1));
        assertEquals(0, call(215, fixed, 4096));
        assertEquals(-1, guest.protection(fixed));
        assertEquals(-22, call(215, fixed + 8, 4096));
    }

    @Test
    void mremapShrinksGrowsInPlaceAndMoves() {
        long a = call(222, 0, 8192, 3, 0x22, -1, 0);
        guest.poke(a + 100, new byte[] {42}, 0, 1);
        assertEquals(a, call(216, a, 8192, 4096, 0));
        assertEquals(-1, guest.protection(a + 4096));
        assertEquals(a, call(216, a, 4096, 16384, 0)); // next pages free: in place
        long blocker = call(222, a + 16384, 4096, 3, 0x32, -1, 0);
        assertEquals(a + 16384, blocker);
        assertEquals(-12, call(216, a, 16384, 32768, 0));
        long moved = call(216, a, 16384, 32768, 1);
        assertNotEquals(a, moved);
        byte[] b = new byte[1];
        guest.peek(moved + 100, b, 0, 1);
        assertEquals(42, b[0]);
        assertEquals(-1, guest.protection(a));
        assertEquals(-14, call(216, a, 4096, 8192, 1)); // old range no longer mapped
    }

    @Test
    void clocksFollowTheInstructionCount() {
        hart.instret = 2_500_000_123L;
        assertEquals(0, call(113, 0, SCRATCH));
        assertEquals(GuestClock.EPOCH_SECONDS + 2, guest.u64(SCRATCH));
        assertEquals(500_000_123L, guest.u64(SCRATCH + 8));
        assertEquals(0, call(113, 1, SCRATCH));
        assertEquals(2, guest.u64(SCRATCH));
        assertEquals(-22, call(113, 99, SCRATCH));
        assertEquals(0, call(169, SCRATCH, 0));
        assertEquals(GuestClock.EPOCH_SECONDS + 2, guest.u64(SCRATCH));
        assertEquals(500_000, guest.u64(SCRATCH + 8));
        assertEquals(0, call(114, 1, SCRATCH));
        assertEquals(1, guest.u64(SCRATCH + 8));
    }

    @Test
    void getrandomIsSeededAndReproducible() {
        assertEquals(32, call(278, SCRATCH, 32, 0));
        String first = bytes(SCRATCH, 32);
        sys = create(SyscallLimits.DEFAULT, 7);
        call(278, SCRATCH, 32, 0);
        assertEquals(first, bytes(SCRATCH, 32));
        sys = create(SyscallLimits.DEFAULT, 8);
        call(278, SCRATCH, 32, 0);
        assertNotEquals(first, bytes(SCRATCH, 32));
        assertEquals(-22, call(278, SCRATCH, 8, 0x100));
        assertEquals(-14, call(278, 0x9999_0000L, 8, 0));
    }

    @Test
    void splitMix64KnownVector() {
        // reference values of SplitMix64 from seed 0 (also java.util.SplittableRandom's mixer)
        SplitMix64 r = new SplitMix64(0);
        assertEquals(0xe220a8397b1dcdafL, r.nextLong());
        assertEquals(0x6e789e6aa1b965f4L, r.nextLong());
        byte[] b = new byte[3];
        new SplitMix64(0).nextBytes(b, 0, 3);
        assertArrayEquals(new byte[] {(byte) 0xaf, (byte) 0xcd, 0x1d}, b);
    }

    @Test
    void identityAndUname() {
        assertEquals(1000, call(172));
        assertEquals(1, call(173));
        assertEquals(1000, call(174));
        assertEquals(1000, call(177));
        assertEquals(1000, call(178));
        assertEquals(1000, call(96, SCRATCH));
        assertEquals(0, call(99, SCRATCH, 24));
        assertEquals(0, call(160, SCRATCH));
        assertEquals("Linux", guest.cstring(SCRATCH));
        assertEquals("grid", guest.cstring(SCRATCH + 65));
        assertEquals("6.1.0-visorfleet", guest.cstring(SCRATCH + 130));
        assertEquals("riscv64", guest.cstring(SCRATCH + 260));
        assertEquals(0, call(261, 0, 3, 0, SCRATCH));
        assertEquals(8L << 20, guest.u64(SCRATCH));
        assertEquals(0, call(261, 0, 2, 0, SCRATCH));
        assertEquals(-1, guest.u64(SCRATCH + 8)); // RLIMIT_DATA: RLIM_INFINITY (the cap is guest memory's)
        assertEquals(-1, call(261, 0, 3, SCRATCH, 0)); // setting limits: EPERM
        assertEquals(6, call(17, SCRATCH, 100));
        assertEquals("/work", guest.cstring(SCRATCH));
        assertEquals(0, call(134, 11, 0, SCRATCH, 8));
        assertEquals(-22, call(134, 9, 0, SCRATCH, 8));
        assertEquals(0, call(135, 0, 0, SCRATCH, 8));
    }

    @Test
    void readlinkOfProcSelfExe() {
        assertEquals(10, call(78, AT_FDCWD, put("/proc/self/exe"), SCRATCH, 4096));
        assertEquals("/work/prog", bytes(SCRATCH, 10));
        assertEquals(4, call(78, AT_FDCWD, put("/proc/self/exe"), SCRATCH, 4));
        assertEquals(-2, call(78, AT_FDCWD, put("/proc/self/cwd"), SCRATCH, 4096));
        assertEquals(-22, call(78, AT_FDCWD, put("input.txt"), SCRATCH, 4096));
    }

    @Test
    void unknownSyscallsGetEnosysAndAreRecorded() {
        assertEquals(-38, call(293, 0, 0)); // rseq
        assertEquals(-38, call(293, 0, 0));
        assertEquals(-38, call(220)); // clone
        assertEquals(Set.of(293L, 220L), sys.unknownSyscalls());
    }

    @Test
    void exitSignalsAndFloodEndTheRun() {
        assertEquals(new SyscallResult.Exit(3), sys.handle(hart.call(94, 3)));
        assertEquals(new SyscallResult.Exit(255), sys.handle(hart.call(93, -1)));
        assertEquals(new SyscallResult.Signaled(6), sys.handle(hart.call(131, 1000, 1000, 6)));
        assertEquals(0, call(129, 1000, 0)); // kill(self, 0) only probes
        assertEquals(-3, call(129, 55, 9)); // no other process exists: ESRCH
    }

    @Test
    void syscallFloodLimit() {
        sys = create(new SyscallLimits(100, 1000, 16), 7);
        for (int i = 0; i < 100; i++) {
            call(172);
        }
        SyscallResult r = sys.handle(hart.call(172));
        assertEquals(
                SyscallResult.Limit.SYSCALLS,
                assertInstanceOf(SyscallResult.LimitReached.class, r).limit());
        assertEquals(101, sys.syscallCount());
    }
}
