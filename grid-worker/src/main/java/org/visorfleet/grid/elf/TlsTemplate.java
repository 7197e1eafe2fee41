package org.visorfleet.grid.elf;

/**
 * The PT_TLS initialisation image: {@code filesz} bytes at {@code vaddr} (inside a load segment),
 * then {@code memsz - filesz} zero bytes, aligned to {@code align}. Static glibc finds this itself
 * through AT_PHDR; the runner only needs it for diagnostics or a libc-less program.
 */
public record TlsTemplate(long vaddr, long filesz, long memsz, long align) {}
