/**
 * A synchronous fast path with a suspending fallback for host functions that
 * may return a Promise.
 *
 * Every call through a `WebAssembly.Suspending` import costs ~100–200 ns even
 * when the host returns a plain number (a plain import: ~10–25 ns), and most
 * calls of e.g. `net._recvfrom` on a non-blocking socket do return a number.
 * So an `(i32*) -> i32` import is linked to a tiny generated wasm function
 * instead:
 *
 * ```wat
 * (func (param i32 ...) (result i32) (local $r i32)
 *   (local.tee $r (call $fast (local.get 0) ...))
 *   (if (result i32) (i32.eq (i32.const 0x80000000))
 *     (then (call $slow)) (else (local.get $r))))
 * ```
 *
 * `fast` is a plain import that calls the host function and returns its
 * number, or stashes anything else (a Promise) and returns {@linkcode SENTINEL};
 * `slow` is a `WebAssembly.Suspending` around "return what was stashed", so
 * JSPI suspends the guest on the Promise exactly as before — the trampoline's
 * frame is wasm on the same stack, which JSPI suspends through. The guest
 * cannot tell the difference, nor can the host function.
 *
 * @module
 */

import { ValType } from "../types.ts";
import { suspending } from "./jspi.ts";

/**
 * What `fast` returns when the host function did not return a usable number.
 * A real result rarely takes this value — WASI returns errnos ≥ 0 and `net`
 * returns ≥ 0 or −errno ≥ −4095 — but one that does (any number whose
 * ToInt32 is −2^31) is not lost either: `fast` stashes it like a Promise and
 * `slow` hands it back, which only costs the slow call.
 */
export const SENTINEL: number = -0x80000000;

/** The largest parameter count a trampoline is made for (single-byte LEB local indices). */
export const MAX_TRAMPOLINE_PARAMS = 64;

/** The last thing the host function returned that was not a plain number. */
interface Pending {
  value: unknown;
}

function settle(r: unknown, pending: Pending): unknown {
  // `(r | 0)` is what the host engine's ToInt32 makes of the number.
  if (typeof r === "number" && (r | 0) !== SENTINEL) return r;
  pending.value = r;
  return SENTINEL;
}

type Host = (...args: number[]) => unknown;

/** `fast` for an `n`-parameter function: exactly `n` arguments, no rest array on the hot arities. */
function fastFor(f: Host, n: number, p: Pending): (...args: number[]) => unknown {
  switch (n) {
    case 0:
      return () => settle(f(), p);
    case 1:
      return (a) => settle(f(a), p);
    case 2:
      return (a, b) => settle(f(a, b), p);
    case 3:
      return (a, b, c) => settle(f(a, b, c), p);
    case 4:
      return (a, b, c, d) => settle(f(a, b, c, d), p);
    case 5:
      return (a, b, c, d, e) => settle(f(a, b, c, d, e), p);
    case 6:
      return (a, b, c, d, e, g) => settle(f(a, b, c, d, e, g), p);
    default:
      return (...args) => settle(f(...args), p);
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? byte : byte | 0x80);
  } while (n !== 0);
  return out;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** `i32` in the binary format, which is also its packed `ValType`. */
const I32 = 0x7f;

/** The binary of the trampoline module for `n` i32 parameters (see the module doc). */
export function trampolineBytes(n: number): Uint8Array<ArrayBuffer> {
  const params = new Array<number>(n).fill(I32);
  const getArgs: number[] = [];
  for (let i = 0; i < n; i++) getArgs.push(0x20, ...uleb(i)); // local.get i
  const r = uleb(n); // the local after the parameters
  // deno-fmt-ignore
  const body = [
    1, 1, I32, // one local $r: i32
    ...getArgs,
    0x10, 0, // call $fast
    0x22, ...r, // local.tee $r
    0x41, 0x80, 0x80, 0x80, 0x80, 0x78, // i32.const -2^31 (SENTINEL)
    0x46, // i32.eq
    0x04, I32, // if (result i32)
    0x10, 1, //   call $slow
    0x05, // else
    0x20, ...r, //   local.get $r
    0x0b, // end
    0x0b, // end of the body
  ];
  // deno-fmt-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [2, 0x60, ...uleb(n), ...params, 1, I32, 0x60, 0, 1, I32]), // types
    ...section(2, [2, ...name("k"), ...name("fast"), 0, 0, ...name("k"), ...name("slow"), 0, 1]),
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, ...name("f"), 0, 2]), // export "f" = function 2
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** Compiled trampoline modules by parameter count: compiled once, instantiated per import. */
const modules = new Map<number, WebAssembly.Module>();

/**
 * Whether a function type suits a trampoline: only i32 parameters (at most
 * {@linkcode MAX_TRAMPOLINE_PARAMS}) and a single i32 result, the result
 * being where the sentinel travels.
 */
export function fitsTrampoline(params: readonly number[], results: readonly number[]): boolean {
  return params.length <= MAX_TRAMPOLINE_PARAMS && params.every((t) => t === ValType.i32) &&
    results.length === 1 && results[0] === ValType.i32;
}

/**
 * The import to link in place of `WebAssembly.Suspending(f)` for a host
 * function of `n` i32 parameters and an i32 result: a wasm function that
 * calls `f` synchronously and suspends only when `f` returns a Promise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trampoline } from "./trampoline.ts";
 * const f = trampoline((a: number) => a + 1, 1) as (a: number) => number;
 * assert.equal(f(41), 42); // a number: no suspension, callable from JS too
 * ```
 */
export function trampoline(f: (...args: never[]) => unknown, n: number): WebAssembly.ExportValue {
  if (n > MAX_TRAMPOLINE_PARAMS) throw new RangeError(`trampoline: ${n} parameters`);
  let module = modules.get(n);
  if (module === undefined) {
    module = new WebAssembly.Module(trampolineBytes(n));
    modules.set(n, module);
  }
  const pending: Pending = { value: undefined };
  const slow = suspending(() => {
    const value = pending.value;
    pending.value = undefined; // don't keep a settled Promise alive
    return value;
  });
  const fast = fastFor(f as unknown as Host, n, pending);
  const instance = new WebAssembly.Instance(module, {
    k: { fast, slow } as unknown as WebAssembly.ModuleImports,
  });
  return instance.exports.f;
}
