package org.visorfleet.aoe.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.CowOverlayStore;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;

/**
 * Each client MAC gets its own copy-on-write overlay of a read-only golden image: it sees its own
 * writes and nobody else's, and the golden image never changes.
 *
 * <p>An overlay file is created on a client's first write, not its first request: clients that
 * only read (a discovery tool, a diskless client with a read-only root) leave nothing behind. An
 * overlay that already exists is opened on the client's first request. Open overlays stay open (and
 * locked against a concurrent reset) until the target stops.
 */
public final class OverlayStorage implements ExportStorage {
    private final OverlayDirectory directory;
    private final ExportAddress export;
    private final BlockStore golden;
    private final String goldenTag;
    private final Map<MacAddress, ClientStore> clients = new ConcurrentHashMap<>();

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
        if (store != null) {
            return store;
        }
        try {
            return clients.computeIfAbsent(client, c -> {
                try {
                    ClientStore created = new ClientStore(c);
                    if (Files.exists(directory.pathOf(export, c))) {
                        created.overlay(); // a previous run's writes must be visible from the first read
                    }
                    return created;
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
        for (ClientStore store : clients.values()) {
            try {
                store.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        clients.clear();
        golden.close();
        if (first != null) {
            throw first;
        }
    }

    /** One client's view: the golden image until its first write, its overlay from then on. */
    private final class ClientStore implements BlockStore {
        private final MacAddress client;
        private volatile CowOverlayStore overlay;

        ClientStore(MacAddress client) {
            this.client = client;
        }

        CowOverlayStore overlay() throws IOException {
            CowOverlayStore o = overlay;
            if (o == null) {
                synchronized (this) {
                    o = overlay;
                    if (o == null) {
                        o = directory.open(export, client, golden, goldenTag);
                        overlay = o;
                    }
                }
            }
            return o;
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
            CowOverlayStore o = overlay;
            (o != null ? o : golden).read(lba, dst);
        }

        @Override
        public void write(long lba, ByteBuffer src) throws IOException {
            overlay().write(lba, src);
        }

        @Override
        public void flush() throws IOException {
            CowOverlayStore o = overlay;
            if (o != null) {
                o.flush();
            }
        }

        @Override
        public void close() throws IOException {
            CowOverlayStore o = overlay;
            if (o != null) {
                try (o) {
                    o.flush();
                }
            }
        }
    }
}
