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
import { BytesReader, Collector, LOADER_PROGRAMS as programs } from "./_run.ts";

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
