import assert from "node:assert/strict";
import {
  BLOCK_EMPTY,
  blockOfValType,
  heapOf,
  HeapType,
  isNullable,
  isNum,
  isRef,
  refType,
  ValType,
  valTypeName,
  valTypeOfBlock,
} from "./types.ts";

Deno.test("funcref and externref are the packed (ref null func/extern)", () => {
  assert.equal(ValType.funcref, refType(HeapType.func, true));
  assert.equal(ValType.externref, refType(HeapType.extern, true));
});

Deno.test("reference types pack and unpack", () => {
  for (const heap of [HeapType.func, HeapType.exn, HeapType.noexn, 0, 7, 1_000_000]) {
    for (const nullable of [true, false]) {
      const t = refType(heap, nullable);
      assert.ok(isRef(t));
      assert.equal(isNullable(t), nullable);
      assert.equal(heapOf(t), heap);
      assert.ok(!isNum(t));
      assert.ok(Number.isInteger(t) && t > 0 && t < 2 ** 30, "fits a V8 Smi");
    }
  }
  assert.equal(valTypeName(refType(3, false)), "(ref 3)");
  assert.equal(valTypeName(refType(HeapType.any, true)), "(ref null any)");
});

Deno.test("block types never collide", () => {
  const all = [ValType.i32, ValType.i64, ValType.f32, ValType.f64, ValType.v128, ValType.funcref];
  for (const t of all) {
    const bt = blockOfValType(t);
    assert.ok(bt < 0 && bt !== BLOCK_EMPTY);
    assert.equal(valTypeOfBlock(bt), t);
  }
  assert.equal(valTypeName(ValType.f64), "f64");
  assert.ok(isNum(ValType.i32) && !isNum(ValType.v128));
});
