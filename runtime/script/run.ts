/**
 * Runs WAST scripts: the spec test suite's commands against kwasm. Module
 * assertions (`assert_malformed`, `assert_invalid`) exercise the text
 * parser, decoder and validator; with an engine, modules are instantiated
 * and actions, `assert_return`, `assert_trap`, `assert_exhaustion`,
 * `assert_unlinkable` and `assert_uninstantiable` run too. Without one they
 * are counted as skipped, never as passed.
 *
 * Messages compare as the spec interpreter compares them: the actual
 * message must start with the expected text.
 *
 * @module
 */

import type { Engine, Exports, Imports, Instance, RawValue } from "../engine.ts";
import { Exhaustion, InvalidError, LinkError, MalformedError, Trap } from "../errors.ts";
import type { Module } from "../module.ts";
import { parseWast } from "../text/mod.ts";
import { moduleOf } from "../text/parser.ts";
import type { WastAction, WastCommand, WastModule } from "../text/wast.ts";
import { validate } from "../validate/mod.ts";
import { argValue, matches, show, showExpected } from "./expect.ts";
import { spectest } from "./spectest.ts";
import { Global } from "../instance/global.ts";
import { ValType } from "../types.ts";

/** The outcome of one script. */
export interface ScriptResult {
  /** Commands checked and found right. */
  passed: number;
  /** Commands that went wrong: `line: what happened`. */
  failures: string[];
  /** Commands that need an engine, when none was given (or after a failed module). */
  skipped: number;
}

/** Options of {@linkcode runScript}. */
export interface RunOptions {
  /** The engine to execute with; without one, execution commands are skipped. */
  engine?: Engine;
  /**
   * Makes the script's `spectest` module (default {@linkcode spectest}); the
   * user loader's runner passes one whose functions are syscalls.
   */
  spectest?: () => Imports[string];
}

class Failure extends Error {}

