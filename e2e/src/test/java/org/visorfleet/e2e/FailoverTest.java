package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.server.testing.ApiClient;
import org.visorfleet.server.testing.PostgresCluster;

/**
 * Two servers on one PostgreSQL, ten agents on the first; the first is killed with SIGKILL. Every
 * agent must be online on the second soon after (the figure is printed; bench/failover.sh repeats
 * this with the 1 s bar), and the events the agents raised meanwhile must all arrive exactly once.
 */
@Tag("e2e")
class FailoverTest {

    static final String PASSWORD = "failover-admin-pw";
    static final int AGENTS = 10;
    static final Pattern LISTENING = Pattern.compile("listening on (https://\\S+)");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void agentsFailOverWhenTheirServerDies() throws Exception {
        scenario(false);
    }

    /** A hung server keeps its sockets open: the agents notice the missing pongs and move on. */
    @Test
    void agentsFailOverWhenTheirServerHangs() throws Exception {
        scenario(true);
    }

    void scenario(boolean hang) throws Exception {
        try (PostgresCluster pg = PostgresCluster.start()) {
            Path dataA = temp.resolve("server-a");
            Path dataB = temp.resolve("server-b");
            init(dataA, pg.jdbcUrl(), "--admin-password", PASSWORD);
            init(dataB, pg.jdbcUrl());
            assertEquals(
                    Files.readString(dataA.resolve("ca.pem")),
                    Files.readString(dataB.resolve("ca.pem")),
                    "the second server joins the fleet CA in the shared database");

            try (CliProcess a = CliProcess.start(
                            temp,
                            "server",
                            "run",
                            "--data",
                            dataA.toString(),
                            "--https-port",
                            "0",
                            "--ssh-port",
                            "0",
                            "--boot-http-port",
                            "0",
                            "--bind",
                            "127.0.0.1");
                    CliProcess b = CliProcess.start(
                            temp,
                            "server",
                            "run",
                            "--data",
                            dataB.toString(),
                            "--https-port",
                            "0",
                            "--ssh-port",
                            "0",
                            "--boot-http-port",
                            "0",
                            "--bind",
                            "127.0.0.1")) {
                String urlA = a.await(LISTENING, Duration.ofSeconds(60)).group(1);
                String urlB = b.await(LISTENING, Duration.ofSeconds(60)).group(1);
                Thread.sleep(1_200); // both have stamped their liveness rows: enrollment lists both URLs

                List<Agent> agents = new ArrayList<>();
                Map<String, Long> onlineOnB = new ConcurrentHashMap<>();
                Map<String, String> where = new ConcurrentHashMap<>();
                Map<String, Long> lost = new ConcurrentHashMap<>();
                try (ApiClient api =
                        new ApiClient(URI.create(urlA), dataA.resolve("ca.pem")).login("admin", PASSWORD)) {
                    for (int i = 0; i < AGENTS; i++) {
                        String host = "desk-" + i;
                        Path dir = temp.resolve("agent-" + i);
                        AgentData.Settings settings =
                                AgentEnroller.enroll(URI.create(urlA), api.enrollmentToken(null), dir, host);
                        assertEquals(List.of(urlA, urlB), settings.servers(), "enrollment hands out both servers");
                        LinkListener listener = new LinkListener() {
                            @Override
                            public void offline(String serverUrl, String reason) {
                                lost.putIfAbsent(host, System.nanoTime());
                            }

                            @Override
                            public void online(String serverUrl, String serverId) {
                                where.put(host, serverUrl);
                                if (serverUrl.equals(urlB)) {
                                    onlineOnB.putIfAbsent(host, System.nanoTime());
                                }
                            }
                        };
                        Agent agent = Agent.open(new AgentData(dir), List.of(), ServerLink.Timing.defaults(), listener);
                        agents.add(agent);
                        Thread.ofVirtual().start(() -> {
                            try {
                                agent.run();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                    }
                    await(
                            "all agents online on A",
                            () -> where.size() == AGENTS
                                    && where.values().stream().allMatch(urlA::equals));

                    // Every agent raises an event every 100 ms throughout the failover.
                    Map<String, Set<Long>> reported = new ConcurrentHashMap<>();
                    List<Thread> tickers = new ArrayList<>();
                    var ticking = new java.util.concurrent.atomic.AtomicBoolean(true);
                    for (Agent agent : agents) {
                        Set<Long> seqs = ConcurrentHashMap.newKeySet();
                        reported.put(agent.name(), seqs);
                        tickers.add(Thread.ofVirtual().start(() -> {
                            for (int n = 0; ticking.get(); n++) {
                                try {
                                    agent.link().report("agent.tick", "tick " + n);
                                    seqs.add((long) n); // durable in the outbox once report returns
                                    Thread.sleep(100);
                                } catch (Exception e) {
                                    return;
                                }
                            }
                        }));
                    }
                    Thread.sleep(300);
                    long killedAt = System.nanoTime();
                    if (hang) {
                        a.signal("STOP");
                    } else {
                        a.kill();
                    }
                    await(
                            "all agents online on B",
                            () -> onlineOnB.size() == AGENTS,
                            () -> "lost " + lost + ", where " + where);
                    List<Long> millis = onlineOnB.values().stream()
                            .map(t -> Duration.ofNanos(t - killedAt).toMillis())
                            .sorted()
                            .toList();
                    List<Long> noticed = lost.values().stream()
                            .map(t -> Duration.ofNanos(t - killedAt).toMillis())
                            .sorted()
                            .toList();
                    System.out.println("loss noticed after (ms): " + noticed + "; online on B after (ms): " + millis);
                    long p50 = millis.get(millis.size() / 2);
                    long p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
                    System.out.printf(
                            "failover of %d agents after %s of their server: p50 %d ms, p99 %d ms, max %d ms%n",
                            AGENTS, hang ? "SIGSTOP" : "SIGKILL", p50, p99, millis.getLast());
                    // The product's bar is p99 under 1 s, measured on a quiet machine by bench/failover.sh
                    // (-Dfailover.bar.ms=1000). Shared CI runners get a regression guard instead.
                    // A hung server is noticed by the pong timeout (3 s) after the next heartbeat (1 s).
                    long bar = hang ? 3_000 + 1_000 + 2_000 : Long.getLong("failover.bar.ms", 3_000);
                    assertTrue(p99 < bar, "p99 failover " + p99 + " ms (bar: under " + bar + " ms)");

                    Thread.sleep(300);
                    ticking.set(false);
                    for (Thread ticker : tickers) {
                        ticker.join();
                    }
                    try (ApiClient apiB =
                            new ApiClient(URI.create(urlB), dataB.resolve("ca.pem")).login("admin", PASSWORD)) {
                        for (Agent agent : agents) {
                            Set<Long> expected = reported.get(agent.name());
                            await(
                                    agent.name() + " events delivered",
                                    () -> tickSeqs(apiB, agent.name()).size() >= expected.size());
                            List<Long> stored = tickSeqsList(apiB, agent.name());
                            assertEquals(expected.size(), stored.size(), agent.name() + ": no event lost or doubled");
                            assertEquals(expected, new HashSet<>(stored), agent.name());
                            assertTrue(
                                    hasEvent(apiB, "agent.failover", agent.name()), agent.name() + " failover event");
                        }
                        // After the dead server's row goes stale (5 s), B's orphan sweep must not mark the
                        // clients that already moved to B as unreachable.
                        Thread.sleep(6_500);
                        JsonNode clients = apiB.get("/api/v1/clients?limit=100").body();
                        assertEquals(AGENTS, clients.get("total").asInt());
                        for (JsonNode client : clients.get("items")) {
                            assertEquals("online", client.get("status").asText(), client.toString());
                        }
                    } finally {
                        for (Agent agent : agents) {
                            agent.close();
                        }
                        if (hang && a.isAlive()) {
                            a.signal("CONT"); // so that closing it is a plain SIGTERM
                        }
                    }
                }
            }
        }
    }

    /** The seq of every agent.tick event the fleet stored for a client (from the detail "tick N"). */
    static List<Long> tickSeqsList(ApiClient api, String client) throws Exception {
        List<Long> out = new ArrayList<>();
        long before = 0;
        while (true) {
            JsonNode page = api.get("/api/v1/events?type=agent.tick&client=" + client + "&limit=1000"
                            + (before > 0 ? "&before=" + before : ""))
                    .body();
            JsonNode items = page.get("items");
            for (JsonNode item : items) {
                Matcher m = Pattern.compile("tick (\\d+)")
                        .matcher(item.get("detail").asText());
                if (m.matches()) {
                    out.add(Long.parseLong(m.group(1)));
                }
                before = item.get("id").asLong();
            }
            if (items.size() < 1000) {
                return out;
            }
        }
    }

    static Set<Long> tickSeqs(ApiClient api, String client) {
        try {
            return new HashSet<>(tickSeqsList(api, client));
        } catch (Exception e) {
            return Set.of();
        }
    }

    static boolean hasEvent(ApiClient api, String type, String client) throws Exception {
        return !api.get("/api/v1/events?type=" + type + "&client=" + client)
                .body()
                .get("items")
                .isEmpty();
    }

    void init(Path data, String jdbcUrl, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "server",
                "init",
                "--data",
                data.toString(),
                "--jdbc-url",
                jdbcUrl,
                "--hostname",
                "localhost",
                "--hostname",
                "127.0.0.1"));
        args.addAll(List.of(extra));
        CliProcess.Result result = CliProcess.run(temp, Duration.ofSeconds(60), args.toArray(String[]::new));
        assertEquals(0, result.exit(), result.toString());
        ObjectNode settings =
                (ObjectNode) JSON.readTree(data.resolve("server.json").toFile());
        settings.put("heartbeatSeconds", 1);
        settings.put("unreachableAfterSeconds", 3);
        Files.writeString(data.resolve("server.json"), settings.toPrettyString());
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(String what, Check check) throws Exception {
        await(what, check, () -> "");
    }

    static void await(String what, Check check, java.util.function.Supplier<String> state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " " + state.get());
            }
            Thread.sleep(10);
        }
    }
}
