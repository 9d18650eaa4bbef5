/* sieve.c - memory loops: the sieve of Eratosthenes over a byte array, then a
 * strided checksum pass. run(n) returns the number of primes below n (n up
 * to 16M) mixed with the checksum. */
#include <stdint.h>

#define MAX (16u << 20)
static uint8_t composite[MAX];

__attribute__((export_name("run"), noinline)) uint32_t run(uint32_t n) {
    if (n > MAX) n = MAX;
    for (uint32_t i = 0; i < n; i++) composite[i] = 0;
    uint32_t count = 0;
    for (uint32_t i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        for (uint64_t j = (uint64_t)i * i; j < n; j += i) composite[j] = 1;
    }
    uint32_t sum = 0;
    for (uint32_t stride = 1; stride < 64; stride *= 2)
        for (uint32_t i = 0; i < n; i += stride) sum = sum * 31u + composite[i];
    return count ^ sum;
}

/* bench() is run(1u << 20), the primes below 1M: the same work without arguments, for
 * runners that cannot pass any (wabt's wasm-interp --run-all-exports). */
__attribute__((export_name("bench"))) uint32_t bench(void) { return (uint32_t)run(1u << 20); }
