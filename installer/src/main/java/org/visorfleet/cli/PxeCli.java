package org.visorfleet.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.visorfleet.server.pxe.DnsmasqConfig;
import org.visorfleet.server.pxe.Ipv4Address;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code visorfleet pxe ...}: what thin clients need on the LAN to network-boot. */
@Command(
        name = "pxe",
        description = "Network boot on the LAN: PXE firmware -> iPXE -> boot script over HTTP -> disk over AoE.",
        mixinStandardHelpOptions = true,
        subcommands = {PxeCli.DnsmasqConfigCommand.class})
final class PxeCli {

    /** Exactly one: proxy DHCP next to an existing DHCP server, or a full DHCP range. */
    static final class DhcpMode {
        @Option(
                names = "--proxy",
                required = true,
                description =
                        "proxy DHCP: the LAN's DHCP server keeps assigning addresses, dnsmasq adds boot information")
        boolean proxy;

        @Option(
                names = "--range",
                required = true,
                paramLabel = "FROM,TO",
                description = "full DHCP server for an isolated boot network, leasing FROM..TO")
        String range;
    }

    @Command(
            name = "dnsmasq-config",
            mixinStandardHelpOptions = true,
            description = {
                "Print a commented dnsmasq configuration that boots thin clients into visorfleet.",
                "Run it with: dnsmasq --conf-file=FILE --keep-in-foreground (see docs/pxe.md)."
            })
    static final class DnsmasqConfigCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--server-ip",
                required = true,
                paramLabel = "IP",
                description = "the visorfleet server's IPv4 address on the clients' segment (TFTP and boot HTTP)")
        String serverIp;

        @ArgGroup(exclusive = true, multiplicity = "1")
        DhcpMode mode;

        @Option(
                names = "--boot-http-port",
                paramLabel = "PORT",
                defaultValue = "" + DnsmasqConfig.DEFAULT_BOOT_HTTP_PORT,
                description =
                        "the server's plain-HTTP boot port, serving GET /boot/ipxe?mac=... (default: ${DEFAULT-VALUE})")
        int bootHttpPort;

        @Option(
                names = "--interface",
                paramLabel = "IFACE",
                description = "serve only this interface (dnsmasq interface= and bind-interfaces)")
        String iface;

        @Option(
                names = "--netmask",
                paramLabel = "MASK",
                defaultValue = DnsmasqConfig.DEFAULT_NETMASK,
                description = "netmask of the --range subnet (default: ${DEFAULT-VALUE})")
        String netmask;

        @Option(
                names = "--lease-time",
                paramLabel = "TIME",
                defaultValue = DnsmasqConfig.DEFAULT_LEASE_TIME,
                description =
                        "lease time for --range, dnsmasq syntax: 45m, 12h, 2d, infinite (default: ${DEFAULT-VALUE})")
        String leaseTime;

        @Option(
                names = "--tftp-root",
                paramLabel = "DIR",
                defaultValue = DnsmasqConfig.DEFAULT_TFTP_ROOT,
                description = "directory with undionly.kpxe and snponly.efi (default: ${DEFAULT-VALUE}, Debian's ipxe)")
        String tftpRoot;

        @Override
        public Integer call() {
            DnsmasqConfig config = build();
            warnIfLoadersMissing(config);
            PrintWriter out = spec.commandLine().getOut();
            out.print(config.render());
            out.flush();
            return 0;
        }

        private DnsmasqConfig build() {
            Ipv4Address server = address("--server-ip", serverIp);
            Optional<String> onlyIface = Optional.ofNullable(iface);
            if (mode.proxy) {
                for (String rangeOnly : new String[] {"--netmask", "--lease-time"}) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(rangeOnly)) {
                        throw new IllegalArgumentException(rangeOnly + " applies to --range only, not to --proxy");
                    }
                }
                return DnsmasqConfig.proxy(server, bootHttpPort, onlyIface, tftpRoot);
            }
            String[] ends = mode.range.split(",", -1);
            if (ends.length != 2) {
                throw new IllegalArgumentException(
                        "--range needs FROM,TO: two IPv4 addresses separated by one comma, like 10.0.0.100,10.0.0.199");
            }
            DnsmasqConfig.Range range = new DnsmasqConfig.Range(
                    address("--range", ends[0]), address("--range", ends[1]), address("--netmask", netmask), leaseTime);
            return DnsmasqConfig.range(server, range, bootHttpPort, onlyIface, tftpRoot);
        }

        private static Ipv4Address address(String option, String text) {
            try {
                return Ipv4Address.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
            }
        }

        /**
         * The file may be meant for another host, so missing loaders are a warning on stderr, not an
         * error; on this host they mean the clients would get a TFTP "file not found".
         */
        private void warnIfLoadersMissing(DnsmasqConfig config) {
            PrintWriter err = spec.commandLine().getErr();
            for (String loader : new String[] {DnsmasqConfig.BIOS_LOADER, DnsmasqConfig.UEFI_LOADER}) {
                Path file = Path.of(config.tftpRoot(), loader);
                if (!Files.isReadable(file)) {
                    err.println(spec.qualifiedName() + ": warning: " + file
                            + " is missing here (Debian: apt-get install ipxe); clients will not find it if dnsmasq"
                            + " runs on this host");
                }
            }
            err.flush();
        }
    }
}
