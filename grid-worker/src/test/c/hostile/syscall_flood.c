/* Calls getpid forever: the syscall limit must end the run. */
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    for (;;) syscall(SYS_getpid);
}
