package org.visorfleet.aoe.server;

import org.visorfleet.aoe.codec.MacAddress;

/**
 * Settings of one AoE target instance.
 *
 * @param self source MAC of every reply (the transport's MAC)
 * @param mtu link MTU; the largest ATA transfer per frame is {@code (mtu - 22) / 512} sectors
 * @param bufferCount requests the target can queue, advertised in Query Config (at least 16)
 * @param firmwareVersion advertised in Query Config
 */
public record TargetConfig(MacAddress self, int mtu, int bufferCount, int firmwareVersion) {
    /** AoE header after the Ethernet header (10 bytes) plus the ATA argument (12 bytes). */
    private static final int ATA_OVERHEAD = 22;

    public TargetConfig {
        if (mtu < 1500 - 22 && mtu < ATA_OVERHEAD + 512) {
            throw new IllegalArgumentException("MTU " + mtu + " cannot carry one sector");
        }
        if (bufferCount < 16 || bufferCount > 0xFFFF) {
            throw new IllegalArgumentException("buffer count " + bufferCount + " outside 16..65535");
        }
    }

    public static TargetConfig of(MacAddress self, int mtu) {
        return new TargetConfig(self, mtu, 64, 0x4019);
    }

    /** Most sectors one ATA request or reply can carry on this link (the count register caps it at 255). */
    public int maxSectorsPerFrame() {
        return Math.min(255, (mtu - ATA_OVERHEAD) / 512);
    }

    /** Largest frame on this link, Ethernet header included, FCS excluded. */
    public int maxFrame() {
        return mtu + 14;
    }
}
