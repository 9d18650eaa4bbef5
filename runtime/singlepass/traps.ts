/**
 * Turning what the host engine throws into kwasm's errors: V8's trap
 * messages become the spec's phrases (`"divide by zero"` → `"integer divide
 * by zero"`), its stack overflow becomes `Exhaustion("call stack
 * exhausted")`, a guard's `unreachable` becomes what the guard found
 * (interrupt, fuel, depth), and the wasm frames of V8's stack become a
 * backtrace of the *original* module: function indices and names from its
 * name section, byte offsets in its binary.
 *
 * V8 hands out its frames as structured call sites through
 * `Error.prepareStackTrace`; for a wasm frame `getThis()` is the
 * `WebAssembly.Instance`, `getFunction()` the function index and
 * `getColumnNumber() - 1` the byte offset in the module that instance runs.
 *
 * @module
 */

import { Exhaustion, Trap } from "../errors.ts";
import { Op } from "../opcodes.ts";
import { attachBacktrace, type WasmFrame } from "../instance/backtrace.ts";
import type { MappedFrame } from "./offsets.ts";

export type { WasmFrame };

/** What a guarded instance tells the translator (registered per `WebAssembly.Instance`). */
export interface FrameSource {
  /**
   * Maps a frame of the guarded module to the original one, with the opcode
   * id of the instruction there; null for frames of code the guard pass
   * added (thunks, wrappers).
   */
  frame(func: number, offset: number): MappedFrame | null;
  /**
   * The table index of the latest `call_indirect` through a table others can
   * see, or null when the one at `frame` went through a private table (which
   * records none, see `guard.ts`).
   */
  lastIndex(frame: MappedFrame): number | null;
  /** Reads and clears the reason global; non-zero ({@linkcode Reason}) when a guard trapped. */
  takeReason(): number;
  /** The error for a guard trap with `reason`, from the instance's state. */
  guardCause(reason: number): Trap | Exhaustion;
}

const sources = new WeakMap<WebAssembly.Instance, FrameSource>();

/** Registers the translator's view of a guarded instance. */
export function registerInstance(instance: WebAssembly.Instance, source: FrameSource): void {
  sources.set(instance, source);
}

/** V8's trap messages (after its `WebAssembly.Instance(): ` prefix, if any) → spec phrases. */
const MESSAGES: readonly [RegExp, string][] = [
  [/^divide by zero|^remainder by zero/, "integer divide by zero"],
  [/^divide result unrepresentable/, "integer overflow"],
  // NaN operands are caught by a guard first (V8 does not tell them apart).
  [/^float unrepresentable in integer range/, "integer overflow"],
  [/^memory access out of bounds|^data segment.*out of bounds/, "out of bounds memory access"],
  [
    /^table index is out of bounds|^table access out of bounds|^element segment/,
    "out of bounds table access",
  ],
  [/^null function/, "uninitialized element"],
  [/^function signature mismatch/, "indirect call type mismatch"],
  [/^unreachable/, "unreachable"],
  [/^operation does not support unaligned accesses/, "unaligned atomic"],
];

/** Minimal view of V8's `CallSite`. */
interface CallSite {
  getThis(): unknown;
  getFunction(): unknown;
  getColumnNumber(): number | null;
  toString(): string;
}

type PrepareStackTrace = (error: Error, sites: CallSite[]) => unknown;

/** V8's call sites of `error` (read once: V8 formats `stack` on first access). */
function callSites(error: Error): CallSite[] {
  const E = Error as unknown as { prepareStackTrace?: PrepareStackTrace };
  const saved = E.prepareStackTrace;
  let sites: CallSite[] = [];
  E.prepareStackTrace = (e, s) => {
    sites = s;
    return `${e}\n${s.map((site) => `    at ${site}`).join("\n")}`;
  };
  try {
    void error.stack;
  } finally {
    E.prepareStackTrace = saved;
  }
  return sites;
}

const WASM_FRAME = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/;

/** The original frames of every guarded-module frame among `sites`, innermost first. */
function wasmFrames(sites: CallSite[]): (MappedFrame & { source: FrameSource })[] {
  const out = [];
  for (const site of sites) {
    const source = sources.get(site.getThis() as WebAssembly.Instance);
    if (!source) continue;
    let func = site.getFunction();
    let col = site.getColumnNumber();
    if (typeof func !== "number" || col === null) {
      const m = WASM_FRAME.exec(String(site));
      if (!m) continue;
      func = Number(m[1]);
      col = parseInt(m[2], 16) + 1;
    }
    const mapped = source.frame(func as number, col - 1);
    if (mapped) out.push({ ...mapped, source });
  }
  return out;
}

function withIndex(phrase: string, index: number | null): string {
  return index === null ? phrase : `${phrase} ${index}`;
}

/**
 * The kwasm error for whatever a call into guarded code threw: V8 traps and
 * stack overflows translated (with a backtrace); anything else — a host
 * function's own exception, an already translated trap — unchanged.
 */
export function translateError(e: unknown): unknown {
  if (e instanceof Trap || e instanceof Exhaustion) return e;
  if (e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message)) {
    return new Exhaustion("call stack exhausted");
  }
  if (!(e instanceof WebAssembly.RuntimeError)) return e;
  const frames = wasmFrames(callSites(e));
  const message = e.message.replace(/^WebAssembly\.\w+\(\): /, "");
  const top = frames[0];
  const reason = top && /^unreachable/.test(message) ? top.source.takeReason() : 0;
  let error: Trap | Exhaustion;
  if (reason !== 0) {
    error = top.source.guardCause(reason);
  } else if (top?.op === Op.call_indirect && /^table index is out of bounds/.test(message)) {
    error = new Trap(withIndex("undefined element", top.source.lastIndex(top)));
  } else if (top?.op === Op.call_indirect && /^null function/.test(message)) {
    error = new Trap(withIndex("uninitialized element", top.source.lastIndex(top)));
  } else {
    const phrase = MESSAGES.find(([re]) => re.test(message))?.[1];
    error = new Trap(phrase ?? message);
  }
  attachBacktrace(error, frames.map((f) => f.frame));
  return error;
}
