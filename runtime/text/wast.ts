/**
 * WAST scripts: the spec test suite's command language, parsed into typed
 * commands (running them is the script runner's job).
 *
 * Modules are kept in the form the script gives them ({@linkcode ModuleSource}):
 * text modules are parsed here, binary and quoted modules are kept as bytes
 * so that decoding or parsing them — and failing, for `assert_malformed` — is
 * part of running the command. A text module under `assert_malformed` is kept
 * as its source text (kind `quote`) for the same reason.
 *
 * As in the reference interpreter, `(assert_trap (module …) "msg")` is an
 * {@linkcode AssertModule} of type `assert_uninstantiable`: instantiating the
 * module traps with that message.
 *
 * @module
 */

import type { Cursor } from "./cursor.ts";
import { KW } from "./keywords.ts";
import { Tok } from "./lexer.ts";
import { Op } from "../opcodes.ts";
import { type ModuleSource, moduleSource, type ParseOptions } from "./parser.ts";
import { parseModuleFields } from "./module_fields.ts";
import { atNumber, checkLaneCount, laneShape, v128Literal } from "./v128.ts";

/** An argument value (and an exactly expected result). Bit patterns, never JS numbers for floats. */
export type WastValue =
  | { type: "i32"; value: number }
  | { type: "i64"; value: bigint }
  | { type: "f32"; bits: number }
  | { type: "f64"; bits: bigint }
  | V128Value
  | { type: "ref.null"; heap: "func" | "extern" }
  | { type: "ref.extern"; value: number };

/** A `v128` argument: its 16 bytes, little-endian. */
export interface V128Value {
  /** Discriminant. */
  type: "v128";
  /** The bytes. */
  bytes: Uint8Array;
}

/** A NaN a result may be: any NaN with the canonical payload, or any arithmetic NaN. */
export type NanPattern = "nan:canonical" | "nan:arithmetic";

/** A lane of an expected `v128`: its bits (bigint for 64-bit lanes), or a NaN pattern. */
export type V128Lane = number | bigint | NanPattern;

/** A lane-wise expected `v128` result. */
export interface V128Expected {
  /** Discriminant. */
  type: "v128";
  /** The lane shape the literal was written in. */
  shape: "i8x16" | "i16x8" | "i32x4" | "i64x2" | "f32x4" | "f64x2";
  /** Unsigned lane bits (number up to 32 bits, bigint for 64), or a NaN pattern. */
  lanes: V128Lane[];
}

/** An expected result of `assert_return`. */
export type WastExpected =
  | Exclude<WastValue, V128Value | { type: "ref.extern" }>
  | { type: "f32" | "f64"; nan: NanPattern }
  | V128Expected
  | { type: "ref.func" }
  | { type: "ref.extern"; value: number | null };

/** A module of a script: its `$id` (with the `$`) and how it is written. */
export interface WastModule {
  /** `$name` or null. */
  name: string | null;
  /** Text (parsed), binary or quoted source. */
  source: ModuleSource;
}

/** An action: call an export, or read an exported global. */
export type WastAction =
  | { type: "invoke"; module: string | null; name: string; args: WastValue[] }
  | { type: "get"; module: string | null; name: string };

/** A command that defines a module. */
export interface ModuleCommand extends WastModule {
  /** Discriminant. */
  type: "module";
  /** 1-based line of the command. */
  line: number;
}

/** `(register "as" $name?)`. */
export interface RegisterCommand {
  /** Discriminant. */
  type: "register";
  /** 1-based line of the command. */
  line: number;
  /** The import module name it is registered as. */
  as: string;
  /** The module (`$name`), or null for the latest one. */
  name: string | null;
}

/** A bare action. */
export interface ActionCommand {
  /** Discriminant. */
  type: "action";
  /** 1-based line of the command. */
  line: number;
  /** The action. */
  action: WastAction;
}

/** `(assert_return action result*)`. */
export interface AssertReturn {
  /** Discriminant. */
  type: "assert_return";
  /** 1-based line of the command. */
  line: number;
  /** The action. */
  action: WastAction;
  /** The expected results. */
  expected: WastExpected[];
}

/** `(assert_trap action "msg")` or `(assert_exhaustion action "msg")`. */
export interface AssertAction {
  /** Discriminant. */
  type: "assert_trap" | "assert_exhaustion";
  /** 1-based line of the command. */
  line: number;
  /** The action. */
  action: WastAction;
  /** The expected message (a prefix of the actual one). */
  text: string;
}

/** An assertion about a module. */
export interface AssertModule {
  /** Discriminant. */
  type: "assert_malformed" | "assert_invalid" | "assert_unlinkable" | "assert_uninstantiable";
  /** 1-based line of the command. */
  line: number;
  /** The module. */
  module: WastModule;
  /** The expected message (a prefix of the actual one). */
  text: string;
}