function fail(message: string): never {
  throw new Failure(message);
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Checks that `e` is an instance of `cls` whose message starts with `text`. */
function expectError(
  e: unknown,
  cls: abstract new (...args: never[]) => Error,
  what: string,
  text: string,
): void {
  if (e instanceof Failure) throw e;
  if (!(e instanceof cls)) fail(`expected ${what} "${text}", got ${errorText(e)}`);
  if (!e.message.startsWith(text)) fail(`expected ${what} "${text}", got "${e.message}"`);
}

/** Runs the commands of one script. */
class ScriptRunner {
  readonly #engine: Engine | undefined;
  readonly #registry: Imports;
  readonly #instances = new Map<string, Instance>();
  #current: Instance | null = null;
  /** Set when the last module command failed: commands using it are skipped. */
  #broken = false;

  constructor(engine: Engine | undefined, makeSpectest: () => Imports[string]) {
    this.#engine = engine;
    this.#registry = { spectest: makeSpectest() };
  }

  /** Parses (or decodes) and validates a module; failures propagate. */
  #load(m: WastModule): Module {
    const module = moduleOf(m.source);
    validate(module);
    return module;
  }

  async #instantiate(module: Module): Promise<Instance> {
    const engine = this.#engine!;
    // With fuel metered, give a finite amount so the accounting really runs.
    const options = engine.config.fuel ? { fuel: 2 ** 50 } : {};
    return await engine.compile(module).instantiate(this.#registry, options);
  }

  #instance(name: string | null): Instance {
    const inst = name === null ? this.#current : this.#instances.get(name);
    if (!inst) fail(`unknown module ${name ?? "(none defined)"}`);
    return inst;
  }

  async #act(a: WastAction): Promise<RawValue[]> {
    const inst = this.#instance(a.module);
    if (a.type === "invoke") return await inst.invoke(a.name, a.args.map(argValue));
    const g = inst.exports[a.name];
    if (g === undefined) fail(`unknown global export "${a.name}"`);
    return [rawGlobal(g)];
  }

  /**
   * Runs one command: resolves when it held, throws a Failure (or another
   * error) when it did not, returns "skipped" when it needs an engine.
   */
  async run(cmd: WastCommand): Promise<"passed" | "skipped"> {
    const engine = this.#engine;
    switch (cmd.type) {
      case "module": {
        this.#broken = true;
        const module = this.#load(cmd);
        if (!engine) return "passed";
        const inst = await this.#instantiate(module);
        this.#current = inst;
        if (cmd.name !== null) this.#instances.set(cmd.name, inst);
        this.#broken = false;
        return "passed";
      }
      case "register": {
        if (!engine || this.#broken && cmd.name === null) return "skipped";
        this.#registry[cmd.as] = this.#instance(cmd.name).exports as Exports;
        return "passed";
      }
      case "assert_malformed": {
        try {
          moduleOf(cmd.module.source);
        } catch (e) {
          expectError(e, MalformedError, "malformed", cmd.text);
          return "passed";
        }
        fail(`expected malformed "${cmd.text}", but the module parsed`);
        break;
      }
      case "assert_invalid": {
        const module = moduleOf(cmd.module.source);
        try {
          validate(module);
        } catch (e) {
          expectError(e, InvalidError, "invalid", cmd.text);
          return "passed";
        }
        fail(`expected invalid "${cmd.text}", but the module validated`);
        break;
      }
      case "assert_unlinkable":
      case "assert_uninstantiable": {
        const module = this.#load(cmd.module);
        if (!engine) return "skipped";
        const [cls, what] = cmd.type === "assert_unlinkable"
          ? [LinkError, "link error"] as const
          : [WebAssembly.RuntimeError, "trap"] as const;
        try {
          await this.#instantiate(module);
        } catch (e) {
          expectError(e, cls, what, cmd.text);
          return "passed";
        }
        fail(`expected ${what} "${cmd.text}", but the module instantiated`);
        break;
      }
      case "action": {
        if (!engine || this.#broken) return "skipped";
        await this.#act(cmd.action);
        return "passed";
      }
      case "assert_return": {
        if (!engine || this.#broken) return "skipped";
        const got = await this.#act(cmd.action);
        const want = cmd.expected;
        if (got.length !== want.length || !got.every((v, i) => matches(v, want[i]))) {
          fail(
            `${actionText(cmd.action)}: got [${got.map(show).join(", ")}], expected [${
              want.map(showExpected).join(", ")
            }]`,
          );
        }
        return "passed";
      }
      case "assert_trap":
      case "assert_exhaustion": {
        if (!engine || this.#broken) return "skipped";
        const [cls, what] = cmd.type === "assert_trap"
          ? [Trap, "trap"] as const
          : [Exhaustion, "exhaustion"] as const;
        try {
          const got = await this.#act(cmd.action);
          fail(
            `${actionText(cmd.action)}: returned [${got.map(show).join(", ")}], expected ${what}`,
          );
        } catch (e) {
          expectError(e, cls, what, cmd.text);
        }
        return "passed";
      }
    }
  }
}

function actionText(a: WastAction): string {
  return `${a.type} ${a.module ?? ""}${a.module ? " " : ""}"${a.name}"`;
}

/**
 * The exact value of an exported global. kwasm's own `Global` keeps bits; a
 * `WebAssembly.Global` only offers its JS value, which is right for
 * integers and references (and floats other than NaNs with payloads).
 */
function rawGlobal(g: unknown): RawValue {
  if (!(g instanceof Global)) return (g as { value: RawValue }).value;
  switch (g.type.type) {
    case ValType.f32:
      return g.bits[0] >>> 0;
    case ValType.f64:
      return BigInt.asUintN(64, (BigInt(g.bits[1]) << 32n) | BigInt(g.bits[0] >>> 0));
    default:
      return g.value as RawValue;
  }
}

/**
 * Runs a script's commands in order. A command that fails is recorded and
 * the script goes on, as the reference runner does.
 */
export async function runCommands(
  commands: readonly WastCommand[],
  options: RunOptions = {},
): Promise<ScriptResult> {
  const runner = new ScriptRunner(options.engine, options.spectest ?? spectest);
  const result: ScriptResult = { passed: 0, failures: [], skipped: 0 };
  for (const cmd of commands) {
    try {
      if (await runner.run(cmd) === "passed") result.passed++;
      else result.skipped++;
    } catch (e) {
      const why = e instanceof Failure ? e.message : `${cmd.type}: ${errorText(e)}`;
      result.failures.push(`${cmd.line}: ${why}`);
    }
  }
  return result;
}

/** Parses and runs a script. A script that does not parse is one failure. */
export async function runScript(
  text: string | Uint8Array,
  options: RunOptions = {},
): Promise<ScriptResult> {
  let commands: WastCommand[];
  try {
    commands = parseWast(text);
  } catch (e) {
    return { passed: 0, failures: [`script: ${errorText(e)}`], skipped: 0 };
  }
  return await runCommands(commands, options);
}
