/**
 * WAST scripts under the user loader: each script runs in a Worker started
 * with the user loader's `USER_WORKER_OPTIONS` (Deno permissions `"none"`,
 * `user_runner_worker.ts`), and the `spectest` module's functions are
 * syscalls served from this isolate over the user loader's channel
 * (`../loader/user_channel.ts`, `../loader/user_copy.ts`) — the very
 * `spectest()` functions the in-process runner calls directly.
 *
 * A runner keeps its worker for the next script (loading the runtime into a
 * fresh isolate costs more than most scripts take); a script that hangs
 * past the timeout or crashes its worker fails alone, and the next script
 * gets a new worker.
 *
 * @module
 */

import type { EngineConfig, Imports } from "../engine.ts";
import { USER_WORKER_OPTIONS } from "../loader/user.ts";
import { Channel, H, State } from "../loader/user_channel.ts";
import { readRequest, ShadowMemory, writeResponse } from "../loader/user_copy.ts";
import type { ScriptResult } from "./run.ts";
import { spectest } from "./spectest.ts";
import type { ScriptDone, ScriptJob } from "./user_runner_worker.ts";

/** Options of {@linkcode UserScriptRunner}. */
export interface UserScriptOptions {
  /** Engine name (`engineByName`): `"singlepass"` or `"interp"`. */
  backend: string;
  /** Engine configuration (singlepass's cache is always off in the worker). */
  config?: EngineConfig;
  /**
   * A script still running this many milliseconds after it started (its
   * worker loaded) fails, its worker killed. Default 120 s.
   */
  timeoutMs?: number;
  /**
   * The kernel side's `spectest` module, whose functions are served (default
   * {@linkcode spectest}); its other members are ignored (the worker makes its own).
   */
  spectest?: () => Imports[string];
}

/** A function the kernel side serves. */
type HostFn = (...args: unknown[]) => unknown;

/** The kernel side's state for one worker. */
interface Guest {
  worker: Worker;
  ch: Channel;
  shadow: ShadowMemory;
}

function failed(why: string): ScriptResult {
  return { passed: 0, failures: [`script: ${why}`], skipped: 0 };
}

/**
 * Runs WAST scripts, one at a time, in a permission-less worker; run
 * several runners for parallelism.
 *
 * @example
 * ```ts ignore
 * import { UserScriptRunner } from "./user_runner.ts";
 * const runner = new UserScriptRunner({ backend: "interp" });
 * const r = await runner.run(await Deno.readFile("i32.wast")); // { passed, failures, skipped }
 * runner.close();
 * ```
 */
export class UserScriptRunner {
  readonly #options: UserScriptOptions;
  /** The served functions: the `spectest` module's, by call index. */
  readonly #names: string[] = [];
  readonly #fns: HostFn[] = [];
  #guest: Guest | null = null;

  /** A runner; its worker starts with the first script. */
  constructor(options: UserScriptOptions) {
    this.#options = options;
    for (const [name, value] of Object.entries((options.spectest ?? spectest)())) {
      if (typeof value !== "function") continue;
      this.#names.push(name);
      this.#fns.push(value as HostFn);
    }
  }

  #start(): Guest {
    const url = new URL("./user_runner_worker.ts", import.meta.url);
    return {
      worker: new Worker(url, USER_WORKER_OPTIONS),
      ch: Channel.create(),
      shadow: new ShadowMemory(),
    };
  }

  /** Kills the worker (the next script gets a new one). */
  #drop(guest: Guest): void {
    guest.worker.terminate();
    Atomics.store(guest.ch.i32, H.STATE, State.closed);
    Atomics.notify(guest.ch.i32, H.STATE);
    if (this.#guest === guest) this.#guest = null;
  }

  /** Serves `guest`'s syscalls until `over()` (woken by a notify) or the channel closes. */
  async #serve(guest: Guest, over: () => boolean): Promise<void> {
    const { ch, shadow } = guest;
    const h = ch.i32;
    while (!over()) {
      const state = Atomics.load(h, H.STATE);
      if (state === State.closed) return;
      if (state !== State.request) {
        const wait = Atomics.waitAsync(h, H.STATE, state);
        if (wait.async) await wait.value;
        continue;
      }
      const args = readRequest(ch, shadow); // copy_from_user
      const value = this.#fns[h[H.CALL]](...args);
      writeResponse(ch, shadow, value, true); // copy_to_user
      Atomics.store(h, H.STATE, State.response);
      Atomics.notify(h, H.STATE);
    }
  }

  /**
   * Runs one script (its text as bytes) and returns its counts. A script
   * that times out or kills its worker is one failure.
   */
  async run(bytes: Uint8Array): Promise<ScriptResult> {
    const guest = this.#guest ??= this.#start();
    const ms = this.#options.timeoutMs ?? 120_000;
    let over = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<ScriptResult>((resolve) => {
      guest.worker.onmessage = (e: MessageEvent<ScriptDone>) => {
        const done = e.data;
        if (done.kind === "running") {
          // The timeout counts from here: a new worker's start-up is not the script's.
          timer = setTimeout(() => {
            this.#drop(guest);
            resolve(failed(`timed out after ${ms} ms`));
          }, ms);
        } else resolve(done.kind === "done" ? done.result : failed(done.message));
      };
      guest.worker.onerror = (e) => {
        e.preventDefault();
        this.#drop(guest);
        resolve(failed(`the worker failed: ${e.message}`));
      };
    });
    const serving = this.#serve(guest, () => over).then(() => null, (e) => {
      this.#drop(guest);
      return failed(`a spectest host call failed: ${e instanceof Error ? e.message : e}`);
    });
    const job: ScriptJob = {
      bytes,
      backend: this.#options.backend,
      config: this.#options.config ?? {},
      channel: guest.ch.sab,
      functions: this.#names,
    };
    guest.worker.postMessage(job);
    try {
      return await Promise.race([answer, serving.then((f) => f ?? answer)]);
    } finally {
      clearTimeout(timer);
      over = true;
      Atomics.notify(guest.ch.i32, H.STATE); // wakes the serve loop, which sees `over`
    }
  }

  /** Stops the worker. */
  close(): void {
    if (this.#guest !== null) this.#drop(this.#guest);
  }
}
