/**
 * Every WASI test program (the C programs of this folder and the preview0
 * WAT one) on both backends under the user loader — the guest in a
 * permission-less Worker, every WASI call a syscall to the kernel side with
 * its buffers copied in and out — against the kernel loader on the same
 * backend: the same exit code or trap, the same stdout and stderr, the same
 * files left in the sandbox. The `LOADER_PROGRAMS` are also checked for what
 * they must print (as `backends_test.ts` does under the kernel loader); the
 * `abi` program's `EFAULT` checks exercise the effect table's bounds
 * handling, `files`' 1 MiB I/O the channel's growth.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { decode } from "../../runtime/binary/decode.ts";
import { validate } from "../../runtime/validate/mod.ts";
import type { Engine, Imports } from "../../runtime/engine.ts";
import { interpEngine } from "../../runtime/interp/mod.ts";
import { singlepass } from "../../runtime/singlepass/mod.ts";
import { runKernel } from "../../runtime/loader/kernel.ts";
import { runUser, wasiUserHost } from "../../runtime/loader/user.ts";
import { createWasi, type WasiHost } from "../../wasi/mod.ts";
import { repoPath } from "../_fixtures.ts";
import { BytesReader, Collector, LOADER_PROGRAMS } from "./_run.ts";

/** A run of a test program: argv, stdin, sandbox contents beforehand. */
interface Scenario {
  /** Module name (`NAME.wasm` here). */
  name: string;
  /** The guest's argv. */
  args: string[];
  /** What the guest reads from stdin. */
  stdin?: string;
  /** Files put in the sandbox first (path relative to it → contents). */
  files?: Record<string, string>;
  /** What it must print (stdout and stderr together), beyond agreeing with the kernel loader. */
  want?: (out: string) => void;
}

/** `fsops` commands, separated by ";" arguments. */
function fsops(commands: string[]): string[] {
  return ["fsops", ...commands.flatMap((c) => [...c.split(" "), ";"])];
}

/** Times the programs measure and print (`after ~5 ms (7253 us)`, `slept 59 ms`, `realtime S`). */
const measured = (out: string) =>
  out.replace(/\b\d+ (ns|us|ms)\b/g, "N $1").replace(/^realtime \d+$/m, "realtime S");

/** Programs whose checks time timers and sleeps. */
const TIMED = new Set(["abi", "clocks_poll"]);

const SCENARIOS: Scenario[] = [
  ...LOADER_PROGRAMS,
  ...["exit 3", "_exit 4", "trap", "raise 6"]
    .map((how) => ({ name: "exit", args: ["exit", ...how.split(" ")] })),
  {
    name: "fsops",
    args: fsops([
      "write /sandbox/a.txt hello",
      "append /sandbox/a.txt _world",
      "cat /sandbox/a.txt",
      "mkdir /sandbox/sub",
      "write /sandbox/sub/b.txt bee",
      "rename /sandbox/sub/b.txt /sandbox/c.txt",
      "link /sandbox/c.txt /sandbox/d.txt",
      "symlink c.txt /sandbox/e.txt",
      "readlink /sandbox/e.txt",
      "lstat /sandbox/e.txt",
      "stat /sandbox/e.txt",
      "ls /sandbox",
      "truncate /sandbox/a.txt 3",
      "touch /sandbox/a.txt 1000000",
      "cat /sandbox/pre.txt",
      "raw_open ../outside.txt",
      "raw_open /etc/passwd",
      "raw_stat sub follow",
      "raw_mkdir sub/deeper",
      "raw_symlink /etc/passwd abs",
      "raw_open abs follow",
      "raw_rename sub/deeper moved",
      "raw_link c.txt linked",
      "raw_unlink linked",
      "unlink /sandbox/d.txt",
      "rmdir /sandbox/sub",
      "mkdir /sandbox/a.txt",
      "cat /sandbox/missing",
    ]),
    files: { "pre.txt": "before the guest" },
    want: (out) => assert.match(out, /^cat \/sandbox\/a.txt: ok hello_world$/m),
  },
  {
    name: "bench_syscalls",
    args: ["bench_syscalls", "write", "200", "/sandbox/w.txt"],
    want: (out) => assert.equal(out, "write 200: 3200\n"),
  },
  {
    name: "bench_syscalls",
    args: ["bench_syscalls", "stat", "200", "/sandbox/s.txt"],
    files: { "s.txt": "12345" },
    want: (out) => assert.equal(out, "stat 200: 1000\n"),
  },
];

