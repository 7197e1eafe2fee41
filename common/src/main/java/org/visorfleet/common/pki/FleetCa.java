package org.visorfleet.common.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The fleet certificate authority: a self-signed root that directly issues TLS server certificates
 * (for the fleet server) and client certificates (for agents), and CRLs revoking them.
 *
 * <p>Every certificate issued here is valid from five minutes ago (clients with slightly slow clocks)
 * until {@code validity} from now, cut short at the CA's own expiry; carries a random positive serial
 * of up to 127 bits, Subject and Authority Key Identifiers, critical {@code CA:FALSE} basic
 * constraints and a critical {@code digitalSignature} key usage. Signatures are SHA-256 ECDSA (RSA if a
 * loaded CA has an RSA key). Argument errors are {@link IllegalArgumentException}. Thread-safe.
 */
public record FleetCa(X509Certificate certificate, PrivateKey privateKey) {

    /** Backdating of notBefore/thisUpdate for clock skew between the server and fleet machines. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** Validity of a CA made by {@link #create}. */
    public static final int CA_YEARS = 10;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong LAST_CRL_NUMBER = new AtomicLong();
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");

    /** A revoked certificate for {@link #issueCrl}. */
    public record Revoked(BigInteger serial, Instant revokedAt) {
        public Revoked {
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(revokedAt, "revokedAt");
        }
    }

    public FleetCa {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * A new CA with a fresh EC P-256 key: self-signed {@code CN=commonName}, valid {@value #CA_YEARS}
     * years, critical {@code CA:TRUE, pathlen:0}, critical key usage {@code keyCertSign, cRLSign}, and
     * a Subject Key Identifier.
     */
    public static FleetCa create(String commonName) {
        KeyPair keys = KeyPairs.generateEc();
        X500Name name = Names.commonName(commonName);
        Instant now = Instant.now();
        Instant notAfter =
                ZonedDateTime.ofInstant(now, ZoneOffset.UTC).plusYears(CA_YEARS).toInstant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                name, serial(), Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), name, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    extensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode CA extensions", e);
        }
        return new FleetCa(sign(builder, keys.getPrivate()), keys.getPrivate());
    }

