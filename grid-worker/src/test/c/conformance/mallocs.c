/* malloc/realloc/free over many sizes: exercises brk, mmap (>128 KiB), munmap and mremap.
 * Prints "mismatches 0" when every block kept its contents through realloc and reuse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static size_t stride(size_t len) { return len > 65536 ? 4093 : 1; } /* big blocks: touch each page once */

static void fill(unsigned char *p, size_t from, size_t to, int slot) {
    for (size_t i = from; i < to; i += stride(to)) p[i] = (unsigned char)(slot + i);
}

int main(void) {
    enum { SLOTS = 512 };
    static unsigned char *p[SLOTS];
    static size_t len[SLOTS];
    uint64_t state = 12345, mismatches = 0, big = 0;
    for (int round = 0; round < 8000; round++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        int slot = (int)((state >> 33) % SLOTS);
        size_t size = (state >> 20) % 16 == 0 ? (size_t)((state >> 40) % (3u << 20)) : (size_t)((state >> 40) % 2000);
        big += size > (128u << 10);
        if (p[slot] != NULL) {
            for (size_t i = 0; i < len[slot]; i += stride(len[slot])) {
                mismatches += p[slot][i] != (unsigned char)(slot + i);
            }
            if ((state >> 10) % 3 == 0) {
                p[slot] = realloc(p[slot], size + 1);
                if (p[slot] == NULL) {
                    printf("realloc failed at %d\n", round);
                    return 1;
                }
                fill(p[slot], 0, size + 1, slot);
                len[slot] = size + 1;
                continue;
            }
            free(p[slot]);
        }
        p[slot] = malloc(size + 1);
        if (p[slot] == NULL) {
            printf("malloc failed at %d\n", round);
            return 1;
        }
        len[slot] = size + 1;
        fill(p[slot], 0, len[slot], slot);
    }
    for (int i = 0; i < SLOTS; i++) free(p[i]);
    char *huge = calloc(1, 64u << 20);
    printf("calloc 64MiB %s, zero %d\n", huge ? "ok" : "failed", huge ? huge[12345678] : -1);
    free(huge);
    printf("big blocks %llu mismatches %llu\n", (unsigned long long)big, (unsigned long long)mismatches);
    return 0;
}
