package org.visorfleet.server.grid;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The grid's own thread: deadlines, cancel notices and scheduling, run when the housekeeping tick
 * asks (every 250 ms) and as soon as an agent reports a grid status. Requests that arrive while a
 * pass is due are merged into it, so a burst of statuses costs one pass, and the database work never
 * runs on the housekeeping or socket threads.
 */
public final class GridLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GridLoop.class.getName());

    private final GridDeadlines deadlines;
    private final CancelNotices notices;
    private final GridScheduler scheduler;
    private final GridBlobs blobs;
    private final java.time.Clock clock;
    private final AtomicBoolean collectionDue = new AtomicBoolean(true);
    private long nextCollection;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("fleet-grid").daemon(true).factory());
    private final AtomicBoolean due = new AtomicBoolean();

    /**
     * Unreferenced grid files are freed once they have been unreferenced this long (a file uploaded
     * for a job about to be submitted is not collected), on a pass at start, every hour, and after
     * a job is purged.
     */
    static final long COLLECTION_GRACE_MILLIS = 3_600_000;

    public GridLoop(
            GridDeadlines deadlines,
            CancelNotices notices,
            GridScheduler scheduler,
            GridBlobs blobs,
            java.time.Clock clock) {
        this.deadlines = deadlines;
        this.notices = notices;
        this.scheduler = scheduler;
        this.blobs = blobs;
        this.clock = clock;
    }

    /** Asks for a collection of unreferenced grid files on the next pass (after a purge). */
    public void collectSoon() {
        collectionDue.set(true);
        kick();
    }

    /** Asks for a pass soon; cheap and non-blocking (socket threads call it). */
    public void kick() {
        if (due.compareAndSet(false, true)) {
            try {
                thread.execute(this::pass);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                due.set(false); // closing
            }
        }
    }

    private void pass() {
        due.set(false);
        try {
            deadlines.sweep();
            scheduler.round();
            notices.deliver();
            long now = clock.millis();
            if (collectionDue.getAndSet(false) || now >= nextCollection) {
                nextCollection = now + 3_600_000;
                blobs.collectGarbage(now - COLLECTION_GRACE_MILLIS);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "grid pass: {0}", e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
