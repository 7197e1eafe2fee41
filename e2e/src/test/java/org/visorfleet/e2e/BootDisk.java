package org.visorfleet.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * A raw disk image whose sector 0 is the {@code aoe-probe.asm} boot sector and whose other sectors
 * are pseudo-random bytes from a seed, plus what the probe must report when it boots from it.
 *
 * <p>Layout (all LBAs in 512-byte sectors):
 *
 * <pre>
 *   LBA 0                      aoe-probe boot sector (55 AA at byte 510)
 *   LBA firstLba ..            checksummed range, {@code sectors} long, read {@code chunk} per INT 13h call
 *   LBA writeLba               overwritten by the probe with {@link #writePattern()}
 *   everything else            random, must be unchanged after the boot
 * </pre>
 *
 * The checksum is FNV-1a 32 over the bytes of the checksummed range, printed by the probe as
 * eight hex digits. The layout values are passed to NASM as {@code -D} defines, so this class is the
 * single source of truth for both sides.
 */
final class BootDisk {
    static final int SECTOR = 512;
    static final String PROBE_SOURCE = "aoe-probe.asm";
    private static final byte[] WRITE_TAG = "VISORFLEET-WRITE".getBytes(StandardCharsets.US_ASCII);

    /** Where the probe reads and writes; see the class comment. */
    record Layout(long sizeBytes, long firstLba, int sectors, int chunk, long writeLba) {
        /** 8 MiB disk, 1 MiB checksummed from LBA 1 in 64-sector (32 KiB) reads, write at LBA 4100. */
        static final Layout DEFAULT = new Layout(8L << 20, 1, 2048, 64, 4100);

        Layout {
            long total = sizeBytes / SECTOR;
            if (sizeBytes <= 0 || sizeBytes % SECTOR != 0 || sizeBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("size must be a positive multiple of 512 below 2 GiB: " + sizeBytes);
            }
            // The probe's DAP holds a 32-bit LBA it increments; CHUNK*512 must fit one real-mode segment.
            if (chunk < 1 || chunk > 127) {
                throw new IllegalArgumentException("chunk must be 1..127 sectors: " + chunk);
            }
            if (sectors < chunk || sectors % chunk != 0) {
                throw new IllegalArgumentException("sectors must be a positive multiple of chunk: " + sectors);
            }
            if (firstLba < 1 || firstLba + sectors > total) {
                throw new IllegalArgumentException("checksummed range outside the disk or over the boot sector");
            }
            if (writeLba < firstLba + sectors || writeLba >= total) {
                throw new IllegalArgumentException("writeLba must lie after the checksummed range and inside the disk");
            }
        }

        long totalSectors() {
            return sizeBytes / SECTOR;
        }
    }

    private final Path image;
    private final Layout layout;
    private final long seed;
    private final byte[] original;
    private final int expectedChecksum;

    private BootDisk(Path image, Layout layout, long seed, byte[] original) {
        this.image = image;
        this.layout = layout;
        this.seed = seed;
        this.original = original;
        this.expectedChecksum =
                fnv1a32(original, Math.toIntExact(layout.firstLba() * SECTOR), layout.sectors() * SECTOR);
    }

    /** Assembles the probe with {@code nasm} and writes {@code dir/disk-<seed>.img}. */
    static BootDisk create(Path dir, Layout layout, long seed) throws IOException, InterruptedException {
        byte[] bootSector = assemble(dir, layout);
        byte[] content = new byte[Math.toIntExact(layout.sizeBytes())];
        new SplittableRandom(seed).nextBytes(content);
        System.arraycopy(bootSector, 0, content, 0, SECTOR);
        Path image = dir.resolve("disk-" + Long.toHexString(seed) + ".img");
        Files.write(image, content);
        return new BootDisk(image, layout, seed, content);
    }

    private static byte[] assemble(Path dir, Layout layout) throws IOException, InterruptedException {
        Path nasm = Prerequisites.tool("nasm");
        Path source = dir.resolve(PROBE_SOURCE);
        try (InputStream in = BootDisk.class.getResourceAsStream(PROBE_SOURCE)) {
            if (in == null) {
                throw new IOException("test resource " + PROBE_SOURCE + " missing");
            }
            Files.copy(in, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = dir.resolve("aoe-probe.bin");
        Commands.run(
                Duration.ofSeconds(30),
                nasm.toString(),
                "-f",
                "bin",
                "-DFIRST_LBA=" + layout.firstLba(),
                "-DSECTORS=" + layout.sectors(),
                "-DCHUNK=" + layout.chunk(),
                "-DWRITE_LBA=" + layout.writeLba(),
                "-o",
                out.toString(),
                source.toString());
        byte[] sector = Files.readAllBytes(out);
        if (sector.length != SECTOR || (sector[510] & 0xFF) != 0x55 || (sector[511] & 0xFF) != 0xAA) {
            throw new IOException("nasm produced " + sector.length + " bytes without a boot signature");
        }
        return sector;
    }

    /** "VISORFLEET-WRITE" repeated to fill one sector: what the probe writes at {@code writeLba}. */
    static byte[] writePattern() {
        byte[] sector = new byte[SECTOR];
        for (int i = 0; i < SECTOR; i++) {
            sector[i] = WRITE_TAG[i % WRITE_TAG.length];
        }
        return sector;
    }

    /** FNV-1a 32: h = 0x811C9DC5; for each byte { h ^= byte; h *= 0x01000193 } (mod 2^32). */
    static int fnv1a32(byte[] data, int offset, int length) {
        int h = 0x811C9DC5;
        for (int i = offset; i < offset + length; i++) {
            h ^= data[i] & 0xFF;
            h *= 0x01000193;
        }
        return h;
    }

    Path image() {
        return image;
    }

    Layout layout() {
        return layout;
    }

    long seed() {
        return seed;
    }

    int expectedChecksum() {
        return expectedChecksum;
    }

    /** The expected checksum as the probe prints it (eight lower-case hex digits). */
    String expectedChecksumHex() {
        return HexFormat.of().toHexDigits(expectedChecksum);
    }

    byte[] readSector(long lba) throws IOException {
        byte[] sector = new byte[SECTOR];
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "r")) {
            file.seek(lba * SECTOR);
            file.readFully(sector);
        }
        return sector;
    }

    /** LBAs whose content now differs from what {@link #create} wrote (the image must be quiescent). */
    List<Long> changedSectors() throws IOException {
        byte[] now = Files.readAllBytes(image);
        if (now.length != original.length) {
            throw new IOException("image size changed from " + original.length + " to " + now.length);
        }
        List<Long> changed = new ArrayList<>();
        for (int off = 0; off < now.length; off += SECTOR) {
            if (!Arrays.equals(now, off, off + SECTOR, original, off, off + SECTOR)) {
                changed.add((long) off / SECTOR);
            }
        }
        return changed;
    }

    @Override
    public String toString() {
        return image.getFileName() + " " + layout + " seed=0x" + Long.toHexString(seed) + " expected="
                + expectedChecksumHex();
    }
}
