import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Errno } from "./errno.ts";
import {
  errnoFromCode,
  errnoFromError,
  errnoName,
  ExitStatus,
  PermissionHints,
  WasiError,
} from "./errors.ts";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

Deno.test("errnoFromCode: every WASI errno from its POSIX name", () => {
  for (const [name, value] of Object.entries(Errno)) {
    if (name === "SUCCESS" || name === "NOTCAPABLE") continue;
    const code = name === "_2BIG" ? "E2BIG" : `E${name}`;
    assert.equal(errnoFromCode(code), value, code);
  }
  assert.equal(errnoFromCode("EWOULDBLOCK"), Errno.AGAIN);
  assert.equal(errnoFromCode("EOPNOTSUPP"), Errno.NOTSUP);
  assert.equal(errnoFromCode("EDEADLOCK"), Errno.DEADLK);
  assert.equal(errnoFromCode("ESUCCESS"), undefined);
  assert.equal(errnoFromCode("EBOGUS"), undefined);
  assert.equal(errnoFromCode("ENOENTX"), undefined);
});

Deno.test("errnoFromError: real Deno and node:fs errors", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/f`, "x");
    Deno.mkdirSync(`${dir}/d`);
    Deno.writeTextFileSync(`${dir}/d/x`, "x");
    Deno.symlinkSync("loop", `${dir}/loop`);
    const cases: [() => unknown, Errno][] = [
      [() => Deno.statSync(`${dir}/missing`), Errno.NOENT],
      [() => Deno.mkdirSync(`${dir}/d`), Errno.EXIST],
      [() => Deno.statSync(`${dir}/f/x`), Errno.NOTDIR],
      [() => Deno.openSync(`${dir}/d`, { write: true }), Errno.ISDIR],
      [() => Deno.statSync(`${dir}/loop`), Errno.LOOP],
      [() => Deno.removeSync(`${dir}/d`), Errno.NOTEMPTY],
      [() => Deno.statSync(`${dir}/a\0b`), Errno.INVAL],
      [() => fs.lstatSync(`${dir}/missing`), Errno.NOENT],
      [() => fs.rmdirSync(`${dir}/f`), Errno.NOTDIR],
      [() => fs.readSync(999999, new Uint8Array(1)), Errno.BADF],
      [() => fs.renameSync(`${dir}/d`, `${dir}/d/sub`), Errno.INVAL],
    ];
    for (const [f, errno] of cases) {
      const e = thrown(f);
      assert.equal(errnoFromError(e), errno, `${(e as Error).message} -> ${errnoName(errno)}`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("errnoFromError: every Deno error class maps to an errno", () => {
  const classes = Object.keys(Deno.errors) as (keyof typeof Deno.errors)[];
  assert.ok(classes.length >= 20);
  for (const name of classes) {
    const e = new Deno.errors[name]("test");
    const errno = errnoFromError(e);
    assert.ok(errno !== undefined && errno !== Errno.SUCCESS, `Deno.errors.${name}`);
  }
  assert.equal(errnoFromError(new Deno.errors.NotCapable("x")), Errno.ACCES);
  assert.equal(errnoFromError(new Deno.errors.ConnectionReset("x")), Errno.CONNRESET);
  assert.equal(errnoFromError(new WasiError(Errno.SPIPE)), Errno.SPIPE);
});

Deno.test("errnoFromError: bugs and exits are not errnos", () => {
  assert.equal(errnoFromError(new TypeError("undefined is not a function")), undefined);
  assert.equal(errnoFromError(new ExitStatus(1)), undefined);
  assert.equal(errnoFromError("a string"), undefined);
  assert.equal(errnoFromError(new WebAssembly.RuntimeError("unreachable")), undefined);
});

Deno.test("PermissionHints: one line per --allow flag", () => {
  const lines: string[] = [];
  const hints = new PermissionHints((l) => lines.push(l));
  const read = (p: string) =>
    new Deno.errors.NotCapable(
      `Requires read access to "${p}", run again with the --allow-read flag`,
    );
  const write = new Deno.errors.NotCapable(
    `Requires write access to "/x", run again with the --allow-write flag`,
  );
  assert.equal(hints.report(read("/a")), true);
  assert.equal(hints.report(read("/b")), true);
  assert.equal(hints.report(write), true);
  assert.equal(hints.report(write), true);
  assert.equal(hints.report(new Deno.errors.NotFound("x")), false);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /--allow-read/);
  assert.match(lines[0], /"\/a"/);
  assert.match(lines[1], /--allow-write/);
  hints.report(new Deno.errors.NotCapable("odd message"));
  assert.match(lines[2], /grant it with --allow-all/);
});

Deno.test("errnoName and WasiError messages use witx names", () => {
  assert.equal(errnoName(Errno._2BIG), "2big");
  assert.equal(errnoName(Errno.NOTCAPABLE), "notcapable");
  assert.equal(errnoName(1234), "errno 1234");
  assert.equal(new WasiError(Errno.PERM, "absolute path").message, "perm: absolute path");
  assert.equal(new ExitStatus(3).code, 3);
});
