package org.visorfleet.aoe.server;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.visorfleet.aoe.codec.AtaIdentify;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.ExportAddress;

/**
 * One exported disk: its address, where its data lives, its AoE state, its IDENTIFY block and what
 * each client did with it.
 *
 * <p>Lifecycle: an export serves at most one {@link AoeTarget}. Once removed from it
 * ({@link AoeTarget#removeExport}) or closed, it takes no new requests and cannot be added again; the
 * remover closes it ({@link #close} closes its storage). To serve the disk again, open a new storage
 * and make a new export.
 */
public final class TargetExport implements Closeable {
    private static final System.Logger LOG = System.getLogger(TargetExport.class.getName());
    /** How long {@link #close} waits for requests in flight before closing the storage anyway. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final ExportAddress address;
    private final ExportStorage storage;
    private final ExportState state = new ExportState();
    private final byte[] identify;
    private final ConcurrentHashMap<MacAddress, ClientTally> clients = new ConcurrentHashMap<>();
    private final RequestGate gate = new RequestGate();
    private final AtomicBoolean closed = new AtomicBoolean();

    public TargetExport(ExportAddress address, ExportStorage storage) {
        this.address = address;
        this.storage = storage;
        this.identify = AtaIdentify.build(
                storage.sectorCount(),
                "visorfleet AoE e" + address,
                String.format("VF%05d%03d", address.shelf(), address.slot()),
                "0.1.0");
    }

    public ExportAddress address() {
        return address;
    }

    public ExportStorage storage() {
        return storage;
    }

    ExportState state() {
        return state;
    }

    byte[] identify() {
        return identify;
    }

    /**
     * Admits one request unless the export was removed or closed; after true, call {@link #exit} in
     * a finally, on the same thread. Cheap: no lock, no allocation.
     */
    boolean enter() {
        return gate.enter();
    }

    void exit() {
        gate.exit();
    }

    /** Takes no new requests from now on (those in flight finish); see {@link AoeTarget#removeExport}. */
    void retire() {
        gate.close();
    }

    /** Whether the export was removed from its target or closed. */
    boolean isRetired() {
        return gate.isClosed();
    }

    /** The client's tally, or null before its first request. Allocation-free. */
    ClientTally tally(MacAddress client) {
        return clients.get(client);
    }

    /** Adds {@code fresh} unless its client already has a tally; returns the one that is kept. */
    ClientTally addTally(ClientTally fresh) {
        ClientTally prior = clients.putIfAbsent(fresh.client(), fresh);
        return prior != null ? prior : fresh;
    }

    /** Clients that have sent this export a request since it started serving. */
    public Set<MacAddress> clients() {
        return Set.copyOf(clients.keySet());
    }

    /**
     * Per-client counters as of now, sorted by MAC: one entry per client that has sent this export a
     * request. Thread-safe; each entry is read without stopping the workers, so counters of a client
     * being served may be a few requests apart from each other.
     */
    public List<ClientActivity> activity() {
        return clients.values().stream()
                .map(ClientTally::snapshot)
                .sorted(Comparator.comparing(ClientActivity::client))
                .toList();
    }

    boolean matches(int major, int minor) {
        return (major == 0xFFFF || major == address.shelf()) && (minor == 0xFF || minor == address.slot());
    }

    /**
     * Stops taking requests, waits up to 10 seconds for those in flight to finish, then
     * flushes and closes the storage. A request still running after the wait (a store stuck in I/O)
     * fails once its store is closed, and its client gets an ATA error; it never corrupts data.
     * Idempotent; thread-safe.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!gate.closeAndAwait(DRAIN_TIMEOUT)) {
            LOG.log(
                    Level.WARNING,
                    "export e{0}: {1} requests still in flight after {2}; closing its storage anyway",
                    address,
                    String.valueOf(gate.inside()),
                    DRAIN_TIMEOUT);
        }
        storage.close();
    }
}
