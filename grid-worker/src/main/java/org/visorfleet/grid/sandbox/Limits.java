package org.visorfleet.grid.sandbox;

import java.time.Duration;

/**
 * How much a run may use. Exceeding any ends it cleanly with {@link Outcome.LimitExceeded}.
 *
 * @param instructions instructions retired (checked at block ends, so a run stops within one block)
 * @param memoryBytes guest memory mapped at once (image, stack, heap, mmap)
 * @param outputBytes stdout, stderr and output files together
 * @param syscalls system calls (a flood ends the run)
 * @param wallClock real time, the only limit that depends on the machine: a run that hits it says so
 */
public record Limits(long instructions, long memoryBytes, long outputBytes, long syscalls, Duration wallClock) {
    public static final Limits DEFAULT =
            new Limits(100_000_000_000L, 512L << 20, 64L << 20, 10_000_000L, Duration.ofMinutes(30));

    public Limits {
        if (instructions <= 0
                || memoryBytes <= 0
                || outputBytes < 0
                || syscalls <= 0
                || wallClock.isNegative()
                || wallClock.isZero()) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public Limits withInstructions(long n) {
        return new Limits(n, memoryBytes, outputBytes, syscalls, wallClock);
    }

    public Limits withMemoryBytes(long n) {
        return new Limits(instructions, n, outputBytes, syscalls, wallClock);
    }

    public Limits withWallClock(Duration d) {
        return new Limits(instructions, memoryBytes, outputBytes, syscalls, d);
    }
}
