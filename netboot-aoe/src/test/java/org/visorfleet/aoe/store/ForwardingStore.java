package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A BlockStore that forwards everything; tests override what they observe. */
class ForwardingStore implements BlockStore {
    private final BlockStore delegate;

    ForwardingStore(BlockStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public long sectorCount() {
        return delegate.sectorCount();
    }

    @Override
    public boolean isReadOnly() {
        return delegate.isReadOnly();
    }

    @Override
    public void read(long lba, ByteBuffer dst) throws IOException {
        delegate.read(lba, dst);
    }

    @Override
    public void write(long lba, ByteBuffer src) throws IOException {
        delegate.write(lba, src);
    }

    @Override
    public void flush() throws IOException {
        delegate.flush();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
