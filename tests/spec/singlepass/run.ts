/**
 * The spec suite on the `singlepass` backend, until `tests/spec/run.ts`
 * registers it under `--backend singlepass`:
 *
 *     deno run -A tests/spec/singlepass/run.ts [-v] [--fuel] [--max-wasm-stack N] [DIR | FILE.wast ...]
 *
 * `--fuel` runs everything with fuel metering compiled in (and unlimited
 * fuel), `--max-wasm-stack` sets the depth bound, so the suite also checks
 * the code those options emit.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { singlepass } from "../../../runtime/singlepass/mod.ts";
import { specSuiteDir } from "../../_fixtures.ts";
import { printTable, runFiles, scriptsIn } from "../run.ts";

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      verbose: { type: "boolean", short: "v", default: false },
      fuel: { type: "boolean", default: false },
      "max-wasm-stack": { type: "string" },
    },
    allowPositionals: true,
  });
  const dir = specSuiteDir();
  const files = positionals.length > 0
    ? positionals.flatMap((p) => Deno.statSync(p).isDirectory ? scriptsIn(p) : [p])
    : dir === null
    ? []
    : scriptsIn(dir);
  const maxWasmStack = values["max-wasm-stack"];
  const engine = singlepass({
    cache: false,
    fuel: values.fuel,
    maxWasmStack: maxWasmStack === undefined ? undefined : Number(maxWasmStack),
  });
  const results = await runFiles(files, engine);
  printTable(results, values.verbose);
  Deno.exit(results.some((r) => r.failures.length > 0) ? 1 : 0);
}
