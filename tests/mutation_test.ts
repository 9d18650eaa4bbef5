/**
 * Feeds thousands of truncated and bit-flipped versions of the committed
 * fixtures to the decoder and validator. Every input must be either accepted
 * or rejected with a `WebAssembly.CompileError`: no other exception, no hang.
 * A module we accept must also be accepted by the host engine (V8 implements
 * a superset of 2.0), so the decoder and validator are never laxer than it.
 */
import assert from "node:assert/strict";
import { decode } from "../runtime/binary/decode.ts";
import { validate } from "../runtime/validate/mod.ts";
import { fixtureFiles } from "./_fixtures.ts";

/** mulberry32: a small seeded PRNG, so every run mutates the same way. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = "accepted" | "rejected";

function check(bytes: Uint8Array<ArrayBuffer>): Outcome {
  try {
    validate(decode(bytes));
    return "accepted";
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) return "rejected";
    throw e;
  }
}

/** Mutants of one fixture: truncations, then single/multi bit flips, then byte smashes. */
function* mutants(
  orig: Uint8Array<ArrayBuffer>,
  rand: () => number,
  count: number,
): Generator<Uint8Array<ArrayBuffer>> {
  const n = orig.length;
  for (let i = 0; i < count / 4; i++) {
    // Dense near the header and section boundaries, random elsewhere.
    const cut = i < 64 ? i : Math.floor(rand() * n);
    yield orig.subarray(0, cut);
  }
  for (let i = 0; i < count / 2; i++) {
    const m = orig.slice();
    const flips = 1 + Math.floor(rand() * 3);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(rand() * n);
      m[at] ^= 1 << Math.floor(rand() * 8);
    }
    yield m;
  }
  for (let i = 0; i < count / 4; i++) {
    const m = orig.slice();
    const at = Math.floor(rand() * n);
    // 0xFF/0x80 make LEB128 runs long; 0x00 zeroes counts and sizes.
    m[at] = [0xff, 0x80, 0x00, 0x7f][Math.floor(rand() * 4)];
    yield m;
  }
}

Deno.test("truncated and bit-flipped fixtures are accepted or rejected cleanly", () => {
  const rand = prng(0x6b77_6173);
  let total = 0, accepted = 0, slowest = 0;
  const laxer: string[] = [];
  for (const file of fixtureFiles()) {
    const orig = Deno.readFileSync(file);
    // Large fixtures cost more per case; give them fewer.
    const count = orig.length > 256 * 1024 ? 200 : 1200;
    let i = 0;
    for (const m of mutants(orig, rand, count)) {
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = check(m);
      } catch (e) {
        assert.fail(`${file} mutant ${i}: threw ${(e as Error)?.stack ?? e}`);
      }
      slowest = Math.max(slowest, performance.now() - t0);
      if (outcome === "accepted") {
        accepted++;
        if (!WebAssembly.validate(m)) laxer.push(`${file} mutant ${i}`);
      }
      total++;
      i++;
    }
  }
  console.log(
    `mutation: ${total} cases, ${accepted} accepted, ${total - accepted} rejected, ` +
      `slowest ${slowest.toFixed(1)} ms`,
  );
  assert.ok(total >= 5000, `only ${total} cases: are the fixtures there?`);
  assert.deepEqual(laxer, [], "accepted modules that the host engine rejects");
  assert.ok(slowest < 2000, `a single case took ${slowest} ms`);
});
