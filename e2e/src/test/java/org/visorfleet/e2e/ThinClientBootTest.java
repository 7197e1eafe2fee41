package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.server.pxe.DnsmasqConfig;
import org.visorfleet.server.pxe.Ipv4Address;

/**
 * Thin clients boot from the visorfleet server with nothing local, all real parts, on a throwaway
 * LAN ({@link NetNamespace}): dnsmasq (configured by {@code pxe dnsmasq-config}'s generator, full
 * DHCP range) and {@code visorfleet server run --aoe-iface BRIDGE} run inside it; QEMU's own PXE
 * ROM gets an address and the script URL from dnsmasq, fetches its per-client script from the
 * server and boots the probe disk over AoE. Everything an administrator does goes through the
 * {@code visorfleet} CLI.
 *
 * <ol>
 *   <li>Import the disk, export it, let group {@code lab} boot it.
 *   <li>Client A is unknown: it waits as pending until approved, then boots (and writes its sector).
 *   <li>Client B is approved before its first boot and boots at once, with its own overlay.
 *   <li>Both overlays are listed with their sizes; A's is promoted to image version 2 (checked
 *       byte for byte through its SHA-256).
 *   <li>Reset A: refused right after A used its disk, forced later; A boots the golden image again.
 *   <li>Client C, in group {@code lab2}, boots version 2 from its own export.
 * </ol>
 */
@Tag("e2e")
class ThinClientBootTest {
    static final MacAddress A = MacAddress.of("52:54:00:56:46:31");
    static final MacAddress B = MacAddress.of("52:54:00:56:46:32");
    static final MacAddress C = MacAddress.of("52:54:00:56:46:33");
    static final String PASSWORD = "thin-client-test";
    static final int BOOT_HTTP_PORT = 8080;
    /** SeaBIOS, iPXE, DHCP, the script, the AoE boot: about 20 s under TCG, much more on a busy CI host. */
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(150);

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    NetNamespace lan;
    List<String> asAdmin;
    String server;

    @BeforeEach
    void prerequisites() {
        Prerequisites.root();
        Prerequisites.tool("ip");
        Prerequisites.tool("dnsmasq");
        Prerequisites.tool("nasm");
        Prerequisites.tool(QemuGuest.QEMU);
        Prerequisites.file(QemuPxeClient.E1000_ROM.toString());
    }

