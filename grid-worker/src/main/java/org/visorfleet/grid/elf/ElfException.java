package org.visorfleet.grid.elf;

/**
 * An executable that the sandbox refuses to load. The message names the offending field, its file
 * offset and the reason, e.g. {@code e_machine at 0x12: 62 is not EM_RISCV (243)}.
 */
public final class ElfException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final long offset;
    private final String reason;

    ElfException(String field, long offset, String reason) {
        super(field + " at 0x" + Long.toHexString(offset) + ": " + reason);
        this.field = field;
        this.offset = offset;
        this.reason = reason;
    }

    /** The ELF field (or structure) that failed validation, e.g. {@code p_filesz[2]}. */
    public String field() {
        return field;
    }

    /** File offset of that field. */
    public long offset() {
        return offset;
    }

    /** Human-readable reason without the field and offset prefix. */
    public String reason() {
        return reason;
    }
}
