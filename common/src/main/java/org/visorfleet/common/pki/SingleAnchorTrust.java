package org.visorfleet.common.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager with exactly one anchor: the certificate a client pinned for a
 * server (the fleet CA at the top of the chain the server presents). It checks what a pin alone
 * does not: the server certificate's signature and validity, and its host name against the
 * connection (with an {@code SSLEngine} or socket).
 */
public final class SingleAnchorTrust {

    private SingleAnchorTrust() {}

    /** A trust manager that accepts only chains ending in {@code anchor}. */
    public static X509ExtendedTrustManager at(X509Certificate anchor) throws CertificateException {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("pinned", anchor);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new CertificateException("the JDK offers no PKIX trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new CertificateException("cannot check against the pinned certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate at the top of {@code chain}: the one a client pins. */
    public static X509Certificate top(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        return chain[chain.length - 1];
    }
}
