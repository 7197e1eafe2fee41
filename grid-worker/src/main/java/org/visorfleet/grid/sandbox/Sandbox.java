package org.visorfleet.grid.sandbox;

import java.time.Duration;
import java.util.Map;
import org.visorfleet.grid.elf.ElfException;
import org.visorfleet.grid.elf.ElfImage;
import org.visorfleet.grid.elf.ElfLoader;
import org.visorfleet.grid.linux.AddressLayout;
import org.visorfleet.grid.linux.JobFiles;
import org.visorfleet.grid.linux.LinuxSyscalls;
import org.visorfleet.grid.linux.ProcessArgs;
import org.visorfleet.grid.linux.ProcessLoader;
import org.visorfleet.grid.linux.Registers;
import org.visorfleet.grid.linux.SyscallLimits;
import org.visorfleet.grid.linux.SyscallResult;
import org.visorfleet.grid.vm.GuestFault;
import org.visorfleet.grid.vm.GuestMemory;
import org.visorfleet.grid.vm.Hart;
import org.visorfleet.grid.vm.Stop;

/**
 * Runs a static RV64 Linux program in a fresh address space: loads the ELF, builds the initial stack,
 * then alternates between the interpreter ({@link Hart}) and the system call layer
 * ({@link LinuxSyscalls}) until the program exits, dies, or hits a limit. Single-threaded; one call
 * per work unit; never throws for anything the program does.
 */
public final class Sandbox {
    /**
     * Instructions between checkpoints (wall clock, {@link Pacer}): small enough to stop or pause
     * within a fraction of a second.
     */
    static final long SLICE = 20_000_000;

    private Sandbox() {}

    public static RunResult run(WorkUnit unit, Limits limits) {
        return run(unit, limits, Pacer.NONE);
    }

    /**
     * Runs {@code unit}, asking {@code pacer} at every checkpoint whether to go on. Time the pacer
     * holds the run paused counts neither towards the wall-clock limit nor in {@link RunResult#wall()}.
     */
    public static RunResult run(WorkUnit unit, Limits limits, Pacer pacer) {
        long started = System.nanoTime();
        ElfImage image;
        try {
            image = ElfLoader.load(unit.program());
        } catch (ElfException e) {
            return new RunResult(
                    new Outcome.Rejected(e.getMessage()), new byte[0], new byte[0], Map.of(), 0, 0, since(started));
        }
        GuestMemory memory = new GuestMemory(limits.memoryBytes());
        MemoryAccess access = new MemoryAccess(memory);
        ProcessLoader.Start start;
        try {
            start = ProcessLoader.load(
                    image, access, AddressLayout.DEFAULT, ProcessArgs.of(unit.programName(), unit.args(), unit.seed()));
        } catch (IllegalStateException e) {
            return new RunResult(
                    new Outcome.LimitExceeded(Outcome.Limit.MEMORY, e.getMessage()),
                    new byte[0],
                    new byte[0],
                    Map.of(),
                    0,
                    0,
                    since(started));
        } catch (IllegalArgumentException e) {
            return new RunResult(
                    new Outcome.Rejected(e.getMessage()), new byte[0], new byte[0], Map.of(), 0, 0, since(started));
        }
        Hart hart = new Hart(memory);
        hart.setPc(start.entry());
        hart.setX(2, start.sp());
        LinuxSyscalls syscalls = new LinuxSyscalls(
                access,
                new JobFiles(unit.programName(), unit.stdin(), unit.inputs(), unit.outputs()),
                new SyscallLimits(limits.syscalls(), limits.outputBytes(), SyscallLimits.DEFAULT.maxOpenFiles()),
                AddressLayout.DEFAULT,
                start.brkStart(),
                unit.seed());
        Clock clock = new Clock(started);
        Outcome outcome = loop(hart, syscalls, limits, pacer, clock);
        return new RunResult(
                outcome,
                syscalls.stdout(),
                syscalls.stderr(),
                syscalls.outputs(),
                hart.instret(),
                syscalls.syscallCount(),
                Duration.ofNanos(System.nanoTime() - started - clock.paused));
    }

    /** Wall time of a run, less the time a pacer held it paused. */
    private static final class Clock {
        final long started;
        long paused;

        Clock(long started) {
            this.started = started;
        }

        long active() {
            return System.nanoTime() - started - paused;
        }
    }

    private static Outcome loop(Hart hart, LinuxSyscalls syscalls, Limits limits, Pacer pacer, Clock clock) {
        Registers registers = new HartRegisters(hart);
        long wallLimit = limits.wallClock().toNanos();
        long checkpoint = SLICE; // checked by instruction count, so syscall-heavy programs get checked too
        while (true) {
            long left = limits.instructions() - hart.instret();
            if (left <= 0) {
                return new Outcome.LimitExceeded(
                        Outcome.Limit.INSTRUCTIONS, "instruction budget of " + limits.instructions() + " used up");
            }
            if (hart.instret() >= checkpoint) {
                checkpoint = hart.instret() + SLICE;
                if (clock.active() > wallLimit) {
                    return new Outcome.LimitExceeded(
                            Outcome.Limit.WALL_CLOCK, "wall-clock limit of " + limits.wallClock() + " reached");
                }
                long pauseStarted = System.nanoTime();
                boolean proceed;
                try {
                    proceed = pacer.proceed();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    proceed = false;
                }
                clock.paused += System.nanoTime() - pauseStarted;
                if (!proceed) {
                    return new Outcome.Stopped("stopped by the host after " + hart.instret() + " instructions");
                }
            }
            Stop stop = hart.run(Math.min(left, checkpoint - hart.instret()));
            switch (stop) {
                case Stop.Ecall e -> {
                    switch (syscalls.handle(registers)) {
                        case SyscallResult.Continue c -> {}
                        case SyscallResult.Exit x -> {
                            return new Outcome.Exited(x.status());
                        }
                        case SyscallResult.Signaled s -> {
                            return new Outcome.Killed(s.signal(), "signal " + s.signal() + " sent by the program");
                        }
                        case SyscallResult.LimitReached l -> {
                            return new Outcome.LimitExceeded(
                                    l.limit() == SyscallResult.Limit.OUTPUT
                                            ? Outcome.Limit.OUTPUT
                                            : Outcome.Limit.SYSCALLS,
                                    l.detail());
                        }
                    }
                }
                case Stop.BudgetExhausted b -> {} // a checkpoint or the budget: see the top of the loop
                case Stop.Fault f -> {
                    return new Outcome.Killed(
                            11,
                            "segmentation fault: " + describe(f.kind()) + " 0x" + Long.toHexString(f.address())
                                    + " at pc 0x" + Long.toHexString(f.pc()));
                }
                case Stop.IllegalInstruction i -> {
                    return new Outcome.Killed(
                            4,
                            "illegal instruction 0x" + Integer.toHexString(i.bits()) + " at pc 0x"
                                    + Long.toHexString(i.pc()));
                }
                case Stop.Breakpoint b -> {
                    return new Outcome.Killed(5, "breakpoint at pc 0x" + Long.toHexString(b.pc()));
                }
            }
        }
    }

    private static String describe(GuestFault.Kind kind) {
        return switch (kind) {
            case LOAD -> "load from";
            case STORE -> "store to";
            case FETCH -> "instruction fetch from";
        };
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The syscall layer's view of the registers. */
    private record HartRegisters(Hart hart) implements Registers {
        @Override
        public long x(int i) {
            return hart.x(i);
        }

        @Override
        public void setX(int i, long v) {
            hart.setX(i, v);
        }

        @Override
        public long instret() {
            return hart.instret();
        }
    }
}
