package org.visorfleet.aoe.store;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A reproducible sequence of writes for crash tests, and the model of what each sector must hold.
 * Op {@code i} depends only on (seed, i), so a parent can recompute what a killed child wrote.
 */
final class CrashOps {
    /** One write: {@code data.length / 512} sectors at {@code lba}. */
    record Op(long lba, byte[] data) {
        int sectors() {
            return data.length / BlockStore.SECTOR_SIZE;
        }

        byte[] sector(long at) {
            int from = (int) (at - lba) * BlockStore.SECTOR_SIZE;
            return java.util.Arrays.copyOfRange(data, from, from + BlockStore.SECTOR_SIZE);
        }

        boolean covers(long at) {
            return at >= lba && at < lba + sectors();
        }
    }

    private final long seed;
    private final long[] regions;
    private final int maxSectors;

    /** Ops land inside the {@code (start, length)} pairs of {@code regions}, up to {@code maxSectors} long. */
    CrashOps(long seed, int maxSectors, long... regions) {
        this.seed = seed;
        this.maxSectors = maxSectors;
        this.regions = regions;
    }

    Op op(int index) {
        Random r = new Random(seed * 1_000_003L + index);
        int region = 2 * r.nextInt(regions.length / 2);
        int sectors = 1 + r.nextInt(maxSectors);
        long lba = regions[region] + r.nextInt((int) regions[region + 1] - sectors + 1);
        byte[] data = new byte[sectors * BlockStore.SECTOR_SIZE];
        r.nextBytes(data);
        return new Op(lba, data);
    }

    /** Sector contents after some ops, over a base image; sectors never written come from the base. */
    static final class Model {
        private final BlockStore base;
        private final Map<Long, byte[]> written = new HashMap<>();

        Model(BlockStore base) {
            this.base = base;
        }

        void apply(Op op) {
            for (long at = op.lba(); at < op.lba() + op.sectors(); at++) {
                written.put(at, op.sector(at));
            }
        }

        byte[] expected(long lba) {
            byte[] s = written.get(lba);
            return s != null ? s : TestDisks.read(base, lba, 1);
        }

        boolean isWritten(long lba) {
            return written.containsKey(lba);
        }

        int writtenSectors() {
            return written.size();
        }

        /**
         * Asserts that {@code store} holds the model, except that sectors of {@code maybe} (a write
         * that failed or was in flight) may hold either the model's or {@code maybe}'s contents.
         */
        void check(BlockStore store, Op maybe, long[] regions, String context) throws IOException {
            for (int i = 0; i < regions.length; i += 2) {
                byte[] got = TestDisks.read(store, regions[i], (int) regions[i + 1]);
                for (long at = regions[i]; at < regions[i] + regions[i + 1]; at++) {
                    int from = (int) (at - regions[i]) * BlockStore.SECTOR_SIZE;
                    byte[] sector = java.util.Arrays.copyOfRange(got, from, from + BlockStore.SECTOR_SIZE);
                    boolean old = java.util.Arrays.equals(sector, expected(at));
                    boolean fresh =
                            maybe != null && maybe.covers(at) && java.util.Arrays.equals(sector, maybe.sector(at));
                    if (!old && !fresh) {
                        throw new AssertionError(context + ": sector " + at + " holds neither its acknowledged"
                                + (maybe != null && maybe.covers(at) ? " nor its in-flight" : "") + " contents");
                    }
                }
            }
        }
    }
}
