/**
 * The effect table and the copies against the kernel loader, call by call:
 * the same WASI call with the same garbage arguments runs once directly on
 * guest memory and once through the user loader's copies (request, a
 * poisoned shadow memory, response) on a twin host. Results, memory
 * afterwards and output must be identical — a missing or wrong range in the
 * table shows up as a poison byte or a different errno.
 */
import assert from "node:assert/strict";
import { assertSameCall, copyCall, PAGE, rng } from "./_copy_testing.ts";
import { Channel } from "./user_channel.ts";
import { WASI_P0_EFFECTS, WASI_P1_EFFECTS } from "./user_effects.ts";
import { wasiUserHost } from "./user.ts";
import { createWasi, ExitStatus, type WasiWriter } from "../../wasi/mod.ts";

/** Parameters that are i64 (bigint), by function. */
const I64_PARAMS: Record<string, number[]> = {
  fd_advise: [1, 2],
  fd_allocate: [1, 2],
  fd_filestat_set_size: [1],
  fd_filestat_set_times: [1, 2],
  fd_pread: [3],
  fd_pwrite: [3],
  fd_readdir: [3],
  fd_seek: [1],
  path_filestat_set_times: [4, 5],
  path_open: [5, 6],
};
/** Arity of every function tried (nondeterministic or blocking calls are left out). */
const ARITY: Record<string, number> = {
  args_get: 2,
  args_sizes_get: 2,
  environ_get: 2,
  environ_sizes_get: 2,
  fd_advise: 4,
  fd_allocate: 3,
  fd_close: 1,
  fd_fdstat_get: 2,
  fd_fdstat_set_flags: 2,
  fd_filestat_get: 2,
  fd_filestat_set_size: 2,
  fd_pread: 5,
  fd_prestat_get: 2,
  fd_prestat_dir_name: 3,
  fd_pwrite: 5,
  fd_readdir: 5,
  fd_renumber: 2,
  fd_seek: 4,
  fd_tell: 2,
  fd_write: 4,
  path_create_directory: 3,
  path_filestat_get: 5,
  path_link: 7,
  path_open: 9,
  path_readlink: 6,
  path_remove_directory: 3,
  path_rename: 6,
  path_symlink: 5,
  path_unlink_file: 3,
  sock_recv: 6,
  sock_send: 5,
  sock_shutdown: 2,
};

class Sink implements WasiWriter {
  bytes: number[] = [];
  writeSync(p: Uint8Array): number {
    this.bytes.push(...p);
    return p.length;
  }
}

function twin(dirs: string[] = []) {
  const out = new Sink();
  const wasi = createWasi({
    dirs,
    args: ["prog", "arg one", ""],
    env: { A: "1", LONGER: "x=y" },
    stdout: out,
    stderr: out,
    stdin: { read: () => new Promise(() => {}) },
  });
  return { wasi, out };
}

/** An argument: mostly a small pointer or length that points into memory and iovecs, sometimes garbage. */
function arg(next: () => number, i64: boolean): number | bigint {
  const r = next() % 8;
  const v = r < 3 ? next() % 64 : r < 6 ? next() % (PAGE + 64) : r < 7 ? next() % 4 : next() | 0;
  return i64 ? BigInt(v) : v | 0;
}

for (
  const [module, table] of [["wasi_snapshot_preview1", WASI_P1_EFFECTS], [
    "wasi_unstable",
    WASI_P0_EFFECTS,
  ]] as const
) {
  Deno.test(`user loader copies (${module}): every call as under the kernel loader`, () => {
    const next = rng(0x5eed + module.length);
    let calls = 0, ok = 0;
    const ch = Channel.create();
    for (const [name, arity] of Object.entries(ARITY)) {
      for (let trial = 0; trial < 100; trial++) {
        // Memory: iovec-like small numbers at the start, random bytes elsewhere.
        const init = new Uint8Array(PAGE);
        for (let i = 0; i < PAGE; i += 4) {
          const small = i < 256 || next() % 4 === 0;
          new DataView(init.buffer).setUint32(i, small ? next() % 96 : next(), true);
        }
        const args = Array.from(
          { length: arity },
          (_, i) => arg(next, I64_PARAMS[name]?.includes(i) ?? false),
        );
        // Kernel loader: direct.
        const a = twin();
        const memA = init.slice();
        a.wasi.bindMemory({ buffer: memA.buffer });
        const fnA = (a.wasi.imports as unknown as Record<
          string,
          Record<string, (...x: unknown[]) => unknown>
        >)[module][name];
        if (fnA === undefined) continue;
        let resA: unknown;
        try {
          resA = fnA(...args);
        } catch (e) {
          resA = e instanceof ExitStatus ? `exit ${e.code}` : `throws ${(e as Error).message}`;
        }
        // User loader: through the copies, on a poisoned shadow.
        const b = twin();
        const host = wasiUserHost(b.wasi);
        const memB = init.slice();
        const call = copyCall(ch, host, table[name] ?? [], args, memB);
        const fnB =
          (host.imports as Record<string, Record<string, (...x: unknown[]) => unknown>>)[module][
            name
          ];
        let resB: unknown;
        try {
          const value = fnB(...call.args);
          resB = call.respond(value, value === 0);
        } catch (e) {
          resB = e instanceof ExitStatus ? `exit ${e.code}` : `throws ${(e as Error).message}`;
        }
        const what = `${name}(${args.join(", ")})`;
        assertSameCall(what, resA, memA, resB, memB);
        if (resA === 0) ok++;
        assert.deepEqual(b.out.bytes, a.out.bytes, what);
        a.wasi.close();
        b.wasi.close();
        calls++;
      }
    }
    assert.ok(calls > 2000, `${calls} calls`);
    assert.ok(ok > 100, `only ${ok} successful calls`);
  });
}

