package org.visorfleet.grid.vm;

/** One mapped 4 KiB guest page. Owned and mutated only by {@link GuestMemory} (and the hart's decoder). */
final class Page {
    /** Contents; {@code null} until first written (reads see zeros), so sparse mappings stay cheap. */
    byte[] data;

    int prot;

    /** Decoded instructions, one slot per halfword plus an end sentinel; {@code null} when none. */
    long[] code;

    /** The page before this one when its last slot holds an instruction that continues into this page. */
    Page straddledFrom;

    /** Guest page number (address >>> 12). */
    final long vpn;

    Page(long vpn, int prot) {
        this.vpn = vpn;
        this.prot = prot;
    }
}
