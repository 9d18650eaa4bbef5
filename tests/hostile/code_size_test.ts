/**
 * Big code: a million-target `br_table`, 50,000 locals and local counts of
 * 2^32 - 1, blocks nested 10,000 deep, and modules of many functions. Each
 * compiles and runs, or is refused with a CompileError — never a host stack
 * overflow or an allocation the size of a declared count.
 *
 * Modules past V8's own limits (parameters, results, data segments,
 * globals) run on interp and are a clean CompileError on singlepass.
 *
 * The full million-function module takes ~5-10 s and ~700 MiB on interp, so
 * CI runs 50,000 functions (and refuses 1,000,000 on singlepass);
 * `KWASM_HOSTILE_FULL=1` runs 1,000,000, and the slow host-limit cases.
 */
import assert from "node:assert/strict";
import { InvalidError, MalformedError } from "../../runtime/errors.ts";
import { bigBrTable, manyFunctions, manyLocals, nestedBlocks, wat } from "./_modules.ts";
import {
  assertFailed,
  assertResults,
  BACKENDS,
  kwasmProcess,
  runModule,
  SLACK,
  tempWasm,
} from "./_run.ts";

const FULL = Deno.env.get("KWASM_HOSTILE_FULL") === "1";

for (const backend of BACKENDS) {
  Deno.test(`hostile (${backend}): a br_table of 1,000,000 targets`, async () => {
    // interp once overflowed the JS stack lowering it (the targets were spread into a call).
    const o = await runModule(backend, bigBrTable(1_000_000), { invoke: ["f", [123_456]] });
    if (backend === "interp") return assertResults(o, [7], 3000);
    // V8 caps br_table at 65,520 targets: a clean CompileError naming the limit.
    assert.ok(o.error instanceof WebAssembly.CompileError, String(o.error));
    assert.match((o.error as Error).message, /^host engine limit: .*br_table size/);
    assert.ok(o.ms < 3000 * SLACK, `${o.ms.toFixed(0)} ms`);
  });

  Deno.test(`hostile (${backend}): a br_table of 60,000 targets runs`, async () => {
    // Under V8's cap of 65,520, so both engines run it.
    const o = await runModule(backend, bigBrTable(60_000), { invoke: ["f", [59_999]] });
    assertResults(o, [7], 2000);
  });

  Deno.test(`hostile (${backend}): 50,000 locals`, async () => {
    assertResults(await runModule(backend, manyLocals([49_999]), { invoke: ["f", []] }), [1], 2000);
    const o = await runModule(backend, manyLocals([50_000]), { invoke: ["f", []] });
    if (backend === "interp") return assertResults(o, [1], 2000);
    // V8 allows 50,000 locals in all; the guard's depth parameter makes it 50,001.
    assert.ok(o.error instanceof WebAssembly.CompileError, String(o.error));
    assert.match((o.error as Error).message, /^host engine limit: .*local count too large/);
  });

  Deno.test(`hostile (${backend}): local counts up to 2^32 - 1 are refused without allocating`, async () => {
    const rss = Deno.memoryUsage().rss;
    const cases: [number[], typeof MalformedError | typeof InvalidError][] = [
      [[0xffff_ffff], InvalidError], // well-formed, but over the validator's limit
      [[100_000_000], InvalidError],
      [[0x8000_0000, 0x7fff_ffff], InvalidError], // 2^32 - 1 in two groups
      [[0xffff_ffff, 1], MalformedError], // 2^32: the binary format's own limit
      [[0x8000_0000, 0x8000_0000], MalformedError],
    ];
    for (const [groups, cls] of cases) {
      const o = await runModule(backend, manyLocals(groups), { invoke: ["f", []] });
      assertFailed(o, cls, "too many locals", 500);
    }
    const grew = (Deno.memoryUsage().rss - rss) / (1 << 20);
    assert.ok(grew < 100, `RSS grew by ${grew.toFixed(0)} MiB`);
  });

  Deno.test(`hostile (${backend}): blocks nested 10,000 deep`, async () => {
    assertResults(await runModule(backend, nestedBlocks(10_000), { invoke: ["f", []] }), [1], 3000);
  });

  const n = FULL ? 1_000_000 : 50_000;
  Deno.test(`hostile (${backend}): a module of ${n.toLocaleString("en")} functions`, async () => {
    const file = await tempWasm(manyFunctions(n));
    const o = await kwasmProcess(
      "run",
      "--backend",
      backend,
      "--disable-cache",
      "--invoke",
      "f",
      file,
    );
    const fits = backend === "interp" || n <= 499_999;
    if (fits) {
      assert.equal(o.code, 0, o.stderr);
      assert.equal(o.stderr, "");
    } else {
      // Guarded, every function is two: over V8's 1,000,000, refused before guarding.
      assert.equal(o.code, 1, o.stderr);
      assert.match(o.stderr, /too many functions for singlepass/);
    }
    const maxMs = (FULL ? 15_000 : 6000) * SLACK;
    assert.ok(o.ms < maxMs, `${o.ms.toFixed(0)} ms`);
    assert.ok(o.peakMiB < (FULL ? 1200 : 600), `peak RSS ${o.peakMiB} MiB`);
  });
}

Deno.test("hostile (singlepass): 1,000,000 functions are refused before guarding", async () => {
  // In-process and without the CLI: decode + validate, then the function-count check.
  const o = await runModule("singlepass", manyFunctions(1_000_000), { invoke: ["f", []] });
  assert.ok(o.error instanceof WebAssembly.CompileError, String(o.error));
  assert.match((o.error as Error).message, /^too many functions for singlepass: 1000000 defined/);
  assert.ok(o.ms < 10_000 * SLACK, `${o.ms.toFixed(0)} ms`);
});

/** Modules past one of V8's implementation limits, which interp runs; "f" returns 1. */
const HOST_LIMITS: Record<string, { make: () => Uint8Array; limit: RegExp; full?: boolean }> = {
  "1,001 parameters": {
    make: () => withF(`(func (param ${"i32 ".repeat(1001)}))`),
    limit: /param count of 1001 exceeds internal limit of 1000/,
  },
  "1,001 results": {
    make: () => withF(`(func (result ${"i32 ".repeat(1001)}) unreachable)`),
    limit: /return count of 1001 exceeds internal limit of 1000/,
  },
  "100,001 data segments": {
    make: () => withF(`(memory 1) ${'(data (i32.const 0) "a") '.repeat(100_001)}`),
    limit: /data segments count of 100001 exceeds internal limit of 100000/,
    full: true,
  },
  "1,000,001 globals": {
    make: () => withF("(global i32 (i32.const 0)) ".repeat(1_000_001)),
    limit: /globals count of 1000002 exceeds internal limit of 1000000/, // + the guard's own
    full: true,
  },
};

function withF(fields: string): Uint8Array {
  return wat(`(module (func (export "f") (result i32) (i32.const 1)) ${fields})`);
}

for (const [name, { make, limit, full }] of Object.entries(HOST_LIMITS)) {
  Deno.test({
    name: `hostile: ${name} run on interp, are a CompileError on singlepass`,
    ignore: full === true && !FULL,
    async fn() {
      const bytes = make();
      assertResults(await runModule("interp", bytes, { invoke: ["f", []] }), [1], 10_000);
      const o = await runModule("singlepass", bytes, { invoke: ["f", []] });
      assert.ok(o.error instanceof WebAssembly.CompileError, String(o.error));
      assert.match((o.error as Error).message, /^host engine limit: /);
      assert.match((o.error as Error).message, limit);
    },
  });
}
