package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.Op.*;

/**
 * The A extension on a single hart: AMOs are plain read-modify-write, and LR/SC keep one reservation
 * (address and size). An SC succeeds only when the most recent LR reserved exactly its address and
 * size; every SC clears the reservation, and so does a system call. Atomics must be naturally
 * aligned; a misaligned one faults (kind STORE, or LOAD for LR) as on hardware without Zam.
 */
final class Atomics {
    private static final long NONE = -1;

    private final GuestMemory memory;
    private long reservedAddress = NONE;
    private int reservedSize;

    Atomics(GuestMemory memory) {
        this.memory = memory;
    }

    static long decode(int b, int rd, int f3, int rs1, int rs2) {
        if (f3 != 2 && f3 != 3) {
            return Decoder.illegal(b, true);
        }
        int base = f3 == 2 ? LR_W : LR_D;
        int op =
                switch (b >>> 27) {
                    case 0x02 -> rs2 == 0 ? base : ILLEGAL;
                    case 0x03 -> base + 1;
                    case 0x01 -> base + 2;
                    case 0x00 -> base + 3;
                    case 0x04 -> base + 4;
                    case 0x0C -> base + 5;
                    case 0x08 -> base + 6;
                    case 0x10 -> base + 7;
                    case 0x14 -> base + 8;
                    case 0x18 -> base + 9;
                    case 0x1C -> base + 10;
                    default -> ILLEGAL;
                };
        return op == ILLEGAL ? Decoder.illegal(b, true) : Decoder.x(op, rd, rs1, rs2, 0);
    }

    void clearReservation() {
        reservedAddress = NONE;
    }

    long loadReserved(long addr, int size) {
        aligned(addr, size, GuestFault.Kind.LOAD);
        long v = size == 4 ? (int) memory.load32(addr) : memory.load64(addr);
        reservedAddress = addr;
        reservedSize = size;
        return v;
    }

    /** Returns 0 when the store happened, 1 when it did not. */
    long storeConditional(long addr, long value, int size) {
        aligned(addr, size, GuestFault.Kind.STORE);
        boolean ok = reservedAddress == addr && reservedSize == size;
        reservedAddress = NONE;
        if (!ok) {
            return 1;
        }
        store(addr, value, size);
        return 0;
    }

    /** Performs AMO {@code op} and returns the old memory value (sign-extended for .W). */
    long amo(int op, long addr, long operand) {
        boolean word = op <= AMOMAXU_W;
        int size = word ? 4 : 8;
        aligned(addr, size, GuestFault.Kind.STORE);
        long old = word ? (int) memory.load32(addr) : memory.load64(addr);
        long b = word ? (int) operand : operand;
        long result =
                switch (word ? op - LR_W : op - LR_D) {
                    case 2 -> b;
                    case 3 -> old + b;
                    case 4 -> old ^ b;
                    case 5 -> old & b;
                    case 6 -> old | b;
                    case 7 -> Math.min(old, b);
                    case 8 -> Math.max(old, b);
                    // Both operands are sign-extended the same way, so unsigned order of the 64-bit values
                    // equals unsigned order of their low 32 bits.
                    case 9 -> Long.compareUnsigned(old, b) <= 0 ? old : b;
                    default -> Long.compareUnsigned(old, b) >= 0 ? old : b;
                };
        store(addr, result, size);
        return old;
    }

    private void store(long addr, long value, int size) {
        if (size == 4) {
            memory.store32(addr, value);
        } else {
            memory.store64(addr, value);
        }
    }

    private static void aligned(long addr, int size, GuestFault.Kind kind) {
        if ((addr & (size - 1)) != 0) {
            throw new GuestFault(kind, addr);
        }
    }
}
