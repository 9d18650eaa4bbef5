/**
 * The WASI programs on both backends under the user loader: the guest in a
 * permission-less Worker, every WASI call a syscall to the kernel side with
 * its buffers copied in and out. Same checks as `backends_test.ts` (kernel
 * loader); the `abi` program's `EFAULT` checks exercise the effect table's
 * bounds handling, `files`' 1 MiB I/O the channel's growth.
 */
import assert from "node:assert/strict";
import { runUser, wasiUserHost } from "../../runtime/loader/user.ts";
import { createWasi } from "../../wasi/mod.ts";
import { repoPath } from "../_fixtures.ts";
import { BytesReader, Collector } from "./_run.ts";

const programs: { name: string; args: string[]; stdin?: string; want: (out: string) => void }[] = [
  { name: "files", args: ["files"], want: (out) => assert.match(out, /\n0 failures\n$/) },
  { name: "dirs", args: ["dirs"], want: (out) => assert.match(out, /\n0 failures\n$/) },
  { name: "abi", args: ["abi"], want: (out) => assert.match(out, /\n0 failures\n$/) },
  {
    name: "clocks_poll",
    args: ["clocks_poll"],
    stdin: "a line\n",
    want: (out) => assert.match(out, /\n0 failures\n$/),
  },
  {
    name: "stdio",
    args: ["stdio", "echo"],
    stdin: "hello\nworld\n",
    want: (out) => assert.equal(out, "HELLO\nWORLD\n12 bytes, 2 lines, 2 reads\n"),
  },
  {
    name: "args_env",
    args: ["args_env", "x", ""],
    want: (out) => assert.match(out, /x/),
  },
  { name: "preview0", args: [], want: (out) => assert.equal(out, "preview0 ok\n") },
];

for (const backend of ["interp", "singlepass"]) {
  for (const p of programs) {
    Deno.test(`${backend} (user loader) runs the WASI program ${p.name}`, async () => {
      const dir = Deno.makeTempDirSync({ prefix: "kwasm-user-" });
      const out = new Collector();
      const wasi = createWasi({
        args: p.args,
        env: { KWASM: "user" },
        dirs: [`${dir}::/sandbox`],
        stdout: out,
        stderr: out,
        stdin: new BytesReader(p.stdin ?? "", Infinity, 30),
      });
      try {
        const bytes = await Deno.readFile(repoPath(`tests/wasi/${p.name}.wasm`));
        const guest = runUser(bytes, { backend, hosts: [wasiUserHost(wasi)] });
        const result = await guest.result;
        p.want(out.text());
        assert.deepEqual(result, { kind: "exit", code: p.name === "args_env" ? 2 : 0 });
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    });
  }
}
