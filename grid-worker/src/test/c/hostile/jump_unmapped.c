/* Calls a function pointer into unmapped memory: an instruction fetch fault. */
int main(void) {
    void (*volatile f)(void) = (void (*)(void))0x1234560;
    f();
    return 0;
}
