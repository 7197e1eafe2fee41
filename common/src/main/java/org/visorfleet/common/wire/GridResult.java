package org.visorfleet.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an agent returns for one grid work unit replica ({@code PUT /agent/v1/grid/results/{assignment}},
 * a JSON body; byte arrays travel as base64).
 *
 * <p>{@code sha256} is the result's fingerprint: a digest over everything the run produced that must
 * agree between replicas ({@link #digest}). The server recomputes it from the bytes it received, and
 * the agent signs it, bound to the assignment ({@link #seal}), with its enrolled key, so a result
 * can neither be altered in transit or storage nor be replayed for another replica.
 *
 * @param assignment the replica ({@link ServerMessage.Work#assignment()})
 * @param kind how the run ended: {@code exited}, {@code killed}, {@code limit} or {@code rejected}
 *     (deterministic: replicas must agree), or {@code error} (the run could not be completed here: wall
 *     clock, missing file, agent failure; the server reissues the unit)
 * @param exitStatus the status a shell would show (exit code, 128 + signal, limit code)
 * @param detail a human-readable reason (not part of the fingerprint)
 * @param instructions instructions retired
 * @param stdout captured standard output
 * @param stderr captured standard error
 * @param outputs the declared output files the program wrote, by name
 * @param sha256 {@link #digest} of the fields above, lower-case hex
 * @param signature the agent's signature of {@link #seal}(assignment, sha256)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GridResult(
        long assignment,
        String kind,
        int exitStatus,
        String detail,
        long instructions,
        byte[] stdout,
        byte[] stderr,
        SortedMap<String, byte[]> outputs,
        String sha256,
        byte[] signature) {

    public static final String EXITED = "exited";
    public static final String KILLED = "killed";
    public static final String LIMIT = "limit";
    public static final String REJECTED = "rejected";
    public static final String ERROR = "error";

    public GridResult {
        stdout = stdout == null ? new byte[0] : stdout;
        stderr = stderr == null ? new byte[0] : stderr;
        outputs = outputs == null ? new TreeMap<>() : new TreeMap<>(outputs);
    }

    /** True for the kinds that replicas must agree on; {@code error} results are reissued instead. */
    public boolean deterministic() {
        return switch (kind) {
            case EXITED, KILLED, LIMIT, REJECTED -> true;
            default -> false;
        };
    }

    /**
     * A signed result: computes the fingerprint and signs it for {@code assignment} with the agent's
     * key (SHA256withECDSA for EC keys, SHA256withRSA for RSA keys).
     */
    public static GridResult signed(
            long assignment,
            String kind,
            int exitStatus,
            String detail,
            long instructions,
            byte[] stdout,
            byte[] stderr,
            Map<String, byte[]> outputs,
            PrivateKey key) {
        SortedMap<String, byte[]> sorted = new TreeMap<>(outputs);
        String sha256 = digest(kind, exitStatus, instructions, stdout, stderr, sorted);
        try {
            Signature signer = Signature.getInstance(algorithm(key.getAlgorithm()));
            signer.initSign(key);
            signer.update(seal(assignment, sha256));
            return new GridResult(
                    assignment, kind, exitStatus, detail, instructions, stdout, stderr, sorted, sha256, signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this " + key.getAlgorithm() + " key", e);
        }
    }

    /** The fingerprint recomputed from this result's contents (compare with {@link #sha256()}). */
    public String computedSha256() {
        return digest(kind, exitStatus, instructions, stdout, stderr, outputs);
    }

    /**
     * True when the fingerprint matches the contents and the signature is {@code key}'s over this
     * assignment and fingerprint. Never throws for bad input: a malformed signature is just invalid.
     */
    public boolean verify(PublicKey key) {
        if (signature == null || sha256 == null || !sha256.equals(computedSha256())) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(algorithm(key.getAlgorithm()));
            verifier.initVerify(key);
            verifier.update(seal(assignment, sha256));
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * SHA-256 over a length-prefixed encoding of kind, exit status, instruction count, stdout,
     * stderr and the output files in name order. Two results agree bit for bit exactly when their
     * digests are equal.
     */
    public static String digest(
            String kind,
            int exitStatus,
            long instructions,
            byte[] stdout,
            byte[] stderr,
            SortedMap<String, byte[]> outputs) {
        MessageDigest sha = newSha256();
        sha.update("visorfleet-grid-result-v1\n".getBytes(StandardCharsets.US_ASCII));
        field(sha, kind.getBytes(StandardCharsets.UTF_8));
        sha.update(
                ByteBuffer.allocate(12).putInt(exitStatus).putLong(instructions).array());
        field(sha, stdout);
        field(sha, stderr);
        sha.update(ByteBuffer.allocate(4).putInt(outputs.size()).array());
        outputs.forEach((name, bytes) -> {
            field(sha, name.getBytes(StandardCharsets.UTF_8));
            field(sha, bytes);
        });
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The bytes an agent signs: a fixed label, the assignment and the fingerprint. */
    public static byte[] seal(long assignment, String sha256) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write("visorfleet-grid-seal-v1\n".getBytes(StandardCharsets.US_ASCII));
            out.writeLong(assignment);
            out.write(sha256.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void field(MessageDigest sha, byte[] bytes) {
        sha.update(ByteBuffer.allocate(8).putLong(bytes.length).array());
        sha.update(bytes);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String algorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("cannot sign with a " + keyAlgorithm + " key");
        };
    }
}
