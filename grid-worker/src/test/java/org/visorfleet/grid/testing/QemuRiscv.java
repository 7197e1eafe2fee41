package org.visorfleet.grid.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.visorfleet.grid.linux.ProcessArgs;

/**
 * Runs a RV64 binary under {@code qemu-riscv64}, the peer the sandbox is compared with, the way the
 * sandbox runs it: in a fresh temporary working directory holding the binary and the input files,
 * argv[0] = the program name, the sandbox's fixed environment, the given stdin.
 */
public final class QemuRiscv {
    public static final String QEMU = "qemu-riscv64";

    /** What a run produced; {@code exitCode} is 128 + signal for a signal death, as a shell reports it. */
    public record Result(byte[] stdout, byte[] stderr, int exitCode, Map<String, byte[]> outputs) {
        public String stdoutText() {
            return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private QemuRiscv() {}

    public static Result run(Path binary, RiscvPrograms.Invocation invocation, Duration timeout) {
        Path qemu = Prerequisites.tool(QEMU);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("qemu-riscv");
            Path program = dir.resolve(invocation.program());
            Files.copy(binary, program);
            for (Map.Entry<String, byte[]> input : invocation.inputs().entrySet()) {
                Files.write(dir.resolve(input.getKey()), input.getValue());
            }
            List<String> command =
                    new ArrayList<>(List.of(qemu.toString(), "-0", invocation.program(), program.toString()));
            command.addAll(invocation.args());
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
            builder.environment().clear();
            for (String kv : ProcessArgs.DEFAULT_ENV) {
                int eq = kv.indexOf('=');
                builder.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Process process = builder.start();
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(invocation.stdin());
            } catch (IOException ignored) {
                // the program exited without reading all of stdin; that is its choice
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(invocation.program() + " did not finish within " + timeout);
            }
            Map<String, byte[]> outputs = new LinkedHashMap<>();
            for (String name : invocation.outputs()) {
                Path file = dir.resolve(name);
                if (Files.exists(file)) {
                    outputs.put(name, Files.readAllBytes(file));
                }
            }
            return new Result(out.join(), err.join(), process.exitValue(), outputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            delete(dir);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless; say so rather than fail the test
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
