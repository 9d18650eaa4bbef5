/**
 * The sandbox: every escape route out of a preopened directory is tried by a
 * guest (the `fsops` program), and each must fail with the errno wasmtime
 * gives (`EPERM` for escapes, `ELOOP` for a symlink opened without
 * following) while nothing outside the preopen is read, created, changed or
 * removed — checked on the host afterwards. Races are staged with the
 * resolver's test hooks: a directory renamed and replaced by a symlink in
 * the middle of a resolution.
 */
import assert from "node:assert/strict";
import { runWasi } from "./_run.ts";
import { resolveHooks } from "../../wasi/fs/resolve.ts";
import { repoPath } from "../_fixtures.ts";

interface Tree {
  root: string;
  sb: string;
  outside: string;
}

/** root/sb is the preopen; root/outside holds what must stay untouched. */
function makeTree(): Tree {
  const root = Deno.makeTempDirSync({ prefix: "kwasm-sandbox-" });
  const sb = `${root}/sb`;
  const outside = `${root}/outside`;
  Deno.mkdirSync(`${sb}/sub/inner`, { recursive: true });
  Deno.mkdirSync(`${outside}/inner`, { recursive: true });
  Deno.mkdirSync(`${outside}/dir`);
  Deno.writeTextFileSync(`${outside}/secret.txt`, "SECRET");
  Deno.writeTextFileSync(`${outside}/inner/file.txt`, "SECRET-INNER");
  Deno.writeTextFileSync(`${sb}/inside.txt`, "inside");
  Deno.writeTextFileSync(`${sb}/sub/inner/file.txt`, "inner");
  const links: [string, string][] = [
    ["link_root", "/"],
    ["link_etc", "/etc"],
    ["link_up", "../"],
    ["link_out", "../outside/secret.txt"],
    ["chain1", "chain2"],
    ["chain2", "chain3"],
    ["chain3", "../outside"],
    ["abs_chain", "link_etc"],
    ["dangling_out", "../nothing-here"],
    ["dangling_abs", "/nonexistent/x"],
    ["sub/deep_up", "../../outside"],
    ["sub_up", "sub/../../outside/secret.txt"],
    ["to_inside", "sub/inner/file.txt"],
  ];
  for (const [name, target] of links) Deno.symlinkSync(target, `${sb}/${name}`);
  return { root, sb, outside };
}

/** Everything about a directory tree that a guest could have changed. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of [...Deno.readDirSync(d)].sort((a, b) => a.name < b.name ? -1 : 1)) {
      const p = `${d}/${e.name}`;
      const st = Deno.lstatSync(p);
      const what = e.isSymlink
        ? `-> ${Deno.readLinkSync(p)}`
        : e.isFile
        ? Deno.readTextFileSync(p)
        : "dir";
      out.push(`${p.slice(dir.length)} ${what} ${st.mtime?.getTime()} ${st.mode}`);
      if (e.isDirectory) walk(p);
    }
  };
  walk(dir);
  return out;
}

function etcState(): string {
  const st = Deno.statSync("/etc/passwd");
  return `${st.mtime?.getTime()} ${st.size} ${[...Deno.readDirSync("/")].length}`;
}

async function fsops(tree: Tree, commands: string[]): Promise<string[]> {
  const args = ["fsops"];
  for (const c of commands) args.push(...c.split(" "), ";");
  const r = await runWasi("fsops", { args, dirs: [`${tree.sb}::/sb`] });
  assert.equal(r.code, 0);
  return r.stdout.trimEnd().split("\n");
}

/** Runs `attempts` ("command => expected result") and checks nothing outside changed. */
async function attempt(tree: Tree, attempts: string[]) {
  const before = snapshot(tree.outside);
  const rootBefore = [...Deno.readDirSync(tree.root)].map((e) => e.name).sort();
  const etc = etcState();
  const commands = attempts.map((a) => a.split(" => ")[0]);
  const lines = await fsops(tree, commands);
  for (let i = 0; i < attempts.length; i++) {
    const [cmd, want] = attempts[i].split(" => ");
    assert.equal(lines[i], `${cmd}: ${want}`);
    assert.ok(!lines[i].includes("SECRET"), `leaked: ${lines[i]}`);
  }
  assert.deepEqual(snapshot(tree.outside), before, "the outside tree is unchanged");
  assert.deepEqual([...Deno.readDirSync(tree.root)].map((e) => e.name).sort(), rootBefore);
  assert.equal(etcState(), etc);
}

function cleanup(tree: Tree) {
  Deno.removeSync(tree.root, { recursive: true });
}

