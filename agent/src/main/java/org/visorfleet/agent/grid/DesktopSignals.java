package org.visorfleet.agent.grid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.visorfleet.agent.inventory.InventoryCollector;

/**
 * The real desktop: input idle time as the inventory measures it (input devices and session
 * terminals, like {@code w(1)}), plus the modification time of configured activity files, and the
 * non-grid CPU load.
 */
final class DesktopSignals implements IdleSignals {
    private final InventoryCollector inventory;
    private final List<Path> activityFiles;
    private final CpuLoad load = new CpuLoad();

    DesktopSignals(InventoryCollector inventory, List<Path> activityFiles) {
        this.inventory = inventory;
        this.activityFiles = List.copyOf(activityFiles);
    }

    @Override
    public OptionalLong secondsSinceInput() {
        Instant now = Instant.now();
        Long fromDevices = inventory.idleSeconds(now);
        long best = fromDevices == null ? Long.MAX_VALUE : fromDevices;
        for (Path file : activityFiles) {
            try {
                Instant touched = Files.getLastModifiedTime(file).toInstant();
                best = Math.min(best, Math.max(0, now.getEpochSecond() - touched.getEpochSecond()));
            } catch (IOException | RuntimeException e) {
                // a missing activity file says nothing
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    @Override
    public double nonGridLoad() {
        return load.sample();
    }
}
