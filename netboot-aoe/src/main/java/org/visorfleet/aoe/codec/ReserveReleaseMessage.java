package org.visorfleet.aoe.codec;

import java.util.List;

/**
 * The Reserve/Release argument (AoE r11 section 3.4).
 *
 * <pre>
 * offset size field
 * 24     1    RCmd: 0 read reserve list, 1 set reserve list, 2 force set reserve list
 * 25     1    NMacs
 * 26     6*n  MAC addresses
 * </pre>
 */
public record ReserveReleaseMessage(int rcmd, List<MacAddress> macs) implements AoeMessage {
    public static final int ARG_SIZE = 2;
    public static final int RCMD_READ = 0;
    public static final int RCMD_SET = 1;
    public static final int RCMD_FORCE_SET = 2;

    public ReserveReleaseMessage {
        if (rcmd >>> 8 != 0 || macs.size() > 255) {
            throw new IllegalArgumentException("Reserve/Release field out of range");
        }
        macs = List.copyOf(macs);
    }
}
