package org.visorfleet.agent.grid;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.visorfleet.agent.SettingsFile;

/**
 * How a desktop lends its idle time to the grid ({@code DATA/grid.json}; every key optional, unknown
 * keys are errors; {@code agent run} flags override it).
 *
 * <p>The idle policy follows HTCondor's and BOINC's: grid work runs only when nobody has touched the
 * desktop for {@code idleAfterSeconds} and the CPU load of everything except grid work is at most
 * {@code maxLoad} (a fraction of all processors); it is suspended as soon as either stops being true.
 *
 * @param enabled false: the agent never asks for grid work
 * @param idleAfterSeconds seconds without keyboard, mouse or terminal input before the desktop is idle
 * @param maxLoad highest non-grid CPU load (0..1 of all processors) at which grid work may run
 * @param slots work units run at once (each on its own low-priority thread)
 * @param activityFiles extra files whose modification counts as user input (for example a file a
 *     screen-saver hook touches, where the input devices are not stamped)
 * @param checkSeconds how often the policy is evaluated
 */
public record GridSettings(
        boolean enabled,
        long idleAfterSeconds,
        double maxLoad,
        int slots,
        List<String> activityFiles,
        double checkSeconds) {

    public static final GridSettings DEFAULTS = new GridSettings(true, 600, 0.25, 1, List.of(), 2);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public GridSettings {
        activityFiles = activityFiles == null ? List.of() : List.copyOf(activityFiles);
        if (idleAfterSeconds < 0) {
            throw new IllegalArgumentException("idleAfterSeconds must be >= 0, got " + idleAfterSeconds);
        }
        if (!(maxLoad >= 0 && maxLoad <= 1)) {
            throw new IllegalArgumentException("maxLoad must be between 0 and 1, got " + maxLoad);
        }
        if (slots < 1 || slots > 256) {
            throw new IllegalArgumentException("slots must be between 1 and 256, got " + slots);
        }
        if (!(checkSeconds >= 0.05 && checkSeconds <= 60)) {
            throw new IllegalArgumentException("checkSeconds must be between 0.05 and 60, got " + checkSeconds);
        }
    }

    /** {@code DATA/grid.json}, or the defaults where it does not exist or leaves a key out. */
    public static GridSettings load(Path file) throws IOException {
        return SettingsFile.load(
                file,
                JSON,
                Partial.class,
                p -> new GridSettings(
                        p.enabled == null ? DEFAULTS.enabled : p.enabled,
                        p.idleAfterSeconds == null ? DEFAULTS.idleAfterSeconds : p.idleAfterSeconds,
                        p.maxLoad == null ? DEFAULTS.maxLoad : p.maxLoad,
                        p.slots == null ? DEFAULTS.slots : p.slots,
                        p.activityFiles == null ? DEFAULTS.activityFiles : p.activityFiles,
                        p.checkSeconds == null ? DEFAULTS.checkSeconds : p.checkSeconds),
                DEFAULTS);
    }

    public GridSettings withEnabled(boolean on) {
        return new GridSettings(on, idleAfterSeconds, maxLoad, slots, activityFiles, checkSeconds);
    }

    public GridSettings withIdleAfterSeconds(long seconds) {
        return new GridSettings(enabled, seconds, maxLoad, slots, activityFiles, checkSeconds);
    }

    public GridSettings withMaxLoad(double load) {
        return new GridSettings(enabled, idleAfterSeconds, load, slots, activityFiles, checkSeconds);
    }

    public GridSettings withSlots(int n) {
        return new GridSettings(enabled, idleAfterSeconds, maxLoad, n, activityFiles, checkSeconds);
    }

    public GridSettings withActivityFiles(List<String> files) {
        return new GridSettings(enabled, idleAfterSeconds, maxLoad, slots, files, checkSeconds);
    }

    public GridSettings withCheckSeconds(double seconds) {
        return new GridSettings(enabled, idleAfterSeconds, maxLoad, slots, activityFiles, seconds);
    }

    /** The file's shape: every key optional. */
    private record Partial(
            Boolean enabled,
            Long idleAfterSeconds,
            Double maxLoad,
            Integer slots,
            List<String> activityFiles,
            Double checkSeconds) {}
}
