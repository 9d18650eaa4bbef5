#!/bin/sh
# Builds the compute kernels the interpreter benchmark runs (no libc, no WASI:
# each exports `bench()`, so wabt's wasm-interp can run it with --run-all-exports).
set -e
cd "$(dirname "$0")"
for k in fib sieve hash64 matmul; do
  clang-16 --target=wasm32 -O2 -mcpu=mvp -nostdlib -fno-builtin -Wl,--no-entry -o "$k.wasm" "$k.c"
done
clang-16 --target=wasm32 -O2 -msimd128 -nostdlib -fno-builtin -Wl,--no-entry -o simd.wasm simd.c
