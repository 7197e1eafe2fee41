package org.visorfleet.common.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates, CRLs and CSRs made here as the real {@code openssl} sees them, and the reverse. */
@Tag("interop")
class OpenSslInteropTest {

    private static FleetCa ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void createCa() {
        ca = FleetCa.create("visorfleet test CA");
    }

    @Test
    void caIsSelfSignedRootWithCriticalConstraints() throws Exception {
        write("ca.pem", Pem.toPem(ca.certificate()));
        OpenSsl.ok(dir, "verify", "-CAfile", "ca.pem", "ca.pem");
        String text = OpenSsl.ok(dir, "x509", "-in", "ca.pem", "-noout", "-text");
        assertTrue(text.contains("X509v3 Basic Constraints: critical"), text);
        assertTrue(text.contains("CA:TRUE, pathlen:0"), text);
        assertTrue(text.contains("X509v3 Key Usage: critical"), text);
        assertTrue(text.contains("Certificate Sign, CRL Sign"), text);
        assertTrue(text.contains("X509v3 Subject Key Identifier"), text);
        assertTrue(text.contains("ecdsa-with-SHA256"), text);
        String fingerprint = OpenSsl.ok(dir, "x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha256");
        assertTrue(
                fingerprint.replace(":", "").toLowerCase().contains(Fingerprints.sha256(ca.certificate())),
                fingerprint);
    }

    @Test
    void serverCertificateVerifiesForServerPurposeWithEverySan() throws Exception {
        X509Certificate server = ca.issueServer(
                KeyPairs.generateEc().getPublic(),
                "fleet server",
                List.of("localhost", "fleet.example.org"),
                List.of("127.0.0.1", "::1", "2001:db8::7"),
                Duration.ofDays(30));
        write("ca.pem", Pem.toPem(ca.certificate()));
        write("server.pem", Pem.toPem(server));

        OpenSsl.ok(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "server.pem");
        assertFalse(OpenSsl.run(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "server.pem")
                .ok());
        String san = OpenSsl.ok(dir, "x509", "-in", "server.pem", "-noout", "-ext", "subjectAltName");
        for (String expected : List.of(
                "DNS:localhost",
                "DNS:fleet.example.org",
                "IP Address:127.0.0.1",
                "IP Address:0:0:0:0:0:0:0:1",
                "IP Address:2001:DB8:0:0:0:0:0:7")) {
            assertTrue(san.contains(expected), expected + " missing in " + san);
        }
        OpenSsl.ok(dir, "verify", "-CAfile", "ca.pem", "-verify_hostname", "localhost", "server.pem");
        OpenSsl.ok(dir, "verify", "-CAfile", "ca.pem", "-verify_ip", "127.0.0.1", "server.pem");
        assertFalse(
                OpenSsl.run(dir, "verify", "-CAfile", "ca.pem", "-verify_hostname", "other.example.org", "server.pem")
                        .ok());
    }

