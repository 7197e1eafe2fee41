package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Floating-point results and flags recorded from qemu-riscv64 (see fp-qemu-vectors.txt), replayed
 * through the hart instruction by instruction, in every rounding mode the vector lists.
 */
class FpQemuVectorsTest {
    private static final int[] MODES = {Asm.RNE, Asm.RTZ, Asm.RDN, Asm.RUP, Asm.RMM};

    record Vector(String mnemonic, long[] operands, long[] results, int[] flags) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(mnemonic);
            for (long operand : operands) {
                s.append(' ').append(Long.toHexString(operand));
            }
            return s.toString();
        }
    }

    static Stream<Vector> vectors() throws IOException {
        return Stream.concat(read("fp-qemu-vectors.txt"), read("fp-qemu-random.txt"));
    }

    private static Stream<Vector> read(String resource) throws IOException {
        List<Vector> out = new ArrayList<>();
        try (var in = FpQemuVectorsTest.class.getResourceAsStream(resource);
                var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] halves = line.split(" : ");
                String[] head = halves[0].trim().split(" ");
                String[] tail = halves[1].trim().split(" ");
                long[] operands = new long[head.length - 1];
                for (int i = 1; i < head.length; i++) {
                    operands[i - 1] = Long.parseUnsignedLong(head[i], 16);
                }
                long[] results = new long[tail.length];
                int[] flags = new int[tail.length];
                for (int i = 0; i < tail.length; i++) {
                    String[] rf = tail[i].split("/");
                    results[i] = Long.parseUnsignedLong(rf[0], 16);
                    flags[i] = Integer.parseInt(rf[1], 16);
                }
                out.add(new Vector(head[0], operands, results, flags));
            }
        }
        return out.stream();
    }

    /** How an instruction reads and writes: its encoding for a rounding mode and operand/result kinds. */
    private record Shape(int f7OrOpcode, int rs2, boolean fused, char in, char out, int fixedF3) {}

    private static Shape shape(String mnemonic) {
        String m = mnemonic.replace("unboxed-", "");
        // in/out: 's' single in f, 'd' double in f, 'x' integer register
        return switch (m) {
            case "fadd.s" -> new Shape(0x00, -1, false, 's', 's', -1);
            case "fmul.s" -> new Shape(0x08, -1, false, 's', 's', -1);
            case "fdiv.s" -> new Shape(0x0C, -1, false, 's', 's', -1);
            case "fsqrt.s" -> new Shape(0x2C, 0, false, 's', 's', -1);
            case "fadd.d" -> new Shape(0x01, -1, false, 'd', 'd', -1);
            case "fmul.d" -> new Shape(0x09, -1, false, 'd', 'd', -1);
            case "fdiv.d" -> new Shape(0x0D, -1, false, 'd', 'd', -1);
            case "fsqrt.d" -> new Shape(0x2D, 0, false, 'd', 'd', -1);
            case "fmadd.s" -> new Shape(0, -1, true, 's', 's', -1);
            case "fmadd.d" -> new Shape(1, -1, true, 'd', 'd', -1);
            case "fcvt.w.s" -> new Shape(0x60, 0, false, 's', 'x', -1);
            case "fcvt.l.d" -> new Shape(0x61, 2, false, 'd', 'x', -1);
            case "fcvt.wu.d" -> new Shape(0x61, 1, false, 'd', 'x', -1);
            case "fcvt.lu.d" -> new Shape(0x61, 3, false, 'd', 'x', -1);
            case "fcvt.s.d" -> new Shape(0x20, 1, false, 'd', 's', -1);
            case "fcvt.d.s" -> new Shape(0x21, 0, false, 's', 'd', 0);
            case "fcvt.d.l" -> new Shape(0x69, 2, false, 'x', 'd', -1);
            case "fcvt.s.lu" -> new Shape(0x68, 3, false, 'x', 's', -1);
            case "fmin.s" -> new Shape(0x14, -1, false, 's', 's', 0);
            case "fmax.s" -> new Shape(0x14, -1, false, 's', 's', 1);
            case "fmin.d" -> new Shape(0x15, -1, false, 'd', 'd', 0);
            case "fmax.d" -> new Shape(0x15, -1, false, 'd', 'd', 1);
            case "feq.s" -> new Shape(0x50, -1, false, 's', 'x', 2);
            case "flt.s" -> new Shape(0x50, -1, false, 's', 'x', 1);
            case "fle.s" -> new Shape(0x50, -1, false, 's', 'x', 0);
            case "fclass.s" -> new Shape(0x70, 0, false, 's', 'x', 1);
            case "fclass.d" -> new Shape(0x71, 0, false, 'd', 'x', 1);
            case "fmv.x.w" -> new Shape(0x70, 0, false, 's', 'x', 0);
            default -> throw new IllegalArgumentException("no shape for " + mnemonic);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesQemu(Vector v) {
        Shape shape = shape(v.mnemonic());
        boolean unboxed = v.mnemonic().startsWith("unboxed-");
        for (int i = 0; i < v.results().length; i++) {
            int rm = v.results().length == 1 ? (shape.fixedF3() >= 0 ? shape.fixedF3() : Asm.RNE) : MODES[i];
            int insn = shape.fused()
                    ? Asm.fmadd(0x43, shape.f7OrOpcode(), rm, 10, 1, 2, 3)
                    : Asm.fp(shape.f7OrOpcode(), rm, 10, 1, shape.rs2() >= 0 ? shape.rs2() : 2);
            TestMachine m = new TestMachine();
            for (int k = 0; k < v.operands().length; k++) {
                long operand = v.operands()[k];
                switch (shape.in()) {
                    case 'x' -> m.hart.setX(1 + k, operand);
                    case 's' -> m.hart.setF(1 + k, unboxed ? operand : Fpu.box((int) operand));
                    default -> m.hart.setF(1 + k, operand);
                }
            }
            m.hart.setFcsr(0);
            m.exec(insn);
            String where = v + " rm " + rm;
            switch (shape.out()) {
                case 'x' -> assertEquals(Long.toHexString(v.results()[i]), Long.toHexString(m.hart.x(10)), where);
                case 's' -> {
                    long raw = m.hart.f(10);
                    assertTrue((raw >>> 32) == 0xFFFFFFFFL, where + ": result NaN-boxed");
                    assertEquals(Long.toHexString(v.results()[i]), Long.toHexString(raw & 0xFFFFFFFFL), where);
                }
                default -> assertEquals(Long.toHexString(v.results()[i]), Long.toHexString(m.hart.f(10)), where);
            }
            assertEquals(Integer.toHexString(v.flags()[i]), Integer.toHexString(m.hart.fcsr() & 31), where + " fflags");
        }
    }
}
