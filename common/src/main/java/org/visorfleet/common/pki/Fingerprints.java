package org.visorfleet.common.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Certificate fingerprints as users see them in {@code openssl x509 -fingerprint -sha256}, minus colons. */
public final class Fingerprints {

    private Fingerprints() {}

    /** Lowercase hex SHA-256 over the certificate's DER encoding (64 characters). */
    public static String sha256(X509Certificate certificate) {
        try {
            return sha256(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be DER-encoded", e);
        }
    }

    /** Lowercase hex SHA-256 over {@code der} (64 characters). */
    public static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK has no SHA-256", e);
        }
    }
}
