/**
 * Instructions as text, driven by the opcode table: the mnemonic is
 * `OPS[id].name` and the immediates are printed by their shape
 * (`OpInfo.imm`), never per opcode. Function bodies come out in the flat
 * syntax, one instruction a line, indented by block depth, with wasm2wat's
 * label comments (`block  ;; label = @1`, `br 0 (;@1;)`) so a branch target
 * can be found by eye while indices stay numeric and exact.
 *
 * @module
 */

import { type Code, emptyModule, type SubType } from "../module.ts";
import { instrWords, Op, OPS } from "../opcodes.ts";
import { BLOCK_EMPTY, heapTypeName, type ValType, valTypeName, valTypeOfBlock } from "../types.ts";
import { NATURAL_ALIGN } from "../validate/op_table.ts";
import { f32Text, f64Text, i64Text } from "./print_literals.ts";
import { IdSpace, type ModuleIds, moduleIds } from "./print_names.ts";

/** What printing instructions needs from the module: identifiers and types. */
export interface CodeContext {
  /** Identifiers of the module's index spaces. */
  readonly ids: ModuleIds;
  /** The module's types (for block types' parameters and results). */
  readonly types: readonly SubType[];
  /** Parameters and locals of the function being printed. */
  readonly locals: IdSpace;
}

/** A context without names or types: every index printed as a number. */
const BARE: CodeContext = {
  ids: moduleIds(emptyModule(), false),
  types: [],
  locals: new IdSpace(),
};

/** ` (param i32 i32) (result i32)`, each part only when non-empty (so "" for `[] -> []`). */
export function paramsResultsText(params: readonly ValType[], results: readonly ValType[]): string {
  let s = "";
  if (params.length > 0) s += ` (param ${params.map(valTypeName).join(" ")})`;
  if (results.length > 0) s += ` (result ${results.map(valTypeName).join(" ")})`;
  return s;
}

/** {@linkcode paramsResultsText} of type `index`, or "" when it is no function type. */
export function signatureText(types: readonly SubType[], index: number): string {
  const t = types[index]?.composite;
  return t?.kind === "func" ? paramsResultsText(t.params, t.results) : "";
}

function blockTypeText(ctx: CodeContext, bt: number): string {
  if (bt === BLOCK_EMPTY) return "";
  if (bt < 0) return ` (result ${valTypeName(valTypeOfBlock(bt))})`;
  // A type index stays one, even where a shorthand would mean the same type.
  return ` (type ${ctx.ids.types.ref(bt)})${signatureText(ctx.types, bt)}`;
}

/** ` (;@3;)`: the absolute depth of the block a branch of depth `rel` targets. */
function target(rel: number, depth: number): string {
  return depth < 0 || rel > depth ? "" : ` (;@${depth - rel};)`;
}

function memargText(id: number, ops: Int32Array, at: number): string {
  const [align, memory, lo, hi] = [ops[at], ops[at + 1], ops[at + 2], ops[at + 3]];
  let s = memory !== 0 ? ` ${memory >>> 0}` : "";
  if (lo !== 0 || hi !== 0) s += ` offset=${BigInt(hi >>> 0) << 32n | BigInt(lo >>> 0)}`;
  if (align !== NATURAL_ALIGN[id]) s += ` align=${2 ** (align >>> 0)}`;
  return s;
}

/** The 16 bytes of a `v128` immediate (4 little-endian words at `at`), in decimal. */
function v128Bytes(ops: Int32Array, at: number): string {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push((ops[at + (i >> 2)] >>> ((i & 3) * 8)) & 0xff);
  return bytes.join(" ");
}

/** Words of a v128 immediate as `i32x4 0x… 0x… 0x… 0x…`. */
function v128Text(ops: Int32Array, at: number): string {
  let s = "i32x4";
  for (let i = 0; i < 4; i++) s += ` 0x${(ops[at + i] >>> 0).toString(16).padStart(8, "0")}`;
  return s;
}

/** Both indices of a two-index immediate, or nothing when both are 0 (the text default). */
function pairText(a: number, b: number, space: IdSpace): string {
  return a === 0 && b === 0 ? "" : ` ${space.ref(a)} ${space.ref(b)}`;
}

/**
 * One instruction of a code stream at word `pc`, immediates included:
 * `i32.load offset=8`, `call $f`, `br_if 1 (;@2;)`. `depth` is the number of
 * blocks open around it (for branch comments; -1 for none).
 *
 * @example
 * ```ts
 * import { instrText } from "./print_code.ts";
 * import { Op } from "../opcodes.ts";
 * const ops = new Int32Array([Op.i32_load, 2, 0, 16, 0]);
 * console.assert(instrText(ops, 0) === "i32.load offset=16");
 * ```
 */
