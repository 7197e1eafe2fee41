package org.visorfleet.server.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void hashesVerifyOnlyTheirPassword() {
        String hash = PasswordHasher.hash("correct horse");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertTrue(PasswordHasher.verify("correct horse", hash));
        assertFalse(PasswordHasher.verify("correct horsE", hash));
        assertNotEquals(hash, PasswordHasher.hash("correct horse"), "salted");
    }

    @Test
    void malformedStoredHashesNeverMatch() {
        String hash = PasswordHasher.hash("pw-12345");
        String[] bad = {
            "",
            "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA",
            hash.replace("v=19", "v=16"),
            hash.replace("m=19456", "m=1"),
            hash.replace("t=2", "t=x"),
            hash.replace("p=1", "p=4"),
            hash + "$extra",
            hash.substring(0, hash.length() - 5) + "!!!!!",
            "$argon2id$v=19$m=19456,t=2,p=1,q=3$AAAA$AAAA"
        };
        for (String stored : bad) {
            assertFalse(PasswordHasher.verify("pw-12345", stored), stored);
        }
    }
}
