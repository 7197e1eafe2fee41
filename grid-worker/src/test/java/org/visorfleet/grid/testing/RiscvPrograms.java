package org.visorfleet.grid.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.visorfleet.grid.sandbox.WorkUnit;

/**
 * Builds the C programs under {@code src/test/c/{conformance,sandbox,hostile}} into {@code
 * target/riscv/} with {@code riscv64-linux-gnu-gcc -static -O2} (rebuilding only when the source is
 * newer), and says how each conformance program is invoked. Skips the calling test when the cross
 * compiler is missing, fails instead under VISORFLEET_REQUIRE_E2E=1.
 */
public final class RiscvPrograms {
    public static final String CC = "riscv64-linux-gnu-gcc";

    /** One binary: its name in target/riscv, its source (relative to src/test/c) and extra flags. */
    public record Program(String name, String source, List<String> flags) {}

    /**
     * How a conformance program runs; identical under qemu-riscv64 and the sandbox.
     *
     * @param exitCode expected exit status
     */
    public record Invocation(
            String program,
            List<String> args,
            byte[] stdin,
            Map<String, byte[]> inputs,
            Set<String> outputs,
            int exitCode) {
        public static Invocation plain(String program) {
            return new Invocation(program, List.of(), new byte[0], Map.of(), Set.of(), 0);
        }

        /** This invocation of {@code binary} as a sandbox work unit (seed 42, as the tests use). */
        public WorkUnit workUnit(Path binary) throws IOException {
            return new WorkUnit(program, Files.readAllBytes(binary), args, stdin, Map.copyOf(inputs), outputs, 42);
        }
    }

    public static final List<Program> PROGRAMS = programs();

    public static final List<Invocation> CONFORMANCE = List.of(
            Invocation.plain("intarith"),
            Invocation.plain("floats"),
            Invocation.plain("mathlib"),
            Invocation.plain("mallocs"),
            Invocation.plain("sorting"),
            Invocation.plain("atomics"),
            Invocation.plain("compressed"),
            Invocation.plain("compressed-nocompress"),
            new Invocation(
                    "fileio",
                    List.of(),
                    "stdin bytes\nsecond line\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("input.txt", "the input file\n".repeat(100).getBytes(StandardCharsets.UTF_8)),
                    Set.of("out.txt"),
                    0),
            new Invocation("args", List.of("one", "two words", "", "ünïcode"), new byte[0], Map.of(), Set.of(), 0),
            new Invocation("exit3", List.of(), new byte[0], Map.of(), Set.of(), 3));

    private RiscvPrograms() {}

    private static List<Program> programs() {
        List<Program> list = new ArrayList<>();
        for (String dir : List.of("conformance", "sandbox", "hostile")) {
            try (var files = Files.list(sourceRoot().resolve(dir))) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".c"))
                        .sorted()
                        .forEach(n -> list.add(new Program(n.substring(0, n.length() - 2), dir + "/" + n, List.of())));
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + dir, e);
            }
        }
        list.add(new Program(
                "compressed-nocompress", "conformance/compressed.c", List.of("-march=rv64g", "-mabi=lp64d")));
        return List.copyOf(list);
    }

    /** The module directory (surefire runs tests there; Maven also sets {@code basedir}). */
    public static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    public static Path sourceRoot() {
        return moduleDir().resolve("src/test/c");
    }

    public static Path outputDir() {
        return moduleDir().resolve("target/riscv");
    }

    /** Builds every program (once per build) and returns name → binary. */
    public static synchronized Map<String, Path> buildAll() {
        Path cc = Prerequisites.tool(CC);
        Map<String, Path> built = new LinkedHashMap<>();
        for (Program p : PROGRAMS) {
            built.put(p.name(), build(cc, p));
        }
        return built;
    }

    private static Path build(Path cc, Program p) {
        Path source = sourceRoot().resolve(p.source());
        Path binary = outputDir().resolve(p.name());
        try {
            Files.createDirectories(outputDir());
            if (Files.exists(binary)
                    && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) > 0) {
                return binary;
            }
            List<String> command = new ArrayList<>(List.of(cc.toString(), "-static", "-O2", "-Wall", "-Werror"));
            command.addAll(p.flags());
            command.addAll(List.of("-o", binary.toString(), source.toString(), "-lm"));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(
                        "compiling " + p.source() + " failed:\n" + String.join(" ", command) + "\n" + log);
            }
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("compiling " + p.source(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted compiling " + p.source(), e);
        }
    }
}
