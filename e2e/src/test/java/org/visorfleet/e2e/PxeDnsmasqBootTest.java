package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
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
 * The whole network boot chain on a throwaway LAN ({@link NetNamespace}), without the visorfleet
 * server: QEMU's PXE ROM (iPXE) asks dnsmasq, configured by {@link DnsmasqConfig}, for an address
 * and a boot file; fetches {@code /boot/ipxe?mac=${netX/mac}} from the JDK's {@code jwebserver},
 * which serves a {@code sanboot aoe:e1.0} script whatever the query; and boots the probe disk from
 * vblade on the bridge. Checked: the probe read and wrote the disk (as {@link
 * IpxeVbladeBootTest}), dnsmasq logged the lease, and the HTTP request named the client's MAC,
 * which proves iPXE expanded {@code ${netX/mac}} in the DHCP file name.
 *
 * <p>Range mode: dnsmasq is the only DHCP server. Proxy mode: a second dnsmasq, in a second
 * namespace cabled to the first, plays the LAN's existing DHCP server and leases the address;
 * ours adds the boot information only.
 *
 * <p>The main end-to-end test keeps this set-up and replaces jwebserver and vblade with the
 * visorfleet server in the same namespace ({@link CliProcess#start(Path, List, String...)}).
 */
@Tag("e2e")
class PxeDnsmasqBootTest {
    static final AoeAddress TARGET = new AoeAddress(1, 0);
    static final MacAddress MAC = QemuPxeClient.DEFAULT_MAC;
    static final int HTTP_PORT = 8080;
    /** SeaBIOS, iPXE, DHCP (iPXE also waits for an IPv6 router that never answers), HTTP, AoE boot. */
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);

    private static final Pattern SCRIPT_REQUEST =
            Pattern.compile("(?m)^(\\S+) - - \\[[^]]*] \"GET /boot/ipxe\\?mac=(\\S+) HTTP/1\\.1\" 200 ");

    @TempDir
    Path dir;

    @BeforeEach
    void prerequisites() {
        Prerequisites.root();
        Prerequisites.tool("ip");
        Prerequisites.tool("dnsmasq");
        Prerequisites.tool("vblade");
        Prerequisites.tool("nasm");
        Prerequisites.tool(QemuGuest.QEMU);
        Prerequisites.file(QemuPxeClient.E1000_ROM.toString());
        Prerequisites.file(jwebserver().toString());
        Prerequisites.file(DnsmasqConfig.DEFAULT_TFTP_ROOT + "/" + DnsmasqConfig.BIOS_LOADER);
    }

    private static Path jwebserver() {
        return Path.of(System.getProperty("java.home"), "bin", "jwebserver");
    }

    @Test
    void rangeModeLeasesAnAddressAndTheClientBootsItsScriptOverAoe() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        try (NetNamespace lan = NetNamespace.create("10.213.87.1/24", 1)) {
            DnsmasqConfig config = DnsmasqConfig.range(
                    Ipv4Address.parse(lan.bridgeIp()),
                    new DnsmasqConfig.Range(
                            Ipv4Address.parse("10.213.87.100"),
                            Ipv4Address.parse("10.213.87.150"),
                            Ipv4Address.parse("255.255.255.0"),
                            "1h"),
                    HTTP_PORT,
                    Optional.of(lan.bridge()),
                    DnsmasqConfig.DEFAULT_TFTP_ROOT);
            try (DnsmasqProcess dnsmasq = DnsmasqProcess.start(lan, dir, config.render())) {
                String leased = bootAndCheckRequest(lan, disk, config, dnsmasq);
                assertFalse(
                        dnsmasq.logLines("DHCPACK(" + lan.bridge() + ") " + leased + " " + MAC)
                                .isEmpty(),
                        dnsmasq::toString);
            }
        }
    }

    @Test
    void proxyModeAddsBootInformationToTheLansOwnDhcp() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        try (NetNamespace lan = NetNamespace.create("10.213.88.1/24", 1);
                NetNamespace other = NetNamespace.create("10.213.88.2/24", 0)) {
            lan.connect(other);
            DnsmasqConfig config = DnsmasqConfig.proxy(
                    Ipv4Address.parse(lan.bridgeIp()),
                    HTTP_PORT,
                    Optional.of(lan.bridge()),
                    DnsmasqConfig.DEFAULT_TFTP_ROOT);
            try (DnsmasqProcess existing = DnsmasqProcess.start(other, dir, plainDhcp(other));
                    DnsmasqProcess proxy = DnsmasqProcess.start(lan, dir, config.render())) {
                String leased = bootAndCheckRequest(lan, disk, config, proxy);
                assertFalse(
                        existing.logLines("DHCPACK(" + other.bridge() + ") " + leased + " " + MAC)
                                .isEmpty(),
                        existing::toString);
                // Ours answered as a proxy (on port 67, then the boot server request on 4011) and leased nothing.
                assertFalse(
                        proxy.logLines("PXE(" + lan.bridge() + ") " + MAC + " proxy")
                                .isEmpty(),
                        proxy::toString);
                assertEquals(List.of(), proxy.logLines("DHCPACK"), proxy::toString);
            }
        }
    }

    /** The LAN's "existing" DHCP server: addresses only, no boot information. */
    private static String plainDhcp(NetNamespace ns) {
        return """
                port=0
                log-dhcp
                interface=%s
                bind-interfaces
                dhcp-range=10.213.88.160,10.213.88.199,255.255.255.0,1h
                """
                .formatted(ns.bridge());
    }

    /**
     * Serves the sanboot script and the disk on {@code lan}, boots the client, checks the probe's
     * result and the script request; returns the address the request came from.
     */
    private String bootAndCheckRequest(NetNamespace lan, BootDisk disk, DnsmasqConfig config, DnsmasqProcess dnsmasq)
            throws IOException, InterruptedException {
        Path docroot = Files.createDirectories(dir.resolve("http"));
        Files.createDirectories(docroot.resolve("boot"));
        Files.writeString(docroot.resolve("boot/ipxe"), QemuIpxeClient.sanbootScript(TARGET));
        try (PeerProcess http = PeerProcess.start(
                        dir,
                        "jwebserver",
                        lan.command(List.of(
                                jwebserver().toString(),
                                "-b",
                                lan.bridgeIp(),
                                "-p",
                                Integer.toString(HTTP_PORT),
                                "-d",
                                docroot.toString())));
                BootTarget target = VbladeTarget.onInterface(lan.commandPrefix(), lan.bridge(), TARGET, disk.image())) {
            http.await(Pattern.compile("Serving .* port " + HTTP_PORT), Duration.ofSeconds(20));
            try (QemuPxeClient client = QemuPxeClient.boot(dir, lan, lan.taps().getFirst(), MAC)) {
                Duration took = BootProbe.assertPassed(client.guest(), disk, BOOT_TIMEOUT);
                String context = lan + "\n" + dnsmasq + "\n" + http + "\n" + target.log() + "\n"
                        + client.guest().diagnostics();
                Matcher request = SCRIPT_REQUEST.matcher(http.output());
                assertTrue(request.find(), () -> "no boot script request\n" + context);
                assertEquals(
                        MAC.toString(),
                        URLDecoder.decode(request.group(2), StandardCharsets.UTF_8),
                        () -> "iPXE did not expand ${netX/mac} to its MAC\n" + context);
                assertTrue(
                        dnsmasq.log().contains(config.bootScriptUrl()),
                        () -> "dnsmasq did not send the script URL\n" + context);
                System.out.println(
                        "PXE boot via dnsmasq (" + (config.mode() instanceof DnsmasqConfig.Proxy ? "proxy" : "range")
                                + ") on " + lan + ": " + took.toMillis() + " ms, script request " + request.group()
                                + ", " + disk);
                return request.group(1);
            }
        }
    }
}
