package org.visorfleet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * A diskless PC booting iPXE ({@code -kernel ipxe.lkrn -initrd script.ipxe}) with one NIC on a
 * {@link ClientLink}. Debian's {@code ipxe.lkrn} (1.0.0+git-20190125) is built with AoE.
 *
 * <p>The default script opens {@code net0} (AoE needs a link, not an IP address, so no DHCP) and
 * runs {@code sanboot aoe:eS.L}. If that fails, iPXE prints {@link #IPXE_FAILED} and the reason
 * on the firmware console and exits; the BIOS then finds nothing to boot and QEMU ends (status 0),
 * so a failed boot costs iPXE's SAN timeout (about 15 s) rather than the test's.
 *
 * <p>{@link #close} kills QEMU by its PID.
 */
final class QemuIpxeClient implements AutoCloseable {
    static final Path IPXE_LKRN = Path.of("/usr/lib/ipxe/ipxe.lkrn");
    static final String IPXE_FAILED = "VISORFLEET-IPXE-FAILED";
    static final MacAddress DEFAULT_MAC = MacAddress.of("52:54:00:56:46:01");

    /** Emulated NIC; both have iPXE drivers. {@code romfile=} drops the NIC's own PXE ROM. */
    enum NicModel {
        E1000("e1000"),
        VIRTIO("virtio-net-pci");

        final String device;

        NicModel(String device) {
            this.device = device;
        }
    }

    private final QemuGuest guest;

    private QemuIpxeClient(QemuGuest guest) {
        this.guest = guest;
    }

    /** iPXE script: bring up net0 and boot from the AoE disk at {@code target}. */
    static String sanbootScript(AoeAddress target) {
        return """
                #!ipxe
                ifopen net0 || goto failed
                sanboot %s || goto failed
                :failed
                echo %s errno=${errno}
                exit 1
                """
                .formatted(target.sanUri(), IPXE_FAILED);
    }

    /** Boots iPXE and {@code sanboot}s from {@code target}. */
    static QemuIpxeClient sanboot(Path workDir, ClientLink link, NicModel nic, AoeAddress target) throws IOException {
        return boot(workDir, link, nic, DEFAULT_MAC, sanbootScript(target));
    }

    /** Boots iPXE with an arbitrary {@code script} (must start with {@code #!ipxe}). */
    static QemuIpxeClient boot(Path workDir, ClientLink link, NicModel nic, MacAddress mac, String script)
            throws IOException {
        if (!script.startsWith("#!ipxe")) {
            throw new IllegalArgumentException("iPXE scripts start with #!ipxe");
        }
        Path lkrn = Prerequisites.file(IPXE_LKRN.toString());
        Path scriptFile = Files.createTempFile(workDir, "boot-", ".ipxe");
        Files.writeString(scriptFile, script);
        return new QemuIpxeClient(QemuGuest.launch(
                workDir,
                List.of(
                        "-kernel", lkrn.toString(),
                        "-initrd", scriptFile.toString(),
                        "-netdev", link.netdev("n0"),
                        "-device", nic.device + ",netdev=n0,mac=" + mac + ",romfile=")));
    }

    QemuGuest guest() {
        return guest;
    }

    @Override
    public void close() {
        guest.close();
    }
}
