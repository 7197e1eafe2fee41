package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestGateTest {
    final RequestGate gate = new RequestGate();

    @Test
    void closingWaitsForTheRequestsInsideAndTurnsNewOnesAway() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread request = Thread.ofPlatform().start(() -> {
            assertTrue(gate.enter());
            try {
                inside.countDown();
                leave.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                gate.exit();
            }
        });
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        assertTrue(gate.enter(), "open: admitted");
        gate.exit();
        assertEquals(1, gate.inside());

        assertFalse(gate.closeAndAwait(Duration.ofMillis(100)), "a request is still inside");
        assertTrue(gate.isClosed());
        assertFalse(gate.enter(), "closed: turned away");
        assertEquals(1, gate.inside(), "a refused request leaves no count behind");

        leave.countDown();
        request.join(5_000);
        assertTrue(gate.closeAndAwait(Duration.ofSeconds(5)));
        assertEquals(0, gate.inside());
    }

    @Test
    void waitingKeepsTheInterruptStatusAndStaysBounded() {
        assertTrue(gate.enter());
        Thread.currentThread().interrupt();
        try {
            long start = System.nanoTime();
            assertFalse(gate.closeAndAwait(Duration.ofMillis(200)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "waited the full time");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
            gate.exit();
        }
        assertTrue(gate.closeAndAwait(Duration.ZERO), "idle once the request left");
    }
}
