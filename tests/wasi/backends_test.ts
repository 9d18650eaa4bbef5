/**
 * The WASI programs on kwasm's own backends under the kernel loader, the
 * same checks as on V8 (`programs_test.ts`): the interpreter suspends itself
 * on a host Promise, singlepass through JSPI (it finds the suspending imports
 * by their `kwasm.maySuspend` mark).
 */
import assert from "node:assert/strict";
import { decode } from "../../runtime/binary/decode.ts";
import { validate } from "../../runtime/validate/mod.ts";
import type { Engine, Imports } from "../../runtime/engine.ts";
import { interpEngine } from "../../runtime/interp/mod.ts";
import { singlepass } from "../../runtime/singlepass/mod.ts";
import { runKernel } from "../../runtime/loader/kernel.ts";
import { createWasi } from "../../wasi/mod.ts";
import { repoPath } from "../_fixtures.ts";
import { BytesReader, Collector, LOADER_PROGRAMS as programs } from "./_run.ts";

const engines: [string, () => Engine][] = [
  ["interp", () => interpEngine()],
  ["singlepass", () => singlepass({ cache: false })],
];

for (const [engineName, engine] of engines) {
  for (const p of programs) {
    Deno.test(`${engineName} (kernel loader) runs the WASI program ${p.name}`, async () => {
      const dir = Deno.makeTempDirSync({ prefix: "kwasm-wasi-" });
      const out = new Collector();
      const wasi = createWasi({
        args: p.args,
        dirs: [`${dir}::/sandbox`],
        stdout: out,
        stderr: out,
        stdin: new BytesReader(p.stdin ?? "", Infinity, 30),
      });
      try {
        const module = decode(await Deno.readFile(repoPath(`tests/wasi/${p.name}.wasm`)));
        validate(module);
        const compiled = engine().compile(module);
        const imports = wasi.imports as unknown as Imports;
        const code = await runKernel(compiled, { imports }, (instance) => wasi.start(instance));
        p.want(out.text());
        assert.equal(code, p.name === "args_env" ? 2 : 0); // args_env exits argc - 1
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    });
  }
}
