package org.visorfleet.aoe.codec;

import java.util.Optional;

/**
 * The Query Config argument (AoE r11 section 3.2).
 *
 * <pre>
 * offset size field
 * 24     2    Buffer Count: requests the target can queue
 * 26     2    Firmware Version
 * 28     1    Sector Count: the most sectors one ATA request may carry (0 means 2, per r11)
 * 29     1    AoE version (high nibble) | CCmd (low nibble, {@link ConfigCommand})
 * 30     2    Config String Length (at most 1024)
 * 32          Config String
 * </pre>
 *
 * @param config the config string, one char per byte (ISO-8859-1), so any bytes round-trip
 */
public record QueryConfigMessage(
        int bufferCount, int firmwareVersion, int sectorCount, int aoeVersion, int ccmd, String config)
        implements AoeMessage {
    public static final int ARG_SIZE = 8;
    public static final int MAX_CONFIG = 1024;

    public QueryConfigMessage {
        if ((bufferCount | firmwareVersion) >>> 16 != 0 || sectorCount >>> 8 != 0 || (aoeVersion | ccmd) >>> 4 != 0) {
            throw new IllegalArgumentException("Query Config field out of range");
        }
        if (config.length() > MAX_CONFIG) {
            throw new IllegalArgumentException("config string longer than " + MAX_CONFIG);
        }
        for (int i = 0; i < config.length(); i++) {
            if (config.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("config string must be bytes (ISO-8859-1)");
            }
        }
    }

    public static QueryConfigMessage request(ConfigCommand ccmd, String config) {
        return new QueryConfigMessage(0, 0, 0, AoeHeader.VERSION, ccmd.code(), config);
    }

    /** The five config sub-commands. */
    public enum ConfigCommand {
        READ(0),
        TEST_EXACT(1),
        TEST_PREFIX(2),
        SET_IF_EMPTY(3),
        FORCE_SET(4);

        private final int code;

        ConfigCommand(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Optional<ConfigCommand> fromCode(int code) {
            for (ConfigCommand c : values()) {
                if (c.code == code) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }
}
