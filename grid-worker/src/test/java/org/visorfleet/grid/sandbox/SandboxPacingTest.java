package org.visorfleet.grid.sandbox;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.visorfleet.grid.testing.RiscvPrograms;

/** The host's hold on a run: pausing (user at the desktop), stopping (cancelled), wall-clock checks. */
class SandboxPacingTest {

    private static final Limits LOOP = Limits.DEFAULT.withInstructions(5 * Sandbox.SLICE);

    private static RunResult loop(Pacer pacer, Limits limits) throws Exception {
        Path binary = RiscvPrograms.buildAll().get("infinite_loop");
        return Sandbox.run(unitOf(binary), limits, pacer);
    }

    private static WorkUnit unitOf(Path binary) throws Exception {
        return WorkUnit.of(
                binary.getFileName().toString(), java.nio.file.Files.readAllBytes(binary), java.util.List.of());
    }

    @Test
    void aPausedRunEndsExactlyAsAnUnpausedOneAndThePauseIsNotItsTime() throws Exception {
        RunResult straight = loop(Pacer.NONE, LOOP);
        AtomicInteger checkpoints = new AtomicInteger();
        long started = System.nanoTime();
        RunResult paused = loop(
                () -> {
                    if (checkpoints.incrementAndGet() == 2) {
                        Thread.sleep(600);
                    }
                    return true;
                },
                LOOP);
        long elapsed = System.nanoTime() - started;
        assertEquals(straight.outcome(), paused.outcome());
        assertEquals(straight.instructions(), paused.instructions());
        assertTrue(checkpoints.get() >= 4, "one checkpoint per slice: " + checkpoints.get());
        assertTrue(
                elapsed - paused.wall().toNanos() >= 550_000_000L,
                "the pause is not run time: elapsed " + elapsed / 1_000_000 + " ms, wall "
                        + paused.wall().toMillis() + " ms");
    }

    @Test
    void aPauseDoesNotCountTowardsTheWallClockLimit() throws Exception {
        // Two slices of run (well under 1.5 s) around one pause of 2 s.
        Limits tight = LOOP.withWallClock(Duration.ofMillis(1_500)).withInstructions(Sandbox.SLICE * 2);
        RunResult r = loop(
                () -> {
                    Thread.sleep(2_000);
                    return true;
                },
                tight);
        assertInstanceOf(Outcome.LimitExceeded.class, r.outcome());
        assertEquals(Outcome.Limit.INSTRUCTIONS, ((Outcome.LimitExceeded) r.outcome()).limit());
    }

    @Test
    void theHostCanStopARunAtACheckpoint() throws Exception {
        AtomicInteger checkpoints = new AtomicInteger();
        RunResult r = loop(() -> checkpoints.incrementAndGet() < 2, LOOP);
        Outcome.Stopped stopped = assertInstanceOf(Outcome.Stopped.class, r.outcome());
        assertTrue(stopped.reason().contains("stopped by the host"), stopped.reason());
        assertEquals(143, r.outcome().shellStatus());
        assertTrue(
                r.instructions() >= 2 * Sandbox.SLICE && r.instructions() < 3 * Sandbox.SLICE, "" + r.instructions());
    }

    @Test
    void anInterruptedPauseStopsTheRun() throws Exception {
        RunResult r = loop(
                () -> {
                    throw new InterruptedException();
                },
                LOOP);
        assertInstanceOf(Outcome.Stopped.class, r.outcome());
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    }

    @Test
    void aProgramLivingInSystemCallsStillMeetsTheWallClock() throws Exception {
        Path binary = RiscvPrograms.buildAll().get("syscall_flood");
        Limits limits = new Limits(Long.MAX_VALUE / 2, 64L << 20, 1L << 20, Long.MAX_VALUE / 2, Duration.ofMillis(500));
        RunResult r = Sandbox.run(unitOf(binary), limits, Pacer.NONE);
        Outcome.LimitExceeded l = assertInstanceOf(
                Outcome.LimitExceeded.class, r.outcome(), r.outcome().toString());
        assertEquals(Outcome.Limit.WALL_CLOCK, l.limit());
    }
}
