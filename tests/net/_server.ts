/**
 * Test and benchmark helper: starts a server (a `kwasm run --net` guest, or
 * a native Deno program) as a subprocess on a free loopback port, reads the
 * address it prints, and stops it.
 *
 * @module
 */

import { repoPath } from "../_fixtures.ts";

/** A running server. */
export interface Server {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Everything it wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Stops it and waits for the process to end. */
  stop(): Promise<void>;
}

/** Starts `deno run -A <args>` and waits for "127.0.0.1:PORT" on its stdout. */
export async function startDeno(args: string[], timeoutMs = 30_000): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd: repoPath("."),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (s) => void (err += s) }),
  );
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), timeoutMs);
  });
  try {
    for (;;) {
      const m = /127\.0\.0\.1:(\d+)/.exec(out);
      if (m !== null) {
        const port = Number(m[1]);
        // Keep draining stdout so the server never blocks on a full pipe.
        const outDone = (async () => {
          while (!(await reader.read()).done) { /* discard */ }
        })();
        return {
          port,
          stderr: () => err,
          async stop() {
            try {
              child.kill("SIGKILL");
            } catch {
              // already gone
            }
            await child.status;
            await outDone;
            await errDone;
          },
        };
      }
      const r = await Promise.race([reader.read(), timeout]);
      if (r.done) throw new Error(`server exited before printing its address: ${err}`);
      out += r.value;
    }
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    await reader.cancel();
    await errDone;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Where a guest runs: `kwasm run --loader`. */
export type Loader = "kernel" | "user";

/** Starts a committed example under `kwasm run --net` with `backend` and `loader`. */
export function startGuest(
  example: string,
  backend: string,
  guestArgs: string[],
  dirs: string[] = [],
  loader: Loader = "kernel",
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
    wasm,
    ...guestArgs,
  ]);
}
