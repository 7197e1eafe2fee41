/* Never ends: the instruction budget must stop it. */
int main(void) {
    volatile unsigned long n = 0;
    for (;;) n++;
}
