package org.visorfleet.grid.elf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Validates a static RV64 Linux executable and turns it into an {@link ElfImage}. Pure: no guest
 * memory, no I/O; every rejection is an {@link ElfException} naming the field, its offset and why.
 *
 * <p>Checks, in order: the file header ({@link ElfHeader}); every program header's file range;
 * program header types (PT_INTERP means dynamically linked and is refused; PT_NOTE, PT_GNU_STACK,
 * PT_GNU_RELRO, PT_RISCV_ATTRIBUTES and other OS/processor types are ignored, unknown generic ones
 * refused); each PT_LOAD (filesz ≤ memsz, alignment a power of two, p_vaddr ≡ p_offset mod page
 * when p_align ≥ page); then, with the load bias applied, the user address range, overlaps, the
 * total size cap, the entry point (inside an executable segment), the program header table (inside
 * a loaded segment, so AT_PHDR is readable; equal to PT_PHDR when present), PT_TLS, and finally
 * PT_DYNAMIC with the static-pie relocations ({@link StaticPieRelocator}). Section headers are not
 * read: loading never needs them, as for the Linux kernel.
 *
 * <p>Thread-safe (stateless).
 */
public final class ElfLoader {
    private static final long PAGE = ElfLimits.PAGE_SIZE;

    private ElfLoader() {}

    public static ElfImage load(byte[] file) throws ElfException {
        return load(file, ElfLimits.DEFAULT);
    }

