/*
 * The demo's grid work unit: "primes N" counts the primes in [N * 1000000, (N + 1) * 1000000) by
 * trial division and prints "unit N: K primes in [FROM, TO)". Freestanding (no C library), so the
 * binary stays a few KiB. installer/build-demo-program.sh builds it with Debian's cross compiler into
 * src/main/resources/org/visorfleet/cli/demo/primes.elf; DemoProgramTest checks the two agree.
 */
typedef unsigned long u64;

static long syscall3(long number, long a, long b, long c) {
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = number;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

enum { SYS_WRITE = 64, SYS_EXIT = 93 };

static void print(const char *text, long length) {
    syscall3(SYS_WRITE, 1, (long)text, length);
}

static int is_prime(u64 n) {
    if (n < 2) return 0;
    if (n % 2 == 0) return n == 2;
    for (u64 d = 3; d * d <= n; d += 2) {
        if (n % d == 0) return 0;
    }
    return 1;
}

static char *decimal(char *at, u64 value) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) *at++ = digits[--n];
    return at;
}

static char *text(char *at, const char *s) {
    while (*s) *at++ = *s++;
    return at;
}

long run(long argc, char **argv) {
    if (argc < 2) {
        print("usage: primes N\n", 16);
        return 2;
    }
    u64 unit = 0;
    for (const char *p = argv[1]; *p; p++) {
        if (*p < '0' || *p > '9') {
            print("N must be a number\n", 19);
            return 2;
        }
        unit = unit * 10 + (u64)(*p - '0');
    }
    u64 from = unit * 1000000, to = from + 1000000, count = 0;
    for (u64 n = from; n < to; n++) count += is_prime(n);
    char line[128];
    char *at = text(line, "unit ");
    at = decimal(at, unit);
    at = text(at, ": ");
    at = decimal(at, count);
    at = text(at, " primes in [");
    at = decimal(at, from);
    at = text(at, ", ");
    at = decimal(at, to);
    at = text(at, ")\n");
    print(line, at - line);
    return 0;
}

/* The kernel leaves argc at sp and argv right after it. */
__asm__(".globl _start\n"
        "_start:\n"
        "  ld a0, 0(sp)\n"
        "  addi a1, sp, 8\n"
        "  call run\n"
        "  li a7, 93\n"
        "  ecall\n");
