package org.visorfleet.console.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.init.ServerInit;

/** The API client's URL checks, its known-servers file and its answers to peers that are not what they seem. */
class FleetApiTest {

    @TempDir
    Path temp;

    @Test
    void onlyHttpsUrlsWithAHostAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> FleetApi.parse("http://fleet:8443"));
        assertThrows(IllegalArgumentException.class, () -> FleetApi.parse("fleet:8443"));
        assertThrows(IllegalArgumentException.class, () -> FleetApi.parse("https://"));
        assertEquals("fleet", FleetApi.parse(" https://fleet:8443/ ").getHost());
    }

    @Test
    void knownServersSurviveAReopenAndRefuseWhatIsNotAFingerprint() throws Exception {
        Path file = temp.resolve("home/known_servers.json");
        new KnownServers(file).remember("Fleet.Example:8443", "0f".repeat(32));
        KnownServers reopened = new KnownServers(file);
        assertEquals(
                "0f".repeat(32), reopened.fingerprintOf("fleet.example:8443").orElseThrow());
        assertTrue(reopened.fingerprintOf("other:8443").isEmpty());
        String before = Files.readString(file);
        assertThrows(IllegalArgumentException.class, () -> reopened.remember("other:1", "not-hex"));
        assertEquals(before, Files.readString(file), "a refused fingerprint changes nothing");
    }

    @Test
    void aPeerThatDoesNotSpeakTlsIsNotAFleetServer() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (Socket socket = plain.accept()) {
                    InputStream in = socket.getInputStream();
                    in.read(new byte[512]);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the client hanging up early is fine: only its verdict is checked
                }
            });
            try (FleetApi api = FleetApi.forServer(
                    "https://127.0.0.1:" + plain.getLocalPort(), new KnownServers(temp.resolve("k.json")))) {
                assertInstanceOf(LoginResult.NotAFleetServer.class, api.login("admin", "x"));
            }
            peer.join(5_000);
        }
    }

    @Test
    void aPinnedFleetCaStillHasTheServerCertificateCheckedAgainstTheHostName() throws Exception {
        // The server's certificate names only "localhost": reaching it as 127.0.0.1 must fail even when pinned.
        Path data = temp.resolve("server");
        ServerInit.initialize(data, "correct horse battery", List.of("localhost"), null);
        try (FleetServer server = FleetServer.start(FleetServer.Options.of(data)
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withWarmup(Duration.ZERO))) {
            String port = server.url().substring(server.url().lastIndexOf(':') + 1);
            String ca = Fingerprints.sha256(
                    Pem.readCertificates(data.resolve("ca.pem")).getFirst());
            KnownServers known = new KnownServers(temp.resolve("k.json"));
            known.remember("127.0.0.1:" + port, ca);
            known.remember("localhost:" + port, ca);
            try (FleetApi byAddress = FleetApi.forServer("https://127.0.0.1:" + port, known);
                    FleetApi byName = FleetApi.forServer("https://localhost:" + port, known)) {
                assertInstanceOf(LoginResult.NotAFleetServer.class, byAddress.login("admin", "correct horse battery"));
                assertInstanceOf(LoginResult.LoggedIn.class, byName.login("admin", "correct horse battery"));
            }
        }
    }
}