Deno.test("sandbox: reading out through .., absolute paths and symlinks fails", async () => {
  const tree = makeTree();
  try {
    await attempt(tree, [
      "cat /sb/inside.txt => ok inside",
      "cat /sb/../outside/secret.txt => PERM",
      "cat /sb/sub/../../outside/secret.txt => PERM",
      "cat /sb/sub/inner/../../../outside/secret.txt => PERM",
      "raw_open ../outside/secret.txt => PERM",
      "raw_open .. => PERM",
      "raw_open ./../sb/inside.txt => PERM",
      "raw_open /etc/passwd => PERM",
      `raw_open ${tree.outside}/secret.txt => PERM`,
      "raw_open //etc/passwd => PERM",
      "raw_open link_root/etc/passwd follow => PERM",
      "raw_open link_etc/passwd follow => PERM",
      "raw_open link_up/outside/secret.txt follow => PERM",
      "raw_open link_out follow => PERM",
      "raw_open link_out => LOOP",
      "raw_open chain1/secret.txt follow => PERM",
      "raw_open chain1 follow => PERM",
      "raw_open abs_chain/passwd follow => PERM",
      "raw_open dangling_out follow => PERM",
      "raw_open dangling_abs follow => PERM",
      "raw_open sub/deep_up/secret.txt follow => PERM",
      "raw_open sub_up follow => PERM",
      "raw_open to_inside follow => ok inner",
      "raw_stat link_root follow => PERM",
      "raw_stat link_root => ok type 7 size 1",
      "stat /sb/link_out => PERM",
      "lstat /sb/link_out => ok symlink 21",
      "readlink /sb/link_out => ok ../outside/secret.txt",
      "ls /sb/link_up => PERM",
      "ls /sb/sub/deep_up => PERM",
      "ls /sb/chain1 => PERM",
    ]);
  } finally {
    cleanup(tree);
  }
});

Deno.test("sandbox: creating, changing and removing things outside fails", async () => {
  const tree = makeTree();
  try {
    await attempt(tree, [
      "write /sb/link_up/created.txt X => PERM",
      "write /sb/link_out X => PERM",
      "append /sb/link_out X => PERM",
      "write /sb/dangling_out X => PERM",
      "raw_open link_up/created.txt creat follow => PERM",
      "raw_open dangling_out creat follow => PERM",
      "raw_open dangling_abs creat follow => PERM",
      "truncate /sb/link_out 0 => PERM",
      "touch /sb/link_out 0 => PERM",
      "mkdir /sb/link_up/newdir => PERM",
      "raw_mkdir ../newdir => PERM",
      "mkdir /sb/chain1/newdir => PERM",
      "rmdir /sb/link_up/outside/dir => PERM",
      "unlink /sb/link_up/outside/secret.txt => PERM",
      "raw_unlink ../outside/secret.txt => PERM",
      "raw_rename inside.txt ../outside/moved.txt => PERM",
      "rename /sb/inside.txt /sb/link_up/moved.txt => PERM",
      "raw_rename ../outside/secret.txt stolen.txt => PERM",
      "raw_link inside.txt ../outside/hard => PERM",
      "raw_link ../outside/secret.txt stolen => PERM",
      "link /sb/link_out /sb/hard_to_link => ok",
      "raw_symlink /etc/passwd abs_planted => PERM",
      "raw_symlink ../outside planted => PERM",
      "raw_symlink sub/../../outside planted2 => PERM",
      "raw_symlink ../../x sub/planted3 => PERM",
      "raw_symlink ../inside.txt sub/fine => ok",
      "cat /sb/sub/fine => ok inside",
      // Removing a link never touches its target.
      "unlink /sb/link_out => ok",
      "rmdir /sb/link_up => NOTDIR",
      "unlink /sb/link_up => ok",
    ]);
    // The hard link of a symlink is a second symlink inside the sandbox, nothing more.
    assert.equal(Deno.readLinkSync(`${tree.sb}/hard_to_link`), "../outside/secret.txt");
  } finally {
    cleanup(tree);
  }
});

/** Replaces directory `dir` by a symlink to `target` (the old one moves aside). */
function swap(dir: string, target: string) {
  Deno.renameSync(dir, `${dir}_moved`);
  Deno.symlinkSync(target, dir);
}

async function race(
  hook: "afterLookup" | "beforeVerify" | "afterVerify",
  target: (tree: Tree) => string,
  commands: string[],
): Promise<{ tree: Tree; lines: string[] }> {
  const tree = makeTree();
  let swapped = false;
  const fire = () => {
    if (!swapped) {
      swapped = true;
      swap(`${tree.sb}/sub`, target(tree));
    }
  };
  if (hook === "afterLookup") {
    resolveHooks.afterLookup = (p) => p === `${tree.sb}/sub` && fire();
  } else {
    resolveHooks[hook] = (r) => r.path.startsWith(`${tree.sb}/sub/`) && fire();
  }
  try {
    return { tree, lines: await fsops(tree, commands) };
  } finally {
    delete resolveHooks.afterLookup;
    delete resolveHooks.beforeVerify;
    delete resolveHooks.afterVerify;
  }
}

