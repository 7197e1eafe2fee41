package org.visorfleet.aoe.store;

/** An AoE export address {@code shelf.slot} (major.minor); 0xFFFF and 0xFF are broadcast and not exportable. */
public record ExportAddress(int shelf, int slot) implements Comparable<ExportAddress> {
    public ExportAddress {
        if (shelf < 0 || shelf > 0xFFFE || slot < 0 || slot > 0xFE) {
            throw new IllegalArgumentException("export address " + shelf + "." + slot
                    + " outside shelf 0..65534, slot 0..254");
        }
    }

    /** Parses {@code SHELF.SLOT}, e.g. {@code 1.0}. */
    public static ExportAddress parse(String text) {
        int dot = text.indexOf('.');
        try {
            if (dot > 0 && dot == text.lastIndexOf('.')) {
                return new ExportAddress(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
            }
        } catch (NumberFormatException e) {
            // fall through to the uniform message below
        }
        throw new IllegalArgumentException("not an export address SHELF.SLOT: '" + text + "'");
    }

    @Override
    public String toString() {
        return shelf + "." + slot;
    }

    @Override
    public int compareTo(ExportAddress o) {
        return shelf != o.shelf ? Integer.compare(shelf, o.shelf) : Integer.compare(slot, o.slot);
    }
}
