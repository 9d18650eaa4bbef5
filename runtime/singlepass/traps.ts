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
 * V8 keeps an error's innermost `Error.stackTraceLimit` frames, raised while
 * the guest runs (`trace_limit.ts`); backtraces keep up to
 * {@linkcode MAX_BACKTRACE_FRAMES} of them, as the interpreter's do.
 *
 * @module
 */

import { Exhaustion, Trap } from "../errors.ts";
import { Op } from "../opcodes.ts";
import {
  attachBacktrace,
  backtraceOf,
  MAX_BACKTRACE_FRAMES,
  type WasmFrame,
} from "../instance/backtrace.ts";
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
   * The table index of the `call_indirect` at `frame` that trapped, for an
   * `uninitialized` element or one out of bounds; null when unknown (calls
   * through private tables record it only when needed, see `guard.ts`).
   */
  lastIndex(frame: MappedFrame, uninitialized: boolean): number | null;
  /** Reads and clears the reason global; non-zero ({@linkcode Reason}) when a guard trapped. */
  takeReason(): number;
  /** The error for a guard trap with `reason`, from the instance's state. */
  guardCause(reason: number): Trap | Exhaustion;
}

const sources = new WeakMap<WebAssembly.Instance, FrameSource>();

/** The shape of V8's `Error` constructor as far as call sites go. */
const V8Error = Error as unknown as { prepareStackTrace?: PrepareStackTrace };

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

/**
 * V8's call sites of `error` (read once: V8 prepares `stack` on first
 * access). Its `stack` becomes just the first line; {@linkcode formatStack}
 * makes the usual one when no backtrace replaces it (formatting every site
 * of a deep trace took longer than V8 took to capture it).
 */
function callSites(error: Error): CallSite[] {
  const saved = V8Error.prepareStackTrace;
  let sites: CallSite[] = [];
  V8Error.prepareStackTrace = (e, s) => {
    sites = s;
    return String(e);
  };
  try {
    void error.stack;
  } finally {
    V8Error.prepareStackTrace = saved;
  }
  return sites;
}

/** `error`'s `stack` as V8 formats it by default, from its call `sites`. */
function formatStack(error: Error, sites: CallSite[]): string {
  return `${error}\n${sites.map((site) => `    at ${site}`).join("\n")}`;
}

const WASM_FRAME = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/;

/**
 * The original frames of the guarded-module frames among `sites`, innermost
 * first (at most one more than {@linkcode MAX_BACKTRACE_FRAMES}, for
 * {@linkcode exhaustedFrames} to drop one), and the instance of the innermost
 * guarded-module frame, mapped or not (a thunk's guard traps outside any
 * original function).
 */
function wasmFrames(
  sites: CallSite[],
): { frames: (MappedFrame & { source: FrameSource })[]; top: FrameSource | null } {
  const out = [];
  let top: FrameSource | null = null;
  for (const site of sites) {
    const source = sources.get(site.getThis() as WebAssembly.Instance);
    if (!source) continue;
    top ??= source;
    let func = site.getFunction();
    let col = site.getColumnNumber();
    if (typeof func !== "number" || col === null) {
      const m = WASM_FRAME.exec(String(site));
      if (!m) continue;
      func = Number(m[1]);
      col = parseInt(m[2], 16) + 1;
    }
    const mapped = source.frame(func as number, col - 1);
    if (mapped && out.push({ ...mapped, source }) > MAX_BACKTRACE_FRAMES) break;
  }
  return { frames: out, top };
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
  if (e instanceof Trap || e instanceof Exhaustion) {
    // Thrown by a host function: the wasm frames under it, unless it has them already.
    if (backtraceOf(e) === undefined) {
      const sites = callSites(e);
      const { frames } = wasmFrames(sites);
      if (frames.length > 0) attachBacktrace(e, innermost(frames));
      else if (sites.length > 0) e.stack = formatStack(e, sites);
    }
    return e;
  }
  if (e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message)) {
    // The host engine's own stack ran out before the depth bound: its innermost frames
    // (as many as `Error.stackTraceLimit` kept, raised while the guest runs) are the guest's.
    const error = new Exhaustion("call stack exhausted");
    attachBacktrace(error, exhaustedFrames(wasmFrames(callSites(e)).frames));
    return error;
  }
  if (!(e instanceof WebAssembly.RuntimeError)) return e;
  const { frames, top: source } = wasmFrames(callSites(e));
  const message = e.message.replace(/^WebAssembly\.\w+\(\): /, "");
  const top = frames[0];
  // Only guards (and the NaN check) run `unreachable` in code the guard pass added.
  const reason = source && /^unreachable/.test(message) ? source.takeReason() : 0;
  let error: Trap | Exhaustion;
  if (reason !== 0) {
    error = source!.guardCause(reason);
  } else if (top?.op === Op.call_indirect && /^table index is out of bounds/.test(message)) {
    error = new Trap(withIndex("undefined element", top.source.lastIndex(top, false)));
  } else if (top?.op === Op.call_indirect && /^null function/.test(message)) {
    error = new Trap(withIndex("uninitialized element", top.source.lastIndex(top, true)));
  } else {
    const phrase = MESSAGES.find(([re]) => re.test(message))?.[1];
    error = new Trap(phrase ?? message);
  }
  attachBacktrace(
    error,
    error instanceof Exhaustion ? exhaustedFrames(frames) : innermost(frames),
  );
  return error;
}

/**
 * The backtrace of a call that found the stack full: without the frame of
 * the function being entered (its entry guard, or V8's stack check in its
 * prologue), so that the innermost frame is the call that could not be
 * made, as the interpreter reports it.
 */
function exhaustedFrames(frames: MappedFrame[]): WasmFrame[] {
  const top = frames[0];
  const entered = frames.length > 1 && top.entry && top.op !== Op.call &&
    top.op !== Op.call_indirect;
  return innermost(entered ? frames.slice(1) : frames);
}

/** The innermost {@linkcode MAX_BACKTRACE_FRAMES} of `frames`. */
function innermost(frames: MappedFrame[]): WasmFrame[] {
  return frames.slice(0, MAX_BACKTRACE_FRAMES).map((f) => f.frame);
}
