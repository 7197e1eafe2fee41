package org.visorfleet.agent.grid;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Decides whether grid work may run now: nobody has touched the desktop for the configured time and
 * the CPU load of everything else is low enough. Where no input can be watched (no input devices,
 * no session terminals: a headless machine) only the load counts.
 */
final class IdlePolicy {

    /** The decision and why, in words for the console ({@code "user active 12 s ago"}). */
    record Decision(boolean idle, String reason) {}

    private final long idleAfterSeconds;
    private final double maxLoad;

    IdlePolicy(GridSettings settings) {
        this.idleAfterSeconds = settings.idleAfterSeconds();
        this.maxLoad = settings.maxLoad();
    }

    /** Reads the signals once (the load is measured since the previous call) and decides. */
    Decision decide(IdleSignals signals) {
        OptionalLong sinceInput = signals.secondsSinceInput();
        double load = signals.nonGridLoad();
        if (sinceInput.isPresent() && sinceInput.getAsLong() < idleAfterSeconds) {
            return new Decision(false, "user active " + sinceInput.getAsLong() + " s ago");
        }
        if (!Double.isNaN(load) && load > maxLoad) {
            return new Decision(false, String.format(Locale.ROOT, "busy: load %.2f above %.2f", load, maxLoad));
        }
        String input = sinceInput.isPresent() ? "no input for " + sinceInput.getAsLong() + " s" : "no input to watch";
        String loadText = Double.isNaN(load) ? "load unknown" : String.format(Locale.ROOT, "load %.2f", load);
        return new Decision(true, input + ", " + loadText);
    }
}
