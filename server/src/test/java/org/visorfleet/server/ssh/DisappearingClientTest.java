package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A desktop that goes away under a technician's interactive OpenSSH session: the session ends
 * promptly instead of hanging, the jump's end is audited, the other desktop is still reachable and
 * the gone one is refused with its reason.
 */
class DisappearingClientTest {

    @TempDir
    Path temp;

    SshFleet fleet;

    @BeforeEach
    void start() throws Exception {
        SshFleet.assumeOpenSsh();
        fleet = SshFleet.start(temp);
        fleet.enroll("desk-01", null);
        fleet.enroll("desk-02", null);
        fleet.awaitTunnels(2);
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void anInteractiveSessionEndsWhenItsDesktopGoesAway() throws Exception {
        try (SshFleet.Interactive session = fleet.interactive("tech", "-tt", "-J", "tech@bastion", "tech@desk-01")) {
            // What the shell prints, not the terminal's echo of what was typed ("al''ive").
            session.type("echo al''ive\n");
            session.awaitOutput("alive\r\n");
            assertTrue(session.process.isAlive());

            long started = System.nanoTime();
            fleet.stopAgent("desk-01");
            boolean ended = session.awaitEnd(Duration.ofSeconds(10));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(ended, "ssh still running 10 s after desk-01 went away: " + session.output());
            assertNotEquals(0, session.process.exitValue(), session.stderr());
            System.out.println("ssh ended " + millis + " ms after desk-01 stopped, exit " + session.process.exitValue()
                    + ": " + session.stderr().strip());
        }
        fleet.awaitEvent("ssh.jump-ended", "\"client\":\"desk-01\"");
        SshFleet.await("the shell session on desk-01 reported ended", () -> {
            try {
                var session = fleet.sessions("desk-01").getFirst();
                return session.get("kind").asText().equals("shell")
                        && !session.get("endedAt").isNull();
            } catch (Exception e) {
                return false;
            }
        });

        SshFleet.Result other = fleet.ssh("tech", "-J", "tech@bastion", "tech@desk-02", "echo still-here");
        assertEquals(0, other.exit(), other.toString());
        assertEquals("still-here\n", other.stdout(), other.toString());

        fleet.awaitOnline("desk-02");
        SshFleet.await("desk-01 offline", () -> {
            try {
                return !fleet.api.clientStatus("desk-01").equals("online");
            } catch (Exception e) {
                return false;
            }
        });
        SshFleet.Result gone = fleet.ssh("tech", "-W", "desk-01:22", "tech@bastion");
        assertEquals(255, gone.exit(), gone.toString());
        assertTrue(
                gone.stderr().contains("administratively prohibited: desk-01 is offline")
                        || gone.stderr().contains("no SSH tunnel"),
                gone.toString());
        fleet.awaitEvent("ssh.jump-refused", "to desk-01: desk-01 is");
    }
}
