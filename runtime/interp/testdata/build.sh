#!/bin/sh
# Rebuilds the interpreter's test modules from their .wat sources (wabt),
# with function names kept for backtraces.
set -e
cd "$(dirname "$0")"
for f in *.wat; do wat2wasm --debug-names "$f" -o "${f%.wat}.wasm"; done
