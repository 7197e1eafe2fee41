package org.visorfleet.aoe.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.CowOverlayStore;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;

/**
 * Each client MAC gets its own copy-on-write overlay of a read-only golden image: it sees its own
 * writes and nobody else's, and the golden image never changes. Overlays are opened on the client's
 * first request and stay open (and locked against a concurrent reset) until the target stops.
 */
public final class OverlayStorage implements ExportStorage {
    private final OverlayDirectory directory;
    private final ExportAddress export;
    private final BlockStore golden;
    private final String goldenTag;
    private final Map<MacAddress, CowOverlayStore> open = new ConcurrentHashMap<>();

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
        CowOverlayStore store = open.get(client);
        if (store != null) {
            return store;
        }
        try {
            return open.computeIfAbsent(client, c -> {
                try {
                    return directory.open(export, c, golden, goldenTag);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Flushes and closes every open overlay, then the golden image. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (CowOverlayStore store : open.values()) {
            try (store) {
                store.flush();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        golden.close();
        if (first != null) {
            throw first;
        }
    }
}
