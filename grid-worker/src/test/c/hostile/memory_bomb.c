/* Allocates 1 MiB blocks and touches every page until malloc fails, then reports; the memory cap
 * must turn this into ENOMEM (or a clean memory-limit stop), never host memory exhaustion. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    unsigned long total = 0;
    for (;;) {
        char *p = malloc(1 << 20);
        if (p == NULL) break;
        for (int i = 0; i < (1 << 20); i += 4096) p[i] = 1;
        total += 1 << 20;
    }
    printf("allocated %lu MiB before malloc failed\n", total >> 20);
    return 0;
}
