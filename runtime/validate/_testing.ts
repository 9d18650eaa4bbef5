/**
 * Hand-building modules for the validator's unit tests: a function body is a
 * list of `[opcodeKey, ...immediateWords]` rows, assembled with
 * {@linkcode CodeBuilder}; every instruction gets offset `100 + its index`,
 * so tests can check which instruction an error points at.
 *
 * @module
 */

import assert from "node:assert/strict";
import { CodeBuilder } from "../code.ts";
import { InvalidError } from "../errors.ts";
import { type Code, emptyModule, type Func, type Module } from "../module.ts";
import { Op, OPS_BY_NAME } from "../opcodes.ts";
import type { ValType } from "../types.ts";
import { validate } from "./mod.ts";

/** One instruction: its mnemonic (or key in `Op`, for `select_t`), then its immediate words. */
export type Instr = readonly [string, ...number[]];

function opId(name: string): number {
  const id = OPS_BY_NAME.get(name) ?? (Op as Readonly<Record<string, number>>)[name];
  if (id === undefined) throw new Error(`no instruction ${name}`);
  return id;
}

/** Assembles instructions into a code stream; instruction i gets offset 100 + i. */
export function code(instrs: readonly Instr[]): Code {
  const b = new CodeBuilder();
  instrs.forEach(([key, ...imms], i) => {
    b.op(opId(key), 100 + i);
    for (const w of imms) b.word(w);
  });
  return b.finish();
}

/** Adds a function type to `m`, returning its index. */
export function addType(m: Module, params: ValType[], results: ValType[]): number {
  m.types.push({ final: true, supers: [], composite: { kind: "func", params, results } });
  m.recGroups.push({ start: m.types.length - 1, size: 1, explicit: false });
  return m.types.length - 1;
}

/** Adds a function of type `[params] -> [results]` with `body` (an `end` is appended). */
export function addFunc(
  m: Module,
  params: ValType[],
  results: ValType[],
  body: readonly Instr[],
  locals: ValType[] = [],
): Func {
  const f: Func = {
    type: addType(m, params, results),
    locals: locals.map((type) => ({ count: 1, type })),
    body: code([...body, ["end"]]),
    offset: 0,
  };
  m.funcs.push(f);
  return f;
}

/** A module holding one function. */
export function funcModule(
  params: ValType[],
  results: ValType[],
  body: readonly Instr[],
  locals: ValType[] = [],
): Module {
  const m = emptyModule();
  addFunc(m, params, results, body, locals);
  return m;
}

/** Asserts `m` is valid. */
export function assertValid(m: Module): void {
  validate(m);
}

/**
 * Asserts validating `m` throws an `InvalidError` whose message starts with
 * `phrase`; returns the error.
 */
export function assertInvalid(m: Module, phrase: string): InvalidError {
  try {
    validate(m);
  } catch (e) {
    assert.ok(e instanceof InvalidError, `expected InvalidError, got ${e}`);
    assert.ok(
      e.message.startsWith(phrase),
      `expected message starting with "${phrase}", got "${e.message}"`,
    );
    return e;
  }
  assert.fail(`expected "${phrase}", but the module validated`);
}
