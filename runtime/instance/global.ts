/**
 * A global variable shared between instances: kwasm's counterpart of
 * `WebAssembly.Global`, which keeps the value's exact bits (a
 * `WebAssembly.Global` of type f32 hands NaN payloads through JS numbers)
 * and which an interpreter reads with one typed-array load.
 *
 * @module
 */

import type { GlobalLike, RawValue } from "../engine.ts";
import type { GlobalType } from "../module.ts";
import { isRef, ValType } from "../types.ts";
import { type FuncRef, funcRefOf } from "./func_ref.ts";
import { fromJSValue, toJSValue } from "./values.ts";

/** A global: its type and its current value, kept as bits. */
export class Global implements GlobalLike {
  /** Value type and mutability. */
  readonly type: GlobalType;
  /**
   * The value's bits: i32 and f32 in word 0, i64 and f64 in words 0–1 (low
   * word first), v128 in words 0–3. Engines read and write it directly.
   */
  readonly bits: Int32Array = new Int32Array(4);
  /**
   * The value of a reference-typed global in engines' internal form: a
   * `FuncRef` for a function, any JS value for externref, null for the null
   * reference.
   */
  ref: unknown = null;

  /**
   * Creates a global of `type` holding `init` (an exact value, see
   * `RawValue`), or the type's zero.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Global } from "./global.ts";
   * const g = new Global({ type: 0x7e, mutable: true }, 666n); // i64
   * assert.equal(g.value, 666n);
   * g.value = -1n;
   * assert.deepEqual([...g.bits.subarray(0, 2)], [-1, -1]);
   * ```
   */
  constructor(type: GlobalType, init?: RawValue) {
    this.type = type;
    if (init !== undefined) this.setRaw(init);
  }

  /** The value in the JS API's conversion (i64 as bigint, floats as numbers). */
  get value(): unknown {
    return toJSValue(this.type.type, this.getRaw());
  }

  /** Sets the value from a JS value; TypeError if the global is immutable. */
  set value(v: unknown) {
    if (!this.type.mutable) throw new TypeError("can't set the value of an immutable global");
    this.setRaw(fromJSValue(this.type.type, v));
  }

  /** The value, as {@linkcode Global.value}. */
  valueOf(): unknown {
    return this.value;
  }

  /** The exact value (see `RawValue`). */
  getRaw(): RawValue {
    const b = this.bits;
    const t = this.type.type;
    switch (t) {
      case ValType.i32:
        return b[0];
      case ValType.f32:
        return b[0] >>> 0;
      case ValType.i64:
        return (BigInt(b[1]) << 32n) | BigInt(b[0] >>> 0);
      case ValType.f64:
        return (BigInt(b[1] >>> 0) << 32n) | BigInt(b[0] >>> 0);
      case ValType.v128:
        return new Uint8Array(b.buffer.slice(0, 16));
      default: {
        const r = this.ref;
        return t === ValType.funcref && r !== null ? (r as FuncRef).toJS() : r;
      }
    }
  }

  /** Sets the exact value, ignoring mutability (for instantiation and engines). */
  setRaw(v: RawValue): void {
    const b = this.bits;
    const t = this.type.type;
    if (isRef(t)) {
      this.ref = t === ValType.funcref && v !== null ? funcRefOf(v) ?? null : v;
    } else if (t === ValType.i32 || t === ValType.f32) {
      b[0] = v as number;
    } else if (t === ValType.v128) {
      new Uint8Array(b.buffer).set(v as Uint8Array);
    } else {
      const x = v as bigint;
      b[0] = Number(BigInt.asIntN(32, x));
      b[1] = Number(BigInt.asIntN(32, x >> 32n));
    }
  }
}
