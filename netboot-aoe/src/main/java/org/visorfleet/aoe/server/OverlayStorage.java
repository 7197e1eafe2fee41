package org.visorfleet.aoe.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.CowOverlayStore;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;
import org.visorfleet.aoe.store.OverlaySummary;

/**
 * Each client MAC gets its own copy-on-write overlay of a read-only golden image: it sees its own
 * writes and nobody else's, and the golden image never changes.
 *
 * <p>An overlay file is created on a client's first write, not its first request: clients that
 * only read (a discovery tool, a diskless client with a read-only root) leave nothing behind. An
 * overlay that already exists is opened on the client's first request. Open overlays stay open (and
 * locked against other processes) until the storage is closed or the client's overlay is
 * {@link #reset}.
 *
 * <p>While the target serves, a technician can {@link #reset} a client, {@link #snapshot} what it
 * sees into a new image, and list the export's {@link #overlays}. How a reset meets requests in
 * flight: each client's requests run inside a <em>generation</em> (the overlay they use, or none);
 * a reset starts a new, empty generation for new requests, lets the requests of the old one finish
 * against the old overlay (whose data is then discarded with it), and only then closes and deletes
 * the file. Requests never wait for a reset, with one exception: a client's first write after the
 * reset began waits (bounded) until the old file is gone, then starts a fresh overlay. Per-request
 * cost: one uncontended counter increment and decrement ({@link RequestGate}).
 */
public final class OverlayStorage implements ExportStorage {
    private static final System.Logger LOG = System.getLogger(OverlayStorage.class.getName());
    /** How long a reset or close waits for a client's requests in flight before going ahead anyway. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** How long a first write waits for a reset of the same client to finish deleting the old file. */
    private static final Duration RESET_WAIT = DRAIN_TIMEOUT.plusSeconds(20);

    private final OverlayDirectory directory;
    private final ExportAddress export;
    private final BlockStore golden;
    private final String goldenTag;
    private final Map<MacAddress, ClientStore> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * A client's view written out as a raw disk image.
     *
     * @param file the image, durable (file and directory synced)
     * @param bytes its length: the golden image's sector count × 512
     * @param sha256 SHA-256 of its contents, lower-case hex
     */
    public record Snapshot(Path file, long bytes, String sha256) {}

    /**
     * @param goldenTag identifies the golden image's content; an overlay made over another tag is
     *     refused rather than silently mixed with different data
     */
    public OverlayStorage(OverlayDirectory directory, ExportAddress export, BlockStore golden, String goldenTag) {
        if (!golden.isReadOnly()) {
            throw new IllegalArgumentException("the golden image under overlays must be opened read-only");
        }
        this.directory = directory;
        this.export = export;
        this.golden = golden;
        this.goldenTag = goldenTag;
    }

    @Override
    public long sectorCount() {
        return golden.sectorCount();
    }

    @Override
    public BlockStore storeFor(MacAddress client) throws IOException {
        ClientStore store = clients.get(client);
        if (store != null && store.probed) {
            return store;
        }
        checkOpen();
        store = clients.computeIfAbsent(client, ClientStore::new);
        store.probe();
        return store;
    }

    /**
     * Discards the client's overlay while the target keeps serving: durably (file deleted, its
     * directory synced) before returning. Works whether or not the overlay was opened in this run.
     *
     * <p>Requests of this client in flight when the reset starts complete against the old overlay,
     * and what they wrote is discarded with it; one still running after 10 seconds (a stuck disk)
     * fails with an ATA error, which the client retries. Requests that arrive after the reset
     * started read the golden image; the client's next write starts a fresh overlay, after waiting
     * (on the worker thread) for the old file to be deleted: usually the milliseconds of one
     * directory sync. Other clients are not affected. Resets of one client are serialised.
     * Thread-safe.
     *
     * <p>If deleting fails (the IOException propagates), the client goes on with whatever is on
     * disk: its overlay if the file is still there.
     *
     * @return whether the client had an overlay
     * @throws org.visorfleet.aoe.store.OverlayInUseException if another process holds the overlay
     */
    public boolean reset(MacAddress client) throws IOException {
        if (closed) {
            return directory.reset(export, client); // nothing open here any more (or soon): the plain reset
        }
        return clients.computeIfAbsent(client, ClientStore::new).reset();
    }

