package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.server.testing.ApiClient;

/**
 * The fleet as an administrator runs it: {@code visorfleet server init/run} and {@code visorfleet
 * agent enroll/run} as separate processes on loopback, driven and checked with the real {@code curl}
 * and {@code openssl}; agents killed (SIGKILL), frozen (SIGSTOP/SIGCONT) and stopped (SIGTERM), and the
 * server killed in the middle of enrollments.
 */
@Tag("e2e")
class FleetCliTest {
    private static final String PASSWORD = FleetProcesses.PASSWORD;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Generous: a 3 s detector plus JVM start-up of a reconnecting agent on a loaded CI machine. */
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(20);

    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at \\S+\\(.*\\)$");

    @TempDir
    Path dir;

    private final long started = System.nanoTime();

    /** Prints how long a step took and when it ended, to tell a slow machine from a slow server. */
    private void step(String what, long since) {
        System.out.printf(
                "[fleet +%5.1f s] %s took %d ms%n", (System.nanoTime() - started) / 1e9, what, millisSince(since));
    }

    @BeforeEach
    void prerequisites() {
        Prerequisites.tool("curl");
        Prerequisites.tool("openssl");
    }

    @Test
    void initRunLoginEnrollKillAndReturn() throws Exception {
        Path data = dir.resolve("server");
        initServer(data);
        assertTrue(Files.isRegularFile(data.resolve("ca.pem")));
        assertOwnerOnlyKeys(data);
        fastHeartbeat(data);
        int port = FleetTools.freePort();
        String url = "https://localhost:" + port;
        Path ca = data.resolve("ca.pem");

        try (CliProcess server = startServer(data, port)) {
            FleetTools.Http login =
                    FleetTools.curl(dir, ca, "POST", url + "/api/v1/login", null, loginBody("admin", PASSWORD));
            assertEquals(200, login.status(), login::toString);
            String bearer = login.json().get("token").asText();
            FleetTools.Http created = FleetTools.curl(dir, ca, "POST", url + "/api/v1/enrollment-tokens", bearer, "{}");
            assertEquals(201, created.status(), created::toString);
            String token = created.json().get("token").asText();

            Path agentData = dir.resolve("agent");
            CliProcess.Result enrolled = enroll(url, token, agentData, "Desk-01.lab.example");
            assertEquals(0, enrolled.exit(), enrolled::toString);
            assertTrue(enrolled.stdout().contains("enrolled as desk-01; servers: " + url), enrolled::toString);
            assertOwnerOnlyKeys(agentData);
            assertVerifies(ca, agentData.resolve("agent.pem"));
            Path serverLeaf = dir.resolve("server-leaf.pem");
            Files.writeString(serverLeaf, FleetTools.firstPemBlock(data.resolve("server.pem")));
            assertVerifies(ca, serverLeaf);

            try (ApiClient api = login(url, ca)) {
                CliProcess agent = startAgent(agentData, url);
                try {
                    awaitStatus(api, "desk-01", "online");

                    // SIGKILL: the kernel resets the socket, so the server needs no detector.
                    long killed = System.nanoTime();
                    agent.kill();
                    long unreachableMs = awaitStatus(api, "desk-01", "unreachable", killed);
                    JsonNode down = awaitEvent(api, "client.unreachable", "desk-01", 0);
                    long eventMs = millisSince(killed);
                    System.out.printf(
                            "kill -9 agent -> status unreachable after %d ms, client.unreachable event after %d ms (%s)%n",
                            unreachableMs, eventMs, down.get("detail").asText());

                    long restarted = System.nanoTime();
                    agent = startAgent(agentData, url);
                    long onlineMs = awaitStatus(api, "desk-01", "online", restarted);
                    JsonNode up = awaitEvent(
                            api, "client.online", "desk-01", down.get("id").asLong());
                    assertTrue(up.get("time").asLong() >= down.get("time").asLong(), up + " after " + down);
                    System.out.printf("agent run again -> online after %d ms (incl. JVM start)%n", onlineMs);

                    // SIGSTOP: the socket stays open and silent; only the missed-heartbeat detector can tell.
                    long stopped = System.nanoTime();
                    agent.signal("STOP");
                    long frozenMs;
                    JsonNode frozen;
                    try {
                        frozenMs = awaitStatus(api, "desk-01", "unreachable", stopped);
                        frozen = awaitEvent(
                                api,
                                "client.unreachable",
                                "desk-01",
                                up.get("id").asLong());
                    } finally {
                        agent.signal("CONT");
                    }
                    assertTrue(frozen.get("detail").asText().contains("no heartbeat"), frozen::toString);
                    // The last heartbeat went out at most 1 s before SIGSTOP; the detector waits for 3 s of silence.
                    assertTrue(frozenMs >= 1_500, "unreachable only " + frozenMs + " ms after SIGSTOP");
                    long resumed = System.nanoTime();
                    long backMs = awaitStatus(api, "desk-01", "online", resumed);
                    agent.await(Pattern.compile("(?s)online on .*lost .*online on "), STATUS_TIMEOUT);
                    awaitEvent(api, "client.online", "desk-01", frozen.get("id").asLong());
                    System.out.printf(
                            "SIGSTOP agent -> unreachable after %d ms (%s); SIGCONT -> online after %d ms (%s)%n",
                            frozenMs,
                            frozen.get("detail").asText(),
                            backMs,
                            agent.linesContaining("lost ").getLast());

                    // SIGTERM: the agent closes its socket normally, which the server records as offline.
                    int exit = agent.terminate(Duration.ofSeconds(10));
                    assertEquals(143, exit, agent::toString);
                    awaitStatus(api, "desk-01", "offline");
                    awaitEvent(
                            api, "client.offline", "desk-01", frozen.get("id").asLong());
                } finally {
                    agent.close();
                }
            }
            assertEquals(143, server.terminate(Duration.ofSeconds(10)), server::toString);
        }
    }

