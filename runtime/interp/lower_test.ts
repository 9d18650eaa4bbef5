/**
 * What the lowering emits for common shapes: deferred `local.get`s,
 * results written straight into locals, constants folded, comparisons fused
 * into branches. (The spec suite checks that the code is right; these check
 * that it is short.)
 */
import assert from "node:assert/strict";
import { emptyModule, type Module } from "../module.ts";
import { ValType } from "../types.ts";
import { addFunc, type Instr } from "../validate/_testing.ts";
import { validate } from "../validate/mod.ts";
import { lowerModule, META } from "./lower.ts";
import { disassemble } from "./ops.ts";

const I32 = ValType.i32;

function lowered(
  params: number[],
  results: number[],
  body: Instr[],
  locals: number[] = [],
): string {
  const m: Module = emptyModule();
  addFunc(m, params, results, body, locals);
  validate(m);
  const low = lowerModule(m);
  return disassemble(low.code, low.meta[META.entry]).replace(/^\d+: /gm, "");
}

Deno.test("local.get a; local.get b; i32.add; local.set c is one instruction", () => {
  const code = lowered([I32, I32], [], [
    ["local.get", 0],
    ["local.get", 1],
    ["i32.add"],
    ["local.set", 2],
  ], [I32]);
  assert.equal(code, "i32.add @4 @0 @2\nret");
});

Deno.test("a constant operand folds into the _i form; sub becomes add of the negation", () => {
  const code = lowered([I32], [I32], [["local.get", 0], ["i32.const", 5], ["i32.sub"]]);
  assert.equal(code, "i32.add_i @0 @0 -5\nret");
});

Deno.test("a comparison feeding br_if becomes one compare-and-branch", () => {
  const code = lowered([I32], [], [
    ["block", -64],
    ["loop", -64],
    ["local.get", 0],
    ["i32.const", 10],
    ["i32.lt_s"],
    ["br_if", 1],
    ["br", 0],
    ["end"],
    ["end"],
  ]);
  const lines = code.split("\n");
  assert.match(lines[0], /^check \d+$/);
  assert.match(lines[1], /^br_lt_s_i @0 10 ->\d+$/);
  assert.match(lines[2], /^jmp ->\d+$/);
});

Deno.test("if on i32.eqz branches on the value itself", () => {
  const code = lowered([I32], [I32], [
    ["local.get", 0],
    ["i32.eqz"],
    ["if", ~I32],
    ["i32.const", 1],
    ["else"],
    ["i32.const", 2],
    ["end"],
  ]);
  assert.match(code.split("\n")[0], /^br_if @0 ->\d+$/);
});

Deno.test("a deferred local.get is materialised before the local is overwritten", () => {
  // (local.get 0) stays on the stack across (local.set 0 (i32.const 7)).
  const code = lowered([I32], [I32], [
    ["local.get", 0],
    ["i32.const", 7],
    ["local.set", 0],
    ["local.get", 0],
    ["i32.add"],
  ]);
  assert.equal(code, "mov32 @2 @0\nconst32 @0 7\ni32.add @0 @2 @0\nret");
});
