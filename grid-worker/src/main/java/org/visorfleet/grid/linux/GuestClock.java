package org.visorfleet.grid.linux;

/**
 * Time as the guest sees it, a pure function of the retired-instruction count so reruns agree:
 * one instruction is one nanosecond. CLOCK_REALTIME starts at {@link #EPOCH_SECONDS}
 * (2026-01-01T00:00:00Z); CLOCK_MONOTONIC, BOOTTIME and the CPU-time clocks start at 0.
 */
final class GuestClock {
    /** 2026-01-01T00:00:00Z. */
    static final long EPOCH_SECONDS = 1_767_225_600L;

    static final int CLOCK_REALTIME = 0;
    static final int CLOCK_MONOTONIC = 1;
    static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    static final int CLOCK_THREAD_CPUTIME_ID = 3;
    static final int CLOCK_MONOTONIC_RAW = 4;
    static final int CLOCK_REALTIME_COARSE = 5;
    static final int CLOCK_MONOTONIC_COARSE = 6;
    static final int CLOCK_BOOTTIME = 7;

    private GuestClock() {}

    /** {seconds, nanoseconds} for {@code clock}, or null for an unknown clock id. */
    static long[] now(long clock, long instret) {
        long sinceStart = Math.max(0, instret);
        long seconds = sinceStart / 1_000_000_000L;
        long nanos = sinceStart % 1_000_000_000L;
        return switch ((int) clock == clock ? (int) clock : -1) {
            case CLOCK_REALTIME, CLOCK_REALTIME_COARSE -> new long[] {EPOCH_SECONDS + seconds, nanos};
            case CLOCK_MONOTONIC,
                    CLOCK_PROCESS_CPUTIME_ID,
                    CLOCK_THREAD_CPUTIME_ID,
                    CLOCK_MONOTONIC_RAW,
                    CLOCK_MONOTONIC_COARSE,
                    CLOCK_BOOTTIME -> new long[] {seconds, nanos};
            default -> null;
        };
    }
}
