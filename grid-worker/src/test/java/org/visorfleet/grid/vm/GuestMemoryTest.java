package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visorfleet.grid.vm.GuestMemory.PROT_EXEC;
import static org.visorfleet.grid.vm.GuestMemory.PROT_READ;
import static org.visorfleet.grid.vm.GuestMemory.PROT_WRITE;

import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    private static final int RW = PROT_READ | PROT_WRITE;
    private final GuestMemory memory = new GuestMemory(1 << 20);

    @Test
    void freshPagesReadAsZeroAndHoldLittleEndianValues() {
        memory.map(0x1000, 0x2000, RW);
        assertEquals(0, memory.load64(0x1ff8));
        memory.store64(0x1000, 0x0102030405060708L);
        assertEquals(0x08, memory.load8(0x1000));
        assertEquals(0x0708, memory.load16(0x1000));
        assertEquals(0x05060708L, memory.load32(0x1000));
        assertEquals(0xFFL, memory.load8(0x1000) | 0xF7);
        memory.store32(0x1004, 0xFFFFFFFFL);
        assertEquals(0xFFFFFFFFL, memory.load32(0x1004), "loads zero-extend");
    }

    @Test
    void misalignedAccessesWorkAcrossPageBoundaries() {
        memory.map(0x1000, 0x2000, RW);
        memory.store64(0x1ffd, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, memory.load64(0x1ffd));
        assertEquals(0x88, memory.load8(0x1ffd));
        assertEquals(0x11, memory.load8(0x2004));
        assertEquals(0x55667788L, memory.load32(0x1ffd));
        memory.store16(0x1fff, 0xABCD);
        assertEquals(0xABCD, memory.load16(0x1fff));
    }

    @Test
    void aStoreStraddlingIntoAReadOnlyPageFaultsWithoutWritingAnything() {
        memory.map(0x1000, 0x1000, RW);
        memory.map(0x2000, 0x1000, PROT_READ);
        GuestFault fault = assertThrows(GuestFault.class, () -> memory.store64(0x1ffc, -1L));
        assertEquals(GuestFault.Kind.STORE, fault.kind());
        assertEquals(0x2000, fault.address());
        assertEquals(0, memory.load32(0x1ffc), "first page unchanged");
    }

    @Test
    void unmappedAndForbiddenAccessesFault() {
        memory.map(0x1000, 0x1000, PROT_READ);
        assertEquals(
                GuestFault.Kind.LOAD,
                assertThrows(GuestFault.class, () -> memory.load8(0x5000)).kind());
        assertEquals(
                GuestFault.Kind.STORE,
                assertThrows(GuestFault.class, () -> memory.store8(0x1000, 1)).kind());
        assertEquals(
                GuestFault.Kind.FETCH,
                assertThrows(GuestFault.class, () -> memory.fetch32(0x1000)).kind());
        assertThrows(GuestFault.class, () -> memory.load64(-8));
        memory.map(0x3000, 0x1000, PROT_WRITE);
        assertThrows(GuestFault.class, () -> memory.load8(0x3000), "write-only is not readable");
    }

    @Test
    void protectChangesPermissionsEvenForCachedPages() {
        memory.map(0x1000, 0x1000, RW);
        memory.store8(0x1000, 7);
        memory.protect(0x1000, 0x1000, PROT_READ);
        assertThrows(GuestFault.class, () -> memory.store8(0x1000, 8));
        assertEquals(7, memory.load8(0x1000));
        memory.protect(0x1000, 0x1000, GuestMemory.PROT_NONE);
        assertThrows(GuestFault.class, () -> memory.load8(0x1000));
        assertThrows(IllegalArgumentException.class, () -> memory.protect(0x8000, 0x1000, PROT_READ));
    }

    @Test
    void unmapForgetsContentsAndRemapIsZeroFilled() {
        memory.map(0x1000, 0x3000, RW);
        memory.store64(0x2000, 42);
        memory.unmap(0x2000, 0x1000);
        assertFalse(memory.isMapped(0x1000, 0x3000));
        assertTrue(memory.isMapped(0x1000, 0x1000));
        assertTrue(memory.isMapped(0x3000, 1));
        assertThrows(GuestFault.class, () -> memory.load64(0x2000));
        memory.map(0x2000, 0x1000, RW);
        assertEquals(0, memory.load64(0x2000));
        assertEquals(0x3000, memory.mappedBytes());
    }

    @Test
    void theCapCountsMappedBytesAndAFailedMapChangesNothing() {
        memory.map(0x100000, 1 << 20, GuestMemory.PROT_NONE); // exactly the cap, never touched
        assertEquals(1 << 20, memory.mappedBytes());
        assertThrows(GuestMemoryLimitException.class, () -> memory.map(0x1000, 0x1000, RW));
        assertFalse(memory.isMapped(0x1000, 1));
        memory.map(0x100000, 0x1000, RW); // replacing mapped pages needs no new room
        memory.unmap(0x180000, 0x1000);
        memory.map(0x1000, 0x1000, RW);
        assertEquals(1 << 20, memory.mappedBytes());
    }

    @Test
    void findFreeReturnsTheLowestGapAboveTheHint() {
        memory.map(0x10000, 0x2000, RW);
        memory.map(0x13000, 0x1000, RW);
        assertEquals(0x12000, memory.findFree(0x1000, 0x10000));
        assertEquals(0x14000, memory.findFree(0x2000, 0x10000));
        assertEquals(0x1000, memory.findFree(0x1000, 0));
        assertEquals(0x15000, memory.findFree(1, 0x14001));
        assertEquals(-1, memory.findFree(GuestMemory.ADDRESS_LIMIT, 0));
    }

    @Test
    void bulkCopiesCheckPermissionsButPeekAndPokeDoNot() {
        memory.map(0x1000, 0x2000, PROT_READ);
        byte[] text = "hello, guest".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThrows(GuestFault.class, () -> memory.writeBytes(0x1ffa, text, 0, text.length));
        memory.poke(0x1ffa, text, 0, text.length);
        byte[] back = new byte[text.length];
        memory.readBytes(0x1ffa, back, 0, back.length);
        assertArrayEquals(text, back);
        memory.protect(0x1000, 0x2000, GuestMemory.PROT_NONE);
        assertThrows(GuestFault.class, () -> memory.readBytes(0x1ffa, back, 0, back.length));
        memory.peek(0x1ffa, back, 0, back.length);
        assertArrayEquals(text, back);
        assertThrows(GuestFault.class, () -> memory.peek(0x2ffa, back, 0, back.length), "unmapped tail");
    }

    @Test
    void hostMisuseIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> memory.map(0x1001, 0x1000, RW));
        assertThrows(IllegalArgumentException.class, () -> memory.map(0x1000, 0, RW));
        assertThrows(IllegalArgumentException.class, () -> memory.map(0x1000, 0x1000, 8));
        assertThrows(IllegalArgumentException.class, () -> memory.map(GuestMemory.ADDRESS_LIMIT, 0x1000, RW));
    }

    @Test
    void fetchNeedsExecutePermissionOnly() {
        memory.map(0x1000, 0x1000, PROT_EXEC);
        memory.poke(0x1000, new byte[] {0x13, 0, 0, 0}, 0, 4);
        assertEquals(0x13, memory.fetch32(0x1000));
        assertThrows(GuestFault.class, () -> memory.load8(0x1000));
    }

    @Test
    void manyPagesSurviveTableGrowthAndRemoval() {
        GuestMemory big = new GuestMemory(64L << 20);
        for (long p = 0; p < 4000; p++) {
            big.map(0x100000 + p * 0x3000, 0x1000, RW);
            big.store64(0x100000 + p * 0x3000, p);
        }
        for (long p = 0; p < 4000; p += 2) {
            big.unmap(0x100000 + p * 0x3000, 0x1000);
        }
        for (long p = 1; p < 4000; p += 2) {
            assertEquals(p, big.load64(0x100000 + p * 0x3000));
        }
        assertEquals(2000L * 0x1000, big.mappedBytes());
    }
}
