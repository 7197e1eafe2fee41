package org.visorfleet.console.api;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.visorfleet.common.pki.Fingerprints;

/**
 * Accepts a server's chain only when its leaf certificate's SHA-256 is the one {@link KnownServers}
 * remembers for the server's {@code host:port}. An unknown or changed certificate is refused, and
 * why is kept in {@link #refusal()} so {@link FleetApi} can tell the user (the exception the HTTP
 * client throws for a failed handshake does not carry it reliably).
 *
 * <p>A pinned leaf is then handed to the JDK's PKIX trust manager with that leaf as its only
 * anchor, which checks the host name against the certificate (endpoint identification stays on).
 */
final class PinningTrustManager extends X509ExtendedTrustManager {

    private final String server;
    private final KnownServers known;
    private final AtomicReference<LoginResult> refusal = new AtomicReference<>();

    PinningTrustManager(String server, KnownServers known) {
        this.server = server;
        this.known = known;
    }

    /** Why the last handshake was refused for its certificate, if it was. */
    Optional<LoginResult> refusal() {
        return Optional.ofNullable(refusal.get());
    }

    void clearRefusal() {
        refusal.set(null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pinned(chain).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pinned(chain).checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        // Without an engine or socket the host name cannot be checked: the HTTP client never calls this.
        throw new CertificateException("host name verification needs the connection");
    }

    private X509ExtendedTrustManager pinned(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        X509Certificate leaf = chain[0];
        ServerCertificate presented = ServerCertificate.of(server, leaf);
        Optional<String> remembered;
        try {
            remembered = known.fingerprintOf(server);
        } catch (IOException e) {
            throw new CertificateException(e.getMessage(), e);
        }
        if (remembered.isEmpty()) {
            refusal.set(new LoginResult.UnknownCertificate(presented));
            throw new CertificateException("the certificate of " + server + " is not trusted yet");
        }
        if (!remembered.get().equals(Fingerprints.sha256(leaf))) {
            refusal.set(new LoginResult.CertificateChanged(remembered.get(), presented));
            throw new CertificateException("the certificate of " + server + " changed");
        }
        leaf.checkValidity();
        return anchoredAt(leaf);
    }

    private static X509ExtendedTrustManager anchoredAt(X509Certificate leaf) throws CertificateException {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("pinned", leaf);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new CertificateException("the JDK offers no PKIX trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new CertificateException("cannot check the pinned certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the console trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the console trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the console trusts servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
