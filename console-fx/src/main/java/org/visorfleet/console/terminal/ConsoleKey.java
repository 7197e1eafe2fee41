package org.visorfleet.console.terminal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.PkiException;
import org.visorfleet.console.api.ApiException;
import org.visorfleet.console.api.Session;

/**
 * The console's own SSH key for one technician, with which the terminal signs in to the bastion and
 * to desktops: an EC P-256 key pair kept in the console home ({@code ssh/console-USER}, 0600, and
 * {@code .pub} in OpenSSH form), made on first use and registered on the technician's account.
 */
public record ConsoleKey(KeyPair keyPair) {

    /** The key of {@code user} in {@code dir}, made (and saved) if there is none yet. */
    public static ConsoleKey loadOrCreate(Path dir, String user) throws IOException {
        String base = "console-" + user.replaceAll("[^A-Za-z0-9._-]", "_");
        Path privateFile = dir.resolve(base);
        Path publicFile = dir.resolve(base + ".pub");
        if (Files.exists(privateFile) && Files.exists(publicFile)) {
            return load(privateFile, publicFile);
        }
        Files.createDirectories(dir);
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make an SSH key: " + e.getMessage(), e);
        }
        ConsoleKey key = new ConsoleKey(pair);
        Pem.write(privateFile, Pem.toPem(pair.getPrivate()));
        Files.writeString(publicFile, key.openSsh() + " visorfleet-console:" + user + "\n", StandardCharsets.US_ASCII);
        return key;
    }

    private static ConsoleKey load(Path privateFile, Path publicFile) throws IOException {
        try {
            PrivateKey privateKey = Pem.readPrivateKey(privateFile);
            PublicKey publicKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(
                            Files.readString(publicFile, StandardCharsets.US_ASCII)
                                    .strip())
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
            return new ConsoleKey(new KeyPair(publicKey, privateKey));
        } catch (PkiException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the console's SSH key in " + privateFile + " is unusable: " + e.getMessage(), e);
        }
    }

    /** The public key in OpenSSH form ({@code ecdsa-sha2-nistp256 AAAA...}). */
    public String openSsh() {
        return PublicKeyEntry.toString(keyPair.getPublic());
    }

    /** {@code SHA256:...}, as the server lists keys. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(keyPair.getPublic());
    }

    /**
     * Registers the key on the signed-in technician's account; fine if it already is. Fails if it is
     * registered to someone else.
     */
    public void register(Session session) throws IOException, InterruptedException {
        String path = "/api/v1/users/" + URLEncoder.encode(session.username(), StandardCharsets.UTF_8) + "/keys";
        try {
            session.send("POST", path, Map.of("publicKey", openSsh() + " visorfleet-console"));
        } catch (ApiException e) {
            if (e.status() != 409) {
                throw e;
            }
            for (JsonNode key : session.get(path).path("items")) {
                if (fingerprint().equals(key.path("fingerprint").asText())) {
                    return;
                }
            }
            throw new IOException("this console's SSH key is registered to another user: " + e.getMessage());
        }
    }
}
