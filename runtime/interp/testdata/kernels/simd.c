// SIMD: f32x4 multiply-add and i32x4 integer mixing over arrays.
#include <wasm_simd128.h>
#define N 4096
static float x[N], y[N];
static int u[N];
__attribute__((export_name("bench"))) int bench(void) {
  for (int i = 0; i < N; i++) {
    x[i] = (float)i * 0.5f;
    y[i] = (float)(N - i);
    u[i] = i * 2654435761u;
  }
  v128_t acc = wasm_f32x4_splat(0);
  v128_t iacc = wasm_i32x4_splat(0);
  for (int rep = 0; rep < 2500; rep++) {
    v128_t a = wasm_f32x4_splat(1.0f / (rep + 1));
    for (int i = 0; i < N; i += 4) {
      v128_t vx = wasm_v128_load(&x[i]);
      v128_t vy = wasm_v128_load(&y[i]);
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_add(vx, vy), a));
      v128_t vu = wasm_v128_load(&u[i]);
      iacc = wasm_i32x4_add(iacc, wasm_v128_xor(vu, wasm_i32x4_shl(iacc, 3)));
    }
  }
  return (int)(wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 3)) ^
         wasm_i32x4_extract_lane(iacc, 1);
}
