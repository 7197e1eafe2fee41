package org.visorfleet.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe boot sector on a local IDE disk: proves the probe and {@link BootDisk} agree before any
 * network is involved, so an AoE boot failure is never a probe bug.
 */
@Tag("e2e")
class BootProbeLocalDiskTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void probeChecksumsWritesAndReadsBackALocalDisk() throws Exception {
        long seed = ThreadLocalRandom.current().nextLong();
        BootDisk disk = BootDisk.create(dir, BootDisk.Layout.DEFAULT, seed);
        try (QemuGuest guest =
                QemuGuest.launch(dir, List.of("-drive", "file=" + disk.image() + ",format=raw,if=ide"))) {
            guest.awaitSerial(BootProbe.BOOT, TIMEOUT);
            Duration took = BootProbe.assertPassed(guest, disk, TIMEOUT);
            System.out.println("local-disk boot: " + took.toMillis() + " ms, " + disk);
        }
    }
}
