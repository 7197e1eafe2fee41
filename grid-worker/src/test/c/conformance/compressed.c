/* Branchy integer code; built twice (rv64gc default, and -march=rv64g) to compare C and non-C decoding. */
#include <stdint.h>
#include <stdio.h>

static uint32_t collatz_steps(uint64_t n) {
    uint32_t steps = 0;
    while (n != 1) {
        n = (n & 1) ? 3 * n + 1 : n >> 1;
        steps++;
    }
    return steps;
}

int main(void) {
    uint64_t best = 0, arg = 0, total = 0;
    for (uint64_t n = 1; n < 300000; n++) {
        uint32_t s = collatz_steps(n);
        total += s;
        if (s > best) {
            best = s;
            arg = n;
        }
    }
    uint8_t sieve[10000] = {0};
    unsigned primes = 0;
    for (unsigned i = 2; i < sizeof sieve; i++) {
        if (!sieve[i]) {
            primes++;
            for (unsigned j = i * i; j < sizeof sieve; j += i) sieve[j] = 1;
        }
    }
    printf("collatz best %llu at %llu total %llu primes %u\n", (unsigned long long)best, (unsigned long long)arg,
           (unsigned long long)total, primes);
    return 0;
}
