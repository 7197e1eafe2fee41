package org.visorfleet.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * A real iPXE client ({@code sanboot aoe:e1.0}) boots the probe from the reference target, vblade,
 * once over raw Ethernet (tap) and once over Ethernet-in-UDP (QEMU dgram). The probe reads 1 MiB,
 * checksums it, writes a sector and reads it back; the image must hold that sector afterwards.
 *
 * <p>To run the same scenario against another target, replace the {@code BootTarget target = ...}
 * line: it only has to serve {@code disk.image()} as {@link #TARGET} on the tap or on
 * {@code link.target()}.
 */
@Tag("interop")
class IpxeVbladeBootTest {
    static final AoeAddress TARGET = new AoeAddress(1, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    @BeforeEach
    void prerequisites() {
        Prerequisites.root();
        Prerequisites.tool("ip");
        Prerequisites.tool("nasm");
        Prerequisites.tool("vblade");
        Prerequisites.tool(QemuGuest.QEMU);
        Prerequisites.file(QemuIpxeClient.IPXE_LKRN.toString());
    }

    @Test
    void ipxeSanbootsFromVbladeOverTap() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        try (TapInterface tap = TapInterface.create();
                BootTarget target = VbladeTarget.onInterface(tap.name(), TARGET, disk.image());
                QemuIpxeClient client = QemuIpxeClient.sanboot(
                        dir, new ClientLink.Tap(tap.name()), QemuIpxeClient.NicModel.E1000, target.address())) {
            Duration took = BootProbe.assertPassed(client.guest(), disk, TIMEOUT);
            System.out.println("iPXE+vblade over tap " + tap + ": " + took.toMillis() + " ms, " + disk);
        }
    }

    @Test
    void ipxeSanbootsFromVbladeOverDgram() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        DgramLink link = DgramLink.allocate();
        try (BootTarget target = VbladeTarget.overDgram(dir, link, TARGET, disk.image());
                QemuIpxeClient client = QemuIpxeClient.sanboot(
                        dir, link.clientLink(), QemuIpxeClient.NicModel.VIRTIO, target.address())) {
            Duration took = BootProbe.assertPassed(client.guest(), disk, TIMEOUT);
            System.out.println("iPXE+vblade over dgram " + link + ": " + took.toMillis() + " ms, " + disk);
        }
    }
}
