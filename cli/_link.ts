/**
 * Linking a module for `kwasm run`: the host modules kwasm provides (WASI
 * preview1 and preview0 so far) and what to do with every other import —
 * refuse the module before it runs, naming each one, or, with
 * `-W unknown-imports-trap`, stand in a function that traps when called.
 *
 * @module
 */

import type { Imports } from "../runtime/engine.ts";
import { Trap } from "../runtime/errors.ts";
import type { Import, Module } from "../runtime/module.ts";
import { CliError } from "./_io.ts";

/** `env.foo (func)`: an import as error messages name it. */
export function importText(imp: Import): string {
  return `${imp.module}.${imp.name} (${imp.desc.kind})`;
}

/** The imports of `module` that `provided` has no value for. */
export function unknownImports(module: Module, provided: Imports): Import[] {
  return module.imports.filter((imp) => {
    const fields = Object.hasOwn(provided, imp.module) ? provided[imp.module] : undefined;
    return fields === undefined || !Object.hasOwn(fields, imp.name);
  });
}

/**
 * The import object for `module`: the host modules in `provided`, plus, when
 * `trapUnknown`, a function for each unknown function import that throws
 * the trap `unknown import env.foo called`.
 *
 * @throws {CliError} `FILE: unknown import: env.foo (func), env.g (global)`
 *   naming every import nothing provides (with `trapUnknown`, the ones that
 *   are not functions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linkImports } from "./_link.ts";
 * import { parseWat } from "../runtime/text/mod.ts";
 * const m = parseWat(`(module (import "env" "f" (func)) (import "env" "g" (global i32)))`);
 * assert.throws(
 *   () => linkImports("m.wat", m, {}, false),
 *   { message: "m.wat: unknown import: env.f (func), env.g (global)" },
 * );
 * ```
 */
export function linkImports(
  file: string,
  module: Module,
  provided: Imports,
  trapUnknown: boolean,
): Imports {
  const unknown = unknownImports(module, provided);
  const refused = trapUnknown ? unknown.filter((imp) => imp.desc.kind !== "func") : unknown;
  if (refused.length > 0) {
    throw new CliError(`${file}: unknown import: ${refused.map(importText).join(", ")}`);
  }
  if (unknown.length === 0) return provided;
  const imports: Imports = {};
  for (const [name, fields] of Object.entries(provided)) imports[name] = { ...fields };
  for (const imp of unknown) {
    const what = `${imp.module}.${imp.name}`;
    const stub = () => {
      throw new Trap(`unknown import ${what} called`);
    };
    (imports[imp.module] ??= {})[imp.name] = stub;
  }
  return imports;
}
