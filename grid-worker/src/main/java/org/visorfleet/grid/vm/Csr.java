package org.visorfleet.grid.vm;

/**
 * The user-mode CSRs this hart implements. Counters are virtual and deterministic: {@code instret}
 * counts retired instructions, {@code cycle} equals {@code instret} (one instruction per cycle), and
 * {@code time} is {@code instret / 100}, i.e. a 10 MHz timer on a nominal 1 GHz, one-IPC machine.
 * RV64 has no {@code *h} halves; any other CSR is an illegal instruction.
 */
final class Csr {
    static final int FFLAGS = 0x001;
    static final int FRM = 0x002;
    static final int FCSR = 0x003;
    static final int CYCLE = 0xC00;
    static final int TIME = 0xC01;
    static final int INSTRET = 0xC02;

    /** Retired instructions per tick of {@code time}. */
    static final long INSTRET_PER_TIME_TICK = 100;

    private Csr() {}

    static boolean exists(int csr) {
        return (csr >= FFLAGS && csr <= FCSR) || (csr >= CYCLE && csr <= INSTRET);
    }

    static boolean readOnly(int csr) {
        return csr >= CYCLE;
    }
}
