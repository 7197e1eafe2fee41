/* C11 atomics on 32- and 64-bit words: compile to AMO*.W/D and LR/SC loops. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

/* GCC 12 has no __atomic_fetch_max, so the AMO min/max instructions are written out. */
static int32_t amomax_w(int32_t *p, int32_t v) {
    int32_t old;
    __asm__ volatile("amomax.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
    return old;
}
static int32_t amomin_w(int32_t *p, int32_t v) {
    int32_t old;
    __asm__ volatile("amomin.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
    return old;
}
static uint64_t amomaxu_d(uint64_t *p, uint64_t v) {
    uint64_t old;
    __asm__ volatile("amomaxu.d %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
    return old;
}

int main(void) {
    _Atomic int32_t a32 = 5;
    _Atomic int64_t a64 = -5;
    _Atomic uint32_t u32 = 0xf0f0f0f0u;
    uint64_t trace = 0;
    for (int i = 0; i < 1000; i++) {
        trace = trace * 31 + (uint64_t)atomic_fetch_add(&a32, i);
        trace = trace * 31 + (uint64_t)atomic_fetch_sub(&a64, 3 * i);
        trace = trace * 31 + atomic_fetch_xor(&u32, (uint32_t)i * 2654435761u);
        trace = trace * 31 + atomic_fetch_or(&u32, 1u << (i % 32));
        trace = trace * 31 + atomic_fetch_and(&u32, ~(1u << ((i + 7) % 32)));
        int32_t expected = atomic_load(&a32);
        trace = trace * 31 + (uint64_t)atomic_compare_exchange_strong(&a32, &expected, expected ^ i);
        int64_t wrong = 12345;
        trace = trace * 31 + (uint64_t)atomic_compare_exchange_strong(&a64, &wrong, 0) + (uint64_t)wrong;
        trace = trace * 31 + (uint64_t)atomic_exchange(&a64, atomic_load(&a64) * 3 + 1);
    }
    int32_t m = 0;
    trace += (uint64_t)amomax_w(&m, 17);
    trace += (uint64_t)amomin_w(&m, -3);
    uint64_t um = 1;
    trace += amomaxu_d(&um, UINT64_MAX);
    printf("a32 %d a64 %lld u32 %08x max/min %d umax %llx trace %016llx\n", (int)atomic_load(&a32), (long long)atomic_load(&a64),
           (unsigned)atomic_load(&u32), (int)m, (unsigned long long)um, (unsigned long long)trace);
    return 0;
}
