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

    /** One snippet run: where it prints, and why it must stop (null while it may go on). */
    static final class Run {
        final PrintStream out;
        final PrintStream err;
        private volatile String stopReason;

        Run(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        void stop(String reason) {
            if (stopReason == null) {
                stopReason = reason;
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
        String reason = run().stopReason;
        if (reason != null) {
            throw new SnippetStopped(reason);
        }
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
