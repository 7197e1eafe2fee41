package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop user's consent with OpenSSH through the bastion: desk-01 is in a group that requires
 * consent, and its agent asks with a real script (its {@code consentCommand}) that answers as the
 * test tells it, yes, no, or not before {@code consentTimeoutSeconds}; desk-02 has no group and is
 * never asked.
 */
class ConsentTest {

    @TempDir
    static Path temp;

    static SshFleet fleet;
    static Path answer;
    static Path asked;

    @BeforeAll
    static void start() throws Exception {
        SshFleet.assumeOpenSsh();
        fleet = SshFleet.start(temp);
        answer = temp.resolve("consent-answer");
        asked = temp.resolve("consent-asked");
        Files.writeString(answer, "no");
        Files.writeString(asked, "");
        Path prompt = fleet.script(
                "consent.sh",
                """
                printf '%%s|%%s\\n' "$1" "$2" >> '%s'
                case "$(cat '%s')" in
                  yes) exit 0 ;;
                  slow) exec sleep 30 ;;
                  *) exit 1 ;;
                esac
                """
                        .formatted(asked, answer));
        String remote =
                """
                {"consentCommand": ["%s", "{title}", "{text}"], "consentTimeoutSeconds": 2}
                """
                        .formatted(prompt);
        fleet.enroll("desk-01", remote);
        fleet.enroll("desk-02", remote);
        fleet.awaitTunnels(2);
        assertEquals(
                201,
                fleet.api
                        .post("/api/v1/groups", Map.of("name", "front-desk", "description", "ask first"))
                        .status());
        var group = fleet.api.patch("/api/v1/groups/front-desk", Map.of("consent", true));
        assertEquals(200, group.status(), group.text());
        assertTrue(group.body().get("consent").asBoolean(), group.text());
        var client = fleet.api.patch("/api/v1/clients/desk-01", Map.of("group", "front-desk"));
        assertEquals(200, client.status(), client.text());
        assertEquals("front-desk", client.body().get("group").asText(), client.text());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aYesLetsTheTechnicianInAndIsRecordedAsGranted() throws Exception {
        Files.writeString(answer, "yes");
        SshFleet.Result r = fleet.ssh("tech", "-J", "tech@bastion", "tech@desk-01", "echo let-in");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("let-in\n", r.stdout(), r.toString());
        assertTrue(Files.readString(asked).contains("Helpdesk technician tech asks"), Files.readString(asked));
        JsonNode session = fleet.sessions("desk-01").getFirst();
        assertEquals("granted", session.get("consent").asText(), session.toString());
        assertEquals("tech", session.get("user").asText(), session.toString());
        assertEquals("exec", session.get("kind").asText(), session.toString());
        assertEquals("echo let-in", session.get("detail").asText(), session.toString());
        fleet.awaitEvent("remote.session-started", "consent granted");
    }

    @Test
    void aNoKeepsTheTechnicianOutAndIsRecordedAsDenied() throws Exception {
        Files.writeString(answer, "no");
        assertDeclined("echo must-not-run-1");
    }

    @Test
    void noAnswerInTimeIsANo() throws Exception {
        Files.writeString(answer, "slow");
        long started = System.nanoTime();
        assertDeclined("echo must-not-run-2");
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertTrue(seconds >= 2 && seconds < 20, "declined after " + seconds + " s");
    }

    @Test
    void aClientWithoutConsentInItsGroupIsNeverAsked() throws Exception {
        Files.writeString(answer, "no");
        String before = Files.readString(asked);
        SshFleet.Result r = fleet.ssh("tech", "-J", "tech@bastion", "tech@desk-02", "echo no-questions");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("no-questions\n", r.stdout(), r.toString());
        assertEquals(before, Files.readString(asked), "the user of desk-02 was asked");
        assertEquals(
                "not-required",
                fleet.sessions("desk-02").getFirst().get("consent").asText());
    }

    private static void assertDeclined(String command) throws Exception {
        int asks = Files.readAllLines(asked).size();
        SshFleet.Result r = fleet.ssh("tech", "-J", "tech@bastion", "tech@desk-01", command);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.stderr().contains("declined"), r.toString());
        assertFalse(r.stdout().contains("must-not-run"), r.toString());
        List<String> lines = Files.readAllLines(asked);
        assertEquals(asks + 1, lines.size(), lines.toString());
        assertTrue(lines.getLast().startsWith("Remote session|Helpdesk technician tech asks"), lines.getLast());
        JsonNode session = fleet.sessions("desk-01").getFirst();
        assertEquals("denied", session.get("consent").asText(), session.toString());
        assertEquals(command, session.get("detail").asText(), session.toString());
        assertFalse(session.get("endedAt").isNull(), "a declined session is over: " + session);
        fleet.awaitEvent(
                "remote.session-declined",
                command + " (session " + session.get("id").asLong());
    }
}
