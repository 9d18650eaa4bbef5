/* hash64.c - i64 arithmetic: splitmix64 generates a buffer, then an
 * FNV-1a-64 / murmur-style mix hashes it several times. run(n) hashes n
 * KiB and returns the low 32 bits of the final hash. */
#include <stdint.h>

#define MAXWORDS (1u << 20)
static uint64_t buf[MAXWORDS];

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t mix(uint64_t h, uint64_t k) {
    k *= 0x87c37b91114253d5ull;
    k = (k << 31) | (k >> 33);
    k *= 0x4cf5ad432745937full;
    h ^= k;
    h = (h << 27) | (h >> 37);
    return h * 5 + 0x52dce729;
}

__attribute__((export_name("run"), noinline)) uint32_t run(uint32_t kib) {
    uint32_t words = kib * 128;
    if (words > MAXWORDS) words = MAXWORDS;
    uint64_t seed = 42;
    for (uint32_t i = 0; i < words; i++) buf[i] = splitmix(&seed);
    uint64_t h = 0xcbf29ce484222325ull;
    for (int round = 0; round < 8; round++) {
        for (uint32_t i = 0; i < words; i++) {
            h = mix(h, buf[i]);
            h ^= (h >> 29) * 0x100000001b3ull;
        }
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* bench() is run(1024), 1 MiB: the same work without arguments, for
 * runners that cannot pass any (wabt's wasm-interp --run-all-exports). */
__attribute__((export_name("bench"))) uint32_t bench(void) { return (uint32_t)run(1024); }
