package org.visorfleet.aoe.store;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AoE export address: shelf (major) and slot (minor), written {@code 1.0} as in {@code aoe:e1.0}.
 * Shelf 0xFFFF and slot 0xFF are the AoE broadcast addresses, so an export uses 0..65534 and 0..254.
 */
public record ExportAddress(int shelf, int slot) implements Comparable<ExportAddress> {
    public static final int MAX_SHELF = 0xFFFE;
    public static final int MAX_SLOT = 0xFE;
    // Canonical decimal only (no signs, no leading zeros): the text names a directory, so one
    // address must have exactly one spelling.
    private static final Pattern TEXT = Pattern.compile("(0|[1-9][0-9]{0,4})\\.(0|[1-9][0-9]{0,2})");

    public ExportAddress {
        if (shelf < 0 || shelf > MAX_SHELF) {
            throw new IllegalArgumentException("shelf " + shelf + " outside 0.." + MAX_SHELF);
        }
        if (slot < 0 || slot > MAX_SLOT) {
            throw new IllegalArgumentException("slot " + slot + " outside 0.." + MAX_SLOT);
        }
    }

    /** Parses {@code shelf.slot}, e.g. {@code 1.0}; empty if malformed or out of range. */
    public static Optional<ExportAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        int shelf = Integer.parseInt(m.group(1));
        int slot = Integer.parseInt(m.group(2));
        if (shelf > MAX_SHELF || slot > MAX_SLOT) {
            return Optional.empty();
        }
        return Optional.of(new ExportAddress(shelf, slot));
    }

    /** Like {@link #parse} but throws IllegalArgumentException with the offending text. */
    public static ExportAddress of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not an export address: '" + text + "'"));
    }

    /** {@code e1.0}: the export's directory under an {@link OverlayDirectory}. */
    public String directoryName() {
        return "e" + this;
    }

    @Override
    public String toString() {
        return shelf + "." + slot;
    }

    @Override
    public int compareTo(ExportAddress o) {
        int c = Integer.compare(shelf, o.shelf);
        return c != 0 ? c : Integer.compare(slot, o.slot);
    }
}
