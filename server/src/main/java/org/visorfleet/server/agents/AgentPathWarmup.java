package org.visorfleet.server.agents;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.visorfleet.common.pki.Csr;
import org.visorfleet.common.pki.FleetCa;
import org.visorfleet.common.pki.KeyPairs;
import org.visorfleet.common.pki.TlsStores;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.Inventory;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.api.ApiHandler;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.fleet.Clients;

/**
 * Rehearses the agent path before agents need it: right after the server starts listening it
 * connects to itself the way an agent does (mutual TLS over a real socket, WebSocket upgrade, hello,
 * welcome, heartbeats, pongs) with a throwaway certificate that only {@link #PATH} accepts, and runs
 * the hello's SQL in a transaction that changes nothing. A fresh server is a cold JVM: without this
 * the first wave of a failover pays for class loading, method-handle linkage and an interpreted TLS
 * stack, which on a 2-core server made ten agents wait most of a second.
 */
public final class AgentPathWarmup implements ApiHandler.Upgrade {

    public static final String PATH = "/agent/v1/warm-up";
    private static final System.Logger LOG = System.getLogger(AgentPathWarmup.class.getName());
    private static final Inventory INVENTORY =
            new Inventory("warm-up", "warm-up", "warm-up", 1, 0, 0, 0, 0, 0, 0, null, "warm-up", null);

    private final ServerWebSocketContainer container;
    private final KeyPair key;
    private final X509Certificate certificate;
    private final X509Certificate ca;
    private final String serverId;

    public AgentPathWarmup(ServerWebSocketContainer container, FleetCa ca, String serverId) {
        this.container = container;
        this.key = KeyPairs.generateEc();
        this.certificate = ca.issueClient(Csr.create(key, "warm-up"), "warm-up", Duration.ofHours(1));
        this.ca = ca.certificate();
        this.serverId = serverId;
    }

    /** Accepts only this server's own throwaway certificate. */
    @Override
    public boolean upgrade(Request request, Response response, Callback callback) throws Exception {
        EndPoint.SslSessionData tls = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = tls == null ? null : tls.peerCertificates();
        if (chain == null || chain.length == 0 || !sameCertificate(chain[0])) {
            throw Refusal.notFound("no such endpoint: " + PATH);
        }
        return container.upgrade((rq, rs, cb) -> new Echo(serverId), request, response, callback);
    }

    /**
     * Connects to {@code host:port} as an agent until {@code budget} is spent, then rehearses the
     * hello's SQL. Failures are logged, never thrown: warming up is an optimisation.
     */
    public void run(String certifiedHost, InetSocketAddress self, Duration budget, Database database, Clients clients) {
        long deadline = System.nanoTime() + budget.toNanos();
        int rounds = 0;
        WebSocketClient client = null;
        try {
            client = client(self);
            URI uri = URI.create("wss://" + certifiedHost + ":" + self.getPort() + PATH);
            while (System.nanoTime() < deadline) {
                rehearse(client, uri);
                rounds++;
            }
            for (int i = 0; i < 20; i++) {
                database.transaction(c -> {
                    clients.markOnline(c, -1, serverId, "warm-up", null, null); // no such client: changes nothing
                    return clients.ackedEventSeq(c, -1);
                });
                clients.byCertificateSerial("0");
            }
            LOG.log(System.Logger.Level.DEBUG, "agent path rehearsed {0} times", rounds);
        } catch (Exception e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "agent path warm-up stopped after {0} rounds: {1}",
                    rounds,
                    e.toString());
        } finally {
            if (client != null) {
                try {
                    client.stop();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.DEBUG, "warm-up client stop: {0}", e.toString());
                }
            }
        }
    }

    private void rehearse(WebSocketClient client, URI uri) throws Exception {
        Replies replies = new Replies();
        Session session = client.connect(replies, uri).get(5, TimeUnit.SECONDS);
        replies.await(session, new AgentMessage.Hello("warm-up", INVENTORY), ServerMessage.Welcome.class);
        for (int seq = 1; seq <= 3; seq++) {
            replies.await(session, new AgentMessage.Heartbeat(seq, INVENTORY), ServerMessage.Pong.class);
        }
        session.close();
    }

    /** A client that checks the server's name as agents do, but reaches this server whatever the name resolves to. */
    private WebSocketClient client(InetSocketAddress self) throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setKeyStore(TlsStores.keyStore(key.getPrivate(), certificate));
        tls.setKeyStorePassword(new String(TlsStores.PASSWORD));
        tls.setTrustStore(TlsStores.trustStore(ca));
        tls.setTrustStorePassword(new String(TlsStores.PASSWORD));
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setSocketAddressResolver((host, port, context, promise) -> promise.succeeded(List.of(self)));
        WebSocketClient client = new WebSocketClient(http);
        client.start();
        return client;
    }

    private boolean sameCertificate(X509Certificate presented) {
        try {
            return Arrays.equals(presented.getEncoded(), certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
    }

    /** The server side of the rehearsal: answers like the agent endpoint, touching no state. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private final String serverId;
        private Session session;

        Echo(String serverId) {
            this.serverId = serverId;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String text) {
            ServerMessage reply =
                    switch (WireJson.decodeAgent(text)) {
                        case WireJson.Decoded.Ok<AgentMessage>(AgentMessage.Hello hello) ->
                            new ServerMessage.Welcome("warm-up", serverId, 1000, 0, 0, null);
                        case WireJson.Decoded.Ok<AgentMessage>(AgentMessage.Heartbeat heartbeat) ->
                            new ServerMessage.Pong(heartbeat.seq());
                        default -> null;
                    };
            if (reply != null) {
                session.sendText(WireJson.encode(reply), org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }
    }

    /** The client side: sends one message and waits for the expected answer. */
    public static final class Replies implements Session.Listener.AutoDemanding {
        private volatile CompletableFuture<ServerMessage> next = new CompletableFuture<>();

        @Override
        public void onWebSocketText(String text) {
            if (WireJson.decodeServer(text) instanceof WireJson.Decoded.Ok<ServerMessage>(ServerMessage message)) {
                next.complete(message);
            }
        }

        void await(Session session, AgentMessage message, Class<? extends ServerMessage> expected) throws Exception {
            next = new CompletableFuture<>();
            session.sendText(WireJson.encode(message), org.eclipse.jetty.websocket.api.Callback.NOOP);
            ServerMessage reply = next.get(5, TimeUnit.SECONDS);
            if (!expected.isInstance(reply)) {
                throw new IllegalStateException("expected " + expected.getSimpleName() + ", got " + reply);
            }
        }
    }

    @Override
    public String toString() {
        return "agent path warm-up (" + serverId + ")";
    }
}
