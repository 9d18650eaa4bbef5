/**
 * The engine registry: every execution backend by the name users pick it
 * with (`--backend interp`), so the CLI and the spec runner share one list.
 * Engines are loaded on demand (a dynamic import), so a command that runs
 * nothing pays for none of them.
 *
 * Registered: `singlepass` (guarded code on the host engine, the default) and
 * `interp` (the emulated execution engine).
 *
 * @module
 */

import type { Engine, EngineConfig } from "./engine.ts";

/** Each registered engine: its name and how to load and create it. */
const ENGINES: ReadonlyMap<string, (config: EngineConfig) => Promise<Engine>> = new Map([
  ["singlepass", async (config) => (await import("./singlepass/mod.ts")).singlepass(config)],
  ["interp", async (config) => (await import("./interp/mod.ts")).interpEngine(config)],
]);

/** Names of the registered engines, in registration order. */
export function engineNames(): string[] {
  return [...ENGINES.keys()];
}

/**
 * The engine called `name`, created with `config`, loading it; null when no
 * engine has that name.
 *
 * @example
 * ```ts
 * import { engineByName } from "./engines.ts";
 * console.assert(engineByName("no-such-engine") === null);
 * ```
 */
export function engineByName(name: string, config: EngineConfig = {}): Promise<Engine> | null {
  const load = ENGINES.get(name);
  return load === undefined ? null : load(config);
}
