/*
 * Freestanding test executable for the ELF loader (no libc). Built twice:
 *   riscv64-linux-gnu-gcc -nostdlib -static -O2 -s -Wl,--build-id=none,--no-relax minimal.c -o exec-min.elf
 *   riscv64-linux-gnu-gcc -nostdlib -static-pie -fPIE -Wl,--no-dynamic-linker -O2 -s -Wl,--build-id=none,--no-relax minimal.c -o pie-min.elf
 * The pointer table makes the static-pie carry R_RISCV_RELATIVE relocations; nothing here
 * self-relocates, so the pie prints correctly only if the loader applied them. Writes
 * "first\nsecond\n" and exits 7.
 */
static const char first[] = "first\n";
static const char second[] = "second\n";
const char *volatile table[2] = {first, second};
__attribute__((used)) __thread long thread_value = 42;

static long sys3(long n, long a, long b, long c) {
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    register long a7 asm("a7") = n;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

void _start(void) {
    sys3(64, 1, (long) table[0], 6);
    sys3(64, 1, (long) table[1], 7);
    sys3(93, 7, 0, 0);
    for (;;) {
    }
}
