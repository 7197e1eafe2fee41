package org.visorfleet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.initiator.AoeDisk;
import org.visorfleet.aoe.initiator.AoeInitiator;
import org.visorfleet.aoe.server.AoeTarget;
import org.visorfleet.aoe.server.ExportStorage;
import org.visorfleet.aoe.server.OverlayStorage;
import org.visorfleet.aoe.server.SharedStorage;
import org.visorfleet.aoe.server.TargetConfig;
import org.visorfleet.aoe.server.TargetExport;
import org.visorfleet.aoe.server.TargetServer;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;
import org.visorfleet.aoe.store.OverlaySummary;
import org.visorfleet.aoe.store.RawFileStore;
import org.visorfleet.aoe.transport.FrameTransport;
import org.visorfleet.aoe.transport.RawEthernetTransport;
import org.visorfleet.aoe.transport.UdpEthernetTransport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code visorfleet aoe ...}: the ATA over Ethernet target and its tools. */
@Command(
        name = "aoe",
        description = "ATA over Ethernet (AoE r11): serve disk images to network-booting clients.",
        mixinStandardHelpOptions = true,
        subcommands = {AoeCli.Serve.class, AoeCli.Overlays.class, AoeCli.Reset.class, AoeCli.Discover.class})
final class AoeCli {
    private static final System.Logger LOG = System.getLogger("visorfleet.aoe");

    /** Where frames go: one raw Ethernet interface, or Ethernet-in-UDP as QEMU's -netdev dgram speaks it. */
    static final class Link {
        @Option(names = "--iface", paramLabel = "IFACE", description = "raw Ethernet interface (needs CAP_NET_RAW)")
        String iface;

        @Option(names = "--udp", paramLabel = "HOST:PORT", description = "Ethernet-in-UDP address (QEMU -netdev dgram)")
        String udp;

        FrameTransport open(MacAddress udpMac, int udpMtu) throws IOException {
            if (iface != null) {
                return RawEthernetTransport.open(iface);
            }
            InetSocketAddress bind = hostPort(udp);
            return UdpEthernetTransport.open(
                    bind, udpMac != null ? udpMac : UdpEthernetTransport.localMacFor(bind), udpMtu);
        }
    }

