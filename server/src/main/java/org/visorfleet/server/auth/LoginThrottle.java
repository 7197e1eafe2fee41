package org.visorfleet.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@link #FREE_FAILURES} failed logins for one user name or from one
 * address, further attempts are refused for a lockout that doubles with each failure (1 s, 2 s, 4
 * s, ... up to 15 min), before the password is even checked. A success clears the user's record.
 * Per server, in memory: an attacker spreading guesses over several servers gains a factor of their
 * number, not more.
 */
public final class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration MAX_LOCKOUT = Duration.ofMinutes(15);
    private static final Duration FORGET_AFTER = Duration.ofHours(1);
    private static final int MAX_TRACKED = 100_000;

    private record Failures(int count, long lastMillis) {}

    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must wait before another attempt for this user from this address, if at all. */
    public Optional<Duration> retryAfter(String user, String address) {
        long now = clock.millis();
        long wait =
                Math.max(waitMillis(failures.get("user:" + user), now), waitMillis(failures.get("ip:" + address), now));
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    public void failed(String user, String address) {
        long now = clock.millis();
        if (failures.size() > MAX_TRACKED) {
            failures.values().removeIf(f -> now - f.lastMillis() > FORGET_AFTER.toMillis());
        }
        for (String key : new String[] {"user:" + user, "ip:" + address}) {
            failures.merge(
                    key,
                    new Failures(1, now),
                    (old, one) ->
                            new Failures(now - old.lastMillis() > FORGET_AFTER.toMillis() ? 1 : old.count() + 1, now));
        }
    }

    public void succeeded(String user) {
        failures.remove("user:" + user);
    }

    private static long waitMillis(Failures f, long now) {
        if (f == null || f.count() < FREE_FAILURES) {
            return 0;
        }
        long lockout = Math.min(MAX_LOCKOUT.toMillis(), 1000L << Math.min(20, f.count() - FREE_FAILURES));
        return Math.max(0, f.lastMillis() + lockout - now);
    }
}
