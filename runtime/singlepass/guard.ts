/**
 * The guard pass: one walk over a validated module that emits a copy the
 * host engine can run safely — bounded call depth, interruptible, optionally
 * fuel-metered — without changing anything the outside can see.
 *
 * **Call depth travels as a parameter.** Every defined function `f` becomes
 * two: a *thunk* at `f`'s index and with `f`'s type (what exports, tables,
 * `ref.func` and the start function see), and an *inner* body with one more
 * i32 parameter, its own depth. Direct calls between defined functions call
 * the inner body with `depth + 1`, so counting costs an add in a register.
 * A counter in a global costs a load-add-store chain through memory on every
 * call and return — measured at 4× on a recursive `fib`, against 1.2× for
 * the parameter. The thunk, entered from outside (`call_indirect`, another
 * instance, a host function calling back), takes its depth from the imported
 * `depth` global, which every `call_indirect` and call to an import sets
 * first; the host's top-level calls go to *entry thunks*, which start at
 * depth 1. Returns need no code at all, and a trap leaves nothing to undo.
 * Tables nobody else can see hold inner bodies directly (`scan.ts`), so C
 * function pointers skip the thunk too.
 *
 * **Entry and loop guards.** Every loop header tests `flag != 0` (`flag` is
 * the first i32 of a shared memory that a watchdog thread sets to a negative
 * value); an inner body on a cycle of the call graph starts with one test of
 * `(depth | flag) >u max`, one on no cycle with `depth >u max` only, one that
 * calls nothing with nothing (`entries.ts` decides, and argues why an
 * interrupt still stops every long run); a guard branches to
 * `global.set reason; unreachable`, and the host tells the causes apart. A
 * loop whose every iteration starts with a call to a body that tests the
 * flag needs no header guard. The flag lives in its own memory, imported
 * after the module's memories, so no memory index moves; the module's own
 * memories become imports too, which keeps them at their indices and lets
 * the host bound their size. V8 keeps the base of memory 0 in the instance
 * and reloads any other's on every entry, so a module whose code touches no
 * memory at all gets the flag as memory 0 instead (its memories move up one;
 * only data segments and exports name them): a recursive fib with no loads
 * or stores went 1.237× → 1.082×. For code that does touch memory the trade
 * is the other way — the flag at 0 and the guest's memory at 1 cost matmul
 * +14%, qsort and `large` +5% while fib gained 12.5% (CPU, medians of 3
 * interleaved runs) — so it stays last there.
 *
 * What the guards cost, and what did not pay (V8 15.0, CPU time against the
 * untouched module on the host engine; `bench/singlepass.ts`): on a
 * recursive fib, the depth parameter costs ~3%, its compare ~6%, the flag
 * load ~13% — V8 loads the base of a memory other than 0 from the instance
 * on every entry. Hence the flag only where a cycle needs it (qsort −3%,
 * the 4,700-function `large` fixture −8% in a dedicated A/B; within the
 * noise of the full benchmark). Tried and dropped: separate
 * tests `depth >u max; flag != 0` instead of one or-ed test (same as the
 * or-ed form); the flag at depths that are multiples of 4 only, with loop
 * headers covering the rest (fib 1.46× instead of 1.22×: the depth-pattern
 * branch mispredicts); the flag in memory 0 (fib −5%, but it would move the
 * guest's memory 0 to index 1 for every load and store); in loops that call
 * nothing, a countdown in a local that tests the flag every 1,024th round
 * (matmul 1.15× instead of 1.05×, sieve the same: a loop-carried local costs
 * more than the load, whose header test is worth 5–9% there). An atomic load of
 * the flag is not needed — V8 neither hoists nor merges plain loads of
 * linear memory across loop back-edges or calls, even in optimized code
 * (`engine_test.ts` interrupts a hot, tiered-up loop without stores) — and is
 * not in the 2.0 opcode table. Loops with a small constant trip count could
 * skip the header test, but not done: the loops where the test costs
 * (matmul's, sieve's) run a variable number of rounds, and hash64's 8-round
 * loops cost nothing measurable. Innermost loops of up to 20 instructions
 * that call nothing are unrolled 4 times (`unroll.ts`, not with fuel, whose
 * counts must stay exact), so their header test runs once per 4 rounds:
 * sieve −3 to −4%, no other kernel moved (larger bodies and outer loops were
 * measured there and left). Measured and dropped: the depth counted down,
 * passing `max - depth` and testing `(remaining | flag) <s 0` (fib 1.241×
 * against 1.236×, medians of 30 interleaved rounds; no kernel better).
 * Measured and dropped too: timing the header test by an induction variable
 * the loop already keeps (`i += c`: test the flag only when the bits of `i`
 * above c's lowest set bit are zero in the low 10, so once per 1,024 rounds,
 * in innermost loops that call nothing) — matmul did not move (1.05–1.06×)
 * and hash64 went 0.97× → 1.02–1.03×: the `and` and branch cost what the
 * loads did. And in loops that call, a countdown local shared by the body's
 * loops, testing the flag every n-th round (n ≤ 64, bounded so that at most
 * 10^6 instructions, callees' unchecked work included, run between tests):
 * 90% of qsort's ~400k header tests per run are in sift's and trinkle's
 * loops around the comparator and `memcpy`, and without any test there qsort
 * is 1.03–1.04×; the countdown took it from 1.095× to 1.072× (one process,
 * 6 runs) but 1.081–1.085× → 1.071–1.074× in the 5-process benchmark, with
 * the geomean unmoved (1.034 → 1.033–1.035) — not worth a second planner
 * beside `entries.ts`. Where qsort's ~9% goes, each guard kind dropped in turn: without the
 * loop-header tests ~1.01×, without the entry guards ~1.06×, without the
 * NaN checks ~1.08× (base ~1.09–1.11×); its header tests are in loops that
 * call the comparator, which unrolling leaves (tried: −2%, within the noise).
 *
 * **Fuel** (only when asked for) travels the same way: inner bodies take the
 * fuel left as one more parameter (i64) and return what is left as one more
 * result, so metering never touches memory on direct calls. Each
 * straight-line segment subtracts its instruction count just before the
 * instruction that ends it; entries and loop headers trap when fuel is
 * below zero. The body is wrapped in a block so that every way out (the end,
 * `return`, a branch to the function's label) meets at one place that pushes
 * the fuel result. Thunks, `call_indirect` and import calls pass it through
 * the instance's fuel global.
 *
 * Every emitted instruction carries the byte offset of the original
 * instruction it stands for, so a trap in the guarded module maps back to the
 * original binary.
 *
 * @module
 */

