#!/usr/bin/env bash
# Builds the test programs of tests/net (see examples/echo-server/build.sh for the flags).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CLANG=${CLANG:-clang-16}
LLVM_OBJCOPY=${LLVM_OBJCOPY:-llvm-objcopy-16}
for name in accept_once epoll_check; do
  "$CLANG" --target=wasm32-wasi -mcpu=mvp -O2 -Wall -Wextra -c "$name.c" -o "/tmp/$name.o"
  "$CLANG" --target=wasm32-wasi -mcpu=mvp "/tmp/$name.o" -o "$name.wasm"
  "$LLVM_OBJCOPY" --strip-debug "$name.wasm"
  rm -f "/tmp/$name.o"
done