for (const hook of ["afterLookup", "beforeVerify", "afterVerify"] as const) {
  for (const kind of ["relative", "absolute"] as const) {
    Deno.test(`sandbox race: a directory renamed to a ${kind} symlink out (${hook}), read`, async () => {
      const { tree, lines } = await race(
        hook,
        (t) => kind === "relative" ? "../outside" : t.outside,
        ["cat /sb/sub/inner/file.txt"],
      );
      try {
        assert.ok(!lines[0].includes("SECRET"), lines[0]);
        assert.equal(lines[0], "cat /sb/sub/inner/file.txt: PERM");
      } finally {
        cleanup(tree);
      }
    });
  }
}

for (const hook of ["afterLookup", "beforeVerify"] as const) {
  const ops = [
    "write /sb/sub/inner/file.txt X",
    "write /sb/sub/inner/new.txt X",
    "mkdir /sb/sub/inner/newdir",
    "unlink /sb/sub/inner/file.txt",
    "rename /sb/sub/inner/file.txt /sb/moved.txt",
    "symlink x /sb/sub/inner/newlink",
    "touch /sb/sub/inner/file.txt 0",
    "truncate /sb/sub/inner/file.txt 0",
  ];
  for (const op of ops) {
    Deno.test(`sandbox race: a directory renamed during resolution (${hook}): ${op}`, async () => {
      const before = (t: Tree) => snapshot(t.outside);
      let outsideBefore: string[] = [];
      const { tree, lines } = await race(hook, (t) => {
        outsideBefore = before(t);
        return "../outside";
      }, [op]);
      try {
        assert.equal(lines[0], `${op}: PERM`);
        assert.deepEqual(snapshot(tree.outside), outsideBefore, "nothing outside changed");
      } finally {
        cleanup(tree);
      }
    });
  }
}

Deno.test("sandbox race: the final file swapped for a symlink after verification is never read", async () => {
  const tree = makeTree();
  resolveHooks.afterVerify = (r) => {
    if (r.path === `${tree.sb}/inside.txt`) {
      Deno.renameSync(r.path, `${r.path}.old`);
      Deno.symlinkSync("../outside/secret.txt", r.path);
    }
  };
  try {
    // The open lands on the outside file, whose inode is not the one resolved: it is closed
    // unread and the open tried again, which now meets the symlink out.
    const before = snapshot(tree.outside);
    const lines = await fsops(tree, ["cat /sb/inside.txt", "write /sb/inside.txt X"]);
    assert.deepEqual(lines, ["cat /sb/inside.txt: PERM", "write /sb/inside.txt X: PERM"]);
    assert.deepEqual(snapshot(tree.outside), before);
  } finally {
    delete resolveHooks.afterVerify;
    cleanup(tree);
  }
});

Deno.test("sandbox: a symlink loop and a long chain stop at ELOOP", async () => {
  const tree = makeTree();
  try {
    Deno.symlinkSync("loop_b", `${tree.sb}/loop_a`);
    Deno.symlinkSync("loop_a", `${tree.sb}/loop_b`);
    for (let i = 0; i < 45; i++) Deno.symlinkSync(`c${i + 1}`, `${tree.sb}/c${i}`);
    Deno.writeTextFileSync(`${tree.sb}/c45`, "end");
    for (let i = 0; i < 40; i++) Deno.symlinkSync(`d${i + 1}`, `${tree.sb}/d${i}`);
    Deno.writeTextFileSync(`${tree.sb}/d40`, "end");
    await attempt(tree, [
      "raw_open loop_a follow => LOOP",
      "raw_open c0 follow => LOOP",
      "raw_open d0 follow => ok end",
    ]);
  } finally {
    cleanup(tree);
  }
});

Deno.test("sandbox: Deno's permissions stand behind the preopens (EACCES, one hint per flag)", () => {
  const tree = makeTree();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-read=${tree.sb},${repoPath("tests/wasi")}`,
        repoPath("tests/wasi/_permissions_child.ts"),
        `${tree.sb}::/sb`,
        ...[
          "cat /sb/inside.txt",
          "write /sb/new.txt X",
          "write /sb/inside.txt Y",
          "mkdir /sb/d",
          "unlink /sb/inside.txt",
          "cat /sb/inside.txt",
        ].flatMap((c) => [...c.split(" "), ";"]),
      ],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const out = new TextDecoder().decode(child.stdout);
    const err = new TextDecoder().decode(child.stderr);
    assert.equal(child.code, 0, err);
    assert.equal(
      out,
      [
        "cat /sb/inside.txt: ok inside",
        "write /sb/new.txt X: ACCES",
        "write /sb/inside.txt Y: ACCES",
        "mkdir /sb/d: ACCES",
        "unlink /sb/inside.txt: ACCES",
        "cat /sb/inside.txt: ok inside",
        "",
      ].join("\n"),
    );
    const hints = err.trimEnd().split("\n");
    assert.equal(hints.length, 1, err);
    assert.match(hints[0], /--allow-write/);
    assert.equal(Deno.readTextFileSync(`${tree.sb}/inside.txt`), "inside");
  } finally {
    cleanup(tree);
  }
});
