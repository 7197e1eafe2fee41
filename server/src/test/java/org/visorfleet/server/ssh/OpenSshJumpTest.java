package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.testing.ApiClient;

/**
 * The bastion with Debian's OpenSSH client ({@code ssh}, {@code scp}, {@code sftp}) against a real
 * server and two enrolled agents: jumps to each desktop, commands, a recorded interactive session,
 * files both ways, and the refusals.
 */
class OpenSshJumpTest {

    static final String PASSWORD = SshFleet.PASSWORD;
    static final AgentHub.Timing FAST = SshFleet.FAST;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    SshFleet fleet;
    ApiClient api;
    FleetServer server;
    Path config;

    @BeforeEach
    void start() throws Exception {
        SshFleet.assumeOpenSsh();
        fleet = SshFleet.start(temp);
        api = fleet.api;
        server = fleet.server;
        fleet.run(
                Duration.ofSeconds(20),
                null,
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-f",
                temp.resolve("stranger").toString());
        fleet.enroll("desk-01", null);
        fleet.enroll("desk-02", null);
        fleet.awaitTunnels(2);
        config = temp.resolve("ssh_config");
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void technicianJumpsToEachDesktopAndRunsCommands() throws Exception {
        for (String desk : List.of("desk-01", "desk-02")) {
            SshFleet.Result r = ssh("tech", "-J", "tech@bastion", "tech@" + desk, "echo hello from $0; exit 3");
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
        SshFleet.Result r = ssh("tech", "-tt", "-J", "tech@bastion", "tech@desk-02");
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
        SshFleet.Result up = run(
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
        SshFleet.Result down = run(
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
        SshFleet.Result unknown = ssh("tech", "-J", "tech@bastion", "tech@no-such-desk", "true");
        assertEquals(255, unknown.exit(), unknown.toString());
        // What -J runs underneath, where OpenSSH prints the bastion's reason.
        SshFleet.Result reason = ssh("tech", "-W", "no-such-desk:22", "tech@bastion");
        assertEquals(255, reason.exit(), reason.toString());
        assertTrue(reason.stderr().contains("administratively prohibited: no client no-such-desk"), reason.toString());
        SshFleet.Result viewer = ssh("viewer", "-W", "desk-01:22", "viewer@bastion");
        assertEquals(255, viewer.exit());
        assertTrue(viewer.stderr().contains("may not reach desk-01"), viewer.toString());
        SshFleet.Result stranger = ssh("stranger", "-J", "tech@bastion", "tech@desk-01", "true");
        assertEquals(255, stranger.exit());
        assertTrue(stranger.stderr().contains("Permission denied"), stranger.toString());
        SshFleet.Result elsewhere = ssh("tech", "-W", "desk-01:80", "tech@bastion");
        assertTrue(elsewhere.stderr().contains("only port 22"), elsewhere.toString());
        SshFleet.Result forward = ssh(
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
        SshFleet.Result still = ssh("tech", "-J", "tech@bastion", "tech@desk-01", "echo still");
        assertEquals("still\n", still.stdout(), still.toString());
    }

    String events() throws Exception {
        return api.get("/api/v1/events?limit=200").text();
    }

    /** Standard input of the next command run, or null for /dev/null. */
    Path stdin;

    Path config(String key) throws IOException {
        return fleet.config(key);
    }

    SshFleet.Result ssh(String key, String... args) throws Exception {
        return fleet.run(Duration.ofSeconds(60), stdin, fleet.sshArgv(key, args).toArray(String[]::new));
    }

    SshFleet.Result run(Duration timeout, String... argv) throws Exception {
        return fleet.run(timeout, stdin, argv);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        SshFleet.await(what, condition);
    }
}