    public static ElfImage load(byte[] file, ElfLimits limits) throws ElfException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(limits, "limits");
        ElfHeader header = ElfHeader.parse(file, limits);
        List<ProgramHeader> loads = new ArrayList<>();
        ProgramHeader dynamic = null;
        ProgramHeader tls = null;
        ProgramHeader phdr = null;
        for (int i = 0; i < header.phnum(); i++) {
            ProgramHeader ph = ProgramHeader.parse(file, header.phoff(), i);
            switch (ph.type()) {
                case ProgramHeader.PT_NULL, ProgramHeader.PT_NOTE -> {}
                case ProgramHeader.PT_LOAD -> {
                    if (checkLoad(ph)) {
                        loads.add(ph);
                    }
                }
                case ProgramHeader.PT_DYNAMIC -> dynamic = single(dynamic, ph, "PT_DYNAMIC");
                case ProgramHeader.PT_INTERP ->
                    throw ph.reject(
                            "p_type",
                            "dynamically linked (PT_INTERP asks for an interpreter); work units must be linked -static");
                case ProgramHeader.PT_PHDR -> phdr = single(phdr, ph, "PT_PHDR");
                case ProgramHeader.PT_TLS -> tls = single(tls, ph, "PT_TLS");
                default -> {
                    if (Integer.compareUnsigned(ph.type(), ProgramHeader.PT_LOOS) < 0) {
                        throw ph.reject("p_type", "unsupported program header type " + ph.type());
                    }
                    // PT_GNU_STACK, PT_GNU_RELRO, PT_GNU_EH_FRAME, PT_GNU_PROPERTY, PT_RISCV_ATTRIBUTES...:
                    // advisory; the stack is never executable here and RELRO is glibc's own mprotect.
                }
            }
        }
        if (loads.isEmpty()) {
            throw new ElfException("e_phnum", 56, "no non-empty PT_LOAD segment");
        }
        loads.sort(Comparator.comparingLong(ProgramHeader::vaddr));
        long bias = header.pie() ? limits.pieBase() - (loads.getFirst().vaddr() & -PAGE) : 0;
        checkPlacement(loads, bias, limits);
        long entry = header.entry() + bias;
        if (loads.stream().noneMatch(p -> (p.flags() & ProgramHeader.PF_X) != 0 && contains(p, bias, entry))) {
            throw new ElfException(
                    "e_entry",
                    24,
                    "entry point 0x" + Long.toUnsignedString(header.entry(), 16)
                            + " is not inside an executable PT_LOAD segment");
        }
        long phdrAddress = phdrAddress(header, loads, phdr, bias);
        Optional<TlsTemplate> tlsTemplate = tls == null ? Optional.empty() : Optional.of(tlsTemplate(tls, loads, bias));
        List<byte[]> data = new ArrayList<>();
        for (ProgramHeader p : loads) {
            data.add(Arrays.copyOfRange(file, (int) p.offset(), (int) (p.offset() + p.filesz())));
        }
        int relocations =
                dynamic == null ? 0 : StaticPieRelocator.apply(file, dynamic, loads, data, bias, header.pie(), limits);
        List<LoadSegment> segments = new ArrayList<>();
        long end = 0;
        for (int i = 0; i < loads.size(); i++) {
            ProgramHeader p = loads.get(i);
            segments.add(new LoadSegment(p.vaddr() + bias, p.memsz(), data.get(i), p.prot()));
            end = Math.max(end, p.vaddr() + bias + p.memsz());
        }
        return new ElfImage(
                header.pie() ? ElfImage.Kind.STATIC_PIE : ElfImage.Kind.EXEC,
                bias,
                entry,
                segments,
                phdrAddress,
                ElfHeader.PHENT,
                header.phnum(),
                tlsTemplate,
                (end + PAGE - 1) & -PAGE,
                header.flags(),
                relocations);
    }

    /** Validates one PT_LOAD on its own; returns false for an empty one, which is skipped as Linux does. */
    private static boolean checkLoad(ProgramHeader p) throws ElfException {
        if (p.filesz() > p.memsz()) {
            throw p.reject(
                    "p_filesz",
                    "p_filesz 0x" + Long.toHexString(p.filesz()) + " exceeds p_memsz 0x" + Long.toHexString(p.memsz()));
        }
        if (p.align() != 0 && Long.bitCount(p.align()) != 1) {
            throw p.reject("p_align", p.align() + " is not a power of two");
        }
        if (p.align() >= PAGE && (p.vaddr() - p.offset()) % PAGE != 0) {
            throw p.reject(
                    "p_vaddr",
                    "p_vaddr 0x" + Long.toHexString(p.vaddr()) + " and p_offset 0x" + Long.toHexString(p.offset())
                            + " are not congruent modulo the page size");
        }
        if ((p.flags() & ~(ProgramHeader.PF_R | ProgramHeader.PF_W | ProgramHeader.PF_X)) != 0) {
            throw p.reject("p_flags", "unknown segment flags 0x" + Integer.toHexString(p.flags()));
        }
        return p.memsz() != 0;
    }

    private static void checkPlacement(List<ProgramHeader> loads, long bias, ElfLimits limits) throws ElfException {
        long total = 0;
        ProgramHeader previous = null;
        for (ProgramHeader p : loads) {
            long start = p.vaddr() + bias;
            long end = start + p.memsz();
            if (start < limits.minAddress() || end > limits.maxAddress()) {
                throw p.reject(
                        "p_vaddr",
                        "segment [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end)
                                + ") is outside the user range [0x" + Long.toHexString(limits.minAddress()) + ", 0x"
                                + Long.toHexString(limits.maxAddress()) + ")");
            }
            if (previous != null && p.vaddr() < previous.vaddr() + previous.memsz()) {
                throw p.reject(
                        "p_vaddr",
                        "segment at 0x" + Long.toHexString(start) + " overlaps PT_LOAD[" + previous.index() + "]");
            }
            total += p.memsz();
            if (total > limits.maxImageBytes()) {
                throw p.reject("p_memsz", "loaded image exceeds " + limits.maxImageBytes() + " bytes");
            }
            previous = p;
        }
    }

    private static long phdrAddress(ElfHeader header, List<ProgramHeader> loads, ProgramHeader phdr, long bias)
            throws ElfException {
        long size = (long) header.phnum() * ElfHeader.PHENT;
        for (ProgramHeader p : loads) {
            if (p.coversFile(header.phoff(), size)) {
                long address = p.vaddr() + (header.phoff() - p.offset()) + bias;
                if (phdr != null && phdr.vaddr() + bias != address) {
                    throw phdr.reject(
                            "p_vaddr",
                            "PT_PHDR says 0x" + Long.toHexString(phdr.vaddr()) + " but the table is loaded at 0x"
                                    + Long.toHexString(address - bias));
                }
                return address;
            }
        }
        throw new ElfException(
                "e_phoff",
                32,
                "program header table is not inside a loaded segment, so AT_PHDR would point at nothing");
    }

    private static TlsTemplate tlsTemplate(ProgramHeader t, List<ProgramHeader> loads, long bias) throws ElfException {
        if (t.filesz() > t.memsz()) {
            throw t.reject("p_filesz", "TLS p_filesz exceeds p_memsz");
        }
        if (t.align() != 0 && Long.bitCount(t.align()) != 1) {
            throw t.reject("p_align", "TLS alignment " + t.align() + " is not a power of two");
        }
        if (t.filesz() > 0
                && loads.stream()
                        .noneMatch(p -> t.vaddr() >= p.vaddr() && t.vaddr() + t.filesz() <= p.vaddr() + p.filesz())) {
            throw t.reject("p_vaddr", "TLS initialisation image is not inside a loaded segment's file bytes");
        }
        return new TlsTemplate(t.vaddr() + bias, t.filesz(), t.memsz(), Math.max(1, t.align()));
    }

    private static boolean contains(ProgramHeader p, long bias, long address) {
        return address >= p.vaddr() + bias && address < p.vaddr() + bias + p.memsz();
    }

    private static ProgramHeader single(ProgramHeader existing, ProgramHeader ph, String what) throws ElfException {
        if (existing != null) {
            throw ph.reject("p_type", "more than one " + what);
        }
        return ph;
    }
}
