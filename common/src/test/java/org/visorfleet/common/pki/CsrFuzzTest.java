package org.visorfleet.common.pki;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link Csr#fromPem}: every mutated input is either accepted or rejected with a
 * one-line {@link PkiException}; nothing else may escape. Runs the kept seeds plus one fresh seed
 * (printed); {@code -Dfuzz.seed=N} replays only seed N.
 */
class CsrFuzzTest {

    /** Seeds worth keeping: add any seed that ever failed here, after fixing the bug it found. */
    private static final long[] KEPT_SEEDS = {1, 2, 3, 42, 0x5eed_cafeL};

    private static final int ITERATIONS_PER_SEED = 350;
    private static final String LABEL = "CERTIFICATE REQUEST";

    @Test
    void mutatedCsrsAreAcceptedOrRejectedWithPkiException() {
        Csr valid = Csr.create(KeyPairs.generateEc(), "fuzz");
        String pem = valid.toPem();
        byte[] der = valid.der();
        int accepted = 0;
        for (long seed : seeds()) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < ITERATIONS_PER_SEED; i++) {
                String input = random.nextBoolean()
                        ? PemBlocks.encode(LABEL, mutate(der, random))
                        : new String(
                                mutate(pem.getBytes(StandardCharsets.ISO_8859_1), random), StandardCharsets.ISO_8859_1);
                accepted += check(input, seed, i);
            }
        }
        System.out.println("CsrFuzzTest: " + accepted + " mutated inputs were still valid CSRs");
    }

    private static List<Long> seeds() {
        String replay = System.getProperty("fuzz.seed");
        if (replay != null && !replay.isBlank()) {
            System.out.println("CsrFuzzTest: replaying fuzz.seed=" + replay);
            return List.of(Long.decode(replay.strip()));
        }
        List<Long> seeds = new ArrayList<>();
        for (long seed : KEPT_SEEDS) {
            seeds.add(seed);
        }
        long fresh = System.nanoTime();
        System.out.println("CsrFuzzTest: fresh seed " + fresh + " (replay with -Dfuzz.seed=" + fresh + ")");
        seeds.add(fresh);
        return seeds;
    }

    private static int check(String input, long seed, int iteration) {
        try {
            Csr.fromPem(input);
            return 1;
        } catch (PkiException e) {
            assertTrue(
                    e.getMessage() != null && e.getMessage().lines().count() == 1,
                    "seed " + seed + " iteration " + iteration + ": reason not one line: " + e.getMessage());
            return 0;
        } catch (Throwable t) {
            fail("fuzz.seed=" + seed + " iteration " + iteration + " threw " + t, t);
            return 0;
        }
    }

    /** One to four random edits: overwrite, flip a bit, insert, delete, or truncate. */
    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] bytes = original.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            bytes = switch (random.nextInt(5)) {
                case 0 -> {
                    bytes[at] = (byte) random.nextInt(256);
                    yield bytes;
                }
                case 1 -> {
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                    yield bytes;
                }
                case 2 -> insert(bytes, at, (byte) random.nextInt(256));
                case 3 -> delete(bytes, at);
                default -> Arrays.copyOf(bytes, at);
            };
        }
        return bytes;
    }

    private static byte[] insert(byte[] bytes, int at, byte value) {
        byte[] result = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, result, 0, at);
        result[at] = value;
        System.arraycopy(bytes, at, result, at + 1, bytes.length - at);
        return result;
    }

    private static byte[] delete(byte[] bytes, int at) {
        byte[] result = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(bytes, at + 1, result, at, bytes.length - at - 1);
        return result;
    }
}
