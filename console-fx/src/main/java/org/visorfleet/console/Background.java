package org.visorfleet.console;

import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * Runs network and disk work off the JavaFX application thread, each task on its own virtual thread,
 * and hands the outcome back on the application thread with {@link Platform#runLater}.
 */
public final class Background {

    private static final System.Logger LOG = System.getLogger(Background.class.getName());

    private Background() {}

    /**
     * Runs {@code work} on a virtual thread; then {@code onResult} or {@code onFailure} on the JavaFX
     * application thread.
     *
     * @return the thread, so a caller can interrupt work it no longer wants
     */
    public static <T> Thread run(Callable<T> work, Consumer<T> onResult, Consumer<Exception> onFailure) {
        return Thread.ofVirtual().name("console-background").start(() -> {
            try {
                T result = work.call();
                Platform.runLater(() -> onResult.accept(result));
            } catch (InterruptedException e) {
                // Interrupted means the caller has moved on (view closed): nobody is waiting for an answer.
                LOG.log(System.Logger.Level.DEBUG, "background task interrupted");
            } catch (Exception e) {
                Platform.runLater(() -> onFailure.accept(e));
            }
        });
    }
}
