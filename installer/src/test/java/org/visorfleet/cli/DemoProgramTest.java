package org.visorfleet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's bundled RISC-V program is what its source builds to with Debian's cross compiler. */
class DemoProgramTest {

    @TempDir
    Path dir;

    @Test
    void theBundledBinaryIsARebuildOfItsSource() throws Exception {
        boolean compiler = Files.isExecutable(Path.of("/usr/bin/riscv64-linux-gnu-gcc"));
        if (!compiler && "1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"))) {
            throw new AssertionError("riscv64-linux-gnu-gcc is required (apt-get install gcc-riscv64-linux-gnu)");
        }
        assumeTrue(compiler, "riscv64-linux-gnu-gcc not installed");
        Path built = dir.resolve("primes.elf");
        Process build = new ProcessBuilder("bash", "build-demo-program.sh", built.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, build.waitFor(), log);
        try (InputStream bundled = DemoFleet.class.getResourceAsStream(DemoFleet.PROGRAM)) {
            assertArrayEquals(
                    Files.readAllBytes(built),
                    bundled.readAllBytes(),
                    "the bundled demo program is stale: run installer/build-demo-program.sh");
        }
    }
}
