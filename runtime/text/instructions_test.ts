import assert from "node:assert/strict";
import { parseWat } from "./mod.ts";
import { instrs } from "./_testing.ts";
import { BLOCK_EMPTY, blockOfValType, HeapType, ValType } from "../types.ts";

/** The instructions of the last function of a module. */
function body(wat: string): string[] {
  const m = parseWat(wat);
  return instrs(m.funcs[m.funcs.length - 1].body);
}

Deno.test("folded and flat forms give the same stream", () => {
  const folded = body(`(func (param i32) (result i32)
    (i32.add (local.get 0) (i32.mul (i32.const 2) (i32.const 3))))`);
  const flat = body(`(func (param i32) (result i32)
    local.get 0 i32.const 2 i32.const 3 i32.mul i32.add)`);
  assert.deepEqual(folded, flat);
  assert.deepEqual(flat, [
    "local.get 0",
    "i32.const 2",
    "i32.const 3",
    "i32.mul",
    "i32.add",
    "end",
  ]);
});

Deno.test("folded if: condition first, then the arms", () => {
  const folded = body(`(func (result i32)
    (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3))))`);
  const flat = body(`(func (result i32)
    i32.const 1 if (result i32) i32.const 2 else i32.const 3 end)`);
  assert.deepEqual(folded, flat);
  assert.equal(folded[1], `if ${blockOfValType(ValType.i32)}`);
  assert.deepEqual(body("(func (if (i32.const 0) (then)))"), [
    "i32.const 0",
    `if ${BLOCK_EMPTY}`,
    "end",
    "end",
  ]);
});

Deno.test("labels: names resolve to depths, innermost binding wins, numbers stay", () => {
  assert.deepEqual(
    body(`(func (block $a (block $b (loop $a (br $a) (br $b) (br 2) (br_if $a (i32.const 0))))))`),
    [
      `block ${BLOCK_EMPTY}`,
      `block ${BLOCK_EMPTY}`,
      `loop ${BLOCK_EMPTY}`,
      "br 0",
      "br 1",
      "br 2",
      "i32.const 0",
      "br_if 0",
      "end",
      "end",
      "end",
      "end",
    ],
  );
  // A numeric label beyond the nesting is the validator's business.
  assert.deepEqual(body("(func (br 7))"), ["br 7", "end"]);
  assert.deepEqual(body("(func block $l i32.const 0 br_table $l 0 1 $l end)"), [
    `block ${BLOCK_EMPTY}`,
    "i32.const 0",
    "br_table 3 0 0 1 0",
    "end",
    "end",
  ]);
});

Deno.test("end and else may repeat the label, and must match it", () => {
  assert.deepEqual(body("(func block $l end $l)"), [`block ${BLOCK_EMPTY}`, "end", "end"]);
  body("(func i32.const 1 if $l else $l end $l)");
  assert.throws(() => body("(func block $l end $m)"), { message: /^mismatching label/ });
  assert.throws(() => body("(func block end $l)"), { message: /^mismatching label/ });
  assert.throws(() => body("(func i32.const 1 if $a else $b end)"), {
    message: /^mismatching label/,
  });
  assert.throws(() => body("(func (br $nowhere))"), { message: /^unknown label \$nowhere/ });
});

Deno.test("locals: parameters first, names and numbers", () => {
  const m = parseWat(`(func (param $x i32) (param f32) (local $y i64) (local f64 f64)
    (local.get $x) (local.set $y (i64.const 1)) (local.tee 4 (f64.const 0)) drop drop)`);
  assert.deepEqual(instrs(m.funcs[0].body).slice(0, 4), [
    "local.get 0",
    "i64.const 1 0",
    "local.set 2",
    "f64.const 0 0",
  ]);
  assert.deepEqual(m.funcs[0].locals, [{ count: 1, type: ValType.i64 }, {
    count: 2,
    type: ValType.f64,
  }]);
  assert.throws(() => parseWat("(func (local.get $nope))"), { message: /^unknown local \$nope/ });
  assert.throws(() => parseWat("(func (param $x i32) (local $x i32))"), {
    message: /^duplicate local/,
  });
});

