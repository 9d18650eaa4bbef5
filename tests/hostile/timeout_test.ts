/**
 * Guests that never finish, under `kwasm run -W timeout=200ms` on both
 * engines and both loaders: each prints "ready" (WASI `fd_write`) and then spins — in a `br`
 * loop, a `br_table` loop, a loop of calls, or inside the start function,
 * before instantiation has even returned. Each must end with "interrupted"
 * (exit 134) within the deadline plus 100 ms, measured from "ready" to the
 * "interrupted" message.
 */
import assert from "node:assert/strict";
import { wat } from "./_modules.ts";
import { BACKENDS, SLACK, tempWasm } from "./_run.ts";

const TIMEOUT_MS = 200;
/** Allowed lateness after the deadline. */
const LATE_MS = 100;

/**
 * A WASI command that prints "ready\n" and then runs `spin` (instructions of
 * a `(func)`); with `inStart`, the spin is the start function and nothing is
 * printed (WASI calls from a start function fail: the memory is bound after
 * instantiation).
 */
function spinner(spin: string, options: { inStart?: boolean } = {}): Uint8Array {
  const main = options.inStart
    ? `(func $main (local i32) ${spin}) (start $main) (func (export "_start"))`
    : `(func $main (export "_start") (local i32)
        (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 6))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        ${spin})`;
  return wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "ready\\n")
    (func $tick (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    ${main})`);
}

const SPINNERS: Record<string, Uint8Array> = {
  "a br loop": spinner(`(loop $l (br $l))`),
  "a br_table loop": spinner(`(loop $l (br_table $l $l (local.get 0)))`),
  "a loop of calls": spinner(`(loop $l (local.set 0 (call $tick (local.get 0))) (br $l))`),
  "the start function": spinner(`(loop $l (br $l))`, { inStart: true }),
};

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

/**
 * Runs the CLI on `file`: the exit code, stderr, the first stdout line, and
 * milliseconds from that line to the "interrupted" message on stderr (the
 * process's own exit, a few tens of ms more on a busy machine, is not counted).
 */
async function runUntilInterrupted(backend: string, loader: string, file: string) {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", CLI, "run", "--backend", backend, "--loader", loader],
      ...["-W", `timeout=${TIMEOUT_MS}ms`, file],
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let interruptedAt = Infinity;
  let stderr = "";
  const errors = (async () => {
    const text = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderr += text.decode(chunk, { stream: true });
      if (interruptedAt === Infinity && stderr.includes("interrupted")) {
        interruptedAt = performance.now();
      }
    }
  })();
  const reader = child.stdout.getReader();
  const { value } = await reader.read(); // undefined at exit, when nothing was printed
  const ready = performance.now();
  reader.releaseLock();
  const status = await child.status;
  const end = performance.now();
  await child.stdout.cancel();
  await errors;
  return {
    line: new TextDecoder().decode(value),
    code: status.code,
    stderr,
    fromReady: interruptedAt - ready,
    total: end - t0,
  };
}

/** Runs before giving up on the 100 ms bound: one on-time run shows the bound is met. */
const ATTEMPTS = 3;
/** Lateness that fails at once: on a machine this loaded, the interrupt did not work. */
const HOPELESS_MS = 2000;

for (const [backend, loader] of BACKENDS.flatMap((b) => [[b, "kernel"], [b, "user"]])) {
  for (const [name, bytes] of Object.entries(SPINNERS)) {
    const title = `hostile (${loader}/${backend}): -W timeout=${TIMEOUT_MS}ms interrupts ${name}`;
    Deno.test(title, async () => {
      const file = await tempWasm(bytes);
      const late: number[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const o = await runUntilInterrupted(backend, loader, file);
        assert.equal(o.code, 134, o.stderr);
        assert.match(o.stderr, /: interrupted\n/);
        assert.ok(o.total < 3000 * SLACK, `${o.total.toFixed(0)} ms in all`);
        if (name === "the start function") return assert.equal(o.line, "");
        assert.equal(o.line, "ready\n");
        // The deadline counts from before "ready", so this bound is a little generous.
        assert.ok(o.fromReady < HOPELESS_MS, `${o.fromReady.toFixed(0)} ms after ready`);
        if (o.fromReady < TIMEOUT_MS + LATE_MS * SLACK) return;
        late.push(Math.round(o.fromReady));
      }
      assert.fail(`interrupted ${late.join(", ")} ms after "ready"; bound ${TIMEOUT_MS + LATE_MS}`);
    });
  }
}
