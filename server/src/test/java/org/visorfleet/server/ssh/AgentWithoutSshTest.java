package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;

/**
 * A desktop whose {@code remote.json} turns SSH off: it keeps no tunnel and jumps to it are refused
 * with that reason, while the remote actions the server queues for it still run.
 */
class AgentWithoutSshTest {

    @TempDir
    static Path temp;

    static SshFleet fleet;
    static Agent quiet;
    static Path shown;

    @BeforeAll
    static void start() throws Exception {
        SshFleet.assumeOpenSsh();
        fleet = SshFleet.start(temp);
        shown = temp.resolve("shown.txt");
        Path message = fleet.script("message.sh", "printf '%%s|%%s\\n' \"$1\" \"$2\" >> '%s'\n".formatted(shown));
        fleet.enroll("desk-01", null);
        quiet = fleet.enroll(
                "desk-02",
                """
                {"ssh": false, "messageCommand": ["%s", "{title}", "{text}"]}
                """
                        .formatted(message));
        fleet.awaitTunnels(1);
        fleet.awaitOnline("desk-02");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aDesktopWithSshOffHasNoTunnelAndJumpsToItAreRefused() throws Exception {
        assertNull(quiet.remote(), "no SSH server on desk-02");
        assertEquals(1, fleet.server.bastion().tunnels().size());
        SshFleet.Result reason = fleet.ssh("tech", "-W", "desk-02:22", "tech@bastion");
        assertEquals(255, reason.exit(), reason.toString());
        assertTrue(reason.stderr().contains("desk-02 is online but has no SSH tunnel"), reason.toString());
        SshFleet.Result jump = fleet.ssh("tech", "-J", "tech@bastion", "tech@desk-02", "true");
        assertEquals(255, jump.exit(), jump.toString());
        fleet.awaitEvent("ssh.jump-refused", "to desk-02: desk-02 is online but has no SSH tunnel");
        SshFleet.Result other = fleet.ssh("tech", "-J", "tech@bastion", "tech@desk-01", "echo reachable");
        assertEquals("reachable\n", other.stdout(), other.toString());
    }

    @Test
    void remoteActionsStillWork() throws Exception {
        JsonNode run = command("run", Map.of("command", "echo hi from $((40+2))"));
        assertEquals("done", run.get("status").asText(), run.toString());
        assertEquals(0, run.get("exitCode").asInt(), run.toString());
        assertEquals("hi from 42\n", run.get("stdout").asText(), run.toString());
        JsonNode message = command("message", Map.of("title", "Helpdesk", "text", "SSH is off; this is not"));
        assertEquals("done", message.get("status").asText(), message.toString());
        assertEquals("Helpdesk|SSH is off; this is not\n", Files.readString(shown));
    }

    /** Queues a command for desk-02 through the API and waits for it to finish. */
    private static JsonNode command(String action, Map<String, String> args) throws Exception {
        var queued = fleet.api.post("/api/v1/clients/desk-02/commands", Map.of("action", action, "args", args));
        assertEquals(202, queued.status(), queued.text());
        long id = queued.body().get("id").asLong();
        JsonNode[] last = new JsonNode[1];
        SshFleet.await(action + " on desk-02", () -> {
            try {
                last[0] =
                        fleet.api.get("/api/v1/clients/desk-02/commands/" + id).body();
                String status = last[0].get("status").asText();
                return !status.equals("pending") && !status.equals("sent");
            } catch (Exception e) {
                return false;
            }
        });
        return last[0];
    }
}
