package org.visorfleet.aoe.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.codec.MacMaskMessage;

/**
 * The mutable, in-memory per-export state that AoE lets initiators change: the config string, the
 * MAC mask list and the reserve list. Changes are rare and synchronized; the hot path reads volatile
 * immutable snapshots.
 */
final class ExportState {
    /** Most entries a mask list may hold; a full list answers MError 3. Fits one MTU-1500 reply. */
    static final int MAX_MASK_ENTRIES = 64;

    private volatile String config = "";
    private volatile Set<MacAddress> mask = Set.of();
    private volatile List<MacAddress> reserve = List.of();

    String config() {
        return config;
    }

    synchronized void forceConfig(String value) {
        config = value;
    }

    /**
     * Sets the config string if it is empty. Also succeeds when it already equals {@code value}, so a
     * retransmitted set (the reply was lost) does not turn into a spurious "config string present".
     */
    synchronized boolean setConfigIfEmpty(String value) {
        if (config.isEmpty() || config.equals(value)) {
            config = value;
            return true;
        }
        return false;
    }

    /** An empty mask admits everyone; otherwise only listed MACs are served. */
    boolean admits(MacAddress source) {
        Set<MacAddress> m = mask;
        return m.isEmpty() || m.contains(source);
    }

    List<MacAddress> maskList() {
        return mask.stream().sorted().toList();
    }

    /** Outcome of applying mask directives: the MError and the resulting list. */
    record MaskResult(int merror, List<MacAddress> list) {}

    /** Applies directives in order and stops at the first that fails (the list keeps what came before). */
    synchronized MaskResult editMask(List<MacMaskMessage.Directive> directives) {
        List<MacAddress> list = new ArrayList<>(maskList());
        int merror = 0;
        for (MacMaskMessage.Directive d : directives) {
            switch (d.dcmd()) {
                case MacMaskMessage.DCMD_NONE -> {}
                case MacMaskMessage.DCMD_ADD -> {
                    if (!list.contains(d.mac())) {
                        if (list.size() >= MAX_MASK_ENTRIES) {
                            merror = MacMaskMessage.MERROR_LIST_FULL;
                        } else {
                            list.add(d.mac());
                        }
                    }
                }
                case MacMaskMessage.DCMD_DELETE -> list.remove(d.mac());
                default -> merror = MacMaskMessage.MERROR_BAD_DIRECTIVE;
            }
            if (merror != 0) {
                break;
            }
        }
        mask = Set.copyOf(list);
        return new MaskResult(merror, maskList());
    }

    /** True when the reserve list is empty or names {@code source}. */
    boolean reservedFor(MacAddress source) {
        List<MacAddress> r = reserve;
        return r.isEmpty() || r.contains(source);
    }

    List<MacAddress> reserveList() {
        return reserve;
    }

    /** Set (not forced): allowed only for hosts the current list admits. */
    synchronized boolean setReserve(MacAddress requester, List<MacAddress> macs) {
        if (!reservedFor(requester)) {
            return false;
        }
        reserve = List.copyOf(macs);
        return true;
    }

    synchronized void forceReserve(List<MacAddress> macs) {
        reserve = List.copyOf(macs);
    }
}