/** How a run ended, its output and the sandbox afterwards. */
interface Outcome {
  end: string;
  out: string;
  err: string;
  sandbox: string[];
}

/** Every entry under `dir`: path, and contents, link target or "dir". */
function snapshot(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of [...Deno.readDirSync(`${dir}${rel}`)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const p = `${rel}/${e.name}`;
    const full = `${dir}${p}`;
    if (e.isSymlink) out.push(`${p} -> ${Deno.readLinkSync(full)}`);
    else if (e.isDirectory) out.push(`${p}/`, ...snapshot(dir, p));
    else out.push(`${p} ${Deno.readTextFileSync(full)} ${Deno.statSync(full).mtime?.getTime()}`);
  }
  return out;
}

/** Runs `s` with a fresh WASI host and sandbox; `start` runs the guest and gives its end. */
async function outcome(
  s: Scenario,
  start: (bytes: Uint8Array, wasi: WasiHost) => Promise<string>,
): Promise<Outcome> {
  const dir = Deno.makeTempDirSync({ prefix: "kwasm-user-" });
  try {
    for (const [path, text] of Object.entries(s.files ?? {})) {
      Deno.writeTextFileSync(`${dir}/${path}`, text);
      Deno.utimeSync(`${dir}/${path}`, 1e6, 1e6); // the same mtime in both sandboxes
    }
    const out = new Collector();
    const err = new Collector();
    const wasi = createWasi({
      args: s.args,
      env: { KWASM: "loader" },
      dirs: [`${dir}::/sandbox`],
      stdout: out,
      stderr: err,
      stdin: new BytesReader(s.stdin ?? "", Infinity, 30),
    });
    const bytes = await Deno.readFile(repoPath(`tests/wasi/${s.name}.wasm`));
    const end = await start(bytes, wasi).catch((e: Error) => `${e.name}: ${e.message}`);
    // Files the guest wrote carry the time it wrote them: compare all but those mtimes.
    const sandbox = snapshot(dir).map((l) =>
      s.files?.[l.split(" ")[0].slice(1)] ? l : l.replace(/ \d+$/, "")
    );
    return { end, out: measured(out.text()), err: measured(err.text()), sandbox };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

const engines: [string, () => Engine][] = [
  ["interp", () => interpEngine()],
  ["singlepass", () => singlepass({ cache: false })],
];

for (const [backend, engine] of engines) {
  for (const s of SCENARIOS) {
    Deno.test(`${backend}: ${s.args.slice(0, 3).filter((a) => a).join(" ") || s.name} under the user loader = under the kernel loader`, async () => {
      const both = async () => [
        await outcome(s, async (bytes, wasi) => {
          const module = decode(bytes);
          validate(module);
          const imports = wasi.imports as unknown as Imports;
          const compiled = engine().compile(module);
          return `exit ${await runKernel(compiled, { imports }, (i) => wasi.start(i))}`;
        }),
        await outcome(s, async (bytes, wasi) => {
          const r = await runUser(bytes, { backend, hosts: [wasiUserHost(wasi)] }).result;
          return r.kind === "exit" ? `exit ${r.code}` : `returned ${r.results}`;
        }),
      ];
      let [kernel, user] = await both();
      // Timer checks (a 5 ms poll firing first) can miss on a loaded machine: one more try.
      if (TIMED.has(s.name) && !isDeepStrictEqual(user, kernel)) [kernel, user] = await both();
      assert.deepEqual(user, kernel);
      s.want?.(user.out + user.err);
    });
  }
}