    /** For commands that inspect overlays: a mistyped path is an error, not a new empty directory. */
    static OverlayDirectory existingOverlays(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no overlay directory at " + dir);
        }
        return new OverlayDirectory(dir);
    }

    static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
        }
        try {
            return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
        }
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description =
                    "Serve disk images over AoE in the foreground until SIGTERM or Ctrl-C (then exit 0 once stopped cleanly).")
    static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Link link;

        @Option(
                names = "--export",
                paramLabel = "SHELF.SLOT=IMAGE",
                required = true,
                description = "export IMAGE (a raw disk image file) as aoe:eSHELF.SLOT; repeatable")
        List<String> exports;

        @Option(
                names = "--overlays",
                paramLabel = "DIR",
                description = "give each client MAC its own copy-on-write overlay under DIR; images stay read-only")
        Path overlays;

        @Option(names = "--read-only", description = "refuse writes (without --overlays)")
        boolean readOnly;

        @Option(
                names = "--mac",
                paramLabel = "MAC",
                description = "source MAC in --udp mode (default: derived from the address)")
        String mac;

        @Option(names = "--mtu", defaultValue = "1500", description = "MTU in --udp mode (default: ${DEFAULT-VALUE})")
        int mtu;

        @Option(
                names = "--workers",
                paramLabel = "N",
                description = "worker threads (default: half the CPUs, at least 1: the rest serve the network stack)")
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

        @Override
        public Integer call() throws Exception {
            List<TargetExport> targetExports = openExports();
            FrameTransport transport;
            try {
                transport = link.open(mac == null ? null : MacAddress.of(mac), mtu);
            } catch (IOException | RuntimeException e) {
                closeAll(targetExports);
                throw e;
            }
            AoeTarget target = new AoeTarget(
                    TargetConfig.of(transport.localMac(), transport.mtu()),
                    targetExports,
                    (export, client) -> LOG.log(
                            System.Logger.Level.INFO,
                            "client {0} discovered e{1} on {2}",
                            client,
                            export,
                            transport.describe()));
            TargetServer server = TargetServer.start(target, transport, workers);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                int status = 0;
                                try {
                                    server.close();
                                    LOG.log(
                                            System.Logger.Level.INFO,
                                            "stopped: {0} requests, {1} sectors read, {2} written",
                                            String.valueOf(target.count(AoeTarget.Counter.REQUESTS)),
                                            String.valueOf(target.count(AoeTarget.Counter.SECTORS_READ)),
                                            String.valueOf(target.count(AoeTarget.Counter.SECTORS_WRITTEN)));
                                } catch (IOException e) {
                                    LOG.log(System.Logger.Level.ERROR, "stopping: {0}", e.toString());
                                    status = 1;
                                } finally {
                                    stopped.countDown();
                                }
                                // Left alone, the JVM exits with 128 + signal (143 for SIGTERM), which service
                                // managers and scripts read as a failure. A requested stop that flushed every overlay
                                // is a success: exit 0 (1 if closing failed). halt() does not wait for other hooks;
                                // none has work left (log handlers flush per record, CliLogManager never resets).
                                Runtime.getRuntime().halt(status);
                            },
                            "aoe-shutdown"));
            stopped.await();
            return 0;
        }

        private List<TargetExport> openExports() throws IOException {
            OverlayDirectory dir = overlays == null ? null : new OverlayDirectory(overlays);
            List<TargetExport> out = new ArrayList<>();
            HashSet<ExportAddress> seen = new HashSet<>();
            try {
                for (String spec : exports) {
                    int eq = spec.indexOf('=');
                    if (eq < 0) {
                        throw new ParameterException(
                                this.spec.commandLine(), "--export needs SHELF.SLOT=IMAGE, got '" + spec + "'");
                    }
                    ExportAddress address = ExportAddress.parse(spec.substring(0, eq))
                            .orElseThrow(() -> new ParameterException(
                                    this.spec.commandLine(),
                                    "bad export address in '" + spec
                                            + "': use SHELF.SLOT with shelf 0-65534 and slot 0-254"));
                    if (!seen.add(address)) {
                        throw new ParameterException(this.spec.commandLine(), "export " + address + " given twice");
                    }
                    Path image = Path.of(spec.substring(eq + 1));
                    boolean imageReadOnly = readOnly || dir != null;
                    RawFileStore store = RawFileStore.open(image, imageReadOnly);
                    ExportStorage storage = dir == null
                            ? new SharedStorage(store)
                            : new OverlayStorage(dir, address, store, goldenTag(image));
                    out.add(new TargetExport(address, storage));
                }
                return out;
            } catch (IOException | RuntimeException e) {
                closeAll(out);
                throw e;
            }
        }

        /** Overlays remember which golden image they were made over: name, size and modification time. */
        static String goldenTag(Path image) throws IOException {
            return image.getFileName() + ":" + Files.size(image) + ":"
                    + Files.getLastModifiedTime(image).toMillis();
        }

        private static void closeAll(List<TargetExport> exports) {
            for (TargetExport e : exports) {
                try {
                    e.close();
                } catch (IOException ignored) {
                    // already failing: the first error is the one reported
                }
            }
        }
    }

    @Command(
            name = "overlays",
            mixinStandardHelpOptions = true,
            description = "List per-client overlays and their sizes.")
    static final class Overlays implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--overlays", paramLabel = "DIR", required = true, description = "overlay directory")
        Path overlays;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            List<OverlaySummary> list = existingOverlays(overlays).list();
            out.printf("%-8s %-17s %14s %14s  %s%n", "EXPORT", "CLIENT", "ALLOCATED", "ON-DISK", "LAST-WRITE");
            for (OverlaySummary s : list) {
                out.printf(
                        "%-8s %-17s %14d %14d  %s%n",
                        "e" + s.export(), s.client(), s.allocatedBytes(), s.fileBytesOnDisk(), s.lastWrite());
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "reset",
            mixinStandardHelpOptions = true,
            description = "Reset a client's overlay so it sees the golden image again.")
    static final class Reset implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--overlays", paramLabel = "DIR", required = true)
        Path overlays;

        @Option(names = "--export", paramLabel = "SHELF.SLOT", required = true)
        String export;

        @Option(names = "--client", paramLabel = "MAC", required = true)
        String client;

        @Override
        public Integer call() throws IOException {
            ExportAddress address = ExportAddress.parse(export)
                    .orElseThrow(
                            () -> new ParameterException(spec.commandLine(), "bad export address '" + export + "'"));
            MacAddress mac = MacAddress.parse(client)
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "bad MAC address '" + client + "'"));
            boolean existed = existingOverlays(overlays).reset(address, mac);
            spec.commandLine()
                    .getOut()
                    .println(
                            existed
                                    ? "reset e" + address + " for " + mac + ": the client sees the golden image again"
                                    : "no overlay for " + mac + " on e" + address + ": nothing to reset");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "discover",
            mixinStandardHelpOptions = true,
            description = "Find AoE targets on a link (Query Config broadcast) and IDENTIFY each.")
    static final class Discover implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--iface", paramLabel = "IFACE", description = "raw Ethernet interface")
        String iface;

        @Option(names = "--udp", paramLabel = "HOST:PORT", description = "target's Ethernet-in-UDP address")
        String udp;

        @Option(
                names = "--wait",
                defaultValue = "1000",
                description = "milliseconds to collect answers (default: ${DEFAULT-VALUE})")
        long waitMillis;

        @Option(
                names = "--read",
                paramLabel = "SECTORS",
                defaultValue = "0",
                description = "also read this many sectors from each target and print their SHA-256")
        int readSectors;

        @Override
        public Integer call() throws Exception {
            if ((iface == null) == (udp == null)) {
                throw new ParameterException(spec.commandLine(), "give exactly one of --iface or --udp");
            }
            FrameTransport transport = iface != null
                    ? RawEthernetTransport.open(iface)
                    : UdpEthernetTransport.open(
                            new InetSocketAddress("0.0.0.0", 0), MacAddress.of("02:56:46:00:00:01"));
            PrintWriter out = spec.commandLine().getOut();
            try (AoeInitiator initiator = new AoeInitiator(transport, udp == null ? null : hostPort(udp))) {
                List<AoeInitiator.Discovered> found = initiator.discover(0xFFFF, 0xFF, Duration.ofMillis(waitMillis));
                if (found.isEmpty()) {
                    out.println("no AoE targets answered on " + transport.describe());
                    out.flush();
                    return 1;
                }
                for (AoeInitiator.Discovered d : found) {
                    AoeDisk disk = initiator.open(d);
                    out.printf(
                            "%-8s %s  %d sectors (%d MiB)  model '%s'  serial '%s'  buffers %d  sectors/frame %d  config '%s'%n",
                            d.address(),
                            d.mac(),
                            disk.sectorCount(),
                            disk.sectorCount() / 2048,
                            disk.identity().model(),
                            disk.identity().serial(),
                            d.config().bufferCount(),
                            disk.maxSectorsPerRequest(),
                            d.config().config());
                    if (readSectors > 0) {
                        ByteBuffer buf =
                                ByteBuffer.allocate(Math.toIntExact(Math.min(readSectors, disk.sectorCount()) * 512));
                        disk.read(0, buf, 16);
                        out.printf(
                                "%-8s sha256 of first %d sectors: %s%n",
                                d.address(),
                                buf.capacity() / 512,
                                java.util.HexFormat.of()
                                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                                .digest(buf.array())));
                    }
                }
                out.flush();
                return 0;
            }
        }
    }
}
