package org.visorfleet.aoe.codec;

/**
 * The Ethernet and AoE common header (AoE r11 section 2), 24 bytes, all fields big-endian.
 *
 * <pre>
 * offset size field
 *  0     6    Ethernet destination MAC
 *  6     6    Ethernet source MAC
 * 12     2    EtherType 0x88A2
 * 14     1    Ver (high nibble, = 1) | Flags (low nibble: 0x8 R response, 0x4 E error)
 * 15     1    Error (valid when E is set; see {@link AoeError})
 * 16     2    Major (shelf; 0xFFFF = broadcast)
 * 18     1    Minor (slot; 0xFF = broadcast)
 * 19     1    Command (see {@link AoeCommand})
 * 20     4    Tag (opaque to the target, echoed in the response)
 * 24          command argument
 * </pre>
 */
public record AoeHeader(
        MacAddress destination,
        MacAddress source,
        int version,
        int flags,
        int error,
        int major,
        int minor,
        int command,
        int tag) {
    public static final int SIZE = 24;
    public static final int VERSION = 1;
    public static final int FLAG_RESPONSE = 0x8;
    public static final int FLAG_ERROR = 0x4;
    public static final int BROADCAST_MAJOR = 0xFFFF;
    public static final int BROADCAST_MINOR = 0xFF;

    public AoeHeader {
        check("version", version, 0xF);
        check("flags", flags, 0xF);
        check("error", error, 0xFF);
        check("major", major, 0xFFFF);
        check("minor", minor, 0xFF);
        check("command", command, 0xFF);
    }

    /** A version-1 request with no flags. */
    public static AoeHeader request(MacAddress dst, MacAddress src, int major, int minor, AoeCommand command, int tag) {
        return new AoeHeader(dst, src, VERSION, 0, 0, major, minor, command.code(), tag);
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    public boolean isError() {
        return (flags & FLAG_ERROR) != 0;
    }

    /**
     * The response to this request as sent by the target at {@code major.minor} with MAC {@code self}:
     * unicast back to the requester, real (never broadcast) address, same command and tag.
     */
    public AoeHeader reply(MacAddress self, int major, int minor) {
        return new AoeHeader(source, self, VERSION, FLAG_RESPONSE, 0, major, minor, command, tag);
    }

    /** This response turned into an error response carrying {@code error}. */
    public AoeHeader withError(AoeError error) {
        return new AoeHeader(
                destination,
                source,
                version,
                flags | FLAG_RESPONSE | FLAG_ERROR,
                error.code(),
                major,
                minor,
                command,
                tag);
    }

    private static void check(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " " + value + " outside 0.." + max);
        }
    }
}
