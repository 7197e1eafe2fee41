package org.visorfleet.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.FleetTls;
import org.visorfleet.common.pki.TlsStores;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.GridResult;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;

/**
 * A protocol-level agent for grid tests: enrolled for real (its own key and certificate), it keeps
 * the agent WebSocket (hello, grid status), collects the work and cancels it is sent, and talks
 * HTTPS with its client certificate (blobs, results). Results are built, not run.
 */
public final class GridPeer implements AutoCloseable {

    private final String name;
    private final AgentData.Identity identity;
    private final URI server;
    private final WebSocketClient websockets;
    private final HttpClient https;
    private final LinkedBlockingQueue<ServerMessage.Work> work = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<ServerMessage.WorkCancel> cancels = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<ServerMessage.Welcome> welcomes = new LinkedBlockingQueue<>();
    private volatile Session session;

    private GridPeer(String name, AgentData.Identity identity, URI server) throws Exception {
        this.name = name;
        this.identity = identity;
        this.server = server;
        this.websockets = FleetTls.webSocketClient(identity, Duration.ofSeconds(5));
        KeyStore keys = TlsStores.keyStore(identity.key(), identity.certificate());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, TlsStores.PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(TlsStores.trustStore(identity.ca()));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        this.https = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Enrolls a new agent with a fresh token and connects it (hello answered by a welcome). */
    public static GridPeer enroll(URI server, ApiClient api, Path dir, String hostname) throws Exception {
        AgentData.Settings settings = AgentEnroller.enroll(server, api.enrollmentToken(null), dir, hostname);
        GridPeer peer = new GridPeer(settings.name(), new AgentData(dir).identity(), server);
        peer.connect();
        return peer;
    }

    /** Sorts the server's frames (Jetty needs a public listener class). */
    public final class Inbox implements Session.Listener.AutoDemanding {
        @Override
        public void onWebSocketText(String text) {
            if (WireJson.decodeServer(text) instanceof WireJson.Decoded.Ok<ServerMessage>(ServerMessage m)) {
                switch (m) {
                    case ServerMessage.Work w -> work.add(w);
                    case ServerMessage.WorkCancel c -> cancels.add(c);
                    case ServerMessage.Welcome w -> welcomes.add(w);
                    default -> {}
                }
            }
        }
    }

    public String name() {
        return name;
    }

    public PrivateKey key() {
        return identity.key();
    }

    public void connect() throws Exception {
        Inbox listener = new Inbox();
        URI ws = URI.create(server.toString().replace("https:", "wss:") + "/agent/v1/connect");
        session = websockets.connect(listener, ws).get(10, TimeUnit.SECONDS);
        send(new AgentMessage.Hello("grid-peer-test", null));
        if (welcomes.poll(10, TimeUnit.SECONDS) == null) {
            throw new IllegalStateException(name + ": no welcome");
        }
    }

    /** Reports the grid state (this is also the request for work). */
    public void status(boolean idle, int running, int freeSlots) {
        send(new AgentMessage.GridStatus(idle, idle ? "idle for test" : "user active", running, freeSlots));
    }

    private void send(AgentMessage message) {
        session.sendText(WireJson.encode(message), Callback.NOOP);
    }

    /** The next work sent, or null if none arrives within {@code wait}. */
    public ServerMessage.Work work(Duration wait) throws InterruptedException {
        return work.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public ServerMessage.WorkCancel cancel(Duration wait) throws InterruptedException {
        return cancels.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Work already received and not yet taken. */
    public int pendingWork() {
        return work.size();
    }

    /** A signed {@code exited} result with fixed contents. */
    public GridResult result(long assignment, String stdout, Map<String, byte[]> outputs) {
        return GridResult.signed(
                assignment,
                GridResult.EXITED,
                0,
                "exited 0",
                1_000 + stdout.length(),
                stdout.getBytes(),
                new byte[0],
                outputs,
                identity.key());
    }

    public HttpResponse<byte[]> blob(String sha) throws Exception {
        return https.send(
                HttpRequest.newBuilder(server.resolve("/agent/v1/grid/blobs/" + sha))
                        .timeout(Duration.ofSeconds(15))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> put(long assignment, GridResult result) throws Exception {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        WireJson.encode(result, body);
        return put(assignment, body.toByteArray());
    }

    public HttpResponse<String> put(long assignment, byte[] body) throws Exception {
        return https.send(
                HttpRequest.newBuilder(server.resolve("/agent/v1/grid/results/" + assignment))
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            Session s = session;
            if (s != null) {
                s.close();
            }
            websockets.stop();
        } catch (Exception e) {
            // closing a test peer
        }
        https.close();
    }
}
