/**
 * Test helper: runs a WASI command module on the singlepass backend, with
 * Deno's `node:wasi` as the host functions, and exits with the guest's exit
 * code — the singlepass counterpart of `tests/_host_run.ts`, so both can be
 * compared on the same fixture.
 *
 *     deno run -A runtime/singlepass/testdata/wasi_run.ts [--fuel] FILE.wasm [ARGS...]
 *
 * @module
 */
import { WASI } from "node:wasi";
import { decode } from "../../binary/decode.ts";
import type { Imports } from "../../engine.ts";
import { validate } from "../../validate/mod.ts";
import { singlepass } from "../mod.ts";

if (import.meta.main) {
  const fuel = Deno.args[0] === "--fuel";
  const [file, ...args] = fuel ? Deno.args.slice(1) : Deno.args;
  const wasi = new WASI({ version: "preview1", args: ["guest", ...args], returnOnExit: true });
  const bytes = await Deno.readFile(file);
  const module = decode(bytes);
  validate(module);
  const engine = singlepass({ cache: false, fuel });
  const instance = await engine.compile(module).instantiate(wasi.getImportObject() as Imports);
  // node:wasi reads `exports.memory` and calls `exports._start`; the instance's exports qualify.
  Deno.exit(wasi.start(instance as unknown as WebAssembly.Instance));
}
