package org.visorfleet.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-22T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void lockoutStartsAfterFiveFailuresAndDoubles() {
        ManualClock clock = new ManualClock();
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertEquals(Optional.empty(), throttle.retryAfter("admin", "10.0.0.1"));
            throttle.failed("admin", "10.0.0.1");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.retryAfter("admin", "10.0.0.1"));
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.retryAfter("admin", "10.9.9.9"), "per user");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.retryAfter("other", "10.0.0.1"), "per address");
        assertEquals(Optional.empty(), throttle.retryAfter("other", "10.9.9.9"));
        clock.now = clock.now.plusSeconds(1);
        throttle.failed("admin", "10.0.0.1");
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.retryAfter("admin", "10.0.0.1"));
        for (int i = 0; i < 30; i++) {
            throttle.failed("admin", "10.0.0.1");
        }
        assertEquals(Optional.of(LoginThrottle.MAX_LOCKOUT), throttle.retryAfter("admin", "10.0.0.1"));
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertEquals(Optional.empty(), throttle.retryAfter("admin", "10.0.0.1"));
        throttle.succeeded("admin");
        assertTrue(throttle.retryAfter("admin", "10.9.9.9").isEmpty());
    }
}