    @Test
    void thinClientsBootTheirOwnOverlaysAndAPromotedImage() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        byte[] golden = Files.readAllBytes(disk.image());
        Path data = dir.resolve("server");
        try (NetNamespace lan = NetNamespace.create("10.213.90.1/24", 3)) {
            this.lan = lan;
            server = "https://" + lan.bridgeIp() + ":8443";
            List<String> prefix = new ArrayList<>(lan.commandPrefix());
            prefix.addAll(List.of("env", "VISORFLEET_HOME=" + dir.resolve("home")));
            asAdmin = prefix;

            CliProcess.Result init = CliProcess.run(
                    dir,
                    COMMAND_TIMEOUT,
                    "server",
                    "init",
                    "--data",
                    data.toString(),
                    "--admin-password",
                    PASSWORD,
                    "--hostname",
                    lan.bridgeIp());
            assertEquals(0, init.exit(), init::toString);
            DnsmasqConfig dhcp = DnsmasqConfig.range(
                    Ipv4Address.parse(lan.bridgeIp()),
                    new DnsmasqConfig.Range(
                            Ipv4Address.parse("10.213.90.100"),
                            Ipv4Address.parse("10.213.90.150"),
                            Ipv4Address.parse("255.255.255.0"),
                            "1h"),
                    BOOT_HTTP_PORT,
                    Optional.of(lan.bridge()),
                    DnsmasqConfig.DEFAULT_TFTP_ROOT);
            try (CliProcess fleet = CliProcess.start(
                            dir,
                            lan.commandPrefix(),
                            "server",
                            "run",
                            "--data",
                            data.toString(),
                            "--ssh-port",
                            "0",
                            "--boot-http-port",
                            Integer.toString(BOOT_HTTP_PORT),
                            "--aoe-iface",
                            lan.bridge());
                    DnsmasqProcess dnsmasq = DnsmasqProcess.start(lan, dir, dhcp.render())) {
                fleet.await(Pattern.compile("(?m)^AoE exports on raw:" + lan.bridge() + "$"), COMMAND_TIMEOUT);
                scenario(disk, golden, fleet, dnsmasq);
            }
        }
    }

    private void scenario(BootDisk disk, byte[] golden, CliProcess fleet, DnsmasqProcess dnsmasq) throws Exception {
        assertEquals(
                "desk:1\n",
                admin(
                        "image",
                        "import",
                        "--name",
                        "desk",
                        "--publish",
                        disk.image().toString()));
        assertEquals("e1.0\n", admin("export", "create", "--image", "desk"));
        admin("group", "create", "lab");
        admin("boot", "group", "--group", "lab", "--export", "e1.0");

        // A: unknown, so it waits as pending; approved, its next try boots.
        try (QemuPxeClient a = QemuPxeClient.boot(dir, lan, lan.taps().get(0), A)) {
            awaitListed("pending", A, a.guest(), fleet, dnsmasq);
            admin("boot", "approve", "--mac", A.toString(), "--group", "lab", "--name", "thin-a");
            BootProbe.assertBooted(a.guest(), disk, BOOT_TIMEOUT);
        }
        // A just used its disk: a reset is refused unless forced, and changes nothing.
        CliProcess.Result refused = CliProcess.run(
                dir, COMMAND_TIMEOUT, asAdmin, withLogin("export", "reset", "e1.0", "--mac", A.toString()));
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.stderr().contains("shut it down first"), refused::toString);
        // B: approved before it ever booted.
        admin("boot", "approve", "--mac", B.toString(), "--group", "lab", "--name", "thin-b");
        Duration bTook = boot(B, 1, disk);

        String overlays = admin("export", "overlays", "e1.0");
        for (MacAddress mac : List.of(A, B)) {
            assertTrue(
                    Pattern.compile("(?m)^" + Pattern.quote(mac.toString()) + "\\s+512 B\\s")
                            .matcher(overlays)
                            .find(),
                    () -> "overlay of " + mac + " with one sector written\n" + overlays);
        }

        // Promote A's disk: version 2 is the golden image plus the sector A wrote.
        assertEquals("desk:2\n", admin("export", "promote", "e1.0", "--mac", A.toString()));
        byte[] promoted = golden.clone();
        long at = disk.layout().writeLba() * BootDisk.SECTOR;
        System.arraycopy(BootDisk.writePattern(), 0, promoted, (int) at, BootDisk.SECTOR);
        String images = admin("image", "list");
        assertTrue(
                images.contains("desk:2   8.0 MiB  "
                        + HexFormat.of().formatHex(sha256(promoted)).substring(0, 16)),
                () -> "desk:2 has the promoted content\n" + images);

        // Reset A (forced: how long ago A last used its disk depends on this host's speed); A boots golden again.
        admin("export", "reset", "e1.0", "--mac", A.toString(), "--force");
        assertFalse(admin("export", "overlays", "e1.0").contains(A.toString()), "A's overlay is gone");
        boot(A, 0, disk);

        // C boots version 2 from its own export.
        assertEquals("e1.1\n", admin("export", "create", "--image", "desk:2"));
        admin("group", "create", "lab2");
        admin("boot", "group", "--group", "lab2", "--export", "e1.1");
        admin("boot", "approve", "--mac", C.toString(), "--group", "lab2", "--name", "thin-c");
        boot(C, 2, disk);
        assertTrue(admin("export", "overlays", "e1.1").contains(C.toString()), "C writes to its own overlay of e1.1");

        String machines = admin("boot", "clients");
        assertTrue(
                Pattern.compile("(?m)^" + Pattern.quote(A.toString()) + "\\s+approved\\s+thin-a\\s+lab\\s+-\\s+2\\s")
                        .matcher(machines)
                        .find(),
                () -> "A booted twice\n" + machines);
        System.out.println("thin clients booted from visorfleet over PXE + AoE; B took " + bTook.toMillis() + " ms\n"
                + machines + "\n" + admin("export", "list") + "\n" + admin("export", "overlays", "e1.0") + "\n"
                + images);
    }

    /** Boots {@code mac} on tap {@code tap} and checks the probe; returns QEMU's run time. */
    private Duration boot(MacAddress mac, int tap, BootDisk disk) throws Exception {
        try (QemuPxeClient client = QemuPxeClient.boot(dir, lan, lan.taps().get(tap), mac)) {
            return BootProbe.assertBooted(client.guest(), disk, BOOT_TIMEOUT);
        }
    }

    private void awaitListed(String status, MacAddress mac, QemuGuest guest, CliProcess fleet, DnsmasqProcess dnsmasq)
            throws Exception {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        while (!admin("boot", "clients", "--status", status).contains(mac.toString())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(mac + " never listed as " + status + "\n" + fleet + "\n" + dnsmasq + "\n"
                        + guest.diagnostics());
            }
            Thread.sleep(1000);
        }
    }

    /** Runs an admin command inside the LAN against the server and returns its stdout; fails unless it exits 0. */
    private String admin(String... args) throws Exception {
        CliProcess.Result r = CliProcess.run(dir, COMMAND_TIMEOUT, asAdmin, withLogin(args));
        assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r);
        return r.stdout();
    }

    private String[] withLogin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server, "--password", PASSWORD));
        return all.toArray(String[]::new);
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
