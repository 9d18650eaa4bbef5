/**
 * Test-case minimisation: shrinks a module while a predicate ("the executors
 * still disagree the same way") keeps holding, delta-debugging style.
 *
 * Every candidate is the current best module with one reduction applied; it
 * is kept only when it still validates, encodes strictly smaller, and
 * satisfies the predicate, so the search always terminates (and is also
 * bounded in time). The reductions, cheapest and biggest first, repeated
 * until none applies:
 *
 * 1. drop exports (chunks, then one by one) and the start function;
 * 2. replace function bodies by `unreachable` (chunks, then one by one), or
 *    by a default return (zeros of the result types);
 * 3. drop functions nothing refers to (renumbering the rest), then binaryen's
 *    `--remove-unused-module-elements` (drops what nothing uses: functions,
 *    globals, segments, types), `--dce --vacuum`, `-O1`;
 * 4. drop active data segments and halve their bytes;
 * 5. drop groups of locals (later indices shift; validation and the predicate judge);
 * 6. in each body, at every nesting level, delete a run of instructions
 *    (a whole `block … end` counts as one) or replace it by `unreachable`
 *    (always well-typed: it makes the stack polymorphic), halving the run
 *    length down to single instructions; a single block is also unwrapped,
 *    and an `if` replaced by one of its arms.
 *
 * The binaryen steps are optional (`wasmOpt: false`); everything else works
 * on the shared data model with the repo's own decoder, validator and encoder.
 *
 * @module
 */
import { decode } from "../../runtime/binary/decode.ts";
import { encode } from "../../runtime/binary/encode.ts";
import type { Code, Module } from "../../runtime/module.ts";
import { funcTypeIndices } from "../../runtime/module.ts";
import { instrWords, Op } from "../../runtime/opcodes.ts";
import { ValType } from "../../runtime/types.ts";
import { validate } from "../../runtime/validate/mod.ts";
import { WASM_2_0_FEATURES } from "./differential.ts";
import { referencedFuncs, renumberFuncs } from "./func_refs.ts";

/** Is this (valid) module still interesting? `module` is `bytes` decoded. */
export type Predicate = (bytes: Uint8Array<ArrayBuffer>, module: Module) => Promise<boolean>;

/** How to minimise. */
export interface MinimizeOptions {
  /** Stop reducing after this many milliseconds (default 60 000). */
  timeMs?: number;
  /** Use binaryen's `wasm-opt` passes as reductions too (default true). */
  wasmOpt?: boolean;
  /** Features to pass to `wasm-opt` (default: the 2.0 features). */
  wasmOptFeatures?: readonly string[];
  /** Progress lines. */
  log?: (line: string) => void;
}

/** The result of {@linkcode minimize}. */
export interface MinimizeResult {
  /** The smallest interesting module found. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Its size and the original's, in bytes. */
  before: number;
  /** Size of the result in bytes. */
  after: number;
  /** Candidates checked with the predicate. */
  tried: number;
  /** Candidates kept. */
  kept: number;
  /** True when the time bound stopped the search before a fixpoint. */
  timedOut: boolean;
}

/** A code stream of `ops` (offsets all 0: not decoded from bytes). */
function codeOf(ops: Int32Array): Code {
  let count = 0;
  for (let pc = 0; pc < ops.length; pc += instrWords(ops, pc)) count++;
  return { ops, offsets: new Uint32Array(count) };
}

/** `code` with words `[from, to)` replaced by `insert`. */
function splice(code: Code, from: number, to: number, insert: readonly number[]): Code {
  const ops = new Int32Array(code.ops.length - (to - from) + insert.length);
  ops.set(code.ops.subarray(0, from));
  ops.set(insert, from);
  ops.set(code.ops.subarray(to), from + insert.length);
  return codeOf(ops);
}

/**
 * The instruction sequences of a body, each as the word ranges of its units
 * (an instruction, or a whole `block`/`loop`/`if` up to its `end`): the body
 * itself, then every nested block's (and `else` arm's), outermost first.
 */
