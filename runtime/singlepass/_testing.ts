/**
 * Test helpers: WAT → a singlepass instance in one call.
 *
 * @module
 */

import type { Imports, InstantiateOptions } from "../engine.ts";
import type { Module } from "../module.ts";
import { parseWat } from "../text/mod.ts";
import { validate } from "../validate/mod.ts";
import { singlepass, type SinglepassConfig } from "./mod.ts";
import type { SinglepassInstance } from "./instance.ts";

/** Parses and validates a WAT module. */
export function wat(text: string): Module {
  const m = parseWat(text);
  validate(m);
  return m;
}

/** Compiles `text` on a fresh engine (no cache) and instantiates it. */
export async function instantiateWat(
  text: string,
  config: SinglepassConfig = {},
  imports: Imports = {},
  options: InstantiateOptions = {},
): Promise<SinglepassInstance> {
  const engine = singlepass({ cache: false, ...config });
  return await engine.compile(wat(text)).instantiate(imports, options) as SinglepassInstance;
}
