/* Prints argc and argv[1..] (argv[0] depends on how the program is started). */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
