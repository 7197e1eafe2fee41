package org.visorfleet.aoe.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.visorfleet.aoe.store.BlockStore;

/**
 * A real store wrapped to watch how the target uses it: it counts requests that reach it after it
 * was closed and closes that happen with requests inside, and can hold reads at a gate to keep
 * a request in flight.
 */
final class WatchedStore implements BlockStore {
    private final BlockStore delegate;
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger violations = new AtomicInteger();
    private final CountDownLatch readEntered = new CountDownLatch(1);
    private volatile CountDownLatch readGate = new CountDownLatch(0);
    private volatile boolean closed;

    WatchedStore(BlockStore delegate) {
        this.delegate = delegate;
    }

    /** From now on, reads wait until {@link #releaseReads()}. */
    void holdReads() {
        readGate = new CountDownLatch(1);
    }

    void releaseReads() {
        readGate.countDown();
    }

    /** Waits until a read has reached the store. */
    boolean awaitRead(long millis) throws InterruptedException {
        return readEntered.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean isClosed() {
        return closed;
    }

    /** Requests that reached the store after close, plus closes with requests inside. */
    int violations() {
        return violations.get();
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
        enter();
        try {
            readEntered.countDown();
            readGate.await();
            delegate.read(lba, dst);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void write(long lba, ByteBuffer src) throws IOException {
        enter();
        try {
            delegate.write(lba, src);
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void flush() throws IOException {
        enter();
        try {
            delegate.flush();
        } finally {
            inside.decrementAndGet();
        }
    }

    private void enter() {
        inside.incrementAndGet();
        if (closed) {
            violations.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        if (inside.get() != 0) {
            violations.incrementAndGet();
        }
        closed = true;
        delegate.close();
    }
}
