package org.visorfleet.server.pxe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dnsmasq configuration that network-boots thin clients into visorfleet: PXE firmware gets iPXE
 * over TFTP, iPXE gets the client's boot script from the server's plain-HTTP boot port
 * ({@code GET /boot/ipxe?mac=...}), and the script boots the client's disk over AoE.
 *
 * <p>Two modes: {@link Range} makes dnsmasq the DHCP server of an isolated boot network;
 * {@link Proxy} leaves addresses to the LAN's existing DHCP server and only adds boot information
 * (proxy DHCP). Every value is validated when the record is built (IllegalArgumentException with
 * the reason); {@link #render} is then a pure function of the record. Nothing is resolved or read
 * from this machine: the file may be generated on one host and run on another.
 *
 * <p>What was verified with real peers (dnsmasq 2.90, Debian's iPXE 1.0.0+git-20190125, QEMU 7.2
 * with SeaBIOS and with OVMF), and why the output is shaped as it is, is written as comments into
 * the output itself, so the administrator reading the file sees it too. See {@code docs/pxe.md}.
 *
 * @param serverIp the visorfleet server's address on the clients' segment: TFTP and HTTP boot
 *     server, and in proxy mode the address that names the subnet dnsmasq serves
 * @param mode full DHCP over a range, or proxy DHCP
 * @param bootHttpPort the server's plain-HTTP boot port
 * @param iface the one interface to serve, or empty for every interface whose subnet matches
 * @param tftpRoot directory holding {@code undionly.kpxe} and {@code snponly.efi}
 */
public record DnsmasqConfig(
        Ipv4Address serverIp, Mode mode, int bootHttpPort, Optional<String> iface, String tftpRoot) {

    public static final int DEFAULT_BOOT_HTTP_PORT = 8080;
    public static final String DEFAULT_TFTP_ROOT = "/usr/lib/ipxe";
    public static final String DEFAULT_NETMASK = "255.255.255.0";
    public static final String DEFAULT_LEASE_TIME = "12h";
    /** iPXE for BIOS PXE firmware, driving the NIC through the firmware's UNDI driver. */
    public static final String BIOS_LOADER = "undionly.kpxe";
    /** iPXE for x86-64 UEFI firmware, driving the NIC through the firmware's SNP driver. */
    public static final String UEFI_LOADER = "snponly.efi";

    /** Linux IFNAMSIZ - 1, and characters that need no quoting in a dnsmasq file. */
    private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private static final Pattern LEASE = Pattern.compile("(\\d{1,10})([smhdw]?)");
    /** dnsmasq raises shorter leases to two minutes; refusing them says so instead. */
    private static final long MIN_LEASE_SECONDS = 120;
    /** dnsmasq keeps lease times in an unsigned 32-bit number of seconds. */
    private static final long MAX_LEASE_SECONDS = 0xFFFF_FFFEL;

    /** How dnsmasq takes part in DHCP. */
    public sealed interface Mode permits Proxy, Range {}

    /**
     * Proxy DHCP ({@code dhcp-range=SERVER_IP,proxy}): the LAN's DHCP server keeps assigning
     * addresses; dnsmasq answers PXE clients with boot information only, on UDP 67 and 4011.
     */
    public record Proxy() implements Mode {}

    /**
     * dnsmasq is the DHCP server: it leases {@code from..to} (inclusive) with {@code netmask} for
     * {@code leaseTime} (dnsmasq syntax: seconds, or a number with s, m, h, d or w, or
     * {@code infinite}; at least two minutes).
     */
    public record Range(Ipv4Address from, Ipv4Address to, Ipv4Address netmask, String leaseTime) implements Mode {
        public Range {
            if (from.compareTo(to) > 0) {
                throw new IllegalArgumentException("range start " + from + " is above its end " + to);
            }
            int prefix = netmask.prefixLength();
            if (prefix < 8 || prefix > 30) {
                throw new IllegalArgumentException("netmask " + netmask + " (/" + prefix
                        + ") does not leave room for a range: use /8 to /30, e.g. 255.255.255.0");
            }
            leaseSeconds(leaseTime);
        }
    }

    public DnsmasqConfig {
        if (!serverIp.isUnicastHost()) {
            throw new IllegalArgumentException("server IP " + serverIp + " is not a host address");
        }
        if (bootHttpPort < 1 || bootHttpPort > 65535) {
            throw new IllegalArgumentException("boot HTTP port must be 1-65535, got " + bootHttpPort);
        }
        iface.ifPresent(DnsmasqConfig::checkInterface);
        checkTftpRoot(tftpRoot);
        if (mode instanceof Range range) {
            checkRange(serverIp, range);
        }
    }

    /** Proxy DHCP next to an existing DHCP server. */
    public static DnsmasqConfig proxy(Ipv4Address serverIp, int bootHttpPort, Optional<String> iface, String tftpRoot) {
        return new DnsmasqConfig(serverIp, new Proxy(), bootHttpPort, iface, tftpRoot);
    }

    /** Full DHCP over {@code range} on an isolated network. */
    public static DnsmasqConfig range(
            Ipv4Address serverIp, Range range, int bootHttpPort, Optional<String> iface, String tftpRoot) {
        return new DnsmasqConfig(serverIp, range, bootHttpPort, iface, tftpRoot);
    }

    private static void checkInterface(String name) {
        if (!IFACE.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not an interface name: " + Quote.of(name)
                    + " (1-15 characters of A-Z a-z 0-9 . _ -, as 'ip link' shows it, e.g. eth1 or br0)");
        }
    }

    /** Absolute, and free of what would end or split the {@code tftp-root=DIR[,IFACE]} line. */
    private static void checkTftpRoot(String dir) {
        if (dir == null || !dir.startsWith("/")) {
            throw new IllegalArgumentException("TFTP root must be an absolute directory, got " + Quote.of(dir));
        }
        for (int i = 0; i < dir.length(); i++) {
            char c = dir.charAt(i);
            if (c < 0x20 || c == 0x7F || c == ',' || c == '"' || c == '#' || c == '\\') {
                throw new IllegalArgumentException(
                        "TFTP root " + Quote.of(dir) + " contains a character dnsmasq would misread: " + describe(c));
            }
        }
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7F ? String.format("control character U+%04X", (int) c) : "'" + c + "'";
    }

    private static void checkRange(Ipv4Address server, Range range) {
        Ipv4Address mask = range.netmask();
        Ipv4Address network = server.network(mask);
        String subnet = network + "/" + mask.prefixLength();
        for (Ipv4Address end : List.of(range.from(), range.to())) {
            if (!end.network(mask).equals(network)) {
                throw new IllegalArgumentException("range " + range.from() + "-" + range.to()
                        + " is not inside the server's subnet " + subnet + " (server " + server + ", netmask "
                        + mask + ")");
            }
        }
        Ipv4Address broadcast = server.broadcast(mask);
        if (server.equals(network) || server.equals(broadcast)) {
            throw new IllegalArgumentException(
                    "server IP " + server + " is the network or broadcast address of " + subnet);
        }
        if (range.from().equals(network) || range.to().equals(broadcast)) {
            throw new IllegalArgumentException("range " + range.from() + "-" + range.to()
                    + " includes the network or broadcast address of " + subnet);
        }
        if (range.from().compareTo(server) <= 0 && server.compareTo(range.to()) <= 0) {
            throw new IllegalArgumentException("range " + range.from() + "-" + range.to()
                    + " contains the server's own address " + server + ": start it above or end it below");
        }
    }

    /** Lease time in seconds, or -1 for {@code infinite}. */
    static long leaseSeconds(String leaseTime) {
        if ("infinite".equals(leaseTime)) {
            return -1;
        }
        Matcher m = leaseTime == null ? null : LEASE.matcher(leaseTime);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a lease time: " + Quote.of(leaseTime)
                    + " (a number of seconds, or a number with s, m, h, d or w like 12h, or infinite)");
        }
        long unit =
                switch (m.group(2)) {
                    case "m" -> 60;
                    case "h" -> 3600;
                    case "d" -> 86_400;
                    case "w" -> 604_800;
                    default -> 1;
                };
        long seconds = Long.parseLong(m.group(1)) * unit;
        if (seconds < MIN_LEASE_SECONDS || seconds > MAX_LEASE_SECONDS) {
            throw new IllegalArgumentException(
                    "lease time " + leaseTime + " is out of range: at least 2m, at most about 136 years");
        }
        return seconds;
    }

    /**
     * The URL iPXE fetches its boot script from. {@code ${netX/mac}} is an iPXE setting reference
     * that iPXE expands in the DHCP file name before fetching: the MAC of the interface it booted
     * from, sent percent-encoded ({@code mac=52%3A54%3A00%3A12%3A34%3A56}).
     */
    public String bootScriptUrl() {
        return "http://" + serverIp + ":" + bootHttpPort + "/boot/ipxe?mac=${netX/mac}";
    }

    /** The {@code visorfleet} command line that produces this configuration. */
    public String command() {
        List<String> args = new ArrayList<>(List.of("visorfleet pxe dnsmasq-config", "--server-ip " + serverIp));
        switch (mode) {
            case Proxy p -> args.add("--proxy");
            case Range r -> {
                args.add("--range " + r.from() + "," + r.to());
                args.add("--netmask " + r.netmask());
                args.add("--lease-time " + r.leaseTime());
            }
        }
        args.add("--boot-http-port " + bootHttpPort);
        iface.ifPresent(name -> args.add("--interface " + name));
        args.add("--tftp-root " + tftpRoot);
        return String.join(" ", args);
    }

    /** The configuration file, every block commented for the administrator who reads it. */
    public String render() {
        return new DnsmasqConfigWriter(this).write();
    }
}
