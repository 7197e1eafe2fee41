package org.visorfleet.agent.link;

import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.visorfleet.agent.AgentData;
import org.visorfleet.common.pki.TlsStores;

/**
 * The agent's TLS client: presents the agent's certificate, trusts only the fleet CA and checks the
 * server's name against its certificate.
 */
public final class FleetTls {

    private FleetTls() {}

    /** A started WebSocket client for one agent identity. */
    public static WebSocketClient webSocketClient(AgentData.Identity identity, Duration connectTimeout)
            throws Exception {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setKeyStore(TlsStores.keyStore(identity.key(), identity.certificate()));
        tls.setKeyStorePassword(new String(TlsStores.PASSWORD));
        tls.setTrustStore(TlsStores.trustStore(identity.ca()));
        tls.setTrustStorePassword(new String(TlsStores.PASSWORD));
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        return webSocketClient(tls, connectTimeout);
    }

    /** A started WebSocket client over the given TLS configuration. */
    public static WebSocketClient webSocketClient(SslContextFactory.Client tls, Duration connectTimeout)
            throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setConnectTimeout(connectTimeout);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("agent-link");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setConnectTimeout(connectTimeout.toMillis());
        WebSocketClient client = new WebSocketClient(http);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(Duration.ofMinutes(5));
        client.setStopTimeout(1_000);
        client.start();
        return client;
    }
}
