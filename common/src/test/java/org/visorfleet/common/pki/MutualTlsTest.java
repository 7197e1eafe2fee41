package org.visorfleet.common.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real JSSE mutual-TLS handshakes on loopback with stores from {@link TlsStores}. */
class MutualTlsTest {

    private static FleetCa ca;
    private static FleetCa otherCa;
    private static KeyPair serverKeys;
    private static X509Certificate serverCert;

    private ExecutorService executor;
    private SSLServerSocket serverSocket;

    @BeforeAll
    static void pki() {
        ca = FleetCa.create("fleet CA");
        otherCa = FleetCa.create("someone else's CA");
        serverKeys = KeyPairs.generateEc();
        serverCert = ca.issueServer(
                serverKeys.getPublic(), "fleet server", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    }

    @BeforeEach
    void server() throws Exception {
        SSLContext context = context(serverKeys, serverCert, ca.certificate());
        serverSocket = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        serverSocket.setNeedClientAuth(true);
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void close() throws IOException {
        executor.shutdownNow();
        serverSocket.close();
    }

    @Test
    void fleetClientIsAcceptedAndSeenByItsName() throws Exception {
        Future<String> server = acceptOne();
        KeyPair agentKeys = KeyPairs.generateEc();
        X509Certificate agent = ca.issueClient(Csr.create(agentKeys, "ignored"), "agent-42", Duration.ofHours(1));

        try (SSLSocket client = connect("localhost", agentKeys, agent, ca.certificate())) {
            assertEquals(serverCert, client.getSession().getPeerCertificates()[0]);
        }
        assertEquals("CN=agent-42", server.get(10, TimeUnit.SECONDS));
    }

    @Test
    void hostnameVerificationPassesForSanIpAddress() throws Exception {
        Future<String> server = acceptOne();
        KeyPair agentKeys = KeyPairs.generateEc();
        X509Certificate agent = ca.issueClient(Csr.create(agentKeys, "a"), "agent-ip", Duration.ofHours(1));
        try (SSLSocket client = connect("127.0.0.1", agentKeys, agent, ca.certificate())) {
            assertEquals("TLSv1.3", client.getSession().getProtocol());
        }
        assertEquals("CN=agent-ip", server.get(10, TimeUnit.SECONDS));
    }

    @Test
    void hostnameVerificationFailsForNameNotInSan() throws Exception {
        // Only "localhost" and 127.0.0.1 are certified; the same server under another IP literal is not.
        X509Certificate narrow = ca.issueServer(
                serverKeys.getPublic(), "fleet server", List.of("localhost"), List.of(), Duration.ofDays(1));
        serverSocket.close();
        SSLContext context = context(serverKeys, narrow, ca.certificate());
        serverSocket = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        serverSocket.setNeedClientAuth(true);
        acceptOne();
        KeyPair agentKeys = KeyPairs.generateEc();
        X509Certificate agent = ca.issueClient(Csr.create(agentKeys, "a"), "agent", Duration.ofHours(1));

        SSLHandshakeException e =
                assertThrows(SSLHandshakeException.class, () -> connect("127.0.0.1", agentKeys, agent, ca.certificate())
                        .close());
        assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1"), e.getMessage());
    }

    @Test
    void clientFromAnotherCaIsRejectedByTheServer() throws Exception {
        Future<String> server = acceptOne();
        KeyPair strangerKeys = KeyPairs.generateEc();
        X509Certificate stranger = otherCa.issueClient(Csr.create(strangerKeys, "x"), "stranger", Duration.ofHours(1));

        // TLS 1.3 completes the client's side before the server judges its certificate, so the client
        // may only notice at the byte exchange in connect(); the server's verdict is the sharp check.
        assertThrows(IOException.class, () -> connect("localhost", strangerKeys, stranger, ca.certificate())
                .close());
        ExecutionException e = assertThrows(ExecutionException.class, () -> server.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SSLHandshakeException.class, e.getCause());
    }

    @Test
    void serverFromAnotherCaIsRejectedByTheClient() throws Exception {
        KeyPair strangerKeys = KeyPairs.generateEc();
        X509Certificate strangerServer = otherCa.issueServer(
                strangerKeys.getPublic(), "fake", List.of("localhost"), List.of(), Duration.ofDays(1));
        serverSocket.close();
        serverSocket = (SSLServerSocket) context(strangerKeys, strangerServer, ca.certificate())
                .getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        acceptOne();
        KeyPair agentKeys = KeyPairs.generateEc();
        X509Certificate agent = ca.issueClient(Csr.create(agentKeys, "a"), "agent", Duration.ofHours(1));
        assertThrows(SSLHandshakeException.class, () -> connect("localhost", agentKeys, agent, ca.certificate())
                .close());
    }

    /** Accepts one connection, completes the handshake, echoes one byte, returns the client's subject. */
    private Future<String> acceptOne() {
        return executor.submit(() -> {
            try (SSLSocket socket = (SSLSocket) serverSocket.accept()) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                int b = socket.getInputStream().read();
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal()
                        .getName();
            }
        });
    }

    /** Connects as {@code host} with HTTPS hostname verification, handshakes and exchanges one byte. */
    private SSLSocket connect(String host, KeyPair keys, X509Certificate cert, X509Certificate anchor)
            throws Exception {
        SSLSocket socket = (SSLSocket)
                context(keys, cert, anchor).getSocketFactory().createSocket(host, serverSocket.getLocalPort());
        try {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write(7);
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() != 7) {
                throw new IOException("server did not echo");
            }
            return socket;
        } catch (Exception e) {
            socket.close();
            throw e;
        }
    }

    private static SSLContext context(KeyPair keys, X509Certificate cert, X509Certificate anchor) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(TlsStores.keyStore(keys.getPrivate(), cert), TlsStores.PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(TlsStores.trustStore(anchor));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
