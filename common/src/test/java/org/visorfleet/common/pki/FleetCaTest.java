package org.visorfleet.common.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetCaTest {

    private static FleetCa ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        ca = FleetCa.create("fleet CA");
    }

    @Test
    void caIsTenYearRootWithPathLengthZero() throws Exception {
        X509Certificate cert = ca.certificate();
        assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertEquals("CN=fleet CA", cert.getSubjectX500Principal().getName());
        assertEquals(0, cert.getBasicConstraints());
        assertTrue(cert.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        boolean[] usage = cert.getKeyUsage();
        assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        long days = ChronoUnit.DAYS.between(
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertTrue(days >= 3652 && days <= 3653, "days: " + days);
        cert.verify(cert.getPublicKey());
    }

    @Test
    void serverCertificateCarriesSansUsagesAndKeyIds() throws Exception {
        KeyPair keys = KeyPairs.generateEc();
        Instant before = Instant.now();
        X509Certificate cert = ca.issueServer(
                keys.getPublic(),
                "server",
                List.of("localhost", "*.fleet.lan"),
                List.of("10.0.0.1", "fe80::1"),
                Duration.ofDays(90));
        cert.verify(ca.certificate().getPublicKey());
        assertEquals(keys.getPublic(), cert.getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage());
        assertEquals(-1, cert.getBasicConstraints());
        assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        Set<List<?>> sans = new HashSet<>(cert.getSubjectAlternativeNames());
        assertEquals(
                Set.of(
                        List.of(2, "localhost"),
                        List.of(2, "*.fleet.lan"),
                        List.of(7, "10.0.0.1"),
                        List.of(7, "fe80:0:0:0:0:0:0:1")),
                sans);
        assertTrue(cert.getExtensionValue("2.5.29.14") != null, "SKI");
        assertTrue(cert.getExtensionValue("2.5.29.35") != null, "AKI");
        Instant notBefore = cert.getNotBefore().toInstant();
        assertTrue(
                !notBefore.isAfter(before.minus(Duration.ofMinutes(5)))
                        && notBefore.isAfter(before.minus(Duration.ofMinutes(6))),
                "notBefore " + notBefore);
        long days =
                ChronoUnit.DAYS.between(before, cert.getNotAfter().toInstant().plusSeconds(1));
        assertEquals(90, days);
    }

    @Test
    void badSubjectAlternativeNamesAreMisuse() {
        var key = KeyPairs.generateEc().getPublic();
        Duration day = Duration.ofDays(1);
        for (String ip : List.of("256.0.0.1", "localhost", "1.2.3", "010.0.0.1", "::g", "fe80::1%lo", "")) {
            assertThrows(
                    IllegalArgumentException.class, () -> ca.issueServer(key, "s", List.of(), List.of(ip), day), ip);
        }
        for (String dns : List.of("", "a b", "bad..dots", "ünï.example", "-x.example")) {
            assertThrows(
                    IllegalArgumentException.class, () -> ca.issueServer(key, "s", List.of(dns), List.of(), day), dns);
        }
        assertThrows(
                IllegalArgumentException.class, () -> ca.issueServer(key, "s", List.of("a"), List.of(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ca.issueServer(key, "", List.of("a"), List.of(), day));
    }

    @Test
    void clientCertificateTakesNameFromCaNotCsr() throws Exception {
        KeyPair keys = KeyPairs.generateEc();
        Csr csr = Csr.create(keys, "i-am-the-server");
        X509Certificate cert = ca.issueClient(csr, "agent-3", Duration.ofDays(1));
        cert.verify(ca.certificate().getPublicKey());
        assertEquals("CN=agent-3", cert.getSubjectX500Principal().getName());
        assertEquals(keys.getPublic(), cert.getPublicKey());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
        assertEquals(null, cert.getSubjectAlternativeNames());
    }

    @Test
    void toStringDoesNotShowThePrivateKey() {
        String text = ca.toString();
        assertTrue(text.contains("CN=fleet CA"), text);
        assertTrue(!text.contains(ca.privateKey().toString()), text);
    }

    @Test
    void serialsArePositiveDistinctAndAtMost127Bits() {
        Set<BigInteger> serials = new HashSet<>();
        Csr csr = Csr.create(KeyPairs.generateEc(), "x");
        for (int i = 0; i < 50; i++) {
            BigInteger serial = ca.issueClient(csr, "x", Duration.ofMinutes(1)).getSerialNumber();
            assertTrue(serial.signum() > 0 && serial.bitLength() <= 127, serial.toString());
            serials.add(serial);
        }
        assertEquals(50, serials.size());
    }

    @Test
    void validityIsCutAtTheCasExpiry() {
        X509Certificate cert = ca.issueClient(Csr.create(KeyPairs.generateEc(), "x"), "x", Duration.ofDays(365 * 20));
        assertEquals(ca.certificate().getNotAfter(), cert.getNotAfter());
    }

    @Test
    void crlListsRevokedSerialsWithIncreasingNumbers() throws Exception {
        BigInteger serial = BigInteger.valueOf(12345);
        Instant revokedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509CRL first = ca.issueCrl(List.of(new FleetCa.Revoked(serial, revokedAt)), Duration.ofDays(1));
        X509CRL second = ca.issueCrl(List.of(), Duration.ofDays(1));
        first.verify(ca.certificate().getPublicKey());
        assertEquals(ca.certificate().getSubjectX500Principal(), first.getIssuerX500Principal());
        assertEquals(
                revokedAt,
                first.getRevokedCertificate(serial).getRevocationDate().toInstant());
        assertEquals(null, second.getRevokedCertificates());
        assertTrue(crlNumber(second).compareTo(crlNumber(first)) > 0);
        assertTrue(first.getExtensionValue("2.5.29.35") != null, "AKI");
    }

    @Test
    void saveWritesBoth0600AndLoadRoundTrips() throws Exception {
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca.key");
        ca.save(cert, key);
        for (Path file : List.of(cert, key)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        FleetCa loaded = FleetCa.load(cert, key);
        assertEquals(ca.certificate(), loaded.certificate());
        assertArrayEquals(ca.privateKey().getEncoded(), loaded.privateKey().getEncoded());
        X509Certificate issued = loaded.issueClient(Csr.create(KeyPairs.generateEc(), "x"), "x", Duration.ofDays(1));
        issued.verify(ca.certificate().getPublicKey());
        assertNotEquals(null, issued.getExtensionValue("2.5.29.35"));
    }

    @Test
    void loadRejectsAKeyOfAnotherCa() throws Exception {
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca.key");
        ca.save(cert, key);
        Pem.write(key, Pem.toPem(FleetCa.create("other").privateKey()));
        PemTest.assertReason("does not match", () -> FleetCa.load(cert, key));
    }

    @Test
    void loadRejectsALeafCertificate() throws Exception {
        KeyPair keys = KeyPairs.generateEc();
        Path cert = dir.resolve("leaf.pem");
        Path key = dir.resolve("leaf.key");
        Pem.write(cert, Pem.toPem(ca.issueClient(Csr.create(keys, "x"), "x", Duration.ofDays(1))));
        Pem.write(key, Pem.toPem(keys.getPrivate()));
        PemTest.assertReason("not a CA certificate", () -> FleetCa.load(cert, key));
    }

    private static BigInteger crlNumber(X509CRL crl) throws Exception {
        byte[] value = crl.getExtensionValue("2.5.29.20");
        return org.bouncycastle.asn1.ASN1Integer.getInstance(
                        org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets())
                .getValue();
    }
}
