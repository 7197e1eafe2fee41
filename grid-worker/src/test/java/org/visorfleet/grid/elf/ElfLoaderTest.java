package org.visorfleet.grid.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Known-good freestanding binaries (see src/test/c/freestanding/minimal.c) and one-field patches. */
class ElfLoaderTest {
    static byte[] resource(String name) {
        try (InputStream in = ElfLoaderTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] patch(byte[] file, int offset, long value, int size) {
        byte[] copy = file.clone();
        for (int i = 0; i < size; i++) {
            copy[offset + i] = (byte) (value >>> (8 * i));
        }
        return copy;
    }

    /** File offset of program header {@code i} of the given file (e_phoff = 64 for ld output). */
    static int ph(int i) {
        return 64 + 56 * i;
    }

    @Test
    void loadsStaticExecutable() throws ElfException {
        ElfImage image = ElfLoader.load(resource("exec-min.elf"));
        assertEquals(ElfImage.Kind.EXEC, image.kind());
        assertEquals(0, image.loadBias());
        assertEquals(0x10190, image.entry());
        assertEquals(2, image.segments().size());
        LoadSegment text = image.segments().get(0);
        assertEquals(0x10000, text.vaddr());
        assertEquals(0x1d7, text.memsz());
        assertEquals(LoadSegment.PROT_READ | LoadSegment.PROT_EXEC, text.prot());
        assertEquals(0x7f, text.data()[0]); // the first segment maps the ELF header itself
        LoadSegment data = image.segments().get(1);
        assertEquals(0x11ff8, data.vaddr());
        assertEquals(LoadSegment.PROT_READ | LoadSegment.PROT_WRITE, data.prot());
        assertEquals(0x10040, image.phdrAddress());
        assertEquals(56, image.phent());
        assertEquals(6, image.phnum());
        assertEquals(new TlsTemplate(0x11ff8, 8, 8, 8), image.tls().orElseThrow());
        assertEquals(0x13000, image.brkStart());
        assertEquals(0, image.relocationsApplied());
    }

    @Test
    void loadsStaticPieAtBaseAndAppliesRelativeRelocations() throws ElfException {
        ElfImage image = ElfLoader.load(resource("pie-min.elf"));
        assertEquals(ElfImage.Kind.STATIC_PIE, image.kind());
        assertEquals(0x10000, image.loadBias());
        assertEquals(0x10000, image.segments().getFirst().vaddr());
        assertEquals(2, image.relocationsApplied());
        LoadSegment data = image.segments().get(1);
        assertEquals(0x11ef8, data.vaddr());
        // .data table at link address 0x2000 holds first (0x290) and second (0x288), now biased
        int at = (int) (0x12000 - data.vaddr());
        assertEquals(0x10290, readU64(data.data(), at));
        assertEquals(0x10288, readU64(data.data(), at + 8));
        assertTrue(image.segments().getFirst().contains(image.entry()));
        assertEquals(0x10040, image.phdrAddress());
    }

    @Test
    void relocatedBytesAreACopyNotTheInput() throws ElfException {
        byte[] file = resource("pie-min.elf");
        byte[] before = file.clone();
        ElfLoader.load(file);
        assertArrayEquals(before, file);
    }

    @Test
    void pieBaseIsConfigurable() throws ElfException {
        ElfLimits limits = new ElfLimits(0x1000, 0x20_0000_0000L, 1 << 30, 128, 1000, 0x40_0000);
        ElfImage image = ElfLoader.load(resource("pie-min.elf"), limits);
        assertEquals(0x40_0000, image.segments().getFirst().vaddr());
        assertEquals(0x40_0290, readU64(image.segments().get(1).data(), (int)
                (0x40_2000 - image.segments().get(1).vaddr())));
    }

    @Test
    void rejectsEachBadHeaderFieldWithItsName() {
        byte[] ok = resource("exec-min.elf");
        expect("EI_MAG", 0, patch(ok, 1, 'X', 1));
        expect("EI_CLASS", 4, patch(ok, 4, 1, 1));
        expect("EI_DATA", 5, patch(ok, 5, 2, 1));
        expect("EI_VERSION", 6, patch(ok, 6, 0, 1));
        expect("EI_OSABI", 7, patch(ok, 7, 9, 1));
        expect("e_type", 16, patch(ok, 16, 1, 2));
        expect("e_machine", 18, patch(ok, 18, 62, 2));
        expect("e_version", 20, patch(ok, 20, 2, 4));
        expect("e_ehsize", 52, patch(ok, 52, 52, 2));
        expect("e_phentsize", 54, patch(ok, 54, 32, 2));
        expect("e_phnum", 56, patch(ok, 56, 0, 2));
        expect("e_phoff", 32, patch(ok, 32, ok.length - 10, 8));
        expect("e_phoff", 32, patch(ok, 32, -1L, 8));
        expect("e_entry", 24, patch(ok, 24, 0x11ff8, 8)); // inside the RW segment, not executable
        expect("ELF header", 0, Arrays.copyOf(ok, 63));
    }

    @Test
    void rejectsUnsupportedFloatAbisAndRve() {
        byte[] ok = resource("exec-min.elf");
        assertTrue(expect("e_flags", 48, patch(ok, 48, 0x1, 4)).contains("soft-float"));
        assertTrue(expect("e_flags", 48, patch(ok, 48, 0x3, 4)).contains("single-float"));
        assertTrue(expect("e_flags", 48, patch(ok, 48, 0x7, 4)).contains("quad-float"));
        assertTrue(expect("e_flags", 48, patch(ok, 48, 0xd, 4)).contains("RVE"));
        assertTrue(expect("e_flags", 48, patch(ok, 48, 0x105, 4)).contains("unknown"));
    }

    @Test
    void acceptsTsoAndNoRvc() throws ElfException {
        byte[] ok = resource("exec-min.elf");
        assertEquals(0x14, ElfLoader.load(patch(ok, 48, 0x14, 4)).flags());
    }

    @Test
    void rejectsDynamicallyLinked() {
        byte[] ok = resource("exec-min.elf");
        // program header 0 is PT_RISCV_ATTRIBUTES; turning it into PT_INTERP makes a "dynamic" binary
        String reason = expect("p_type[0]", ph(0), patch(ok, ph(0), ProgramHeader.PT_INTERP, 4));
        assertTrue(reason.contains("-static"), reason);
    }

    @Test
    void rejectsBadLoadSegments() {
        byte[] ok = resource("exec-min.elf");
        int text = ph(1);
        expect("p_filesz[1]", text + 32, patch(ok, text + 32, 0x1000_0000, 8)); // past the end of the file
        expect("p_filesz[1]", text + 32, patch(ok, text + 40, 0x10, 8)); // memsz < filesz
        expect("p_align[1]", text + 48, patch(ok, text + 48, 0x1800, 8));
        expect("p_vaddr[1]", text + 16, patch(ok, text + 16, 0x10008, 8)); // not congruent with offset 0
        expect("p_vaddr[1]", text + 16, patch(ok, text + 16, 0, 8)); // page 0
        expect("p_vaddr[1]", text + 16, patch(ok, text + 16, 0x40_0000_0000L, 8)); // above the user range
        // text grows to 0x11000 bytes of memory, reaching over the data segment at 0x11ff8
        expect("p_vaddr[2]", ph(2) + 16, patch(ok, ph(1) + 40, 0x11000, 8));
        expect("p_memsz[2]", ph(2) + 40, patch(ok, ph(2) + 40, 1L << 31, 8)); // image cap
        expect("p_flags[1]", text + 4, patch(ok, text + 4, 0x15, 4));
        expect("p_offset[1]", text + 8, patch(ok, text + 8, 1L << 63, 8));
    }

    @Test
    void rejectsDuplicateTlsAndUnknownGenericType() {
        byte[] ok = resource("exec-min.elf");
        expect("p_type[0]", ph(0), patch(ok, ph(0), 5, 4)); // PT_SHLIB
        expect("p_type[4]", ph(4), patch(ok, ph(4), ProgramHeader.PT_TLS, 4)); // GNU_STACK -> second TLS
    }

    @Test
    void rejectsPhdrMismatchAndUnloadedTable() {
        byte[] ok = resource("exec-min.elf");
        byte[] phdr = patch(patch(ok, ph(0), ProgramHeader.PT_PHDR, 4), ph(0) + 16, 0x10080, 8);
        expect("p_vaddr[0]", ph(0) + 16, phdr);
        // text segment no longer starts at offset 0, so the table at offset 64 is not loaded
        byte[] moved = patch(patch(patch(ok, ph(1) + 8, 0x100, 8), ph(1) + 16, 0x10100, 8), ph(1) + 32, 0xd7, 8);
        expect("e_phoff", 32, patch(moved, ph(1) + 40, 0xd7, 8));
    }

    @Test
    void ignoresAdvisoryProgramHeaders() throws ElfException {
        byte[] ok = resource("exec-min.elf");
        ElfImage image = ElfLoader.load(patch(ok, ph(0), 0x6474e550, 4)); // PT_GNU_EH_FRAME
        assertEquals(2, image.segments().size());
    }

    @Test
    void rejectsStaticPieWithSymbolRelocationOrNeeded() {
        byte[] ok = resource("pie-min.elf");
        // .rela.dyn at file offset 0x220: r_info of entry 0 becomes R_RISCV_64 against symbol 1
        String reason = expect("r_info", 0x228, patch(ok, 0x228, (1L << 32) | 2, 8));
        assertTrue(reason.contains("symbol"), reason);
        expect("r_offset", 0x220, patch(ok, 0x220, 0x9000, 8));
        // first dynamic entry (file 0xf00) becomes DT_NEEDED
        assertTrue(expect("d_tag[0]", 0xf00, patch(ok, 0xf00, 1, 8)).contains("shared library"));
    }

    static String expect(String field, long offset, byte[] file) {
        ElfException e = assertThrows(ElfException.class, () -> ElfLoader.load(file));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + " at 0x" + Long.toHexString(offset) + ": "), e.getMessage());
        return e.reason();
    }

    static long readU64(byte[] b, int off) {
        return LittleEndian.u64(b, off);
    }
}
