package org.visorfleet.common.wire;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A one-time enrollment token as technicians hand it out: {@code SECRET.PIN}, where SECRET is {@code
 * vfe_} plus 32 URL-safe base64 characters and PIN is the first 32 hex digits (128 bits) of the
 * SHA-256 of the fleet CA certificate (DER). The pin lets a new agent trust the server on first
 * contact without trusting anyone else; only the secret is checked (and stored hashed) by the server.
 */
public record EnrollmentToken(String secret, String caPin) {

    private static final Pattern SECRET = Pattern.compile("vfe_[A-Za-z0-9_-]{32}");
    private static final Pattern PIN = Pattern.compile("[0-9a-f]{32}");

    public EnrollmentToken {
        if (!SECRET.matcher(secret).matches() || !PIN.matcher(caPin).matches()) {
            throw new IllegalArgumentException("not an enrollment token");
        }
    }

    /** The token from its text form, or empty when the text is not one. */
    public static Optional<EnrollmentToken> parse(String text) {
        if (text == null || text.length() != 36 + 1 + 32) {
            return Optional.empty();
        }
        int dot = text.indexOf('.');
        if (dot != 36) {
            return Optional.empty();
        }
        String secret = text.substring(0, dot);
        String pin = text.substring(dot + 1);
        if (!SECRET.matcher(secret).matches() || !PIN.matcher(pin).matches()) {
            return Optional.empty();
        }
        return Optional.of(new EnrollmentToken(secret, pin));
    }

    /** The pin for a CA certificate with this SHA-256 fingerprint (lower-case hex). */
    public static String pinOf(String caSha256Hex) {
        return caSha256Hex.substring(0, 32);
    }

    @Override
    public String toString() {
        return secret + "." + caPin;
    }
}
