/**
 * A real, large WASI program on kwasm's WASI: CRuby 3.4 (ruby.wasm, 30 MB
 * with its standard library packed in by wasi-vfs) running a Ruby script
 * that reads and writes files in a preopened directory.
 *
 *     deno cache npm:@ruby/3.4-wasm-wasi@2.10.1     # once: fetches ruby+stdlib.wasm
 *     deno run -A tests/wasi/ruby/run.ts SCRIPT.rb DIR   # DIR is preopened as /work
 *
 * ruby.wasm is a reactor made for a JavaScript embedder: besides WASI it
 * imports `rb-js-abi-host` (Ruby's `JS` bridge, stubbed here to trap: the
 * script does not use it) and `canonical_abi` resource handles, and exports
 * `ruby-init`, `ruby-init-loadpath` and `rb-eval-string-protect` in the
 * (pre-component-model) canonical ABI: strings and lists are `(ptr, len)`
 * pairs in guest memory allocated with its `cabi_realloc`. This file is
 * that embedder, in a few lines.
 *
 * @module
 */

import { createWasi, type WasiOptions } from "../../../wasi/mod.ts";

/** The package and file this runner uses. */
export const RUBY_PACKAGE = "@ruby/3.4-wasm-wasi@2.10.1";

/** Where `deno cache npm:@ruby/3.4-wasm-wasi@2.10.1` puts ruby+stdlib.wasm, or `$KWASM_RUBY_WASM`. */
export function rubyWasmPath(): string | null {
  const explicit = Deno.env.get("KWASM_RUBY_WASM");
  const home = Deno.env.get("HOME") ?? "";
  const denoDir = Deno.env.get("DENO_DIR") ?? `${home}/.cache/deno`;
  const cached =
    `${denoDir}/npm/registry.npmjs.org/@ruby/3.4-wasm-wasi/2.10.1/dist/ruby+stdlib.wasm`;
  for (const p of explicit ? [explicit] : [cached]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not there
    }
  }
  return null;
}

type Exports = Record<string, (...args: number[]) => number> & { memory: WebAssembly.Memory };

/** Evaluates `source` with CRuby on kwasm's WASI; returns Ruby's eval state (0: no exception). */
export async function runRuby(
  wasm: string | WebAssembly.Module,
  source: string,
  options: WasiOptions,
): Promise<number> {
  const module = typeof wasm === "string"
    ? await WebAssembly.compile(await Deno.readFile(wasm))
    : wasm;
  const wasi = createWasi({ args: ["ruby"], ...options });
  const handles: number[] = [0];
  const imports: WebAssembly.Imports = {
    ...(wasi.imports as unknown as WebAssembly.Imports),
    "rb-js-abi-host": {},
    canonical_abi: {
      "resource_drop_js-abi-value": () => {},
      "resource_new_rb-abi-value": (rep: number) => handles.push(rep) - 1,
      "resource_get_rb-abi-value": (handle: number) => handles[handle],
    },
  };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== "rb-js-abi-host") continue;
    imports["rb-js-abi-host"][imp.name] = () => {
      throw new Error(`the Ruby script used the JS bridge (${imp.name.split(":")[0]})`);
    };
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const ex = instance.exports as unknown as Exports;
  const dv = () => new DataView(ex.memory.buffer);
  // A NUL-terminated copy: ruby.wasm hands the argument strings to C as C strings.
  const string = (s: string): [number, number] => {
    const b = new TextEncoder().encode(s);
    const p = ex.cabi_realloc(0, 0, 1, b.length + 1);
    new Uint8Array(ex.memory.buffer).set([...b, 0], p);
    return [p, b.length];
  };
  wasi.initialize(instance);
  const args = ["ruby", "-EUTF-8", "-e_=0"].map(string);
  const list = ex.cabi_realloc(0, 0, 4, args.length * 8);
  args.forEach(([p, n], i) => {
    dv().setUint32(list + i * 8, p, true);
    dv().setUint32(list + i * 8 + 4, n, true);
  });
  ex["ruby-init: func(args: list<string>) -> ()"](list, args.length);
  ex["ruby-init-loadpath: func() -> ()"]();
  const [src, len] = string(source);
  const ret = ex["rb-eval-string-protect: func(str: string) -> tuple<handle<rb-abi-value>, s32>"](
    src,
    len,
  );
  const state = dv().getInt32(ret + 4, true);
  wasi.close();
  return state;
}

if (import.meta.main) {
  const [script, dir] = Deno.args;
  const wasm = rubyWasmPath();
  if (!script || !dir) {
    console.error("usage: deno run -A tests/wasi/ruby/run.ts SCRIPT.rb DIR");
    Deno.exit(2);
  }
  if (wasm === null) {
    console.error(`ruby.wasm not found: run \`deno cache npm:${RUBY_PACKAGE}\` first`);
    Deno.exit(1);
  }
  const state = await runRuby(wasm, Deno.readTextFileSync(script), {
    dirs: [`${dir}::/work`],
    env: { HOME: "/work" },
  });
  Deno.exit(state === 0 ? 0 : 1);
}
