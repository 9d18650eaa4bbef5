import assert from "node:assert/strict";
import { fixtureFiles } from "../../tests/_fixtures.ts";
import { instrWords, Op, OPS } from "../opcodes.ts";
import { decode } from "./decode.ts";
import { CodeDecoder } from "./instructions.ts";
import { Reader } from "./reader.ts";

Deno.test("instructions: sequences share buffers but not contents", () => {
  const dec = new CodeDecoder();
  const r = new Reader(new Uint8Array([0x41, 1, 0x0b, 0x23, 0, 0x0b, 0x0b]));
  const a = dec.read(r);
  const b = dec.read(r);
  const c = dec.read(r);
  assert.equal(a.ops.length, 0); // filled in by finish()
  dec.finish();
  assert.deepEqual([...a.ops].map((id, i) => i % 2 ? id : OPS[id].name), ["i32.const", 1, "end"]);
  assert.deepEqual([...b.ops].map((id, i) => i % 2 ? id : OPS[id].name), ["global.get", 0, "end"]);
  assert.deepEqual([...c.ops].map((id) => OPS[id].name), ["end"]);
  assert.deepEqual([...a.offsets], [0, 2]);
  assert.deepEqual([...b.offsets], [3, 5]);
  assert.deepEqual([...c.offsets], [6]);
  a.ops[1] = 99;
  assert.equal(b.ops[0], Op.global_get);
});

Deno.test("instructions: growing buffers mid-sequence keep earlier words", () => {
  // A body longer than the initial buffers: many `i32.const 5 drop`.
  const n = 5000;
  const bytes = new Uint8Array(n * 3 + 1);
  for (let i = 0; i < n; i++) bytes.set([0x41, 5, 0x1a], i * 3);
  bytes[n * 3] = 0x0b;
  const dec = new CodeDecoder();
  const code = dec.read(new Reader(bytes));
  dec.finish();
  assert.equal(code.ops.length, n * 3 + 1);
  assert.equal(code.offsets.length, n * 2 + 1);
  for (let i = 0; i < n; i++) {
    assert.equal(code.ops[i * 3 + 1], 5);
    assert.equal(code.offsets[i * 2 + 1], i * 3 + 2);
  }
});

function tool(name: string): boolean {
  try {
    new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks every instruction of `file` against `wasm-objdump -d`: same byte
 * offsets, same mnemonics, in order.
 */
async function compareWithObjdump(file: string): Promise<number> {
  const out = await new Deno.Command("wasm-objdump", { args: ["-d", file], stdout: "piped" })
    .output();
  assert.ok(out.success, `wasm-objdump failed on ${file}`);
  const expected: [number, string][] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const m = /^ ([0-9a-f]+): [^|]*\| *(\S+)/.exec(line);
    if (m && !m[2].startsWith("local[")) expected.push([parseInt(m[1], 16), m[2]]);
  }
  const actual: [number, string][] = [];
  for (const f of decode(Deno.readFileSync(file)).funcs) {
    const { ops, offsets } = f.body;
    let pc = 0;
    for (const offset of offsets) {
      actual.push([offset, OPS[ops[pc]].name]);
      pc += instrWords(ops, pc);
    }
    assert.equal(pc, ops.length);
  }
  assert.equal(actual.length, expected.length, file);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i][0] !== expected[i][0] || actual[i][1] !== expected[i][1]) {
      assert.fail(`${file}: instruction ${i}: got ${actual[i]}, wasm-objdump says ${expected[i]}`);
    }
  }
  return actual.length;
}

Deno.test("instructions: offsets and mnemonics agree with wasm-objdump", async () => {
  assert.ok(
    tool("wasm-objdump"),
    "wasm-objdump not found: this test needs wabt (apt-get install wabt)",
  );
  assert.ok(
    tool("wasm-opt"),
    "wasm-opt not found: this test needs binaryen (apt-get install binaryen)",
  );
  const files = fixtureFiles();
  // Plus binaryen's random modules with every 2.0 feature binaryen 108 encodes the way V8 does.
  const tmp = await Deno.makeTempDir({ prefix: "kwasm-instr-" });
  try {
    let seed = 1;
    for (let k = 0; k < 4; k++) {
      const input = new Uint8Array(50_000);
      for (let i = 0; i < input.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        input[i] = seed >>> 24;
      }
      Deno.writeFileSync(`${tmp}/seed${k}`, input);
      const out = await new Deno.Command("wasm-opt", {
        args: [
          "-ttf",
          `${tmp}/seed${k}`,
          "-o",
          `${tmp}/fuzz${k}.wasm`,
          "--enable-simd",
          "--enable-bulk-memory",
          "--enable-multivalue",
          "--enable-nontrapping-float-to-int",
          "--enable-sign-ext",
          "--enable-mutable-globals",
        ],
        stdout: "null",
        stderr: "null",
      }).output();
      assert.ok(out.success, "wasm-opt --translate-to-fuzz failed");
      files.push(`${tmp}/fuzz${k}.wasm`);
    }
    let total = 0;
    for (const file of files) total += await compareWithObjdump(file);
    assert.ok(total > 10_000, `only ${total} instructions compared`);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
