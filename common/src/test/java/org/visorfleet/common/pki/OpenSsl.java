package org.visorfleet.common.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real {@code openssl} binary. If it is missing the calling test is skipped, unless
 * {@code VISORFLEET_REQUIRE_E2E=1} (CI), where it fails so interop is never skipped silently.
 */
final class OpenSsl {

    /** Exit code and merged stdout+stderr of one run. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private static final Path BINARY = Path.of("/usr/bin/openssl");

    private OpenSsl() {}

    static void require() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        if ("1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"))) {
            Assertions.fail("VISORFLEET_REQUIRE_E2E=1 but " + BINARY + " is missing");
        }
        Assumptions.abort(BINARY + " is missing");
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        require();
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            Assertions.fail("openssl timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Runs and fails the test unless openssl exits 0; returns its output. */
    static String ok(Path workDir, String... args) throws IOException, InterruptedException {
        Result result = run(workDir, args);
        Assertions.assertEquals(
                0, result.exitCode(), () -> "openssl " + String.join(" ", args) + ":\n" + result.output());
        return result.output();
    }
}
