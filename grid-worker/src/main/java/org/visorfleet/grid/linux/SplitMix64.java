package org.visorfleet.grid.linux;

/**
 * The sandbox's only source of "randomness": SplitMix64 (Steele, Lea, Flood 2014; the generator of
 * java.util.SplittableRandom), fully specified so any implementation reproduces it:
 *
 * <pre>
 * state += 0x9E3779B97F4A7C15
 * z = state
 * z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9
 * z = (z ^ (z >>> 27)) * 0x94D049BB133111EB
 * return z ^ (z >>> 31)
 * </pre>
 *
 * Bytes are taken from successive outputs, little-endian; a request for n bytes consumes ceil(n/8)
 * outputs (the rest of the last one is dropped). Not cryptographic: work units need reproducibility,
 * not secrecy. AT_RANDOM uses a stream seeded with {@code seed ^ AT_RANDOM_STREAM}, getrandom one seeded
 * with {@code seed}, so the two never share values.
 */
public final class SplitMix64 {
    /** "AT_RANDO" in ASCII, to separate the AT_RANDOM stream from the getrandom stream. */
    public static final long AT_RANDOM_STREAM = 0x41545f52414e444fL;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public void nextBytes(byte[] dst, int off, int len) {
        for (int i = 0; i < len; i += 8) {
            long v = nextLong();
            for (int j = 0; j < 8 && i + j < len; j++) {
                dst[off + i + j] = (byte) (v >>> (8 * j));
            }
        }
    }
}
