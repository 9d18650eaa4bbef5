/**
 * The body validator's inline fast paths must never change an outcome: for
 * thousands of function bodies with one instruction swapped for another of
 * the same immediate size (mostly ill-typed now), validation with the fast
 * paths and with the exact path only must accept alike or throw the same
 * message at the same offset.
 */
import assert from "node:assert/strict";
import { fixtureFiles } from "../../tests/_fixtures.ts";
import { decode } from "../binary/decode.ts";
import type { Module } from "../module.ts";
import { instrWords, OPS } from "../opcodes.ts";
import { validateModule } from "./module.ts";

/** mulberry32, so every run mutates the same way. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function outcome(m: Module, exactOnly: boolean): string {
  try {
    validateModule(m, exactOnly);
    return "valid";
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) return e.message;
    throw e;
  }
}

/** Opcode ids grouped by their fixed number of immediate words. */
const BY_WORDS = new Map<number, number[]>();
for (const op of OPS) {
  if (op.immWords < 0) continue;
  const ids = BY_WORDS.get(op.immWords) ?? [];
  ids.push(op.id);
  BY_WORDS.set(op.immWords, ids);
}

Deno.test("fast paths and the exact path agree on mutated function bodies", () => {
  const rand = prng(0x5eed);
  let cases = 0;
  let invalid = 0;
  for (const file of fixtureFiles()) {
    const bytes = Deno.readFileSync(file);
    if (bytes.length > 200_000) continue; // keep the run short
    const m = decode(bytes);
    assert.equal(outcome(m, false), "valid", file);
    assert.equal(outcome(m, true), "valid", file);
    for (let trial = 0; trial < 400 && m.funcs.length > 0; trial++) {
      const ops = m.funcs[Math.floor(rand() * m.funcs.length)].body.ops;
      const starts: number[] = [];
      for (let pc = 0; pc < ops.length; pc += instrWords(ops, pc)) starts.push(pc);
      const pc = starts[Math.floor(rand() * starts.length)];
      const words = OPS[ops[pc]].immWords;
      if (words < 0) continue;
      const pool = BY_WORDS.get(words)!;
      const saved = ops[pc];
      ops[pc] = pool[Math.floor(rand() * pool.length)];
      const fast = outcome(m, false);
      assert.equal(fast, outcome(m, true), `${file}: ${OPS[saved].name} -> ${OPS[ops[pc]].name}`);
      ops[pc] = saved;
      cases++;
      if (fast !== "valid") invalid++;
    }
  }
  assert.ok(cases > 1000 && invalid > cases / 2, `only ${cases} cases, ${invalid} invalid`);
});