Deno.test("memory immediates: natural alignment by default, offset and align", () => {
  const code = body(`(memory 1) (func
    (drop (i32.load (i32.const 0)))
    (drop (i64.load32_u offset=8 (i32.const 0)))
    (drop (i32.load8_s align=1 (i32.const 0)))
    (drop (v128.load8x8_s offset=0xffff_ffff align=4 (i32.const 0)))
    (drop (v128.load16_lane 7 (i32.const 0) (v128.const i64x2 0 0)))
    (v128.store (i32.const 0) (v128.const i32x4 0 0 0 0)))`);
  assert.equal(code[1], "i32.load 2 0 0 0");
  assert.equal(code[4], "i64.load32_u 2 0 8 0");
  assert.equal(code[7], "i32.load8_s 0 0 0 0");
  assert.equal(code[10], "v128.load8x8_s 2 0 -1 0");
  assert.equal(code[14], "v128.load16_lane 1 0 0 0 7");
  assert.equal(code[18], "v128.store 4 0 0 0");
  assert.throws(() => body("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))"), {
    message: /^alignment must be a power of two/,
  });
  assert.throws(
    () => body("(memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0))))"),
    { message: /^i32 constant/ },
  );
  assert.throws(() => body("(memory 1) (func (drop (i32.load offset=x (i32.const 0))))"), {
    message: /^unknown operator offset=x/,
  });
});

Deno.test("constants: every literal form reaches the stream as bits", () => {
  assert.deepEqual(
    body(`(func
      i32.const 0xffff_ffff i64.const -1 f32.const -0x1p-149 f64.const nan:0x1
      v128.const f32x4 1 -1 inf -nan drop drop drop drop drop)`).slice(0, 5),
    [
      "i32.const -1",
      "i64.const -1 -1",
      "f32.const -2147483647",
      "f64.const 1 2146435072",
      "v128.const 1065353216 -1082130432 2139095040 -4194304",
    ],
  );
  assert.throws(() => body("(func (drop (i32.const 4294967296)))"), {
    message: /^constant out of range/,
  });
  assert.throws(() => body("(func (drop (f32.const 1e39)))"), {
    message: /^constant out of range/,
  });
  assert.throws(() => body("(func (drop (i32.const)))"), { message: /^unexpected token/ });
  assert.throws(() => body("(func (drop (i32.const 1.5)))"), { message: /^unexpected token/ });
  assert.throws(() => body("(func (drop (i32.const 0x)))"), { message: /^unknown operator 0x/ });
});

Deno.test("v128 lanes: every shape, and the lane count is checked first", () => {
  const v = (shape: string) => body(`(func (drop (v128.const ${shape})))`)[0];
  assert.equal(
    v("i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1"),
    "v128.const 50462976 117835012 185207048 -15856372",
  );
  assert.equal(v("i16x8 1 -1 0 0 0 0 0 65535"), "v128.const -65535 0 0 -65536");
  assert.equal(v("i64x2 -2 0x7fffffffffffffff"), "v128.const -2 -1 -1 2147483647");
  assert.equal(v("f64x2 0 -0"), "v128.const 0 0 0 -2147483648");
  assert.throws(() => v("i32x4 0 0 0"), { message: /^wrong number of lane literals/ });
  assert.throws(() => v("i32x4 0 0 0 0 0"), { message: /^wrong number of lane literals/ });
  assert.throws(() => v("i32x4 0x100000000 0x100000000"), {
    message: /^wrong number of lane literals/,
  });
  assert.throws(() => v("i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"), {
    message: /^constant out of range/,
  });
  assert.throws(() => v("i8x8 0 0 0 0 0 0 0 0"), { message: /^unknown operator i8x8/ });
});

Deno.test("shuffle and lane indices", () => {
  const lanes = "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31";
  const v = "(v128.const i64x2 0 0)";
  assert.equal(
    body(`(func (drop (i8x16.shuffle ${lanes} ${v} ${v})))`)[2],
    "i8x16.shuffle 50462976 117835012 185207048 521014540",
  );
  assert.throws(() => body(`(func (drop (i8x16.shuffle 0 1 ${v} ${v})))`), {
    message: /^invalid lane length/,
  });
  assert.throws(
    () => body(`(func (drop (i8x16.shuffle ${lanes.replace("31", "-1")} ${v} ${v})))`),
    { message: /^malformed lane index/ },
  );
  assert.throws(
    () => body(`(func (drop (i8x16.shuffle ${lanes.replace("31", "256")} ${v} ${v})))`),
    { message: /^malformed lane index/ },
  );
  assert.equal(body(`(func (drop (i8x16.extract_lane_u 15 ${v})))`)[1], "i8x16.extract_lane_u 15");
  assert.throws(() => body(`(func (drop (i8x16.extract_lane_u 256 ${v})))`), {
    message: /^malformed lane/,
  });
  assert.throws(() => body(`(func (drop (i8x16.extract_lane_u -1 ${v})))`), {
    message: /^unexpected token/,
  });
});

