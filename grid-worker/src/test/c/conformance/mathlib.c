/* libm: results must be bit-identical, since the same static libm runs in both places. */
#include <math.h>
#include <stdio.h>

int main(void) {
    static const double xs[] = {-3.5, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 2.0, 3.14159, 10.0, 100.5, 1e-5};
    for (unsigned i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
        double x = xs[i];
        printf("x=%.17g sin %a cos %a tan %a exp %a log %a log2 %a\n", x, sin(x), cos(x), tan(x), exp(x), log(fabs(x)),
               log2(fabs(x)));
        printf("  pow %a sqrt %a cbrt %a fma %a lgamma %a tgamma %a\n", pow(fabs(x), 1.0 / 3.0), sqrt(fabs(x)), cbrt(x),
               fma(x, x, -1.0), lgamma(x), tgamma(x));
        printf("  atan2 %a hypot %a erf %a floor %g ceil %g round %g trunc %g rint %g\n", atan2(x, 1.5), hypot(x, 2.0), erf(x),
               floor(x), ceil(x), round(x), trunc(x), rint(x));
        printf("  sinf %a expf %a logf %a powf %a\n", sinf((float)x), expf((float)x), logf(fabsf((float)x) + 1.0f),
               powf(2.0f, (float)x));
    }
    return 0;
}