function sequences(ops: Int32Array): [number, number][][] {
  const out: [number, number][][] = [];
  // Returns the pc after the sequence's terminating `end`/`else` (not consumed for `else`).
  const walk = (pc: number): number => {
    const units: [number, number][] = [];
    out.push(units);
    const nested: number[] = [];
    while (pc < ops.length) {
      const id = ops[pc];
      if (id === Op.end || id === Op.else) break;
      const start = pc;
      if (id === Op.block || id === Op.loop || id === Op.if) {
        nested.push(pc);
        pc = skipBlock(ops, pc);
      } else pc += instrWords(ops, pc);
      units.push([start, pc]);
    }
    for (const b of nested) {
      const p = walk(b + instrWords(ops, b));
      if (ops[p] === Op.else) walk(p + 1);
    }
    return pc;
  };
  walk(0);
  return out;
}

/** The pc after the `end` of the block starting at `pc`. */
function skipBlock(ops: Int32Array, pc: number): number {
  let depth = 0;
  do {
    const id = ops[pc];
    if (id === Op.block || id === Op.loop || id === Op.if) depth++;
    else if (id === Op.end) depth--;
    pc += instrWords(ops, pc);
  } while (depth > 0 && pc < ops.length);
  return pc;
}

/**
 * Replacements for the unit at words `[from, to)` of `ops`: nothing, `unreachable`, and for a
 * block construct its body unwrapped (`block`/`loop`), or one arm of an `if` after a `drop` of the
 * condition, either bare or kept in a `block` of the same type (which keeps branch depths right).
 */
function rewrites(ops: Int32Array, from: number, to: number): number[][] {
  const id = ops[from];
  const out: number[][] = [[]];
  if (id !== Op.unreachable) out.push([Op.unreachable]);
  if (id === Op.block || id === Op.loop) out.push([...ops.subarray(from + 2, to - 1)]);
  if (id !== Op.if) return out;
  // The `else` of this `if`: the first one at depth 0 of its body.
  let elsePc = to - 1;
  for (let pc = from + 2, depth = 0; pc < to - 1; pc += instrWords(ops, pc)) {
    const op = ops[pc];
    if (op === Op.block || op === Op.loop || op === Op.if) depth++;
    else if (op === Op.end) depth--;
    else if (op === Op.else && depth === 0) {
      elsePc = pc;
      break;
    }
  }
  const arms = [ops.subarray(from + 2, elsePc), ops.subarray(Math.min(elsePc + 1, to - 1), to - 1)];
  for (const arm of arms) {
    out.push([Op.drop, ...arm], [Op.drop, Op.block, ops[from + 1], ...arm, Op.end]);
  }
  return out;
}

/**
 * Removes from `m` the functions (imported or defined) at the indices in `drop`
 * that nothing refers to (no call, `ref.func`, element, export or start),
 * renumbering the rest; returns whether any went. Names are dropped.
 */
function dropFunctions(m: Module, drop: ReadonlySet<number>): boolean {
  const used = referencedFuncs(m);
  const gone = new Set([...drop].filter((f) => !used.has(f)));
  if (gone.size === 0) return false;
  const total = funcTypeIndices(m).length;
  const renumber = new Int32Array(total);
  for (let f = 0, next = 0; f < total; f++) renumber[f] = gone.has(f) ? -1 : next++;
  renumberFuncs(m, (f) => renumber[f]);
  let f = 0;
  m.imports = m.imports.filter((i) => i.desc.kind !== "func" || renumber[f++] >= 0);
  m.funcs = m.funcs.filter(() => renumber[f++] >= 0);
  m.names = null;
  return true;
}

/** A body that returns zeros of `results` (null when a result type has no simple zero). */
function defaultBody(results: readonly number[]): Code | null {
  const ops: number[] = [];
  for (const t of results) {
    if (t === ValType.i32) ops.push(Op.i32_const, 0);
    else if (t === ValType.i64) ops.push(Op.i64_const, 0, 0);
    else if (t === ValType.f32) ops.push(Op.f32_const, 0);
    else if (t === ValType.f64) ops.push(Op.f64_const, 0, 0);
    else if (t === ValType.v128) ops.push(Op.v128_const, 0, 0, 0, 0);
    else return null;
  }
  ops.push(Op.end);
  return codeOf(new Int32Array(ops));
}

