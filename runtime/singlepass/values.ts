/**
 * Exact values across the JS boundary for `Instance.invoke`: {@linkcode RawValue}s
 * (floats as bits, `v128` as bytes) to and from the arguments and results of
 * a guarded module's raw wrappers (see `raw.ts`), where f32/f64 travel as
 * i32/i64 and `v128` as four i32 lanes.
 *
 * @module
 */

import type { RawValue } from "../engine.ts";
import { ValType } from "../types.ts";

/** Appends the wrapper arguments for `value` of type `t` to `out`. */
export function pushArg(
  t: ValType,
  value: RawValue,
  out: unknown[],
  unwrap: (v: unknown) => unknown,
): void {
  switch (t) {
    case ValType.i32:
    case ValType.f32:
      out.push(Number(value) | 0);
      return;
    case ValType.i64:
    case ValType.f64:
      out.push(BigInt.asIntN(64, BigInt(value as bigint | number)));
      return;
    case ValType.v128: {
      const b = value as Uint8Array;
      const view = new DataView(b.buffer, b.byteOffset, 16);
      for (let i = 0; i < 16; i += 4) out.push(view.getInt32(i, true));
      return;
    }
    default:
      out.push(unwrap(value));
  }
}

/**
 * The results of types `types` from what a wrapper returned: `undefined` for
 * none, the value for one, an array for several (JS API multi-value).
 */
export function takeResults(types: readonly ValType[], returned: unknown): RawValue[] {
  let flat = 0;
  for (const t of types) flat += t === ValType.v128 ? 4 : 1;
  const vals = flat === 0 ? [] : flat === 1 ? [returned] : returned as unknown[];
  const out: RawValue[] = [];
  let i = 0;
  for (const t of types) {
    switch (t) {
      case ValType.i32:
        out.push((vals[i++] as number) | 0);
        break;
      case ValType.f32:
        out.push((vals[i++] as number) >>> 0);
        break;
      case ValType.i64:
        out.push(BigInt.asIntN(64, vals[i++] as bigint));
        break;
      case ValType.f64:
        out.push(BigInt.asUintN(64, vals[i++] as bigint));
        break;
      case ValType.v128: {
        const bytes = new Uint8Array(16);
        const view = new DataView(bytes.buffer);
        for (let lane = 0; lane < 4; lane++) view.setInt32(lane * 4, vals[i++] as number, true);
        out.push(bytes);
        break;
      }
      default:
        out.push(vals[i++] as RawValue);
    }
  }
  return out;
}
