/* matmul.c - f64 arithmetic: C = A x B for n x n matrices (n up to 512),
 * ikj loop order. run(n) returns a checksum of C. */
#include <stdint.h>

#define MAXN 512
static double a[MAXN * MAXN], b[MAXN * MAXN], c[MAXN * MAXN];


__attribute__((export_name("run"), noinline)) uint32_t run(uint32_t n) {
    if (n > MAXN) n = MAXN;
    for (uint32_t i = 0; i < n * n; i++) {
        a[i] = (double)(i % 17) * 0.25 - 1.0;
        b[i] = (double)(i % 13) * 0.5 + 0.125;
    }
    for (uint32_t i = 0; i < n; i++) {
        /* The k = 0 term initialises the row (a zeroing loop would become a memset call). */
        for (uint32_t j = 0; j < n; j++) c[i * n + j] = a[i * n] * b[j];
        for (uint32_t k = 1; k < n; k++) {
            double aik = a[i * n + k];
            for (uint32_t j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    }
    double sum = 0.0;
    for (uint32_t i = 0; i < n * n; i++) sum += c[i] * (double)((i & 7) + 1);
    return (uint32_t)(int64_t)sum;
}

/* bench() is run(160), 160 x 160: the same work without arguments, for
 * runners that cannot pass any (wabt's wasm-interp --run-all-exports). */
__attribute__((export_name("bench"))) uint32_t bench(void) { return (uint32_t)run(160); }
