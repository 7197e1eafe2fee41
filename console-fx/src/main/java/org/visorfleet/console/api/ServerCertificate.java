package org.visorfleet.console.api;

import java.security.cert.X509Certificate;
import org.visorfleet.common.pki.Fingerprints;

/**
 * What the user is shown about a server's certificates before trusting it. The console pins the
 * certificate at the top of the chain: the fleet CA, whose fingerprint {@code server init} printed.
 *
 * @param server {@code host:port} the certificates were presented on
 * @param sha256 SHA-256 of the pinned (top) certificate's DER, lower-case hex
 * @param subject the pinned certificate's subject, RFC 2253 form (the fleet CA)
 * @param serverSubject the server certificate's subject, RFC 2253 form
 */
public record ServerCertificate(String server, String sha256, String subject, String serverSubject) {

    static ServerCertificate of(String server, X509Certificate top, X509Certificate leaf) {
        return new ServerCertificate(
                server,
                Fingerprints.sha256(top),
                top.getSubjectX500Principal().getName(),
                leaf.getSubjectX500Principal().getName());
    }

    /** The fingerprint in colon-separated upper-case pairs, easier to read aloud and compare. */
    public String displayFingerprint() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sha256.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(sha256, i, i + 2);
        }
        return out.toString().toUpperCase(java.util.Locale.ROOT);
    }
}
