/**
 * Differential test against the host engine: binaryen's fuzzer
 * (`wasm-opt -ttf`) turns seeds into random valid modules (2.0 features,
 * SIMD included); each runs on V8 and on the interpreter, and every export's
 * result or trap, and every value the module logs, must agree (any NaN
 * equals any NaN: their bits are nondeterministic in wasm). Skipped when
 * wasm-opt is not installed.
 *
 *     KWASM_FUZZ_SEEDS=1000 deno test -A runtime/interp/differential_test.ts
 */
import assert from "node:assert/strict";
import { decode } from "../binary/decode.ts";
import { Exhaustion } from "../errors.ts";
import { validate } from "../validate/mod.ts";
import { interpEngine } from "./mod.ts";

const FEATURES = [
  "--enable-bulk-memory",
  "--enable-sign-ext",
  "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals",
  "--enable-multivalue",
  "--enable-simd",
];
const SEEDS = Number(Deno.env.get("KWASM_FUZZ_SEEDS") ?? 30);

function hasWasmOpt(): boolean {
  try {
    return new Deno.Command("wasm-opt", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
}

/** A module generated from seed `s` (deterministic bytes in, module out). */
async function generate(s: number, dir: string): Promise<Uint8Array> {
  const seed = new Uint8Array(4096);
  let x = s * 2654435761 + 1;
  for (let i = 0; i < seed.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    seed[i] = x >>> 16;
  }
  await Deno.writeFile(`${dir}/seed.bin`, seed);
  const out = await new Deno.Command("wasm-opt", {
    args: ["-ttf", `${dir}/seed.bin`, "-o", `${dir}/m.wasm`, ...FEATURES],
    stderr: "null",
  }).output();
  assert.ok(out.success, `wasm-opt failed on seed ${s}`);
  return await Deno.readFile(`${dir}/m.wasm`);
}

function show(v: unknown): string {
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  if (Object.is(v, -0)) return "-0";
  if (Array.isArray(v)) return `[${v.map(show).join(",")}]`;
  return String(v);
}

function outcome(e: unknown): string {
  if (e instanceof Exhaustion || e instanceof RangeError) return "exhaustion";
  if (e instanceof WebAssembly.RuntimeError) return "trap";
  if (e instanceof TypeError) return "type error";
  throw e;
}

/** The fuzzer's import module, logging into `log`. */
function fuzzingSupport(log: string[]): WebAssembly.Imports {
  const push = (v: unknown) => void log.push(show(v));
  return {
    "fuzzing-support": {
      "log-i32": push,
      "log-i64": push,
      "log-f32": push,
      "log-f64": push,
      "log-v128": () => {},
      "call-export": () => {},
      "call-export-catch": () => 0,
    },
  };
}

/** Calls every exported function with zero arguments; returns outcomes and the log. */
function exercise(exports: Record<string, unknown>, names: string[], log: string[]): string[] {
  return [
    ...names.map((name) => {
      const f = exports[name] as (...a: unknown[]) => unknown;
      try {
        return `${name}: ${show(f(...new Array(f.length).fill(0)))}`;
      } catch (e) {
        return `${name}: ${outcome(e)}`;
      }
    }),
    ...log,
  ];
}

Deno.test({
  name: `interp agrees with V8 on ${SEEDS} fuzzer-generated modules`,
  // CI installs binaryen (.ci/run), so there the test must run.
  ignore: !hasWasmOpt() && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(hasWasmOpt(), "this test needs binaryen's wasm-opt: apt-get install binaryen");
    const dir = await Deno.makeTempDir({ prefix: "kwasm-fuzz-" });
    try {
      for (let s = 0; s < SEEDS; s++) {
        const bytes = await generate(s, dir);
        const m = decode(bytes);
        validate(m);
        const names = m.exports.filter((e) => e.kind === "func").map((e) => e.name);
        const v8Log: string[] = [];
        const v8 = await WebAssembly.instantiate(new Uint8Array(bytes), fuzzingSupport(v8Log));
        const ours: string[] = [];
        const inst = await interpEngine().compile(m).instantiate(
          fuzzingSupport(ours) as never,
        );
        assert.deepEqual(
          exercise(inst.exports, names, ours),
          exercise(v8.instance.exports, names, v8Log),
          `seed ${s}`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
