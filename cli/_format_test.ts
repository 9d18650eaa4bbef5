import assert from "node:assert/strict";
import { CodeBuilder } from "../runtime/code.ts";
import type { Code } from "../runtime/module.ts";
import { Op } from "../runtime/opcodes.ts";
import { HeapType, refType, ValType } from "../runtime/types.ts";
import {
  constExprText,
  globalTypeText,
  memoryTypeText,
  nameText,
  subTypeText,
  tableTypeText,
} from "./_format.ts";

/** A constant expression: one instruction with the given immediate words, then `end`. */
function expr(op: number, ...words: number[]): Code {
  const b = new CodeBuilder();
  b.op(op);
  for (const w of words) b.word(w);
  b.op(Op.end);
  return b.finish();
}

const f32 = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0];
const f64 = (x: number) => [...new Int32Array(new Float64Array([x]).buffer)];

Deno.test("constExprText prints integers in full, signed", () => {
  assert.equal(constExprText(expr(Op.i32_const, -1)), "i32.const -1");
  assert.equal(
    constExprText(expr(Op.i64_const, 0, 0x8000_0000 | 0)),
    "i64.const -9223372036854775808",
  );
  assert.equal(constExprText(expr(Op.i64_const, -1, 0x7fff_ffff)), "i64.const 9223372036854775807");
});

Deno.test("constExprText prints floats as the shortest text that reads back", () => {
  assert.equal(constExprText(expr(Op.f32_const, f32(0.1))), "f32.const 0.1");
  assert.equal(constExprText(expr(Op.f32_const, f32(-0))), "f32.const -0");
  assert.equal(
    constExprText(expr(Op.f32_const, f32(3.4028234663852886e38))),
    "f32.const 3.4028235e+38",
  );
  assert.equal(constExprText(expr(Op.f64_const, ...f64(0.1))), "f64.const 0.1");
  assert.equal(constExprText(expr(Op.f64_const, ...f64(-Infinity))), "f64.const -inf");
});

Deno.test("constExprText tells canonical NaN from NaN with a payload", () => {
  assert.equal(constExprText(expr(Op.f32_const, 0x7fc0_0000)), "f32.const nan");
  assert.equal(constExprText(expr(Op.f32_const, 0xffc0_0000 | 0)), "f32.const -nan");
  assert.equal(constExprText(expr(Op.f32_const, 0x7f80_0001)), "f32.const nan:0x1");
  assert.equal(constExprText(expr(Op.f64_const, 0, 0x7ff8_0000)), "f64.const nan");
  assert.equal(constExprText(expr(Op.f64_const, 5, 0x7ff0_0000)), "f64.const nan:0x5");
});

Deno.test("constExprText prints references, globals, vectors and extended constants", () => {
  assert.equal(constExprText(expr(Op.ref_null, HeapType.extern)), "ref.null extern");
  assert.equal(constExprText(expr(Op.ref_func, 7)), "ref.func 7");
  assert.equal(constExprText(expr(Op.global_get, 3)), "global.get 3");
  assert.equal(
    constExprText(expr(Op.v128_const, 1, 2, 3, -1)),
    "v128.const i32x4 0x00000001 0x00000002 0x00000003 0xffffffff",
  );
  const b = new CodeBuilder();
  b.op(Op.i32_const);
  b.word(1);
  b.op(Op.global_get);
  b.word(0);
  b.op(Op.i32_add);
  b.op(Op.end);
  assert.equal(constExprText(b.finish()), "i32.const 1 global.get 0 i32.add");
});

Deno.test("type texts follow the text format", () => {
  assert.equal(
    tableTypeText({ min: 1, max: null, element: ValType.funcref, index64: false }),
    "(table 1 funcref)",
  );
  assert.equal(
    tableTypeText({ min: 0, max: 9, element: ValType.externref, index64: true }),
    "(table i64 0 9 externref)",
  );
  assert.equal(
    memoryTypeText({ min: 1, max: 2, shared: true, index64: false }),
    "(memory 1 2 shared)",
  );
  assert.equal(globalTypeText({ type: ValType.v128, mutable: true }), "(mut v128)");
  assert.equal(
    subTypeText({
      final: true,
      supers: [],
      composite: { kind: "func", params: [], results: [ValType.i32, ValType.i64] },
    }),
    "(func (result i32 i64))",
  );
  assert.equal(
    subTypeText({
      final: false,
      supers: [2],
      composite: {
        kind: "struct",
        fields: [
          { type: ValType.i32, packed: "i8", mutable: true },
          { type: refType(0, true), packed: null, mutable: false },
        ],
      },
    }),
    "(sub 2 (struct (field (mut i8)) (field (ref null 0))))",
  );
});

Deno.test("nameText quotes names that are not plain identifiers", () => {
  assert.equal(nameText("add"), "$add");
  assert.equal(nameText("std::vector<int>::at"), "$std::vector<int>::at");
  assert.equal(nameText("two words"), '$"two words"');
  assert.equal(nameText(""), '$""');
});
