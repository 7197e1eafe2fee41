package org.visorfleet.aoe.codec;

import java.util.Optional;

/** AoE r11 error codes (header byte 15, valid when the E flag is set). */
public enum AoeError {
    UNRECOGNIZED_COMMAND(1),
    BAD_ARGUMENT(2),
    DEVICE_UNAVAILABLE(3),
    CONFIG_STRING_PRESENT(4),
    UNSUPPORTED_VERSION(5),
    TARGET_RESERVED(6);

    private final int code;

    AoeError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<AoeError> fromCode(int code) {
        for (AoeError e : values()) {
            if (e.code == code) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
