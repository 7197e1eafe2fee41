package org.visorfleet.server.pxe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DnsmasqConfigTest {
    static final Ipv4Address SERVER = Ipv4Address.parse("10.77.1.1");

    static DnsmasqConfig.Range range(String from, String to) {
        return new DnsmasqConfig.Range(
                Ipv4Address.parse(from),
                Ipv4Address.parse(to),
                Ipv4Address.parse(DnsmasqConfig.DEFAULT_NETMASK),
                DnsmasqConfig.DEFAULT_LEASE_TIME);
    }

    /** Range mode on eth1, as the golden file {@code range-eth1.conf} holds it. */
    static DnsmasqConfig rangeExample() {
        return DnsmasqConfig.range(
                SERVER,
                range("10.77.1.100", "10.77.1.199"),
                DnsmasqConfig.DEFAULT_BOOT_HTTP_PORT,
                Optional.of("eth1"),
                DnsmasqConfig.DEFAULT_TFTP_ROOT);
    }

    /** Proxy mode on every interface, as the golden file {@code proxy.conf} holds it. */
    static DnsmasqConfig proxyExample() {
        return DnsmasqConfig.proxy(
                SERVER, DnsmasqConfig.DEFAULT_BOOT_HTTP_PORT, Optional.empty(), DnsmasqConfig.DEFAULT_TFTP_ROOT);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = DnsmasqConfigTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> directives(String config) {
        return config.lines()
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
    }

    @Test
    void rangeModeMatchesTheReviewedFile() throws IOException {
        assertEquals(golden("range-eth1.conf"), rangeExample().render());
    }

    @Test
    void proxyModeMatchesTheReviewedFile() throws IOException {
        assertEquals(golden("proxy.conf"), proxyExample().render());
    }

    @Test
    void rangeModeLeasesTheRangeAndPicksTheLoaderByClient() {
        List<String> lines = directives(rangeExample().render());
        assertEquals(
                List.of(
                        "port=0",
                        "log-dhcp",
                        "interface=eth1",
                        "bind-interfaces",
                        "dhcp-range=10.77.1.100,10.77.1.199,255.255.255.0,12h",
                        "dhcp-authoritative",
                        "dhcp-option=option:router",
                        "enable-tftp",
                        "tftp-root=/usr/lib/ipxe",
                        "dhcp-match=set:ipxe,175",
                        "dhcp-match=set:bios,option:client-arch,0",
                        "dhcp-match=set:efi64,option:client-arch,7",
                        "dhcp-match=set:efi64,option:client-arch,9",
                        "dhcp-boot=tag:ipxe,http://10.77.1.1:8080/boot/ipxe?mac=${netX/mac}",
                        "dhcp-boot=tag:!ipxe,tag:bios,undionly.kpxe",
                        "dhcp-boot=tag:!ipxe,tag:efi64,snponly.efi"),
                lines);
    }

    @Test
    void proxyModeHandsOutBootInformationOnly() {
        String config = proxyExample().render();
        List<String> lines = directives(config);
        assertTrue(lines.contains("dhcp-range=10.77.1.1,proxy"), config);
        assertFalse(config.contains("dhcp-authoritative"), "proxy mode must never claim the network");
        assertFalse(config.contains("interface="), "no --interface: every interface whose subnet matches");
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("dhcp-boot")), "proxy mode boots through menus");
        assertEquals(
                List.of(
                        "pxe-service=tag:ipxe,x86PC,\"visorfleet boot script\","
                                + "http://10.77.1.1:8080/boot/ipxe?mac=${netX/mac}",
                        "pxe-service=tag:ipxe,x86-64_EFI,\"visorfleet boot script\","
                                + "http://10.77.1.1:8080/boot/ipxe?mac=${netX/mac}",
                        "pxe-service=tag:ipxe,BC_EFI,\"visorfleet boot script\","
                                + "http://10.77.1.1:8080/boot/ipxe?mac=${netX/mac}",
                        "pxe-service=tag:!ipxe,x86PC,\"visorfleet network boot\",undionly.kpxe",
                        "pxe-service=tag:!ipxe,x86-64_EFI,\"visorfleet network boot\",snponly.efi",
                        "pxe-service=tag:!ipxe,BC_EFI,\"visorfleet network boot\",snponly.efi"),
                lines.stream().filter(l -> l.startsWith("pxe-service=")).toList());
    }

    @Test
    void everyBlockIsCommentedAndTheFileNamesItsCommand() {
        String config = rangeExample().render();
        List<String> lines = config.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isEmpty()
                    && !line.startsWith("#")
                    && (i == 0 || lines.get(i - 1).isEmpty())) {
                throw new AssertionError("directive without a comment above it: " + line + "\n" + config);
            }
        }
        assertTrue(
                config.contains(
                        "#   visorfleet pxe dnsmasq-config --server-ip 10.77.1.1 --range 10.77.1.100,10.77.1.199"
                                + " --netmask 255.255.255.0 --lease-time 12h --boot-http-port 8080 --interface eth1"
                                + " --tftp-root /usr/lib/ipxe\n"),
                config);
        assertTrue(config.endsWith("snponly.efi\n"), "one newline at the end");
    }

    @Test
    void portAndTftpRootAppearWhereTheyAreUsed() {
        DnsmasqConfig config = DnsmasqConfig.proxy(SERVER, 18080, Optional.of("br-boot"), "/srv/tftp boot");
        String text = config.render();
        assertTrue(text.contains("x86PC,\"visorfleet boot script\",http://10.77.1.1:18080/boot/ipxe?mac="), text);
        assertTrue(text.contains("\ntftp-root=/srv/tftp boot\n"), text);
        assertTrue(text.contains("\ninterface=br-boot\nbind-interfaces\n"), text);
        assertEquals("http://10.77.1.1:18080/boot/ipxe?mac=${netX/mac}", config.bootScriptUrl());
    }

    private static void assertRefused(String reason, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(reason), () -> "expected '" + reason + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static DnsmasqConfig rangeConfig(String server, DnsmasqConfig.Range range) {
        return DnsmasqConfig.range(Ipv4Address.parse(server), range, 8080, Optional.empty(), "/usr/lib/ipxe");
    }

    @Test
    void rangeMustLieInTheServersSubnetWithoutTheServer() {
        assertRefused(
                "is not inside the server's subnet 10.77.1.0/24",
                () -> rangeConfig("10.77.1.1", range("10.77.2.10", "10.77.2.20")));
        assertRefused(
                "is not inside the server's subnet", () -> rangeConfig("10.77.1.1", range("10.77.1.10", "10.77.2.20")));
        assertRefused(
                "contains the server's own address 10.77.1.50",
                () -> rangeConfig("10.77.1.50", range("10.77.1.10", "10.77.1.99")));
        assertRefused(
                "contains the server's own address 10.77.1.10",
                () -> rangeConfig("10.77.1.10", range("10.77.1.10", "10.77.1.99")));
        assertRefused("above its end", () -> range("10.77.1.20", "10.77.1.10"));
        assertRefused(
                "includes the network or broadcast address",
                () -> rangeConfig("10.77.1.1", range("10.77.1.0", "10.77.1.99")));
        assertRefused(
                "includes the network or broadcast address",
                () -> rangeConfig("10.77.1.1", range("10.77.1.100", "10.77.1.255")));
        assertRefused(
                "is the network or broadcast address",
                () -> rangeConfig("10.77.1.255", range("10.77.1.100", "10.77.1.200")));
        // a single address next to the server is a valid range
        rangeConfig("10.77.1.1", range("10.77.1.2", "10.77.1.2"));
    }

    @Test
    void netmaskIsCheckedAndDecidesTheSubnet() {
        DnsmasqConfig.Range wide = new DnsmasqConfig.Range(
                Ipv4Address.parse("10.77.2.1"),
                Ipv4Address.parse("10.77.3.254"),
                Ipv4Address.parse("255.255.252.0"),
                "1h");
        assertTrue(
                rangeConfig("10.77.1.1", wide).render().contains("dhcp-range=10.77.2.1,10.77.3.254,255.255.252.0,1h"));
        assertRefused(
                "not a netmask: 255.0.255.0",
                () -> new DnsmasqConfig.Range(
                        Ipv4Address.parse("10.0.0.2"),
                        Ipv4Address.parse("10.0.0.9"),
                        Ipv4Address.parse("255.0.255.0"),
                        "1h"));
        for (String tooSmall : List.of("255.255.255.254", "255.255.255.255", "254.0.0.0")) {
            assertRefused(
                    "does not leave room for a range",
                    () -> new DnsmasqConfig.Range(
                            Ipv4Address.parse("10.0.0.2"),
                            Ipv4Address.parse("10.0.0.2"),
                            Ipv4Address.parse(tooSmall),
                            "1h"));
        }
    }

    @Test
    void leaseTimeUsesDnsmasqSyntax() {
        assertEquals(43_200, DnsmasqConfig.leaseSeconds("12h"));
        assertEquals(120, DnsmasqConfig.leaseSeconds("2m"));
        assertEquals(3600, DnsmasqConfig.leaseSeconds("3600"));
        assertEquals(1_209_600, DnsmasqConfig.leaseSeconds("2w"));
        assertEquals(-1, DnsmasqConfig.leaseSeconds("infinite"));
        for (String bad : List.of("", "12 h", "12H", "h", "-5m", "1.5h", "12hours", "forever")) {
            assertRefused("not a lease time", () -> DnsmasqConfig.leaseSeconds(bad));
        }
        assertRefused("out of range", () -> DnsmasqConfig.leaseSeconds("119"));
        assertRefused("out of range", () -> DnsmasqConfig.leaseSeconds("1m"));
        assertRefused("out of range", () -> DnsmasqConfig.leaseSeconds("9999999999w"));
    }

    @Test
    void portInterfaceTftpRootAndServerAreChecked() {
        for (int port : new int[] {0, -1, 65536}) {
            assertRefused(
                    "boot HTTP port must be 1-65535",
                    () -> DnsmasqConfig.proxy(SERVER, port, Optional.empty(), "/usr/lib/ipxe"));
        }
        DnsmasqConfig.proxy(SERVER, 65535, Optional.of("a".repeat(15)), "/usr/lib/ipxe");
        for (String iface : List.of("", "a".repeat(16), "eth 1", "eth1,eth2", "../x", ".", "..", "eth1#", "br/0")) {
            assertRefused(
                    "not an interface name",
                    () -> DnsmasqConfig.proxy(SERVER, 8080, Optional.of(iface), "/usr/lib/ipxe"));
        }
        for (String root : List.of("usr/lib/ipxe", "", "/srv/a,b", "/srv/\"x\"", "/srv/#x", "/srv/a\nport=53")) {
            assertRefused("TFTP root", () -> DnsmasqConfig.proxy(SERVER, 8080, Optional.empty(), root));
        }
        for (String server : List.of("0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255")) {
            assertRefused(
                    "is not a host address",
                    () -> DnsmasqConfig.proxy(Ipv4Address.parse(server), 8080, Optional.empty(), "/usr/lib/ipxe"));
        }
    }
}
