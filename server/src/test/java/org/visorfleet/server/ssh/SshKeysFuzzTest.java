package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.visorfleet.common.testing.FuzzSeeds;
import org.visorfleet.server.Refusal;

/**
 * Public keys technicians paste ({@code POST /api/v1/users/NAME/keys}) are parsed by {@link
 * SshKeys.ParsedKey}: a good key parses to the fingerprint OpenSSH shows; anything else, however
 * mangled, is a 400 refusal with a reason, never another exception.
 */
class SshKeysFuzzTest {

    static final String ED25519 =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIg7w0/8kVD2hilwsSVr0wB19AT7Ap60auAPQk7lt2lG tech@helpdesk";

    static List<String> goodKeys() throws Exception {
        List<String> keys = new ArrayList<>();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        keys.add(PublicKeyEntry.toString(ec.generateKeyPair().getPublic()) + " tech@laptop");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        keys.add(PublicKeyEntry.toString(rsa.generateKeyPair().getPublic()));
        // As ssh-keygen -t ed25519 wrote it (MINA reads Ed25519 through Bouncy Castle, not the JDK's keys).
        keys.add(ED25519);
        return keys;
    }

    @Test
    void goodKeysParseAndKeepTheirComment() throws Exception {
        for (String key : goodKeys()) {
            SshKeys.ParsedKey parsed = SshKeys.ParsedKey.parse(key);
            assertEquals(key.split(" ")[0], parsed.openSsh().split(" ")[0]);
            assertEquals(key.split(" ").length > 2 ? key.split(" ", 3)[2] : "", parsed.comment());
        }
    }

    @Test
    void plainBadInputIsRefusedWithAReason() {
        for (String bad : new String[] {
            null,
            "",
            "   ",
            "ssh-ed25519",
            "ssh-ed25519 !!!notbase64",
            "ssh-ed25519 AAAA",
            "command=\"rm -rf /\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdR",
            "ssh-dss AAAAB3NzaC1kc3M=",
            "x".repeat(20_000),
            "ssh-rsa " + Base64.getEncoder().encodeToString(new byte[4096]),
        }) {
            Refusal refusal = assertThrows(Refusal.class, () -> SshKeys.ParsedKey.parse(bad), String.valueOf(bad));
            assertEquals(Refusal.Kind.INVALID, refusal.kind(), refusal.getMessage());
        }
    }

    @Test
    void mangledKeysAreRefusedNeverThrownAt() throws Exception {
        List<String> keys = goodKeys();
        for (long seed : FuzzSeeds.seeds().toArray()) {
            System.out.println("SshKeysFuzzTest seed " + seed + " (replay: -Dfuzz.seed=" + seed + ")");
            Random random = new Random(seed);
            for (int i = 0; i < 1_000; i++) {
                String key = keys.get(random.nextInt(keys.size()));
                String mangled = mangle(key, random);
                try {
                    SshKeys.ParsedKey.parse(mangled);
                } catch (Refusal refusal) {
                    assertEquals(Refusal.Kind.INVALID, refusal.kind());
                } catch (RuntimeException e) {
                    fail("seed " + seed + ", case " + i + ": " + e + " for " + mangled);
                }
            }
        }
    }

    /** A key with a few of its base64 bytes flipped, cut, or stretched, or its text damaged. */
    static String mangle(String key, Random random) {
        String[] parts = key.split(" ", 3);
        byte[] blob = Base64.getDecoder().decode(parts[1]);
        switch (random.nextInt(5)) {
            case 0 -> blob[random.nextInt(blob.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> blob = java.util.Arrays.copyOf(blob, random.nextInt(blob.length));
            case 2 -> {
                // A length field (any 4 aligned bytes) made huge or negative.
                int at = random.nextInt(Math.max(1, blob.length - 4));
                blob[at] = (byte) random.nextInt(256);
            }
            case 3 -> {
                byte[] longer = java.util.Arrays.copyOf(blob, blob.length + 1 + random.nextInt(64));
                random.nextBytes(java.util.Arrays.copyOfRange(longer, blob.length, longer.length));
                blob = longer;
            }
            default -> {
                byte[] text = key.getBytes(StandardCharsets.ISO_8859_1);
                text[random.nextInt(text.length)] = (byte) random.nextInt(256);
                return new String(text, StandardCharsets.ISO_8859_1);
            }
        }
        return parts[0] + " " + Base64.getEncoder().encodeToString(blob) + (parts.length > 2 ? " " + parts[2] : "");
    }
}
