import assert from "node:assert/strict";
import { moduleOf, parseWast, TextError, type WastCommand } from "./mod.ts";

const SCRIPT = `;; a script with every command
(module $M (func (export "f") (param i32) (result i32) (local.get 0))
  (global (export "g") i32 (i32.const 7)))
(register "m" $M)
(module binary "\\00asm" "\\01\\00\\00\\00")
(module $Q quote "(func" " (export \\"q\\"))")
(invoke "f" (i32.const -1))
(assert_return (invoke $M "f" (i32.const 0xffffffff)) (i32.const -1))
(assert_return (get $M "g") (i32.const 7))
(assert_return (invoke "h"
    (i64.const -1) (f32.const -0x1p-149) (f64.const nan:0x1)
    (v128.const i16x8 1 2 3 4 5 6 7 -1) (ref.null extern) (ref.extern 3))
  (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.func) (ref.extern)
  (v128.const f32x4 nan:canonical 1 -0 nan:arithmetic)
  (v128.const i64x2 -1 2) (ref.null func) (ref.extern 3))
(assert_trap (invoke "f" (i32.const 0)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_malformed (module quote "(func (i32.const0))") "unknown operator")
(assert_malformed (module $T (func (nop) (nop) bad)) "unknown operator")
(assert_malformed (module binary "\\00asm") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(assert_uninstantiable (module (memory 1) (data (i32.const 99999) "x")) "out of bounds")
`;

function byType<T extends WastCommand["type"]>(
  cmds: WastCommand[],
  type: T,
): (WastCommand & { type: T })[] {
  return cmds.filter((c): c is WastCommand & { type: T } => c.type === type);
}

Deno.test("every command becomes a typed object, with its line", () => {
  const cmds = parseWast(SCRIPT);
  assert.deepEqual(cmds.map((c) => `${c.line}:${c.type}`), [
    "2:module",
    "4:register",
    "5:module",
    "6:module",
    "7:action",
    "8:assert_return",
    "9:assert_return",
    "10:assert_return",
    "16:assert_trap",
    "17:assert_exhaustion",
    "18:assert_uninstantiable",
    "19:assert_malformed",
    "20:assert_malformed",
    "21:assert_malformed",
    "22:assert_invalid",
    "23:assert_unlinkable",
    "24:assert_uninstantiable",
  ]);
});

Deno.test("modules keep the form the script wrote", () => {
  const [text, bin, quote] = byType(parseWast(SCRIPT), "module");
  assert.equal(text.name, "$M");
  assert.equal(text.source.kind, "text");
  assert.equal(moduleOf(text.source).exports.length, 2);
  assert.equal(bin.source.kind, "binary");
  assert.equal(moduleOf(bin.source).funcs.length, 0);
  assert.equal(quote.name, "$Q");
  assert.equal(quote.source.kind, "quote");
  assert.equal(moduleOf(quote.source).exports[0].name, "q");
  const reg = byType(parseWast(SCRIPT), "register")[0];
  assert.deepEqual([reg.as, reg.name], ["m", "$M"]);
});

Deno.test("malformed modules are kept unparsed, even when written as text", () => {
  const [quoted, text, binary] = byType(parseWast(SCRIPT), "assert_malformed");
  assert.throws(() => moduleOf(quoted.module.source), { message: /^unknown operator i32.const0/ });
  assert.equal(text.module.source.kind, "quote");
  assert.equal(text.module.name, "$T");
  assert.throws(() => moduleOf(text.module.source), { message: /^unknown operator bad/ });
  assert.equal(binary.module.source.kind, "binary");
  assert.throws(() => moduleOf(binary.module.source), WebAssembly.CompileError);
  assert.equal(binary.text, "unexpected end");
});

Deno.test("actions and their argument values, as bit patterns", () => {
  const cmds = parseWast(SCRIPT);
  const act = byType(cmds, "action")[0].action;
  assert.deepEqual(act, {
    type: "invoke",
    module: null,
    name: "f",
    args: [{ type: "i32", value: -1 }],
  });
  const [ret, get, h] = byType(cmds, "assert_return");
  assert.deepEqual(ret.action, {
    type: "invoke",
    module: "$M",
    name: "f",
    args: [{ type: "i32", value: -1 }],
  });
  assert.deepEqual(get.action, { type: "get", module: "$M", name: "g" });
  assert.ok(h.action.type === "invoke");
  assert.deepEqual(h.action.args, [
    { type: "i64", value: -1n },
    { type: "f32", bits: 0x8000_0001 },
    { type: "f64", bits: 0x7ff0_0000_0000_0001n },
    { type: "v128", bytes: new Uint8Array([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 255, 255]) },
    { type: "ref.null", heap: "extern" },
    { type: "ref.extern", value: 3 },
  ]);
});

Deno.test("expected results: NaN patterns, lane-wise v128, any reference", () => {
  const h = byType(parseWast(SCRIPT), "assert_return")[2];
  assert.deepEqual(h.expected, [
    { type: "f32", nan: "nan:canonical" },
    { type: "f64", nan: "nan:arithmetic" },
    { type: "ref.func" },
    { type: "ref.extern", value: null },
    {
      type: "v128",
      shape: "f32x4",
      lanes: ["nan:canonical", 0x3f80_0000, 0x8000_0000, "nan:arithmetic"],
    },
    { type: "v128", shape: "i64x2", lanes: [0xffff_ffff_ffff_ffffn, 2n] },
    { type: "ref.null", heap: "func" },
    { type: "ref.extern", value: 3 },
  ]);
});

Deno.test("assertions carry their message; assert_trap on a module is uninstantiable", () => {
  const cmds = parseWast(SCRIPT);
  const trap = byType(cmds, "assert_trap")[0];
  assert.equal(trap.text, "unreachable");
  assert.equal(byType(cmds, "assert_exhaustion")[0].text, "call stack exhausted");
  const [startTrap, oob] = byType(cmds, "assert_uninstantiable");
  assert.equal(startTrap.text, "unreachable");
  assert.equal(moduleOf(startTrap.module.source).start, 0);
  assert.equal(oob.text, "out of bounds");
  const invalid = byType(cmds, "assert_invalid")[0];
  assert.equal(invalid.module.source.kind, "text"); // well-formed, so parsed
  assert.equal(byType(cmds, "assert_unlinkable")[0].text, "unknown import");
});

Deno.test("a script of bare module fields is one module", () => {
  const cmds = parseWast("(func) (memory 1)");
  assert.equal(cmds.length, 1);
  assert.ok(cmds[0].type === "module" && cmds[0].source.kind === "text");
  assert.equal(moduleOf(cmds[0].source).memories.length, 1);
});

Deno.test("errors in the script itself point into the script", () => {
  assert.throws(() => parseWast('(module)\n(assert_return (invoke "f") (i32.const 1.5))'), {
    message: "unexpected token (at 2:40)",
  });
  assert.throws(() => parseWast("(module)\n(frobnicate)"), TextError);
  assert.throws(() => parseWast('(assert_return (invoke "f") (v128.const i32x4 0 0))'), {
    message: /^wrong number of lane literals/,
  });
});
