package org.visorfleet.console.clients;

import java.time.Duration;
import javafx.animation.PauseTransition;

/**
 * Runs an action at most once per period however often it is asked for: the first request in a
 * quiet period runs at once, later ones are folded into one run at the end of the period. Used on
 * the JavaFX application thread (the action runs there too).
 */
final class Throttle {

    private final Duration period;
    private final Runnable action;
    private final PauseTransition timer = new PauseTransition();
    private long lastRun = Long.MIN_VALUE / 2;
    private boolean pending;

    Throttle(Duration period, Runnable action) {
        this.period = period;
        this.action = action;
        timer.setOnFinished(e -> fire());
    }

    /** Asks for a run: now if the last was a period ago, else once at the end of the period. */
    void request() {
        if (pending) {
            return;
        }
        long wait = lastRun + period.toMillis() - System.currentTimeMillis();
        if (wait <= 0) {
            fire();
        } else {
            pending = true;
            timer.setDuration(javafx.util.Duration.millis(wait));
            timer.playFromStart();
        }
    }

    private void fire() {
        pending = false;
        lastRun = System.currentTimeMillis();
        action.run();
    }

    /** Drops a pending run. */
    void stop() {
        timer.stop();
        pending = false;
    }
}
