package org.visorfleet.server.http;

import java.security.KeyStore;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.visorfleet.common.pki.TlsStores;

/**
 * The HTTPS listener. TLS 1.2+ with the server's own certificate; client certificates are requested
 * but optional (technicians log in with passwords, agents present the certificate the fleet CA
 * issued them), and when presented must chain to the fleet CA or the handshake fails.
 */
public final class HttpsConnector {

    private HttpsConnector() {}

    public static ServerConnector create(Server server, String host, int port, KeyStore identity, KeyStore trust) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(identity);
        tls.setKeyStorePassword(new String(TlsStores.PASSWORD));
        tls.setTrustStore(trust);
        tls.setTrustStorePassword(new String(TlsStores.PASSWORD));
        tls.setWantClientAuth(true);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Agents and technicians reach one server under several names (and failover peers share
        // certificates' CA, not names); hostname checks belong to the clients.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);

        ServerConnector connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(120_000);
        return connector;
    }
}
