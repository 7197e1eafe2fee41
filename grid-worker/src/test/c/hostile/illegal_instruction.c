/* Executes the all-zero word, which is defined to be illegal in RISC-V. */
int main(void) {
    __asm__ volatile(".word 0");
    return 0;
}
