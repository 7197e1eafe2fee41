package org.visorfleet.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.visorfleet.aoe.server.AoeTarget;
import org.visorfleet.aoe.server.OverlayStorage;
import org.visorfleet.aoe.server.TargetConfig;
import org.visorfleet.aoe.server.TargetExport;
import org.visorfleet.aoe.server.TargetServer;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;
import org.visorfleet.aoe.store.RawFileStore;
import org.visorfleet.aoe.transport.FrameTransport;
import org.visorfleet.aoe.transport.RawEthernetTransport;
import org.visorfleet.aoe.transport.UdpEthernetTransport;

/**
 * visorfleet's own AoE target, in this JVM: a {@link TargetServer} serving one golden image
 * (opened read-only) with a copy-on-write overlay per client MAC under an {@link OverlayDirectory},
 * on raw Ethernet or Ethernet-in-UDP. Frames pass through a {@link RecordingTransport}, so a test can
 * look at what the client really sent and count its retransmissions.
 *
 * <p>Ready when the factory returns (the socket is bound before the workers start). {@link #close}
 * stops the workers, closes the transport and flushes and closes every overlay, releasing their
 * locks; the transport it opened is the only resource it owns.
 */
final class VisorfleetTarget implements BootTarget {
    /** Overlays remember the golden image they were made over; tests reopen them with this tag. */
    static final String GOLDEN_TAG = "e2e-golden";
    /** Two, unlike the CLI's default of one on this 2-core box: concurrent clients meet concurrent workers. */
    private static final int WORKERS = 2;

    private static final int RECORDED_FRAMES = 64;

    private final AoeAddress address;
    private final TargetServer server;
    private final RecordingTransport transport;
    private final List<String> events;

    private VisorfleetTarget(
            AoeAddress address, TargetServer server, RecordingTransport transport, List<String> events) {
        this.address = address;
        this.server = server;
        this.transport = transport;
        this.events = events;
    }

    /** Listens on {@code bind} for a QEMU {@code -netdev dgram} client (see {@link DgramLink#target()}). */
    static VisorfleetTarget overUdp(InetSocketAddress bind, AoeAddress address, Path image, OverlayDirectory overlays)
            throws IOException {
        return start(UdpEthernetTransport.open(bind, UdpEthernetTransport.localMacFor(bind)), address, image, overlays);
    }

    /** Listens on a host interface (a tap QEMU is attached to); needs CAP_NET_RAW. */
    static VisorfleetTarget onInterface(String ifname, AoeAddress address, Path image, OverlayDirectory overlays)
            throws IOException {
        return start(RawEthernetTransport.open(ifname), address, image, overlays);
    }

    private static VisorfleetTarget start(
            FrameTransport link, AoeAddress address, Path image, OverlayDirectory overlays) throws IOException {
        RecordingTransport recording = new RecordingTransport(link, RECORDED_FRAMES);
        ExportAddress exportAddress = new ExportAddress(address.shelf(), address.slot());
        List<String> events = new ArrayList<>();
        List<AutoCloseable> opened = new ArrayList<>(List.of(recording));
        try {
            RawFileStore golden = RawFileStore.open(image, true);
            opened.add(golden);
            TargetExport export =
                    new TargetExport(exportAddress, new OverlayStorage(overlays, exportAddress, golden, GOLDEN_TAG));
            opened.add(export);
            AoeTarget target =
                    new AoeTarget(TargetConfig.of(link.localMac(), link.mtu()), List.of(export), (e, client) -> {
                        synchronized (events) {
                            events.add("client " + client + " discovered e" + e);
                        }
                    });
            return new VisorfleetTarget(address, TargetServer.start(target, recording, WORKERS), recording, events);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    @Override
    public AoeAddress address() {
        return address;
    }

    RecordingTransport recording() {
        return transport;
    }

    /** The target's counters (requests, sectors, errors, malformed and dropped frames). */
    Map<AoeTarget.Counter, Long> counters() {
        Map<AoeTarget.Counter, Long> out = new EnumMap<>(AoeTarget.Counter.class);
        for (AoeTarget.Counter c : AoeTarget.Counter.values()) {
            out.put(c, server.target().count(c));
        }
        return out;
    }

    /** "client MAC discovered eS.L" once per client, in order. */
    List<String> clientEvents() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Override
    public String log() {
        return "visorfleet target on " + transport.describe() + " (MAC " + transport.localMac() + "): "
                + clientEvents() + ", " + counters() + ", " + transport.receivedCount() + " frames received, "
                + transport.repeatedRequests() + " repeated requests";
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
