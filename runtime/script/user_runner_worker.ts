/**
 * The spec-script runner's worker: user space for WAST scripts. Started by
 * `user_runner.ts` with the user loader's `USER_WORKER_OPTIONS` (Deno
 * permissions `"none"`), it parses and runs each script it is sent with the
 * chosen engine, and posts the pass/fail counts back. The `spectest`
 * module's functions (the `print*` family) are syscalls over the user
 * loader's channel (`../loader/user_channel.ts`), served by the kernel side;
 * its globals, table and memory are data and live here.
 *
 * Messages: the kernel side posts {@linkcode ScriptJob}s, one at a time; the
 * worker answers each with `running` (the engine is loaded, the script
 * starts), then one `done` or `error` ({@linkcode ScriptDone}).
 *
 * @module
 */

import type { Engine, EngineConfig, Imports } from "../engine.ts";
import { engineByName } from "../engines.ts";
import { Channel, H, State } from "../loader/user_channel.ts";
import { readResponse, writeRequest } from "../loader/user_copy.ts";
import { RangeList } from "../loader/user_effects.ts";
import { runScript, type ScriptResult } from "./run.ts";
import { spectest } from "./spectest.ts";

/** One script to run. */
export interface ScriptJob {
  /** The script's text, as bytes. */
  bytes: Uint8Array;
  /** Engine name (`engineByName`). */
  backend: string;
  /** Engine configuration. */
  config: EngineConfig;
  /** The syscall channel (the same for every job of a worker). */
  channel: SharedArrayBuffer;
  /** The `spectest` functions the kernel side serves, by call index. */
  functions: string[];
}

/** The worker's answers to a job: `running`, then `done` or `error`. */
export type ScriptDone =
  | { kind: "running" }
  | { kind: "done"; result: ScriptResult }
  | { kind: "error"; message: string };

/** No print touches memory: every call has no ranges and an empty memory. */
const NO_RANGES = new RangeList();
const NO_MEMORY = new Uint8Array(0);

/** A synchronous syscall stub for call `index` (the user loader's protocol, without ranges). */
function stub(ch: Channel, index: number, name: string): (...args: (number | bigint)[]) => void {
  const call = (...args: (number | bigint)[]) => {
    writeRequest(ch, index, args, NO_RANGES, NO_MEMORY);
    const h = ch.i32;
    Atomics.store(h, H.STATE, State.request);
    Atomics.notify(h, H.STATE);
    while (Atomics.load(h, H.STATE) === State.request) Atomics.wait(h, H.STATE, State.request);
    readResponse(ch, NO_MEMORY);
    Atomics.store(h, H.STATE, State.idle);
  };
  Object.defineProperty(call, "name", { value: name });
  return call;
}

/** Engines already created, by backend and configuration (a worker runs many scripts). */
const engines = new Map<string, Promise<Engine>>();

function engineFor(backend: string, config: EngineConfig): Promise<Engine> {
  // No files here: singlepass's cache (its own option) stays off.
  const full: EngineConfig & { cache?: boolean } = { ...config, cache: false };
  const key = `${backend} ${JSON.stringify(full)}`;
  let engine = engines.get(key);
  if (engine === undefined) {
    const made = engineByName(backend, full);
    if (made === null) throw new Error(`backend '${backend}' is not available`);
    engines.set(key, engine = made);
  }
  return engine;
}

/** The worker's global scope (Deno's types describe a window). */
const scope = self as unknown as {
  onmessage: (e: MessageEvent<ScriptJob>) => void;
  postMessage(message: ScriptDone): void;
};

async function run(job: ScriptJob): Promise<ScriptResult> {
  const engine = await engineFor(job.backend, job.config);
  scope.postMessage({ kind: "running" });
  const ch = new Channel(job.channel);
  const stubs: Imports[string] = {};
  job.functions.forEach((name, i) => stubs[name] = stub(ch, i, name));
  return await runScript(job.bytes, { engine, spectest: () => ({ ...spectest(), ...stubs }) });
}

scope.onmessage = async (e) => {
  let done: ScriptDone;
  try {
    done = { kind: "done", result: await run(e.data) };
  } catch (err) {
    done = {
      kind: "error",
      message: err instanceof Error ? `${err.name}: ${err.message}` : `${err}`,
    };
  }
  scope.postMessage(done);
};
