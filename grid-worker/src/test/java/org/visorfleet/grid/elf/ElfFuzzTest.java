package org.visorfleet.grid.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of real binaries: each must load as a valid image or be rejected with an
 * {@link ElfException}; any other exception is a bug. A failure names the seed and iteration, so
 * it replays exactly; keep failing seeds in {@link #SEEDS}.
 */
class ElfFuzzTest {
    static final long[] SEEDS = {1L, 2L, 42L, 0x5eed_e1f0L, 0xdead_beefL, 20260101L, 7_777_777L, -1L};
    static final int ITERATIONS = 2_500;

    /** Offsets and widths of every ELF header field worth corrupting. */
    static final int[][] HEADER_FIELDS = {
        {4, 1}, {5, 1}, {6, 1}, {7, 1}, {16, 2}, {18, 2}, {20, 4}, {24, 8}, {32, 8}, {48, 4}, {52, 2}, {54, 2}, {56, 2}
    };
    /** Offsets and widths within one program header. */
    static final int[][] PHDR_FIELDS = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {32, 8}, {40, 8}, {48, 8}};

    @Test
    void truncationAtEveryLengthIsRejectedOrValid() {
        for (String name : new String[] {"exec-min.elf", "pie-min.elf"}) {
            byte[] ok = ElfLoaderTest.resource(name);
            for (int len = 0; len < ok.length; len++) {
                check(Arrays.copyOf(ok, len), name + " truncated to " + len);
            }
        }
    }

    @Test
    void flipEveryBitOfTheHeaders() {
        for (String name : new String[] {"exec-min.elf", "pie-min.elf"}) {
            byte[] ok = ElfLoaderTest.resource(name);
            int headers = 64 + 56 * LittleEndian.u16(ok, 56);
            for (int bit = 0; bit < headers * 8; bit++) {
                byte[] m = ok.clone();
                m[bit / 8] ^= (byte) (1 << (bit % 8));
                check(m, name + " bit " + bit + " flipped");
            }
        }
    }

    @Test
    void seededMutations() {
        int accepted = 0;
        for (long seed : SEEDS) {
            for (String name : new String[] {"exec-min.elf", "pie-min.elf"}) {
                byte[] ok = ElfLoaderTest.resource(name);
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < ITERATIONS; i++) {
                    accepted += check(mutate(ok, random), name + " seed " + seed + " iteration " + i) ? 1 : 0;
                }
            }
        }
        // both outcomes must occur, or the mutations are too tame (or too wild) to test anything
        int total = SEEDS.length * 2 * ITERATIONS;
        assertTrue(accepted > total / 100 && accepted < total - total / 100, accepted + " of " + total + " accepted");
    }

    static byte[] mutate(byte[] ok, SplittableRandom r) {
        byte[] m = ok.clone();
        int phnum = LittleEndian.u16(ok, 56);
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            switch (r.nextInt(5)) {
                case 0 -> m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> {
                    int[] f = HEADER_FIELDS[r.nextInt(HEADER_FIELDS.length)];
                    put(m, f[0], interesting(r), f[1]);
                }
                case 2 -> {
                    int[] f = PHDR_FIELDS[r.nextInt(PHDR_FIELDS.length)];
                    put(m, 64 + 56 * r.nextInt(phnum) + f[0], interesting(r), f[1]);
                }
                case 3 ->
                    m[r.nextInt(Math.min(m.length, 0x400))] = (byte) r.nextInt(256); // dynamic/rela area in pie-min
                default -> m = Arrays.copyOf(m, r.nextInt(m.length + 1));
            }
            if (m.length == 0) {
                break;
            }
        }
        return m;
    }

    static long interesting(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextInt(0x3000);
            case 2 -> -r.nextInt(16);
            case 3 -> (1L << r.nextInt(64)) + r.nextInt(3) - 1;
            case 4 -> 0x10000 + r.nextInt(0x3000);
            default -> Long.MAX_VALUE - r.nextInt(0x1000);
        };
    }

    static void put(byte[] m, int off, long value, int size) {
        for (int i = 0; i < size && off + i < m.length; i++) {
            m[off + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Returns whether the file loaded. */
    static boolean check(byte[] file, String what) {
        ElfImage image;
        try {
            image = ElfLoader.load(file);
        } catch (ElfException e) {
            assertTrue(e.getMessage().contains(e.reason()), what);
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + e, e);
        }
        validImage(image, what);
        return true;
    }

    static void validImage(ElfImage image, String what) {
        ElfLimits limits = ElfLimits.DEFAULT;
        long previousEnd = 0;
        boolean entryFound = false;
        for (LoadSegment s : image.segments()) {
            if (s.vaddr() < Math.max(previousEnd, limits.minAddress()) || s.end() > limits.maxAddress()) {
                fail(what + ": segment out of place " + s);
            }
            assertTrue(s.data().length <= s.memsz(), what);
            entryFound |= (s.prot() & LoadSegment.PROT_EXEC) != 0 && s.contains(image.entry());
            previousEnd = s.end();
        }
        assertTrue(entryFound, what + ": entry outside executable segments");
        assertEquals(0, image.brkStart() % ElfLimits.PAGE_SIZE, what);
        assertTrue(image.brkStart() >= previousEnd, what);
        assertTrue(image.memoryBytes() <= limits.maxImageBytes(), what);
    }
}
