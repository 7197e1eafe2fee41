package org.visorfleet.console;

import java.time.Duration;
import javafx.application.Platform;

/**
 * Runs a refresh on the JavaFX application thread now and then every period, from a virtual thread
 * that only sleeps; the refresh itself must hand its network work to {@link Background}.
 */
public final class Poller {

    private final Thread thread;

    private Poller(Thread thread) {
        this.thread = thread;
    }

    /** Starts calling {@code refresh} on the application thread now and every {@code period}. */
    public static Poller every(Duration period, String name, Runnable refresh) {
        return new Poller(Thread.ofVirtual().name(name).start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Platform.runLater(refresh);
                    Thread.sleep(period);
                }
            } catch (InterruptedException e) {
                // stop() was called: the view is gone.
            }
        }));
    }

    /** Stops the refreshes. */
    public void stop() {
        thread.interrupt();
    }
}
