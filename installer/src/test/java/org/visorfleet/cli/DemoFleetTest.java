package org.visorfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code visorfleet demo}'s refusals. The fleet itself is brought up by e2e DemoCommandTest (the real
 * command) and by ScreenshotsTest.
 */
class DemoFleetTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryThatIsNotEmptyIsRefusedAndLeftAlone() throws Exception {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("keep.txt"), "mine");
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> DemoFleet.start(used, new DemoFleet.Settings(1, 1, 0), new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(List.of(used.resolve("keep.txt")), Files.list(used).toList());
    }
}
