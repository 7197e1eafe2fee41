package org.visorfleet.grid.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.visorfleet.grid.elf.ElfException;
import org.visorfleet.grid.elf.ElfImage;
import org.visorfleet.grid.elf.ElfLoader;
import org.visorfleet.grid.elf.LoadSegment;

class ProcessLoaderTest {
    final FakeGuest guest = new FakeGuest(64L << 20);

    static ElfImage image(String name) throws ElfException, IOException {
        try (InputStream in = ElfLoader.class.getResourceAsStream(name)) {
            return ElfLoader.load(in.readAllBytes());
        }
    }

    @Test
    void mapsSegmentsWithTheirProtectionAndBytes() throws Exception {
        ElfImage image = image("exec-min.elf");
        ProcessLoader.Start start =
                ProcessLoader.load(image, guest, AddressLayout.DEFAULT, ProcessArgs.of("prog", List.of(), 1));
        assertEquals(0x10190, start.entry());
        assertEquals(0x13000, start.brkStart());
        assertEquals(GuestAccess.PROT_READ | GuestAccess.PROT_EXEC, guest.protection(0x10000));
        assertEquals(GuestAccess.PROT_READ | GuestAccess.PROT_WRITE, guest.protection(0x11000));
        assertEquals(-1, guest.protection(0x13000));
        byte[] magic = new byte[4];
        guest.peek(0x10000, magic, 0, 4);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, magic);
    }

    @Test
    void initialStackFollowsTheLinuxLayout() throws Exception {
        ElfImage image = image("pie-min.elf");
        ProcessArgs args = ProcessArgs.of("prog", List.of("alpha", "beta gamma"), 99);
        ProcessLoader.Start start = ProcessLoader.load(image, guest, AddressLayout.DEFAULT, args);
        long sp = start.sp();
        assertEquals(0, sp % 16);
        assertEquals(3, guest.u64(sp));
        assertEquals("prog", guest.cstring(guest.u64(sp + 8)));
        assertEquals("alpha", guest.cstring(guest.u64(sp + 16)));
        assertEquals("beta gamma", guest.cstring(guest.u64(sp + 24)));
        assertEquals(0, guest.u64(sp + 32));
        long envp = sp + 40;
        for (int i = 0; i < ProcessArgs.DEFAULT_ENV.size(); i++) {
            assertEquals(ProcessArgs.DEFAULT_ENV.get(i), guest.cstring(guest.u64(envp + 8L * i)));
        }
        long auxp = envp + 8L * ProcessArgs.DEFAULT_ENV.size() + 8;
        assertEquals(0, guest.u64(auxp - 8));
        Map<Long, Long> aux = new HashMap<>();
        for (long a = auxp; guest.u64(a) != ProcessLoader.AT_NULL; a += 16) {
            aux.put(guest.u64(a), guest.u64(a + 8));
        }
        assertEquals(image.phdrAddress(), aux.get(ProcessLoader.AT_PHDR));
        assertEquals(0x10040, aux.get(ProcessLoader.AT_PHDR));
        assertEquals(56, aux.get(ProcessLoader.AT_PHENT));
        assertEquals(image.phnum(), aux.get(ProcessLoader.AT_PHNUM));
        assertEquals(4096, aux.get(ProcessLoader.AT_PAGESZ));
        assertEquals(image.entry(), aux.get(ProcessLoader.AT_ENTRY));
        assertEquals(0x112d, aux.get(ProcessLoader.AT_HWCAP));
        assertEquals(100, aux.get(ProcessLoader.AT_CLKTCK));
        assertEquals(0, aux.get(ProcessLoader.AT_SECURE));
        assertEquals(1000, aux.get(ProcessLoader.AT_UID));
        assertEquals("/work/prog", guest.cstring(aux.get(ProcessLoader.AT_EXECFN)));
        byte[] random = new byte[16];
        guest.peek(aux.get(ProcessLoader.AT_RANDOM), random, 0, 16);
        assertArrayEquals(args.atRandom(), random);
        assertEquals(0, aux.get(ProcessLoader.AT_RANDOM) % 16);
        // the relocated pointer table reached guest memory
        assertEquals(0x10290, guest.u64(0x12000));
    }

    @Test
    void atRandomDependsOnlyOnTheSeed() {
        assertArrayEquals(
                ProcessArgs.of("a", List.of(), 5).atRandom(),
                ProcessArgs.of("b", List.of("x"), 5).atRandom());
        byte[] other = ProcessArgs.of("a", List.of(), 6).atRandom();
        assertEquals(
                false,
                java.util.Arrays.equals(other, ProcessArgs.of("a", List.of(), 5).atRandom()));
    }

    @Test
    void segmentsSharingAPageGetTheUnionOfTheirProtections() {
        ElfImage image = new ElfImage(
                ElfImage.Kind.EXEC,
                0,
                0x10000,
                List.of(
                        new LoadSegment(
                                0x10000, 0x800, new byte[] {1, 2}, LoadSegment.PROT_READ | LoadSegment.PROT_EXEC),
                        new LoadSegment(
                                0x10800, 0x1000, new byte[] {3}, LoadSegment.PROT_READ | LoadSegment.PROT_WRITE)),
                0x10040,
                56,
                2,
                java.util.Optional.empty(),
                0x12000,
                5,
                0);
        ProcessLoader.mapSegments(image, guest);
        assertEquals(7, guest.protection(0x10000));
        assertEquals(3, guest.protection(0x11000));
        assertEquals(3, guest.u64(0x10800) & 0xff);
    }

    @Test
    void memoryCapSmallerThanTheImageIsAClearError() throws Exception {
        ElfImage image = image("exec-min.elf");
        FakeGuest tiny = new FakeGuest(4096);
        assertThrows(
                IllegalStateException.class,
                () -> ProcessLoader.load(image, tiny, AddressLayout.DEFAULT, ProcessArgs.of("p", List.of(), 1)));
    }
}
