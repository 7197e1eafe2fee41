/* Floating point: arithmetic, conversions, rounding, NaN/inf, printf of doubles and floats. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double d[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1e308, 1e-308, 4.9e-324, 3.141592653589793, 2.5, -2.5, 1e16};
static volatile float f[] = {0.0f, 1.0f, -1.5f, 0.1f, 3.4e38f, 1e-45f, 16777217.0f, 2.5f};

int main(void) {
    for (unsigned i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        double x = d[i];
        printf("%.17g %a | %.17g %.17g %.17g | %lld %lld\n", x, x, x * 3.0 + 0.5, x / 7.0, sqrt(fabs(x)), (long long)x,
               (long long)llround(x));
    }
    for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        float x = f[i];
        printf("%.9g %a %.9g %.9g %d\n", x, x, x * 3.0f + 0.5f, sqrtf(x), (int)x);
    }
    volatile double zero = 0.0, inf = INFINITY;
    double nan = zero / zero;
    uint64_t bits;
    memcpy(&bits, &nan, 8);
    printf("nan %f bits %016llx inf %f %f\n", nan, (unsigned long long)bits, inf, -inf);
    printf("cmp %d %d %d %d\n", nan == nan, nan < 1.0, inf > DBL_MAX, -0.0 == 0.0);
    printf("conv %lld %lld %u %d\n", (long long)1e19, (long long)-1e19, (unsigned)-1.0f, (int)nan);
    printf("fmin %g %g fmax %g\n", fmin(nan, 1.0), fmin(-0.0, 0.0), fmax(nan, nan));
    double acc = 0;
    for (int i = 1; i <= 100000; i++) {
        acc += 1.0 / ((double)i * i);
    }
    printf("basel %.17g\n", acc);
    float facc = 0;
    for (int i = 1; i <= 1000; i++) {
        facc += 1.0f / (float)i;
    }
    printf("harmonic %.9g\n", facc);
    return 0;
}
