package org.visorfleet.server.boot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.server.AoeTarget;
import org.visorfleet.aoe.server.ClientActivity;
import org.visorfleet.aoe.server.ExportStorage;
import org.visorfleet.aoe.server.OverlayStorage;
import org.visorfleet.aoe.server.TargetConfig;
import org.visorfleet.aoe.server.TargetExport;
import org.visorfleet.aoe.server.TargetServer;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;
import org.visorfleet.aoe.store.OverlaySummary;
import org.visorfleet.aoe.store.RawFileStore;
import org.visorfleet.aoe.transport.FrameTransport;
import org.visorfleet.aoe.transport.RawEthernetTransport;
import org.visorfleet.aoe.transport.UdpEthernetTransport;
import org.visorfleet.server.Refusal;

/**
 * The AoE target inside the server: serves the exports the database lists on every configured
 * link (raw Ethernet interfaces and/or Ethernet-in-UDP), one copy-on-write overlay per client MAC
 * under {@code DATA/overlays}, and answers the API's questions about them (overlays, reset,
 * snapshot, per-client activity).
 *
 * <p>{@link #sync} makes the served set match the database: it opens new exports and closes removed
 * ones. It runs after every API change on this server and periodically for changes made elsewhere.
 * An export whose image file is missing or unreadable is not served; {@link #problems} says why.
 */
public final class AoeService implements AutoCloseable {

    /**
     * Where to serve.
     *
     * @param interfaces raw Ethernet interfaces (need CAP_NET_RAW)
     * @param udp Ethernet-in-UDP address (QEMU {@code -netdev dgram}), or null
     * @param workers worker threads per link
     */
    public record Links(List<String> interfaces, InetSocketAddress udp, int workers) {
        public Links {
            interfaces = List.copyOf(interfaces);
        }

        public static Links none() {
            return new Links(List.of(), null, 1);
        }

        public boolean isEmpty() {
            return interfaces.isEmpty() && udp == null;
        }
    }

    /**
     * One client's overlay of an export, with its activity since the export was opened here (times in
     * epoch milliseconds; {@code lastRequest} null if the client has not been seen since).
     */
    public record Overlay(
            String export,
            String client,
            long writtenBytes,
            long fileBytesOnDisk,
            long lastWrite,
            long sectorsRead,
            long sectorsWritten,
            Long lastRequest) {}

    /** A client active this recently is refused a reset unless forced. */
    static final Duration ACTIVE = Duration.ofSeconds(15);

    private static final System.Logger LOG = System.getLogger(AoeService.class.getName());

    private final ImageLibrary images;
    private final OverlayDirectory overlays;
    private final List<TargetServer> links;
    private final Clock clock;
    private final Map<String, Served> served = new HashMap<>();
    private final Map<String, String> problems = new TreeMap<>();
    private final Map<String, long[]> reported = new HashMap<>();

    /** An export being served: its row, its golden file and the overlays of its clients. */
    private record Served(BootExports.Export row, OverlayStorage storage) {}

    private AoeService(ImageLibrary images, OverlayDirectory overlays, List<TargetServer> links, Clock clock) {
        this.images = images;
        this.overlays = overlays;
        this.links = links;
        this.clock = clock;
    }

    /** Opens the links (none is fine: overlays are still managed) with no exports yet. */
    public static AoeService start(Links config, ImageLibrary images, Path overlayDir, Clock clock) throws IOException {
        OverlayDirectory overlays = new OverlayDirectory(overlayDir);
        List<TargetServer> links = new ArrayList<>();
        try {
            for (String iface : config.interfaces()) {
                links.add(serve(RawEthernetTransport.open(iface), config.workers()));
            }
            if (config.udp() != null) {
                links.add(serve(
                        UdpEthernetTransport.open(config.udp(), UdpEthernetTransport.localMacFor(config.udp()), 1500),
                        config.workers()));
            }
        } catch (IOException | RuntimeException e) {
            for (TargetServer link : links) {
                closeQuietly(link);
            }
            throw e;
        }
        return new AoeService(images, overlays, links, clock);
    }

    private static TargetServer serve(FrameTransport transport, int workers) {
        AoeTarget target = new AoeTarget(
                TargetConfig.of(transport.localMac(), transport.mtu()),
                List.of(),
                (export, client) -> LOG.log(
                        System.Logger.Level.INFO,
                        "client {0} discovered e{1} on {2}",
                        client,
                        export,
                        transport.describe()));
        return TargetServer.start(target, transport, workers);
    }

    /** The links, e.g. {@code [raw:eth1, udp:127.0.0.1:7000]}. */
    public List<String> describeLinks() {
        return links.stream().map(l -> l.transport().describe()).toList();
    }

