package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet shell on the bastion with OpenSSH ({@code ssh -p PORT tech@server 'EXPRESSION'} and an
 * interactive {@code ssh -tt}) over two real agents: reading the fleet, queuing a message and a
 * command that the agent really runs, and the refusals (a viewer's action, {@code System.exit}, an
 * agent asking for a shell).
 */
class FleetShellOpenSshTest {

    @TempDir
    static Path temp;

    static SshFleet fleet;
    static Path shown;

    @BeforeAll
    static void start() throws Exception {
        SshFleet.assumeOpenSsh();
        fleet = SshFleet.start(temp);
        shown = temp.resolve("shown.txt");
        Files.writeString(shown, "");
        Path message = fleet.script("message.sh", "printf '%%s\\n' \"$1\" >> '%s'\n".formatted(shown));
        String remote = "{\"messageCommand\": [\"%s\", \"{text}\"]}".formatted(message);
        fleet.enroll("desk-01", remote);
        fleet.enroll("desk-02", remote);
        fleet.awaitTunnels(2);
        fleet.awaitOnline("desk-01");
        fleet.awaitOnline("desk-02");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    static SshFleet.Result shell(String who, String snippet) throws Exception {
        return fleet.ssh(who, who + "@bastion", snippet);
    }

    @Test
    void readsTheFleet() throws Exception {
        SshFleet.Result size = shell("tech", "clients().size()");
        assertEquals(0, size.exit(), size.toString());
        assertTrue(size.stdout().contains("==> 2"), size.toString());
        SshFleet.Result names = shell("tech", "clients().stream().map(Client::name).sorted().toList()");
        assertEquals(0, names.exit(), names.toString());
        assertTrue(names.stdout().contains("==> [desk-01, desk-02]"), names.toString());
    }

    @Test
    void aMessageIsShownByTheAgentsOwnCommand() throws Exception {
        SshFleet.Result r = shell(
                "tech",
                "client(\"desk-01\").message(\"hello from the shell\").await(java.time.Duration.ofSeconds(10))");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().matches("(?s).*message on desk-01 \\(command \\d+\\): done.*"), r.toString());
        assertTrue(Files.readAllLines(shown).contains("hello from the shell"), Files.readString(shown));
    }

    @Test
    void aCommandRunsOnTheDesktop() throws Exception {
        SshFleet.Result r =
                shell("tech", "client(\"desk-01\").run(\"echo hi\").await(java.time.Duration.ofSeconds(10)).stdout()");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("==> \"hi\\n\""), r.toString());
    }

    @Test
    void aViewerCannotAct() throws Exception {
        SshFleet.Result read = shell("viewer", "clients().size()");
        assertEquals(0, read.exit(), read.toString());
        assertTrue(read.stdout().contains("==> 2"), read.toString());
        SshFleet.Result act = shell("viewer", "client(\"desk-01\").message(\"from a viewer\")");
        assertNotEquals(0, act.exit(), act.toString());
        assertTrue(act.stdout().contains("viewer (viewer) may not reach desk-01"), act.toString());
        assertFalse(Files.readString(shown).contains("from a viewer"));
    }

    @Test
    void systemExitIsRefusedAndTheServerGoesOn() throws Exception {
        SshFleet.Result exit = shell("tech", "System.exit(0)");
        assertNotEquals(0, exit.exit(), exit.toString());
        assertTrue(exit.stdout().contains("refused:"), exit.toString());
        SshFleet.Result after = shell("tech", "clients().size()");
        assertEquals(0, after.exit(), after.toString());
        assertTrue(after.stdout().contains("==> 2"), after.toString());
        assertEquals(200, fleet.api.get("/api/v1/clients").status());
    }

    @Test
    void anInteractiveSessionFedFromAPipe() throws Exception {
        try (SshFleet.Interactive session = fleet.interactive("tech", "-tt", "tech@bastion")) {
            session.awaitOutput("fleet> ");
            session.type("clients().stream().map(Client::name).sorted().toList()\r");
            session.awaitOutput("==> [desk-01, desk-02]");
            session.type("client(\"desk-02\").run(\"echo from-$((6*7))\").await(Duration.ofSeconds(10)).stdout()\r");
            session.awaitOutput("==> \"from-42\\n\"");
            session.type("\u0004");
            assertTrue(session.awaitEnd(Duration.ofSeconds(10)), session.output());
            assertEquals(0, session.process.exitValue(), session.output() + session.stderr());
        }
        fleet.awaitEvent("shell.closed", "2 snippets");
    }

    @Test
    void anAgentGetsNoShell() throws Exception {
        try (ClientSession agent = fleet.mina(fleet.agentUser("desk-01"), fleet.agentKeys("desk-01"))) {
            try (ChannelExec exec = agent.createExecChannel("clients().size()")) {
                assertRefusedChannel(exec);
            }
            try (ChannelShell shell = agent.createShellChannel()) {
                assertRefusedChannel(shell);
            }
        }
    }

    /** The channel ends at once with status 1 and the reason, having run nothing. */
    private static void assertRefusedChannel(ClientChannel channel) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        channel.setOut(out);
        channel.setErr(err);
        try {
            channel.open().verify(Duration.ofSeconds(10));
        } catch (java.io.IOException e) {
            return; // not even opened: refused too
        }
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
        assertEquals(1, channel.getExitStatus(), err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("not signed in as a technician"),
                err.toString(StandardCharsets.UTF_8));
    }
}
