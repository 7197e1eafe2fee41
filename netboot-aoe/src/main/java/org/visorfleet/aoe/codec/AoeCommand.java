package org.visorfleet.aoe.codec;

import java.util.Optional;

/** AoE r11 command codes (header byte 19). */
public enum AoeCommand {
    ATA(0),
    QUERY_CONFIG(1),
    MAC_MASK(2),
    RESERVE_RELEASE(3);

    private final int code;

    AoeCommand(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<AoeCommand> fromCode(int code) {
        for (AoeCommand c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
