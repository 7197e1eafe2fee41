package org.visorfleet.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.visorfleet.agent.link.FleetTls;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.agent.outbox.EventOutbox;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.TlsStores;
import org.visorfleet.common.wire.Inventory;

/**
 * Load driver of {@code bench/agents-capacity.sh}: N simulated agents in one JVM, each the agent's
 * real {@link ServerLink} on its own virtual thread, over its own mutual-TLS WebSocket with its own
 * enrolled certificate. All links share one Jetty WebSocketClient; {@link PerPeerKeyManager} picks
 * each connection's certificate by its loopback destination address.
 *
 * <pre>
 * enroll URL CA_PEM ADMIN_PASSWORD COUNT IDENTITIES_FILE
 * ramp   PORT CA_PEM IDENTITIES_FILE SERVER_PID STEPS(comma-separated) HOLD_SECONDS CONNECTS_PER_SECOND IN_FLIGHT [1 = past the bar]
 * </pre>
 */
public final class AgentsCapacity {

    /** The bar of issue 3: p99 heartbeat round trip. */
    private static final double P99_BAR_MILLIS = 100;

    private static final double MESHCENTRAL_ANCHOR = 14_000;

    /** Held strongly: JUL forgets the level and handler of a logger nobody references. */
    private static final Logger LINK_LOG = Logger.getLogger(ServerLink.class.getName());

