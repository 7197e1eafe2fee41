package org.visorfleet.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * A diskless PC that boots from the network the way a thin client does: QEMU's own e1000 option
 * ROM (no {@code -kernel}, no {@code romfile=}), {@code -boot n}, one NIC on a tap of a
 * {@link NetNamespace}. QEMU runs inside the namespace, so the PID {@link #close} kills is QEMU's.
 *
 * <p>Debian's QEMU takes that ROM from {@code ipxe-qemu}: it is iPXE 1.0.0+git-20190125, so the
 * client is an iPXE client from the first DHCP request on (it sends option 175). The DHCP branch
 * for plain PXE firmware (chainloading {@code undionly.kpxe}) is not exercised by this client.
 *
 * <p>Serial ports and exit codes as in {@link QemuGuest}: the firmware console (SeaBIOS, iPXE) is
 * on COM2, the booted guest's lines on COM1.
 */
final class QemuPxeClient implements AutoCloseable {
    /** QEMU's e1000 option ROM (BIOS and UEFI iPXE), from Debian's ipxe-qemu. */
    static final Path E1000_ROM = Path.of("/usr/lib/ipxe/qemu/efi-e1000.rom");

    static final MacAddress DEFAULT_MAC = MacAddress.of("52:54:00:56:46:21");

    private final QemuGuest guest;

    private QemuPxeClient(QemuGuest guest) {
        this.guest = guest;
    }

    /** Powers on a PC with one e1000 NIC ({@code mac}) on {@code tap}, booting from the network. */
    static QemuPxeClient boot(Path workDir, NetNamespace ns, String tap, MacAddress mac) throws IOException {
        Prerequisites.file(E1000_ROM.toString());
        if (!ns.taps().contains(tap)) {
            throw new IllegalArgumentException(tap + " is not a tap of " + ns);
        }
        return new QemuPxeClient(QemuGuest.launch(
                workDir,
                ns.commandPrefix(),
                List.of(
                        "-netdev",
                        new ClientLink.Tap(tap).netdev("n0"),
                        "-device",
                        "e1000,netdev=n0,mac=" + mac,
                        "-boot",
                        "n")));
    }

    QemuGuest guest() {
        return guest;
    }

    @Override
    public void close() {
        guest.close();
    }
}
