package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bastion against hostile or confused peers: bytes that are not SSH, lying packet lengths,
 * noise, technicians asking for forwards the bastion does not give, and keys used as someone else.
 * Each is refused or closed, and the agents' tunnels and everyone else's jumps carry on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BastionAbuseTest {

    static final Duration CLOSED_WITHIN = Duration.ofSeconds(5);

    @TempDir
    static Path temp;

    static SshFleet fleet;
    /** A second key of {@code tech}, made here so that MINA's client can use it. */
    static KeyPair techKeys;
    /** The tunnels' ports before the abuse: they must be the same after it. */
    static Map<String, Integer> tunnelsBefore;

    @BeforeAll
    static void start() throws Exception {
        SshFleet.assumeOpenSsh();
        fleet = SshFleet.start(temp);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        techKeys = generator.generateKeyPair();
        fleet.addKey("tech", PublicKeyEntry.toString(techKeys.getPublic()) + " tech@mina");
        fleet.enroll("desk-01", null);
        fleet.enroll("desk-02", null);
        fleet.awaitTunnels(2);
        tunnelsBefore = tunnels();
        assertEquals(2, tunnelsBefore.size(), tunnelsBefore.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void somethingElseThanSshIsClosed() throws Exception {
        byte[] http = "GET / HTTP/1.1\r\nHost: bastion\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertClosed("an HTTP request", http);
        byte[] endless = new byte[64 << 10];
        Arrays.fill(endless, (byte) 'x');
        assertClosed("64 KiB without a line end", endless);
        byte[] nul = new byte[1024];
        assertClosed("NUL bytes", nul);
    }

    @Test
    @Order(2)
    void aHugePacketLengthIsClosed() throws Exception {
        for (int length : new int[] {0x7fffffff, 0xffffffff, 0x40000000, 0}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write("SSH-2.0-x\r\n".getBytes(StandardCharsets.US_ASCII));
            bytes.write(ByteBuffer.allocate(4).putInt(length).array());
            bytes.write(new byte[] {4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // padding length, KEXINIT, a cookie
            assertClosed("a packet of length " + Integer.toUnsignedString(length), bytes.toByteArray());
        }
    }

    @Test
    @Order(3)
    void noiseAfterTheIdentificationIsClosed() throws Exception {
        for (long seed : new long[] {1, 2, 3, 42, 2026}) {
            byte[] noise = new byte[8192];
            new Random(seed).nextBytes(noise);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write("SSH-2.0-noise\r\n".getBytes(StandardCharsets.US_ASCII));
            bytes.write(noise);
            assertClosed("random bytes of seed " + seed, bytes.toByteArray());
        }
    }

    @Test
    @Order(4)
    void aTechnicianGetsNoListenerAndNoRouteToTheServerItself() throws Exception {
        try (ClientSession session = fleet.mina("tech", techKeys)) {
            for (String host : new String[] {"127.0.0.1", "0.0.0.0", "localhost"}) {
                assertThrows(
                        IOException.class,
                        () -> session.startRemotePortForwarding(
                                new SshdSocketAddress(host, 0), new SshdSocketAddress("127.0.0.1", 9)),
                        "tcpip-forward on " + host);
            }
            int https = fleet.server.httpsPort();
            assertRefused(session, "127.0.0.1", https, "only port 22");
            assertRefused(session, "127.0.0.1", 22, "no client named \"127.0.0.1\"");
            assertRefused(session, "localhost", 22, "no client localhost");
            assertRefused(session, "desk-01.example.org", 22, "no client named \"desk-01.example.org\"");
            int tunnel = tunnelsBefore.get("desk-01");
            assertRefused(session, "127.0.0.1", tunnel, "only port 22");
            assertRefused(session, "desk-01", https, "only port 22");
            // The same session still jumps where it may: the refusals were refusals, not breakage.
            ChannelDirectTcpip jump = session.createDirectTcpipChannel(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress("desk-01", 22));
            jump.open().verify(Duration.ofSeconds(10));
            byte[] banner = new byte[8];
            int n = jump.getInvertedOut().readNBytes(banner, 0, banner.length);
            assertEquals("SSH-2.0-", new String(banner, 0, n, StandardCharsets.US_ASCII));
            jump.close(true);
        }
        fleet.awaitEvent("ssh.jump-refused", "to 127.0.0.1: only port 22 of a client");
        fleet.awaitEvent("ssh.jump-refused", "to localhost: no client localhost");
    }

    @Test
    @Order(5)
    void keysOnlyWorkForTheirOwners() throws Exception {
        KeyPair agentKeys = fleet.agentKeys("desk-01");
        String agentUser = fleet.agentUser("desk-01");
        try (ClientSession asTech = fleet.connect("tech")) {
            asTech.addPublicKeyIdentity(agentKeys);
            assertThrows(IOException.class, () -> asTech.auth().verify(Duration.ofSeconds(10)));
        }
        try (ClientSession asAgent = fleet.connect(agentUser)) {
            asAgent.addPublicKeyIdentity(techKeys);
            assertThrows(IOException.class, () -> asAgent.auth().verify(Duration.ofSeconds(10)));
        }
        // desk-02's key is an agent's key, but not the one of desk-01's certificate.
        try (ClientSession swapped = fleet.connect(agentUser)) {
            swapped.addPublicKeyIdentity(fleet.agentKeys("desk-02"));
            assertThrows(IOException.class, () -> swapped.auth().verify(Duration.ofSeconds(10)));
        }
        fleet.awaitEvent("ssh.login-failed", "user tech\"");
        fleet.awaitEvent("ssh.login-failed", "user " + agentUser + "\"");
    }

    @Test
    @Order(6)
    void anAgentMayOnlyServeItsOwnTunnel() throws Exception {
        try (ClientSession agent = fleet.mina(fleet.agentUser("desk-01"), fleet.agentKeys("desk-01"))) {
            assertRefused(agent, "desk-02", 22, "only technicians may jump");
            // (A second forward on loopback port 0 is the agent reconnecting: it replaces the tunnel.)
            for (SshdSocketAddress where : new SshdSocketAddress[] {
                new SshdSocketAddress("0.0.0.0", 0), new SshdSocketAddress("127.0.0.1", 2222)
            }) {
                assertThrows(
                        IOException.class,
                        () -> agent.startRemotePortForwarding(where, new SshdSocketAddress("127.0.0.1", 22)),
                        "a listener on " + where);
            }
        }
        fleet.awaitEvent("ssh.jump-refused", "to desk-02: only technicians may jump");
    }

    @Test
    @Order(100)
    void everyoneElseWasServedThroughout() throws Exception {
        assertEquals(tunnelsBefore, tunnels(), "the agents' tunnels were not disturbed");
        for (String desk : new String[] {"desk-01", "desk-02"}) {
            SshFleet.Result r = fleet.ssh("tech", "-J", "tech@bastion", "tech@" + desk, "echo still-$((6*7))");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("still-42\n", r.stdout(), r.toString());
        }
    }

    /** Each client's tunnel port (client ids are small: this fleet enrolled two clients). */
    static Map<String, Integer> tunnels() {
        Map<String, Integer> ports = new TreeMap<>();
        for (long id = 1; id <= 20; id++) {
            fleet.server.bastion().tunnels().of(id).ifPresent(t -> ports.put(t.clientName(), t.port()));
        }
        return ports;
    }

    private static void assertRefused(ClientSession session, String host, int port, String reason) throws IOException {
        ChannelDirectTcpip channel = session.createDirectTcpipChannel(
                new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(host, port));
        try {
            channel.open().verify(Duration.ofSeconds(10));
            fail("direct-tcpip to " + host + ":" + port + " was opened");
        } catch (IOException e) {
            // MINA wraps the SshChannelOpenException that carries the bastion's reason
            assertTrue(e.getMessage().contains(reason), host + ":" + port + ": " + e.getMessage());
        } finally {
            channel.close(true);
        }
    }

    /**
     * Connects and sends {@code bytes}: a first line on its own (as real clients send their
     * identification: MINA looks at what follows it only when more arrives), then the rest, then a
     * KiB more (after a bad packet length MINA, like OpenSSH, reads on a few blocks before hanging
     * up, so that lengths cannot be probed; a peer that goes quiet instead is closed by the 30 s
     * authentication timeout). The bastion must then close the connection on its own, having sent
     * only SSH: its identification and KEXINIT.
     */
    private static void assertClosed(String what, byte[] bytes) throws Exception {
        long started = System.nanoTime();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", fleet.server.sshPort()), 5000);
            socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
            try {
                OutputStream out = socket.getOutputStream();
                int split = indexOfLf(bytes) + 1;
                out.write(bytes, 0, split);
                out.flush();
                Thread.sleep(200);
                out.write(bytes, split, bytes.length - split);
                out.flush();
                Thread.sleep(200);
                out.write(new byte[1024]);
                out.flush();
            } catch (SocketException e) {
                // the bastion hung up while we were still talking: closed, as it should be
            }
            try {
                socket.getInputStream().transferTo(received);
            } catch (SocketTimeoutException e) {
                fail(what + ": the bastion kept the connection open for " + CLOSED_WITHIN.toSeconds() + " s");
            } catch (SocketException e) {
                // reset by the bastion: closed too
            }
        }
        String text = new String(received.toByteArray(), StandardCharsets.ISO_8859_1);
        assertTrue(text.isEmpty() || text.startsWith("SSH-2.0-visorfleet"), what + ": got " + text);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println(what + ": closed after " + millis + " ms, " + received.size() + " bytes received ("
                + text.lines().limit(1).collect(Collectors.joining()) + ")");
    }

    private static int indexOfLf(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
