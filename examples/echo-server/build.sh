#!/usr/bin/env bash
# Builds echo-server.wasm from echo-server.c (clang-16 + wasi-libc, Debian 12):
#   apt-get install -y clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32
# Compiled with -O2, linked without -O (clang would run wasm-opt if on PATH), debug info stripped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CLANG=${CLANG:-clang-16}
LLVM_OBJCOPY=${LLVM_OBJCOPY:-llvm-objcopy-16}
name=echo-server
"$CLANG" --target=wasm32-wasi -mcpu=mvp -O2 -Wall -Wextra -I../include -c "$name.c" -o "/tmp/$name.o"
"$CLANG" --target=wasm32-wasi -mcpu=mvp "/tmp/$name.o" -o "$name.wasm"
"$LLVM_OBJCOPY" --strip-debug "$name.wasm"
rm -f "/tmp/$name.o"
echo "built $name.wasm ($(wc -c <"$name.wasm") bytes)"
