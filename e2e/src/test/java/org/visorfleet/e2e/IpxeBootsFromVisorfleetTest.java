package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.initiator.AoeDisk;
import org.visorfleet.aoe.initiator.AoeInitiator;
import org.visorfleet.aoe.server.AoeTarget;
import org.visorfleet.aoe.store.CowOverlayStore;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;
import org.visorfleet.aoe.store.OverlayInUseException;
import org.visorfleet.aoe.store.OverlaySummary;
import org.visorfleet.aoe.store.RawFileStore;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.aoe.transport.UdpEthernetTransport;

/**
 * A real iPXE client ({@code sanboot aoe:e1.0}) boots the probe from visorfleet's own target, which
 * serves the image as a read-only golden disk with a copy-on-write overlay per client MAC. What a user
 * notices: the client boots and reads exactly the image; its write survives in its own overlay; the
 * golden image never changes; another client never sees that write; a reset overlay is gone and the
 * client sees the golden image again.
 */
@Tag("e2e")
class IpxeBootsFromVisorfleetTest {
    static final AoeAddress TARGET = new AoeAddress(1, 0);
    static final ExportAddress EXPORT = new ExportAddress(TARGET.shelf(), TARGET.slot());
    static final MacAddress SECOND_MAC = MacAddress.of("52:54:00:56:46:02");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @BeforeEach
    void prerequisites() {
        Prerequisites.tool("nasm");
        Prerequisites.tool(QemuGuest.QEMU);
        Prerequisites.file(QemuIpxeClient.IPXE_LKRN.toString());
    }

