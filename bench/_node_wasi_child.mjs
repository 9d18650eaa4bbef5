// Child of bench/wasi_syscalls.ts for Node's own node:wasi (uvwasi, in C):
//   node _node_wasi_child.mjs MODULE.wasm PREOPEN_DIR ARGS...
// Prints the milliseconds `wasi.start` took (the loop, without startup).
import { openSync, readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [file, dir, ...args] = process.argv.slice(2);
const stdout = openSync("/dev/null", "w");
const wasi = new WASI({
  version: "preview1",
  args,
  preopens: { "/d": dir },
  returnOnExit: true,
  stdout,
});
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const t = performance.now();
const code = wasi.start(instance);
const ms = performance.now() - t;
if (code !== 0) process.exit(code);
console.log(ms.toFixed(3));
