package org.visorfleet.server.shell;

import java.io.PrintStream;

/**
 * The calls the shell weaves into snippet bytecode ({@link SnippetRewriter}): a checkpoint at every
 * method entry, backward branch and exception handler, and the session's own streams in place of
 * {@code System.out} and {@code System.err}. Public only because snippet classes live in another
 * class loader; snippets themselves may not name it ({@link SnippetPolicy}).
 *
 * <p>State is bound per run with a scoped value, so code of one session never sees another's
 * streams or stop flag; snippet code running where no run is bound is stopped at once.
 */
public final class SnippetGuard {

    /** The most elements one array made by snippet code may have. */
    static final int MAX_ARRAY_LENGTH = 16 * 1024 * 1024;

    /** Checkpoints between two looks at the thread's allocation counter. */
    private static final int ALLOCATION_STRIDE = 256;

    /** Arrays from this many elements on are worth a look at the allocation counter at once. */
    private static final int LARGE_ARRAY = 4096;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * One snippet run: where it prints, why it must stop (null while it may go on), and how much
     * it may allocate (on its thread, model calls included).
     */
    static final class Run {
        final PrintStream out;
        final PrintStream err;
        private final long allocationLimit;
        private volatile String stopReason;
        private long allocatedAtStart = -1;
        private int untilAllocationCheck = ALLOCATION_STRIDE;

        Run(PrintStream out, PrintStream err, long allocationLimit) {
            this.out = out;
            this.err = err;
            this.allocationLimit = allocationLimit;
        }

        /** Called on the snippet's thread as it starts running. */
        void started() {
            allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
        }

        private void checkAllocation(boolean now) {
            if ((--untilAllocationCheck > 0 && !now) || allocatedAtStart < 0) {
                return;
            }
            untilAllocationCheck = ALLOCATION_STRIDE;
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedAtStart;
            if (allocated > allocationLimit) {
                stop("allocated more than " + (allocationLimit >> 20) + " MiB");
            }
        }

        private int inFleet; // guarded by this: depth of fleet calls (database work) on the run's thread

        void stop(String reason) {
            if (stopReason == null) {
                stopReason = reason;
            }
        }

        /**
         * Interrupts {@code thread} (sleeps, waits) unless it is inside a fleet call: an interrupt in
         * the middle of database I/O could close the database's file channel for the whole server.
         * A fleet call that ends on a stopped run throws at once ({@link #leaveFleet}).
         */
        synchronized void interrupt(Thread thread) {
            if (inFleet == 0) {
                thread.interrupt();
            }
        }

        /** Called on the run's thread before a fleet call. */
        synchronized void enterFleet() {
            if (Thread.interrupted() || stopReason != null) {
                stop("stopped");
                throw new SnippetStopped(stopReason);
            }
            inFleet++;
        }

        /** Called on the run's thread after a fleet call. */
        void leaveFleet() {
            synchronized (this) {
                inFleet--;
            }
            if (stopReason != null) {
                throw new SnippetStopped(stopReason);
            }
        }

        String stopReason() {
            return stopReason;
        }
    }

    /** Thrown into snippet code that must stop; each later checkpoint throws it again. */
    static final class SnippetStopped extends Error {
        SnippetStopped(String reason) {
            super(reason, null, false, false);
        }
    }

    static final ScopedValue<Run> RUN = ScopedValue.newInstance();

    private SnippetGuard() {}

    /** The checkpoint: throws if the running snippet was stopped (time limit, Ctrl-C). */
    public static void check() {
        Run run = run();
        run.checkAllocation(false);
        String reason = run.stopReason;
        if (reason != null) {
            throw new SnippetStopped(reason);
        }
    }

    /** Called before snippet code makes an array of {@code length} elements. */
    public static void arrayLength(int length) {
        if (length > MAX_ARRAY_LENGTH) {
            throw new SnippetStopped("an array of " + length + " elements is too large for the fleet shell (at most "
                    + MAX_ARRAY_LENGTH + ")");
        }
        if (length >= LARGE_ARRAY) {
            Run run = run();
            run.checkAllocation(true);
            if (run.stopReason != null) {
                throw new SnippetStopped(run.stopReason);
            }
        }
    }

    /** Replaces {@code Throwable.printStackTrace()}, which would print to the server's own stderr. */
    public static void printStackTrace(Throwable t) {
        t.printStackTrace(run().err);
    }

    /** Replaces {@code System.out} in snippet code. */
    public static PrintStream out() {
        return run().out;
    }

    /** Replaces {@code System.err} in snippet code. */
    public static PrintStream err() {
        return run().err;
    }

    private static Run run() {
        if (!RUN.isBound()) {
            throw new SnippetStopped("snippet code may only run inside its fleet-shell session");
        }
        return RUN.get();
    }
}
