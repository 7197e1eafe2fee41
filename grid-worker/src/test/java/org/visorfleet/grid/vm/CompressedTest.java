package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.visorfleet.grid.vm.Asm.*;

import org.junit.jupiter.api.Test;

class CompressedTest {
    /**
     * Each compressed parcel and its 32-bit equivalent, both as GNU as (riscv64-linux-gnu-as
     * -march=rv64gc) encodes them; the comment is objdump's disassembly of the parcel.
     */
    private static final int[][] GNU_AS = {
        {0x7139, 0xfc010113}, // c.addi16sp sp,-64
        {0x617d, 0x1f010113}, // c.addi16sp sp,496
        {0x7505, 0xfffe1537}, // c.lui a0,0xfffe1
        {0x6585, 0x000015b7}, // c.lui a1,0x1
        {0x4632, 0x00c12603}, // c.lwsp a2,12(sp)
        {0x76fe, 0x1f813683}, // c.ldsp a3,504(sp)
        {0xdfb2, 0x0ec12e23}, // c.swsp a2,252(sp)
        {0xe436, 0x00d13423}, // c.sdsp a3,8(sp)
        {0x1ff8, 0x3fc10713}, // c.addi4spn a4,sp,1020
        {0x5f7c, 0x07c72783}, // c.lw a5,124(a4)
        {0x7f7c, 0x0f873783}, // c.ld a5,248(a4)
        {0xc35c, 0x00f72223}, // c.sw a5,4(a4)
        {0xe71c, 0x00f73423}, // c.sd a5,8(a4)
        {0x5501, 0xfe000513}, // c.li a0,-32
        {0x057d, 0x01f50513}, // c.addi a0,31
        {0x357d, 0xfff5051b}, // c.addiw a0,-1
        {0x157e, 0x03f51513}, // c.slli a0,0x3f
        {0x8385, 0x0017d793}, // c.srli a5,0x1
        {0x9785, 0x4217d793}, // c.srai a5,0x21
        {0x9bf9, 0xffe7f793}, // c.andi a5,-2
        {0x85aa, 0x00a005b3}, // c.mv a1,a0
        {0x95aa, 0x00a585b3}, // c.add a1,a0
        {0x8f99, 0x40e787b3}, // c.sub a5,a4
        {0x8fb9, 0x00e7c7b3}, // c.xor a5,a4
        {0x8fd9, 0x00e7e7b3}, // c.or a5,a4
        {0x8ff9, 0x00e7f7b3}, // c.and a5,a4
        {0x9f99, 0x40e787bb}, // c.subw a5,a4
        {0x9fb9, 0x00e787bb}, // c.addw a5,a4
        {0xa095, 0x0640006f}, // c.j .+100
        {0xb001, 0x801ff06f}, // c.j .-2048
        {0xd381, 0xf00780e3}, // c.beqz a5,.-256
        {0xeffd, 0x0e079f63}, // c.bnez a5,.+254
        {0x8082, 0x00008067}, // c.jr ra
        {0x9502, 0x000500e7}, // c.jalr a0
        {0x9002, 0x00100073}, // c.ebreak
        {0x2708, 0x00873507}, // c.fld fa0,8(a4)
        {0xbf68, 0x0ea73c27}, // c.fsd fa0,248(a4)
        {0x35fe, 0x1f813587}, // c.fldsp fa1,504(sp)
        {0xa02e, 0x00b13027}, // c.fsdsp fa1,0(sp)
        {0x0001, 0x00000013}, // c.nop
    };

    @Test
    void expandsLikeTheGnuAssembler() {
        for (int[] pair : GNU_AS) {
            assertEquals(
                    Integer.toHexString(pair[1]),
                    Integer.toHexString(Compressed.expand(pair[0])),
                    "parcel " + Integer.toHexString(pair[0]));
        }
    }

    @Test
    void reservedEncodingsAreIllegal() {
        int[] reserved = {
            0x0000, // all zeros (c.addi4spn with zero immediate)
            0x8000, // quadrant 0, funct3 100
            0x2001, // c.addiw x0
            0x6101, // c.addi16sp 0
            0x6181, // c.lui x3, 0
            0x4002, // c.lwsp x0
            0x6002, // c.ldsp x0
            0x8002, // c.jr x0
            0x9c41, // reserved c.subw/c.addw slot
        };
        for (int parcel : reserved) {
            assertEquals(0, Compressed.expand(parcel), Integer.toHexString(parcel));
            assertEquals(Op.ILLEGAL, (int) Decoder.decode16(parcel) & 0xFF);
        }
    }

    @Test
    void compressedProgramRuns() {
        TestMachine m = new TestMachine();
        long sp = TestMachine.DATA + 0x1000;
        m.memory.store32(sp - 64 + 12, 0xFFFFFFF0L); // read by c.lwsp a2,12(sp) after c.addi16sp -64
        m.memory.store64(sp - 64 + 504, 0x1234_5678_9ABC_DEF0L);
        m.hart.setX(2, sp);
        Asm program = new Asm()
                .c16(0x7139) // c.addi16sp sp,-64
                .c16(0x7505) // c.lui a0,0xfffe1 -> a0 = 0xffff_ffff_fffe_1000
                .c16(0x4632) // c.lwsp a2,12(sp)
                .c16(0x76fe) // c.ldsp a3,504(sp)
                .c16(0x4781) // c.li a5,0
                .c16(0xc391) // c.beqz a5,+4 (taken, skips the next parcel)
                .c16(0x0505) // c.addi a0,1 (skipped)
                .c16(0xa011) // c.j +4 (skips the next parcel)
                .c16(0x0505) // c.addi a0,1 (skipped)
                .i32(ECALL);
        m.load(program);
        assertEquals(Stop.ECALL, m.run());
        assertEquals(sp - 64, m.hart.x(2));
        assertEquals(0xFFFF_FFFF_FFFE_1000L, m.hart.x(10));
        assertEquals(-16, m.hart.x(12));
        assertEquals(0x1234_5678_9ABC_DEF0L, m.hart.x(13));
        assertEquals(8, m.hart.instret(), "7 executed parcels and the ecall");
    }

    @Test
    void compressedJalLinksTheNextHalfword() {
        TestMachine m = new TestMachine();
        m.load(new Asm()
                .i32(auipc(10, 0))
                .i32(addi(10, 10, 10))
                .c16(0x9502)
                .c16(0x0001)
                .i32(ECALL));
        // auipc; addi a0 -> ecall; c.jalr a0 (ra = pc + 2); c.nop; ecall
        assertEquals(Stop.ECALL, m.run());
        assertEquals(TestMachine.CODE + 10, m.hart.x(1));
    }
}
