package org.visorfleet.server.shell.fleet;

import java.util.Locale;

/**
 * A grid job as it stood when it was read.
 *
 * @param status {@code running}, {@code done}, {@code cancelled}, ...
 */
public record Job(long id, String name, String status, int unitsTotal, int unitsValid, int unitsFailed) {

    /** Decided units over all units, 0..1 (1 for a job without units). */
    public double progress() {
        return unitsTotal == 0 ? 1.0 : (double) (unitsValid + unitsFailed) / unitsTotal;
    }

    @Override
    public String toString() {
        return "job " + id + " " + name + " (" + status + ", " + String.format(Locale.ROOT, "%.0f%%", progress() * 100)
                + " of " + unitsTotal + " units)";
    }
}
