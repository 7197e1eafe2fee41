/* Sandbox only: clocks, getrandom, pids, uname. Under our sandbox every run prints the same;
 * under qemu it differs from run to run, so it is not a qemu-comparison program. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    struct timespec rt, mono;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    unsigned char r[16];
    long got = getrandom(r, sizeof r, 0);
    struct utsname u;
    uname(&u);
    printf("realtime %lld.%09ld monotonic %lld.%09ld tv %lld.%06ld time %lld\n", (long long)rt.tv_sec, rt.tv_nsec,
           (long long)mono.tv_sec, mono.tv_nsec, (long long)tv.tv_sec, (long)tv.tv_usec, (long long)time(NULL));
    printf("getrandom %ld:", got);
    for (int i = 0; i < 16; i++) printf(" %02x", r[i]);
    printf("\nrand %d pid %d ppid %d uid %d\n", rand(), (int)getpid(), (int)getppid(), (int)getuid());
    printf("uname %s %s %s %s\n", u.sysname, u.nodename, u.release, u.machine);
    char exe[256] = {0};
    readlink("/proc/self/exe", exe, sizeof exe - 1);
    printf("exe %s\n", exe);
    return 0;
}
