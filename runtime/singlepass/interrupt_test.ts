/**
 * Stopping a guest that spins forever, end to end in a child process: by a
 * watchdog's deadline, and by Ctrl-C (SIGINT), each within 100 ms.
 */
import assert from "node:assert/strict";
import { repoPath } from "../../tests/_fixtures.ts";

const SPIN = repoPath("runtime/singlepass/testdata/spin.ts");

/** Starts the spinner; resolves with the child and its stdout reader once it printed `ready`. */
async function spin(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SPIN, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready\n")) {
    const { value, done } = await lines.read();
    if (done) break;
    seen += value;
  }
  const rest = (async () => {
    let out = seen.slice(seen.indexOf("ready\n") + 6);
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return out;
      out += value;
    }
  })();
  return { child, rest };
}

function spentMs(out: string): number {
  const m = /^interrupted after (\d+) ms$/m.exec(out);
  assert.ok(m, `output: ${out}`);
  return Number(m[1]);
}

Deno.test("a timeout stops an infinite loop within 100 ms of the deadline", async () => {
  const { child, rest } = await spin(["300"]);
  const status = await child.status;
  assert.equal(status.code, 1);
  // The deadline counts from the watchdog's start, a little before the loop starts.
  assert.ok(spentMs(await rest) <= 300 + 100);
});

Deno.test({
  name: "Ctrl-C (SIGINT) stops an infinite loop within 100 ms",
  ignore: Deno.build.os === "windows",
  async fn() {
    const { child, rest } = await spin([]);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    child.kill("SIGINT");
    const status = await child.status;
    const elapsed = performance.now() - t0;
    assert.equal(status.code, 1);
    assert.ok(spentMs(await rest) >= 200);
    assert.ok(elapsed < 100 + 150, `exited ${elapsed} ms after SIGINT`); // + process exit
  },
});
