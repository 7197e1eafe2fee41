package org.visorfleet.common.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate signing request (RFC 2986) whose self-signature has been verified.
 *
 * <p>{@link #fromPem} is the gate for CSRs from agents. It checks, in this order, and rejects with a
 * one-line {@link PkiException} reason: length (at most {@link #MAX_PEM_CHARS}), PEM structure (exactly
 * one {@code CERTIFICATE REQUEST} block, nothing else but whitespace), DER (parses, no trailing bytes,
 * canonical encoding), signature algorithm (ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512), key (EC
 * P-256 or P-384, or RSA of 2048 to 8192 bits), then the signature. Instances are immutable.
 */
public final class Csr {

    /** Longest PEM text {@link #fromPem} reads; real CSRs are under 2 KiB. */
    public static final int MAX_PEM_CHARS = 16 * 1024;

    static final int MIN_RSA_BITS = 2048;

    /** Bounds verification cost: larger moduli are a denial-of-service risk, not a real key. */
    static final int MAX_RSA_BITS = 8192;

    private static final String LABEL = "CERTIFICATE REQUEST";

    private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, "P-256",
            SECObjectIdentifiers.secp384r1, "P-384");

    private static final List<ASN1ObjectIdentifier> SIGNATURES = List.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption,
            PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption);

    private final PKCS10CertificationRequest request;
    private final PublicKey publicKey;
    private final String commonName;

    private Csr(PKCS10CertificationRequest request, PublicKey publicKey) {
        this.request = request;
        this.publicKey = publicKey;
        this.commonName = Names.commonNameOf(request.getSubject());
    }

    /**
     * A CSR for {@code CN=commonName} signed with the pair's private key: SHA256withECDSA for EC keys
     * (SHA256withRSA for RSA keys).
     *
     * @throws IllegalArgumentException for an unusable common name or key
     */
    public static Csr create(KeyPair keyPair, String commonName) {
        PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(
                        Names.commonName(commonName), keyPair.getPublic())
                .build(Signers.sha256(keyPair.getPrivate()));
        return new Csr(request, keyPair.getPublic());
    }

    /** Parses and verifies a CSR from outside; see the class comment for the checks and their order. */
    public static Csr fromPem(String pem) throws PkiException {
        if (pem.length() > MAX_PEM_CHARS) {
            throw new PkiException("CSR is " + pem.length() + " characters, longer than " + MAX_PEM_CHARS);
        }
        List<PemBlocks.Block> blocks = PemBlocks.parse(pem, false);
        if (blocks.isEmpty()) {
            throw new PkiException("no PEM block found; expected one " + LABEL);
        }
        if (blocks.size() > 1) {
            throw new PkiException("expected one PEM block, found " + blocks.size());
        }
        if (!blocks.getFirst().label().equals(LABEL)) {
            throw new PkiException("expected a " + LABEL + " PEM block, found "
                    + blocks.getFirst().label());
        }
        return fromDer(blocks.getFirst().der());
    }

    /** As {@link #fromPem} from the DER inside the PEM block. */
    static Csr fromDer(byte[] der) throws PkiException {
        PKCS10CertificationRequest request = parse(der);
        checkSignatureAlgorithm(request);
        PublicKey key = publicKey(request.getSubjectPublicKeyInfo());
        verify(request, key);
        return new Csr(request, key);
    }

    private static PKCS10CertificationRequest parse(byte[] der) throws PkiException {
        try {
            PKCS10CertificationRequest request = new PKCS10CertificationRequest(der);
            // Signatures are computed over DER; a BER or padded encoding is not something we wrote.
            if (!Arrays.equals(request.toASN1Structure().getEncoded(ASN1Encoding.DER), der)) {
                throw new PkiException("CSR is not in canonical DER encoding");
            }
            return request;
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports malformed ASN.1 with IOException and assorted unchecked exceptions.
            throw new PkiException("CSR is not valid PKCS#10: " + PkiException.detail(e), e);
        }
    }

    private static void checkSignatureAlgorithm(PKCS10CertificationRequest request) throws PkiException {
        ASN1ObjectIdentifier algorithm = request.getSignatureAlgorithm().getAlgorithm();
        if (!SIGNATURES.contains(algorithm)) {
            throw new PkiException("CSR signature algorithm " + algorithm
                    + " not accepted (ECDSA or RSA with SHA-256/384/512 required)");
        }
    }

    /** Checks the key type and size on the ASN.1 before any JCA code sees it. */
    static PublicKey publicKey(SubjectPublicKeyInfo info) throws PkiException {
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        String jcaName;
        try {
            if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                if (!(info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)
                        || !CURVES.containsKey(curve)) {
                    throw new PkiException("EC key on an unsupported curve (P-256 or P-384 required)");
                }
                jcaName = "EC";
            } else if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
                BigInteger modulus =
                        RSAPublicKey.getInstance(info.parsePublicKey()).getModulus();
                int bits = modulus.bitLength();
                if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                    throw new PkiException(
                            "RSA key of " + bits + " bits; " + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " required");
                }
                jcaName = "RSA";
            } else {
                throw new PkiException("unsupported key algorithm " + algorithm + " (EC or RSA required)");
            }
            return KeyFactory.getInstance(jcaName)
                    .generatePublic(new X509EncodedKeySpec(info.getEncoded(ASN1Encoding.DER)));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new PkiException("CSR public key is malformed: " + PkiException.detail(e), e);
        }
    }

    private static void verify(PKCS10CertificationRequest request, PublicKey key) throws PkiException {
        boolean valid;
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().build(key);
            valid = request.isSignatureValid(verifier);
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            throw new PkiException("CSR signature cannot be checked: " + PkiException.detail(e), e);
        }
        if (!valid) {
            throw new PkiException("CSR signature does not match its public key");
        }
    }

    /** The CSR as one {@code CERTIFICATE REQUEST} PEM block. */
    public String toPem() {
        return PemBlocks.encode(LABEL, der());
    }

    /** The DER encoding. */
    public byte[] der() {
        try {
            return request.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("a parsed CSR cannot be re-encoded", e);
        }
    }

    /** The key the certificate will certify; its owner proved possession by signing the CSR. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * The subject CN the requester asked for, or "" if it named none; advisory only, the CA chooses
     * the issued certificate's subject.
     */
    public String commonName() {
        return commonName;
    }
}
