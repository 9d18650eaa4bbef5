import assert from "node:assert/strict";
import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { MAX_SYMLINKS, resolveHooks, resolvePath, resolveVerified } from "./resolve.ts";

function tree(): string {
  const root = Deno.realPathSync(Deno.makeTempDirSync());
  Deno.mkdirSync(`${root}/a/b`, { recursive: true });
  Deno.writeTextFileSync(`${root}/a/b/f`, "f");
  Deno.symlinkSync("a/b", `${root}/lb`);
  Deno.symlinkSync("b/", `${root}/a/slash`);
  Deno.symlinkSync("f", `${root}/a/b/lf`);
  Deno.symlinkSync("missing", `${root}/dangling`);
  Deno.symlinkSync("..", `${root}/a/up`);
  return root;
}

function errno(f: () => unknown): number | string {
  try {
    f();
    return "ok";
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
}

Deno.test("resolvePath: plain, dotted and symlinked paths", () => {
  const root = tree();
  try {
    let r = resolvePath(root, "a/b/f", false);
    assert.deepEqual([r.path, r.parent, r.name, r.depth], [`${root}/a/b/f`, `${root}/a/b`, "f", 3]);
    assert.ok(r.stat?.isFile);
    r = resolvePath(root, "./a//b/../b/./f", false);
    assert.equal(r.path, `${root}/a/b/f`);
    r = resolvePath(root, "lb/f", false);
    assert.equal(r.path, `${root}/a/b/f`, "an intermediate symlink is expanded");
    r = resolvePath(root, "a/b/lf", false);
    assert.ok(r.stat?.isSymlink, "the last one is not followed without `follow`");
    r = resolvePath(root, "a/b/lf", true);
    assert.equal(r.path, `${root}/a/b/f`);
    r = resolvePath(root, "a/up/a/b", false);
    assert.equal(r.path, `${root}/a/b`, "a symlink to .. inside the root");
    r = resolvePath(root, ".", false);
    assert.deepEqual([r.path, r.depth, r.dotLast], [root, 0, true]);
    r = resolvePath(root, "a/b/new", false);
    assert.deepEqual([r.stat, r.name, r.path], [null, "new", `${root}/a/b/new`]);
    r = resolvePath(root, "dangling", true);
    assert.deepEqual([r.stat, r.path], [null, `${root}/missing`], "a dangling link's target");
    r = resolvePath(root, "a/slash", false);
    assert.ok(r.stat?.isSymlink);
    r = resolvePath(root, "a/slash/", false);
    assert.ok(r.stat?.isDirectory, "a trailing slash follows");
    r = resolvePath(root, "a/b/", false);
    assert.ok(r.trailingSlash && r.stat?.isDirectory);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("resolvePath: the errors", () => {
  const root = tree();
  try {
    assert.equal(errno(() => resolvePath(root, "", false)), Errno.NOENT);
    assert.equal(errno(() => resolvePath(root, "/a", false)), Errno.PERM);
    assert.equal(errno(() => resolvePath(root, "..", false)), Errno.PERM);
    assert.equal(errno(() => resolvePath(root, "a/../..", false)), Errno.PERM);
    assert.equal(errno(() => resolvePath(root, "a/up/..", false)), Errno.PERM);
    assert.equal(errno(() => resolvePath(root, "a\0", false)), Errno.INVAL);
    assert.equal(errno(() => resolvePath(root, "a/b/f/x", false)), Errno.NOTDIR);
    assert.equal(errno(() => resolvePath(root, "a/b/f/", false)), Errno.NOTDIR);
    assert.equal(errno(() => resolvePath(root, "a/missing/x", false)), Errno.NOENT);
    assert.equal(errno(() => resolvePath(root, "missing/..", false)), Errno.NOENT);
    Deno.symlinkSync("/", `${root}/abs`);
    assert.equal(errno(() => resolvePath(root, "abs", true)), Errno.PERM);
    assert.equal(errno(() => resolvePath(root, "abs", false)), "ok", "not followed: fine");
    assert.equal(errno(() => resolvePath(root, "abs/", false)), Errno.PERM);
    Deno.symlinkSync("self", `${root}/self`);
    assert.equal(errno(() => resolvePath(root, "self", true)), Errno.LOOP);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("resolvePath: exactly MAX_SYMLINKS links are followed", () => {
  const root = tree();
  try {
    for (let i = 0; i < MAX_SYMLINKS; i++) Deno.symlinkSync(`l${i + 1}`, `${root}/l${i}`);
    Deno.writeTextFileSync(`${root}/l${MAX_SYMLINKS}`, "");
    assert.equal(errno(() => resolvePath(root, "l0", true)), "ok");
    Deno.removeSync(`${root}/l${MAX_SYMLINKS}`);
    Deno.symlinkSync(`l${MAX_SYMLINKS + 1}`, `${root}/l${MAX_SYMLINKS}`);
    Deno.writeTextFileSync(`${root}/l${MAX_SYMLINKS + 1}`, "");
    assert.equal(errno(() => resolvePath(root, "l0", true)), Errno.LOOP);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("resolveVerified: a swap between resolution and use is seen and resolved again", () => {
  const root = tree();
  const outside = Deno.realPathSync(Deno.makeTempDirSync());
  Deno.mkdirSync(`${outside}/b`);
  let swaps = 0;
  resolveHooks.beforeVerify = () => {
    if (swaps++ === 0) {
      Deno.renameSync(`${root}/a`, `${root}/a_old`);
      Deno.symlinkSync(outside, `${root}/a`);
    }
  };
  try {
    assert.equal(errno(() => resolveVerified(root, "a/b/f", false)), Errno.PERM);
    // Verification failed once; resolving again met the symlink to an absolute path.
    assert.equal(swaps, 1);
  } finally {
    delete resolveHooks.beforeVerify;
    Deno.removeSync(root, { recursive: true });
    Deno.removeSync(outside, { recursive: true });
  }
});

Deno.test("resolveVerified: a tree that keeps changing gives up with EPERM", () => {
  const root = tree();
  let n = 0;
  resolveHooks.beforeVerify = () => {
    // Swap a/b back and forth with a same-named symlink to itself: never stable.
    const p = `${root}/a/b`;
    if (n++ % 2 === 0) {
      Deno.renameSync(p, `${root}/a/real`);
      Deno.symlinkSync("real", p);
    } else {
      Deno.removeSync(p);
      Deno.renameSync(`${root}/a/real`, p);
    }
  };
  try {
    assert.equal(errno(() => resolveVerified(root, "a/b/f", false)), Errno.PERM);
    assert.equal(n, 3);
  } finally {
    delete resolveHooks.beforeVerify;
    Deno.removeSync(root, { recursive: true });
  }
});
