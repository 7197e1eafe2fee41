/*
 * A grid work unit for the end-to-end tests: unit N counts the primes up to 20000 * (N + 1) with a
 * sieve, labels its report with the first line of its input file table.txt, and writes the report to
 * out.txt. With a second argument "spin", it first burns that many million loop iterations (for the
 * suspension test, which needs a unit that runs for a few seconds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s N [MILLIONS]\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]);
    volatile unsigned long spin = 0;
    if (argc > 2) {
        long rounds = atol(argv[2]) * 1000000L;
        for (long i = 0; i < rounds; i++) spin += i ^ (spin >> 3);
    }
    long limit = 20000 * (n + 1);
    char *composite = calloc(limit + 1, 1);
    if (!composite) {
        perror("calloc");
        return 1;
    }
    long count = 0, sum = 0;
    for (long i = 2; i <= limit; i++) {
        if (!composite[i]) {
            count++;
            sum += i;
            for (long j = i * i; j <= limit; j += i) composite[j] = 1;
        }
    }
    char label[64] = "no-table";
    FILE *table = fopen("table.txt", "r");
    if (table) {
        if (!fgets(label, sizeof label, table)) strcpy(label, "empty-table");
        fclose(table);
        label[strcspn(label, "\n")] = 0;
    }
    FILE *out = fopen("out.txt", "w");
    if (!out) {
        perror("out.txt");
        return 1;
    }
    fprintf(out, "%s unit %ld: %ld primes up to %ld, sum %ld\n", label, n, count, limit, sum);
    fclose(out);
    printf("unit %ld: %ld primes\n", n, count);
    return 0;
}