import type { CodeArena } from "./arena.ts";
import type {
  Code,
  Elem,
  Export,
  Func,
  FuncType,
  Global,
  Import,
  MemoryType,
  Module,
  Names,
} from "../module.ts";
import { funcTypeAt, SectionId } from "../module.ts";
import { Op } from "../opcodes.ts";
import { BLOCK_EMPTY, blockOfValType, ValType } from "../types.ts";
import {
  DEPTH_IMPORT,
  ENTRY_EXPORT_PREFIX,
  EXPORT_PREFIX,
  FLAG_IMPORT,
  FUEL_EXPORT,
  GUARD_MODULE,
  type GuardLayout,
  INDEX_EXPORT,
  MEMORY_IMPORT_PREFIX,
  Reason,
  REASON_IMPORT,
  START_EXPORT,
} from "./layout.ts";
import { Reencoder } from "./reencode.ts";
import { addRawWrappers } from "./raw.ts";
import { TypeTable } from "./types.ts";
import { forEachCallInRun, loneNullSlot, scanModule } from "./scan.ts";
import { Entry, type EntryPlan, planEntries } from "./entries.ts";
import { LoopUnroller } from "./unroll.ts";
import { NotNaN } from "./nan.ts";

const CompileError = WebAssembly.CompileError;

/** Globals every guarded module imports (depth, reason), after the module's own imports. */
const GUARD_GLOBALS = 2;

/** Copies of a small loop's body per header test (`unroll.ts`; 1 = no unrolling). */
const UNROLL_FACTOR = 4;
/**
 * Largest innermost loop body, in instructions, that is unrolled (outer loops are not): sieve's
 * (14–16) pay; matmul's (40) paid at 4 copies but hash64's (38) lost as much, and 2 copies paid
 * nowhere (`unroll.ts`).
 */
const UNROLL_MAX_BODY = 20;

/** What the guards enforce. */
export interface GuardOptions {
  /** Deepest call nesting allowed, in wasm frames (1 … 2^31 - 1). */
  maxWasmStack: number;
  /** Meter fuel. */
  fuel: boolean;
}

/** A guarded module and where the pass put things. */
export interface Guarded {
  /** The guarded module, ready to encode. */
  module: Module;
  /** The layout the instance and backtraces rely on. */
  layout: GuardLayout;
}

