package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * Remote actions through the API: a real server, a real agent in this JVM over mutual TLS, and real
 * processes on the desktop side. The agent's reboot, shutdown, lock and message commands are small
 * scripts (configured in its {@code remote.json}) that leave marker files.
 */
class RemoteCommandTest {

    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path temp;

    FleetServer server;
    ApiClient api;
    Agent agent;
    Thread thread;
    Path markers;

    @BeforeEach
    void start() throws Exception {
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(FleetServerTest.FAST)
                .withWarmup(Duration.ZERO));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);

        Path dir = temp.resolve("agent");
        AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), dir, "desk-01");
        markers = Files.createDirectories(temp.resolve("markers"));
        Files.writeString(
                dir.resolve("remote.json"),
                """
                {"rebootCommand": ["%1$s", "rebooted"],
                 "shutdownCommand": ["%1$s", "powered-off"],
                 "lockCommand": ["%1$s", "locked"],
                 "messageCommand": ["%1$s", "message", "{title}", "{text}"]}
                """
                        .formatted(script(
                                "mark", "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + markers + "/$1")));
        agent = Agent.open(new AgentData(dir), List.of(), ServerLink.Timing.defaults(), LinkListener.NONE);
        thread = Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        FleetServerTest.await("desk-01 online", () -> status().equals("online"));
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
        thread.join(5_000);
        api.close();
        server.close();
    }

    private String script(String name, String body) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        assertTrue(file.toFile().setExecutable(true));
        return file.toString();
    }

    private String status() {
        try {
            return api.clientStatus("desk-01");
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Creates a command as {@code who} and waits until it is answered; returns its final view. */
    private JsonNode command(ApiClient who, String action, Map<String, String> args) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("action", action);
        body.put("args", args);
        ApiClient.Reply created = who.post("/api/v1/clients/desk-01/commands", body);
        assertEquals(202, created.status(), created.text());
        long id = created.body().get("id").asLong();
        JsonNode[] last = new JsonNode[1];
        FleetServerTest.await(action + " answered", () -> {
            try {
                last[0] = api.get("/api/v1/clients/desk-01/commands/" + id).body();
                String s = last[0].get("status").asText();
                return s.equals("done") || s.equals("failed");
            } catch (Exception e) {
                return false;
            }
        });
        return last[0];
    }

    private JsonNode events(String type) throws Exception {
        return api.get("/api/v1/events?type=" + type + "&client=desk-01").body().get("items");
    }

    private int commandCount() throws Exception {
        return api.get("/api/v1/clients/desk-01/commands").body().get("items").size();
    }

    @Test
    void runReturnsStdoutStderrAndExitCodeAndIsLogged() throws Exception {
        JsonNode done =
                command(api, "run", Map.of("command", "printf 'out\\n'; printf 'err \\\\ \"q\"\\n' >&2; exit 3"));
        assertEquals("done", done.get("status").asText(), "a non-zero exit is still a run that ran");
        assertEquals(3, done.get("exitCode").asInt());
        assertEquals("out\n", done.get("stdout").asText());
        assertEquals("err \\ \"q\"\n", done.get("stderr").asText());
        assertEquals("exit 3", done.get("output").asText());
        assertEquals("60", done.get("args").get("timeoutSeconds").asText(), "the default timeout is stored");

        JsonNode listed =
                api.get("/api/v1/clients/desk-01/commands").body().get("items").get(0);
        assertEquals(3, listed.get("exitCode").asInt());
        assertTrue(listed.get("stdout").isNull(), "lists leave the outputs out");

        assertTrue(events("command.created").get(0).get("detail").asText().startsWith("run"));
        JsonNode doneEvent = events("command.done").get(0);
        assertTrue(doneEvent.get("detail").asText().startsWith("run on desk-01: exit 3"), doneEvent.toString());
    }

    @Test
    void aRunPastItsTimeoutFailsWith124AndItsProcessesAreGone() throws Exception {
        Path pid = temp.resolve("sleep.pid");
        long started = System.nanoTime();
        JsonNode failed =
                command(api, "run", Map.of("command", "sleep 30 & echo $! > " + pid + "; wait", "timeoutSeconds", "1"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals("failed", failed.get("status").asText());
        assertEquals(124, failed.get("exitCode").asInt());
        assertEquals("timed out after 1 s", failed.get("output").asText());
        assertTrue(millis < 10_000, "answered after " + millis + " ms");
        long sleep = Long.parseLong(Files.readString(pid).strip());
        FleetServerTest.await(
                "sleep " + sleep + " gone",
                () -> ProcessHandle.of(sleep).map(p -> !p.isAlive()).orElse(true));
        assertTrue(events("command.failed")
                .get(0)
                .get("detail")
                .asText()
                .startsWith("run on desk-01: timed out after 1 s"));
    }

    @Test
    void aResultThatFinishesWhileTheServerIsDownArrivesAfterTheReconnect() throws Exception {
        Path started = temp.resolve("started");
        long id = api.post(
                        "/api/v1/clients/desk-01/commands",
                        Map.of("action", "run", "args", Map.of("command", "touch " + started + "; sleep 3; echo late")))
                .body()
                .get("id")
                .asLong();
        FleetServerTest.await("the run started on the desktop", () -> Files.exists(started));
        int port = server.httpsPort();
        server.close();
        api.close();
        Thread.sleep(4_000); // the run ends while no server is up
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withBindHost("127.0.0.1")
                .withPort(port)
                .withTiming(FleetServerTest.FAST)
                .withWarmup(Duration.ZERO));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        JsonNode command;
        do {
            Thread.sleep(100);
            command = api.get("/api/v1/clients/desk-01/commands/" + id).body();
        } while (!command.get("status").asText().equals("done") && System.nanoTime() < deadline);
        assertEquals("done", command.get("status").asText(), command.toString());
        assertEquals("late\n", command.get("stdout").asText());
        assertEquals(0, command.get("exitCode").asInt());
    }

    @Test
    void outputOverOneMebibyteArrivesCutAndMarked() throws Exception {
        JsonNode done = command(api, "run", Map.of("command", "head -c 1500000 /dev/zero | tr '\\0' y; echo e >&2"));
        assertEquals("done", done.get("status").asText());
        String stdout = done.get("stdout").asText();
        assertEquals(1 << 20, stdout.length());
        assertTrue(stdout.startsWith("yyyy"));
        assertTrue(stdout.endsWith("y\n[truncated]"));
        assertEquals("e\n", done.get("stderr").asText());
    }

    @Test
    void rebootShutdownLockAndMessageRunTheConfiguredCommands() throws Exception {
        for (String action : List.of("reboot", "shutdown", "lock")) {
            JsonNode done = command(api, action, Map.of());
            assertEquals("done", done.get("status").asText(), done.toString());
            assertEquals(0, done.get("exitCode").asInt());
        }
        assertEquals(List.of("rebooted"), Files.readAllLines(markers.resolve("rebooted")));
        assertEquals(List.of("powered-off"), Files.readAllLines(markers.resolve("powered-off")));
        assertEquals(List.of("locked"), Files.readAllLines(markers.resolve("locked")));

        JsonNode message = command(
                api, "message", Map.of("title", "IT desk", "text", "Back in 5'; $(touch " + markers + "/pwned)"));
        assertEquals("done", message.get("status").asText(), message.toString());
        assertEquals(
                List.of("message", "IT desk", "Back in 5'; $(touch " + markers + "/pwned)"),
                Files.readAllLines(markers.resolve("message")));
        assertFalse(Files.exists(markers.resolve("pwned")), "the text never passes through a shell");
        assertEquals(4, events("command.done").size());
    }

    @Test
    void badArgumentsAreRefusedAndNothingIsQueued() throws Exception {
        List<Map<String, Object>> bad = List.of(
                Map.of("action", "run", "args", Map.of()),
                Map.of("action", "run", "args", Map.of("command", " ")),
                Map.of("action", "run", "args", Map.of("command", "true", "timeout", "5")),
                Map.of("action", "run", "args", Map.of("command", "true", "timeoutSeconds", "0")),
                Map.of("action", "run", "args", Map.of("command", "true", "timeoutSeconds", "3601")),
                Map.of("action", "run", "args", Map.of("command", "true", "timeoutSeconds", "soon")),
                Map.of("action", "reboot", "args", Map.of("force", "yes")),
                Map.of("action", "message", "args", Map.of()),
                Map.of("action", "message", "args", Map.of("text", "x".repeat(1001))),
                Map.of("action", "message", "args", Map.of("text", "hi", "title", "t".repeat(201))),
                Map.of("action", "format-disk"));
        for (Map<String, Object> body : bad) {
            ApiClient.Reply reply = api.post("/api/v1/clients/desk-01/commands", body);
            assertEquals(400, reply.status(), body + " -> " + reply.text());
            assertFalse(reply.body().get("detail").asText().isBlank());
        }
        ApiClient.Reply unknown =
                api.post("/api/v1/clients/desk-01/commands", Map.of("action", "run", "args", Map.of("cmd", "true")));
        assertEquals(
                "unknown argument cmd for run; it takes [command, timeoutSeconds]",
                unknown.body().get("detail").asText());
        assertEquals(0, commandCount());
        assertEquals(
                202,
                api.post(
                                "/api/v1/clients/desk-01/commands",
                                Map.of("action", "message", "args", Map.of("text", "x".repeat(1000))))
                        .status());
    }

    @Test
    void aGroupThatNeedsAdminsKeepsHelpdeskOutButStillAnswersPing() throws Exception {
        assertEquals(201, api.post("/api/v1/groups", Map.of("name", "vault")).status());
        JsonNode fresh = api.get("/api/v1/groups").body().get("items").get(0);
        assertEquals("helpdesk", fresh.get("remoteRole").asText());
        assertFalse(fresh.get("consent").asBoolean());
        assertEquals(
                200,
                api.patch("/api/v1/clients/desk-01", Map.of("group", "vault")).status());
        assertEquals(
                201,
                api.post("/api/v1/users", Map.of("name", "hank", "role", "helpdesk", "password", "helpdesk-pass"))
                        .status());
        try (ApiClient helpdesk =
                new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("hank", "helpdesk-pass")) {
            assertEquals(
                    "done",
                    command(helpdesk, "run", Map.of("command", "true"))
                            .get("status")
                            .asText());

            assertEquals(
                    403,
                    helpdesk.patch("/api/v1/groups/vault", Map.of("remoteRole", "admin"))
                            .status());
            assertEquals(
                    400,
                    api.patch("/api/v1/groups/vault", Map.of("remoteRole", "viewer"))
                            .status());
            assertEquals(
                    400,
                    api.patch("/api/v1/groups/vault", Map.of("remoteRole", "root"))
                            .status());
            assertEquals(400, api.patch("/api/v1/groups/vault", Map.of()).status());
            assertEquals(
                    400,
                    api.patch("/api/v1/groups/vault", Map.of("colour", "red")).status());
            assertEquals(
                    404,
                    api.patch("/api/v1/groups/nowhere", Map.of("consent", true)).status());
            ApiClient.Reply updated = api.patch("/api/v1/groups/vault", Map.of("remoteRole", "admin", "consent", true));
            assertEquals(200, updated.status(), updated.text());
            assertEquals("admin", updated.body().get("remoteRole").asText());
            assertTrue(updated.body().get("consent").asBoolean());
            JsonNode onlyConsent =
                    api.patch("/api/v1/groups/vault", Map.of("consent", false)).body();
            assertEquals("admin", onlyConsent.get("remoteRole").asText(), "a setting left out stays");
            assertFalse(onlyConsent.get("consent").asBoolean());

            int before = commandCount();
            for (String action : List.of("run", "reboot", "lock", "message")) {
                Map<String, Object> body = Map.of(
                        "action",
                        action,
                        "args",
                        action.equals("run")
                                ? Map.of("command", "true")
                                : action.equals("message") ? Map.of("text", "hi") : Map.of());
                ApiClient.Reply refused = helpdesk.post("/api/v1/clients/desk-01/commands", body);
                assertEquals(403, refused.status(), refused.text());
                assertTrue(refused.body().get("detail").asText().contains("needs admin"), refused.text());
            }
            assertEquals(before, commandCount(), "a refused command is never queued");
            assertEquals(
                    "done", command(helpdesk, "ping", Map.of()).get("status").asText());
            assertEquals(
                    "done",
                    command(api, "run", Map.of("command", "true")).get("status").asText());
        }
        JsonNode updates = api.get("/api/v1/events?type=group.updated").body().get("items");
        assertEquals(2, updates.size());
        assertTrue(updates.toString().contains("vault: remote role admin, consent required"), updates.toString());
    }
}
