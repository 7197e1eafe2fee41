/* Unbounded recursion with a stack frame the compiler cannot drop: runs off the stack mapping. */
#include <stdio.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"

static int depth(volatile char *prev, int n) {
    volatile char frame[256];
    frame[0] = (char)n;
    frame[255] = prev ? prev[0] : 0;
    return depth(frame, n + 1) + frame[1];
}

int main(void) {
    printf("%d\n", depth(NULL, 0));
    return 0;
}
