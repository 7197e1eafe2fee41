package org.visorfleet.common.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EnrollmentTokenTest {

    static final String VALID = "vfe_PaSopLLuwL5M0GLOtBEHgJXI-rr8cVnW.afc1c5ffe03270ac0c410060f26a6ccd";

    @Test
    void roundTrips() {
        EnrollmentToken token = EnrollmentToken.parse(VALID).orElseThrow();
        assertEquals("vfe_PaSopLLuwL5M0GLOtBEHgJXI-rr8cVnW", token.secret());
        assertEquals("afc1c5ffe03270ac0c410060f26a6ccd", token.caPin());
        assertEquals(VALID, token.toString());
    }

    @Test
    void everyTruncationAndSingleCharacterChangeOutsideTheAlphabetIsRejected() {
        for (int i = 0; i < VALID.length(); i++) {
            assertTrue(EnrollmentToken.parse(VALID.substring(0, i)).isEmpty(), "truncated at " + i);
            for (char c : new char[] {'.', ' ', '/', '+', 'G', '\u00e9'}) {
                String changed = VALID.substring(0, i) + c + VALID.substring(i + 1);
                boolean stillValid = i < 36 && i >= 4 && c == 'G'; // 'G' is in the secret's alphabet
                if (!stillValid && !changed.equals(VALID)) {
                    assertTrue(EnrollmentToken.parse(changed).isEmpty(), changed);
                }
            }
        }
        assertTrue(EnrollmentToken.parse(null).isEmpty());
        assertTrue(EnrollmentToken.parse(VALID + "0").isEmpty());
        assertTrue(EnrollmentToken.parse(VALID.toUpperCase()).isEmpty());
    }

    @Test
    void randomTextIsNeverAToken() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            char[] chars = new char[random.nextInt(80)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) random.nextInt(128);
            }
            assertTrue(EnrollmentToken.parse(new String(chars)).isEmpty());
        }
    }
}
