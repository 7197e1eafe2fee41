package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * The bastion with Debian's OpenSSH client ({@code ssh}, {@code scp}, {@code sftp}) against a real
 * server and two enrolled agents: jumps to each desktop, commands, a recorded interactive session,
 * files both ways, and the refusals.
 */
class OpenSshJumpTest {

    static final String PASSWORD = "correct horse battery";
    static final AgentHub.Timing FAST =
            new AgentHub.Timing(Duration.ofMillis(200), Duration.ofMillis(900), Duration.ofMillis(500));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    FleetServer server;
    ApiClient api;
    final List<Agent> agents = new ArrayList<>();
    Path config;

    @BeforeEach
    void start() throws Exception {
        boolean required = "1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"));
        assumeTrue(required || Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(FAST)
                .withWarmup(Duration.ZERO));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);
        assertEquals(
                201,
                api.post("/api/v1/users", Map.of("name", "tech", "role", "helpdesk", "password", PASSWORD))
                        .status());
        assertEquals(
                201,
                api.post("/api/v1/users", Map.of("name", "viewer", "role", "viewer", "password", PASSWORD))
                        .status());
        for (String user : List.of("tech", "viewer", "stranger")) {
            run(
                    Duration.ofSeconds(20),
                    "ssh-keygen",
                    "-q",
                    "-t",
                    "ed25519",
                    "-N",
                    "",
                    "-C",
                    user + "@test",
                    "-f",
                    temp.resolve(user).toString());
        }
        for (String user : List.of("tech", "viewer")) {
            ApiClient as = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login(user, PASSWORD);
            var added = as.post(
                    "/api/v1/users/" + user + "/keys",
                    Map.of("publicKey", Files.readString(temp.resolve(user + ".pub"))));
            assertEquals(201, added.status(), added.text());
            as.close();
        }
        enroll("desk-01");
        enroll("desk-02");
        await("two tunnels", () -> server.bastion().tunnels().size() == 2);
        config = temp.resolve("ssh_config");
        Files.writeString(
                config,
                """
                Host bastion
                  HostName 127.0.0.1
                  Port %d
                Host *
                  UserKnownHostsFile %s
                  StrictHostKeyChecking accept-new
                  BatchMode yes
                  ConnectTimeout 10
                """
                        .formatted(server.sshPort(), temp.resolve("known_hosts")));
    }

    @AfterEach
    void stop() throws Exception {
        for (Agent agent : agents) {
            agent.close();
        }
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.close();
        }
    }

    void enroll(String hostname) throws Exception {
        Path dir = temp.resolve("agent-" + hostname);
        AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), dir, hostname);
        Agent agent = Agent.open(new AgentData(dir), List.of(), ServerLink.Timing.defaults(), LinkListener.NONE);
        agents.add(agent);
        Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void technicianJumpsToEachDesktopAndRunsCommands() throws Exception {
        for (String desk : List.of("desk-01", "desk-02")) {
            Result r = ssh("tech", "-J", "tech@bastion", "tech@" + desk, "echo hello from $0; exit 3");
            assertEquals(3, r.exit(), r.toString());
            assertEquals("hello from /bin/sh\n", r.stdout(), r.toString());
        }
        JsonNode sessions = api.get("/api/v1/sessions?client=desk-01").body().get("items");
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals("exec", sessions.get(0).get("kind").asText());
        assertEquals("tech", sessions.get(0).get("user").asText());
        assertTrue(events().contains("ssh.jump"), events());
    }

    @Test
    void anInteractiveSessionIsRecordedAsAsciicast() throws Exception {
        Path typed = temp.resolve("typed.txt");
        Files.writeString(typed, "echo recorded-$((6*7))\nstty size\nexit 0\n");
        stdin = typed;
        Result r = ssh("tech", "-tt", "-J", "tech@bastion", "tech@desk-02");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("recorded-42"), r.toString());
        JsonNode session =
                api.get("/api/v1/sessions?client=desk-02").body().get("items").get(0);
        assertEquals("shell", session.get("kind").asText());
        long id = session.get("id").asLong();
        await("recording uploaded", () -> {
            try {
                return api.get("/api/v1/sessions/" + id)
                                .body()
                                .get("recordingBytes")
                                .asLong()
                        > 0;
            } catch (Exception e) {
                return false;
            }
        });
        String cast = api.get("/api/v1/sessions/" + id + "/recording").text();
        List<String> lines = cast.lines().toList();
        JsonNode header = JSON.readTree(lines.getFirst());
        assertEquals(2, header.get("version").asInt());
        assertTrue(header.get("width").asInt() > 0 && header.get("height").asInt() > 0, header.toString());
        StringBuilder output = new StringBuilder();
        double last = 0;
        for (String line : lines.subList(1, lines.size())) {
            JsonNode event = JSON.readTree(line);
            assertEquals(3, event.size(), line);
            assertTrue(event.get(0).asDouble() >= last, "times never go back: " + line);
            last = event.get(0).asDouble();
            assertTrue(List.of("o", "i", "r", "m").contains(event.get(1).asText()), line);
            if (event.get(1).asText().equals("o")) {
                output.append(event.get(2).asText());
            }
        }
        assertTrue(output.toString().contains("recorded-42"), output.toString());
    }

    @Test
    void filesTravelBothWaysWithScpAndSftp() throws Exception {
        Path local = temp.resolve("up.bin");
        byte[] bytes = new byte[3 << 20];
        new java.util.Random(6).nextBytes(bytes);
        Files.write(local, bytes);
        Path remote = temp.resolve("remote-copy.bin");
        Result up = run(
                Duration.ofSeconds(60),
                "scp",
                "-F",
                config("tech").toString(),
                "-J",
                "tech@bastion",
                local.toString(),
                "tech@desk-01:" + remote);
        assertEquals(0, up.exit(), up.toString());
        assertEquals(java.util.Arrays.hashCode(bytes), java.util.Arrays.hashCode(Files.readAllBytes(remote)));
        Path back = temp.resolve("down.bin");
        Result down = run(
                Duration.ofSeconds(60),
                "sftp",
                "-F",
                config("tech").toString(),
                "-J",
                "tech@bastion",
                "tech@desk-02:" + remote,
                back.toString());
        assertEquals(0, down.exit(), down.toString());
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(back)));
    }

    @Test
    void refusalsAreCleanAndAudited() throws Exception {
        Result unknown = ssh("tech", "-J", "tech@bastion", "tech@no-such-desk", "true");
        assertEquals(255, unknown.exit(), unknown.toString());
        // What -J runs underneath, where OpenSSH prints the bastion's reason.
        Result reason = ssh("tech", "-W", "no-such-desk:22", "tech@bastion");
        assertEquals(255, reason.exit(), reason.toString());
        assertTrue(reason.stderr().contains("administratively prohibited: no client no-such-desk"), reason.toString());
        Result viewer = ssh("viewer", "-W", "desk-01:22", "viewer@bastion");
        assertEquals(255, viewer.exit());
        assertTrue(viewer.stderr().contains("may not reach desk-01"), viewer.toString());
        Result stranger = ssh("stranger", "-J", "tech@bastion", "tech@desk-01", "true");
        assertEquals(255, stranger.exit());
        assertTrue(stranger.stderr().contains("Permission denied"), stranger.toString());
        Result elsewhere = ssh("tech", "-W", "desk-01:80", "tech@bastion");
        assertTrue(elsewhere.stderr().contains("only port 22"), elsewhere.toString());
        Result forward = ssh(
                "tech",
                "-o",
                "ExitOnForwardFailure=yes",
                "-L",
                "0:127.0.0.1:" + server.httpsPort(),
                "-N",
                "tech@bastion");
        assertEquals(255, forward.exit(), forward.toString());
        String events = events();
        assertTrue(events.contains("ssh.jump-refused"), events);
        assertTrue(events.contains("ssh.login-failed"), events);
        Result still = ssh("tech", "-J", "tech@bastion", "tech@desk-01", "echo still");
        assertEquals("still\n", still.stdout(), still.toString());
    }

    String events() throws Exception {
        return api.get("/api/v1/events?limit=200").text();
    }

    record Result(int exit, String stdout, String stderr) {}

    /** An ssh_config naming the key, so that the jump's own ssh (which ignores -i) uses it too. */
    Path config(String key) throws IOException {
        Path file = temp.resolve("ssh_config-" + key);
        Files.writeString(
                file, Files.readString(config) + "  IdentityFile " + temp.resolve(key) + "\n  IdentitiesOnly yes\n");
        return file;
    }

    Result ssh(String key, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", config(key).toString()));
        argv.addAll(List.of(args));
        return run(Duration.ofSeconds(60), argv.toArray(String[]::new));
    }

    /** Standard input of the next command run, or null for /dev/null. */
    Path stdin;

    Result run(Duration timeout, String... argv) throws Exception {
        Path out = Files.createTempFile(temp, "out", ".txt");
        Path err = Files.createTempFile(temp, "err", ".txt");
        Process p = new ProcessBuilder(argv)
                .redirectInput(
                        ProcessBuilder.Redirect.from(stdin == null ? new java.io.File("/dev/null") : stdin.toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " timed out: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
