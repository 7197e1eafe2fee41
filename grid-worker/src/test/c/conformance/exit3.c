/* Exits with status 3 after flushing one line to stdout and one to stderr. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    puts("about to exit with 3");
    fputs("stderr line\n", stderr);
    exit(3);
}
