package org.visorfleet.aoe.server;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.visorfleet.aoe.codec.AtaIdentify;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.ExportAddress;

/** One exported disk: its address, where its data lives, its AoE state and its IDENTIFY block. */
public final class TargetExport implements Closeable {
    private final ExportAddress address;
    private final ExportStorage storage;
    private final ExportState state = new ExportState();
    private final byte[] identify;
    private final Set<MacAddress> clients = ConcurrentHashMap.newKeySet();

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

    /** Records {@code client} as seen; true if it had been seen before. Cheap for known clients. */
    boolean knows(MacAddress client) {
        return clients.contains(client) || !clients.add(client);
    }

    /** Clients that have sent this export a request since the target started. */
    public Set<MacAddress> clients() {
        return Set.copyOf(clients);
    }

    boolean matches(int major, int minor) {
        return (major == 0xFFFF || major == address.shelf()) && (minor == 0xFF || minor == address.slot());
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
