package org.visorfleet.common.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

    private static FleetCa ca;
    private static X509Certificate leaf;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        ca = FleetCa.create("pem CA");
        leaf = ca.issueServer(
                KeyPairs.generateEc().getPublic(), "s", List.of("localhost"), List.of(), Duration.ofDays(1));
    }

    @Test
    void writtenFilesAre0600AndNoTempFileRemains() throws Exception {
        Path file = dir.resolve("ca.pem");
        Pem.write(file, Pem.toPem(ca.certificate()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void overwritingAWorldReadableFileLeavesIt0600WithNewContent() throws Exception {
        Path file = dir.resolve("key.pem");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String pem = Pem.toPem(ca.privateKey());
        Pem.write(file, pem);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(pem, Files.readString(file));
    }

    @Test
    void chainRoundTripsInOrder() throws Exception {
        Path file = dir.resolve("chain.pem");
        Pem.write(file, Pem.toPem(leaf, ca.certificate()));
        assertEquals(List.of(leaf, ca.certificate()), Pem.readCertificates(file));
    }

    @Test
    void privateKeyRoundTripsAsPkcs8() throws Exception {
        Path file = dir.resolve("key.pem");
        String pem = Pem.toPem(ca.privateKey());
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
        Pem.write(file, pem);
        PrivateKey read = Pem.readPrivateKey(file);
        assertArrayEquals(ca.privateKey().getEncoded(), read.getEncoded());
        assertEquals("EC", read.getAlgorithm());
    }

    @Test
    void linesAre64ColumnsAndCrlfIsAccepted() throws Exception {
        String pem = Pem.toPem(ca.certificate());
        assertTrue(pem.lines().allMatch(line -> line.length() <= 64), pem);
        assertEquals(List.of(ca.certificate()), Pem.readCertificates(pem.replace("\n", "\r\n")));
    }

    @Test
    void explanatoryTextBetweenCertificatesIsAllowed() throws Exception {
        String pem = "subject=CN=s\n" + Pem.toPem(leaf) + "issuer\n" + Pem.toPem(ca.certificate());
        assertEquals(List.of(leaf, ca.certificate()), Pem.readCertificates(pem));
    }

    @Test
    void certificateReadersRejectWithReasons() {
        String cert = Pem.toPem(ca.certificate());
        assertReason("no CERTIFICATE", () -> Pem.readCertificates(""));
        assertReason("no CERTIFICATE", () -> Pem.readCertificates("hello"));
        assertReason("found PRIVATE KEY", () -> Pem.readCertificates(cert + Pem.toPem(ca.privateKey())));
        assertReason("no END line", () -> Pem.readCertificates(cert.substring(0, cert.length() / 2)));
        assertReason(
                "not valid base64",
                () -> Pem.readCertificates("-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n"));
        assertReason(
                "malformed",
                () -> Pem.readCertificates(Pem.toPem(ca.privateKey()).replace("PRIVATE KEY", "CERTIFICATE")));
        assertReason("ends with END", () -> Pem.readCertificates(cert.replace("END CERTIFICATE", "END CRL")));
    }

    @Test
    void certificateWithTrailingBytesIsRejected() throws Exception {
        byte[] der = ca.certificate().getEncoded();
        byte[] padded = java.util.Arrays.copyOf(der, der.length + 2);
        assertReason("trailing", () -> Pem.readCertificates(PemBlocks.encode("CERTIFICATE", padded)));
    }

    @Test
    void privateKeyReaderRejectsWithReasons() throws Exception {
        Path file = dir.resolve("key.pem");
        Pem.write(file, Pem.toPem(ca.certificate()));
        assertReason("found CERTIFICATE", () -> Pem.readPrivateKey(file));
        Pem.write(file, Pem.toPem(ca.privateKey()) + Pem.toPem(ca.privateKey()));
        assertReason("found 2", () -> Pem.readPrivateKey(file));
        Pem.write(file, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertReason("unencrypted", () -> Pem.readPrivateKey(file));
        Pem.write(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertReason("malformed PRIVATE KEY", () -> Pem.readPrivateKey(file));
        Pem.write(
                file, "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertReason("headers", () -> Pem.readPrivateKey(file));
    }

    @Test
    void fingerprintIsSha256OfDer() throws Exception {
        String fingerprint = Fingerprints.sha256(ca.certificate());
        assertEquals(64, fingerprint.length());
        assertEquals(fingerprint, Fingerprints.sha256(ca.certificate().getEncoded()));
        assertEquals(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Fingerprints.sha256(new byte[0]));
    }

    static void assertReason(String expected, org.junit.jupiter.api.function.Executable call) {
        PkiException e = assertThrows(PkiException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }
}
