/* 64-bit integer arithmetic edge cases: mul/mulh, div/rem by zero and overflow, shifts, w-ops. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static volatile int64_t vals[] = {0, 1, -1, 2, -2, 3, 7, -7, 1000000007, INT32_MAX, INT32_MIN, (int64_t)INT32_MAX + 1,
                                  INT64_MAX, INT64_MIN, INT64_MIN + 1, 0x123456789abcdefLL, -0x123456789abcdefLL};
#define N (sizeof(vals) / sizeof(vals[0]))

static int64_t divs(int64_t a, int64_t b) { int64_t r; __asm__("div %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t rems(int64_t a, int64_t b) { int64_t r; __asm__("rem %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static uint64_t divu(uint64_t a, uint64_t b) { uint64_t r; __asm__("divu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static uint64_t remu(uint64_t a, uint64_t b) { uint64_t r; __asm__("remu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t divw(int64_t a, int64_t b) { int64_t r; __asm__("divw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t remuw(int64_t a, int64_t b) { int64_t r; __asm__("remuw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t mulh(int64_t a, int64_t b) { int64_t r; __asm__("mulh %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t mulhu(int64_t a, int64_t b) { int64_t r; __asm__("mulhu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t mulhsu(int64_t a, int64_t b) { int64_t r; __asm__("mulhsu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t mulw(int64_t a, int64_t b) { int64_t r; __asm__("mulw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }

int main(void) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = 0; j < N; j++) {
            int64_t a = vals[i], b = vals[j];
            int64_t r[] = {(int64_t)((uint64_t)a * (uint64_t)b), mulh(a, b), mulhu(a, b), mulhsu(a, b), mulw(a, b),
                           divs(a, b), rems(a, b), (int64_t)divu(a, b), (int64_t)remu(a, b), divw(a, b), remuw(a, b),
                           (int64_t)((uint64_t)a << (b & 63)), a >> (b & 63), (int64_t)((uint64_t)a >> (b & 63)),
                           (int32_t)((uint32_t)a << (b & 31)), a < b, (uint64_t)a < (uint64_t)b};
            for (unsigned k = 0; k < sizeof(r) / sizeof(r[0]); k++) {
                h = (h ^ (uint64_t)r[k]) * 1099511628211ULL;
            }
            if (j == i) {
                printf("%" PRId64 " / %" PRId64 ": div %" PRId64 " rem %" PRId64 " mulh %" PRId64 " mulhu %" PRIu64 "\n", a, b,
                       divs(a, b), rems(a, b), mulh(a, b), (uint64_t)mulhu(a, b));
            }
        }
        printf("div0 %" PRId64 ": %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64 "\n", vals[i], divs(vals[i], 0), rems(vals[i], 0),
               divu(vals[i], 0), remu(vals[i], 0));
    }
    printf("overflow: %" PRId64 " %" PRId64 " %" PRId64 "\n", divs(INT64_MIN, -1), rems(INT64_MIN, -1), divw(INT32_MIN, -1));
    printf("hash %016" PRIx64 "\n", h);
    return 0;
}
