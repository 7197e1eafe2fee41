package org.visorfleet.agent.grid;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdlePolicyTest {
    private static final GridSettings TEN_MINUTES_QUARTER_LOAD = GridSettings.DEFAULTS;

    private static IdleSignals signals(OptionalLong sinceInput, double load) {
        return new IdleSignals() {
            @Override
            public OptionalLong secondsSinceInput() {
                return sinceInput;
            }

            @Override
            public double nonGridLoad() {
                return load;
            }
        };
    }

    private static IdlePolicy.Decision decide(OptionalLong sinceInput, double load) {
        return new IdlePolicy(TEN_MINUTES_QUARTER_LOAD).decide(signals(sinceInput, load));
    }

    @Test
    void idleOnlyAfterTheQuietTimeAndBelowTheLoadThreshold() {
        assertEquals(new IdlePolicy.Decision(false, "user active 12 s ago"), decide(OptionalLong.of(12), 0.0));
        assertFalse(decide(OptionalLong.of(599), 0.0).idle());
        assertTrue(decide(OptionalLong.of(600), 0.10).idle());
        assertEquals(new IdlePolicy.Decision(false, "busy: load 0.60 above 0.25"), decide(OptionalLong.of(3600), 0.6));
        assertEquals(
                new IdlePolicy.Decision(true, "no input for 3600 s, load 0.25"), decide(OptionalLong.of(3600), 0.25));
    }

    @Test
    void aHeadlessMachineIsJudgedByLoadAloneAndAnUnknownLoadDoesNotBlock() {
        assertEquals(new IdlePolicy.Decision(true, "no input to watch, load 0.00"), decide(OptionalLong.empty(), 0));
        assertFalse(decide(OptionalLong.empty(), 0.9).idle());
        assertEquals(
                new IdlePolicy.Decision(true, "no input for 700 s, load unknown"),
                decide(OptionalLong.of(700), Double.NaN));
    }

    @Test
    void cpuLoadCountsOtherProgramsOnly(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Path self = dir.resolve("self");
        CpuLoad load = new CpuLoad(stat, self);
        Files.writeString(stat, "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 2 3 4\n");
        Files.writeString(self, "4242 (java (agent)) S 1 2 3 4 5 6 7 8 9 10 50 10 0 0 20 0\n");
        assertTrue(Double.isNaN(load.sample()), "no interval yet");
        // 1000 more ticks: 400 busy, of which 300 (250 user + 50 system) are this process's
        Files.writeString(stat, "cpu  300 100 200 1400 0 0 0 0 0 0\n");
        Files.writeString(self, "4242 (java (agent)) S 1 2 3 4 5 6 7 8 9 10 300 60 0 0 20 0\n");
        assertEquals(0.1, load.sample(), 1e-9);
        Files.writeString(stat, "garbage");
        assertTrue(Double.isNaN(load.sample()));
    }

    @Test
    void cpuLineParsing() {
        assertArrayEquals(new long[] {1000, 300}, CpuLoad.parseCpuLine("cpu  100 50 150 600 100 0 0 0 0 0"));
        assertThrows(IllegalArgumentException.class, () -> CpuLoad.parseCpuLine("cpu0 1 2 3 4"));
        assertEquals(37, CpuLoad.parseSelfStat("1 (a) b) S 1 2 3 4 5 6 7 8 9 10 30 7 0 0"));
    }

    @Test
    void activityFilesCountAsInput(@TempDir Path dir) throws Exception {
        Path touched = Files.writeString(dir.resolve("activity"), "");
        var inventory = new org.visorfleet.agent.inventory.InventoryCollector(dir, "test");
        DesktopSignals signals = new DesktopSignals(inventory, java.util.List.of(touched, dir.resolve("missing")));
        assertTrue(signals.secondsSinceInput().getAsLong() <= 1);
        Files.setLastModifiedTime(
                touched,
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(900)));
        assertTrue(signals.secondsSinceInput().getAsLong() >= 899);
    }
}
