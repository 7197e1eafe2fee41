package org.visorfleet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.visorfleet.grid.sandbox.Limits;
import org.visorfleet.grid.sandbox.Outcome;
import org.visorfleet.grid.sandbox.RunResult;
import org.visorfleet.grid.sandbox.Sandbox;
import org.visorfleet.grid.sandbox.WorkUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code visorfleet grid ...}: the desktop grid's RV64 sandbox. */
@Command(
        name = "grid",
        description = {
            "Desktop grid: run RISC-V (RV64) Linux programs in the deterministic sandbox, here (run) or as",
            "quorum-validated jobs on the fleet's idle desktops (submit, jobs, status, results, cancel, agents)."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            GridCli.Run.class,
            GridJobCli.Submit.class,
            GridJobCli.Jobs.class,
            GridJobCli.Status.class,
            GridJobCli.Results.class,
            GridJobCli.Cancel.class,
            GridJobCli.Purge.class,
            GridJobCli.Agents.class,
            GridJobCli.Unflag.class
        })
final class GridCli {

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run a static RV64 Linux ELF program in the sandbox, passing its stdout and stderr through;",
                "exits with its exit status (128 + signal if it crashed, 126 if the file is not a program"
                        + " it runs, 152 instructions / 137 memory / 153 output / 159 syscalls / 124 wall-clock"
                        + " limit)."
            })
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--stdin", paramLabel = "FILE", description = "the program's standard input (default: empty)")
        Path stdin;

        @Option(
                names = "--input",
                paramLabel = "NAME=FILE",
                description = "a file the program may open (read-only) as NAME or /work/NAME; repeatable")
        List<String> inputs = new ArrayList<>();

        @Option(
                names = "--output",
                paramLabel = "NAME",
                description = "a file the program may create as NAME; written to ./NAME afterwards; repeatable")
        List<String> outputs = new ArrayList<>();

        @Option(
                names = "--budget",
                paramLabel = "INSTRUCTIONS",
                description = "instruction budget (default: ${DEFAULT-VALUE})",
                defaultValue = "100000000000")
        long budget;

        @Option(
                names = "--memory",
                paramLabel = "MB",
                description = "guest memory cap in MiB (default: ${DEFAULT-VALUE})",
                defaultValue = "512")
        long memoryMb;

        @Option(
                names = "--wall",
                paramLabel = "SECONDS",
                description = "wall-clock limit (default: ${DEFAULT-VALUE})",
                defaultValue = "1800")
        long wallSeconds;

        @Option(names = "--seed", paramLabel = "N", description = "seed of getrandom and AT_RANDOM (default: 0)")
        long seed;

        @Option(names = "--stats", description = "print instructions retired and MIPS on stderr")
        boolean stats;

        @Parameters(index = "0", paramLabel = "PROGRAM.elf")
        Path program;

        @Parameters(index = "1..*", paramLabel = "ARGS", description = "passed to the program as argv[1..]")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            if (budget <= 0 || memoryMb <= 0 || wallSeconds <= 0) {
                throw new IllegalArgumentException("--budget, --memory and --wall must be positive");
            }
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (String spec : inputs) {
                int eq = spec.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--input needs NAME=FILE, got '" + spec + "'");
                }
                files.put(spec.substring(0, eq), Files.readAllBytes(Path.of(spec.substring(eq + 1))));
            }
            WorkUnit unit = new WorkUnit(
                    program.getFileName().toString(),
                    Files.readAllBytes(program),
                    args,
                    stdin == null ? new byte[0] : Files.readAllBytes(stdin),
                    files,
                    Set.copyOf(outputs),
                    seed);
            Limits limits = Limits.DEFAULT
                    .withInstructions(budget)
                    .withMemoryBytes(memoryMb << 20)
                    .withWallClock(Duration.ofSeconds(wallSeconds));
            RunResult result = Sandbox.run(unit, limits);
            System.out.write(result.stdout());
            System.out.flush();
            PrintStream err = System.err;
            err.write(result.stderr());
            for (var out : result.outputs().entrySet()) {
                Files.write(Path.of(out.getKey()), out.getValue());
            }
            String name = spec.commandLine().getCommandSpec().qualifiedName();
            switch (result.outcome()) {
                case Outcome.Exited e -> {}
                case Outcome.Killed k -> err.println(name + ": " + k.reason());
                case Outcome.LimitExceeded l -> err.println(name + ": stopped: " + l.detail());
                case Outcome.Rejected r -> err.println(name + ": cannot run " + program + ": " + r.reason());
                case Outcome.Stopped s -> err.println(name + ": " + s.reason());
            }
            if (stats) {
                err.printf(
                        Locale.ROOT,
                        "%s: %d instructions retired in %.3f s (%.1f MIPS), %d system calls%n",
                        name,
                        result.instructions(),
                        result.wall().toNanos() / 1e9,
                        result.mips(),
                        result.syscalls());
            }
            err.flush();
            return result.outcome().shellStatus();
        }
    }
}