/** One command of a script. */
export type WastCommand =
  | ModuleCommand
  | RegisterCommand
  | ActionCommand
  | AssertReturn
  | AssertAction
  | AssertModule;

const MODULE_FIELDS = new Set<number>([
  KW.type,
  KW.import,
  KW.func,
  KW.table,
  KW.memory,
  KW.global,
  KW.export,
  KW.start,
  KW.elem,
  KW.data,
]);

/** Parses the script in the cursor's tokens. */
export function parseScript(c: Cursor, options: ParseOptions): WastCommand[] {
  const toks = c.toks;
  if (toks.count > 0 && MODULE_FIELDS.has(c.peekParenKw())) {
    // A script that is only module fields is one module.
    const module = parseModuleFields(c, 0, toks.count, {
      moduleId: -1,
      names: options.names ?? true,
    });
    return [{ type: "module", line: 1, name: null, source: { kind: "text", module } }];
  }
  const out: WastCommand[] = [];
  const lines = new LineCounter(c.src);
  while (c.pos < toks.count) {
    const line = lines.at(c.start[c.pos]);
    out.push(command(c, line, options));
  }
  return out;
}

/** Line numbers of increasing offsets, counted incrementally. */
class LineCounter {
  #src: Uint8Array;
  #pos = 0;
  #line = 1;
  constructor(src: Uint8Array) {
    this.#src = src;
  }
  at(offset: number): number {
    for (;;) {
      const nl = this.#src.indexOf(0x0a, this.#pos);
      if (nl < 0 || nl >= offset) break;
      this.#line++;
      this.#pos = nl + 1;
    }
    return this.#line;
  }
}

function symbolName(c: Cursor, sym: number): string | null {
  return sym >= 0 ? c.toks.symbols.text(sym) : null;
}

function command(c: Cursor, line: number, options: ParseOptions): WastCommand {
  const kw = c.peekParenKw();
  if (kw === KW.module) {
    const { id, source } = moduleSource(c, options);
    return { type: "module", line, name: symbolName(c, id), source };
  }
  const open = c.pos;
  c.lparen();
  c.pos++;
  let cmd: WastCommand;
  switch (kw) {
    case KW.register: {
      const as = c.name();
      cmd = { type: "register", line, as, name: symbolName(c, c.optId()) };
      break;
    }
    case KW.invoke:
    case KW.get:
      c.pos = open;
      cmd = { type: "action", line, action: action(c) };
      return cmd;
    case KW.assert_return: {
      const act = action(c);
      const expected: WastExpected[] = [];
      while (!c.atRParen()) expected.push(result(c));
      cmd = { type: "assert_return", line, action: act, expected };
      break;
    }
    case KW.assert_trap:
    case KW.assert_exhaustion: {
      if (kw === KW.assert_trap && c.atParenKw(KW.module)) {
        const module = wastModule(c, options, false);
        cmd = { type: "assert_uninstantiable", line, module, text: c.name() };
        break;
      }
      const act = action(c);
      const type = kw === KW.assert_trap ? "assert_trap" : "assert_exhaustion";
      cmd = { type, line, action: act, text: c.name() };
      break;
    }
    case KW.assert_malformed:
    case KW.assert_invalid:
    case KW.assert_unlinkable:
    case KW.assert_uninstantiable: {
      const module = wastModule(c, options, kw === KW.assert_malformed);
      const type = kw === KW.assert_malformed
        ? "assert_malformed"
        : kw === KW.assert_invalid
        ? "assert_invalid"
        : kw === KW.assert_unlinkable
        ? "assert_unlinkable"
        : "assert_uninstantiable";
      cmd = { type, line, module, text: c.name() };
      break;
    }
    default:
      return c.unexpected(open + 1);
  }
  c.rparen();
  return cmd;
}

/** A module in an assertion; a text module expected to be malformed stays source text. */
function wastModule(c: Cursor, options: ParseOptions, keepText: boolean): WastModule {
  const open = c.pos;
  if (!c.atParenKw(KW.module)) c.unexpected();
  if (keepText) {
    const hasId = c.kind[open + 2] === Tok.id;
    const k = c.kwAt(hasId ? open + 3 : open + 2);
    if (k !== KW.binary && k !== KW.quote) {
      const close = c.value[open];
      const name = hasId ? symbolName(c, c.value[open + 2]) : null;
      c.pos = close + 1;
      const source = c.src.slice(c.start[open], c.end[close]);
      return { name, source: { kind: "quote", source } };
    }
  }
  const { id, source } = moduleSource(c, options);
  return { name: symbolName(c, id), source };
}

/** `(invoke $m? "name" const*)` or `(get $m? "name")`. */
function action(c: Cursor): WastAction {
  const kw = c.peekParenKw();
  if (kw !== KW.invoke && kw !== KW.get) c.unexpected(c.atLParen() ? c.pos + 1 : c.pos);
  c.pos += 2;
  const module = symbolName(c, c.optId());
  const name = c.name();
  if (kw === KW.get) {
    c.rparen();
    return { type: "get", module, name };
  }
  const args: WastValue[] = [];
  while (!c.atRParen()) args.push(value(c));
  c.rparen();
  return { type: "invoke", module, name, args };
}

