#!/usr/bin/env bash
# Rebuild the WASI test programs in this directory.
#
#   tests/wasi/build.sh             # everything
#   tests/wasi/build.sh files dirs  # some programs
#
# C programs are built as tests/fixtures/build.sh builds the fixtures (see its
# notes): clang-16 --target=wasm32-wasi -mcpu=mvp -O2, compiled with -c and
# linked without -O (so clang never runs a wasm-opt found on PATH), DWARF
# stripped with llvm-objcopy-16. The preview0 program is hand-written WAT
# (wasi-libc only targets preview1), assembled with wabt's wat2wasm.
#
# Toolchain (Debian 12 / bookworm):
#   apt-get install -y clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32 wabt
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CLANG=${CLANG:-clang-16}
LLVM_OBJCOPY=${LLVM_OBJCOPY:-llvm-objcopy-16}
WAT2WASM=${WAT2WASM:-wat2wasm}
for tool in "$CLANG" "$LLVM_OBJCOPY" "$WAT2WASM"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: $tool not found; install with:" >&2
        echo "  apt-get install -y clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32 wabt" >&2
        exit 1
    fi
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# c NAME: NAME.c (+ common.h) -> NAME.wasm
c() {
    local name=$1
    "$CLANG" --target=wasm32-wasi -mcpu=mvp -O2 -Wall -Wextra -Werror -c "$name.c" -o "$TMP/$name.o"
    "$CLANG" --target=wasm32-wasi "$TMP/$name.o" -o "$TMP/$name.wasm"
    "$LLVM_OBJCOPY" --wildcard --remove-section='.debug_*' "$TMP/$name.wasm" "$name.wasm"
    chmod 644 "$name.wasm"
    printf '  %-24s %8d bytes\n' "$name.wasm" "$(wc -c <"$name.wasm")"
}

# wat NAME: NAME.wat -> NAME.wasm
wat() {
    "$WAT2WASM" "$1.wat" -o "$1.wasm"
    printf '  %-24s %8d bytes\n' "$1.wasm" "$(wc -c <"$1.wasm")"
}

C_PROGRAMS=(args_env stdio exit files dirs fsops clocks_poll abi bench_syscalls)
WAT_PROGRAMS=(preview0)
if [[ $# -gt 0 ]]; then WANT=("$@"); else WANT=("${C_PROGRAMS[@]}" "${WAT_PROGRAMS[@]}"); fi

echo "Building WASI test programs with $("$CLANG" --version | head -n1)"
for name in "${WANT[@]}"; do
    if [[ -f "$name.c" ]]; then c "$name"
    elif [[ -f "$name.wat" ]]; then wat "$name"
    else echo "error: no $name.c or $name.wat" >&2; exit 1
    fi
done
