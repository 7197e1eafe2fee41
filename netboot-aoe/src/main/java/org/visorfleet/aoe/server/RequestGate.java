package org.visorfleet.aoe.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the requests inside something that is about to go away (a removed export, a reset
 * overlay), so that whoever retires it can wait for them before closing what they use.
 *
 * <p>Data path: {@link #enter} and {@link #exit}, each one atomic increment of a counter picked by
 * the calling thread's id, on its own cache line: worker threads do not share lines, nothing
 * blocks, nothing is allocated. A thread calls {@code exit} exactly once after each {@code enter}
 * that returned true, from the same thread (so both land on the same counter).
 *
 * <p>Why it is exact: a request that saw the gate open incremented its counter before
 * {@link #close} set the flag (both are volatile accesses, totally ordered), so the closer's later
 * read of that counter includes it until it exits. Every counter is never negative (a thread's
 * increment precedes its decrement on the same counter), so all counters read as zero means no
 * admitted request is inside.
 */
final class RequestGate {
    private static final int STRIPES = 8; // a power of two
    private static final int STRIDE = 8; // longs per stripe: 64 bytes, one cache line
    private static final Duration POLL = Duration.ofNanos(100_000);

    private final AtomicLongArray inside = new AtomicLongArray(STRIPES * STRIDE);
    private volatile boolean closed;

    /** Admits a request unless the gate is closed; on true the caller must {@link #exit} in a finally. */
    boolean enter() {
        int slot = slot();
        inside.getAndIncrement(slot);
        if (closed) {
            inside.getAndDecrement(slot);
            return false;
        }
        return true;
    }

    void exit() {
        inside.getAndDecrement(slot());
    }

    boolean isClosed() {
        return closed;
    }

    /** Refuses new requests from now on; idempotent. */
    void close() {
        closed = true;
    }

    /**
     * {@link #close}s the gate, then waits up to {@code timeout} for the admitted requests to exit.
     * Returns whether none is left inside. Uninterruptible: the wait is bounded and short, and an
     * interrupt would otherwise leave a store half closed (the interrupt status is kept).
     */
    boolean closeAndAwait(Duration timeout) {
        close();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (!idle()) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException e) {
                    interrupted = true; // restored below; keep waiting, the wait is bounded
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests inside now: for tests and log lines. */
    long inside() {
        long n = 0;
        for (int i = 0; i < STRIPES; i++) {
            n += inside.get(i * STRIDE);
        }
        return n;
    }

    private boolean idle() {
        for (int i = 0; i < STRIPES; i++) {
            if (inside.get(i * STRIDE) != 0) {
                return false;
            }
        }
        return true;
    }

    private static int slot() {
        return ((int) Thread.currentThread().threadId() & (STRIPES - 1)) * STRIDE;
    }
}
