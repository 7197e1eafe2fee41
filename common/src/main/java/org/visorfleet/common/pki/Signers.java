package org.visorfleet.common.pki;

import java.security.PrivateKey;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Picks the SHA-256 signature algorithm for a key; signing uses the JDK's providers. */
final class Signers {

    private Signers() {}

    /**
     * SHA256withECDSA for EC keys, SHA256withRSA for RSA keys.
     *
     * @throws IllegalArgumentException for any other key type
     */
    static ContentSigner sha256(PrivateKey key) {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "EC", "ECDSA" -> "SHA256withECDSA"; // ECDSA: Bouncy Castle's name, once MINA SSHD registers it
                    case "RSA" -> "SHA256withRSA";
                    default -> throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key");
                };
        try {
            return new JcaContentSignerBuilder(algorithm).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalArgumentException("cannot sign with this " + key.getAlgorithm() + " key", e);
        }
    }
}
