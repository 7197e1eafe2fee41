/* Reads input.txt by name and all of stdin; prints sizes and FNV-1a checksums; writes out.txt. */
#include <stdint.h>
#include <stdio.h>

static uint64_t fnv(FILE *f, long *size) {
    uint64_t h = 1469598103934665603ULL;
    int c;
    *size = 0;
    while ((c = getc(f)) != EOF) {
        h = (h ^ (unsigned char)c) * 1099511628211ULL;
        ++*size;
    }
    return h;
}

int main(void) {
    FILE *in = fopen("input.txt", "r");
    if (in == NULL) {
        perror("input.txt");
        return 2;
    }
    long n1, n2;
    uint64_t h1 = fnv(in, &n1);
    fseek(in, 3, SEEK_SET);
    int fourth = getc(in);
    fclose(in);
    uint64_t h2 = fnv(stdin, &n2);
    printf("input.txt %ld bytes fnv %016llx fourth '%c'\n", n1, (unsigned long long)h1, fourth);
    printf("stdin %ld bytes fnv %016llx\n", n2, (unsigned long long)h2);
    printf("missing: %s\n", fopen("absent.txt", "r") == NULL ? "not found" : "found?");
    FILE *out = fopen("out.txt", "w");
    if (out == NULL) {
        perror("out.txt");
        return 3;
    }
    fprintf(out, "%016llx\n", (unsigned long long)(h1 ^ h2));
    fclose(out);
    fprintf(stderr, "done\n");
    return 0;
}
