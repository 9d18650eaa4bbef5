/** The internal instruction table agrees with the main loop's case labels. */
import assert from "node:assert/strict";
import { IOP, IOPS, iopWords } from "./ops.ts";

Deno.test("every case label of exec.ts names the row of its number", async () => {
  const src = await Deno.readTextFile(new URL("./exec.ts", import.meta.url));
  const seen = new Set<number>();
  for (const m of src.matchAll(/case (\d+):(?: \{)? \/\/ (\S+)/g)) {
    const code = Number(m[1]);
    assert.equal(IOPS[code]?.name, m[2], `case ${code} is labelled ${m[2]}`);
    seen.add(code);
  }
  const missing = IOPS.filter((o) => !seen.has(o.code)).map((o) => o.name);
  assert.deepEqual(missing, []);
});

Deno.test("instruction lengths follow the operand letters", () => {
  const code = Int32Array.of(IOP["i32.add"], 4, 2, 0, IOP.br_table, 6, 2, 10, 11, 12, IOP.ret);
  assert.equal(iopWords(code, 0), 4);
  assert.equal(iopWords(code, 4), 6);
  assert.equal(iopWords(code, 10), 1);
});
