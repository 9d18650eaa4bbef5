#!/usr/bin/env bash
# Rebuild the compute kernels (bench/kernels/*.c → *.wasm): pure compute, no
# libc, no imports. Each exports `run(n)` (bench/singlepass.ts picks n) and
# `bench()`, a fixed-size run(n) that wabt's `wasm-interp --run-all-exports`
# can call (bench/interp.ts). Same toolchain and reproducibility rules as
# tests/fixtures/build.sh: compile with -O2, link without -O (so clang does
# not run wasm-opt behind our back), MVP CPU except for the SIMD kernel.
#
#   bench/kernels/build.sh            # rebuild everything
#   bench/kernels/build.sh fib simd   # rebuild some
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CLANG=${CLANG:-clang-16}
command -v "$CLANG" >/dev/null || {
    echo "error: $CLANG not found (apt-get install clang-16 lld-16)" >&2
    exit 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# build NAME CFLAGS...
build() {
    local name=$1
    shift
    "$CLANG" --target=wasm32 -nostdlib "$@" -Wall -Wextra -c "$name.c" -o "$TMP/$name.o"
    "$CLANG" --target=wasm32 -nostdlib -Wl,--no-entry "$TMP/$name.o" -o "$name.wasm"
    chmod 644 "$name.wasm"
    printf '  %-16s %7d bytes\n' "$name.wasm" "$(wc -c <"$name.wasm")"
}

ALL=(fib sieve hash64 matmul simd)
WANT=("${@:-${ALL[@]}}")
for name in "${WANT[@]}"; do
    case $name in
    simd) build simd -O2 -msimd128 ;;
    sieve) build sieve -O2 -mcpu=mvp -mbulk-memory ;; # the clearing loop becomes memory.fill
    fib | hash64 | matmul) build "$name" -O2 -mcpu=mvp ;;
    *)
        echo "error: unknown kernel '$name' (known: ${ALL[*]})" >&2
        exit 1
        ;;
    esac
done
