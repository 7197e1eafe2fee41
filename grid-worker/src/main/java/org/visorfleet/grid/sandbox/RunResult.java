package org.visorfleet.grid.sandbox;

import java.time.Duration;
import java.util.Map;

/**
 * What a run produced. {@code instructions} is deterministic (same work unit, same count
 * everywhere); {@code wall} is not.
 */
public record RunResult(
        Outcome outcome,
        byte[] stdout,
        byte[] stderr,
        Map<String, byte[]> outputs,
        long instructions,
        long syscalls,
        Duration wall) {

    /** Millions of instructions per second of wall time. */
    public double mips() {
        double seconds = wall.toNanos() / 1e9;
        return seconds <= 0 ? 0 : instructions / seconds / 1e6;
    }
}
