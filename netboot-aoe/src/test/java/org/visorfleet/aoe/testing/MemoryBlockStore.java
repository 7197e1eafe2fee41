package org.visorfleet.aoe.testing;

import java.nio.ByteBuffer;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.ReadOnlyStoreException;

/** A heap-backed {@link BlockStore} for protocol tests; counts flushes. */
public final class MemoryBlockStore implements BlockStore {
    private final byte[] data;
    private final boolean readOnly;
    private int flushes;

    public MemoryBlockStore(long sectors, boolean readOnly) {
        this.data = new byte[Math.toIntExact(sectors * SECTOR_SIZE)];
        this.readOnly = readOnly;
    }

    /** A store whose every 8-byte word holds its own byte offset (as aoe-blast writes). */
    public static MemoryBlockStore patterned(long sectors, boolean readOnly) {
        MemoryBlockStore s = new MemoryBlockStore(sectors, readOnly);
        ByteBuffer b = ByteBuffer.wrap(s.data);
        for (int i = 0; i + 8 <= s.data.length; i += 8) {
            b.putLong(i, i);
        }
        return s;
    }

    public byte[] bytes() {
        return data;
    }

    public synchronized int flushes() {
        return flushes;
    }

    @Override
    public long sectorCount() {
        return data.length / SECTOR_SIZE;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public synchronized void read(long lba, ByteBuffer dst) {
        checkRange(lba, dst.remaining());
        dst.put(data, (int) (lba * SECTOR_SIZE), dst.remaining());
    }

    @Override
    public synchronized void write(long lba, ByteBuffer src) throws ReadOnlyStoreException {
        if (readOnly) {
            throw new ReadOnlyStoreException("memory");
        }
        checkRange(lba, src.remaining());
        src.get(data, (int) (lba * SECTOR_SIZE), src.remaining());
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    @Override
    public void close() {}
}
