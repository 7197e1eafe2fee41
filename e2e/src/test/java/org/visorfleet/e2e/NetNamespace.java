package org.visorfleet.e2e;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * A throwaway LAN: a network namespace {@code vfb…} holding a bridge with an IPv4 address (the
 * server's side) and {@code n} persistent taps attached to it (one per QEMU client). IPv6 is off
 * in the namespace, so nothing sends router solicitations or DAD probes into the test. Nothing of
 * it is visible in the host's namespace: DHCP, TFTP, HTTP and AoE stay inside.
 *
 * <p>Servers and clients run inside with {@link #command}, which prefixes {@code ip netns exec
 * NAME}; that execs the command in place, so the PID a test holds is the server's own and
 * {@link Commands#terminate} stops exactly it. Code in the test JVM itself stays in the host's
 * namespace: a server under test joins the LAN as a child process (for instance
 * {@link CliProcess#start(Path, List, String...)} with {@link #commandPrefix()}), serving HTTP on
 * {@link #bridgeIp()} and AoE on {@link #bridge()}.
 *
 * <p>{@link #close} starts and stops no process: callers stop theirs first (try-with-resources
 * order does that). It deletes the taps and the namespace, which takes the bridge and the ends of
 * {@link #connect} cables with it.
 */
final class NetNamespace implements Closeable {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    private final String ip;
    private final String name;
    private final String bridge;
    private final String bridgeIp;
    private final int prefixLength;
    private final List<String> taps = new ArrayList<>();
    private final List<String> links = new ArrayList<>();

    private NetNamespace(String ip, String name, String bridge, String bridgeIp, int prefixLength) {
        this.ip = ip;
        this.name = name;
        this.bridge = bridge;
        this.bridgeIp = bridgeIp;
        this.prefixLength = prefixLength;
    }

    /**
     * Creates the namespace with a bridge addressed {@code bridgeCidr} (e.g. {@code 10.213.87.1/24})
     * and {@code taps} taps on it. Needs root and {@code ip}; gated through {@link Prerequisites}.
     */
    static NetNamespace create(String bridgeCidr, int taps) throws IOException, InterruptedException {
        Prerequisites.root();
        String ip = Prerequisites.tool("ip").toString();
        int slash = bridgeCidr.indexOf('/');
        if (slash < 0 || taps < 0) {
            throw new IllegalArgumentException("need ADDRESS/PREFIX and taps >= 0, got " + bridgeCidr + ", " + taps);
        }
        NetNamespace ns = new NetNamespace(
                ip,
                TapInterface.uniqueName("vfb"),
                TapInterface.uniqueName("vfr"),
                bridgeCidr.substring(0, slash),
                Integer.parseInt(bridgeCidr.substring(slash + 1)));
        Commands.run(IP_TIMEOUT, ip, "netns", "add", ns.name);
        try {
            ns.setUp(bridgeCidr, taps);
            return ns;
        } catch (IOException | RuntimeException | InterruptedException e) {
            try {
                ns.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void setUp(String bridgeCidr, int tapCount) throws IOException, InterruptedException {
        // Before any interface exists, so "default" covers the bridge and the taps too.
        run(
                "sh",
                "-c",
                "for c in all default; do f=/proc/sys/net/ipv6/conf/$c/disable_ipv6;"
                        + " if [ -e $f ]; then echo 1 > $f; fi; done");
        ipIn("link", "set", "dev", "lo", "up");
        ipIn("link", "add", "name", bridge, "type", "bridge");
        ipIn("addr", "add", bridgeCidr, "dev", bridge);
        ipIn("link", "set", "dev", bridge, "up");
        for (int i = 0; i < tapCount; i++) {
            String tap = TapInterface.uniqueName("vft");
            ipIn("tuntap", "add", "dev", tap, "mode", "tap");
            taps.add(tap);
            ipIn("link", "set", "dev", tap, "master", bridge);
            ipIn("link", "set", "dev", tap, "up");
        }
    }

    /**
     * Joins {@code other}'s LAN to this one with a veth pair between the two bridges, like a cable
     * between two switches: one Ethernet segment, with a second host (another DHCP server, say)
     * in its own namespace. The pair goes away with either namespace.
     */
    void connect(NetNamespace other) throws IOException, InterruptedException {
        String here = TapInterface.uniqueName("vfv");
        String there = TapInterface.uniqueName("vfv");
        ipIn("link", "add", "name", here, "type", "veth", "peer", "name", there, "netns", other.name);
        links.add(here);
        other.links.add(there);
        ipIn("link", "set", "dev", here, "master", bridge);
        ipIn("link", "set", "dev", here, "up");
        other.ipIn("link", "set", "dev", there, "master", other.bridge);
        other.ipIn("link", "set", "dev", there, "up");
    }

    private void ipIn(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ip, "-n", name));
        command.addAll(List.of(args));
        Commands.run(IP_TIMEOUT, command.toArray(String[]::new));
    }

    /** Runs a short command inside the namespace to completion; returns its output (see {@link Commands#run}). */
    String run(String... command) throws IOException, InterruptedException {
        return Commands.run(IP_TIMEOUT, command(List.of(command)).toArray(String[]::new));
    }

    /** {@code ip netns exec NAME}: prefix for commands that should run inside. */
    List<String> commandPrefix() {
        return List.of(ip, "netns", "exec", name);
    }

    /** {@code command} prefixed with {@link #commandPrefix()}. */
    List<String> command(List<String> command) {
        List<String> full = new ArrayList<>(commandPrefix());
        full.addAll(command);
        return List.copyOf(full);
    }

    String name() {
        return name;
    }

    /** The bridge: the LAN segment, where servers bind (HTTP on its address, AoE on the interface). */
    String bridge() {
        return bridge;
    }

    /** The bridge's IPv4 address, e.g. {@code 10.213.87.1}. */
    String bridgeIp() {
        return bridgeIp;
    }

    int prefixLength() {
        return prefixLength;
    }

    /** Tap interfaces on the bridge, one per client, for {@code -netdev tap,ifname=...}. */
    List<String> taps() {
        return List.copyOf(taps);
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            // Explicitly, although deleting the namespace would delete them: persistent taps are
            // what would otherwise outlive a namespace that some stray process keeps alive.
            for (String tap : taps) {
                try {
                    ipIn("link", "del", "dev", tap);
                } catch (IOException e) {
                    failure = add(failure, e);
                }
            }
            try {
                Commands.run(IP_TIMEOUT, ip, "netns", "del", name);
            } catch (IOException e) {
                failure = add(failure, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = add(failure, new IOException("interrupted; remove it with: ip netns del " + name, e));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException add(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "netns " + name + " (bridge " + bridge + " " + bridgeIp + "/" + prefixLength + ", taps " + taps
                + (links.isEmpty() ? "" : ", links " + links) + ")";
    }
}
