package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.wire.GridResult;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;
import org.visorfleet.server.testing.GridPeer;

/**
 * The grid over real mutual TLS on loopback: protocol-level agents (real certificates, real
 * WebSockets, signed results built without a sandbox) against a real server on an H2 file.
 */
class GridServiceTest {

    static final String PASSWORD = "correct horse battery";
    /** Slow failure detection: the test peers send no heartbeats. */
    static final AgentHub.Timing QUIET =
            new AgentHub.Timing(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofMillis(500));

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration BRIEF = Duration.ofMillis(1200);

    @TempDir
    Path temp;

    FleetServer server;
    ApiClient api;
    final List<GridPeer> peers = new ArrayList<>();
    String program;

    @BeforeEach
    void start() throws Exception {
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        startServer();
        program = upload("\u007fELF fake riscv program".getBytes(StandardCharsets.UTF_8));
    }

    void startServer() throws Exception {
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(QUIET)
                .withWarmup(Duration.ZERO));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);
    }

    @AfterEach
    void stop() {
        peers.forEach(GridPeer::close);
        api.close();
        server.close();
    }

    GridPeer peer(String host) throws Exception {
        GridPeer peer = GridPeer.enroll(URI.create(server.url()), api, temp.resolve("agent-" + host), host);
        peers.add(peer);
        return peer;
    }

    String upload(byte[] bytes) throws Exception {
        ApiClient.Reply reply = api.postBytes("/api/v1/grid/files", bytes);
        assertTrue(reply.status() == 201 || reply.status() == 200, reply.text());
        return reply.body().get("sha256").asText();
    }

    /** A job of {@code units} units running {@link #program}; {@code extra} overrides the defaults. */
    Map<String, Object> job(int units, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "primes");
        body.put("program", program);
        body.put("outputs", List.of("out.txt"));
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < units; i++) {
            list.add(Map.of("args", List.of(Integer.toString(i * 1000), Integer.toString(i * 1000 + 999))));
        }
        body.put("units", list);
        body.put("replication", 2);
        body.putAll(extra);
        return body;
    }

    long submit(Map<String, Object> body) throws Exception {
        ApiClient.Reply reply = api.post("/api/v1/jobs", body);
        assertEquals(201, reply.status(), reply.text());
        return reply.body().get("id").asLong();
    }

    JsonNode jobView(long id) throws Exception {
        return api.get("/api/v1/jobs/" + id).body();
    }

    JsonNode unit(long job, int index) throws Exception {
        return api.get("/api/v1/jobs/" + job + "/units").body().get("items").get(index);
    }

    /** The replica of a unit that went out as {@code assignment}, whatever order replicas were issued in. */
    JsonNode replica(long job, int index, long assignment) throws Exception {
        for (JsonNode replica : unit(job, index).get("replicas")) {
            if (replica.get("assignment").asLong() == assignment) {
                return replica;
            }
        }
        throw new AssertionError("no replica " + assignment + " in unit " + index);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    boolean hasEvent(String type) {
        try {
            return !api.get("/api/v1/events?type=" + type).body().get("items").isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    String jobStatus(long id) {
        try {
            return jobView(id).get("status").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static Map<String, byte[]> out(String text) {
        return Map.of("out.txt", text.getBytes(StandardCharsets.UTF_8));
    }

    ServerMessage.Work take(GridPeer peer) throws InterruptedException {
        ServerMessage.Work work = peer.work(WAIT);
        assertNotNull(work, peer.name() + " got no work");
        return work;
    }

    JsonNode agentView(String name) throws Exception {
        for (JsonNode agent : api.get("/api/v1/grid/agents").body().get("items")) {
            if (agent.get("name").asText().equals(name)) {
                return agent;
            }
        }
        throw new AssertionError("no grid agent " + name);
    }

    @Test
    void onlyIdleAgentsWithFreeSlotsGetWorkAndReplicasGoToDistinctClients() throws Exception {
        GridPeer busy = peer("busy");
        GridPeer full = peer("full");
        GridPeer silent = peer("silent");
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        busy.status(false, 0, 0);
        full.status(true, 2, 0);
        a.status(true, 0, 4);
        b.status(true, 0, 4);
        long job = submit(job(3, Map.of()));
        Set<String> aUnits = new HashSet<>();
        Set<String> bUnits = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ServerMessage.Work wa = take(a);
            ServerMessage.Work wb = take(b);
            assertEquals(job, wa.job());
            assertTrue(aUnits.add(Integer.toString(wa.unit())), "one replica of a unit per client");
            assertTrue(bUnits.add(Integer.toString(wb.unit())));
            assertEquals(program, wa.program());
            assertEquals("primes", wa.programName());
            assertEquals(List.of("out.txt"), wa.outputs());
            assertEquals(256L << 20, wa.memoryBytes());
        }
        assertEquals(Set.of("0", "1", "2"), aUnits);
        assertEquals(Set.of("0", "1", "2"), bUnits);
        assertNull(busy.work(BRIEF), "a busy agent gets nothing");
        assertNull(full.work(Duration.ZERO), "an agent without free slots gets nothing");
        assertNull(silent.work(Duration.ZERO), "an agent that never asked gets nothing");
        assertEquals(0, a.pendingWork() + b.pendingWork(), "every unit went out twice, no more");
        JsonNode units = api.get("/api/v1/jobs/" + job + "/units").body();
        assertEquals(3, units.get("total").asInt());
        for (JsonNode unit : units.get("items")) {
            assertEquals(2, unit.get("replicasIssued").asInt());
            assertEquals("open", unit.get("status").asText());
            assertEquals("running", unit.get("replicas").get(0).get("status").asText());
        }
    }

    @Test
    void slotsBoundTheWorkSentUntilTheNextStatus() throws Exception {
        GridPeer a = peer("alpha");
        a.status(true, 0, 1);
        Thread.sleep(300); // the status is in
        long submitted = System.nanoTime();
        submit(job(3, Map.of("replication", 1)));
        ServerMessage.Work first = take(a);
        long millis = Duration.ofNanos(System.nanoTime() - submitted).toMillis();
        assertTrue(millis < 2_000, "a new job reaches an idle agent at once, took " + millis + " ms");
        assertNull(a.work(BRIEF), "one free slot, one unit");
        a.status(true, 1, 1);
        ServerMessage.Work second = take(a);
        assertEquals(first.unit() + 1, second.unit(), "FIFO by unit index");
        assertNotEquals(first.seed(), second.seed(), "derived seeds differ between units");
    }

    @Test
    void agreeingResultsMakeTheCanonicalResultDownloadableAndEarnCredit() throws Exception {
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        String input = upload("table of primes".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> body = job(1, Map.of("deadlineSeconds", 600));
        body.put(
                "units",
                List.of(Map.of("args", List.of("1", "1000"), "inputs", Map.of("table.txt", input), "seed", 7)));
        long job = submit(body);
        a.status(true, 0, 1);
        b.status(true, 0, 1);
        ServerMessage.Work wa = take(a);
        ServerMessage.Work wb = take(b);
        assertEquals(7, wa.seed());
        assertEquals(7, wb.seed());
        assertEquals(Map.of("table.txt", input), wa.inputs());
        assertTrue(wa.deadlineMillis() > System.currentTimeMillis() + 500_000);

        var programBytes = a.blob(wa.program());
        assertEquals(200, programBytes.statusCode());
        assertArrayEquals("\u007fELF fake riscv program".getBytes(StandardCharsets.UTF_8), programBytes.body());
        assertEquals(
                "application/octet-stream",
                programBytes.headers().firstValue("Content-Type").orElse(""));
        assertEquals(200, b.blob(input).statusCode());
        assertEquals(404, a.blob("0".repeat(64)).statusCode());
        assertEquals(404, a.blob("not-a-hash").statusCode());

        var first = a.put(wa.assignment(), a.result(wa.assignment(), "2 3 5 7\n", out("168 primes\n")));
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.body().contains("\"validity\":\"pending\""), first.body());
        var second = b.put(wb.assignment(), b.result(wb.assignment(), "2 3 5 7\n", out("168 primes\n")));
        assertEquals(200, second.statusCode(), second.body());
        assertTrue(second.body().contains("\"accepted\":true"), second.body());
        assertTrue(second.body().contains("\"validity\":\"valid\""), second.body());

        JsonNode view = jobView(job);
        assertEquals("done", view.get("status").asText());
        assertEquals(1, view.get("unitsValid").asInt());
        assertEquals(0, view.get("unitsFailed").asInt());
        assertNotNull(view.get("finishedAt").asText());
        JsonNode unit = unit(job, 0);
        assertEquals("valid", unit.get("status").asText());
        assertEquals(2, unit.get("replicas").size());
        for (JsonNode replica : unit.get("replicas")) {
            assertEquals(
                    unit.get("canonicalSha256").asText(), replica.get("sha256").asText());
            assertEquals("valid", replica.get("validity").asText());
            assertEquals("returned", replica.get("status").asText());
            assertEquals("exited", replica.get("kind").asText());
        }
        ApiClient.Reply stdout = api.get("/api/v1/jobs/" + job + "/units/0/files/stdout");
        assertEquals(200, stdout.status());
        assertEquals("2 3 5 7\n", stdout.text());
        assertEquals(
                "168 primes\n",
                api.get("/api/v1/jobs/" + job + "/units/0/files/out.txt").text());
        assertEquals(
                "", api.get("/api/v1/jobs/" + job + "/units/0/files/stderr").text());
        assertEquals(
                404, api.get("/api/v1/jobs/" + job + "/units/0/files/other.txt").status());
        assertEquals(
                404, api.get("/api/v1/jobs/" + job + "/units/1/files/stdout").status());
        assertEquals(404, api.get("/api/v1/jobs/999/units/0/files/stdout").status());

        JsonNode alpha = agentView(a.name());
        assertEquals(1, alpha.get("valid").asInt());
        assertEquals(1_008, alpha.get("credit").asLong());
        assertFalse(alpha.get("flagged").asBoolean());
        assertTrue(alpha.get("status").get("idle").asBoolean());
        assertTrue(hasEvent("job.submitted"));
        assertTrue(hasEvent("job.done"));
        // Identical outputs of agreeing replicas are one blob: program, input, stdout, stderr, out.txt.
        try (var files = java.nio.file.Files.list(temp.resolve("server/grid/blobs"))) {
            assertEquals(
                    5,
                    files.filter(f -> !f.getFileName().toString().startsWith("."))
                            .count());
        }
    }

    @Test
    void aDisagreeingResultFlagsItsClientWhichGetsNoMoreWorkAndTheUnitIsReissued() throws Exception {
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        GridPeer c = peer("charlie");
        long job = submit(job(1, Map.of("maxResults", 4)));
        a.status(true, 0, 1);
        b.status(true, 0, 1);
        ServerMessage.Work wa = take(a);
        ServerMessage.Work wb = take(b);
        assertTrue(a.put(wa.assignment(), a.result(wa.assignment(), "right", out("42")))
                .body()
                .contains("pending"));
        var wrong = b.put(wb.assignment(), b.result(wb.assignment(), "wrong", out("41")));
        assertTrue(wrong.body().contains("pending"), wrong.body());
        c.status(true, 0, 1);
        ServerMessage.Work wc = take(c);
        assertEquals(wa.unit(), wc.unit());
        var right = c.put(wc.assignment(), c.result(wc.assignment(), "right", out("42")));
        assertTrue(right.body().contains("\"validity\":\"valid\""), right.body());

        await("job done", () -> jobStatus(job).equals("done"));
        JsonNode bravo = agentView(b.name());
        assertTrue(bravo.get("flagged").asBoolean());
        assertEquals(1, bravo.get("invalid").asInt());
        assertEquals(0, bravo.get("credit").asLong());
        assertTrue(bravo.get("flagReason").asText().contains("disagrees"), bravo.toString());
        assertTrue(hasEvent("grid.agent-flagged"));
        assertTrue(hasEvent("grid.result-invalid"));
        assertEquals("invalid", replica(job, 0, wb.assignment()).get("validity").asText());
        assertEquals(
                "right",
                api.get("/api/v1/jobs/" + job + "/units/0/files/stdout").text());

        long next = submit(job(1, Map.of("replication", 1)));
        b.status(true, 0, 1);
        assertNull(b.work(BRIEF), "a flagged client gets no work");
        assertEquals(
                200,
                api.post("/api/v1/grid/agents/" + b.name() + "/unflag", "{}").status());
        assertTrue(hasEvent("grid.agent-unflagged"));
        assertFalse(agentView(b.name()).get("flagged").asBoolean());
        b.status(true, 0, 1);
        assertEquals(next, take(b).job(), "unflagged: work again");
        assertEquals(404, api.post("/api/v1/grid/agents/nobody/unflag", "{}").status());
    }

    @Test
    void aLateResultIsJudgedAgainstTheCanonicalOne() throws Exception {
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        GridPeer c = peer("charlie");
        long job = submit(job(1, Map.of("replication", 3, "quorum", 2)));
        a.status(true, 0, 1);
        b.status(true, 0, 1);
        c.status(true, 0, 1);
        ServerMessage.Work wa = take(a);
        ServerMessage.Work wb = take(b);
        ServerMessage.Work wc = take(c);
        a.put(wa.assignment(), a.result(wa.assignment(), "same", out("1")));
        b.put(wb.assignment(), b.result(wb.assignment(), "same", out("1")));
        ServerMessage.WorkCancel cancel = c.cancel(WAIT);
        assertNotNull(cancel, "the third replica is no longer needed");
        assertEquals(wc.assignment(), cancel.assignment());
        var late = c.put(wc.assignment(), c.result(wc.assignment(), "different", out("2")));
        assertEquals(200, late.statusCode(), late.body());
        assertTrue(late.body().contains("\"validity\":\"invalid\""), late.body());
        assertTrue(agentView(c.name()).get("flagged").asBoolean());
        assertEquals("done", jobStatus(job));
    }

    @Test
    void anErrorResultIsReissuedAndCounted() throws Exception {
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        submit(job(1, Map.of("replication", 1)));
        a.status(true, 0, 1);
        ServerMessage.Work wa = take(a);
        GridResult error = GridResult.signed(
                wa.assignment(), GridResult.ERROR, 0, "missing input", 0, new byte[0], new byte[0], Map.of(), a.key());
        var reply = a.put(wa.assignment(), error);
        assertEquals(200, reply.statusCode(), reply.body());
        assertTrue(reply.body().contains("\"validity\":\"error\""), reply.body());
        b.status(true, 0, 1);
        assertEquals(wa.unit(), take(b).unit());
        assertEquals(1, agentView(a.name()).get("errors").asInt());
        assertFalse(agentView(a.name()).get("flagged").asBoolean());
    }

    @Test
    void aReplicaPastItsDeadlineIsCancelledAndReissued() throws Exception {
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        long job = submit(job(1, Map.of("replication", 1, "deadlineSeconds", 1)));
        a.status(true, 0, 1);
        ServerMessage.Work wa = take(a);
        b.status(true, 0, 1);
        ServerMessage.Work wb = take(b);
        assertEquals(wa.unit(), wb.unit());
        ServerMessage.WorkCancel cancel = a.cancel(WAIT);
        assertNotNull(cancel);
        assertEquals(wa.assignment(), cancel.assignment());
        assertEquals("timed-out", replica(job, 0, wa.assignment()).get("status").asText());
        assertEquals(2, unit(job, 0).get("replicasIssued").asInt());
    }

    @Test
    void aUnitFailsWhenMaxResultsIsExhausted() throws Exception {
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        GridPeer c = peer("charlie");
        long job = submit(job(1, Map.of("replication", 1, "maxResults", 2)));
        for (GridPeer p : List.of(a, b)) {
            p.status(true, 0, 1);
            ServerMessage.Work w = take(p);
            p.put(
                    w.assignment(),
                    GridResult.signed(
                            w.assignment(),
                            GridResult.ERROR,
                            0,
                            "agent crashed",
                            0,
                            new byte[0],
                            new byte[0],
                            Map.of(),
                            p.key()));
        }
        await("job done", () -> jobStatus(job).equals("done"));
        JsonNode view = jobView(job);
        assertEquals(1, view.get("unitsFailed").asInt());
        assertEquals("failed", unit(job, 0).get("status").asText());
        assertTrue(hasEvent("grid.unit-failed"));
        c.status(true, 0, 1);
        assertNull(c.work(BRIEF), "no third replica beyond maxResults");
    }

    @Test
    void forgedAndForeignResultsAreRefusedAndNothingIsStored() throws Exception {
        GridPeer a = peer("alpha");
        GridPeer b = peer("bravo");
        long job = submit(job(1, Map.of()));
        a.status(true, 0, 1);
        b.status(true, 0, 1);
        ServerMessage.Work wa = take(a);
        ServerMessage.Work wb = take(b);

        GridResult signedByB = b.result(wa.assignment(), "x", out("1"));
        assertEquals(400, a.put(wa.assignment(), signedByB).statusCode(), "signature of another key");
        GridResult honest = a.result(wa.assignment(), "x", out("1"));
        GridResult tampered = new GridResult(
                honest.assignment(),
                honest.kind(),
                honest.exitStatus(),
                honest.detail(),
                honest.instructions(),
                "y".getBytes(),
                honest.stderr(),
                honest.outputs(),
                honest.sha256(),
                honest.signature());
        var reply = a.put(wa.assignment(), tampered);
        assertEquals(400, reply.statusCode());
        assertTrue(reply.body().contains("fingerprint"), reply.body());
        GridResult otherAssignment = a.result(wb.assignment(), "x", out("1"));
        assertEquals(400, a.put(wa.assignment(), otherAssignment).statusCode(), "sealed for another replica");
        assertEquals(403, a.put(wb.assignment(), otherAssignment).statusCode(), "someone else's assignment");
        assertEquals(404, a.put(999_999, honest).statusCode());
        assertEquals(400, a.put(wa.assignment(), "{not json".getBytes()).statusCode());
        GridResult undeclared = a.result(wa.assignment(), "x", Map.of("secret.txt", new byte[1]));
        assertEquals(400, a.put(wa.assignment(), undeclared).statusCode(), "an output the job did not declare");

        JsonNode unit = unit(job, 0);
        for (JsonNode replica : unit.get("replicas")) {
            assertEquals("running", replica.get("status").asText(), "nothing stored");
        }
        assertTrue(hasEvent("grid.result-refused"));

        var accepted = a.put(wa.assignment(), honest);
        assertEquals(200, accepted.statusCode(), accepted.body());
        var again = a.put(wa.assignment(), honest);
        assertEquals(200, again.statusCode());
        assertEquals(accepted.body(), again.body(), "a repeat changes nothing");
        var differentRepeat = a.put(wa.assignment(), a.result(wa.assignment(), "z", out("9")));
        assertEquals(200, differentRepeat.statusCode());
        assertEquals(
                honest.sha256(), replica(job, 0, wa.assignment()).get("sha256").asText());
    }

    @Test
    void badJobsAreRefusedWithAReasonAndNothingIsStored() throws Exception {
        String missing = "a".repeat(64);
        List<Map<String, Object>> bad = new ArrayList<>();
        bad.add(job(1, Map.of("program", missing)));
        bad.add(job(1, Map.of("program", "xyz")));
        bad.add(job(0, Map.of()));
        bad.add(job(1, Map.of("quorum", 3)));
        bad.add(job(1, Map.of("replication", 3, "maxResults", 2)));
        bad.add(job(1, Map.of("replication", 21, "maxResults", 21)));
        bad.add(job(1, Map.of("quorum", 0)));
        bad.add(job(1, Map.of("outputs", List.of(".."))));
        bad.add(job(1, Map.of("outputs", List.of("a/b"))));
        bad.add(job(1, Map.of("outputs", List.of("stdout"))));
        bad.add(job(1, Map.of("name", "")));
        bad.add(job(1, Map.of("deadlineSeconds", 0)));
        bad.add(job(1, Map.of("memoryMb", -1)));
        bad.add(job(1, Map.of("units", List.of(Map.of("args", java.util.Collections.nCopies(257, "x"))))));
        bad.add(job(1, Map.of("units", List.of(Map.of("args", List.of("x".repeat(4097)))))));
        bad.add(job(1, Map.of("units", List.of(Map.of("stdin", missing)))));
        bad.add(job(1, Map.of("units", List.of(Map.of("inputs", Map.of("in.txt", missing))))));
        bad.add(job(1, Map.of("units", List.of(Map.of("inputs", Map.of(".", program))))));
        bad.add(job(1, Map.of("unknownField", 1)));
        for (Map<String, Object> body : bad) {
            ApiClient.Reply reply = api.post("/api/v1/jobs", body);
            assertEquals(400, reply.status(), body + " -> " + reply.text());
            assertEquals("invalid-request", reply.body().get("error").asText());
        }
        assertEquals(400, api.post("/api/v1/jobs", "[]").status());
        assertEquals(0, api.get("/api/v1/jobs").body().get("items").size());
        assertEquals(404, api.get("/api/v1/jobs/1").status());
        assertEquals(404, api.get("/api/v1/jobs/abc").status());

        ApiClient.Reply mismatch = api.postBytes("/api/v1/grid/files?sha256=" + missing, new byte[] {1, 2, 3});
        assertEquals(400, mismatch.status(), mismatch.text());
        ApiClient.Reply again = api.postBytes("/api/v1/grid/files", "\u007fELF fake riscv program".getBytes());
        assertEquals(200, again.status(), "already stored");
        assertEquals(program, again.body().get("sha256").asText());

        // Defaults: replication 2, quorum 2, maxResults 6, an hour, 1e11 instructions, 256 + 64 MiB.
        Map<String, Object> minimal = new LinkedHashMap<>();
        minimal.put("name", "tiny");
        minimal.put("program", program);
        minimal.put("units", List.of(Map.of()));
        JsonNode created = api.post("/api/v1/jobs", minimal).body();
        assertEquals(2, created.get("replication").asInt());
        assertEquals(2, created.get("quorum").asInt());
        assertEquals(6, created.get("maxResults").asInt());
        assertEquals(3600, created.get("deadlineSeconds").asLong());
        assertEquals(100_000_000_000L, created.get("instructionBudget").asLong());
        assertEquals("tiny", created.get("programName").asText());
        assertEquals("running", created.get("status").asText());
    }

    @Test
    void viewersReadButMayNotSubmit() throws Exception {
        api.post("/api/v1/users", Map.of("name", "vera", "role", "viewer", "password", "viewer-pass-1"));
        try (ApiClient viewer =
                new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("vera", "viewer-pass-1")) {
            assertEquals(403, viewer.post("/api/v1/jobs", job(1, Map.of())).status());
            assertEquals(
                    403, viewer.postBytes("/api/v1/grid/files", new byte[] {1}).status());
            assertEquals(200, viewer.get("/api/v1/jobs").status());
            assertEquals(200, viewer.get("/api/v1/grid/agents").status());
        }
        GridPeer a = peer("alpha");
        assertEquals(404, a.blob(program).statusCode(), "not referenced by any job yet");
        submit(job(1, Map.of()));
        assertEquals(200, a.blob(program).statusCode());
        ApiClient.Reply noCertificate = api.get("/agent/v1/grid/blobs/" + program);
        assertEquals(401, noCertificate.status(), "agent routes need the client certificate, not a token");
    }

    @Test
    void cancellingAJobStopsItsReplicas() throws Exception {
        GridPeer a = peer("alpha");
        long job = submit(job(2, Map.of("replication", 1)));
        a.status(true, 0, 1);
        ServerMessage.Work wa = take(a);
        ApiClient.Reply cancelled = api.delete("/api/v1/jobs/" + job);
        assertEquals(200, cancelled.status(), cancelled.text());
        assertEquals("cancelled", cancelled.body().get("status").asText());
        assertEquals(2, cancelled.body().get("unitsCancelled").asInt());
        ServerMessage.WorkCancel cancel = a.cancel(WAIT);
        assertNotNull(cancel);
        assertEquals(wa.assignment(), cancel.assignment());
        assertEquals(
                410,
                a.put(wa.assignment(), a.result(wa.assignment(), "x", out("1"))).statusCode());
        assertEquals(409, api.delete("/api/v1/jobs/" + job).status());
        a.status(true, 0, 1);
        assertNull(a.work(BRIEF), "nothing more of a cancelled job");
        assertTrue(hasEvent("job.cancelled"));
        assertEquals(404, api.delete("/api/v1/jobs/12345").status());

        long running = submit(job(1, Map.of("replication", 1)));
        assertEquals(
                409, api.post("/api/v1/jobs/" + running + "/purge", Map.of()).status(), "running: cancel first");
        ApiClient.Reply purged = api.post("/api/v1/jobs/" + job + "/purge", Map.of());
        assertEquals(200, purged.status(), purged.text());
        assertEquals(2, purged.body().get("units").asInt());
        assertEquals(404, api.get("/api/v1/jobs/" + job).status());
        assertEquals(404, api.post("/api/v1/jobs/" + job + "/purge", Map.of()).status());
        assertTrue(hasEvent("job.purged"));
    }

    @Test
    void jobsAndResultsSurviveARestart() throws Exception {
        GridPeer a = peer("alpha");
        long job = submit(job(2, Map.of("replication", 1)));
        a.status(true, 0, 2);
        ServerMessage.Work w1 = take(a);
        ServerMessage.Work w2 = take(a);
        assertEquals(
                200,
                a.put(w1.assignment(), a.result(w1.assignment(), "kept", out("k")))
                        .statusCode());
        peers.forEach(GridPeer::close);
        peers.clear();
        api.close();
        server.close();
        startServer();
        JsonNode view = jobView(job);
        assertEquals("running", view.get("status").asText());
        assertEquals(1, view.get("unitsValid").asInt());
        assertEquals(
                "kept",
                api.get("/api/v1/jobs/" + job + "/units/" + w1.unit() + "/files/stdout")
                        .text());
        assertEquals(
                "k",
                api.get("/api/v1/jobs/" + job + "/units/" + w1.unit() + "/files/out.txt")
                        .text());
        JsonNode other = unit(job, w2.unit());
        assertEquals("running", other.get("replicas").get(0).get("status").asText());
    }

    @Test
    void largeJobsUpToTheLimitsAreAcceptedAndOversizedUploadsRefused() throws Exception {
        List<Map<String, Object>> units = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            units.add(Map.of("args", List.of(Integer.toString(i))));
        }
        Map<String, Object> tooMany = job(1, Map.of());
        tooMany.put("units", units);
        ApiClient.Reply refused = api.post("/api/v1/jobs", tooMany);
        assertEquals(400, refused.status(), refused.text());
        Map<String, Object> most = job(1, Map.of());
        most.put("units", units.subList(0, 10_000));
        ApiClient.Reply accepted = api.post("/api/v1/jobs", most);
        assertEquals(201, accepted.status(), accepted.text());
        assertEquals(10_000, accepted.body().get("unitsTotal").asInt());
        assertEquals(
                10_000,
                api.get("/api/v1/jobs/" + accepted.body().get("id").asLong() + "/units?limit=10")
                        .body()
                        .get("total")
                        .asInt());
        String huge = "{\"name\":\"" + "x".repeat(5 << 20) + "\"}";
        assertEquals(413, api.post("/api/v1/jobs", huge).status(), "a job document over 4 MiB");

        long limit = org.visorfleet.server.api.GridRoutes.MAX_FILE_BYTES;
        ApiClient.Reply tooLarge = api.postStream("/api/v1/grid/files", limit + 1);
        assertEquals(413, tooLarge.status(), tooLarge.text());
        try (var left = java.nio.file.Files.list(temp.resolve("server/grid/blobs/.incoming"))) {
            assertEquals(0, left.count(), "nothing kept of a refused upload");
        }
    }
}
