package org.visorfleet.bench;

import java.util.Arrays;

/** Heartbeat round trips of one measurement window, in nanoseconds. Thread-safe. */
final class RoundTrips {

    record Summary(long count, double p50Millis, double p99Millis, double p999Millis, double maxMillis) {}

    private long[] samples = new long[1 << 16];
    private int size;

    synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    /** Summarises and clears the window. */
    synchronized Summary drain() {
        long[] sorted = Arrays.copyOf(samples, size);
        size = 0;
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Summary(
                sorted.length,
                millis(sorted, 0.50),
                millis(sorted, 0.99),
                millis(sorted, 0.999),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double millis(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
