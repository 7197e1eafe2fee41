package org.visorfleet.grid.vm;

/** The fcsr register: accrued exception flags (fflags, bits 0..4) and the dynamic rounding mode (frm). */
final class FpStatus {
    /** fflags: NV DZ OF UF NX, see {@link SoftFloat}. */
    int flags;

    /** frm; values 5..7 may be stored but make dynamic-rounding instructions illegal. */
    int frm;

    void raise(int f) {
        flags |= f;
    }

    int fcsr() {
        return frm << 5 | flags;
    }

    void setFcsr(long v) {
        flags = (int) v & 31;
        frm = (int) (v >>> 5) & 7;
    }
}
