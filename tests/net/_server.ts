/**
 * Test and benchmark helper: starts a server (a `kwasm run --net` guest, or
 * a native Deno program) as a subprocess on a free loopback port, reads the
 * address it prints, and stops it; and spawns other `deno run` programs the
 * same way.
 *
 * @module
 */

import { repoPath } from "../_fixtures.ts";

/** A running server. */
export interface Server {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** The server process's pid (to watch it from outside, in `/proc/<pid>`). */
  pid: number;
  /** Everything it wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Stops it and waits for the process to end. */
  stop(): Promise<void>;
}

/** Spawns `deno run -A <args>` in the repository's root, stdin closed, stdout and stderr piped. */
export function spawnDeno(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd: repoPath("."),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Starts `deno run -A <args>` and waits for "127.0.0.1:PORT" on its stdout. */
export async function startDeno(args: string[], timeoutMs = 30_000): Promise<Server> {
  const child = spawnDeno(args);
  let err = "";
  const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (s) => void (err += s) }),
  );
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const kill = async () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), timeoutMs);
  });
  let out = "";
  try {
    let m: RegExpExecArray | null;
    while ((m = /127\.0\.0\.1:(\d+)/.exec(out)) === null) {
      const r = await Promise.race([reader.read(), timeout]);
      if (r.done) throw new Error(`server exited before printing its address: ${err}`);
      out += r.value;
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    const outDone = (async () => {
      while (!(await reader.read()).done) { /* discard */ }
    })();
    return {
      port: Number(m[1]),
      pid: child.pid,
      stderr: () => err,
      async stop() {
        await kill();
        await outDone;
        await errDone;
      },
    };
  } catch (e) {
    await kill();
    await reader.cancel();
    await errDone;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Where a guest runs: `kwasm run --loader`. */
export type Loader = "kernel" | "user";

/**
 * Starts `examples/<example>/<example>.wasm` under `kwasm run --net` with `backend` and `loader`,
 * preopens `dirs` (`HOST::GUEST`) and passes `options` to `kwasm run` (`-W max-memory-size=N`,
 * say).
 */
export function startGuest(
  example: string,
  backend: string,
  guestArgs: string[],
  dirs: string[] = [],
  loader: Loader = "kernel",
  options: string[] = [],
): Promise<Server> {
  const wasm = `examples/${example}/${example}.wasm`;
  const dirArgs = dirs.flatMap((d) => ["--dir", d]);
  return startDeno([
    "cli.ts",
    "run",
    "--net",
    "--backend",
    backend,
    "--loader",
    loader,
    ...dirArgs,
    ...options,
    wasm,
    ...guestArgs,
  ]);
}
