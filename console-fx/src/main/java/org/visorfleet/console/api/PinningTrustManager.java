package org.visorfleet.console.api;

import java.io.IOException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.SingleAnchorTrust;

/**
 * Accepts a server's chain only when the certificate at its top (the fleet CA, so a renewed server
 * certificate stays trusted, as with the CLI) has the SHA-256 {@link KnownServers} remembers for
 * the server's {@code host:port}. An unknown or changed certificate is refused, and
 * why is kept in {@link #refusal()} so {@link FleetApi} can tell the user (the exception the HTTP
 * client throws for a failed handshake does not carry it reliably).
 *
 * <p>The chain is then checked by the JDK's PKIX trust manager with the pinned certificate as its
 * only anchor ({@link SingleAnchorTrust}): signatures, validity and the host name (endpoint
 * identification stays on).
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
        X509Certificate top = SingleAnchorTrust.top(chain);
        ServerCertificate presented = ServerCertificate.of(server, top, chain[0]);
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
        if (!remembered.get().equals(Fingerprints.sha256(top))) {
            refusal.set(new LoginResult.CertificateChanged(remembered.get(), presented));
            throw new CertificateException("the certificate of " + server + " changed");
        }
        return SingleAnchorTrust.at(top);
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
