/**
 * Constant expressions: global initialisers, element and data segment
 * offsets, element initialisers.
 *
 * In WebAssembly 2.0 a constant expression is a sequence of `t.const`,
 * `ref.null`, `ref.func` and `global.get` of an *imported immutable* global
 * (the context of constant expressions holds the imported globals only),
 * leaving exactly one value of the expected type. As in the reference
 * interpreter, constness is checked for every instruction before typing.
 *
 * @module
 */

import type { Code } from "../module.ts";
import { Op, OPS } from "../opcodes.ts";
import { refType, ValType, valTypeName } from "../types.ts";
import { type Context, invalid } from "./context.ts";

function offsetOf(code: Code, instr: number): number {
  return instr < code.offsets.length ? code.offsets[instr] : -1;
}

/**
 * Validates `code` as a constant expression producing one value of type
 * `expected`. Throws `InvalidError` with the offending
 * instruction's offset.
 */
export function validateConstExpr(ctx: Context, code: Code, expected: ValType): void {
  const ops = code.ops;
  let instr = 0;
  let count = 0;
  let type = 0;
  let pc = 0;
  for (; pc < ops.length; instr++) {
    const id = ops[pc];
    const a = ops[pc + 1];
    let t: ValType;
    switch (id) {
      case Op.i32_const:
        t = ValType.i32;
        break;
      case Op.i64_const:
        t = ValType.i64;
        break;
      case Op.f32_const:
        t = ValType.f32;
        break;
      case Op.f64_const:
        t = ValType.f64;
        break;
      case Op.v128_const:
        t = ValType.v128;
        break;
      case Op.ref_null:
        if (a >= ctx.isFuncType.length) invalid(`unknown type ${a}`, offsetOf(code, instr));
        t = refType(a, true);
        break;
      case Op.ref_func:
        if (a >>> 0 >= ctx.funcTypes.length) {
          invalid(`unknown function ${a >>> 0}`, offsetOf(code, instr));
        }
        t = ValType.funcref;
        break;
      case Op.global_get:
        if (a >>> 0 >= ctx.importedGlobals) {
          invalid(`unknown global ${a >>> 0}`, offsetOf(code, instr));
        }
        if (ctx.globalMut[a] === 1) {
          invalid(
            "constant expression required: global.get of a mutable global",
            offsetOf(code, instr),
          );
        }
        t = ctx.globalType[a];
        break;
      case Op.end:
        pc++;
        if (pc !== ops.length) invalid("constant expression required", offsetOf(code, instr + 1));
        continue;
      default:
        invalid(`constant expression required: ${OPS[id].name}`, offsetOf(code, instr));
    }
    // Every constant instruction of 2.0 only pushes: the stack is `count`
    // values, the last of type `type`.
    count++;
    type = t;
    pc += 1 + OPS[id].immWords;
  }
  const at = offsetOf(code, Math.max(instr - 1, 0));
  if (count === 0) {
    invalid(`type mismatch: expected ${valTypeName(expected)}, got nothing`, at);
  }
  if (count > 1) invalid(`type mismatch: ${count - 1} extra value(s) in constant expression`, at);
  if (type !== expected) {
    invalid(`type mismatch: expected ${valTypeName(expected)}, got ${valTypeName(type)}`, at);
  }
}

/**
 * Calls `declare(f)` for every `ref.func f` in `code` (the functions a
 * module declares outside function bodies, `C.refs`).
 */
export function forEachRefFunc(code: Code, declare: (f: number) => void): void {
  const ops = code.ops;
  for (let pc = 0; pc < ops.length;) {
    const id = ops[pc];
    if (id === Op.ref_func) declare(ops[pc + 1]);
    const w = OPS[id].immWords;
    if (w < 0) return; // not a constant instruction; validation reports it
    pc += 1 + w;
  }
}
