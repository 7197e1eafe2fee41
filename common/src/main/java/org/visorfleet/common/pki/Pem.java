package org.visorfleet.common.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * PEM text and files. Writers produce 64-column RFC 7468 text ending in a newline. Readers are
 * strict (see {@link PemBlocks}) and report anything unacceptable as {@link PkiException}.
 *
 * <p>Every file is written 0600 and atomically: a temporary file created 0600 in the target's
 * directory, written, {@code fsync}ed, renamed over the target, then the directory {@code fsync}ed, so
 * after a crash the target holds either the old or the new content, never a mix, and a private key is
 * never readable by others even for a moment. Requires a POSIX file system.
 */
public final class Pem {

    /** Largest certificate or key file read, checked before reading. */
    public static final int MAX_FILE_BYTES = 1024 * 1024;

    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private Pem() {}

    /** {@code CERTIFICATE} blocks, in argument order (leaf first for a chain). */
    public static String toPem(X509Certificate... certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append(PemBlocks.encode("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be DER-encoded", e);
            }
        }
        return pem.toString();
    }

    /** A PKCS#8 {@code PRIVATE KEY} block (unencrypted: protect the file, see {@link #write}). */
    public static String toPem(PrivateKey key) {
        byte[] der = key.getEncoded();
        if (der == null || !"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key is not exportable as PKCS#8: " + key.getFormat());
        }
        return PemBlocks.encode("PRIVATE KEY", der);
    }

    /** An {@code X509 CRL} block. */
    public static String toPem(X509CRL crl) {
        try {
            return PemBlocks.encode("X509 CRL", crl.getEncoded());
        } catch (CRLException e) {
            throw new IllegalArgumentException("CRL cannot be DER-encoded", e);
        }
    }

    /** Writes {@code pem} to {@code file}, 0600 and atomically as described in the class comment. */
    public static void write(Path file, String pem) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_RW);
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", ownerOnly);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            // rename(2) replaces an existing target atomically on POSIX.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        // Makes the rename itself durable.
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /**
     * Every certificate in {@code pem}: one or more {@code CERTIFICATE} blocks, explanatory text between
     * them allowed, no other block types.
     */
    public static List<X509Certificate> readCertificates(String pem) throws PkiException {
        if (pem.length() > MAX_FILE_BYTES) {
            throw new PkiException("certificate PEM longer than " + MAX_FILE_BYTES + " characters");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (PemBlocks.Block block : PemBlocks.parse(pem, true)) {
            if (!block.label().equals("CERTIFICATE")) {
                throw new PkiException(
                        "expected CERTIFICATE PEM blocks, found " + block.label() + " at line " + block.line());
            }
            certificates.add(certificate(block));
        }
        if (certificates.isEmpty()) {
            throw new PkiException("no CERTIFICATE PEM block found");
        }
        return certificates;
    }

    /** {@link #readCertificates(String)} on a file of at most {@link #MAX_FILE_BYTES}. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, PkiException {
        try {
            return readCertificates(readText(file));
        } catch (PkiException e) {
            throw new PkiException(file + ": " + PkiException.detail(e), e);
        }
    }

    /**
     * The one unencrypted private key in {@code file}: PKCS#8 {@code PRIVATE KEY}, or the OpenSSL
     * traditional {@code EC PRIVATE KEY} (SEC1) and {@code RSA PRIVATE KEY} forms.
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException, PkiException {
        try {
            return readPrivateKey(readText(file));
        } catch (PkiException e) {
            throw new PkiException(file + ": " + PkiException.detail(e), e);
        }
    }

    /** As {@link #readPrivateKey(Path)}, from text. */
    public static PrivateKey readPrivateKey(String pem) throws PkiException {
        List<PemBlocks.Block> blocks = PemBlocks.parse(pem, true);
        if (blocks.size() != 1) {
            throw new PkiException("expected one private key PEM block, found " + blocks.size());
        }
        String label = blocks.getFirst().label();
        if (!List.of("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY").contains(label)) {
            throw new PkiException("expected an unencrypted PRIVATE KEY PEM block, found " + label);
        }
        // PemBlocks validated the structure; PEMParser maps each label to BC's key object.
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            PrivateKeyInfo info =
                    switch (parsed) {
                        case PrivateKeyInfo pkcs8 -> pkcs8;
                        case PEMKeyPair pair -> pair.getPrivateKeyInfo();
                        case null, default -> throw new PkiException("unsupported private key in " + label + " block");
                    };
            return jdkKey(info);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // PEMParser and the key converters signal malformed ASN.1 with assorted unchecked exceptions.
            throw new PkiException("malformed " + label + ": " + PkiException.detail(e), e);
        }
    }

    /**
     * The key as the JDK's own provider builds it ({@code EC} or {@code RSA}), whatever security
     * providers are installed: with Bouncy Castle registered (MINA SSHD does that), a converter would
     * hand out BC's {@code ECDSA} keys instead.
     */
    private static PrivateKey jdkKey(PrivateKeyInfo info) throws IOException, GeneralSecurityException, PkiException {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String algorithm =
                switch (oid) {
                    case "1.2.840.10045.2.1" -> "EC"; // id-ecPublicKey
                    case "1.2.840.113549.1.1.1" -> "RSA"; // rsaEncryption
                    default -> throw new PkiException("unsupported private key algorithm " + oid);
                };
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    private static X509Certificate certificate(PemBlocks.Block block) throws PkiException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            X509Certificate certificate =
                    (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der()));
            // The factory stops after the first certificate; trailing bytes mean a damaged block.
            if (!Arrays.equals(certificate.getEncoded(), block.der())) {
                throw new PkiException("CERTIFICATE at line " + block.line() + " has trailing or non-DER bytes");
            }
            return certificate;
        } catch (CertificateException | RuntimeException e) {
            throw new PkiException(
                    "CERTIFICATE at line " + block.line() + " is malformed: " + PkiException.detail(e), e);
        }
    }

    private static String readText(Path file) throws IOException, PkiException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new PkiException("file of " + size + " bytes is larger than " + MAX_FILE_BYTES);
        }
        byte[] bytes = Files.readAllBytes(file);
        // PEM is ASCII; anything else is caught by PemBlocks as non-base64 or stray text.
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
