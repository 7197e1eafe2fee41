package org.visorfleet.server.shell;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs snippets in the server's JVM on the caller's thread (JShell calls {@code invoke} from its
 * {@code eval}), under a time limit: when it runs out, or on {@link #stopRunning}, the run's stop
 * flag is set (the next checkpoint in snippet code throws) and the thread is interrupted (for
 * {@code sleep} and waits) unless it is inside a fleet call ({@link GuardedBackend}). A stop that arrives between two snippets of one input (while JShell
 * compiles) stops the next one as soon as it starts, until {@link #clearPendingStop}.
 */
final class GuardedExecutionControl extends DirectExecutionControl {

    private final Duration limit;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    private Thread running;
    private SnippetGuard.Run run;
    private ScheduledFuture<?> deadline;
    private String pendingStop;

    GuardedExecutionControl(SnippetLoader loader, Duration limit, ScheduledExecutorService timer) {
        super(loader);
        this.limit = limit;
        this.timer = timer;
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        SnippetGuard.Run current = SnippetGuard.RUN.get();
        synchronized (lock) {
            running = Thread.currentThread();
            run = current;
            if (pendingStop != null) {
                current.stop(pendingStop);
            }
            deadline = timer.schedule(
                    () -> stopRunning("time limit of " + describe(limit) + " reached"),
                    limit.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        current.started();
        try {
            return super.invoke(doit);
        } finally {
            synchronized (lock) {
                deadline.cancel(false);
                running = null;
                run = null;
            }
            Thread.interrupted(); // a stop that arrived as the snippet ended must not hit the next one
        }
    }

    /** Stops the snippet running now, if any, giving {@code reason}. */
    void stopRunning(String reason) {
        synchronized (lock) {
            if (running != null) {
                run.stop(reason);
                run.interrupt(running);
            } else {
                pendingStop = reason;
            }
        }
    }

    /** Forgets a stop that found no snippet running (called when an input has been evaluated). */
    void clearPendingStop() {
        synchronized (lock) {
            pendingStop = null;
        }
    }

    @Override
    public void stop() {
        stopRunning("stopped");
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
