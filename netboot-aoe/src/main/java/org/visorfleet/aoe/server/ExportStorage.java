package org.visorfleet.aoe.server;

import java.io.Closeable;
import java.io.IOException;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.BlockStore;

/**
 * Decides which block store serves a given client of an export: one shared disk, or a private
 * copy-on-write overlay per client MAC.
 *
 * <p>Thread-safe; {@link #storeFor} is on the hot path and must be cheap after the first call per client.
 */
public interface ExportStorage extends Closeable {
    /** Size every client sees, in sectors. */
    long sectorCount();

    BlockStore storeFor(MacAddress client) throws IOException;
}
