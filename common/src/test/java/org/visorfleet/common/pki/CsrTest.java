package org.visorfleet.common.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.visorfleet.common.pki.PemTest.assertReason;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CsrTest {

    private static KeyPair keys;
    private static Csr csr;
    private static String pem;
    private static byte[] der;

    @BeforeAll
    static void csr() {
        keys = KeyPairs.generateEc();
        csr = Csr.create(keys, "agent-17");
        pem = csr.toPem();
        der = csr.der();
    }

    @Test
    void roundTripsThroughPem() throws Exception {
        Csr parsed = Csr.fromPem(pem);
        assertEquals("agent-17", parsed.commonName());
        assertEquals(keys.getPublic(), parsed.publicKey());
        assertArrayEquals(der, parsed.der());
        assertEquals(pem, parsed.toPem());
        assertEquals(
                csr.commonName(),
                Csr.fromPem(pem.replace("\n", "\r\n") + "\n\n").commonName());
    }

    @Test
    void acceptsP384AndRsa2048() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        assertEquals(
                "p384",
                Csr.fromPem(Csr.create(ec.generateKeyPair(), "p384").toPem()).commonName());
        assertEquals("rsa", Csr.fromPem(Csr.create(rsa(2048), "rsa").toPem()).commonName());
    }

    @Test
    void rejectsWithReasons() throws Exception {
        assertReason("no PEM block", () -> Csr.fromPem(""));
        assertReason("no PEM block", () -> Csr.fromPem("  \n\n"));
        assertReason("outside a PEM block", () -> Csr.fromPem("garbage"));
        assertReason("outside a PEM block", () -> Csr.fromPem("note\n" + pem));
        assertReason("expected one PEM block, found 2", () -> Csr.fromPem(pem + pem));
        FleetCa ca = FleetCa.create("ca");
        assertReason("found CERTIFICATE", () -> Csr.fromPem(Pem.toPem(ca.certificate())));
        assertReason("longer than 16384", () -> Csr.fromPem(pem + " ".repeat(Csr.MAX_PEM_CHARS)));
        assertReason(
                "RSA key of 1024 bits",
                () -> Csr.fromPem(Csr.create(rsa(1024), "weak").toPem()));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp521r1"));
        assertReason(
                "unsupported curve",
                () -> Csr.fromPem(Csr.create(ec.generateKeyPair(), "p521").toPem()));
        assertReason(
                "not valid PKCS#10", () -> Csr.fromPem(PemBlocks.encode("CERTIFICATE REQUEST", new byte[] {1, 2, 3})));
        byte[] padded = Arrays.copyOf(der, der.length + 1);
        assertReason("not valid PKCS#10", () -> Csr.fromPem(PemBlocks.encode("CERTIFICATE REQUEST", padded)));
    }

    @Test
    void alteredSignatureIsRejected() {
        byte[] altered = der.clone();
        altered[altered.length - 5] ^= 0x01;
        assertReason("signature does not match", () -> Csr.fromPem(PemBlocks.encode("CERTIFICATE REQUEST", altered)));
    }

    @Test
    void alteredSubjectIsRejected() {
        byte[] altered = der.clone();
        int at = indexOf(altered, "agent-17".getBytes());
        altered[at] = 'b';
        assertReason("signature does not match", () -> Csr.fromPem(PemBlocks.encode("CERTIFICATE REQUEST", altered)));
    }

    @Test
    void everyTruncationOfThePemIsRejected() {
        for (int length = 0; length < pem.length(); length++) {
            String truncated = pem.substring(0, length);
            if (truncated.strip().equals(pem.strip())) {
                continue; // only the final newline is missing: still a complete block
            }
            assertRejected(truncated, "PEM truncated to " + length);
        }
    }

    @Test
    void everyTruncationOfTheDerIsRejected() {
        for (int length = 1; length < der.length; length++) {
            assertRejected(
                    PemBlocks.encode("CERTIFICATE REQUEST", Arrays.copyOf(der, length)), "DER truncated to " + length);
        }
    }

    @Test
    void everySingleBitFlipInTheDerIsRejected() {
        for (int bit = 0; bit < der.length * 8; bit++) {
            byte[] flipped = der.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertRejected(PemBlocks.encode("CERTIFICATE REQUEST", flipped), "bit " + bit + " flipped");
        }
    }

    private static void assertRejected(String input, String what) {
        try {
            Csr.fromPem(input);
            fail(what + " was accepted");
        } catch (PkiException e) {
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
