package org.visorfleet.agent.grid;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridSettingsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileMeansTheDefaults() throws IOException {
        assertEquals(GridSettings.DEFAULTS, GridSettings.load(dir.resolve("grid.json")));
        assertEquals(600, GridSettings.DEFAULTS.idleAfterSeconds());
        assertEquals(0.25, GridSettings.DEFAULTS.maxLoad());
    }

    @Test
    void keysLeftOutKeepTheirDefaults() throws IOException {
        Path file = Files.writeString(dir.resolve("grid.json"), "{\"idleAfterSeconds\": 60, \"slots\": 2}");
        GridSettings s = GridSettings.load(file);
        assertEquals(60, s.idleAfterSeconds());
        assertEquals(2, s.slots());
        assertEquals(GridSettings.DEFAULTS.maxLoad(), s.maxLoad());
        assertEquals(List.of(), s.activityFiles());
    }

    @Test
    void unknownKeysAndBadValuesAreErrorsNamingTheFile() throws IOException {
        for (String text : List.of(
                "{\"idleAfter\": 60}",
                "{\"maxLoad\": 1.5}",
                "{\"slots\": 0}",
                "{\"checkSeconds\": 0}",
                "{\"idleAfterSeconds\": -1}",
                "{\"enabled\": \"yes please\"}",
                "not json",
                "null")) {
            Path file = Files.writeString(dir.resolve("grid.json"), text);
            IOException e = assertThrows(IOException.class, () -> GridSettings.load(file), text);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }
}