    /** Makes the served exports match {@code wanted}; returns the addresses it could not serve, with why. */
    public synchronized Map<String, String> sync(List<BootExports.Export> wanted) {
        Set<String> keep = new HashSet<>();
        for (BootExports.Export export : wanted) {
            keep.add(export.address());
            Served current = served.get(export.address());
            if (current != null && current.row().fileName().equals(export.fileName())) {
                continue;
            }
            if (current != null) {
                stop(export.address());
            }
            try {
                open(export);
                problems.remove(export.address());
            } catch (IOException | RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                if (!why.equals(problems.put(export.address(), why))) {
                    LOG.log(System.Logger.Level.WARNING, "export {0} not served: {1}", export.address(), why);
                }
            }
        }
        for (String address : List.copyOf(served.keySet())) {
            if (!keep.contains(address)) {
                stop(address);
            }
        }
        problems.keySet().retainAll(keep);
        return Map.copyOf(problems);
    }

    /** Exports the database lists that are not being served, with the reason. */
    public synchronized Map<String, String> problems() {
        return Map.copyOf(problems);
    }

    private void open(BootExports.Export export) throws IOException {
        Path file = images.file(export.fileName());
        if (!Files.isRegularFile(file)) {
            throw new IOException(
                    "image " + export.image() + " v" + export.version() + ": file " + file + " is missing");
        }
        RawFileStore golden = RawFileStore.open(file, true);
        OverlayStorage storage;
        try {
            if (golden.sectorCount() * BlockStore.SECTOR_SIZE != export.sizeBytes()) {
                throw new IOException("image " + export.image() + " v" + export.version() + ": file " + file + " has "
                        + golden.sectorCount() * BlockStore.SECTOR_SIZE + " bytes, the library says "
                        + export.sizeBytes());
            }
            storage = new OverlayStorage(overlays, export.aoeAddress(), golden, tagOf(export));
        } catch (IOException | RuntimeException e) {
            golden.close();
            throw e;
        }
        served.put(export.address(), new Served(export, storage));
        for (TargetServer link : links) {
            link.target().addExport(new TargetExport(export.aoeAddress(), new Unclosed(storage)));
        }
        LOG.log(
                System.Logger.Level.INFO,
                "serving {0} ({1} v{2}) on {3}",
                export.address(),
                export.image(),
                String.valueOf(export.version()),
                describeLinks());
    }

    /** Identifies the golden content under an export's overlays, so a stale overlay is never mixed in. */
    static String tagOf(BootExports.Export export) {
        return export.image() + " v" + export.version() + " sha256:" + export.sha256();
    }

    private void stop(String address) {
        Served s = served.remove(address);
        if (s == null) {
            return;
        }
        for (TargetServer link : links) {
            link.target().removeExport(s.row().aoeAddress());
        }
        try {
            s.storage().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing export {0}: {1}", address, e.toString());
        }
        reported.keySet().removeIf(k -> k.startsWith(address + "/"));
        LOG.log(System.Logger.Level.INFO, "stopped serving {0}", address);
    }

    /** Deletes the overlays of an export that is no longer served (the export was deleted). */
    public synchronized int discardOverlays(ExportAddress address) throws IOException {
        if (served.containsKey(BootExports.format(address))) {
            throw new IllegalStateException("export " + address + " is still served");
        }
        return overlays.discardAll(address).size();
    }

    /** The overlays of one export, with what each client did since the export was opened here. */
    public synchronized List<Overlay> overlays(String address) throws IOException {
        ExportAddress a = BootExports.parseAddress(address);
        Map<MacAddress, ClientActivity> activity = activityOf(BootExports.format(a));
        List<Overlay> out = new ArrayList<>();
        for (OverlaySummary s : overlays.list(a)) {
            ClientActivity act = activity.get(s.client());
            out.add(new Overlay(
                    BootExports.format(a),
                    s.client().toString(),
                    s.allocatedBytes(),
                    s.fileBytesOnDisk(),
                    s.lastWrite().toEpochMilli(),
                    act == null ? 0 : act.sectorsRead(),
                    act == null ? 0 : act.sectorsWritten(),
                    act == null ? null : act.lastRequest().toEpochMilli()));
        }
        return out;
    }