const UNREACHABLE_BODY = (): Code => codeOf(new Int32Array([Op.unreachable, Op.end]));

/** Runs binaryen's `wasm-opt` with `passes` on `bytes`; null when it fails. */
async function wasmOpt(
  bytes: Uint8Array<ArrayBuffer>,
  passes: readonly string[],
  features: readonly string[],
): Promise<Uint8Array<ArrayBuffer> | null> {
  const dir = await Deno.makeTempDir({ prefix: "kwasm-min-" });
  try {
    await Deno.writeFile(`${dir}/in.wasm`, bytes);
    const out = await new Deno.Command("wasm-opt", {
      args: [`${dir}/in.wasm`, "-o", `${dir}/out.wasm`, ...features, ...passes],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success ? await Deno.readFile(`${dir}/out.wasm`) : null;
  } catch {
    return null;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Shrinks `bytes` (a valid module for which `interesting` holds) by the
 * reductions in the module docs while `interesting` keeps holding; returns
 * the smallest module found.
 *
 * @example
 * ```ts ignore
 * const { bytes } = await minimize(original, async (b) => (await disagreement(b)) !== null);
 * ```
 */
export async function minimize(
  bytes: Uint8Array<ArrayBuffer>,
  interesting: Predicate,
  options: MinimizeOptions = {},
): Promise<MinimizeResult> {
  const { timeMs = 60_000, wasmOpt: useWasmOpt = true, log = () => {} } = options;
  const features = options.wasmOptFeatures ?? WASM_2_0_FEATURES;
  const deadline = performance.now() + timeMs;
  let best = decode(bytes);
  let bestBytes = bytes;
  const result = { before: bytes.length, tried: 0, kept: 0, timedOut: false };
  const outOfTime = () => (result.timedOut ||= performance.now() > deadline);

  /** Keeps `m` (or the module in `b`) if it validates, is smaller and is interesting. */
  const consider = async (m: Module | null, b?: Uint8Array<ArrayBuffer> | null) => {
    if (outOfTime()) return false;
    try {
      if (m === null) m = decode(b!);
      validate(m);
      b ??= encode(m);
    } catch {
      return false;
    }
    if (b.length >= bestBytes.length) return false;
    result.tried++;
    let ok = false;
    try {
      ok = await interesting(b, m);
    } catch {
      ok = false;
    }
    if (!ok) return false;
    best = m;
    bestBytes = b;
    result.kept++;
    return true;
  };
  /** Tries `change` on a copy of the best module; `change` returns false when it changed nothing. */
  const attempt = (change: (m: Module) => boolean) => {
    const m = structuredClone(best);
    return change(m) ? consider(m) : Promise.resolve(false);
  };
  /**
   * Delta debugging over `n()` items: removes chunks of halving size, where `drop(m, i, k)` removes
   * items `[i, i + k)` from a copy; `n` is re-read after each success.
   */
  const chunks = async (n: () => number, drop: (m: Module, i: number, k: number) => boolean) => {
    for (let k = n(); k >= 1 && !outOfTime(); k = k === 1 ? 0 : Math.ceil(k / 2)) {
      for (let i = 0; i < n() && !outOfTime();) {
        if (!(await attempt((m) => drop(m, i, k)))) i += k;
      }
    }
  };

  const passes: [string, () => Promise<unknown>][] = [
    [
      "exports",
      () => chunks(() => best.exports.length, (m, i, k) => m.exports.splice(i, k).length > 0),
    ],
    ["start", () =>
      attempt((m) => {
        if (m.start === null) return false;
        m.start = null;
        return true;
      })],
    ["bodies", () =>
      chunks(() => best.funcs.length, (m, i, k) => {
        let changed = false;
        for (const f of m.funcs.slice(i, i + k)) {
          if (f.body.ops.length > 2 || f.locals.length > 0) {
            f.body = UNREACHABLE_BODY();
            f.locals = [];
            changed = true;
          }
        }
        return changed;
      })],
    ["default returns", async () => {
      const types = funcTypeIndices(best);
      const imported = types.length - best.funcs.length;
      for (let i = 0; i < best.funcs.length && !outOfTime(); i++) {
        const t = best.types[types[imported + i]].composite;
        const body = t.kind === "func" ? defaultBody(t.results) : null;
        if (body === null) continue;
        await attempt((m) => {
          m.funcs[i].body = body;
          m.funcs[i].locals = [];
          return true;
        });
      }
    }],
    ["functions", () =>
      chunks(() => funcTypeIndices(best).length, (m, i, k) => {
        const drop = new Set<number>();
        for (let f = i; f < i + k; f++) drop.add(f);
        return dropFunctions(m, drop);
      })],
    ["wasm-opt", async () => {
      if (!useWasmOpt) return;
      for (const p of [["--remove-unused-module-elements"], ["--dce", "--vacuum"], ["-O1"]]) {
        if (!outOfTime()) await consider(null, await wasmOpt(bestBytes, p, features));
      }
    }],
    ["data", async () => {
      await chunks(() => best.datas.length, (m, i, k) => {
        const drop = m.datas.slice(i, i + k);
        // Passive segments are numbered by memory.init / data.drop: only active ones go.
        if (drop.some((d) => d.mode !== "active")) return false;
        m.datas.splice(i, k);
        if (m.dataCount !== null) m.dataCount = m.datas.length;
        return true;
      });
      for (let i = 0; i < best.datas.length && !outOfTime(); i++) {
        while (best.datas[i].bytes.length > 0) {
          const half = best.datas[i].bytes.length >> 1;
          const halve = (m: Module) => {
            m.datas[i].bytes = m.datas[i].bytes.slice(0, half);
            return true;
          };
          if (!(await attempt(halve))) break;
        }
      }
    }],
    ["locals", async () => {
      for (let f = 0; f < best.funcs.length && !outOfTime(); f++) {
        await chunks(() => best.funcs[f].locals.length, (m, i, k) => {
          m.funcs[f].locals.splice(i, k);
          return true;
        });
      }
    }],
    ["instructions", async () => {
      for (let f = 0; f < best.funcs.length && !outOfTime(); f++) await instructions(f);
    }],
  ];

  /** Shrinks runs of units in function `f`'s sequences (see {@linkcode rewrites}). */
  const instructions = async (f: number) => {
    for (let s = 0; !outOfTime(); s++) {
      const seqs = sequences(best.funcs[f].body.ops);
      if (s >= seqs.length) return;
      const units = seqs[s];
      // Runs of halving length down to 3, 2, 1; after a success the sequences are recomputed.
      let changed = false;
      for (
        let k = units.length;
        k >= 1 && !changed && !outOfTime();
        k = k === 1 ? 0 : k <= 3 ? k - 1 : k >> 1
      ) {
        // Runs of two slide by one, so that pairs like `local.get; drop` go wherever they are.
        for (let i = 0; i + k <= units.length && !changed && !outOfTime(); i += k > 2 ? k : 1) {
          const from = units[i][0], to = units[i + k - 1][1];
          const ops = best.funcs[f].body.ops;
          for (const insert of k === 1 ? rewrites(ops, from, to) : [[], [Op.unreachable]]) {
            const cut = (m: Module) => {
              m.funcs[f].body = splice(m.funcs[f].body, from, to, insert);
              return true;
            };
            if (await attempt(cut)) {
              changed = true;
              break;
            }
          }
        }
      }
      if (changed) s--;
    }
  };

  for (let round = 1; !outOfTime(); round++) {
    const size = bestBytes.length;
    for (const [name, pass] of passes) {
      if (outOfTime()) break;
      const before = bestBytes.length;
      await pass();
      if (bestBytes.length < before) {
        log(`round ${round} ${name}: ${before} → ${bestBytes.length} bytes`);
      }
    }
    if (bestBytes.length === size) break;
  }
  return { ...result, bytes: bestBytes, after: bestBytes.length };
}
