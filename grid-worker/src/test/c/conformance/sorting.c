/* qsort of integers, doubles and strings; bsearch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    enum { N = 100000 };
    static int v[N];
    static double w[N];
    unsigned s = 1;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = (int)(s >> 1) - (1 << 30);
        w[i] = (double)(s % 100003) / 7.0 - 5000.0;
    }
    qsort(v, N, sizeof v[0], cmp_int);
    qsort(w, N, sizeof w[0], cmp_dbl);
    long long h = 0;
    for (int i = 0; i < N; i++) h = h * 31 + v[i];
    printf("ints: min %d max %d median %d hash %lld\n", v[0], v[N - 1], v[N / 2], h);
    printf("doubles: min %.17g max %.17g median %.17g\n", w[0], w[N - 1], w[N / 2]);
    int key = v[777];
    int *found = bsearch(&key, v, N, sizeof v[0], cmp_int);
    printf("bsearch %ld\n", found ? (long)(found - v) >= 0 : -1L);
    char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape", "kiwi", "lemon"};
    qsort(words, 10, sizeof words[0], cmp_str);
    for (int i = 0; i < 10; i++) printf("%s%c", words[i], i == 9 ? '\n' : ' ');
    return 0;
}