    /**
     * Discards a client's overlay: it sees the golden image again. Refused while the client has been
     * active in the last {@link #ACTIVE} unless {@code force} (its file system would see its disk
     * change underneath it). Returns whether there was an overlay.
     */
    public synchronized boolean reset(String address, MacAddress client, boolean force) throws IOException {
        Served s = requireServed(address);
        ClientActivity act = activityOf(s.row().address()).get(client);
        if (!force && act != null) {
            Duration idle = Duration.between(act.lastRequest(), clock.instant());
            if (idle.compareTo(ACTIVE) < 0) {
                throw Refusal.conflict("client " + client + " used " + s.row().address() + " " + idle.toSeconds()
                        + " s ago; shut it down first, or force the reset (its running system would see its disk"
                        + " change underneath it)");
            }
        }
        return s.storage().reset(client);
    }

    /** Writes the client's current view of an export (golden image plus its overlay) to {@code destination}. */
    public OverlayStorage.Snapshot snapshot(String address, MacAddress client, Path destination) throws IOException {
        Served s;
        synchronized (this) {
            s = requireServed(address);
            boolean hasOverlay = overlays.list(s.row().aoeAddress()).stream()
                    .anyMatch(o -> o.client().equals(client));
            if (!hasOverlay) {
                throw Refusal.notFound("client " + client + " has no overlay on "
                        + s.row().address() + " (it has not written anything): nothing to promote");
            }
        }
        return s.storage().snapshot(client, destination);
    }

    private Served requireServed(String address) {
        String a = BootExports.format(BootExports.parseAddress(address));
        Served s = served.get(a);
        if (s == null) {
            String problem = problems.get(a);
            throw problem != null
                    ? Refusal.conflict("export " + a + " is not served: " + problem)
                    : Refusal.notFound("no export " + a);
        }
        return s;
    }

    /** Activity per client of one export, summed over the links. */
    private Map<MacAddress, ClientActivity> activityOf(String address) {
        Map<MacAddress, ClientActivity> out = new HashMap<>();
        ExportAddress a = BootExports.parseAddress(address);
        for (TargetServer link : links) {
            for (TargetExport e : link.target().exports()) {
                if (e.address().equals(a)) {
                    for (ClientActivity act : e.activity()) {
                        out.merge(act.client(), act, AoeService::sum);
                    }
                }
            }
        }
        return out;
    }

    /** Two links' activity of one client as one. */
    private static ClientActivity sum(ClientActivity a, ClientActivity b) {
        return new ClientActivity(
                a.client(),
                a.sectorsRead() + b.sectorsRead(),
                a.sectorsWritten() + b.sectorsWritten(),
                a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastRequest().isAfter(b.lastRequest()) ? a.lastRequest() : b.lastRequest(),
                a.lastWrite().isEmpty()
                        ? b.lastWrite()
                        : b.lastWrite().isEmpty()
                                ? a.lastWrite()
                                : a.lastWrite().get().isAfter(b.lastWrite().get()) ? a.lastWrite() : b.lastWrite());
    }

    /** Disk activity per client since the previous call (for the boot client records). */
    public synchronized List<BootClients.Activity> drainActivity() {
        Map<MacAddress, BootClients.Activity> out = new HashMap<>();
        for (String address : served.keySet()) {
            for (ClientActivity act : activityOf(address).values()) {
                long[] before = reported.computeIfAbsent(address + "/" + act.client(), k -> new long[2]);
                long read = act.sectorsRead() - before[0];
                long written = act.sectorsWritten() - before[1];
                if (read == 0 && written == 0) {
                    continue;
                }
                before[0] = act.sectorsRead();
                before[1] = act.sectorsWritten();
                BootClients.Activity delta = new BootClients.Activity(
                        act.client(),
                        read * BlockStore.SECTOR_SIZE,
                        written * BlockStore.SECTOR_SIZE,
                        act.lastRequest().toEpochMilli());
                out.merge(
                        act.client(),
                        delta,
                        (x, y) -> new BootClients.Activity(
                                x.mac(),
                                x.bytesRead() + y.bytesRead(),
                                x.bytesWritten() + y.bytesWritten(),
                                Math.max(x.lastIo(), y.lastIo())));
            }
        }
        return List.copyOf(out.values());
    }

    /** Stops the links, then flushes and closes every export's overlays. */
    @Override
    public synchronized void close() {
        for (TargetServer link : links) {
            closeQuietly(link);
        }
        for (String address : List.copyOf(served.keySet())) {
            stop(address);
        }
    }

    private static void closeQuietly(TargetServer link) {
        try {
            link.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing AoE link: {0}", e.toString());
        }
    }

    /** Shares one export's storage among the targets of several links; the service closes it, once. */
    private record Unclosed(ExportStorage storage) implements ExportStorage {
        @Override
        public long sectorCount() {
            return storage.sectorCount();
        }

        @Override
        public BlockStore storeFor(MacAddress client) throws IOException {
            return storage.storeFor(client);
        }

        @Override
        public void close() {}
    }
}
