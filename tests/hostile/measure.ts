/**
 * Measures every hostile case on both engines, each run in a fresh process
 * so its peak resident set (VmHWM) is its own, and prints the rows of the
 * table in README.md:
 *
 *     deno run -A tests/hostile/measure.ts [CASE…]
 *
 * (`--one CASE BACKEND` is the child's mode: run one case, print JSON.)
 *
 * @module
 */

import type { EngineConfig, RawValue } from "../../runtime/engine.ts";
import { bigBrTable, growStorm, manyFunctions, manyLocals, nestedBlocks, wat } from "./_modules.ts";
import { BACKENDS, runModule } from "./_run.ts";

interface Case {
  make: () => Uint8Array;
  config?: EngineConfig;
  invoke?: [string, RawValue[]];
}

const CASES: Record<string, Case> = {
  "memory 65536 (4 GiB), store+load at the top": {
    make: () =>
      wat(`(module (memory 65536) (func (export "f") (result i32)
        (i32.store (i32.const 0xfffffffc) (i32.const 42)) (i32.load (i32.const 0xfffffffc))))`),
    invoke: ["f", []],
  },
  "memory 65536, max-memory-size=16MiB": {
    make: () => wat(`(module (memory 65536))`),
    config: { maxMemoryBytes: 16 << 20 },
  },
  "memory 65537": { make: () => wat(`(module (memory 65537))`) },
  "memory.grow 1 page x 100,000": { make: () => growStorm("memory"), invoke: ["f", [100_000]] },
  "memory.grow 1 page x 100,000, max 64 MiB": {
    make: () => growStorm("memory"),
    config: { maxMemoryBytes: 64 << 20 },
    invoke: ["f", [100_000]],
  },
  "data at memsize-1, 2 bytes": {
    make: () => wat(`(module (memory 1) (data (i32.const 65535) "ab"))`),
  },
  "memory.init/fill len 2^32-1": {
    make: () =>
      wat(
        `(module (memory 1) (func (export "f") (memory.fill (i32.const 1) (i32.const 0) (i32.const -1))))`,
      ),
    invoke: ["f", []],
  },
  "table 10,000,000 funcref, table.fill all, call_indirect": {
    make: () =>
      wat(`(module (type $v (func (result i32)))
      (table 10000000 funcref) (func $k (result i32) (i32.const 5)) (elem declare func $k)
      (func (export "f") (result i32)
        (table.fill (i32.const 0) (ref.func $k) (i32.const 10000000))
        (call_indirect (type $v) (i32.const 9999999))))`),
    invoke: ["f", []],
  },
  "table 0xffffffff funcref": { make: () => wat(`(module (table 0xffffffff funcref))`) },
  "table.grow -1, 2^31, 10M, 9,999,999": {
    make: () =>
      wat(`(module (table 1 0xffffffff externref)
      (func (export "f") (result i32 i32 i32 i32 i32)
        (table.grow (ref.null extern) (i32.const -1)) (table.grow (ref.null extern) (i32.const 0x80000000))
        (table.grow (ref.null extern) (i32.const 10000000)) (table.grow (ref.null extern) (i32.const 9999999))
        (table.size)))`),
    invoke: ["f", []],
  },
  "table.fill len 2^32-1": {
    make: () =>
      wat(
        `(module (table 10 funcref) (func (export "f") (table.fill (i32.const 0) (ref.null func) (i32.const -1))))`,
      ),
    invoke: ["f", []],
  },
  "elem past the table": {
    make: () => wat(`(module (table 1 funcref) (func $f) (elem (i32.const 0) $f $f))`),
  },
  "recursion, direct (default bound)": {
    make: () => wat(`(module (func $f (export "f") (call $f)))`),
    invoke: ["f", []],
  },
  "recursion via call_indirect": {
    make: () =>
      wat(`(module (type $v (func)) (table funcref (elem $f))
      (func $f (export "f") (call_indirect (type $v) (i32.const 0))))`),
    invoke: ["f", []],
  },
  "recursion, max-wasm-stack=2^31-1": {
    make: () => wat(`(module (func $f (export "f") (call $f)))`),
    config: { maxWasmStack: 2 ** 31 - 1 },
    invoke: ["f", []],
  },
  "br_table of 1,000,000 targets": { make: () => bigBrTable(1_000_000), invoke: ["f", [5]] },
  "50,000 locals": { make: () => manyLocals([50_000]), invoke: ["f", []] },
  "2^32-1 locals": { make: () => manyLocals([0xffff_ffff]), invoke: ["f", []] },
  "10,000 nested blocks": { make: () => nestedBlocks(10_000), invoke: ["f", []] },
  "1,000,000 functions": { make: () => manyFunctions(1_000_000), invoke: ["f", []] },
};

function describe(o: { results?: RawValue[]; error?: unknown }): string {
  if (o.error === undefined) return `→ ${JSON.stringify(o.results)}`;
  const e = o.error as Error;
  return `${e.name}: ${e.message.replace(/ \(at offset 0x[0-9a-f]+\)/, "").slice(0, 90)}`;
}

if (Deno.args[0] === "--one") {
  const c = CASES[Deno.args[1]];
  const bytes = c.make();
  const o = await runModule(Deno.args[2], bytes, { config: c.config, invoke: c.invoke });
  const status = await Deno.readTextFile("/proc/self/status");
  const peak = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) >> 10;
  console.log(JSON.stringify({ outcome: describe(o), ms: Math.round(o.ms), peak }));
} else {
  const names = Deno.args.length > 0 ? Deno.args : Object.keys(CASES);
  console.log("| case | interp | singlepass |\n| --- | --- | --- |");
  for (const name of names) {
    const cells: string[] = [];
    for (const backend of BACKENDS) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--one", name, backend],
        stderr: "inherit",
      }).output();
      const r = JSON.parse(new TextDecoder().decode(out.stdout));
      cells.push(`${r.outcome} (${r.ms} ms, ${r.peak} MiB)`);
    }
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
}