    @Test
    void initRefusesExistingDirectoryAndBadInput() throws Exception {
        Path data = dir.resolve("server");
        initServer(data);
        Map<String, String> before = listing(data);
        CliProcess.Result again = CliProcess.run(dir, COMMAND_TIMEOUT, initArgs(data, "another password"));
        assertNotEquals(0, again.exit(), again::toString);
        assertOneLineError(again, "already exists");
        assertEquals(before, listing(data), "second init changed the data directory");

        int port = FleetTools.freePort();
        String url = "https://localhost:" + port;
        Path ca = data.resolve("ca.pem");
        try (CliProcess server = startServer(data, port);
                ApiClient api = login(url, ca)) {
            CliProcess.Result malformed = enroll(url, "not-a-token", dir.resolve("a-malformed"), "desk");
            assertEquals(2, malformed.exit(), malformed::toString);
            assertOneLineError(malformed, "not an enrollment token");
            assertFalse(Files.exists(dir.resolve("a-malformed")), "a refused token created the agent directory");

            String token = api.enrollmentToken(null);
            int dot = token.indexOf('.');
            String pin = token.substring(dot + 1);
            String otherPin = (pin.charAt(0) == '0' ? "1" : "0") + pin.substring(1);
            CliProcess.Result wrongPin =
                    enroll(url, token.substring(0, dot + 1) + otherPin, dir.resolve("a-pin"), "desk");
            assertNotEquals(0, wrongPin.exit(), wrongPin::toString);
            assertOneLineError(wrongPin, "");
            assertFalse(Files.exists(dir.resolve("a-pin/agent.json")));

            // Nothing listens there: the one line says why (HttpClient's ConnectException has no message).
            String nowhere = "https://localhost:" + FleetTools.freePort();
            CliProcess.Result down = enroll(nowhere, token, dir.resolve("a-down"), "desk");
            assertNotEquals(0, down.exit(), down::toString);
            assertOneLineError(down, "cannot connect to " + nowhere);

            // The pin check happens in the TLS handshake, before the secret is sent: the token still works.
            CliProcess.Result first = enroll(url, token, dir.resolve("a-first"), "desk");
            assertEquals(0, first.exit(), first::toString);
            CliProcess.Result reused = enroll(url, token, dir.resolve("a-reused"), "desk2");
            assertNotEquals(0, reused.exit(), reused::toString);
            assertOneLineError(reused, "already used");
            assertFalse(Files.exists(dir.resolve("a-reused/agent.json")));
            assertEquals(1, api.get("/api/v1/clients").body().get("total").asInt());

            FleetTools.Http wrongPassword =
                    FleetTools.curl(dir, ca, "POST", url + "/api/v1/login", null, loginBody("admin", "wrong password"));
            assertEquals(0, wrongPassword.exit(), wrongPassword::toString);
            assertEquals(401, wrongPassword.status(), wrongPassword::toString);
            assertEquals("unauthorized", wrongPassword.json().get("error").asText(), wrongPassword::toString);
            assertNotNull(wrongPassword.json().get("detail"), wrongPassword::toString);

            byte[] big = ("{\"username\":\"admin\",\"password\":\"" + "x".repeat(100 * 1024) + "\"}").getBytes();
            FleetTools.Http tooLarge = FleetTools.curl(dir, ca, "POST", url + "/api/v1/login", null, big);
            assertEquals(413, tooLarge.status(), tooLarge::toString);

            FleetTools.Http untrusted = FleetTools.curl(dir, null, "GET", url + "/api/v1/clients", null, (byte[]) null);
            assertNotEquals(0, untrusted.exit(), untrusted::toString);
            assertEquals(0, untrusted.status(), untrusted::toString);
            assertTrue(untrusted.stderr().toLowerCase().contains("certificate"), untrusted::toString);

            assertEquals(143, server.terminate(Duration.ofSeconds(10)), server::toString);
        }
    }

