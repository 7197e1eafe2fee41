package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A client's private, durable, copy-on-write view of a shared read-only golden image.
 *
 * <p>Writes go to one sparse overlay file (format in {@code FORMAT.md} beside this class); a read
 * takes each sector from the overlay if that sector was ever written, else from the golden image,
 * which is never written. The overlay holds an exclusive lock on its file while open, so another
 * process cannot open or reset it underneath.
 *
 * <p>Implements the {@link BlockStore} contract:
 * <ul>
 *   <li>Writes: data sectors are written first, then — only for sectors not yet in the overlay —
 *       the bitmap bits. Both go to the page cache, so a write that returned survives kill -9; a
 *       write interrupted before its bitmap update is simply absent (the golden data shows). If
 *       writing fails (disk full, EIO), the bits of the request's new sectors stay clear, so they
 *       read as before; sectors already in the overlay are overwritten in place and may read as
 *       old or new, each sector whole.</li>
 *   <li>{@link #flush} syncs the overlay file ({@code fdatasync}); it precedes the ATA FLUSH CACHE
 *       reply. After a power loss, sectors written since the last flush may read old, new or zero
 *       (see the recovery rules in {@code FORMAT.md}).</li>
 *   <li>Threads: reads and writes run concurrently without a store-wide lock; reads take no lock.
 *       After its data write, a write briefly holds the bitmap lock of each 16 MiB of disk it
 *       touches, doing I/O under it only for sectors written for the first time. Sector-level
 *       atomicity between a read and a concurrent write of the same sector is the kernel's page
 *       cache copy, as for {@link RawFileStore}.</li>
 * </ul>
 * The golden store is shared and not owned: {@link #close} leaves it open.
 */
public final class CowOverlayStore implements BlockStore {
    private static final int BITMAP_READ_CHUNKS = 256;

    private final Path key;
    private final OverlayFile file;
    private final OverlayHeader header;
    private final OverlayBitmap bitmap;
    private final BlockStore golden;
    private final OverlayBitmap.Sink bitmapSink;
    private volatile boolean closed;

    private CowOverlayStore(Path key, OverlayFile file, OverlayHeader header, OverlayBitmap bitmap, BlockStore golden) {
        this.key = key;
        this.file = file;
        this.header = header;
        this.bitmap = bitmap;
        this.golden = golden;
        this.bitmapSink = this::writeBitmap;
    }

    /**
     * Opens the overlay at {@code file} over {@code golden}, creating it if missing (its directory must
     * exist). An existing file must have been made for a golden image of the same sector count and
     * tag, else {@link OverlayFormatException}; a corrupt file gives the same, and is left untouched.
     *
     * @param golden a read-only store, shared, not closed by this overlay
     * @param goldenTag identifies the golden image's content, e.g. an image version id; "" for none
     * @throws OverlayInUseException if another process has the overlay open (or this JVM does)
     */
    public static CowOverlayStore open(Path file, BlockStore golden, String goldenTag) throws IOException {
        return open(file, golden, goldenTag, OverlayFile.WriteFaults.NONE);
    }

    static CowOverlayStore open(Path file, BlockStore golden, String goldenTag, OverlayFile.WriteFaults faults)
            throws IOException {
        Objects.requireNonNull(golden, "golden");
        Objects.requireNonNull(goldenTag, "goldenTag");
        if (!golden.isReadOnly()) {
            throw new IllegalArgumentException("golden store must be read-only: " + golden);
        }
        OverlayHeader fresh = new OverlayHeader(golden.sectorCount(), goldenTag, Instant.now());
        Path key = OpenOverlays.key(file);
        return OpenOverlays.withFile(key, openHere -> {
            if (openHere != null) {
                throw new OverlayInUseException(file, "overlay already open in this process");
            }
            if (!Files.exists(key, LinkOption.NOFOLLOW_LINKS)) {
                OverlayFile.create(key, OverlayHeaderCodec.encode(fresh), fresh.dataOffset());
            }
            OverlayFile f = OverlayFile.openLocked(key, faults);
            try {
                OverlayHeader h = readHeader(f);
                if (h.sectorCount() != fresh.sectorCount()) {
                    throw new OverlayFormatException(
                            file,
                            "overlay is for a golden image of " + h.sectorCount() + " sectors, this golden image has "
                                    + fresh.sectorCount());
                }
                if (!h.goldenTag().equals(goldenTag)) {
                    throw new OverlayFormatException(
                            file, "overlay is for golden image '" + h.goldenTag() + "', not '" + goldenTag + "'");
                }
                CowOverlayStore store = new CowOverlayStore(key, f, h, readBitmap(f, h), golden);
                OpenOverlays.register(key, store);
                return store;
            } catch (IOException | RuntimeException e) {
                f.close();
                throw e;
            }
        });
    }

    /**
     * Reads the header and counts allocated sectors of a closed overlay file, checking the format
     * but not the golden image. Callers make sure this JVM does not have the file open
     * ({@link OpenOverlays}): closing a descriptor would drop the open store's lock.
     */
    static long countAllocated(Path file) throws IOException {
        try (OverlayFile f = OverlayFile.openForReading(file)) {
            return readBitmap(f, readHeader(f)).count();
        }
    }

    private static OverlayHeader readHeader(OverlayFile f) throws IOException {
        byte[] bytes = new byte[OverlayHeader.LENGTH];
        int n = f.read(ByteBuffer.wrap(bytes), 0);
        OverlayHeader h =
                switch (OverlayHeaderCodec.decode(bytes, n)) {
                    case OverlayHeaderCodec.Decoded d -> d.header();
                    case OverlayHeaderCodec.Malformed m ->
                        throw new OverlayFormatException(f.path(), m.reason() + " (header byte " + m.offset() + ")");
                };
        long size = f.size();
        if (size < h.dataOffset()) {
            throw new OverlayFormatException(
                    f.path(), "truncated: file is " + size + " bytes, header and bitmap need " + h.dataOffset());
        }
        return h;
    }

    private static OverlayBitmap readBitmap(OverlayFile f, OverlayHeader h) throws IOException {
        OverlayBitmap bitmap = new OverlayBitmap(h.sectorCount());
        ByteBuffer buf =
                ByteBuffer.allocate(OverlayBitmap.CHUNK_BYTES * Math.min(BITMAP_READ_CHUNKS, bitmap.chunkCount()));
        for (int chunk = 0; chunk < bitmap.chunkCount(); ) {
            int chunks = Math.min(bitmap.chunkCount() - chunk, buf.capacity() / OverlayBitmap.CHUNK_BYTES);
            buf.clear().limit(chunks * OverlayBitmap.CHUNK_BYTES);
            if (f.read(buf, h.bitmapOffset() + (long) chunk * OverlayBitmap.CHUNK_BYTES) != buf.limit()) {
                throw new OverlayFormatException(f.path(), "truncated bitmap");
            }
            for (int i = 0; i < chunks; i++, chunk++) {
                if (!bitmap.load(chunk, buf.slice(i * OverlayBitmap.CHUNK_BYTES, OverlayBitmap.CHUNK_BYTES))) {
                    throw new OverlayFormatException(
                            f.path(), "bitmap marks sectors beyond the golden image's " + h.sectorCount() + " sectors");
                }
            }
        }
        return bitmap;
    }

    @Override
    public long sectorCount() {
        return header.sectorCount();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public void read(long lba, ByteBuffer dst) throws IOException {
        checkOpen();
        checkRange(lba, dst.remaining());
        int start = dst.position();
        int sectors = dst.remaining() / SECTOR_SIZE;
        int done = 0;
        while (done < sectors) {
            long at = lba + done;
            boolean inOverlay = bitmap.isSet(at);
            // The first sector's state is settled by isSet; a concurrent write may change it, and
            // either answer is a correct read.
            int run = 1 + bitmap.run(at + 1, sectors - done - 1, inOverlay);
            ByteBuffer part = dst.slice(start + done * SECTOR_SIZE, run * SECTOR_SIZE);
            if (inOverlay) {
                readOverlay(at, part);
            } else {
                golden.read(at, part);
            }
            done += run;
        }
        dst.position(start + sectors * SECTOR_SIZE);
    }

    private void readOverlay(long lba, ByteBuffer part) throws IOException {
        file.read(part, header.dataPosition(lba));
        // Past end of file: only after a power loss ate unflushed writes. Reads as a hole would: zeros.
        while (part.hasRemaining()) {
            part.put((byte) 0);
        }
    }

    @Override
    public void write(long lba, ByteBuffer src) throws IOException {
        checkOpen();
        checkRange(lba, src.remaining());
        int sectors = src.remaining() / SECTOR_SIZE;
        file.write(src, header.dataPosition(lba));
        bitmap.set(lba, sectors, bitmapSink);
    }

    private void writeBitmap(long offset, ByteBuffer bytes) throws IOException {
        file.write(bytes, header.bitmapOffset() + offset);
    }

    /** Makes every write that returned durable; precedes the ATA FLUSH CACHE reply. */
    @Override
    public void flush() throws IOException {
        checkOpen();
        file.force();
    }

    /** Sectors written at least once since the overlay was created (or last reset). */
    public long allocatedSectors() {
        return bitmap.count();
    }

    /** Modification time of the overlay file: the last write (or its creation). */
    public Instant lastWriteTime() throws IOException {
        return Files.getLastModifiedTime(key).toInstant();
    }

    public Path path() {
        return key;
    }

    public String goldenTag() {
        return header.goldenTag();
    }

    public Instant created() {
        return header.created();
    }

    /** Releases the file and its lock without syncing (call {@link #flush} first to be durable); idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        OpenOverlays.withFile(key, openHere -> {
            try {
                file.close();
            } finally {
                OpenOverlays.unregister(key, this);
            }
            return null;
        });
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("overlay closed: " + key);
        }
    }

    @Override
    public String toString() {
        return "CowOverlayStore[" + key + "]";
    }
}