    /**
     * Writes what {@code client} reads (the golden image merged with its overlay) to
     * {@code destination} as a raw image, for instance to promote it into a new golden image.
     *
     * <p>The overlay is flushed first; the image is streamed in chunks of at most 1 MiB, then the
     * file and its directory are synced before this returns. A client without an overlay gives an
     * exact copy of the golden image (and no overlay is created). The copy runs on a thread of its
     * own, so interrupting the caller cancels it without closing the overlay's file channel (which
     * an interrupt during its I/O would do, failing the client's requests).
     *
     * <p>Consistency: the image is crash-consistent only if the client is quiet (shut it down first):
     * writes during the copy may land in it or not, sector by sector. A {@link #reset} of the client
     * during the copy fails it.
     *
     * @param destination must not exist (it is created with {@code CREATE_NEW})
     * @throws java.nio.file.FileAlreadyExistsException if {@code destination} exists (left untouched)
     * @throws IOException on any failure (disk full, EIO, interrupted: {@link InterruptedIOException}),
     *     after deleting the partial file
     */
    public Snapshot snapshot(MacAddress client, Path destination) throws IOException {
        ClientStore store = (ClientStore) storeFor(client);
        Generation before = store.current;
        return SnapshotWriter.write(store, destination, () -> {
            if (store.current != before) {
                throw new IOException("overlay of " + client + " on e" + export + " was reset during the snapshot");
            }
        });
    }

    /**
     * This export's overlays on disk, sorted by client: allocated bytes, file size on disk and last
     * write; correct for the overlays this storage has open, whose locks listing leaves alone (see
     * {@link OverlayDirectory#list(ExportAddress)}). Thread-safe, callable while the target serves.
     */
    public List<OverlaySummary> overlays() throws IOException {
        return directory.list(export);
    }

