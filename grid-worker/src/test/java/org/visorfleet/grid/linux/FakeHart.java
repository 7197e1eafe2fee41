package org.visorfleet.grid.linux;

/** Test scaffolding for {@link Registers}: 32 registers and a settable instruction count. */
final class FakeHart implements Registers {
    final long[] x = new long[32];
    long instret;

    @Override
    public long x(int index) {
        return x[index];
    }

    @Override
    public void setX(int index, long value) {
        if (index != 0) {
            x[index] = value;
        }
    }

    @Override
    public long instret() {
        return instret;
    }

    /** Loads a7 and a0.. and returns this for {@code sys.handle(hart.call(...))}. */
    FakeHart call(int number, long... args) {
        x[17] = number;
        for (int i = 0; i < 6; i++) {
            x[10 + i] = i < args.length ? args[i] : 0;
        }
        return this;
    }

    long a0() {
        return x[10];
    }
}