/** Calls that change the directory tree: it is rebuilt before the twin's call. */
const MUTATING = new Set([
  "path_create_directory",
  "path_link",
  "path_open",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
]);

/** The tree the path calls work on: short names, so that random paths often hit. */
function buildTree(dir: string): void {
  for (const e of Deno.readDirSync(dir)) Deno.removeSync(`${dir}/${e.name}`, { recursive: true });
  Deno.writeTextFileSync(`${dir}/a`, "file a");
  Deno.writeTextFileSync(`${dir}/b`, "");
  Deno.mkdirSync(`${dir}/ab`);
  Deno.writeTextFileSync(`${dir}/ab/a`, "inner");
  Deno.symlinkSync("a", `${dir}/ba`);
  Deno.symlinkSync("..", `${dir}/bb`);
}

Deno.test("user loader copies (wasi_snapshot_preview1): path calls in a preopen", () => {
  const dir = Deno.makeTempDirSync({ prefix: "kwasm-copies-" });
  const next = rng(0xd1e);
  const alphabet = new TextEncoder().encode("ab/.ab");
  const ch = Channel.create();
  let calls = 0, ok = 0;
  try {
    buildTree(dir);
    for (
      const name of Object.keys(ARITY).filter((n) => n.startsWith("path_") || n === "fd_readdir")
    ) {
      for (let trial = 0; trial < 150; trial++) {
        // Memory: small numbers (iovecs, lengths) first, path characters after.
        const init = new Uint8Array(PAGE);
        const dv = new DataView(init.buffer);
        for (let i = 0; i < 256; i += 4) dv.setUint32(i, next() % 24, true);
        for (let i = 256; i < PAGE; i++) init[i] = alphabet[next() % alphabet.length];
        const args = Array.from({ length: ARITY[name] }, (_, i) => {
          if (I64_PARAMS[name]?.includes(i)) return BigInt(next() % 4);
          const r = next() % 4;
          return r === 0 ? 3 : r === 1 ? next() % 8 : r === 2 ? 256 + next() % 2048 : next() % 256;
        });
        if (name === "fd_readdir") args[0] = 3;
        const run = (memory: Uint8Array, viaCopies: boolean) => {
          const t = twin([`${dir}::/d`]);
          const host = wasiUserHost(t.wasi);
          const fn = (host.imports as Record<string, Record<string, (...x: unknown[]) => unknown>>)
            .wasi_snapshot_preview1[name];
          try {
            if (!viaCopies) {
              t.wasi.bindMemory({ buffer: memory.buffer });
              return fn(...args);
            }
            const call = copyCall(ch, host, WASI_P1_EFFECTS[name] ?? [], args, memory);
            const value = fn(...call.args);
            return call.respond(value, value === 0);
          } finally {
            t.wasi.close();
          }
        };
        const memA = init.slice(), memB = init.slice();
        const resA = run(memA, false);
        if (MUTATING.has(name)) buildTree(dir);
        const resB = run(memB, true);
        if (MUTATING.has(name)) buildTree(dir);
        assertSameCall(`${name}(${args.join(", ")})`, resA, memA, resB, memB);
        if (resA === 0) ok++;
        calls++;
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  assert.ok(ok > 50, `only ${ok} of ${calls} calls succeeded`);
});
