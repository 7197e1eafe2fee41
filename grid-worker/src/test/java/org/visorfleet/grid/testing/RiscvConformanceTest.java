package org.visorfleet.grid.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.visorfleet.grid.elf.ElfException;
import org.visorfleet.grid.elf.ElfImage;
import org.visorfleet.grid.elf.ElfLoader;

/**
 * Builds the RV64 test programs with the cross compiler and runs the conformance set under
 * qemu-riscv64, recording the expected output in {@code target/riscv/expected/} (the sandbox
 * comparison reads the same {@link RiscvPrograms#CONFORMANCE} invocations).
 */
@Tag("interop")
class RiscvConformanceTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void everyProgramBuildsAndLoads() throws IOException, ElfException {
        Map<String, Path> binaries = RiscvPrograms.buildAll();
        assertEquals(RiscvPrograms.PROGRAMS.size(), binaries.size());
        for (Map.Entry<String, Path> b : binaries.entrySet()) {
            ElfImage image = ElfLoader.load(Files.readAllBytes(b.getValue()));
            assertEquals(ElfImage.Kind.EXEC, image.kind(), b.getKey());
            assertTrue(image.tls().isPresent(), b.getKey() + ": static glibc always has PT_TLS");
            assertEquals(0x10040, image.phdrAddress(), b.getKey());
            // Debian's static glibc is rv64gc, so even the -march=rv64g build links compressed code and
            // carries EF_RISCV_RVC: only its main() is free of 16-bit instructions.
            assertEquals(1, image.flags() & 1, b.getKey() + " RVC flag");
        }
    }

    @Test
    void conformanceProgramsRunDeterministicallyUnderQemu() throws IOException {
        Map<String, Path> binaries = RiscvPrograms.buildAll();
        Path expected = RiscvPrograms.outputDir().resolve("expected");
        Files.createDirectories(expected);
        Map<String, QemuRiscv.Result> results = new HashMap<>();
        for (RiscvPrograms.Invocation inv : RiscvPrograms.CONFORMANCE) {
            QemuRiscv.Result first = QemuRiscv.run(binaries.get(inv.program()), inv, TIMEOUT);
            QemuRiscv.Result second = QemuRiscv.run(binaries.get(inv.program()), inv, TIMEOUT);
            assertEquals(inv.exitCode(), first.exitCode(), inv.program() + " stderr: " + new String(first.stderr()));
            assertFalse(first.stdoutText().isEmpty(), inv.program());
            assertArrayEquals(first.stdout(), second.stdout(), inv.program() + " stdout differs between runs");
            assertArrayEquals(first.stderr(), second.stderr(), inv.program());
            assertEquals(inv.outputs(), first.outputs().keySet(), inv.program());
            Files.write(expected.resolve(inv.program() + ".stdout"), first.stdout());
            Files.write(expected.resolve(inv.program() + ".stderr"), first.stderr());
            Files.writeString(expected.resolve(inv.program() + ".exit"), first.exitCode() + "\n");
            for (Map.Entry<String, byte[]> out : first.outputs().entrySet()) {
                assertArrayEquals(out.getValue(), second.outputs().get(out.getKey()));
                Files.write(expected.resolve(inv.program() + "." + out.getKey()), out.getValue());
            }
            results.put(inv.program(), first);
        }
        assertEquals(
                "argc 5\nargv[1] = \"one\"\nargv[2] = \"two words\"\nargv[3] = \"\"\nargv[4] = \"ünïcode\"\n",
                results.get("args").stdoutText());
        assertTrue(
                results.get("mallocs").stdoutText().contains("mismatches 0"),
                results.get("mallocs").stdoutText());
        assertTrue(results.get("intarith").stdoutText().contains("overflow: -9223372036854775808 0 -2147483648"));
        assertEquals(
                results.get("compressed").stdoutText(),
                results.get("compressed-nocompress").stdoutText());
        assertTrue(
                results.get("fileio").stdoutText().contains("input.txt 1500 bytes"),
                results.get("fileio").stdoutText());
        assertEquals("about to exit with 3\n", results.get("exit3").stdoutText());
    }

    @Test
    void faultingProgramsDieBySignalUnderQemu() {
        Map<String, Path> binaries = RiscvPrograms.buildAll();
        assertEquals(128 + 11, run(binaries, "jump_unmapped"));
        assertEquals(128 + 4, run(binaries, "illegal_instruction"));
        assertEquals(128 + 11, run(binaries, "stack_overflow"));
    }

    private static int run(Map<String, Path> binaries, String name) {
        return QemuRiscv.run(binaries.get(name), RiscvPrograms.Invocation.plain(name), TIMEOUT)
                .exitCode();
    }
}