    private final RoundTrips roundTrips = new RoundTrips();
    private final AtomicInteger online = new AtomicInteger();
    private final LongAdder drops = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
    private final List<ServerLink> links = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "enroll" ->
                BenchIdentities.enroll(
                        URI.create(args[1]),
                        ca(Path.of(args[2])),
                        args[3],
                        Integer.parseInt(args[4]),
                        16,
                        Path.of(args[5]));
            case "ramp" -> {
                try {
                    new AgentsCapacity().ramp(args);
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(1); // the links' threads would keep the JVM, and the script, waiting
                }
            }
            default -> {
                System.err.println("usage: AgentsCapacity enroll|ramp ... (see bench/agents-capacity.sh)");
                System.exit(2);
            }
        }
        System.exit(0); // the links' virtual threads are not worth a clean stop
    }

    private void ramp(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        X509Certificate ca = ca(Path.of(args[2]));
        Path identities = Path.of(args[3]);
        ServerProbe server = new ServerProbe(Long.parseLong(args[4]));
        ServerProbe self = new ServerProbe(ProcessHandle.current().pid());
        List<Integer> steps = java.util.Arrays.stream(args[5].split(","))
                .map(String::strip)
                .map(Integer::parseInt)
                .toList();
        int holdSeconds = Integer.parseInt(args[6]);
        int connectsPerSecond = Integer.parseInt(args[7]);
        int inFlight = Integer.parseInt(args[8]);
        boolean pastBar = args.length > 9 && args[9].equals("1");
        int max = steps.getLast();

        countLinkFailures();
        PerPeerKeyManager keys = new PerPeerKeyManager();
        BenchIdentities.load(identities, max, ca, keys);
        WebSocketClient client = sharedClient(keys, ca);
        Path outboxDir = Files.createTempDirectory("vf-bench-outbox");
        // One empty outbox for all: the simulated agents send heartbeats only, and the real agent's
        // per-directory outbox would cost two file descriptors per agent.
        EventOutbox outbox = EventOutbox.open(outboxDir);

        Thread.sleep(3_000);
        long rss0 = server.rssBytes();
        long heap0 = server.liveHeapBytes();
        System.out.printf(
                Locale.ROOT,
                "baseline (0 agents): server RSS %.0f MiB, live heap %.1f MiB%n",
                mib(rss0),
                mib(heap0));
        List<String> rows = new ArrayList<>();
        int held = 0;
        List<Integer> missed = new ArrayList<>();
        for (int target : steps) {
            long rampStart = System.nanoTime();
            int before = links.size();
            for (int i = before; i < target; i++) {
                awaitFewerInFlight(inFlight);
                start(client, outbox, port, i);
                LockSupport.parkNanos(1_000_000_000L / connectsPerSecond);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (online.get() < target && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
            Thread.sleep(5_000); // let the last connects' handshakes and hellos settle
            roundTrips.drain();
            long drops0 = drops.sum();
            long failed0 = failedAttempts.sum();
            long serverCpu0 = server.cpuMillis();
            long selfCpu0 = self.cpuMillis();
            long t0 = System.nanoTime();
            Thread.sleep(holdSeconds * 1000L);
            double wall = (System.nanoTime() - t0) / 1e6;
            RoundTrips.Summary rtt = roundTrips.drain();
            double serverCpu = 100 * (server.cpuMillis() - serverCpu0) / wall;
            double selfCpu = 100 * (self.cpuMillis() - selfCpu0) / wall;
            int up = online.get();
            long dropped = drops.sum() - drops0;
            long failed = failedAttempts.sum() - failed0;
            long rss = server.rssBytes();
            int fds = server.openFiles();
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            long heap = server.liveHeapBytes();
            String row = String.format(
                    Locale.ROOT,
                    "| %,d | %,d | %d / %d | %,d | %.1f | %.1f | %.1f | %.1f | %.0f%% | %.0f%% | %s | %.0f | %.1f | %.0f | %.1f | %.0f |",
                    target,
                    up,
                    dropped,
                    failed,
                    rtt.count(),
                    rtt.p50Millis(),
                    rtt.p99Millis(),
                    rtt.p999Millis(),
                    rtt.maxMillis(),
                    serverCpu,
                    selfCpu,
                    load,
                    mib(rss),
                    up == 0 ? 0 : (rss - rss0) / 1024.0 / up,
                    mib(heap),
                    up == 0 ? 0 : (heap - heap0) / 1024.0 / up,
                    (target - before) / rampSeconds);
            rows.add(row);
            System.out.println(row + " fds=" + fds);
            boolean connected = up >= target * 0.995 && rtt.count() > 0;
            boolean within = connected && rtt.p99Millis() <= P99_BAR_MILLIS;
            if (within) {
                held = Math.max(held, up);
            } else {
                missed.add(target);
            }
            if (!connected || (!within && !pastBar)) {
                System.out.println("stopping: the step missed the bar (p99 <= " + P99_BAR_MILLIS
                        + " ms with >= 99.5% of agents online)");
                break;
            }
        }
        System.out.println();
        System.out.println("| agents | online | drops / failed attempts | heartbeats | p50 ms | p99 ms | p99.9 ms"
                + " | max ms | server CPU | driver CPU | load | server RSS MiB | RSS/agent KiB | live heap MiB"
                + " | heap/agent KiB | connects/s |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.printf(
                Locale.ROOT,
                "%nlargest step held with p99 <= %.0f ms: %,d agents, %.2f x the MeshCentral anchor (14,000 on 2 vCPU)%s%n",
                P99_BAR_MILLIS,
                held,
                held / MESHCENTRAL_ANCHOR,
                missed.isEmpty() ? "" : "; steps that missed the bar: " + missed);
        if (!reasons.isEmpty()) {
            System.out.println("link failures by reason: " + new TreeMap<>(reasons));
        }
    }

    /**
     * Waits while {@code limit} agents are still connecting: TLS handshakes cost both JVMs CPU, and
     * connects queued past the link's connect timeout are retried, which only adds work.
     */
    private void awaitFewerInFlight(int limit) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (links.size() - online.get() >= limit && System.nanoTime() < giveUp) {
            Thread.sleep(2);
        }
    }

    private void start(WebSocketClient client, EventOutbox outbox, int port, int index) {
        String host = PerPeerKeyManager.loopbackAddress(index);
        String hostname = String.format("bench-%06d", index);
        long bootedAt = System.currentTimeMillis() - 3_600_000L * (1 + index % 48);
        LinkListener listener = new LinkListener() {
            @Override
            public void online(String serverUrl, String serverId) {
                online.incrementAndGet();
            }

            @Override
            public void offline(String serverUrl, String reason) {
                online.decrementAndGet();
                drops.increment();
                reasons.computeIfAbsent(reason.replaceAll("\\d+", "N"), r -> new LongAdder())
                        .increment();
            }

            @Override
            public void heartbeatAnswered(long seq, long roundTripNanos) {
                roundTrips.add(roundTripNanos);
            }
        };
        ServerLink link = new ServerLink(
                client,
                List.of(URI.create("https://" + host + ":" + port)),
                outbox,
                () -> inventory(hostname, bootedAt),
                "0.1.0-bench",
                new ServerLink.Timing(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(3)),
                listener);
        links.add(link);
        Thread.ofVirtual().name("agent-" + index).start(() -> {
            try {
                link.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** What a desktop reports with every heartbeat; load, free memory and uptime change each time. */
    private static Inventory inventory(String hostname, long bootedAt) {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        long uptime = (System.currentTimeMillis() - bootedAt) / 1000;
        return new Inventory(
                hostname,
                "Debian GNU/Linux 12 (bookworm)",
                "6.1.0-26-amd64",
                4,
                Math.round(random.nextDouble(0, 2) * 100) / 100.0,
                16L << 30,
                (6L << 30) + random.nextLong(1L << 30),
                512L << 30,
                200L << 30,
                uptime,
                random.nextLong(0, 600),
                "0.1.0",
                List.of());
    }

    private static WebSocketClient sharedClient(PerPeerKeyManager keys, X509Certificate ca) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(TlsStores.trustStore(ca));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keys}, trust.getTrustManagers(), null);
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(context);
        // The server certificate names 127.0.0.1, not 127.A.B.C; its chain is still checked against
        // the fleet CA. Bench only: the real agent checks the name.
        tls.setEndpointIdentificationAlgorithm(null);
        return FleetTls.webSocketClient(tls, Duration.ofSeconds(10));
    }

    /** Counts the link's failed connection attempts, which it logs at DEBUG and retries with back-off. */
    private void countLinkFailures() {
        LINK_LOG.setLevel(Level.FINE);
        LINK_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() <= Level.FINE.intValue()) {
                    failedAttempts.increment();
                    Object[] p = record.getParameters();
                    String why = p != null && p.length > 1 ? String.valueOf(p[1]) : record.getMessage();
                    reasons.computeIfAbsent(why.replaceAll("\\d+", "N"), r -> new LongAdder())
                            .increment();
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    private static X509Certificate ca(Path pem) throws Exception {
        return Pem.readCertificates(pem).getFirst();
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }
}
