package org.visorfleet.aoe.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Golden images and sector contents for store tests. */
final class TestDisks {
    private TestDisks() {}

    /** A golden image of {@code sectors} sectors of seeded random bytes. */
    static Path golden(Path file, int sectors, long seed) throws IOException {
        byte[] bytes = new byte[sectors * BlockStore.SECTOR_SIZE];
        new Random(seed).nextBytes(bytes);
        return Files.write(file, bytes);
    }

    /**
     * A sparse golden image of {@code sectors} sectors, zero except for seeded random sectors at
     * {@code [lba, lba + count)} for each {@code (lba, count)} pair in {@code regions}.
     */
    static Path sparseGolden(Path file, long sectors, long seed, long... regions) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), sectors * BlockStore.SECTOR_SIZE - 1);
            Random random = new Random(seed);
            for (int i = 0; i < regions.length; i += 2) {
                byte[] bytes = new byte[Math.toIntExact(regions[i + 1] * BlockStore.SECTOR_SIZE)];
                random.nextBytes(bytes);
                ch.write(ByteBuffer.wrap(bytes), regions[i] * BlockStore.SECTOR_SIZE);
            }
        }
        return file;
    }

    /** Bytes that differ for every (seed, offset): recognisable sector contents. */
    static byte[] pattern(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed * 0x9E3779B97F4A7C15L + 1).nextBytes(b);
        return b;
    }

    static byte[] read(BlockStore store, long lba, int sectors) {
        ByteBuffer dst = ByteBuffer.allocate(sectors * BlockStore.SECTOR_SIZE);
        try {
            store.read(lba, dst);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dst.array();
    }

    static void write(BlockStore store, long lba, byte[] data) throws IOException {
        store.write(lba, ByteBuffer.wrap(data));
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A seed from {@code -Dvisorfleet.seed} or the clock, printed so a failure can be replayed. */
    static long seed(String test) {
        long seed = Long.getLong("visorfleet.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Dvisorfleet.seed=" + seed + ")");
        return seed;
    }
}
