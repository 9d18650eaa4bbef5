/**
 * The keywords of the text format, interned to small integers so the parser
 * compares numbers, never strings.
 *
 * Instruction mnemonics take the ids of their opcodes (`OPS[id].name`), so a
 * keyword token *is* its opcode id; the structural keywords (`module`,
 * `param`, `funcref`, the script commands, …) follow after the last opcode.
 * The lexer hashes each keyword-shaped token while scanning it and looks it
 * up here ({@linkcode lookupKeyword}); an atom that starts like a keyword but
 * is not one is what the spec reports as "unknown operator".
 *
 * @module
 */

import { OPS } from "../opcodes.ts";

/** Structural keywords (everything that is not an instruction mnemonic). */
const STRUCTURAL = [
  "module",
  "type",
  "func",
  "param",
  "result",
  "local",
  "import",
  "export",
  "table",
  "memory",
  "global",
  "elem",
  "data",
  "start",
  "mut",
  "offset",
  "item",
  "declare",
  "then",
  "funcref",
  "externref",
  "extern",
  "i32",
  "i64",
  "f32",
  "f64",
  "v128",
  "i8x16",
  "i16x8",
  "i32x4",
  "i64x2",
  "f32x4",
  "f64x2",
  "binary",
  "quote",
  "register",
  "invoke",
  "get",
  "script",
  "input",
  "output",
  "assert_return",
  "assert_trap",
  "assert_exhaustion",
  "assert_invalid",
  "assert_malformed",
  "assert_unlinkable",
  "assert_uninstantiable",
  "nan:canonical",
  "nan:arithmetic",
  "ref.extern",
] as const;

/** A structural keyword's name. */
export type StructuralKeyword = (typeof STRUCTURAL)[number];

/** Ids of the structural keywords: `KW.module`, `KW.param`, `KW["nan:canonical"]`, … */
export const KW: Readonly<Record<StructuralKeyword, number>> = Object.fromEntries(
  STRUCTURAL.map((name, i) => [name, OPS.length + i]),
) as Record<StructuralKeyword, number>;

const NAMES: string[] = [];
for (const op of OPS) NAMES.push(op.name);
for (const s of STRUCTURAL) NAMES.push(s);

// ---- the hash table ---------------------------------------------------------
//
// Open addressing over FNV-1a hashes of the keyword bytes. Both the lexer and
// this table hash the same way, so a lookup costs one probe sequence and one
// byte comparison, with no string built for the token.

/** FNV-1a offset basis; the lexer starts every keyword hash from it. */
export const HASH_SEED = 0x811c9dc5;

/** One FNV-1a step: folds byte `b` into hash `h`. */
export function hashStep(h: number, b: number): number {
  return Math.imul(h ^ b, 0x01000193);
}

const SIZE = 2048; // power of two, > 3 × the number of keywords
const slotId = new Int32Array(SIZE).fill(-1);
const slotHash = new Int32Array(SIZE);
const pool: number[] = [];
const poolStart = new Int32Array(NAMES.length);
const poolEnd = new Int32Array(NAMES.length);

for (let id = 0; id < NAMES.length; id++) {
  const name = NAMES[id];
  let h = HASH_SEED;
  poolStart[id] = pool.length;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    pool.push(c);
    h = hashStep(h, c);
  }
  poolEnd[id] = pool.length;
  let slot = h & (SIZE - 1);
  while (slotId[slot] >= 0) {
    // `select` appears twice in the opcode table; the first (untyped) row wins.
    if (NAMES[slotId[slot]] === name) break;
    slot = (slot + 1) & (SIZE - 1);
  }
  if (slotId[slot] < 0) {
    slotId[slot] = id;
    slotHash[slot] = h;
  }
}
const POOL = Uint8Array.from(pool);

/**
 * The keyword id of `src[start, end)`, whose FNV-1a hash is `hash`, or -1
 * when those bytes are not a keyword.
 */
export function lookupKeyword(src: Uint8Array, start: number, end: number, hash: number): number {
  const len = end - start;
  let slot = hash & (SIZE - 1);
  for (;;) {
    const id = slotId[slot];
    if (id < 0) return -1;
    if (slotHash[slot] === hash && poolEnd[id] - poolStart[id] === len) {
      let i = 0;
      const p = poolStart[id];
      while (i < len && POOL[p + i] === src[start + i]) i++;
      if (i === len) return id;
    }
    slot = (slot + 1) & (SIZE - 1);
  }
}

/** The keyword id of a string, or -1 (for tests and tools). */
export function keywordId(name: string): number {
  const bytes = new TextEncoder().encode(name);
  let h = HASH_SEED;
  for (const b of bytes) h = hashStep(h, b);
  return lookupKeyword(bytes, 0, bytes.length, h);
}
