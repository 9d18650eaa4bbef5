/**
 * Replays every saved differential regression (`regressions/differential/`,
 * written by `deno task fuzz --save`) on every executor: they must agree, or
 * differ only in the way the sidecar explains, and the host engine must still
 * do what the sidecar recorded (so a regression cannot silently stop
 * exercising what it was saved for).
 */
import assert from "node:assert/strict";
import { loadRegressions, replay, saveRegression } from "./regressions.ts";
import { executorByName, EXECUTORS, HOST } from "./scenario.ts";

const regressions = await loadRegressions();

Deno.test("differential regressions are saved", () => {
  assert.ok(regressions.length >= 2, `only ${regressions.length} regressions`);
  for (const r of regressions) {
    assert.ok(r.sidecar.why.length > 0, `${r.name}: no reason recorded`);
    assert.ok(r.scenario.calls.length > 0 || r.sidecar.key.endsWith("instantiate"), r.name);
  }
});

for (const r of regressions) {
  Deno.test(`regression ${r.name}: ${EXECUTORS.join(", ")} agree or differ as explained (${r.sidecar.key})`, async () => {
    assert.equal(EXECUTORS[0], HOST);
    const executors = await Promise.all(EXECUTORS.map((e) => executorByName(e)));
    const result = await replay(r, executors);
    assert.deepEqual(result.unexplained, [], r.sidecar.why);
    assert.deepEqual(result.host, r.sidecar.expected, "the host engine's outcomes changed");
  });
}

Deno.test("saveRegression and loadRegressions round-trip a scenario and V8's outcomes", async () => {
  const [first] = regressions;
  const dir = new URL(`file://${await Deno.makeTempDir()}/`);
  try {
    const calls = [{
      name: first.scenario.calls[0].name,
      args: [NaN, -0, -1n, 2 ** 31],
      vector: true,
    }];
    const scenario = { ...first.scenario, calls };
    await saveRegression("x", scenario, { seed: 1, key: "k", detail: "d", why: "w" }, dir);
    const [back] = await loadRegressions(dir);
    assert.equal(back.name, "x");
    assert.deepEqual(back.scenario.bytes, first.scenario.bytes);
    assert.deepEqual(back.scenario.calls, calls);
    assert.equal(back.sidecar.expected.calls.length, 1);
    assert.equal(back.sidecar.explained, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
