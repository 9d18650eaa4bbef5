/**
 * Hostile memories: a 4 GiB initial memory, declarations past the wasm32
 * limit, `memory.grow` storms, and segments and bulk operations pointing
 * past the end. Each must end in a result, a CompileError/LinkError or the
 * spec's trap — fast, and without the host committing the memory it was
 * asked to reserve.
 */
import assert from "node:assert/strict";
import { InvalidError, LinkError, MalformedError, Trap } from "../../runtime/errors.ts";
import { kwasm } from "../../cli/_testing.ts";
import { growStorm, wat } from "./_modules.ts";
import {
  assertFailed,
  assertResults,
  BACKENDS,
  kwasmProcess,
  runModule,
  SLACK,
  tempWasm,
} from "./_run.ts";

const MiB = 1 << 20;

const GROW_STORM = growStorm("memory");

/** Huge deltas, one after another: each result, then the final size. */
const GROW_HUGE = wat(`(module (memory 1)
  (func (export "f") (result i32 i32 i32 i32 i32)
    (memory.grow (i32.const 0x10000)) (memory.grow (i32.const 0x80000000))
    (memory.grow (i32.const -1)) (memory.grow (i32.const 0xffff)) (memory.size)))`);

for (const backend of BACKENDS) {
  Deno.test(`hostile (${backend}): a 4 GiB memory is reserved, not committed`, async () => {
    // Store to the last word and read it back: the whole range is addressable.
    const file = await tempWasm(wat(`(module (memory 65536)
      (func (export "f") (result i32)
        (i32.store (i32.const 0xfffffffc) (i32.const 42)) (i32.load (i32.const 0xfffffffc))))`));
    const o = await kwasmProcess("run", "--backend", backend, "--invoke", "f", file);
    assert.equal(o.stderr, "");
    assert.equal(o.stdout.trim(), "42");
    assert.ok(o.peakMiB < 400, `peak RSS ${o.peakMiB} MiB`);
    assert.ok(o.ms < 5000 * SLACK, `${o.ms.toFixed(0)} ms`);
    // Past the end by one byte.
    const past = await runModule(
      backend,
      wat(`(module (memory 65536) (func (export "f") (result i32) (i32.load (i32.const -3))))`),
      { invoke: ["f", []] },
    );
    assertFailed(past, Trap, "out of bounds memory access", 2000);
  });

  Deno.test(`hostile (${backend}): an initial memory over -W max-memory-size fails to link`, async () => {
    const o = await runModule(backend, wat(`(module (memory 65536))`), {
      config: { maxMemoryBytes: 16 * MiB },
    });
    assertFailed(o, LinkError, "memory of 65536 pages exceeds the limit of 256 pages", 2000);
    const cli = await kwasm(
      "run",
      "--backend",
      backend,
      "-W",
      `max-memory-size=${16 * MiB}`,
      await tempWasm(wat(`(module (memory 65536) (func (export "_start")))`)),
    );
    assert.equal(cli.code, 1, cli.stderr);
    assert.match(cli.stderr, /memory of 65536 pages exceeds the limit of 256 pages/);
  });

  Deno.test(`hostile (${backend}): memories past 4 GiB are rejected at decode or validation`, async () => {
    const over = `memory size must be at most 65536 pages (4GiB)`;
    assertFailed(await runModule(backend, wat(`(module (memory 65537))`)), InvalidError, over, 500);
    assertFailed(
      await runModule(backend, wat(`(module (memory 1 65537))`)),
      InvalidError,
      over,
      500,
    );
    // Limits flag 0x04 (memory64) and 0x02 (shared without maximum… not in 2.0): malformed.
    for (const flags of [0x04, 0x05, 0x02]) {
      const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, flags, 1, 1]);
      assertFailed(await runModule(backend, bytes), MalformedError, "integer too large", 500);
    }
  });

  Deno.test(`hostile (${backend}): a memory.grow storm of 100,000 one-page grows`, async () => {
    // Bounded by -W max-memory-size: 64 MiB is 1,024 pages, so 1,023 grows succeed.
    const bounded = await runModule(backend, GROW_STORM, {
      config: { maxMemoryBytes: 64 * MiB },
      invoke: ["f", [100_000]],
    });
    assertResults(bounded, [1023, 1024], 3000);
    // Bounded only by wasm32: 65,535 grows succeed, to 4 GiB of reserved memory.
    const rss = Deno.memoryUsage().rss;
    const unbounded = await runModule(backend, GROW_STORM, { invoke: ["f", [100_000]] });
    assertResults(unbounded, [65535, 65536], 5000);
    const grew = (Deno.memoryUsage().rss - rss) / MiB;
    assert.ok(grew < 300, `RSS grew by ${grew.toFixed(0)} MiB`);
  });

  Deno.test(`hostile (${backend}): memory.grow by huge deltas returns -1`, async () => {
    const o = await runModule(backend, GROW_HUGE, { invoke: ["f", []] });
    // 0x10000 more pages would pass 4 GiB; 0xffff fits exactly.
    assertResults(o, [-1, -1, -1, 1, 65536], 2000);
    const bounded = await runModule(backend, GROW_HUGE, {
      config: { maxMemoryBytes: 2 * MiB },
      invoke: ["f", []],
    });
    assertResults(bounded, [-1, -1, -1, -1, 1], 2000);
  });

  Deno.test(`hostile (${backend}): -W max-memory-size bounds a grow storm through the CLI`, async () => {
    const o = await kwasm(
      "run",
      "--backend",
      backend,
      "-W",
      `max-memory-size=${64 * MiB}`,
      "--invoke",
      "f",
      await tempWasm(GROW_STORM),
      "100000",
    );
    assert.equal(o.code, 0, o.stderr);
    assert.equal(o.stdout.trim().split(/\s+/).join(" "), "1023 1024");
  });

  Deno.test(`hostile (${backend}): a data segment past the end traps at instantiation`, async () => {
    const oob = "out of bounds memory access";
    for (
      const src of [
        `(module (memory 1) (data (i32.const 65535) "ab"))`, // memsize - 1, 2 bytes
        `(module (memory 1) (data (i32.const -1) "a"))`, // offset 2^32 - 1
        `(module (memory 0) (data (i32.const 0) "a"))`, // empty memory
        `(module (memory 1) (data (i32.const 65536)))`, // empty segment, at the end: fine
      ]
    ) {
      const o = await runModule(backend, wat(src));
      if (src.includes("65536)))")) assertResults(o, [], 1000);
      else assertFailed(o, Trap, oob, 1000);
    }
  });

  Deno.test(`hostile (${backend}): bulk memory over huge ranges traps without looping`, async () => {
    const oob = "out of bounds memory access";
    // A 4 MiB passive segment: memory.init past its end, past memory's end, and by 2^32 - 1.
    const big = "\\00".repeat(4 * MiB);
    const m = wat(`(module (memory 1 1) (data $d "${big}")
      (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
      (func (export "fill") (param i32) (memory.fill (i32.const 1) (i32.const 7) (local.get 0)))
      (func (export "copy") (param i32) (memory.copy (i32.const 1) (i32.const 0) (local.get 0))))`);
    const calls: [string, number[]][] = [
      ["init", [0, 0, 65537]],
      ["init", [65535, 0, 2]],
      ["init", [0, 4 * MiB - 1, 2]],
      ["init", [0, 0, -1]],
      ["fill", [-1]],
      ["copy", [-1]],
    ];
    for (const [name, args] of calls) {
      assertFailed(await runModule(backend, m, { invoke: [name, args] }), Trap, oob, 2000);
    }
    assertResults(await runModule(backend, m, { invoke: ["init", [0, 4 * MiB - 1, 1]] }), [], 2000);
  });
}
