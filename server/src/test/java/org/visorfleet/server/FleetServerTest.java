package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/** The server and real agents over real mutual TLS on loopback, in one JVM. */
class FleetServerTest {

    static final String PASSWORD = "correct horse battery";
    static final AgentHub.Timing FAST =
            new AgentHub.Timing(Duration.ofMillis(200), Duration.ofMillis(900), Duration.ofMillis(500));

    @TempDir
    Path temp;

    FleetServer server;
    ApiClient api;
    final List<Agent> agents = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(FAST)
                .withWarmup(Duration.ZERO));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);
    }

    @AfterEach
    void stop() throws Exception {
        for (Agent agent : agents) {
            agent.close();
        }
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        api.close();
        server.close();
    }

    Agent enrollAndRun(String hostname, LinkListener listener) throws Exception {
        Path dir = temp.resolve("agent-" + hostname + "-" + agents.size());
        AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), dir, hostname);
        Agent agent = Agent.open(new AgentData(dir), List.of(), ServerLink.Timing.defaults(), listener);
        agents.add(agent);
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        threads.add(thread);
        return agent;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    boolean hasEvent(String type, String client) {
        try {
            JsonNode items = api.get("/api/v1/events?type=" + type + (client.isEmpty() ? "" : "&client=" + client))
                    .body()
                    .get("items");
            return !items.isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    String status(String name) {
        try {
            return api.clientStatus(name);
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void enrolledAgentGoesOnlineReportsInventoryAndGoesOfflineWhenStopped() throws Exception {
        Agent agent = enrollAndRun("Lab-PC_07.corp.example", LinkListener.NONE);
        assertEquals("lab-pc-07", agent.name());
        await("online", () -> status("lab-pc-07").equals("online"));
        assertTrue(hasEvent("client.enrolled", "lab-pc-07"));
        assertTrue(hasEvent("client.online", "lab-pc-07"));
        await("agent.started delivered", () -> hasEvent("agent.started", "lab-pc-07"));

        JsonNode client = api.get("/api/v1/clients/lab-pc-07").body();
        assertEquals("Lab-PC_07.corp.example", client.get("hostname").asText());
        assertTrue(client.get("inventory").get("cpuCount").asInt() > 0);
        assertTrue(client.get("inventory").get("memoryTotalBytes").asLong() > 0);

        JsonNode list = api.get("/api/v1/clients").body();
        assertEquals(1, list.get("total").asInt());
        assertEquals("online", list.get("items").get(0).get("status").asText());

        agent.close();
        agents.remove(agent);
        await("offline", () -> status("lab-pc-07").equals("offline"));
        assertTrue(hasEvent("client.offline", "lab-pc-07"));
    }

    @Test
    void revokedClientIsDisconnectedAtOnceAndRefusedOnReconnect() throws Exception {
        CopyOnWriteArrayList<String> transitions = new CopyOnWriteArrayList<>();
        LinkListener listener = new LinkListener() {
            @Override
            public void online(String url, String id) {
                transitions.add("online");
            }

            @Override
            public void offline(String url, String reason) {
                transitions.add("offline " + reason);
            }
        };
        enrollAndRun("desk1", listener);
        await("online", () -> status("desk1").equals("online"));
        long before = System.nanoTime();
        ApiClient.Reply revoked = api.post("/api/v1/clients/desk1/revoke", "{}");
        assertEquals(200, revoked.status(), revoked.text());
        await("disconnected", () -> transitions.size() >= 2);
        long millis = Duration.ofNanos(System.nanoTime() - before).toMillis();
        assertTrue(millis < 2_000, "disconnect took " + millis + " ms");
        assertEquals("revoked", status("desk1"));
        await("refused on reconnect", () -> hasEvent("client.refused", "desk1"));
        assertFalse(transitions.subList(2, transitions.size()).contains("online"), transitions.toString());
    }

    @Test
    void tokensAreOneTimeAndEnrollmentRefusalsAreRecorded() throws Exception {
        String token = api.enrollmentToken(null);
        AgentEnroller.enroll(URI.create(server.url()), token, temp.resolve("a1"), "one");
        Exception reused = assertThrows(
                Exception.class,
                () -> AgentEnroller.enroll(URI.create(server.url()), token, temp.resolve("a2"), "two"));
        assertTrue(reused.getMessage().contains("already used"), reused.getMessage());
        assertFalse(Files.exists(temp.resolve("a2/agent.json")));
        await("refusal event", () -> {
            try {
                return !api.get("/api/v1/events?type=enroll.refused")
                        .body()
                        .get("items")
                        .isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        String wrongPin = token.substring(0, token.indexOf('.') + 1) + "0".repeat(32);
        Exception pin = assertThrows(
                Exception.class,
                () -> AgentEnroller.enroll(URI.create(server.url()), wrongPin, temp.resolve("a3"), "three"));
        assertNotNull(pin.getMessage());
        assertEquals(1, api.get("/api/v1/clients").body().get("total").asInt());
    }

    @Test
    void badRequestsGetJsonErrorsAndChangeNothing() throws Exception {
        Map<String, Integer> cases =
                Map.of("{", 400, "[]", 400, "{\"username\":\"admin\"}", 400, "{\"username\":1,\"password\":{}}", 400);
        for (var c : cases.entrySet()) {
            ApiClient.Reply reply = api.post("/api/v1/groups", c.getKey());
            assertEquals(c.getValue(), reply.status(), c.getKey() + " -> " + reply.text());
            assertEquals("invalid-request", reply.body().get("error").asText());
            assertNotNull(reply.body().get("detail").asText());
        }
        ApiClient.Reply big = api.post("/api/v1/groups", "{\"name\":\"" + "x".repeat(70_000) + "\"}");
        assertEquals(413, big.status());
        assertEquals(404, api.get("/api/v1/nothing").status());
        assertEquals(405, api.delete("/api/v1/events").status());
        ApiClient.Reply badEnroll = api.post("/api/v1/enroll", "{\"token\":\"x\",\"csr\":\"y\",\"hostname\":\"z\"}");
        assertEquals(400, badEnroll.status(), badEnroll.text());
        assertTrue(badEnroll.body().get("detail").asText().contains("CSR"));
        assertEquals(0, api.get("/api/v1/groups").body().get("items").size());

        try (ApiClient anonymous = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem"))) {
            assertEquals(401, anonymous.get("/api/v1/clients").status());
            assertEquals(
                    401,
                    anonymous
                            .post("/api/v1/login", Map.of("username", "admin", "password", "wrong-password"))
                            .status());
        }
        assertTrue(hasEvent("user.login-failed", ""), "failed login recorded");
    }

    @Test
    void rolesLimitWhatTechniciansMayDo() throws Exception {
        assertEquals(
                201,
                api.post("/api/v1/users", Map.of("name", "vera", "role", "viewer", "password", "viewer-pass-1"))
                        .status());
        assertEquals(
                201,
                api.post("/api/v1/users", Map.of("name", "hank", "role", "helpdesk", "password", "helpdesk-pass"))
                        .status());
        try (ApiClient viewer = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem"))
                        .login("vera", "viewer-pass-1");
                ApiClient helpdesk = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem"))
                        .login("hank", "helpdesk-pass")) {
            assertEquals(200, viewer.get("/api/v1/clients").status());
            assertEquals(403, viewer.post("/api/v1/enrollment-tokens", "{}").status());
            assertEquals(201, helpdesk.post("/api/v1/enrollment-tokens", "{}").status());
            assertEquals(403, helpdesk.get("/api/v1/users").status());
            assertEquals(
                    201,
                    helpdesk.post("/api/v1/groups", Map.of("name", "lab", "description", "lab desks"))
                            .status());
            assertEquals(403, helpdesk.delete("/api/v1/groups/lab").status());
        }
        assertEquals(
                409, api.patch("/api/v1/users/admin", Map.of("role", "viewer")).status());
        assertTrue(hasEvent("user.created", ""));
    }

    @Test
    void clientsFilterSortAndPage() throws Exception {
        assertEquals(
                201,
                api.post("/api/v1/groups", Map.of("name", "lab", "description", ""))
                        .status());
        for (String host : List.of("charlie", "alpha", "bravo", "delta")) {
            String token = host.equals("alpha") || host.equals("delta")
                    ? api.enrollmentToken("lab")
                    : api.enrollmentToken(null);
            AgentEnroller.enroll(URI.create(server.url()), token, temp.resolve("e-" + host), host);
        }
        JsonNode page = api.get("/api/v1/clients?sort=-name&limit=2&offset=1").body();
        assertEquals(4, page.get("total").asInt());
        assertEquals("charlie", page.get("items").get(0).get("name").asText());
        assertEquals("bravo", page.get("items").get(1).get("name").asText());
        JsonNode lab = api.get("/api/v1/clients?group=lab").body();
        assertEquals(2, lab.get("total").asInt());
        JsonNode search = api.get("/api/v1/clients?q=RAV").body();
        assertEquals("bravo", search.get("items").get(0).get("name").asText());
        assertEquals(
                0, api.get("/api/v1/clients?status=online").body().get("total").asInt());
        assertEquals(400, api.get("/api/v1/clients?sort=password").status());
        assertEquals(400, api.get("/api/v1/clients?limit=0").status());
        assertEquals(204, api.delete("/api/v1/clients/delta").status());
        assertEquals(404, api.get("/api/v1/clients/delta").status());
    }

    /** Collects the text frames of a WebSocket. */
    public static final class Frames implements org.eclipse.jetty.websocket.api.Session.Listener.AutoDemanding {
        final java.util.concurrent.LinkedBlockingQueue<String> texts = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void onWebSocketText(String text) {
            texts.add(text);
        }
    }

    @Test
    void consolesFollowTheEventStream() throws Exception {
        var tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
        tls.setTrustStore(org.visorfleet.common.pki.TlsStores.trustStore(
                org.visorfleet.common.pki.Pem.readCertificates(temp.resolve("server/ca.pem"))
                        .getFirst()));
        tls.setTrustStorePassword(new String(org.visorfleet.common.pki.TlsStores.PASSWORD));
        var client = org.visorfleet.agent.link.FleetTls.webSocketClient(tls, Duration.ofSeconds(5));
        try {
            Frames frames = new Frames();
            var upgrade = new org.eclipse.jetty.websocket.client.ClientUpgradeRequest();
            upgrade.setHeader("Authorization", "Bearer " + api.token());
            URI ws = URI.create(server.url().replace("https:", "wss:") + "/api/v1/events/stream");
            client.connect(frames, ws, upgrade).get(10, java.util.concurrent.TimeUnit.SECONDS);
            Thread.sleep(600); // the stream starts at the log's current end
            assertEquals(
                    201,
                    api.post("/api/v1/groups", Map.of("name", "streamed", "description", ""))
                            .status());
            String frame = null;
            for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; ) {
                String text = frames.texts.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (text != null && text.contains("group.created")) {
                    frame = text;
                    break;
                }
            }
            assertNotNull(frame, "group.created pushed to the console");
            JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(frame);
            assertEquals("user:admin", event.get("actor").asText());
            assertEquals("streamed", event.get("detail").asText());

            var noToken = new org.eclipse.jetty.websocket.client.ClientUpgradeRequest();
            var refused = assertThrows(
                    java.util.concurrent.ExecutionException.class,
                    () -> client.connect(new Frames(), ws, noToken).get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(
                    refused.getCause().getMessage().contains("401"),
                    refused.getCause().getMessage());
        } finally {
            client.stop();
        }
    }

    @Test
    void revokedCertificatesAreOnThePublishedCrl() throws Exception {
        enrollAndRun("crl-desk", LinkListener.NONE);
        await("online", () -> status("crl-desk").equals("online"));
        assertEquals(200, api.post("/api/v1/clients/crl-desk/revoke", "{}").status());
        ApiClient.Reply crl = api.get("/api/v1/crl");
        assertEquals(200, crl.status());
        java.security.cert.X509CRL parsed =
                (java.security.cert.X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCRL(new java.io.ByteArrayInputStream(crl.text().getBytes()));
        var agentCert = org.visorfleet.common.pki.Pem.readCertificates(
                        agents.getFirst().dataDirectory().resolve("agent.pem"))
                .getFirst();
        assertTrue(parsed.isRevoked(agentCert), "the revoked agent's certificate is listed");
        parsed.verify(org.visorfleet.common.pki.Pem.readCertificates(temp.resolve("server/ca.pem"))
                .getFirst()
                .getPublicKey());
    }

    @Test
    void commandsReachTheAgentOverItsSocketEvenIfQueuedWhileOffline() throws Exception {
        Path dir = temp.resolve("agent-cmd");
        AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), dir, "cmd-desk");
        ApiClient.Reply queued = api.post("/api/v1/clients/cmd-desk/commands", Map.of("action", "ping"));
        assertEquals(202, queued.status(), queued.text());
        assertEquals("pending", queued.body().get("status").asText());
        long id = queued.body().get("id").asLong();
        assertEquals(
                400,
                api.post("/api/v1/clients/cmd-desk/commands", Map.of("action", "format-disk"))
                        .status());
        assertEquals(
                404,
                api.post("/api/v1/clients/nobody/commands", Map.of("action", "ping"))
                        .status());

        Agent agent = Agent.open(new AgentData(dir), List.of(), ServerLink.Timing.defaults(), LinkListener.NONE);
        agents.add(agent);
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        await("queued command answered", () -> commandStatus("cmd-desk", id).equals("done"));
        JsonNode done = api.get("/api/v1/clients/cmd-desk/commands/" + id).body();
        assertEquals("pong", done.get("output").asText());
        assertNotNull(done.get("finishedAt"));

        long second = api.post("/api/v1/clients/cmd-desk/commands", Map.of("action", "ping"))
                .body()
                .get("id")
                .asLong();
        long sentAt = System.nanoTime();
        await("live command answered", () -> commandStatus("cmd-desk", second).equals("done"));
        System.out.println("command round trip through the API: "
                + Duration.ofNanos(System.nanoTime() - sentAt).toMillis() + " ms");
        assertTrue(hasEvent("command.done", "cmd-desk"));
        assertEquals(
                2,
                api.get("/api/v1/clients/cmd-desk/commands").body().get("items").size());
    }

    String commandStatus(String client, long id) {
        try {
            return api.get("/api/v1/clients/" + client + "/commands/" + id)
                    .body()
                    .get("status")
                    .asText();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