/**
 * Emits the guarded copy of a validated module.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guard } from "./guard.ts";
 * import { emptyModule } from "../module.ts";
 * const { module, layout } = guard(emptyModule(), { maxWasmStack: 1000, fuel: false });
 * // No code touches memory, so the interrupt flag is memory 0 (see the module docs).
 * assert.deepEqual(module.imports.map((i) => i.name), ["interrupt", "depth", "reason"]);
 * assert.equal(layout.innerBase, 0);
 * ```
 */
export function guard(m: Module, options: GuardOptions): Guarded {
  return new GuardPass(options).run(m);
}

/**
 * Where {@linkcode guard} puts things for `m`, without running the pass (for
 * a guarded module loaded from the cache).
 */
export function guardLayout(m: Module, options: GuardOptions): GuardLayout {
  let importedFuncs = 0;
  for (const imp of m.imports) if (imp.desc.kind === "func") importedFuncs++;
  const definedFuncs = m.funcs.length;
  return {
    importedFuncs,
    definedFuncs,
    innerBase: importedFuncs + definedFuncs,
    wrapperBase: importedFuncs + 2 * definedFuncs,
    ownMemories: m.memories.map((type) => ({ type })),
    hasStart: m.start !== null,
    fuel: options.fuel,
    maxWasmStack: options.maxWasmStack,
  };
}

/** The re-encoder that inserts the guards (see the module docs). */
class GuardPass extends Reencoder {
  readonly #max: number;
  readonly #fuel: boolean;
  #importedFuncs = 0;
  #importedGlobals = 0;
  /** Function index of the first inner body. */
  #innerBase = 0;
  #depthGlobal = 0;
  #reasonGlobal = 0;
  #indexGlobal = 0;
  #fuelGlobal = 0;
  #flagMemory = 0;
  /** The flag is memory 0 (the module's code touches no memory; see the module docs). */
  #flagFirst = false;
  #types!: TypeTable;
  /** Type index of each defined function's inner body. */
  #innerTypes: number[] = [];
  /** Tables that hold inner bodies (see `scan.ts`). */
  #private: boolean[] = [];
  /** Private tables whose calls store the index for the trap message (see `loneNullSlot`). */
  #storesIndex: boolean[] = [];
  /** The entry guard of each defined function (`entries.ts`). */
  #entries!: EntryPlan;
  /** Defined index of the body being walked. */
  #defined = 0;
  /** Functions whose elements in private tables became inner bodies. */
  #moved: number[] = [];

  // State of the body being walked.
  #params = 0;
  /** Parameters added to inner bodies: depth, and fuel when metered. */
  readonly #extraParams: number;
  #depthLocal = 0;
  #fuelLocal = 0;
  #results: readonly ValType[] = [];
  /** Index of the first local the pass adds to the body being walked. */
  #extraBase = 0;
  /** Types of the locals the pass adds (fuel, scratch), in index order. */
  #extra: ValType[] = [];
  /** Enclosing blocks of the current instruction (0 = the function's own label). */
  #nest = 0;
  /** Opcode (block, loop, if) of each enclosing block, by nesting level (1 = outermost). */
  #kinds: number[] = [Op.block];
  /** Instructions of the current straight-line segment not yet charged. */
  #cost = 0;
  /** Unrolls small loops before the walk; null with fuel, whose counts must stay exact. */
  readonly #unroller: LoopUnroller | null;
  /** Which truncations are range-checked already and need no NaN test (`nan.ts`). */
  readonly #notNaN = new NotNaN();

