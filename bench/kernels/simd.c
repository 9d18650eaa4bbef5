/* simd.c - SIMD: a 4-lane f32 Mandelbrot over a grid, with explicit
 * wasm_simd128.h intrinsics. run(size) returns the sum of iteration counts. */
#include <stdint.h>
#include <wasm_simd128.h>

__attribute__((export_name("run"), noinline)) uint32_t run(uint32_t size) {
    const int maxIter = 64;
    uint32_t total = 0;
    for (uint32_t y = 0; y < size; y++) {
        float ci = -1.5f + 3.0f * (float)y / (float)size;
        for (uint32_t x = 0; x < size; x += 4) {
            float step = 3.0f / (float)size;
            float x0 = -2.0f + step * (float)x;
            v128_t cr = wasm_f32x4_make(x0, x0 + step, x0 + 2 * step, x0 + 3 * step);
            v128_t civ = wasm_f32x4_splat(ci);
            v128_t zr = wasm_f32x4_splat(0.0f), zi = wasm_f32x4_splat(0.0f);
            v128_t iters = wasm_i32x4_splat(0);
            v128_t four = wasm_f32x4_splat(4.0f);
            for (int k = 0; k < maxIter; k++) {
                v128_t zr2 = wasm_f32x4_mul(zr, zr), zi2 = wasm_f32x4_mul(zi, zi);
                v128_t inside = wasm_f32x4_le(wasm_f32x4_add(zr2, zi2), four);
                if (!wasm_v128_any_true(inside)) break;
                iters = wasm_i32x4_sub(iters, inside); /* inside lanes are -1 */
                v128_t zri = wasm_f32x4_mul(zr, zi);
                zr = wasm_f32x4_add(wasm_f32x4_sub(zr2, zi2), cr);
                zi = wasm_f32x4_add(wasm_f32x4_add(zri, zri), civ);
            }
            total += (uint32_t)(wasm_i32x4_extract_lane(iters, 0) + wasm_i32x4_extract_lane(iters, 1) +
                                wasm_i32x4_extract_lane(iters, 2) + wasm_i32x4_extract_lane(iters, 3));
        }
    }
    return total;
}

/* bench() is run(512), a 512 x 512 grid: the same work without arguments, for
 * runners that cannot pass any (wabt's wasm-interp --run-all-exports). */
__attribute__((export_name("bench"))) uint32_t bench(void) { return (uint32_t)run(512); }