export function instrText(
  ops: Int32Array,
  pc: number,
  ctx: CodeContext = BARE,
  depth = -1,
): string {
  const id = ops[pc];
  const op = OPS[id];
  if (op === undefined) return `unknown_opcode_${id}`;
  const a = ops[pc + 1];
  const b = ops[pc + 2];
  const ids = ctx.ids;
  switch (op.imm) {
    case "":
      return op.name;
    case "block":
      return op.name + blockTypeText(ctx, a);
    case "label":
      return `${op.name} ${a >>> 0}${target(a >>> 0, depth)}`;
    case "br_table": {
      let s = op.name;
      for (let i = 0; i <= a; i++) {
        const l = ops[pc + 2 + i] >>> 0;
        s += ` ${l}${target(l, depth)}`;
      }
      return s;
    }
    case "func":
      return `${op.name} ${ids.funcs.ref(a)}`;
    case "call_indirect": // type, table
      return `${op.name}${b !== 0 ? ` ${ids.tables.ref(b)}` : ""} (type ${ids.types.ref(a)})`;
    case "local":
      return `${op.name} ${ctx.locals.ref(a)}`;
    case "global":
      return `${op.name} ${ids.globals.ref(a)}`;
    case "table":
      return `${op.name} ${ids.tables.ref(a)}`;
    case "memory":
      return a === 0 ? op.name : `${op.name} ${ids.memories.ref(a)}`;
    case "memarg":
      return op.name + memargText(id, ops, pc + 1);
    case "memarg_lane":
      return `${op.name}${memargText(id, ops, pc + 1)} ${ops[pc + 5] >>> 0}`;
    case "i32":
      return `${op.name} ${a}`;
    case "i64":
      return `${op.name} ${i64Text(a, b)}`;
    case "f32":
      return `${op.name} ${f32Text(a)}`;
    case "f64":
      return `${op.name} ${f64Text(a, b)}`;
    case "v128":
      return `${op.name} ${v128Text(ops, pc + 1)}`;
    case "shuffle":
      return `${op.name} ${v128Bytes(ops, pc + 1)}`;
    case "lane":
      return `${op.name} ${a >>> 0}`;
    case "select_t": {
      const types = [...ops.subarray(pc + 2, pc + 2 + a)].map(valTypeName);
      return `${op.name} (result${types.map((t) => ` ${t}`).join("")})`;
    }
    case "heaptype":
      return `${op.name} ${a >= 0 ? ids.types.ref(a) : heapTypeName(a)}`;
    case "memory_init": // data, memory
      return `${op.name}${b !== 0 ? ` ${ids.memories.ref(b)}` : ""} ${ids.datas.ref(a)}`;
    case "data":
      return `${op.name} ${ids.datas.ref(a)}`;
    case "memory_copy": // destination, source
      return op.name + pairText(a, b, ids.memories);
    case "table_init": // elem, table
      return `${op.name}${b !== 0 ? ` ${ids.tables.ref(b)}` : ""} ${ids.elems.ref(a)}`;
    case "elem":
      return `${op.name} ${ids.elems.ref(a)}`;
    case "table_copy": // destination, source
      return op.name + pairText(a, b, ids.tables);
  }
}

/**
 * The instructions of a constant expression (or any short sequence), each
 * as text, without the final `end`: `["i32.const 1", "global.get $g", "i32.add"]`.
 *
 * @example
 * ```ts
 * import { exprInstrs } from "./print_code.ts";
 * import { Op } from "../opcodes.ts";
 * const code = { ops: new Int32Array([Op.i32_const, -1, Op.end]), offsets: new Uint32Array(2) };
 * console.assert(exprInstrs(code).join() === "i32.const -1");
 * ```
 */
export function exprInstrs(code: Code, ctx: CodeContext = BARE): string[] {
  const ops = code.ops;
  const out: string[] = [];
  for (let pc = 0; pc < ops.length;) {
    if (OPS[ops[pc]] === undefined) {
      out.push(instrText(ops, pc, ctx));
      break;
    }
    const next = pc + instrWords(ops, pc);
    if (!(next >= ops.length && ops[pc] === Op.end)) out.push(instrText(ops, pc, ctx));
    pc = next;
  }
  return out;
}

/**
 * Appends the lines of a function body to `out`, each starting with `indent`
 * plus two spaces per open block; the body's final `end` is not printed.
 */
export function printBody(out: string[], body: Code, ctx: CodeContext, indent: string): void {
  const ops = body.ops;
  const pads = [indent];
  const pad = (d: number) => {
    while (pads.length <= d) pads.push(pads[pads.length - 1] + "  ");
    return pads[d];
  };
  let depth = 0;
  for (let pc = 0; pc < ops.length;) {
    const id = ops[pc];
    if (OPS[id] === undefined) {
      out.push(pad(depth) + instrText(ops, pc, ctx, depth));
      return;
    }
    const next = pc + instrWords(ops, pc);
    if (id === Op.end) {
      if (next >= ops.length && depth === 0) break; // the function's own end
      depth = Math.max(depth - 1, 0);
      out.push(pad(depth) + "end");
    } else if (id === Op.else) {
      out.push(pad(Math.max(depth - 1, 0)) + "else");
    } else if (id === Op.block || id === Op.loop || id === Op.if) {
      out.push(`${pad(depth)}${instrText(ops, pc, ctx, depth)}  ;; label = @${depth + 1}`);
      depth++;
    } else {
      out.push(pad(depth) + instrText(ops, pc, ctx, depth));
    }
    pc = next;
  }
}
