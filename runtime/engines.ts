/**
 * The engine registry: every execution backend by the name users pick it
 * with (`--backend interp`), so the CLI and the spec runner share one list.
 * Engines are loaded on demand (a dynamic import), so a command that runs
 * nothing pays for none of them.
 *
 * No engine is registered yet; `interp` and `singlepass` add themselves to
 * {@linkcode ENGINES} as they land.
 *
 * @module
 */

import type { Engine } from "./engine.ts";

/** Each registered engine: its name and how to load it. */
const ENGINES: ReadonlyMap<string, () => Promise<Engine>> = new Map();

/** Names of the registered engines, in registration order. */
export function engineNames(): string[] {
  return [...ENGINES.keys()];
}

/**
 * The engine called `name`, loading it; null when no engine has that name.
 *
 * @example
 * ```ts
 * import { engineByName } from "./engines.ts";
 * console.assert(engineByName("no-such-engine") === null);
 * ```
 */
export function engineByName(name: string): Promise<Engine> | null {
  const load = ENGINES.get(name);
  return load === undefined ? null : load();
}
