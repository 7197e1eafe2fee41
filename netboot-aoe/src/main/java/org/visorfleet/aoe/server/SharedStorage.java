package org.visorfleet.aoe.server;

import java.io.IOException;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.BlockStore;

/** Every client reads and writes the same store (vblade's model). */
public final class SharedStorage implements ExportStorage {
    private final BlockStore store;

    public SharedStorage(BlockStore store) {
        this.store = store;
    }

    @Override
    public long sectorCount() {
        return store.sectorCount();
    }

    @Override
    public BlockStore storeFor(MacAddress client) {
        return store;
    }

    @Override
    public void close() throws IOException {
        try (store) {
            if (!store.isReadOnly()) {
                store.flush();
            }
        }
    }
}
