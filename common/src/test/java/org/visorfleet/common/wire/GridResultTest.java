package org.visorfleet.common.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.visorfleet.common.pki.KeyPairs;

class GridResultTest {
    private static final KeyPair AGENT = KeyPairs.generateEc();

    private static GridResult sample(long assignment, byte[] output) {
        return GridResult.signed(
                assignment,
                GridResult.EXITED,
                0,
                "exit 0",
                123_456,
                "hello\n".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                Map.of("out.txt", output, "a.txt", new byte[] {1}),
                AGENT.getPrivate());
    }

    @Test
    void aSignedResultVerifiesWithTheAgentsKeyOnly() {
        GridResult result = sample(7, new byte[] {1, 2, 3});
        assertTrue(result.verify(AGENT.getPublic()));
        assertFalse(result.verify(KeyPairs.generateEc().getPublic()));
    }

    /** {@code r} with the fields a forger might change replaced, its fingerprint and the rest kept. */
    private static GridResult altered(
            GridResult r, long assignment, long instructions, SortedMap<String, byte[]> outputs, byte[] signature) {
        return new GridResult(
                assignment,
                r.kind(),
                r.exitStatus(),
                r.detail(),
                instructions,
                r.stdout(),
                r.stderr(),
                outputs,
                r.sha256(),
                signature);
    }

    @Test
    void alteringAnythingThatCountsBreaksTheSignature() {
        GridResult r = sample(7, new byte[] {1, 2, 3});
        SortedMap<String, byte[]> outputs = new TreeMap<>(r.outputs());
        outputs.put("out.txt", new byte[] {1, 2, 4});
        assertFalse(
                altered(r, r.assignment(), r.instructions(), outputs, r.signature())
                        .verify(AGENT.getPublic()),
                "changed output, old fingerprint");
        assertFalse(
                altered(r, 8, r.instructions(), r.outputs(), r.signature()).verify(AGENT.getPublic()),
                "signature replayed for another assignment");
        assertFalse(
                altered(r, r.assignment(), r.instructions() + 1, r.outputs(), r.signature())
                        .verify(AGENT.getPublic()),
                "changed instruction count");
        assertFalse(
                altered(r, r.assignment(), r.instructions(), r.outputs(), new byte[] {0x30, 0x02, 0x01})
                        .verify(AGENT.getPublic()),
                "malformed signature is invalid, not an exception");
    }

    @Test
    void theFingerprintIgnoresTheDetailAndOutputOrderButNotFileBoundaries() {
        GridResult a = sample(1, new byte[] {1, 2, 3});
        GridResult b = sample(2, new byte[] {1, 2, 3});
        assertEquals(a.sha256(), b.sha256(), "same contents, different replicas");
        // "ab" + "c" must not collide with "a" + "bc"
        var one = new java.util.TreeMap<String, byte[]>(Map.of("x", "ab".getBytes(), "y", "c".getBytes()));
        var two = new java.util.TreeMap<String, byte[]>(Map.of("x", "a".getBytes(), "y", "bc".getBytes()));
        assertNotEquals(
                GridResult.digest("exited", 0, 1, new byte[0], new byte[0], one),
                GridResult.digest("exited", 0, 1, new byte[0], new byte[0], two));
        assertNotEquals(
                GridResult.digest("exited", 0, 1, "a".getBytes(), "b".getBytes(), one),
                GridResult.digest("exited", 0, 1, "ab".getBytes(), new byte[0], one));
    }

    @Test
    void resultsRoundTripThroughJson() throws Exception {
        GridResult result = sample(9, new byte[] {0, (byte) 0xFF, 10});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireJson.encode(result, out);
        var decoded = WireJson.decodeResult(new ByteArrayInputStream(out.toByteArray()));
        if (!(decoded instanceof WireJson.Decoded.Ok<GridResult>(GridResult back))) {
            throw new AssertionError("did not decode: " + decoded);
        }
        assertEquals(result.sha256(), back.computedSha256());
        assertTrue(back.verify(AGENT.getPublic()));
        assertArrayEquals(result.outputs().get("out.txt"), back.outputs().get("out.txt"));
    }

    @Test
    void malformedBodiesAreRefusedWithAReason() throws Exception {
        GridResult result = sample(9, new byte[] {1});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireJson.encode(result, out);
        byte[] valid = out.toByteArray();
        Random random = new Random(0x6121D5EEDL); // seed kept: failures reproduce
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            int cut = random.nextInt(4) == 0 ? random.nextInt(bytes.length) : bytes.length;
            var decoded = WireJson.decodeResult(new ByteArrayInputStream(bytes, 0, cut));
            if (decoded instanceof WireJson.Decoded.Ok<GridResult>(GridResult r)) {
                // Parsed after all (a flip inside a string or base64): then it must not verify unless unchanged.
                if (r.verify(AGENT.getPublic())) {
                    assertEquals(result.sha256(), r.sha256());
                    assertEquals(result.assignment(), r.assignment());
                }
            } else {
                assertFalse(((WireJson.Decoded.Malformed<GridResult>) decoded)
                        .reason()
                        .isBlank());
            }
        }
        for (String text : new String[] {"", "null", "{}", "[]", "{\"assignment\":\"1\",\"kind\":\"exited\"}"}) {
            var decoded = WireJson.decodeResult(new ByteArrayInputStream(text.getBytes()));
            assertInstanceOf(WireJson.Decoded.Malformed.class, decoded, text);
        }
    }
}
