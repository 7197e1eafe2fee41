package org.visorfleet.aoe.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * The fixed facts of one overlay file, written once at creation (layout in {@code FORMAT.md},
 * bytes in {@link OverlayHeaderCodec}). Region offsets are derived from the sector count so that a
 * header can never describe overlapping regions.
 *
 * @param sectorCount size of the golden image in 512-byte sectors, 1 to {@link #MAX_SECTORS}
 * @param goldenTag caller-chosen identity of the golden image (e.g. an image version id), may be empty
 * @param created when the overlay file was created
 */
record OverlayHeader(long sectorCount, String goldenTag, Instant created) {
    static final int LENGTH = 4096;
    /** 8 TiB of sectors: header, bitmap and data then stay below ext4's 16 TiB file size limit. */
    static final long MAX_SECTORS = 1L << 34;

    static final int MAX_TAG_BYTES = 256;
    /** Bitmap and data regions start on this boundary so that data sectors never share a page with metadata. */
    static final int ALIGNMENT = 4096;

    OverlayHeader {
        Objects.requireNonNull(goldenTag, "goldenTag");
        Objects.requireNonNull(created, "created");
        if (sectorCount < 1 || sectorCount > MAX_SECTORS) {
            throw new IllegalArgumentException("sector count " + sectorCount + " outside 1.." + MAX_SECTORS);
        }
        checkTag(goldenTag);
    }

    /** Throws IllegalArgumentException unless {@code tag} encodes to at most 256 bytes of valid UTF-8. */
    static byte[] checkTag(String tag) {
        byte[] utf8 = tag.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_TAG_BYTES) {
            throw new IllegalArgumentException("golden tag longer than " + MAX_TAG_BYTES + " UTF-8 bytes");
        }
        if (!new String(utf8, StandardCharsets.UTF_8).equals(tag)) {
            throw new IllegalArgumentException("golden tag is not valid Unicode (unpaired surrogate)");
        }
        return utf8;
    }

    long bitmapOffset() {
        return LENGTH;
    }

    /** One bit per sector, rounded up to whole 4 KiB pages. */
    long bitmapLength() {
        long bytes = (sectorCount + 7) / 8;
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    long dataOffset() {
        return bitmapOffset() + bitmapLength();
    }

    /** File position of sector {@code lba} in the data region. */
    long dataPosition(long lba) {
        return dataOffset() + lba * BlockStore.SECTOR_SIZE;
    }
}
