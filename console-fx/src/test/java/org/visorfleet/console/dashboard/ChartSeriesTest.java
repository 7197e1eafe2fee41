package org.visorfleet.console.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard charts' data: the last hour of samples, and units decided per minute. */
class ChartSeriesTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void timeSeriesKeepsTheLastWindowOnly() {
        TimeSeries series = new TimeSeries(Duration.ofHours(1));
        series.add(T0, 3);
        series.add(T0.plusSeconds(1800), 4);
        series.add(T0.plusSeconds(3601), 5);
        assertEquals(
                List.of(
                        new TimeSeries.Point(T0.getEpochSecond() + 1800, 4),
                        new TimeSeries.Point(T0.getEpochSecond() + 3601, 5)),
                series.points());
    }

    @Test
    void throughputCountsDecidedUnitsPerMinuteFromTheFirstSample() {
        Throughput throughput = new Throughput(Duration.ofHours(1));
        throughput.sample(T0.plusSeconds(5), 100); // the baseline: units decided before the console looked
        throughput.sample(T0.plusSeconds(35), 103);
        throughput.sample(T0.plusSeconds(65), 110);
        throughput.sample(T0.plusSeconds(95), 90); // a job purged: no progress, not negative
        throughput.sample(T0.plusSeconds(125), 92);
        long m = T0.getEpochSecond();
        assertEquals(
                List.of(new TimeSeries.Point(m, 3), new TimeSeries.Point(m + 60, 7), new TimeSeries.Point(m + 120, 2)),
                throughput.perMinute());
    }

    @Test
    void throughputForgetsMinutesOlderThanTheWindow() {
        Throughput throughput = new Throughput(Duration.ofMinutes(2));
        throughput.sample(T0, 0);
        throughput.sample(T0.plusSeconds(60), 1);
        throughput.sample(T0.plusSeconds(240), 5);
        assertEquals(List.of(new TimeSeries.Point(T0.getEpochSecond() + 240, 4)), throughput.perMinute());
    }
}
