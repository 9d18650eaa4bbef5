/**
 * Test helpers: code streams as readable instruction lists.
 *
 * @module
 */

import type { Code } from "../module.ts";
import { forEachInstr, OPS } from "../opcodes.ts";

/**
 * Each instruction of `code` as `"mnemonic w1 w2 …"` (immediate words as
 * signed integers), e.g. `["i32.const 1", "br 0", "end"]`.
 */
export function instrs(code: Code): string[] {
  const out: string[] = [];
  forEachInstr(code, (id, pc) => {
    const info = OPS[id];
    let n = info.immWords;
    if (n < 0) n = info.imm === "br_table" ? 2 + code.ops[pc + 1] : 1 + code.ops[pc + 1];
    const words = Array.from(code.ops.subarray(pc + 1, pc + 1 + n));
    out.push([info.name, ...words].join(" "));
  });
  return out;
}

/** Encodes a string as UTF-8. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
