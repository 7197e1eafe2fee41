package org.visorfleet.agent.enroll;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;
import org.visorfleet.common.pki.Fingerprints;

/**
 * Trust for the first contact with a server: the chain the server presents must contain a CA
 * certificate whose SHA-256 starts with the enrollment token's pin, and the server certificate must
 * be signed by it. Nothing else is trusted, not even the system's CAs.
 */
final class PinnedTrust implements X509TrustManager {

    private final String pin;
    private volatile X509Certificate pinnedCa;

    PinnedTrust(String pin) {
        this.pin = pin;
    }

    X509Certificate pinnedCa() {
        return pinnedCa;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("server sent no certificate");
        }
        for (X509Certificate candidate : chain) {
            if (Fingerprints.sha256(candidate).startsWith(pin)) {
                try {
                    chain[0].verify(candidate.getPublicKey());
                    chain[0].checkValidity();
                    candidate.checkValidity();
                } catch (GeneralSecurityException e) {
                    throw new CertificateException("server certificate is not signed by the pinned fleet CA", e);
                }
                pinnedCa = candidate;
                return;
            }
        }
        throw new CertificateException("server is not part of the fleet the enrollment token names (CA pin mismatch)");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
