package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.Asm.*;

/**
 * Rough interpreter speed: a nested loop of loads, adds, stores and branches, about 10^8 guest
 * instructions per pass. Not a test; run with
 * {@code java -cp target/classes:target/test-classes org.visorfleet.grid.vm.HartLoopBenchmark [outer]}.
 */
final class HartLoopBenchmark {
    private HartLoopBenchmark() {}

    public static void main(String[] args) {
        int outer = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Asm program = new Asm()
                .code(addi(3, 0, 1000)) // outer: x3 = 1000
                .code(ld(4, 1, 0)) // inner: x4 = mem[x1]
                .code(add(5, 5, 4))
                .code(addi(3, 3, -1))
                .code(sd(5, 1, 8))
                .code(bne(3, 0, -16))
                .code(addi(2, 2, -1))
                .code(bne(2, 0, -28))
                .code(ECALL);
        for (int pass = 0; pass < 5; pass++) {
            TestMachine m = new TestMachine();
            m.memory.store64(TestMachine.DATA, 1);
            m.hart.setX(1, TestMachine.DATA);
            m.hart.setX(2, outer);
            m.load(program);
            long start = System.nanoTime();
            Stop stop;
            while ((stop = m.hart.run(50_000_000)) == Stop.BUDGET_EXHAUSTED) {
                // metered slices, as the sandbox runs them
            }
            long nanos = System.nanoTime() - start;
            System.out.printf(
                    "pass %d: %s, %,d instructions in %.3f s = %.0f MIPS (x5 = %d)%n",
                    pass, stop, m.hart.instret(), nanos / 1e9, m.hart.instret() * 1e3 / nanos, m.hart.x(5));
        }
    }
}
