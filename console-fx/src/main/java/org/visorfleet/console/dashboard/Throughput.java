package org.visorfleet.console.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Grid throughput: turns samples of the number of units decided so far (valid or failed, summed over
 * the jobs) into units decided per minute, for the last {@code window}. The first sample is the
 * baseline; a total that drops (a job was purged) counts as no progress. Not thread-safe: the dashboard
 * uses it on the application thread.
 */
final class Throughput {

    private final Duration window;
    private final TreeMap<Long, Long> perMinute = new TreeMap<>();
    private Long lastTotal;

    Throughput(Duration window) {
        this.window = window;
    }

    /** Records that {@code total} units were decided as of {@code at}. */
    void sample(Instant at, long total) {
        long minute = at.getEpochSecond() / 60 * 60;
        long delta = lastTotal == null ? 0 : Math.max(0, total - lastTotal);
        perMinute.merge(minute, delta, Long::sum);
        lastTotal = total;
        perMinute.headMap(at.minus(window).getEpochSecond() / 60 * 60).clear();
    }

    /** Units decided in each minute (keyed by its first second), oldest first. */
    List<TimeSeries.Point> perMinute() {
        List<TimeSeries.Point> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : perMinute.entrySet()) {
            out.add(new TimeSeries.Point(e.getKey(), e.getValue()));
        }
        return out;
    }
}
