package org.visorfleet.server.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.visorfleet.common.pki.KeyPairs;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.PkiException;

/**
 * The bastion's host key, kept in the data directory ({@code ssh/host_key.pem}, 0600, and
 * {@code ssh/host_key.pub} in OpenSSH form) so that technicians' {@code known_hosts} entries stay
 * valid across restarts. Created on first start: an EC P-256 key ({@code ecdsa-sha2-nistp256}).
 */
public record HostKey(KeyPair keyPair) {

    /** The public key in OpenSSH form, as {@code known_hosts} and agents pin it. */
    public String openSsh() {
        return PublicKeyEntry.toString(keyPair.getPublic());
    }

    /** {@code SHA256:...}, as {@code ssh} shows it on first contact. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(keyPair.getPublic());
    }

    public static HostKey loadOrCreate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path privateFile = dir.resolve("host_key.pem");
        Path publicFile = dir.resolve("host_key.pub");
        if (!Files.exists(privateFile)) {
            KeyPair generated = KeyPairs.generateEc();
            // The public half first: a crash between the two writes leaves no private key, so the
            // next start simply generates again.
            Files.writeString(publicFile, PublicKeyEntry.toString(generated.getPublic()) + " visorfleet-bastion\n");
            Pem.write(privateFile, Pem.toPem(generated.getPrivate()));
            return new HostKey(generated);
        }
        try {
            PrivateKey privateKey = Pem.readPrivateKey(privateFile);
            PublicKey publicKey = SshKeys.ParsedKey.parse(Files.readString(publicFile, StandardCharsets.US_ASCII))
                    .key();
            return new HostKey(new KeyPair(publicKey, privateKey));
        } catch (PkiException | RuntimeException e) {
            throw new IOException("SSH host key in " + dir + " is unreadable: " + e.getMessage(), e);
        }
    }
}