Deno.test("calls, tables, references, bulk memory, typed select", () => {
  const m = parseWat(`(module
    (type $t (func (param i32)))
    (table $a 1 funcref) (table $b 1 funcref)
    (memory 1) (data $d "x") (elem $e func $f)
    (func $f (param i32)
      (call_indirect $b (type $t) (local.get 0) (i32.const 0))
      (call_indirect (param i32) (local.get 0) (i32.const 0))
      (drop (ref.null extern)) (drop (ref.func $f))
      (table.init $b $e (i32.const 0) (i32.const 0) (i32.const 0))
      (table.init $e (i32.const 0) (i32.const 0) (i32.const 0))
      (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))
      (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
      (data.drop $d) (elem.drop $e)
      (drop (table.size $b))
      (drop (select (result i32) (result) (i32.const 1) (i32.const 2) (i32.const 0)))
      (drop (select (i32.const 1) (i32.const 2) (i32.const 0)))))`);
  const code = instrs(m.funcs[0].body);
  assert.ok(code.includes("call_indirect 0 1"));
  assert.ok(code.includes("call_indirect 0 0")); // the inline type found type 0
  assert.ok(code.includes(`ref.null ${HeapType.extern}`));
  assert.ok(code.includes("ref.func 0"));
  assert.ok(code.includes("table.init 0 1"));
  assert.ok(code.includes("table.init 0 0"));
  assert.ok(code.includes("table.copy 0 1"));
  assert.ok(code.includes("memory.init 0 0"));
  assert.ok(code.includes("table.size 1"));
  assert.ok(code.includes(`select 1 ${ValType.i32}`)); // the typed row
  assert.ok(code.includes("select"));
  assert.equal(m.dataCount, 1); // memory.init and data.drop need a data count section
});

Deno.test("block types: short forms, or a type index found or appended", () => {
  const m = parseWat(`(module
    (type $v (func))
    (type $p (func (param i32) (result i32)))
    (func
      (block (result i64) (i64.const 0)) drop
      (block (type $v))
      (i32.const 0) (block (param i32) (result i32)) drop
      (block (result i32 i32) (i32.const 0) (i32.const 0)) drop drop))`);
  const code = instrs(m.funcs[0].body);
  assert.equal(code[0], `block ${blockOfValType(ValType.i64)}`);
  assert.equal(code[4], "block 0"); // `(type $v)` stays an index, as written
  assert.equal(code[7], "block 1"); // found: $p
  assert.equal(code[10], "block 2"); // appended (the function's own type is $v)
  assert.equal(m.types.length, 3);
  assert.throws(
    () => parseWat("(type $p (func (param i32))) (func (block (type $p) (param i64)))"),
    { message: /^inline function type/ },
  );
  assert.throws(() => parseWat("(func (block (param $x i32)))"), { message: /^unexpected token/ });
});

Deno.test("unknown operators are reported with their text", () => {
  assert.throws(() => body("(func (get_local 0))"), { message: /^unknown operator get_local/ });
  assert.throws(() => body("(func br 0drop)"), { message: /^unknown operator 0drop/ });
  assert.throws(() => body("(func (i32.const0))"), { message: /^unknown operator i32.const0/ });
  assert.throws(() => body("(func (result i32) (param i32))"), {
    message: /^unexpected token/,
  });
  assert.throws(() => body("(func (then))"), { message: /^unexpected token/ });
  assert.throws(() => body("(func (nop) end)"), { message: /^unexpected token/ });
});

Deno.test("nesting depth is not bounded by the JS stack", () => {
  const n = 50_000;
  const folded = body("(func " + "(block ".repeat(n) + ")".repeat(n) + ")");
  assert.equal(folded.length, 2 * n + 1);
  const flat = body("(func " + "block ".repeat(n) + "end ".repeat(n) + ")");
  assert.deepEqual(flat, folded);
  const expr = body(
    "(func (result i32) " + "(i32.add (i32.const 1) ".repeat(n) + "(i32.const 1)" +
      ")".repeat(n) + ")",
  );
  assert.equal(expr.length, 2 * n + 2);
  assert.equal(expr[expr.length - 2], "i32.add");
});

Deno.test("badly formed blocks", () => {
  const bad = (wat: string, phrase: RegExp) => assert.throws(() => body(wat), { message: phrase });
  bad("(func (if (i32.const 1)))", /^unexpected token/); // no (then …)
  bad("(func (if (i32.const 1) (then) (then)))", /^unexpected token/);
  bad("(func (if (i32.const 1) (then) (else) (else)))", /^unexpected token/);
  bad("(func (if (i32.const 1) (then) nop))", /^unexpected token/);
  bad("(func block nop)", /^unexpected token/); // no end
  bad("(func (block nop end))", /^unexpected token/);
  bad("(func block else end)", /^unexpected token/);
  bad("(func i32.const 0 if else else end)", /^unexpected token/);
  bad("(func (i32.add nop))", /^unexpected token/); // operands of a folded instruction are folded
  bad("(func (if (then (br $l))))", /^unknown label \$l/);
  // The label of a folded `if` is not visible in its condition.
  bad("(func (if $l (br_if $l (i32.const 1)) (then)))", /^unknown label \$l/);
  bad("(module (func (i32.add", /^unexpected end of input/);
});