    /**
     * Flushes and closes every open overlay (after waiting, bounded, for requests in flight), then
     * the golden image. Later requests fail with an IOException (an ATA error for the client).
     */
    @Override
    public void close() throws IOException {
        closed = true;
        IOException first = null;
        for (ClientStore store : clients.values()) {
            try {
                store.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        golden.close();
        if (first != null) {
            throw first;
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("overlays of e" + export + " are closed");
        }
    }

    /**
     * The requests of one client between two resets: the overlay they use (null: the golden image
     * until the first write) and a gate counting them.
     */
    private static final class Generation {
        final RequestGate gate = new RequestGate();
        /** Set (under the client store's monitor) when first needed; cleared when a reset closes it. */
        volatile CowOverlayStore overlay;
        /** A reset is still deleting the previous generation's file: a first write must wait. */
        volatile boolean pending;
        /** A reset took this generation's overlay to discard it; nothing may open another. Under the monitor. */
        boolean retired;

        Generation(boolean pending) {
            this.pending = pending;
        }
    }

    /** One client's view: the golden image until its first write, its overlay from then on. */
    private final class ClientStore implements BlockStore {
        private final MacAddress client;
        private final Object resetLock = new Object(); // serialises reset and close; never taken by requests
        private volatile Generation current = new Generation(false);
        private volatile boolean probed;

        ClientStore(MacAddress client) {
            this.client = client;
        }

        /** Opens the overlay a previous run left, so its writes are visible from the first read. */
        synchronized void probe() throws IOException {
            if (probed) {
                return;
            }
            checkOpen();
            Generation g = current;
            // During a reset the file is about to go: the new generation starts from the golden image.
            if (!g.pending && g.overlay == null && Files.exists(directory.pathOf(export, client))) {
                g.overlay = directory.open(export, client, golden, goldenTag);
            }
            probed = true;
        }

        /** Enters the current generation; the caller exits its gate in a finally. */
        private Generation enter() throws IOException {
            while (true) {
                Generation g = current;
                if (g.gate.enter()) {
                    return g;
                }
                if (g == current) { // closed, not replaced by a reset: the storage is closed
                    throw new IOException("overlays of e" + export + " are closed");
                }
            }
        }

        /** The overlay of {@code g}, opening (or creating) it on the generation's first write. */
        private CowOverlayStore overlayFor(Generation g) throws IOException {
            CowOverlayStore o = g.overlay;
            if (o != null) {
                return o;
            }
            synchronized (this) {
                awaitNotPending(g);
                if (g.retired) { // only after a reset gave up waiting for this request
                    throw new IOException("overlay of " + client + " on e" + export
                            + " was reset while this write was in flight; retry");
                }
                checkOpen();
                o = g.overlay;
                if (o == null) {
                    o = directory.open(export, client, golden, goldenTag);
                    g.overlay = o;
                }
                return o;
            }
        }

        private void awaitNotPending(Generation g) throws IOException {
            long deadline = System.nanoTime() + RESET_WAIT.toNanos();
            while (g.pending) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("reset of " + client + " on e" + export + " still running; retry");
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a reset of " + client);
                }
            }
        }

        @Override
        public long sectorCount() {
            return golden.sectorCount();
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public void read(long lba, ByteBuffer dst) throws IOException {
            Generation g = enter();
            try {
                CowOverlayStore o = g.overlay;
                (o != null ? o : golden).read(lba, dst);
            } finally {
                g.gate.exit();
            }
        }

        @Override
        public void write(long lba, ByteBuffer src) throws IOException {
            Generation g = enter();
            try {
                overlayFor(g).write(lba, src);
            } finally {
                g.gate.exit();
            }
        }

        @Override
        public void flush() throws IOException {
            Generation g = enter();
            try {
                CowOverlayStore o = g.overlay;
                if (o != null) {
                    o.flush();
                }
            } finally {
                g.gate.exit();
            }
        }

        boolean reset() throws IOException {
            synchronized (resetLock) {
                Generation next = new Generation(true);
                Generation old;
                synchronized (this) {
                    checkOpen();
                    old = current;
                    current = next; // before closing the old gate: a request turned away finds the new one
                }
                try {
                    drain(old, "reset");
                    CowOverlayStore o;
                    synchronized (this) { // a write of the old generation still running now fails
                        o = old.overlay;
                        old.overlay = null;
                        old.retired = true;
                    }
                    if (o != null) {
                        o.close(); // no flush: its data is being discarded
                    }
                    boolean existed = directory.reset(export, client);
                    LOG.log(Level.INFO, "e{0}: overlay of {1} reset (existed: {2})", export, client, existed);
                    synchronized (this) {
                        next.pending = false;
                        notifyAll();
                    }
                    return existed;
                } catch (IOException | RuntimeException e) {
                    recover(next, e);
                    throw e;
                }
            }
        }

        /** A failed reset: the new generation uses what is on disk, so reads and writes agree again. */
        private synchronized void recover(Generation next, Exception failure) {
            try {
                if (next.overlay == null && Files.exists(directory.pathOf(export, client))) {
                    next.overlay = directory.open(export, client, golden, goldenTag);
                }
            } catch (IOException | RuntimeException reopen) {
                failure.addSuppressed(reopen);
            } finally {
                next.pending = false;
                notifyAll();
            }
        }

        private void drain(Generation g, String why) {
            if (!g.gate.closeAndAwait(DRAIN_TIMEOUT)) {
                LOG.log(
                        Level.WARNING,
                        "e{0}: {1} requests of {2} still running after {3}; {4} goes ahead, they fail",
                        export,
                        String.valueOf(g.gate.inside()),
                        client,
                        DRAIN_TIMEOUT,
                        why);
            }
        }

        /** Waits (bounded) for requests in flight, then flushes and closes the overlay. */
        @Override
        public void close() throws IOException {
            synchronized (resetLock) {
                Generation g = current; // stays current, gate closed: later requests fail
                drain(g, "close");
                CowOverlayStore o;
                synchronized (this) {
                    o = g.overlay;
                }
                if (o != null) {
                    try (o) {
                        o.flush();
                    }
                }
            }
        }
    }
}
