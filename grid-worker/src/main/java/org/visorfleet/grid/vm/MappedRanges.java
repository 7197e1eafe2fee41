package org.visorfleet.grid.vm;

import java.util.Map;
import java.util.TreeMap;

/** The mapped part of the address space as disjoint, non-adjacent [start, end) ranges, for free-space search. */
final class MappedRanges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    void add(long start, long end) {
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Map.Entry<Long, Long> next;
        while ((next = ranges.ceilingEntry(start)) != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
        }
        ranges.put(start, end);
    }

    void remove(long start, long end) {
        Map.Entry<Long, Long> before = ranges.lowerEntry(start);
        if (before != null && before.getValue() > start) {
            ranges.put(before.getKey(), start);
            if (before.getValue() > end) {
                ranges.put(end, before.getValue());
            }
        }
        Map.Entry<Long, Long> next;
        while ((next = ranges.ceilingEntry(start)) != null && next.getKey() < end) {
            ranges.remove(next.getKey());
            if (next.getValue() > end) {
                ranges.put(end, next.getValue());
            }
        }
    }

    /** Lowest {@code a >= from} with [a, a + length) free and below {@code ceiling}, or -1. */
    long firstGap(long from, long length, long ceiling) {
        long a = from;
        Map.Entry<Long, Long> covering = ranges.floorEntry(a);
        if (covering != null && covering.getValue() > a) {
            a = covering.getValue();
        }
        while (a <= ceiling - length) {
            Map.Entry<Long, Long> next = ranges.higherEntry(a);
            if (next == null || next.getKey() - a >= length) {
                return a;
            }
            a = next.getValue();
        }
        return -1;
    }
}
