/**
 * A real, large WASI program: CRuby 3.4 (ruby.wasm) runs a script that reads
 * and writes files in a preopen, on kwasm's WASI host. Ignored unless
 * ruby.wasm is in Deno's npm cache (`deno cache npm:@ruby/3.4-wasm-wasi@2.10.1`)
 * or `$KWASM_RUBY_WASM` points at it: it is 30 MB, too big to commit.
 */
import assert from "node:assert/strict";
import { Collector } from "./_run.ts";
import { rubyWasmPath, runRuby } from "./ruby/run.ts";
import { repoPath } from "../_fixtures.ts";

const wasm = rubyWasmPath();

Deno.test({
  name: "ruby.wasm: CRuby 3.4 reads and writes files in a preopen",
  // CI caches ruby.wasm first (.ci/run), so there the test must run.
  ignore: wasm === null && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(wasm !== null, "ruby.wasm is not cached: deno cache npm:@ruby/3.4-wasm-wasi@2.10.1");
    const dir = Deno.makeTempDirSync({ prefix: "kwasm-ruby-" });
    try {
      const stdout = new Collector();
      const stderr = new Collector();
      const state = await runRuby(
        wasm!,
        Deno.readTextFileSync(repoPath("tests/wasi/ruby/files.rb")),
        {
          dirs: [`${dir}::/work`],
          stdout,
          stderr,
        },
      );
      assert.equal(stderr.text(), "");
      assert.equal(state, 0);
      const out = stdout.text().split("\n");
      assert.match(out[0], /^ruby 3\.4\.\d+ \(wasm32-wasi\)$/);
      assert.equal(out[1], "rows=1000 sum_of_squares=333833500 first_hash=6b86b273");
      // Sizes as the host sees them (a directory's size depends on the file system).
      const listed = ["out", "out/log.txt", "out/summary.json", "table.csv"];
      assert.deepEqual(
        out.slice(2, 6),
        listed.map((p) => `/work/${p} ${Deno.statSync(`${dir}/${p}`).size}`),
      );
      assert.equal(Deno.statSync(`${dir}/table.csv`).size, 19450);
      assert.equal(out[6], "escape refused: Errno::EPERM");
      const summary = JSON.parse(Deno.readTextFileSync(`${dir}/out/summary.json`));
      assert.deepEqual(summary, {
        rows: 1000,
        sum_of_squares: 333833500,
        first_hash: "6b86b273",
      });
      assert.equal(Deno.readTextFileSync(`${dir}/table.csv`).split("\n").length, 1002);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
