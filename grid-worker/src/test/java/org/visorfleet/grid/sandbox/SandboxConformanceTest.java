package org.visorfleet.grid.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.visorfleet.grid.testing.QemuRiscv;
import org.visorfleet.grid.testing.RiscvPrograms;

/**
 * The conformance programs (C, built by Debian's riscv64-linux-gnu-gcc -static -O2) give
 * byte-identical stdout, stderr, output files and exit status in the sandbox and under
 * qemu-riscv64, on the same input; the sandbox is also deterministic (same instruction count twice).
 * Hostile programs end with the right reason.
 */
@Tag("interop")
class SandboxConformanceTest {
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    static List<RiscvPrograms.Invocation> conformance() {
        return RiscvPrograms.CONFORMANCE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conformance")
    void sameAsQemu(RiscvPrograms.Invocation inv) throws Exception {
        Path binary = RiscvPrograms.buildAll().get(inv.program());
        QemuRiscv.Result qemu = QemuRiscv.run(binary, inv, TIMEOUT);
        RunResult ours = run(binary, inv, Limits.DEFAULT);
        String context = inv.program() + ": " + ours.outcome() + "\n--- our stderr:\n"
                + new String(ours.stderr(), StandardCharsets.UTF_8) + "\n--- our stdout:\n"
                + new String(ours.stdout(), StandardCharsets.UTF_8);
        assertEquals(qemu.stdoutText(), new String(ours.stdout(), StandardCharsets.UTF_8), context);
        assertArrayEquals(qemu.stdout(), ours.stdout(), context);
        assertArrayEquals(qemu.stderr(), ours.stderr(), context);
        assertEquals(qemu.exitCode(), ours.outcome().shellStatus(), context);
        assertEquals(qemu.outputs().keySet(), ours.outputs().keySet(), context);
        for (var out : qemu.outputs().entrySet()) {
            assertArrayEquals(out.getValue(), ours.outputs().get(out.getKey()), context + " " + out.getKey());
        }
        RunResult again = run(binary, inv, Limits.DEFAULT);
        assertEquals(ours.instructions(), again.instructions(), "instruction count is deterministic");
        assertArrayEquals(ours.stdout(), again.stdout());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jump_unmapped", "illegal_instruction", "stack_overflow"})
    void faultsKillTheProgramLikeLinuxWould(String name) throws Exception {
        Path binary = RiscvPrograms.buildAll().get(name);
        RunResult ours = run(binary, RiscvPrograms.Invocation.plain(name), Limits.DEFAULT);
        QemuRiscv.Result qemu = QemuRiscv.run(binary, RiscvPrograms.Invocation.plain(name), TIMEOUT);
        assertInstanceOf(Outcome.Killed.class, ours.outcome(), ours.outcome().toString());
        assertEquals(
                qemu.exitCode(), ours.outcome().shellStatus(), ours.outcome().toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"infinite_loop", "memory_bomb", "syscall_flood"})
    void hostileProgramsHitALimit(String name) throws Exception {
        Path binary = RiscvPrograms.buildAll().get(name);
        Limits limits = new Limits(2_000_000_000L, 64L << 20, 1L << 20, 100_000, Duration.ofSeconds(60));
        RunResult ours = run(binary, RiscvPrograms.Invocation.plain(name), limits);
        String shown = ours.outcome() + " after " + ours.instructions() + " instructions";
        switch (name) {
            case "infinite_loop" -> assertEquals(Outcome.Limit.INSTRUCTIONS, limitOf(ours), shown);
            case "syscall_flood" -> assertEquals(Outcome.Limit.SYSCALLS, limitOf(ours), shown);
            default ->
                assertTrue(
                        ours.outcome() instanceof Outcome.Exited || ours.outcome() instanceof Outcome.LimitExceeded,
                        "a memory bomb ends by malloc failing (ENOMEM) or by a limit: " + shown);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"not an elf", ""})
    void garbageIsRejected(String text) {
        RunResult r =
                Sandbox.run(WorkUnit.of("junk", text.getBytes(StandardCharsets.UTF_8), List.of()), Limits.DEFAULT);
        assertInstanceOf(Outcome.Rejected.class, r.outcome());
        assertEquals(126, r.outcome().shellStatus());
    }

    private static Outcome.Limit limitOf(RunResult r) {
        return r.outcome() instanceof Outcome.LimitExceeded l ? l.limit() : null;
    }

    static RunResult run(Path binary, RiscvPrograms.Invocation inv, Limits limits) throws Exception {
        return Sandbox.run(inv.workUnit(binary), limits);
    }
}
