package org.visorfleet.console.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import org.testfx.util.WaitForAsyncUtils;

/** Waiting helpers for TestFX tests. */
public final class Fx {

    private Fx() {}

    /** Waits up to 20 s for {@code condition}, failing with {@code what}. */
    public static void waitFor(String what, BooleanSupplier condition) {
        waitFor(what, Duration.ofSeconds(20), condition);
    }

    /** Waits up to {@code limit} for {@code condition}, failing with {@code what}. */
    public static void waitFor(String what, Duration limit, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS, condition::getAsBoolean);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out after " + limit + " waiting for " + what);
        }
    }

    /** Asserts the application thread runs a task within {@code limit}: nothing is blocking it. */
    public static void assertFxThreadAnswersWithin(Duration limit) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        Platform.runLater(ran::countDown);
        assertTrue(ran.await(limit.toMillis(), TimeUnit.MILLISECONDS), "the JavaFX thread did not answer in " + limit);
        assertTrue(System.nanoTime() - start < limit.toNanos(), "the JavaFX thread answered late");
    }
}
