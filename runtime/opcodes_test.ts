import assert from "node:assert/strict";
import { BYTE_OPS, FC_OPS, FD_OPS, instrWords, Op, OPS } from "./opcodes.ts";
import { ValType } from "./types.ts";

Deno.test("opcode table: every (prefix, code) pair and every key is unique", () => {
  const seen = new Set<string>();
  for (const op of OPS) {
    const k = `${op.prefix}:${op.code}`;
    assert.ok(!seen.has(k), `duplicate encoding ${op.name} ${k}`);
    seen.add(k);
  }
  assert.equal(Object.keys(Op).length, OPS.length);
});

Deno.test("opcode table: lookup arrays map every encoding back to its row", () => {
  for (const op of OPS) {
    const table = op.prefix === 0 ? BYTE_OPS : op.prefix === 0xfc ? FC_OPS : FD_OPS;
    assert.equal(table[op.code], op.id, op.name);
  }
  assert.equal(BYTE_OPS[0x06], -1); // `try`: not a 2.0 opcode
  assert.equal(FD_OPS[0x9a], -1); // reserved SIMD slot
});

Deno.test("opcode table: signatures", () => {
  const add = OPS[Op.i32_add];
  assert.deepEqual(add.params, [ValType.i32, ValType.i32]);
  assert.deepEqual(add.results, [ValType.i32]);
  assert.equal(OPS[Op.br_table].params, null);
  assert.equal(OPS[Op.select_t].name, "select");
  assert.equal(OPS[Op.select].imm, "");
});

Deno.test("instrWords covers variable-length immediates", () => {
  const ops = new Int32Array([Op.br_table, 2, 0, 1, 0, Op.select_t, 1, ValType.i32, Op.nop]);
  assert.equal(instrWords(ops, 0), 5);
  assert.equal(instrWords(ops, 5), 3);
  assert.equal(instrWords(ops, 8), 1);
});

/** Text for one sample immediate of each shape, valid against the module below. */
const SAMPLE_IMM: Record<string, string> = {
  "": "",
  block: "",
  label: "0",
  br_table: "0",
  func: "0",
  call_indirect: "(type 0)",
  local: "0",
  global: "0",
  table: "0",
  memory: "",
  memarg: "",
  memarg_lane: "0",
  i32: "0",
  i64: "0",
  f32: "0",
  f64: "0",
  v128: "i32x4 0 0 0 0",
  shuffle: "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
  lane: "0",
  select_t: "(result i32)",
  heaptype: "func",
  memory_init: "0",
  data: "0",
  memory_copy: "",
  table_init: "0",
  elem: "0",
  table_copy: "",
};

function readLeb(b: Uint8Array, p: number): [number, number] {
  let r = 0, shift = 0;
  for (;;) {
    const x = b[p++];
    r += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if (x < 0x80) return [r, p];
  }
}

Deno.test({
  name: "opcode table agrees with wabt's encoding of every instruction",
  fn: () => {
    assert.ok(hasWat2wasm(), "this test needs wabt's wat2wasm: apt-get install wabt");
    const structural = new Set(["block", "loop", "if", "else", "end"]);
    const ops = OPS.filter((op) => !structural.has(op.name));
    const funcs = ops.map((op) =>
      `(func (local i32) unreachable ${op.name} ${SAMPLE_IMM[op.imm]})`
    );
    const wat = `(module (type (func)) (memory 1) (table 1 funcref) (global (mut i32) (i32.const 0))
      (data "") (elem func 0)\n${funcs.join("\n")})`;
    const dir = Deno.makeTempDirSync();
    try {
      Deno.writeTextFileSync(`${dir}/t.wat`, wat);
      const out = new Deno.Command("wat2wasm", {
        args: ["--enable-all", "--no-check", `${dir}/t.wat`, "-o", `${dir}/t.wasm`],
      }).outputSync();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const b = Deno.readFileSync(`${dir}/t.wasm`);
      let p = 8;
      for (;;) {
        const id = b[p++];
        const [size, q] = readLeb(b, p);
        if (id === 10) {
          p = q;
          break;
        }
        p = q + size;
      }
      let count;
      [count, p] = readLeb(b, p);
      assert.equal(count, ops.length);
      for (const op of ops) {
        const [size, body] = readLeb(b, p);
        p = body + size;
        // body: 1 local group (01 01 7f), `unreachable` (00), then our instruction.
        const at = body + 4;
        if (op.prefix === 0) assert.equal(b[at], op.code, op.name);
        else {
          assert.equal(b[at], op.prefix, op.name);
          assert.equal(readLeb(b, at + 1)[0], op.code, op.name);
        }
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

function hasWat2wasm(): boolean {
  try {
    return new Deno.Command("wat2wasm", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
}
