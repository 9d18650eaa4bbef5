/**
 * Locating test inputs: the committed C fixtures and the official spec test
 * suite (which lives outside the repository, in `../shared/spec-testsuite`,
 * or wherever `$KWASM_SPEC_TESTSUITE` points).
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

/** Absolute path of a file or folder relative to the repository root. */
export function repoPath(rel: string): string {
  return decodeURIComponent(new URL(rel, ROOT).pathname);
}

/** Every committed `.wasm` fixture under `tests/fixtures`, sorted by path. */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) walk(p);
      else if (e.isFile && e.name.endsWith(".wasm")) out.push(p);
    }
  };
  walk(repoPath("tests/fixtures"));
  return out.sort();
}

/**
 * The folder of the WebAssembly 2.0 spec test suite: `$KWASM_SPEC_TESTSUITE`,
 * else `../shared/spec-testsuite/wasm-2.0` beside the repository; null when
 * neither exists.
 */
export function specSuiteDir(version: "wasm-2.0" | "wasm-3.0" = "wasm-2.0"): string | null {
  const env = Deno.env.get("KWASM_SPEC_TESTSUITE");
  const candidates = env ? [env, `${env}/${version}`] : [];
  candidates.push(repoPath(`../shared/spec-testsuite/${version}`));
  for (const c of candidates) {
    try {
      if ([...Deno.readDirSync(c)].some((e) => e.name.endsWith(".wast"))) return c;
    } catch {
      // not there; try the next
    }
  }
  return null;
}
