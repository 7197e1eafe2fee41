package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the {@code aoe-probe.asm} boot sector reports on COM1, and the check that a boot from a
 * {@link BootDisk} passed. See the .asm header for the line formats.
 *
 * <p>QEMU exit status: 1 = probe finished and the write test passed; 3 = probe reported
 * {@code AOE-ERROR} or {@code AOE-WRITE FAIL}; 0 = nothing to boot (iPXE failed first, see the
 * firmware console in the diagnostics); anything else = QEMU itself failed or was killed.
 */
record BootProbe(Optional<String> drive, Optional<String> checksum, Optional<String> write, Optional<String> error) {
    static final int EXIT_PASSED = 1;
    static final int EXIT_FAILED = 3;
    static final Pattern BOOT = Pattern.compile("(?m)^AOE-BOOT dl=([0-9a-f]{2})$");
    static final Pattern CHECKSUM = Pattern.compile("(?m)^AOE-CHECKSUM ([0-9a-f]{8})$");
    static final Pattern WRITE = Pattern.compile("(?m)^AOE-WRITE (OK|FAIL)$");
    static final Pattern ERROR = Pattern.compile("(?m)^AOE-ERROR (ah=[0-9a-f]{2} fn=[0-9a-f]{2})$");

    /** Parses COM1 output (CR already removed). */
    static BootProbe parse(String serial) {
        return new BootProbe(group(BOOT, serial), group(CHECKSUM, serial), group(WRITE, serial), group(ERROR, serial));
    }

    private static Optional<String> group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Waits for {@code guest} to finish and asserts what a user of the disk would notice: the probe
     * ran from BIOS drive 80h, read exactly the bytes on the image, wrote its sector and read it back,
     * and the image changed in that sector only. Returns the boot time (QEMU start to exit).
     */
    static Duration assertPassed(QemuGuest guest, BootDisk disk, Duration timeout)
            throws InterruptedException, IOException {
        Duration elapsed = assertBooted(guest, disk, timeout);
        String context = disk + "\n" + guest.diagnostics();
        assertEquals(
                List.of(disk.layout().writeLba()),
                disk.changedSectors(),
                () -> "sectors changed on the image\n" + context);
        assertEquals(
                HexFormat.of().formatHex(BootDisk.writePattern()),
                HexFormat.of().formatHex(disk.readSector(disk.layout().writeLba())),
                () -> "written sector on the image\n" + context);
        return elapsed;
    }

    /**
     * Like {@link #assertPassed} for the client's view only: it booted from drive 80h, read the
     * expected bytes, and read back the sector it wrote. Where that write landed (the image, or a
     * per-client overlay) is for the caller to check.
     */
    static Duration assertBooted(QemuGuest guest, BootDisk disk, Duration timeout) throws InterruptedException {
        int status = guest.awaitExit(timeout);
        Duration elapsed = guest.elapsed();
        BootProbe probe = parse(guest.serial());
        String context = disk + "\n" + guest.diagnostics();
        assertEquals(
                Optional.of("80"),
                probe.drive(),
                () -> "probe did not run from drive 80h (no boot: see the firmware console)\n" + context);
        assertEquals(Optional.empty(), probe.error(), () -> "INT 13h error\n" + context);
        assertEquals(
                Optional.of(disk.expectedChecksumHex()),
                probe.checksum(),
                () -> "checksum of LBA " + disk.layout().firstLba() + "+"
                        + disk.layout().sectors() + "\n" + context);
        assertEquals(Optional.of("OK"), probe.write(), () -> "write/read-back test\n" + context);
        assertEquals(EXIT_PASSED, status, () -> "QEMU exit status\n" + context);
        return elapsed;
    }
}
