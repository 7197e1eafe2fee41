package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.init.ServerInit;

/** Technicians' passwords open the bastion only where the server allows them; keys always do. */
class BastionPasswordTest {

    static final String PASSWORD = OpenSshJumpTest.PASSWORD;
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path temp;

    @Test
    void passwordsWorkOnlyWhenEnabled() throws Exception {
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        try (FleetServer keysOnly = start(false)) {
            assertThrows(Exception.class, () -> exec(keysOnly.sshPort(), PASSWORD, "1 + 1"));
        }
        try (FleetServer passwords = start(true)) {
            assertEquals(
                    "$1 ==> 2", exec(passwords.sshPort(), PASSWORD, "1 + 1").strip());
            assertThrows(Exception.class, () -> exec(passwords.sshPort(), "wrong password", "1 + 1"));
        }
    }

    private FleetServer start(boolean passwords) throws Exception {
        return FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withSsh(0, passwords)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(OpenSshJumpTest.FAST)
                .withWarmup(Duration.ZERO));
    }

    /** Runs {@code command} in the fleet shell as admin, signed in with {@code password}. */
    static String exec(int port, String password, String command) throws Exception {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session =
                    client.connect("admin", "127.0.0.1", port).verify(WAIT).getSession()) {
                session.addPasswordIdentity(password);
                session.auth().verify(WAIT);
                try (ChannelExec channel = session.createExecChannel(command)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    channel.setOut(out);
                    channel.setErr(out);
                    channel.open().verify(WAIT);
                    channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
                    assertTrue(channel.getExitStatus() != null, "an exit status");
                    return out.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }
}