    @Test
    void killServerDuringEnrollmentsKeepsDatabaseConsistent() throws Exception {
        Path data = dir.resolve("server");
        initServer(data);
        int port = FleetTools.freePort();
        String url = "https://localhost:" + port;
        Path ca = data.resolve("ca.pem");
        String caFingerprint = fingerprint(ca);
        int count = 40;
        List<String> tokens = new ArrayList<>();
        List<Long> tokenIds = new ArrayList<>();

        List<Future<AgentData.Settings>> results = new ArrayList<>();
        try (CliProcess server = startServer(data, port)) {
            try (ApiClient api = login(url, ca)) {
                for (int i = 0; i < count; i++) {
                    ApiClient.Reply reply = api.post("/api/v1/enrollment-tokens", "{}");
                    assertEquals(201, reply.status(), reply::text);
                    tokens.add(reply.body().get("token").asText());
                    tokenIds.add(reply.body().get("id").asLong());
                }
            }
            long enrolling = System.nanoTime();
            CountDownLatch tenEnrolled = new CountDownLatch(10);
            ExecutorService pool = Executors.newFixedThreadPool(count);
            try {
                for (int i = 0; i < count; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        AgentData.Settings settings =
                                AgentEnroller.enroll(URI.create(url), tokens.get(n), agentDir(n), hostname(n));
                        tenEnrolled.countDown();
                        return settings;
                    }));
                }
                assertTrue(tenEnrolled.await(60, TimeUnit.SECONDS), "10 enrollments did not succeed");
                server.kill();
                step("10 concurrent enrollments, then kill -9 of the server", enrolling);
            } finally {
                pool.shutdown();
                assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "enrollments still running");
            }
        }
        Map<Integer, String> succeeded = new TreeMap<>();
        Map<Integer, String> failed = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            try {
                succeeded.put(i, results.get(i).get().name());
            } catch (java.util.concurrent.ExecutionException e) {
                failed.put(i, String.valueOf(e.getCause()));
            }
        }
        assertTrue(succeeded.size() >= 10 && !failed.isEmpty(), () -> "succeeded " + succeeded + ", failed " + failed);

        try (CliProcess server = startServer(data, port);
                ApiClient api = login(url, ca)) {
            Map<Long, String> usedBy = new HashMap<>();
            for (JsonNode t : api.get("/api/v1/enrollment-tokens").body().get("items")) {
                usedBy.put(
                        t.get("id").asLong(),
                        t.get("usedBy").isNull() ? null : t.get("usedBy").asText());
            }
            Map<String, JsonNode> clients = clients(api);
            for (var success : succeeded.entrySet()) {
                int n = success.getKey();
                JsonNode client = clients.get(success.getValue());
                assertNotNull(client, () -> "enrolled " + success + " but not listed: " + clients.keySet());
                assertEquals(hostname(n), client.get("hostname").asText());
                assertEquals(sha256(agentDir(n).resolve("agent.pem")), sha256(client));
                assertEquals(success.getValue(), usedBy.get(tokenIds.get(n)));
            }
            int lostResponses = 0;
            Map<Integer, Future<AgentData.Settings>> retries = new TreeMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (var failure : failed.entrySet()) {
                    int n = failure.getKey();
                    String user = usedBy.get(tokenIds.get(n));
                    if (user != null) {
                        // Committed, but the response died with the server: the client exists and is whole.
                        lostResponses++;
                        JsonNode client = clients.get(user);
                        assertNotNull(client, () -> "token of " + failure + " used by unlisted client " + user);
                        assertEquals(hostname(n), client.get("hostname").asText());
                        assertFalse(new AgentData(agentDir(n)).isEnrolled(), "failed enrollment stored an agent");
                    } else {
                        assertTrue(
                                clients.values().stream()
                                        .noneMatch(
                                                c -> c.get("hostname").asText().equals(hostname(n))),
                                () -> "unused token, yet a client for " + hostname(n));
                        retries.put(
                                n,
                                pool.submit(() -> AgentEnroller.enroll(
                                        URI.create(url), tokens.get(n), retryDir(n), hostname(n))));
                    }
                }
            } finally {
                pool.shutdown();
                assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "retried enrollments still running");
            }
            Map<String, JsonNode> after = clients(api);
            for (var retry : retries.entrySet()) {
                Path retried = retryDir(retry.getKey());
                String name = retry.getValue().get().name();
                assertEquals(sha256(retried.resolve("agent.pem")), sha256(after.get(name)), name);
                assertEquals(caFingerprint, sha256(retried.resolve("ca.pem")), "CA served after the restart");
            }
            if (!retries.isEmpty()) {
                assertVerifies(ca, retryDir(retries.keySet().iterator().next()).resolve("agent.pem"));
            }
            int retried = retries.size();
            assertEquals(succeeded.size() + lostResponses + retried, after.size(), after::toString);
            Set<String> withEvent = new HashSet<>();
            for (JsonNode event : api.get("/api/v1/events?type=client.enrolled&limit=1000")
                    .body()
                    .get("items")) {
                assertTrue(withEvent.add(event.get("client").asText()), () -> "two client.enrolled for " + event);
            }
            assertEquals(after.keySet(), withEvent, "clients vs client.enrolled events");
            assertEquals(caFingerprint, fingerprint(ca), "ca.pem changed");
            System.out.printf(
                    "server killed during enrollments: %d succeeded, %d failed (%d committed with the response lost,"
                            + " %d tokens unused and retried); failures: %s%n",
                    succeeded.size(), failed.size(), lostResponses, retried, new java.util.TreeSet<>(failed.values()));
            assertEquals(143, server.terminate(Duration.ofSeconds(10)), server::toString);
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private Path agentDir(int n) {
        return dir.resolve("agent-" + n);
    }

    private Path retryDir(int n) {
        return dir.resolve("retry-" + n);
    }

    private static String hostname(int n) {
        return String.format("desk-%02d", n);
    }

    private static String[] initArgs(Path data, String password) {
        return new String[] {
            "server",
            "init",
            "--data",
            data.toString(),
            "--admin-password",
            password,
            "--hostname",
            "localhost",
            "--hostname",
            "127.0.0.1"
        };
    }

    private void initServer(Path data) throws Exception {
        long since = System.nanoTime();
        CliProcess.Result init = CliProcess.run(dir, COMMAND_TIMEOUT, initArgs(data, PASSWORD));
        assertEquals(0, init.exit(), init::toString);
        assertTrue(init.stdout().startsWith("initialized " + data.toAbsolutePath()), init::toString);
        step("server init", since);
    }

    /** Heartbeat every second, unreachable after 3 s of silence; every other setting kept. */
    private static void fastHeartbeat(Path data) throws Exception {
        Path file = data.resolve("server.json");
        ObjectNode settings = (ObjectNode) FleetTools.JSON.readTree(file.toFile());
        assertTrue(settings.has("heartbeatSeconds") && settings.has("unreachableAfterSeconds"), settings::toString);
        settings.put("heartbeatSeconds", 1).put("unreachableAfterSeconds", 3);
        Files.writeString(file, FleetTools.JSON.writeValueAsString(settings));
    }

    private CliProcess startServer(Path data, int port) throws Exception {
        long since = System.nanoTime();
        CliProcess server = new FleetProcesses(dir).startServer(data, port);
        step("server run until listening", since);
        return server;
    }

    private static ApiClient login(String url, Path ca) throws Exception {
        return FleetProcesses.login(url, ca);
    }

    private CliProcess startAgent(Path agentData, String url) throws Exception {
        long since = System.nanoTime();
        CliProcess agent = new FleetProcesses(dir).startAgent(agentData, url);
        step("agent run until online", since);
        return agent;
    }

    private CliProcess.Result enroll(String url, String token, Path data, String hostname) throws Exception {
        long since = System.nanoTime();
        CliProcess.Result result = CliProcess.run(
                dir,
                COMMAND_TIMEOUT,
                "agent",
                "enroll",
                "--server",
                url,
                "--token",
                token,
                "--data",
                data.toString(),
                "--hostname",
                hostname);
        step("agent enroll (exit " + result.exit() + ")", since);
        return result;
    }

    private static String loginBody(String user, String password) throws Exception {
        return FleetTools.JSON.writeValueAsString(Map.of("username", user, "password", password));
    }

    /** An expected failure is one line on stderr (naming the command), nothing on stdout, no stack trace. */
    private static void assertOneLineError(CliProcess.Result result, String text) {
        String err = result.stderr().strip();
        assertFalse(err.isEmpty(), result::toString);
        assertFalse(err.contains("\n"), () -> "more than one line:\n" + result);
        assertFalse(STACK_FRAME.matcher(result.stderr()).find(), result::toString);
        assertTrue(err.contains(text), () -> "expected '" + text + "':\n" + result);
        assertTrue(result.stdout().isBlank(), result::toString);
    }

    /** Every {@code *key*.pem} in {@code data} is readable and writable by its owner only. */
    private static void assertOwnerOnlyKeys(Path data) throws Exception {
        List<Path> keys;
        try (Stream<Path> files = Files.list(data)) {
            keys = files.filter(p -> p.getFileName().toString().matches(".*key.*\\.pem"))
                    .toList();
        }
        assertFalse(keys.isEmpty(), "no key files in " + data);
        for (Path key : keys) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), key::toString);
        }
    }

    private void assertVerifies(Path ca, Path certificate) throws Exception {
        FleetTools.Run verify = FleetTools.openssl(dir, "verify", "-CAfile", ca.toString(), certificate.toString());
        assertEquals(0, verify.exit(), verify::toString);
        assertEquals(certificate + ": OK", verify.stdout().strip(), verify::toString);
    }

    /** {@code openssl x509 -fingerprint -sha256}, as lower-case hex without colons. */
    private String fingerprint(Path pem) throws Exception {
        FleetTools.Run run =
                FleetTools.openssl(dir, "x509", "-in", pem.toString(), "-noout", "-fingerprint", "-sha256");
        assertEquals(0, run.exit(), run::toString);
        String out = run.stdout().strip();
        return out.substring(out.indexOf('=') + 1).replace(":", "").toLowerCase();
    }

    /** The SHA-256 fingerprint of a PEM certificate, computed in-process (40 openssl runs are slow). */
    private static String sha256(Path pem) throws Exception {
        return Fingerprints.sha256(Pem.readCertificates(pem).getFirst());
    }

    private static String sha256(JsonNode client) {
        return client.get("certificate").get("sha256").asText();
    }

    /** Relative path to size and modification time of everything under {@code root}. */
    private static Map<String, String> listing(Path root) throws Exception {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                listing.put(
                        root.relativize(p).toString(),
                        (Files.isDirectory(p) ? "dir" : Files.size(p) + " bytes") + " "
                                + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return listing;
    }

    private static Map<String, JsonNode> clients(ApiClient api) throws Exception {
        ApiClient.Reply reply = api.get("/api/v1/clients?limit=1000");
        assertEquals(200, reply.status(), reply::text);
        Map<String, JsonNode> clients = new TreeMap<>();
        for (JsonNode client : reply.body().get("items")) {
            clients.put(client.get("name").asText(), client);
        }
        return clients;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static long awaitStatus(ApiClient api, String client, String status) throws Exception {
        return awaitStatus(api, client, status, System.nanoTime());
    }

    /** Polls the API until {@code client} has {@code status}; returns the milliseconds since {@code since}. */
    private static long awaitStatus(ApiClient api, String client, String status, long since) throws Exception {
        String[] last = {""};
        await("status " + status + " of " + client, () -> last[0], () -> {
            last[0] = api.clientStatus(client);
            return last[0].equals(status);
        });
        return millisSince(since);
    }

    /** Polls for the newest {@code type} event of {@code client} with an id above {@code afterId}. */
    private static JsonNode awaitEvent(ApiClient api, String type, String client, long afterId) throws Exception {
        JsonNode[] found = {null};
        await(type + " of " + client + " after event " + afterId, () -> "", () -> {
            JsonNode items = api.get("/api/v1/events?type=" + type + "&client=" + client)
                    .body()
                    .get("items");
            if (!items.isEmpty() && items.get(0).get("id").asLong() > afterId) {
                found[0] = items.get(0);
                return true;
            }
            return false;
        });
        assertEquals(type, found[0].get("type").asText());
        assertEquals(client, found[0].get("client").asText());
        return found[0];
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Supplier<String> lastSeen, Check check) throws Exception {
        long deadline = System.nanoTime() + STATUS_TIMEOUT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + STATUS_TIMEOUT + " waiting for " + what
                        + (lastSeen.get().isEmpty() ? "" : " (last: " + lastSeen.get() + ")"));
            }
            Thread.sleep(20);
        }
    }
}