    /**
     * A TLS server certificate for {@code key}: {@code CN=commonName}, extended key usage
     * {@code serverAuth}, and a subject alternative name for every DNS name and IP address (IPv4 or
     * IPv6 literals, never resolved). At least one of the lists should be non-empty for hostname
     * verification to pass.
     *
     * @throws IllegalArgumentException for an invalid IP literal or DNS name, or non-positive validity
     */
    public X509Certificate issueServer(
            PublicKey key, String commonName, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            if (!DNS_NAME.matcher(dns).matches() || dns.length() > 253) {
                throw new IllegalArgumentException("not a DNS name: " + dns);
            }
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (String ip : ipAddresses) {
            names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ipLiteral(ip))));
        }
        X509v3CertificateBuilder builder = leaf(key, commonName, validity, KeyPurposeId.id_kp_serverAuth);
        if (!names.isEmpty()) {
            try {
                builder.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            } catch (CertIOException e) {
                throw new IllegalArgumentException("cannot encode subject alternative names", e);
            }
        }
        return sign(builder, privateKey);
    }

    /**
     * A TLS client certificate for the CSR's key with subject {@code CN=commonName}: the CA decides the
     * name, the CSR's own subject is ignored. Extended key usage {@code clientAuth}.
     *
     * @throws IllegalArgumentException for an unusable common name or non-positive validity
     */
    public X509Certificate issueClient(Csr csr, String commonName, Duration validity) {
        return sign(leaf(csr.publicKey(), commonName, validity, KeyPurposeId.id_kp_clientAuth), privateKey);
    }

    /**
     * A CRL revoking {@code revoked}, valid from five minutes ago until {@code nextUpdateIn} from now,
     * with an Authority Key Identifier and a CRL number taken from the clock in milliseconds (strictly
     * increasing within this process and, clocks permitting, across restarts).
     */
    public X509CRL issueCrl(List<Revoked> revoked, Duration nextUpdateIn) {
        long now = System.currentTimeMillis();
        long number = LAST_CRL_NUMBER.updateAndGet(last -> Math.max(last + 1, now));
        return issueCrl(revoked, nextUpdateIn, BigInteger.valueOf(number));
    }

    /** As {@link #issueCrl(List, Duration)} with a caller-chosen, increasing CRL number. */
    public X509CRL issueCrl(List<Revoked> revoked, Duration nextUpdateIn, BigInteger crlNumber) {
        requirePositive(nextUpdateIn, "nextUpdateIn");
        if (crlNumber.signum() < 0) {
            throw new IllegalArgumentException("CRL number must not be negative: " + crlNumber);
        }
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(certificate, Date.from(now.minus(CLOCK_SKEW)));
        builder.setNextUpdate(Date.from(now.plus(nextUpdateIn)));
        for (Revoked entry : revoked) {
            // 0 is "unspecified": BC then omits the reason extension, as RFC 5280 5.3.1 asks.
            builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), CRLReason.unspecified);
        }
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier());
            return new JcaX509CRLConverter().getCRL(builder.build(Signers.sha256(privateKey)));
        } catch (CertIOException | CRLException e) {
            throw new IllegalStateException("cannot build CRL", e);
        }
    }

    /**
     * Loads a CA saved by {@link #save} (or made by openssl): one CA certificate and its private key.
     *
     * @throws PkiException if a file is malformed, the certificate is not a CA certificate allowed to
     *     sign certificates, or the key does not belong to the certificate
     */
    public static FleetCa load(Path certificatePem, Path privateKeyPem) throws IOException, PkiException {
        List<X509Certificate> certificates = Pem.readCertificates(certificatePem);
        if (certificates.size() != 1) {
            throw new PkiException(certificatePem + ": expected one CA certificate, found " + certificates.size());
        }
        X509Certificate certificate = certificates.getFirst();
        if (certificate.getBasicConstraints() < 0) {
            throw new PkiException(certificatePem + ": not a CA certificate (no CA:TRUE basic constraint)");
        }
        boolean[] usage = certificate.getKeyUsage();
        if (usage != null && !usage[5]) {
            throw new PkiException(certificatePem + ": CA certificate key usage lacks keyCertSign");
        }
        PrivateKey key = Pem.readPrivateKey(privateKeyPem);
        if (!matches(key, certificate.getPublicKey())) {
            throw new PkiException(privateKeyPem + ": private key does not match the certificate " + certificatePem);
        }
        return new FleetCa(certificate, key);
    }

    /** Names the CA without its private key, so logging a {@code FleetCa} never leaks the key. */
    @Override
    public String toString() {
        return "FleetCa[" + certificate.getSubjectX500Principal().getName() + ", serial "
                + certificate.getSerialNumber().toString(16) + ", notAfter "
                + certificate.getNotAfter().toInstant()
                + "]";
    }

    /** Writes the certificate and the PKCS#8 private key with {@link Pem#write} (0600, atomic). */
    public void save(Path certificatePem, Path privateKeyPem) throws IOException {
        Pem.write(privateKeyPem, Pem.toPem(privateKey));
        Pem.write(certificatePem, Pem.toPem(certificate));
    }

    private X509v3CertificateBuilder leaf(PublicKey key, String commonName, Duration validity, KeyPurposeId purpose) {
        requirePositive(validity, "validity");
        Instant now = Instant.now();
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                certificate,
                serial(),
                Date.from(now.minus(CLOCK_SKEW)),
                Date.from(notAfter),
                Names.commonName(commonName),
                key);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier());
        } catch (CertIOException e) {
            throw new IllegalArgumentException("cannot encode certificate extensions", e);
        }
        return builder;
    }

    /** The CA's own SKI if it has one (a loaded CA may compute it differently), else SHA-1 of its key. */
    private AuthorityKeyIdentifier authorityKeyIdentifier() {
        byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension != null) {
            byte[] keyId = SubjectKeyIdentifier.getInstance(
                            ASN1OctetString.getInstance(extension).getOctets())
                    .getKeyIdentifier();
            return new AuthorityKeyIdentifier(keyId);
        }
        return extensionUtils().createAuthorityKeyIdentifier(certificate.getPublicKey());
    }

    /**
     * The address bytes of a dotted-quad IPv4 or an IPv6 literal. Stricter than
     * {@link InetAddress#ofLiteral}, which also takes inet_aton shorthands such as {@code 1.2.3}; a zone
     * ({@code %eth0}) cannot be expressed in a certificate.
     */
    private static byte[] ipLiteral(String ip) {
        if (ip.indexOf(':') < 0 && !IPV4.matcher(ip).matches() || ip.indexOf('%') >= 0) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 literal: " + ip);
        }
        // ofLiteral never consults DNS and throws IllegalArgumentException for anything else.
        return InetAddress.ofLiteral(ip).getAddress();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(Signers.sha256(signingKey)));
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot convert a freshly built certificate", e);
        }
    }

    /** Random, positive, at most 127 bits: fits the 20-octet limit of RFC 5280 4.1.2.2 with room to spare. */
    private static BigInteger serial() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }

    /** Proves {@code key} pairs with {@code publicKey} by signing a random challenge. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key the JDK cannot use with the certificate's key is, for our purposes, not its match.
            return false;
        }
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK has no SHA-1 for key identifiers", e);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