    @Test
    void ipxeSanbootsOverDgramAndItsWriteLandsInItsOverlay() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        OverlayDirectory overlays = new OverlayDirectory(dir.resolve("overlays"));
        DgramLink link = DgramLink.allocate();
        Duration took;
        String log;
        try (VisorfleetTarget target = VisorfleetTarget.overUdp(link.target(), TARGET, disk.image(), overlays);
                QemuIpxeClient client =
                        QemuIpxeClient.sanboot(dir, link.clientLink(), QemuIpxeClient.NicModel.VIRTIO, TARGET)) {
            took = BootProbe.assertBooted(client.guest(), disk, TIMEOUT);
            assertCleanProtocol(target);
            log = target.log();
        }
        assertGoldenUnchanged(disk);
        assertOverlays(overlays, disk, QemuIpxeClient.DEFAULT_MAC);
        System.out.println("iPXE+visorfleet over dgram " + link + ": " + took.toMillis() + " ms; " + log);
    }

    @Test
    void ipxeSanbootsOverTapAndItsWriteLandsInItsOverlay() throws Exception {
        Prerequisites.root();
        Prerequisites.tool("ip");
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        OverlayDirectory overlays = new OverlayDirectory(dir.resolve("overlays"));
        Duration took;
        String log;
        try (TapInterface tap = TapInterface.create();
                VisorfleetTarget target = VisorfleetTarget.onInterface(tap.name(), TARGET, disk.image(), overlays);
                QemuIpxeClient client = QemuIpxeClient.sanboot(
                        dir, new ClientLink.Tap(tap.name()), QemuIpxeClient.NicModel.E1000, TARGET)) {
            took = BootProbe.assertBooted(client.guest(), disk, TIMEOUT);
            assertCleanProtocol(target);
            log = target.log();
            printFrames(target.recording());
        }
        assertGoldenUnchanged(disk);
        assertOverlays(overlays, disk, QemuIpxeClient.DEFAULT_MAC);
        System.out.println("iPXE+visorfleet over tap: " + took.toMillis() + " ms; " + log);
    }

    @Test
    void twoClientsBootAtOnceEachWithItsOwnOverlayAndOneIsReset() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        OverlayDirectory overlays = new OverlayDirectory(dir.resolve("overlays"));
        List<DgramLink> links = DgramLink.allocateSharedTarget(2);
        MacAddress first = QemuIpxeClient.DEFAULT_MAC;
        String script = QemuIpxeClient.sanbootScript(TARGET);
        InetSocketAddress targetAddress = links.get(0).target();

        try (VisorfleetTarget target = VisorfleetTarget.overUdp(targetAddress, TARGET, disk.image(), overlays);
                QemuIpxeClient a = QemuIpxeClient.boot(
                        dir, links.get(0).clientLink(), QemuIpxeClient.NicModel.VIRTIO, first, script);
                QemuIpxeClient b = QemuIpxeClient.boot(
                        dir, links.get(1).clientLink(), QemuIpxeClient.NicModel.VIRTIO, SECOND_MAC, script)) {
            Duration tookA = BootProbe.assertBooted(a.guest(), disk, TIMEOUT);
            Duration tookB = BootProbe.assertBooted(b.guest(), disk, TIMEOUT);
            assertCleanProtocol(target);
            assertEquals(
                    List.of("client " + first + " discovered e1.0", "client " + SECOND_MAC + " discovered e1.0"),
                    target.clientEvents().stream().sorted().toList(),
                    target::log);
            // A running target holds its clients' overlays: a reset now would pull the disk from under a client.
            assertThrows(OverlayInUseException.class, () -> overlays.reset(EXPORT, SECOND_MAC));
            System.out.println("two iPXE clients at once: " + tookA.toMillis() + " ms and " + tookB.toMillis() + " ms; "
                    + target.log());
        }
        assertGoldenUnchanged(disk);
        assertOverlays(overlays, disk, first, SECOND_MAC);

        assertTrue(overlays.reset(EXPORT, SECOND_MAC), "reset of " + SECOND_MAC + " found its overlay");
        assertEquals(List.of(first), clientsIn(overlays), "overlays after resetting " + SECOND_MAC);

        try (VisorfleetTarget target = VisorfleetTarget.overUdp(targetAddress, TARGET, disk.image(), overlays)) {
            byte[] golden = disk.readSector(disk.layout().writeLba());
            assertEquals(
                    hex(golden),
                    hex(readThroughTarget(
                            targetAddress, SECOND_MAC, disk.layout().writeLba())),
                    "after the reset " + SECOND_MAC + " sees the golden sector again");
            assertEquals(
                    hex(BootDisk.writePattern()),
                    hex(readThroughTarget(targetAddress, first, disk.layout().writeLba())),
                    first + " still sees its own write");
            try (QemuIpxeClient again = QemuIpxeClient.boot(
                    dir, links.get(1).clientLink(), QemuIpxeClient.NicModel.VIRTIO, SECOND_MAC, script)) {
                Duration took = BootProbe.assertBooted(again.guest(), disk, TIMEOUT);
                System.out.println("reset client booted again: " + took.toMillis() + " ms; " + target.log());
            }
        }
        assertGoldenUnchanged(disk);
        assertOverlays(overlays, disk, first, SECOND_MAC);
    }

    /** iPXE's frames all made sense to our codec and none was refused. */
    private static void assertCleanProtocol(VisorfleetTarget target) {
        Map<AoeTarget.Counter, Long> counters = target.counters();
        assertEquals(0L, counters.get(AoeTarget.Counter.MALFORMED), target::log);
        assertEquals(0L, counters.get(AoeTarget.Counter.ERROR_REPLIES), target::log);
        assertEquals(0L, counters.get(AoeTarget.Counter.IO_ERRORS), target::log);
    }

    private static void assertGoldenUnchanged(BootDisk disk) throws IOException {
        assertEquals(List.of(), disk.changedSectors(), () -> "sectors changed on the golden image " + disk);
    }

    /**
     * The overlay directory lists exactly {@code clients}, each with one written sector, and each
     * overlay shows the golden image with the probe's pattern at the write LBA and nothing else changed.
     */
    private static void assertOverlays(OverlayDirectory overlays, BootDisk disk, MacAddress... clients)
            throws IOException {
        List<OverlaySummary> list = overlays.list();
        assertEquals(
                List.of(clients).stream().sorted().toList(),
                list.stream().map(OverlaySummary::client).toList(),
                () -> "overlays: " + list);
        byte[] expected = Files.readAllBytes(disk.image());
        int write = Math.toIntExact(disk.layout().writeLba() * BootDisk.SECTOR);
        System.arraycopy(BootDisk.writePattern(), 0, expected, write, BootDisk.SECTOR);
        for (OverlaySummary s : list) {
            assertEquals(EXPORT, s.export(), s::toString);
            assertEquals(BootDisk.SECTOR, s.allocatedBytes(), () -> "allocated bytes of " + s);
            byte[] seen = new byte[expected.length];
            try (RawFileStore golden = RawFileStore.open(disk.image(), true);
                    CowOverlayStore view = overlays.open(EXPORT, s.client(), golden, VisorfleetTarget.GOLDEN_TAG)) {
                view.read(0, ByteBuffer.wrap(seen));
            }
            assertEquals(
                    List.of(),
                    differingSectors(expected, seen),
                    () -> "sectors of " + s.client() + "'s view that differ from golden + its write at LBA "
                            + disk.layout().writeLba());
        }
    }

    private static List<Long> differingSectors(byte[] expected, byte[] actual) {
        List<Long> out = new ArrayList<>();
        for (int off = 0; off < expected.length; off += BootDisk.SECTOR) {
            if (!Arrays.equals(expected, off, off + BootDisk.SECTOR, actual, off, off + BootDisk.SECTOR)) {
                out.add((long) off / BootDisk.SECTOR);
            }
        }
        return out;
    }

    private static List<MacAddress> clientsIn(OverlayDirectory overlays) throws IOException {
        return overlays.list().stream().map(OverlaySummary::client).toList();
    }

    /** One sector as the client with MAC {@code client} sees it, read with visorfleet's own initiator. */
    private static byte[] readThroughTarget(InetSocketAddress target, MacAddress client, long lba) throws IOException {
        UdpEthernetTransport transport =
                UdpEthernetTransport.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), client);
        try (AoeInitiator initiator = new AoeInitiator(transport, target)) {
            List<AoeInitiator.Discovered> found =
                    initiator.discover(TARGET.shelf(), TARGET.slot(), Duration.ofMillis(300));
            assertEquals(1, found.size(), () -> "targets answering " + TARGET + ": " + found);
            AoeDisk disk = initiator.open(found.get(0));
            ByteBuffer sector = ByteBuffer.allocate(BootDisk.SECTOR);
            disk.read(lba, sector, 1);
            return sector.array();
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The first frames on the wire, for known-good codec vectors (netboot-aoe's vectors.txt). */
    private static void printFrames(RecordingTransport recording) {
        recording.received().stream()
                .limit(8)
                .forEach(f -> System.out.println("in  " + f.at().toMillis() + " ms: " + f.hex()));
        recording.sent().stream()
                .limit(4)
                .forEach(f -> System.out.println("out " + f.at().toMillis() + " ms: " + f.hex()));
    }
}
