/**
 * The compilation cache keys entries by the original bytes, the options and
 * {@linkcode CODEGEN_VERSION}, not by the guard pass's code: a change to what
 * the pass emits that forgets to bump the version makes every existing cache
 * reuse stale guarded modules — their guards, and offsets that no longer match
 * the backtrace map (seen: frames mapped to the wrong instruction). This test
 * fingerprints what the pass emits for a few real modules and ties each
 * fingerprint to one version.
 *
 * When it fails because the guarded output changed: bump `CODEGEN_VERSION` in
 * `cache.ts` and add a line for the new version below (keep the old lines).
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { decode } from "../binary/decode.ts";
import { encode } from "../binary/encode.ts";
import { repoPath } from "../../tests/_fixtures.ts";
import { CODEGEN_VERSION } from "./cache.ts";
import { guard, type GuardOptions } from "./guard.ts";

/** The fingerprint of each codegen version's output (SHA-256 of the guarded binaries, hex). */
const FINGERPRINTS: Record<number, string> = {
  2: "b5a31bb18c105472f60f076aa63406c356f969a02bd108f55f86341da8804b4a",
  3: "049800bb154522f868d7b4ef9dd2f4385952b5650f9a09ffb68d91f71041b57f",
  4: "b11d72ae047f9741ba1b540a62a66f068836b5b0dfda3d73e3beec9cdff51a9a",
  5: "df2cc08f56876d57eef281ef70dcc89ab42d10ce784ead72be79ddba693a0bad",
};

const MODULES = [
  "bench/kernels/fib.wasm",
  "bench/kernels/sieve.wasm",
  "bench/kernels/matmul.wasm",
  "tests/fixtures/qsort/qsort.wasm",
];
const OPTIONS: GuardOptions[] = [
  { maxWasmStack: 10_000, fuel: false },
  { maxWasmStack: 500, fuel: true },
];

/** SHA-256 over every module of {@linkcode MODULES} guarded with every {@linkcode OPTIONS}. */
async function fingerprint(): Promise<string> {
  const hash = createHash("sha256");
  for (const path of MODULES) {
    const bytes = await Deno.readFile(repoPath(path));
    for (const options of OPTIONS) hash.update(encode(guard(decode(bytes), options).module));
  }
  return hash.digest("hex");
}

Deno.test("a change to the guarded output comes with a new CODEGEN_VERSION", async () => {
  const now = await fingerprint();
  for (const [version, print] of Object.entries(FINGERPRINTS)) {
    if (Number(version) === CODEGEN_VERSION) continue;
    assert.notEqual(now, print, `the output of CODEGEN_VERSION ${version} is back under a new one`);
  }
  assert.equal(
    now,
    FINGERPRINTS[CODEGEN_VERSION],
    `the guard pass emits other code than CODEGEN_VERSION ${CODEGEN_VERSION} did: bump ` +
      `CODEGEN_VERSION in cache.ts and add { ${CODEGEN_VERSION + 1}: "${now}" } here`,
  );
});
