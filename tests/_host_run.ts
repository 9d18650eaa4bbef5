/**
 * Test helper: runs a WASI command module on the host engine (V8, through
 * Deno's `node:wasi`), untouched by kwasm, and exits with the guest's exit
 * code. Used as a reference to compare kwasm's output with.
 *
 *     deno run -A tests/_host_run.ts FILE.wasm [ARGS...]
 *
 * @module
 */
import { WASI } from "node:wasi";

if (import.meta.main) {
  const [file, ...args] = Deno.args;
  // argv[0] is fixed so that the same program run from two paths prints the same.
  const wasi = new WASI({ version: "preview1", args: ["guest", ...args], returnOnExit: true });
  const module = await WebAssembly.compile(await Deno.readFile(file));
  const instance = await WebAssembly.instantiate(
    module,
    wasi.getImportObject() as WebAssembly.Imports,
  );
  Deno.exit(wasi.start(instance));
}
