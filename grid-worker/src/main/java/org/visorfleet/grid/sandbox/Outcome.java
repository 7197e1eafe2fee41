package org.visorfleet.grid.sandbox;

/** How a run ended. Every guest behaviour ends in one of these; none is a host exception. */
public sealed interface Outcome {
    /** The program called exit/exit_group with {@code status} (0..255). */
    record Exited(int status) implements Outcome {}

    /**
     * The program died of {@code signal}: 11 for a bad memory access, 4 for an illegal instruction,
     * 5 for ebreak, 6 for abort().
     */
    record Killed(int signal, String reason) implements Outcome {}

    /** A sandbox limit ended the run. */
    record LimitExceeded(Limit limit, String detail) implements Outcome {}

    /** The file is not a program this sandbox runs (malformed or unsupported ELF); nothing ran. */
    record Rejected(String reason) implements Outcome {}

    /**
     * The host stopped the run before it ended (the work was cancelled or the machine is shutting
     * down): says nothing about the program, and is not a result to compare.
     */
    record Stopped(String reason) implements Outcome {}

    enum Limit {
        INSTRUCTIONS,
        MEMORY,
        OUTPUT,
        SYSCALLS,
        WALL_CLOCK
    }

    /** The status a shell would show: the exit status, 128 + signal, or a fixed code per limit. */
    default int shellStatus() {
        return switch (this) {
            case Exited e -> e.status();
            case Killed k -> 128 + k.signal();
            case LimitExceeded l ->
                switch (l.limit()) {
                    case INSTRUCTIONS -> 128 + 24; // SIGXCPU, as RLIMIT_CPU would
                    case MEMORY -> 128 + 9; // SIGKILL, as the OOM killer would
                    case OUTPUT -> 128 + 25; // SIGXFSZ, as RLIMIT_FSIZE would
                    case SYSCALLS -> 128 + 31; // SIGSYS
                    case WALL_CLOCK -> 124; // as timeout(1)
                };
            case Rejected r -> 126; // "cannot execute", as a shell says
            case Stopped s -> 128 + 15; // SIGTERM, as a stopped process shows
        };
    }
}