    @Test
    void crlRevokesOneClientAndNotTheOther() throws Exception {
        X509Certificate revoked = client("agent-revoked");
        X509Certificate good = client("agent-good");
        X509CRL crl =
                ca.issueCrl(List.of(new FleetCa.Revoked(revoked.getSerialNumber(), Instant.now())), Duration.ofDays(7));
        write("ca.pem", Pem.toPem(ca.certificate()));
        write("crl.pem", Pem.toPem(crl));
        write("revoked.pem", Pem.toPem(revoked));
        write("good.pem", Pem.toPem(good));

        OpenSsl.ok(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "revoked.pem");
        OpenSsl.Result rejected =
                OpenSsl.run(dir, "verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "revoked.pem");
        assertNotEquals(0, rejected.exitCode(), rejected.output());
        assertTrue(rejected.output().contains("revoked"), rejected.output());
        OpenSsl.ok(
                dir,
                "verify",
                "-crl_check",
                "-CAfile",
                "ca.pem",
                "-CRLfile",
                "crl.pem",
                "-purpose",
                "sslclient",
                "good.pem");

        String text = OpenSsl.ok(dir, "crl", "-in", "crl.pem", "-noout", "-text");
        assertTrue(text.contains("X509v3 CRL Number"), text);
        assertTrue(text.contains("X509v3 Authority Key Identifier"), text);
        assertTrue(text.contains(revoked.getSerialNumber().toString(16).toUpperCase()), text);
        assertFalse(text.contains("Reason Code"), "unspecified reason must be omitted: " + text);
    }

    @Test
    void emptyCrlRevokesNothing() throws Exception {
        write("ca.pem", Pem.toPem(ca.certificate()));
        write("crl.pem", Pem.toPem(ca.issueCrl(List.of(), Duration.ofHours(1))));
        write("good.pem", Pem.toPem(client("agent")));
        OpenSsl.ok(dir, "verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "good.pem");
    }

    @Test
    void csrFromOpensslIsAcceptedAndCertifiedWithOurName() throws Exception {
        for (String curve : List.of("P-256", "P-384")) {
            OpenSsl.ok(
                    dir,
                    "req",
                    "-new",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:" + curve,
                    "-nodes",
                    "-keyout",
                    "key.pem",
                    "-subj",
                    "/CN=asked-for",
                    "-out",
                    "req.pem");
            Csr csr = Csr.fromPem(Files.readString(dir.resolve("req.pem")));
            assertEquals("asked-for", csr.commonName());
            write("ca.pem", Pem.toPem(ca.certificate()));
            write("client.pem", Pem.toPem(ca.issueClient(csr, "agent-7", Duration.ofDays(1))));
            OpenSsl.ok(dir, "verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "client.pem");
            String subject = OpenSsl.ok(dir, "x509", "-in", "client.pem", "-noout", "-subject");
            assertTrue(subject.contains("CN=agent-7") || subject.contains("CN = agent-7"), subject);
        }
    }

    @Test
    void opensslRsaCsrsAreJudgedBySize() throws Exception {
        OpenSsl.ok(
                dir,
                "req",
                "-new",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "key.pem",
                "-subj",
                "/CN=rsa",
                "-out",
                "req2048.pem");
        assertEquals(
                "rsa", Csr.fromPem(Files.readString(dir.resolve("req2048.pem"))).commonName());
        OpenSsl.ok(
                dir,
                "req",
                "-new",
                "-newkey",
                "rsa:1024",
                "-nodes",
                "-keyout",
                "key.pem",
                "-subj",
                "/CN=rsa",
                "-out",
                "req1024.pem");
        PkiException e = org.junit.jupiter.api.Assertions.assertThrows(
                PkiException.class, () -> Csr.fromPem(Files.readString(dir.resolve("req1024.pem"))));
        assertTrue(e.getMessage().contains("1024 bits"), e.getMessage());
    }

    @Test
    void opensslCaWithSec1KeyLoadsAndIssues() throws Exception {
        OpenSsl.ok(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
        assertTrue(Files.readString(dir.resolve("ca.key")).contains("BEGIN EC PRIVATE KEY"));
        OpenSsl.ok(
                dir,
                "req",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-subj",
                "/CN=openssl CA",
                "-days",
                "30",
                "-out",
                "ca.pem");
        FleetCa loaded = FleetCa.load(dir.resolve("ca.pem"), dir.resolve("ca.key"));
        KeyPair keys = KeyPairs.generateEc();
        write(
                "server.pem",
                Pem.toPem(loaded.issueServer(
                        keys.getPublic(), "s", List.of("localhost"), List.of(), Duration.ofDays(1))));
        OpenSsl.ok(dir, "verify", "-CAfile", "ca.pem", "server.pem");
    }

    @Test
    void pkcs8KeyWrittenHereIsReadByOpenssl() throws Exception {
        Path key = dir.resolve("key.pem");
        Pem.write(key, Pem.toPem(ca.privateKey()));
        write("ca.pem", Pem.toPem(ca.certificate()));
        String fromKey = OpenSsl.ok(dir, "pkey", "-in", "key.pem", "-pubout");
        String fromCert = OpenSsl.ok(dir, "x509", "-in", "ca.pem", "-noout", "-pubkey");
        assertEquals(fromCert, fromKey);
    }

    private X509Certificate client(String name) {
        return ca.issueClient(Csr.create(KeyPairs.generateEc(), name), name, Duration.ofDays(1));
    }

    private void write(String name, String pem) throws Exception {
        Pem.write(dir.resolve(name), pem);
    }
}
