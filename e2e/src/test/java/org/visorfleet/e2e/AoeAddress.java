package org.visorfleet.e2e;

/** An AoE target address {@code e<shelf>.<slot>} (AoE r11: 16-bit major, 8-bit minor). */
record AoeAddress(int shelf, int slot) {
    AoeAddress {
        // 0xFFFF and 0xFF are the broadcast major/minor, never a target's own address.
        if (shelf < 0 || shelf >= 0xFFFF || slot < 0 || slot >= 0xFF) {
            throw new IllegalArgumentException("not a unicast AoE address: e" + shelf + "." + slot);
        }
    }

    /** iPXE SAN URI, e.g. {@code aoe:e1.0}. */
    String sanUri() {
        return "aoe:" + this;
    }

    @Override
    public String toString() {
        return "e" + shelf + "." + slot;
    }
}
