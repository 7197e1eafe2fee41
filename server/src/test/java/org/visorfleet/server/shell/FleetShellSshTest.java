package org.visorfleet.server.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/** The fleet shell behind a real MINA SSH server, driven by MINA's client and by OpenSSH. */
class FleetShellSshTest {

    static final String PASSWORD = "correct horse battery";
    static final Map<String, Principal> TECHNICIANS =
            Map.of("hal", new Principal(2, "hal", Role.HELPDESK), "vera", new Principal(3, "vera", Role.VIEWER));

    @TempDir
    static Path temp;

    static FleetServer server;
    static SshServer sshd;
    static SshClient client;
    static volatile PublicKey technicianKey;

    @BeforeAll
    static void start() throws Exception {
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withWarmup(Duration.ZERO));
        try (ApiClient api =
                new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD)) {
            AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), temp.resolve("a"), "ssh-desk");
        }
        FleetShellFactory shell =
                server.fleetShell(Duration.ofSeconds(5), session -> TECHNICIANS.get(session.getUsername()));
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(temp.resolve("host-key")));
        sshd.setPasswordAuthenticator((user, password, session) -> password.equals("pw-" + user));
        sshd.setPublickeyAuthenticator(
                (user, key, session) -> technicianKey != null && KeyUtils.compareKeys(key, technicianKey));
        sshd.setShellFactory(shell);
        sshd.setCommandFactory(shell);
        sshd.start();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        sshd.stop(true);
        server.close();
    }

    static ClientSession signIn(String user) throws IOException {
        ClientSession session = client.connect(user, "127.0.0.1", sshd.getPort())
                .verify(Duration.ofSeconds(5))
                .getSession();
        session.addPasswordIdentity("pw-" + user);
        session.auth().verify(Duration.ofSeconds(5));
        return session;
    }

    /** Everything a stream delivers, collected by a thread of its own. */
    static final class Screen {
        private final StringBuilder text = new StringBuilder();

        Screen(InputStream in) {
            Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        synchronized (text) {
                            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            text.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the channel closed: the screen is complete
                }
            });
        }

        /** Waits until the screen shows {@code expected} after position {@code from}; returns its end. */
        int await(String expected, int from) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            synchronized (text) {
                while (text.indexOf(expected, from) < 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("screen never showed " + expected + ":\n" + text.substring(from));
                    }
                    text.wait(Math.max(1, left / 1_000_000));
                }
                return text.indexOf(expected, from) + expected.length();
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }

    static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    @Test
    void ptyShellAnswersCompletesStopsAndLeaves() throws Exception {
        try (ClientSession session = signIn("hal");
                ChannelShell shell = session.createShellChannel()) {
            shell.setPtyType("xterm");
            shell.setPtyColumns(100);
            long opening = System.nanoTime();
            shell.open().verify(Duration.ofSeconds(5));
            Screen screen = new Screen(shell.getInvertedOut());
            OutputStream keys = shell.getInvertedIn();
            int at = screen.await("signed in as hal (helpdesk). help() for help, Ctrl-D to leave.\r\n", 0);
            at = screen.await("fleet> ", at);
            System.out.println("fleet shell over SSH ready after "
                    + Duration.ofNanos(System.nanoTime() - opening).toMillis() + " ms");

            long asked = System.nanoTime();
            type(keys, "clients().size()\r");
            at = screen.await("==> 1\r\n", at);
            System.out.println("clients().size() answered over SSH in "
                    + Duration.ofNanos(System.nanoTime() - asked).toMillis() + " ms");
            at = screen.await("fleet> ", at);

            type(keys, "cli\t");
            at = screen.await("ent", at); // the common prefix of client( and clients()
            type(keys, "\t");
            at = screen.await("clients()", at); // several candidates: listed
            at = screen.await("fleet> client", at); // then the line again
            type(keys, "\u0015"); // Ctrl-U: the line is gone

            type(keys, "int spins = 0; while (true) { spins++; }\r");
            Thread.sleep(300);
            type(keys, "\u0003");
            at = screen.await("stopped: stopped by Ctrl-C", at);
            at = screen.await("fleet> ", at);

            type(keys, "for (int i = 0; i < 2; i++) {\r");
            at = screen.await("  ...> ", at);
            type(keys, "System.out.println(\"line \" + i); }\r");
            at = screen.await("line 0\r\nline 1\r\n", at);

            type(keys, "\u001b[A"); // up: the last snippet again
            at = screen.await("println", at);
            type(keys, "\u0003");
            at = screen.await("^C\r\nfleet> ", at);

            type(keys, "\u0004");
            shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            assertEquals(0, shell.getExitStatus());
        }
    }

    static String exec(String user, String command, int expectedStatus) throws Exception {
        try (ClientSession session = signIn(user);
                ChannelExec exec = session.createExecChannel(command)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            exec.setOut(out);
            exec.setErr(out);
            exec.open().verify(Duration.ofSeconds(5));
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(15));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(expectedStatus, exec.getExitStatus(), text);
            return text;
        }
    }

    @Test
    void execRunsTheCommandAndReportsFailureInTheExitStatus() throws Exception {
        assertTrue(exec("vera", "clients().size()", 0).contains("==> 1"));
        assertTrue(exec("vera", "client(\"ssh-desk\").action(\"ping\", Map.of())", 1)
                .contains("forbidden"));
        assertTrue(exec("hal", "System.exit(0)", 1).contains("System.exit is not available"));
        assertTrue(exec("nobody", "1 + 1", 1).contains("not signed in"));
    }

    @Test
    void shellWithoutPtyRunsEachSnippetAsItArrives() throws Exception {
        try (ClientSession session = signIn("hal");
                ChannelShell shell = session.createShellChannel()) {
            shell.setUsePty(false);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            shell.setOut(out);
            shell.setErr(new ByteArrayOutputStream());
            shell.setIn(new java.io.ByteArrayInputStream(
                    "int x = 2;\nint twice(int n) {\n  return 2 * n;\n}\ntwice(x) * 10 + x\n"
                            .getBytes(StandardCharsets.UTF_8)));
            shell.open().verify(Duration.ofSeconds(5));
            shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(15));
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("==> 42\n"), text);
            assertTrue(!text.contains("\r\n"), "no terminal, no CRLF");
            assertEquals(0, shell.getExitStatus());
        }
    }

    @Test
    void openSshClientGetsTheShell() throws Exception {
        boolean required = "1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"));
        boolean present =
                Files.isExecutable(Path.of("/usr/bin/ssh")) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen"));
        if (required) {
            assertTrue(present, "VISORFLEET_REQUIRE_E2E=1 but ssh or ssh-keygen is missing");
        }
        assumeTrue(present, "OpenSSH client not installed");
        Path key = temp.resolve("hal-key");
        Process keygen = new ProcessBuilder(
                        "ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", key.toString())
                .redirectErrorStream(true)
                .start();
        assertEquals(0, keygen.waitFor());
        technicianKey = AuthorizedKeyEntry.readAuthorizedKeys(Path.of(key + ".pub"))
                .getFirst()
                .resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
        Process ssh = new ProcessBuilder(
                        "ssh",
                        "-tt",
                        "-p",
                        String.valueOf(sshd.getPort()),
                        "-i",
                        key.toString(),
                        "-o",
                        "StrictHostKeyChecking=no",
                        "-o",
                        "UserKnownHostsFile=/dev/null",
                        "-o",
                        "BatchMode=yes",
                        "-o",
                        "IdentitiesOnly=yes",
                        "-o",
                        "LogLevel=ERROR",
                        "hal@127.0.0.1")
                .redirectErrorStream(true)
                .start();
        try {
            Screen screen = new Screen(ssh.getInputStream());
            int at = screen.await("fleet> ", 0);
            type(ssh.getOutputStream(), "client(\"ssh-desk\").name().toUpperCase()\r");
            at = screen.await("==> \"SSH-DESK\"", at);
            screen.await("fleet> ", at);
            type(ssh.getOutputStream(), "\u0004");
            assertTrue(ssh.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), screen.text());
            assertEquals(0, ssh.exitValue(), screen.text());
        } finally {
            ssh.destroy();
        }
    }
}
