/**
 * Text-format renderings of module parts for human eyes: types as
 * `(func (param i32) (result i32))`, limits as `(memory 1 10)`, constant
 * expressions as `i32.const 1024`, names as `$add`.
 *
 * @module
 */

import type {
  Code,
  CompositeType,
  FieldType,
  FuncType,
  GlobalType,
  MemoryType,
  SubType,
  TableType,
} from "../runtime/module.ts";
import { instrWords, OPS } from "../runtime/opcodes.ts";
import { heapTypeName, valTypeName } from "../runtime/types.ts";

/** `(func (param i32 i32) (result i32))`; `(func)` when both are empty. */
export function funcTypeText(t: FuncType): string {
  let s = "(func";
  if (t.params.length > 0) s += ` (param ${t.params.map(valTypeName).join(" ")})`;
  if (t.results.length > 0) s += ` (result ${t.results.map(valTypeName).join(" ")})`;
  return s + ")";
}

function fieldText(f: FieldType): string {
  const t = f.packed ?? valTypeName(f.type);
  return f.mutable ? `(mut ${t})` : t;
}

/** A composite type: `(func …)`, `(struct (field i32) …)`, `(array (mut i8))`. */
export function compositeTypeText(c: CompositeType): string {
  switch (c.kind) {
    case "func":
      return funcTypeText(c);
    case "struct":
      return `(struct${c.fields.map((f) => ` (field ${fieldText(f)})`).join("")})`;
    case "array":
      return `(array ${fieldText(c.element)})`;
  }
}

/** A type definition; a final type without supertypes prints as its composite type alone. */
export function subTypeText(t: SubType): string {
  const body = compositeTypeText(t.composite);
  if (t.final && t.supers.length === 0) return body;
  const supers = t.supers.map((s) => ` ${s}`).join("");
  return `(sub${t.final ? " final" : ""}${supers} ${body})`;
}

function limitsText(min: number, max: number | null): string {
  return max === null ? `${min}` : `${min} ${max}`;
}

/** `(table 4 8 funcref)`, `(table i64 1 externref)`. */
export function tableTypeText(t: TableType): string {
  const index = t.index64 ? "i64 " : "";
  return `(table ${index}${limitsText(t.min, t.max)} ${valTypeName(t.element)})`;
}

/** `(memory 1 10)`, `(memory i64 1)`, `(memory 1 2 shared)`. */
export function memoryTypeText(t: MemoryType): string {
  const index = t.index64 ? "i64 " : "";
  return `(memory ${index}${limitsText(t.min, t.max)}${t.shared ? " shared" : ""})`;
}

/** `i32` or `(mut i32)`. */
export function globalTypeText(t: GlobalType): string {
  return t.mutable ? `(mut ${valTypeName(t.type)})` : valTypeName(t.type);
}

// Characters allowed in a text-format identifier after `$`.
const ID_CHARS = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

/** A name as a text-format identifier: `$add`, or `$"two words"` when it needs quoting. */
export function nameText(name: string): string {
  return ID_CHARS.test(name) ? `$${name}` : `$${JSON.stringify(name)}`;
}

const scratch = new DataView(new ArrayBuffer(8));

/** The shortest decimal that reads back as the same f32 (`0.1`, not `0.10000000149011612`). */
function f32Text(bits: number): string {
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  const sign = bits < 0 ? "-" : "";
  if (exp === 0xff) {
    if (mant === 0) return `${sign}inf`;
    return mant === 0x400000 ? `${sign}nan` : `${sign}nan:0x${mant.toString(16)}`;
  }
  scratch.setInt32(0, bits, true);
  const v = scratch.getFloat32(0, true);
  if (v === 0) return `${sign}0`;
  for (let p = 1; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/** An f64 from its low and high words; JS's own shortest round-trip text. */
function f64Text(lo: number, hi: number): string {
  const exp = (hi >>> 20) & 0x7ff;
  const sign = hi < 0 ? "-" : "";
  if (exp === 0x7ff) {
    const mantHi = hi & 0xfffff;
    if (mantHi === 0 && lo === 0) return `${sign}inf`;
    if (mantHi === 0x80000 && lo === 0) return `${sign}nan`;
    const payload = BigInt(mantHi) << 32n | BigInt(lo >>> 0);
    return `${sign}nan:0x${payload.toString(16)}`;
  }
  scratch.setInt32(0, lo, true);
  scratch.setInt32(4, hi, true);
  const v = scratch.getFloat64(0, true);
  return v === 0 ? `${sign}0` : String(v);
}

function i64Text(lo: number, hi: number): string {
  return BigInt.asIntN(64, BigInt(hi) << 32n | BigInt(lo >>> 0)).toString();
}

/** One instruction of a code stream at word `pc`, with its immediates: `i32.const 1024`. */
export function instrText(ops: Int32Array, pc: number): string {
  const op = OPS[ops[pc]];
  if (op === undefined) return `<opcode ${ops[pc]}>`;
  const a = ops[pc + 1];
  const b = ops[pc + 2];
  switch (op.imm) {
    case "":
      return op.name;
    case "i64":
      return `${op.name} ${i64Text(a, b)}`;
    case "f32":
      return `${op.name} ${f32Text(a)}`;
    case "f64":
      return `${op.name} ${f64Text(a, b)}`;
    case "heaptype":
      return `${op.name} ${heapTypeName(a)}`;
    case "v128":
    case "shuffle": {
      const lanes = [a, b, ops[pc + 3], ops[pc + 4]];
      const hex = lanes.map((w) => `0x${(w >>> 0).toString(16).padStart(8, "0")}`);
      return `${op.name} i32x4 ${hex.join(" ")}`;
    }
    default: {
      // Indices and plain integers: print the immediate words as they are.
      const n = instrWords(ops, pc);
      return [op.name, ...ops.subarray(pc + 1, pc + n)].join(" ");
    }
  }
}

/**
 * A constant expression as flat text, without its final `end`:
 * `i32.const 1024`, `global.get 0`, `i32.const 1 i32.const 2 i32.add`.
 */
export function constExprText(code: Code): string {
  const ops = code.ops;
  const parts: string[] = [];
  for (let pc = 0; pc < ops.length; pc += instrWords(ops, pc)) {
    if (OPS[ops[pc]] === undefined) return [...parts, `<opcode ${ops[pc]}>`].join(" ");
    const text = instrText(ops, pc);
    const last = pc + instrWords(ops, pc) >= ops.length;
    if (!(last && text === "end")) parts.push(text);
  }
  return parts.join(" ");
}
