package org.visorfleet.console.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Samples of one number over time, the last {@code window} of them, for a dashboard chart. Not
 * thread-safe: the dashboard uses it on the application thread.
 */
final class TimeSeries {

    /** One sample: when (epoch seconds) and how many. */
    record Point(long epochSecond, double value) {}

    private final Duration window;
    private final Deque<Point> points = new ArrayDeque<>();

    TimeSeries(Duration window) {
        this.window = window;
    }

    /** Adds a sample taken at {@code at} and forgets those older than the window before it. */
    void add(Instant at, double value) {
        points.addLast(new Point(at.getEpochSecond(), value));
        long oldest = at.minus(window).getEpochSecond();
        while (!points.isEmpty() && points.peekFirst().epochSecond() < oldest) {
            points.removeFirst();
        }
    }

    /** The samples, oldest first. */
    List<Point> points() {
        return List.copyOf(points);
    }
}