const pairWords = new Int32Array(2);
const pairSigned = new BigInt64Array(pairWords.buffer);
const pairUnsigned = new BigUint64Array(pairWords.buffer);

/** The (low, high) words as a signed 64-bit bigint. */
function i64Of(pair: Int32Array): bigint {
  pairWords.set(pair);
  return pairSigned[0];
}

/** The (low, high) words as an unsigned 64-bit bigint. */
function u64Of(pair: Int32Array): bigint {
  pairWords.set(pair);
  return pairUnsigned[0];
}

/** A constant argument `(t.const …)`, `(ref.null ht)`, `(ref.extern n)`. */
function value(c: Cursor): WastValue {
  c.lparen();
  const kw = c.kwAt(c.pos);
  c.pos++;
  let v: WastValue;
  switch (kw) {
    case Op.i32_const:
      v = { type: "i32", value: c.int() };
      break;
    case Op.i64_const:
      v = { type: "i64", value: i64Of(c.int64()) };
      break;
    case Op.f32_const:
      v = { type: "f32", bits: c.f32() >>> 0 };
      break;
    case Op.f64_const:
      v = { type: "f64", bits: u64Of(c.f64()) };
      break;
    case Op.v128_const: {
      const view = new DataView(new ArrayBuffer(16));
      v128Literal(c, view);
      v = { type: "v128", bytes: new Uint8Array(view.buffer) };
      break;
    }
    case Op.ref_null:
      v = { type: "ref.null", heap: refNullHeap(c) };
      break;
    case KW["ref.extern"]:
      v = { type: "ref.extern", value: c.nat32() };
      break;
    default:
      return c.unexpected(c.pos - 1);
  }
  c.rparen();
  return v;
}

function refNullHeap(c: Cursor): "func" | "extern" {
  if (c.isKw(c.pos, KW.func)) {
    c.pos++;
    return "func";
  }
  if (c.isKw(c.pos, KW.extern)) {
    c.pos++;
    return "extern";
  }
  return c.unexpected();
}

/** A NaN pattern keyword at the cursor, consumed; else null. */
function nanPattern(c: Cursor): NanPattern | null {
  if (c.isKw(c.pos, KW["nan:canonical"])) {
    c.pos++;
    return "nan:canonical";
  }
  if (c.isKw(c.pos, KW["nan:arithmetic"])) {
    c.pos++;
    return "nan:arithmetic";
  }
  return null;
}

/** An expected result: a constant, a NaN pattern, a lane-wise v128, or any reference. */
function result(c: Cursor): WastExpected {
  if (!c.atLParen()) c.unexpected();
  const kw = c.kwAt(c.pos + 1);
  switch (kw) {
    case Op.f32_const:
    case Op.f64_const: {
      const nan = (c.pos += 2, nanPattern(c));
      if (nan !== null) {
        c.rparen();
        return { type: kw === Op.f32_const ? "f32" : "f64", nan };
      }
      c.pos -= 2;
      return value(c) as WastExpected;
    }
    case Op.v128_const: {
      c.pos += 2;
      const r = v128Expected(c);
      c.rparen();
      return r;
    }
    case Op.ref_func:
      c.pos += 2;
      c.rparen();
      return { type: "ref.func" };
    case KW["ref.extern"]:
      if (c.kind[c.pos + 2] === Tok.rparen) {
        c.pos += 3;
        return { type: "ref.extern", value: null };
      }
      return value(c) as WastExpected;
    default:
      return value(c) as WastExpected;
  }
}

function atLane(c: Cursor): boolean {
  return atNumber(c) || c.isKw(c.pos, KW["nan:canonical"]) || c.isKw(c.pos, KW["nan:arithmetic"]);
}

/** `shape lane*` where float lanes may be NaN patterns. */
function v128Expected(c: Cursor): V128Expected {
  const shape = laneShape(c);
  checkLaneCount(c, shape, atLane);
  const lanes: V128Lane[] = [];
  for (let i = 0; i < shape.lanes; i++) {
    const nan = shape.float ? nanPattern(c) : null;
    if (nan !== null) {
      lanes.push(nan);
      continue;
    }
    switch (shape.name) {
      case "i8x16":
        lanes.push(c.int(8) & 0xff);
        break;
      case "i16x8":
        lanes.push(c.int(16) & 0xffff);
        break;
      case "i32x4":
        lanes.push(c.int() >>> 0);
        break;
      case "f32x4":
        lanes.push(c.f32() >>> 0);
        break;
      case "i64x2":
        lanes.push(u64Of(c.int64()));
        break;
      default:
        lanes.push(u64Of(c.f64()));
    }
  }
  return { type: "v128", shape: shape.name as V128Expected["shape"], lanes };
}