  constructor(options: GuardOptions) {
    super();
    if (!(options.maxWasmStack >= 1 && options.maxWasmStack <= 0x7fff_ffff)) {
      throw new RangeError(`maxWasmStack must be in 1 … 2^31-1, got ${options.maxWasmStack}`);
    }
    this.#max = options.maxWasmStack | 0;
    this.#fuel = options.fuel;
    this.#extraParams = options.fuel ? 2 : 1;
    this.#unroller = options.fuel || UNROLL_FACTOR < 2 ? null : new LoopUnroller({
      factor: (size, innermost) => innermost && size <= UNROLL_MAX_BODY ? UNROLL_FACTOR : 1,
      selfBlockType: (bt) => {
        const params = bt >= 0 ? funcTypeAt(this.source, bt)!.params : [];
        return params.length === 0 ? BLOCK_EMPTY : this.#types.intern(params, params);
      },
    });
  }

  run(m: Module): Guarded {
    for (const e of m.exports) {
      if (e.name.startsWith(EXPORT_PREFIX)) {
        throw new CompileError(`singlepass: the export name prefix "\\0kwasm:" is reserved`);
      }
    }
    if (m.imports.some((i) => i.module === GUARD_MODULE)) {
      throw new CompileError(`singlepass: the import module name "${GUARD_MODULE}" is reserved`);
    }
    let memories = 0;
    for (const imp of m.imports) {
      if (imp.desc.kind === "func") this.#importedFuncs++;
      else if (imp.desc.kind === "global") this.#importedGlobals++;
      else if (imp.desc.kind === "memory") memories++;
    }
    this.#innerBase = this.#importedFuncs + m.funcs.length;
    this.#depthGlobal = this.#importedGlobals;
    this.#reasonGlobal = this.#importedGlobals + 1;
    // Defined after the module's own globals: index, then fuel.
    this.#indexGlobal = this.#importedGlobals + GUARD_GLOBALS + m.globals.length;
    this.#fuelGlobal = this.#indexGlobal + 1;
    this.#types = new TypeTable(m.types.length);
    const scan = scanModule(m);
    this.#flagFirst = !scan.touchesMemory;
    this.#flagMemory = this.#flagFirst ? 0 : memories + m.memories.length;
    this.#private = scan.privateTables;
    this.#storesIndex = scan.privateTables.map((p, t) => p && loneNullSlot(m, t) === null);
    this.#entries = planEntries(m, scan);
    const fuel = this.#fuel ? [ValType.i64] : [];
    const byType = new Map<number, number>();
    this.#innerTypes = m.funcs.map((f) => {
      let inner = byType.get(f.type);
      if (inner === undefined) {
        const t = funcTypeAt(m, f.type)!;
        inner = this.#types.intern([...t.params, ValType.i32, ...fuel], [...t.results, ...fuel]);
        byType.set(f.type, inner);
      }
      return inner;
    });

    const out = this.module(m);
    const layout = guardLayout(m, { maxWasmStack: this.#max, fuel: this.#fuel });
    if (this.#moved.length > 0) {
      out.elems.push({
        mode: "declarative",
        table: 0,
        offset: null,
        type: ValType.funcref,
        init: { kind: "funcs", funcs: [...new Set(this.#moved)] },
      });
    }
    out.start = null;
    out.customs = [];
    out.names = m.names && innerNames(m.names, layout);
    addRawWrappers(out, m, this.#types, this.out);
    this.#addEntryThunks(m, out);
    this.#types.appendTo(out);
    return { module: out, layout };
  }

  // ---- index spaces ----------------------------------------------------------

  override memoryIndex(i: number): number {
    return this.#flagFirst ? i + 1 : i;
  }

  override globalIndex(i: number): number {
    // depth and reason are imported after the module's own imports.
    return i < this.#importedGlobals ? i : i + GUARD_GLOBALS;
  }

  override localIndex(i: number): number {
    // The depth (and fuel) parameters follow the original parameters.
    return i < this.#params ? i : i + this.#extraParams;
  }

  override imports(m: Module): Import[] {
    const out = super.imports(m);
    const global = (name: string): Import => ({
      module: GUARD_MODULE,
      name,
      desc: { kind: "global", global: { type: ValType.i32, mutable: true } },
    });
    out.push(global(DEPTH_IMPORT), global(REASON_IMPORT));
    m.memories.forEach((memory, i) => {
      out.push({
        module: GUARD_MODULE,
        name: MEMORY_IMPORT_PREFIX + i,
        desc: { kind: "memory", memory },
      });
    });
    const flag: MemoryType = { min: 1, max: 1, shared: true, index64: false };
    const flagImport: Import = {
      module: GUARD_MODULE,
      name: FLAG_IMPORT,
      desc: { kind: "memory", memory: flag },
    };
    // Memory indices follow the memory imports' order (no function or global index moves).
    if (this.#flagFirst) out.unshift(flagImport);
    else out.push(flagImport);
    return out;
  }

  override memories(): MemoryType[] {
    return []; // imported instead, see imports()
  }

  override globals(m: Module): Global[] {
    const out = super.globals(m);
    // The index of the latest call_indirect: per instance (a store to an imported
    // global costs a load more), read by the trap translator of that instance.
    const init = this.out;
    init.op(Op.i32_const);
    init.word(0);
    init.op(Op.end);
    out.push({ type: { type: ValType.i32, mutable: true }, init: init.finish() });
    if (this.#fuel) {
      init.op(Op.i64_const);
      init.word(0);
      init.word(0);
      init.op(Op.end);
      out.push({ type: { type: ValType.i64, mutable: true }, init: init.finish() });
    }
    return out;
  }

  override elem(e: Elem): Elem {
    const out = super.elem(e);
    if (e.mode !== "active" || !this.#private[e.table]) return out;
    // A private table holds the inner bodies (privateTables() saw only defined functions).
    // The functions stay declared for `ref.func` through a declarative segment (run()).
    const shift = this.source.funcs.length;
    if (out.init.kind === "funcs") {
      // Not push(...funcs): spreading a segment of ~100k functions overflows the JS stack.
      for (const f of out.init.funcs) this.#moved.push(f);
      out.init.funcs = out.init.funcs.map((f) => f + shift);
    } else {
      for (const x of out.init.exprs) {
        if (x.ops[0] !== Op.ref_func) continue;
        this.#moved.push(x.ops[1]);
        x.ops[1] += shift;
      }
    }
    return out;
  }

  override exports(m: Module): Export[] {
    const out = super.exports(m);
    out.push({ name: INDEX_EXPORT, kind: "global", index: this.#indexGlobal });
    if (this.#fuel) out.push({ name: FUEL_EXPORT, kind: "global", index: this.#fuelGlobal });
    return out;
  }

  // ---- functions -------------------------------------------------------------

  override funcs(m: Module): Func[] {
    const thunks: Func[] = [];
    const inners: Func[] = [];
    m.funcs.forEach((f, i) => {
      thunks.push(this.#thunk(f, funcTypeAt(m, f.type)!, this.#innerBase + i));
      inners.push(this.func(f, this.#importedFuncs + i));
    });
    return thunks.concat(inners);
  }

  /**
   * Exported entry thunks for the host's top-level calls, one per exported
   * defined function and for the start function: like thunks, but with depth 1
   * as a constant, so a call from the host needs no write to the depth global
   * first (a `WebAssembly.Global` write from JS costs more than a small call).
   */
  #addEntryThunks(m: Module, out: Module): void {
    const entryOf = new Map<number, number>();
    const add = (index: number) => {
      if (index < this.#importedFuncs || entryOf.has(index)) return;
      const defined = index - this.#importedFuncs;
      const f = m.funcs[defined];
      entryOf.set(index, this.#funcCount(out));
      out.funcs.push(this.#thunk(f, funcTypeAt(m, f.type)!, this.#innerBase + defined, true));
    };
    for (const e of m.exports) {
      if (e.kind !== "func" || e.index < this.#importedFuncs || entryOf.has(e.index)) continue;
      add(e.index);
      const index = entryOf.get(e.index)!;
      out.exports.push({ name: ENTRY_EXPORT_PREFIX + e.index, kind: "func", index });
    }
    if (m.start !== null) {
      add(m.start);
      out.exports.push({
        name: START_EXPORT,
        kind: "func",
        index: entryOf.get(m.start) ?? m.start,
      });
    }
  }

  /** Functions in `out`'s index space. */
  #funcCount(out: Module): number {
    return this.#importedFuncs + out.funcs.length;
  }

  /**
   * `f`'s stand-in, calling its inner body: at `f`'s own index with the depth
   * global + 1, or as an entry thunk with depth 1.
   */
  #thunk(f: Func, type: FuncType, inner: number, entry = false): Func {
    const b = this.out;
    const at = f.body.offsets[0] ?? 0;
    if (this.#entries.thunkFlag[inner - this.#innerBase]) {
      // The inner body tests no flag, but may leave the module, and come back here.
      this.#loadFlag(b, at);
      b.op(Op.if, at);
      b.word(BLOCK_EMPTY);
      this.#guardTrap(b, at);
      b.op(Op.end, at);
    }
    for (let i = 0; i < type.params.length; i++) {
      b.op(Op.local_get, at);
      b.word(i);
    }
    if (entry) {
      b.op(Op.i32_const, at);
      b.word(1);
    } else {
      b.op(Op.global_get, at);
      b.word(this.#depthGlobal);
      b.op(Op.i32_const, at);
      b.word(1);
      b.op(Op.i32_add, at);
    }
    if (this.#fuel) {
      b.op(Op.global_get, at);
      b.word(this.#fuelGlobal);
    }
    b.op(Op.call, at);
    b.word(inner);
    if (this.#fuel) {
      b.op(Op.global_set, at);
      b.word(this.#fuelGlobal);
    }
    b.op(Op.end, at);
    return { type: f.type, locals: [], body: b.finish(), offset: f.offset };
  }

  override func(f: Func, index: number): Func {
    const type = funcTypeAt(this.source, f.type)!;
    this.#defined = index - this.#importedFuncs;
    this.#params = type.params.length;
    this.#depthLocal = this.#params;
    this.#fuelLocal = this.#params + 1;
    this.#results = type.results;
    let declared = 0;
    const locals = f.locals.map((g) => {
      declared += g.count;
      return { count: g.count, type: this.valType(g.type) };
    });
    this.#extraBase = this.#params + this.#extraParams + declared;
    this.#extra = [];
    const body = this.body(f.body);
    for (const type of this.#extra) locals.push({ count: 1, type });
    return { type: this.#innerTypes[index - this.#importedFuncs], locals, body, offset: f.offset };
  }

  override body(original: Code): Code {
    const code = this.#unroller ? this.#unroller.unroll(original) : original;
    const out = this.out;
    this.#nest = 0;
    this.#cost = 0;
    this.#notNaN.reset();
    const at = code.offsets[0] ?? 0;
    // Entry guard: (depth | flag) >u max [| fuel < 0]. Or-ing first saves a compare
    // (measured: 1.24× instead of 1.44× on a recursive fib); it sees every negative
    // flag value, which is what kwasm's watchdog writes (see runtime/watchdog.ts).
    // A body on no cycle of the call graph tests the depth only, one that calls
    // nothing tests nothing (entries.ts).
    const entry = this.#entries.kind[this.#defined];
    if (entry !== Entry.none) {
      out.op(Op.local_get, at);
      out.word(this.#depthLocal);
      if (entry === Entry.flag) {
        this.#loadFlag(out, at);
        out.op(Op.i32_or, at);
      }
      out.op(Op.i32_const, at);
      out.word(this.#max);
      out.op(Op.i32_gt_u, at);
      this.#trapIf(out, at);
    }
    if (this.#fuel) {
      // The block every way out leaves through (see the module docs).
      const r = this.#results;
      out.op(Op.block, at);
      out.word(
        r.length === 0
          ? BLOCK_EMPTY
          : r.length === 1
          ? blockOfValType(r[0])
          : this.#types.intern([], r),
      );
    }
    const ops = code.ops;
    const offsets = code.offsets;
    for (let pc = 0, k = 0; pc < ops.length; k++) {
      pc = this.instruction(ops, pc, out, offsets[k]);
    }
    return out.finish();
  }

  override instruction(ops: Int32Array, pc: number, out: CodeArena, at: number): number {
    const id = ops[pc];
    this.#cost++;
    this.#notNaN.record(pc);
    switch (id) {
      case Op.call: {
        const callee = ops[pc + 1];
        this.#charge(out, at);
        if (callee < this.#importedFuncs) {
          // A host function or another instance's: it may re-enter through a thunk.
          this.#storeFuel(out, at);
          out.op(Op.local_get, at);
          out.word(this.#depthLocal);
          out.op(Op.global_set, at);
          out.word(this.#depthGlobal);
          this.copyInstr(ops, pc, out, at);
          this.#loadFuel(out, at);
          return pc + 2;
        }
        this.#pushInnerArgs(out, at);
        out.op(Op.call, at);
        out.word(callee + this.source.funcs.length); // its inner body
        if (this.#fuel) {
          out.op(Op.local_set, at);
          out.word(this.#fuelLocal);
        }
        return pc + 2;
      }
      case Op.call_indirect:
        return this.#private[ops[pc + 2]]
          ? this.#privateCallIndirect(ops, pc, out, at)
          : this.#callIndirect(ops, pc, out, at);
      case Op.loop: {
        this.#charge(out, at);
        this.#kinds[++this.#nest] = Op.loop;
        const next = this.copyInstr(ops, pc, out, at);
        // A loop whose every iteration starts by calling a body that tests the flag needs
        // no header guard of its own: the callee's entry guard sees the flag and the fuel.
        // (In a recursive fib that is the difference between 1.4× and 1.25×: the header
        // would reload the flag memory's base after every call.)
        if (!this.#runTestsFlag(ops, next)) {
          this.#loadFlag(out, at);
          this.#trapIf(out, at);
        }
        return next;
      }
      case Op.block:
        // Entering a block continues the straight line: no charge.
        this.#kinds[++this.#nest] = Op.block;
        return this.copyInstr(ops, pc, out, at);
      case Op.if:
        this.#charge(out, at);
        this.#kinds[++this.#nest] = Op.if;
        return this.copyInstr(ops, pc, out, at);
      case Op.else:
        this.#charge(out, at);
        return this.copyInstr(ops, pc, out, at);
      case Op.end: {
        // Falling out of a loop continues the straight line; a block's end is a branch target.
        if (this.#kinds[this.#nest] !== Op.loop) this.#charge(out, at);
        const next = this.copyInstr(ops, pc, out, at);
        if (this.#nest-- === 0 && this.#fuel) {
          // That `end` closed the wrapping block; the function returns the fuel too.
          out.op(Op.local_get, at);
          out.word(this.#fuelLocal);
          out.op(Op.end, at);
        }
        return next;
      }
      case Op.br:
      case Op.br_if:
      case Op.br_table:
        this.#charge(out, at);
        return this.copyInstr(ops, pc, out, at);
      case Op.return:
        this.#charge(out, at);
        if (!this.#fuel) return this.copyInstr(ops, pc, out, at);
        // To the wrapping block, which pushes the fuel.
        out.op(Op.br, at);
        out.word(this.#nest);
        return pc + 1;
      case Op.i32_trunc_f32_s:
      case Op.i32_trunc_f32_u:
      case Op.i64_trunc_f32_s:
      case Op.i64_trunc_f32_u:
        if (!this.#notNaN.proven(ops)) this.#nanGuard(out, ValType.f32, at);
        return this.copyInstr(ops, pc, out, at);
      case Op.i32_trunc_f64_s:
      case Op.i32_trunc_f64_u:
      case Op.i64_trunc_f64_s:
      case Op.i64_trunc_f64_u:
        if (!this.#notNaN.proven(ops)) this.#nanGuard(out, ValType.f64, at);
        return this.copyInstr(ops, pc, out, at);
      default:
        return this.copyInstr(ops, pc, out, at);
    }
  }

  /** Whether the straight-line code at `ops[pc]` surely calls a body that tests the flag. */
  #runTestsFlag(ops: Int32Array, pc: number): boolean {
    let tests = false;
    const kind = this.#entries.kind, imported = this.#importedFuncs;
    forEachCallInRun(ops, pc, (f) => {
      if (f >= imported && kind[f - imported] === Entry.flag) tests = true;
    });
    return tests;
  }

  /** Index of a scratch local of type `t` (one per type and body), added on first use. */
  #scratch(t: ValType): number {
    let i = this.#extra.indexOf(t);
    if (i < 0) i = this.#extra.push(t) - 1;
    return this.#extraBase + i;
  }

  /**
   * `call_indirect` through a table others may see: its elements are thunks,
   * which take the depth (and fuel) from globals.
   */
  #callIndirect(ops: Int32Array, pc: number, out: CodeArena, at: number): number {
    this.#charge(out, at);
    this.#storeFuel(out, at);
    // The table index, kept for the trap message ("uninitialized element 7").
    out.op(Op.global_set, at);
    out.word(this.#indexGlobal);
    out.op(Op.global_get, at);
    out.word(this.#indexGlobal);
    out.op(Op.local_get, at);
    out.word(this.#depthLocal);
    out.op(Op.global_set, at);
    out.word(this.#depthGlobal);
    const next = this.copyInstr(ops, pc, out, at);
    this.#loadFuel(out, at);
    return next;
  }

  /**
   * `call_indirect` through a private table, which holds inner bodies: the
   * depth (and fuel) go as arguments, under the table index.
   */
  #privateCallIndirect(ops: Int32Array, pc: number, out: CodeArena, at: number): number {
    this.#charge(out, at);
    const type = funcTypeAt(this.source, ops[pc + 1])!;
    // The index for the trap message is stored only when the table leaves more than one
    // index null: this is the hot path of C function pointers (qsort's comparator, where the
    // store costs ~0.1 ns a call), and C's tables leave only index 0 (NULL) null, which the
    // trap translator can name itself. An index out of bounds is then reported without the
    // number.
    const index = this.#scratch(ValType.i32);
    if (this.#storesIndex[ops[pc + 2]]) {
      out.op(Op.local_tee, at);
      out.word(index);
      out.op(Op.global_set, at);
      out.word(this.#indexGlobal);
    } else {
      out.op(Op.local_set, at);
      out.word(index);
    }
    this.#pushInnerArgs(out, at);
    out.op(Op.local_get, at);
    out.word(index);
    const fuel = this.#fuel ? [ValType.i64] : [];
    out.op(Op.call_indirect, at);
    out.word(
      this.#types.intern([...type.params, ValType.i32, ...fuel], [...type.results, ...fuel]),
    );
    out.word(this.tableIndex(ops[pc + 2]));
    if (this.#fuel) {
      out.op(Op.local_set, at);
      out.word(this.#fuelLocal);
    }
    return pc + 3;
  }

  // ---- emitted sequences -----------------------------------------------------

  /**
   * V8 reports a NaN and an out-of-range operand of a trapping truncation
   * alike; the spec does not ("invalid conversion to integer" vs "integer
   * overflow"). So NaN is tested first: `x != x` — except where a range
   * check just before already proves the operand is not NaN (`nan.ts`).
   */
  #nanGuard(out: CodeArena, t: ValType, at: number): void {
    const s = this.#scratch(t);
    out.op(Op.local_tee, at);
    out.word(s);
    out.op(Op.local_get, at);
    out.word(s);
    out.op(t === ValType.f32 ? Op.f32_ne : Op.f64_ne, at);
    out.op(Op.if, at);
    out.word(BLOCK_EMPTY);
    out.op(Op.i32_const, at);
    out.word(Reason.nan);
    out.op(Op.global_set, at);
    out.word(this.#reasonGlobal);
    out.op(Op.unreachable, at);
    out.op(Op.end, at);
    out.op(Op.local_get, at);
    out.word(s);
  }

  /** `i32.load (memory flag) (i32.const 0)`: the interrupt flag. */
  #loadFlag(out: CodeArena, at: number): void {
    out.op(Op.i32_const, at);
    out.word(0);
    out.op(Op.i32_load, at);
    out.word(2); // align 4
    out.word(this.#flagMemory);
    out.word(0);
    out.word(0);
  }

  /** `reason = guard; unreachable`. */
  #guardTrap(out: CodeArena, at: number): void {
    out.op(Op.i32_const, at);
    out.word(Reason.guard);
    out.op(Op.global_set, at);
    out.word(this.#reasonGlobal);
    out.op(Op.unreachable, at);
  }

  /**
   * With fuel, or-s `fuel < 0` into the condition on the stack; then
   * `if (cond) { reason = guard; unreachable }`.
   */
  #trapIf(out: CodeArena, at: number): void {
    if (this.#fuel) {
      out.op(Op.local_get, at);
      out.word(this.#fuelLocal);
      out.op(Op.i64_const, at);
      out.word(0);
      out.word(0);
      out.op(Op.i64_lt_s, at);
      out.op(Op.i32_or, at);
    }
    out.op(Op.if, at);
    out.word(BLOCK_EMPTY);
    this.#storeFuel(out, at); // so the host can see that fuel ran out
    this.#guardTrap(out, at);
    out.op(Op.end, at);
  }

  /** Pushes what an inner body takes after its own arguments: this body's depth + 1, and the fuel left. */
  #pushInnerArgs(out: CodeArena, at: number): void {
    out.op(Op.local_get, at);
    out.word(this.#depthLocal);
    out.op(Op.i32_const, at);
    out.word(1);
    out.op(Op.i32_add, at);
    if (this.#fuel) {
      out.op(Op.local_get, at);
      out.word(this.#fuelLocal);
    }
  }

  /** Subtracts the current segment's instruction count from the fuel local. */
  #charge(out: CodeArena, at: number): void {
    if (!this.#fuel || this.#cost === 0) return;
    out.op(Op.local_get, at);
    out.word(this.#fuelLocal);
    out.op(Op.i64_const, at);
    out.word(this.#cost);
    out.word(0);
    out.op(Op.i64_sub, at);
    out.op(Op.local_set, at);
    out.word(this.#fuelLocal);
    this.#cost = 0;
  }

  #storeFuel(out: CodeArena, at: number): void {
    if (!this.#fuel) return;
    out.op(Op.local_get, at);
    out.word(this.#fuelLocal);
    out.op(Op.global_set, at);
    out.word(this.#fuelGlobal);
  }

  #loadFuel(out: CodeArena, at: number): void {
    if (!this.#fuel) return;
    out.op(Op.global_get, at);
    out.word(this.#fuelGlobal);
    out.op(Op.local_set, at);
    out.word(this.#fuelLocal);
  }
}

/** The function names, with each inner body named like its function; other subsections dropped. */
function innerNames(names: Names, layout: GuardLayout): Names {
  const functions = new Map(names.functions);
  for (const [index, name] of names.functions) {
    const defined = index - layout.importedFuncs;
    if (defined >= 0) functions.set(layout.innerBase + defined, name);
  }
  return { module: names.module, functions, locals: new Map(), after: SectionId.data };
}
