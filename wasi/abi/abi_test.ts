/**
 * The ABI tables against wasi-libc's `wasi/api.h` (generated from the
 * preview1 witx): every `#define __WASI_*` constant and every
 * `_Static_assert(offsetof(...))` / `sizeof` we also define must agree.
 * Skipped when the header is not installed.
 */
import assert from "node:assert/strict";
import { Errno } from "../errno.ts";
import * as C from "./constants.ts";
import * as L from "./layout.ts";
import { ALL_RIGHTS, DIRECTORY_RIGHTS, FILE_RIGHTS, Rights } from "./rights.ts";

const HEADER = "/usr/include/wasm32-wasi/wasi/api.h";
let header: string | null = null;
try {
  header = Deno.readTextFileSync(HEADER);
} catch {
  // not installed: the tests below are ignored
}

function defines(): Map<string, number> {
  const out = new Map<string, number>();
  // `#define __WASI_X (UINT8_C(3))` or `#define __WASI_X ((__wasi_t)(1 << 4))`
  for (const m of header!.matchAll(/#define __WASI_([A-Z0-9_]+) (.*)$/gm)) {
    const expr = m[2].replace(/\(__wasi_\w+\)|UINT\d+_C/g, "");
    const shift = /(\d+) << (\d+)/.exec(expr);
    const plain = /^\(*(\d+)\)*$/.exec(expr);
    if (shift) out.set(m[1], Number(shift[1]) << Number(shift[2]));
    else if (plain) out.set(m[1], Number(plain[1]));
  }
  return out;
}

function offsets(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of header!.matchAll(/offsetof\(__wasi_(\w+)_t, ([\w.]+)\) == (\d+)/g)) {
    out.set(`${m[1]}.${m[2]}`, Number(m[3]));
  }
  for (const m of header!.matchAll(/sizeof\(__wasi_(\w+)_t\) == (\d+)/g)) {
    out.set(`${m[1]}.SIZE`, Number(m[2]));
  }
  return out;
}

const ignore = header === null;

Deno.test({
  name: "abi: every constant matches wasi/api.h",
  ignore,
  fn() {
    const d = defines();
    const tables: [string, Record<string, number>][] = [
      ["CLOCKID", C.Clockid],
      ["WHENCE", C.Whence],
      ["FILETYPE", C.Filetype],
      ["ADVICE", C.Advice],
      ["FDFLAGS", C.Fdflags],
      ["FSTFLAGS", C.Fstflags],
      ["LOOKUPFLAGS", C.Lookupflags],
      ["OFLAGS", C.Oflags],
      ["EVENTTYPE", C.Eventtype],
      ["EVENTRWFLAGS", C.Eventrwflags],
      ["SUBCLOCKFLAGS", C.Subclockflags],
      ["RIFLAGS", C.Riflags],
      ["ROFLAGS", C.Roflags],
      ["SDFLAGS", C.Sdflags],
      ["PREOPENTYPE", C.Preopentype],
      ["RIGHTS", Rights],
    ];
    let n = 0;
    for (const [prefix, table] of tables) {
      for (const [name, value] of Object.entries(table)) {
        assert.equal(d.get(`${prefix}_${name}`), value, `${prefix}_${name}`);
        n++;
      }
      // …and nothing in the header is missing from the table.
      for (const [k, v] of d) {
        if (k.startsWith(prefix + "_")) {
          assert.equal(table[k.slice(prefix.length + 1)], v, `${k} is in the table`);
        }
      }
    }
    for (const [name, value] of Object.entries(Errno)) {
      const key = name === "_2BIG" ? "ERRNO_2BIG" : `ERRNO_${name}`;
      assert.equal(d.get(key), value, key);
      n++;
    }
    assert.ok(n > 150, `${n} constants compared`);
  },
});

Deno.test({
  name: "abi: every struct offset and size matches wasi/api.h",
  ignore,
  fn() {
    const o = offsets();
    const want: [string, number][] = [
      ["iovec.buf", L.IOVEC.BUF],
      ["iovec.buf_len", L.IOVEC.LEN],
      ["iovec.SIZE", L.IOVEC.SIZE],
      ["ciovec.buf_len", L.IOVEC.LEN],
      ["fdstat.fs_filetype", L.FDSTAT.FILETYPE],
      ["fdstat.fs_flags", L.FDSTAT.FLAGS],
      ["fdstat.fs_rights_base", L.FDSTAT.RIGHTS_BASE],
      ["fdstat.fs_rights_inheriting", L.FDSTAT.RIGHTS_INHERITING],
      ["fdstat.SIZE", L.FDSTAT.SIZE],
      ["filestat.dev", L.FILESTAT.DEV],
      ["filestat.ino", L.FILESTAT.INO],
      ["filestat.filetype", L.FILESTAT.FILETYPE],
      ["filestat.nlink", L.FILESTAT.NLINK],
      ["filestat.size", L.FILESTAT.SIZE],
      ["filestat.atim", L.FILESTAT.ATIM],
      ["filestat.mtim", L.FILESTAT.MTIM],
      ["filestat.ctim", L.FILESTAT.CTIM],
      ["filestat.SIZE", L.FILESTAT.STRUCT_SIZE],
      ["dirent.d_next", L.DIRENT.NEXT],
      ["dirent.d_ino", L.DIRENT.INO],
      ["dirent.d_namlen", L.DIRENT.NAMLEN],
      ["dirent.d_type", L.DIRENT.TYPE],
      ["dirent.SIZE", L.DIRENT.SIZE],
      ["prestat_dir.pr_name_len", L.PRESTAT.NAME_LEN - 4],
      ["prestat.SIZE", L.PRESTAT.SIZE],
      ["event.userdata", L.EVENT.USERDATA],
      ["event.error", L.EVENT.ERROR],
      ["event.type", L.EVENT.TYPE],
      ["event.fd_readwrite", L.EVENT.NBYTES],
      ["event_fd_readwrite.flags", L.EVENT.FLAGS - L.EVENT.NBYTES],
      ["event.SIZE", L.EVENT.SIZE],
      ["subscription.userdata", L.SUBSCRIPTION.USERDATA],
      ["subscription.u", L.SUBSCRIPTION.TAG],
      ["subscription_clock.id", L.SUBSCRIPTION.CLOCK_ID - 16],
      ["subscription_clock.timeout", L.SUBSCRIPTION.CLOCK_TIMEOUT - 16],
      ["subscription_clock.precision", L.SUBSCRIPTION.CLOCK_PRECISION - 16],
      ["subscription_clock.flags", L.SUBSCRIPTION.CLOCK_FLAGS - 16],
      ["subscription.SIZE", L.SUBSCRIPTION.SIZE],
    ];
    for (const [key, value] of want) assert.equal(o.get(key), value, key);
  },
});

Deno.test("abi: preview0 layouts differ from preview1 exactly where the witx does", () => {
  // filestat: a u32 nlink packed after filetype moves everything after it 8 bytes down.
  assert.equal(L.FILESTAT_P0.NLINK, 20);
  for (const k of ["SIZE", "ATIM", "MTIM", "CTIM"] as const) {
    assert.equal(L.FILESTAT_P0[k], L.FILESTAT[k] - 8, k);
  }
  assert.equal(L.FILESTAT_P0.STRUCT_SIZE, 56);
  // subscription: an extra u64 identifier first in the clock variant.
  for (const k of ["CLOCK_ID", "CLOCK_TIMEOUT", "CLOCK_PRECISION", "CLOCK_FLAGS"] as const) {
    assert.equal(L.SUBSCRIPTION_P0[k], L.SUBSCRIPTION[k] + 8, k);
  }
  assert.equal(L.SUBSCRIPTION_P0.SIZE, 56);
  assert.equal(L.SUBSCRIPTION_P0.FD, L.SUBSCRIPTION.FD);
  // whence: $cur $end $set versus $set $cur $end.
  assert.deepEqual([C.WhenceP0.CUR, C.WhenceP0.END, C.WhenceP0.SET], [0, 1, 2]);
  assert.deepEqual([C.Whence.SET, C.Whence.CUR, C.Whence.END], [0, 1, 2]);
});

Deno.test("abi: rights groups are within the defined rights", () => {
  assert.equal(ALL_RIGHTS, 0x3fffffff);
  assert.equal(FILE_RIGHTS & ~ALL_RIGHTS, 0);
  assert.equal(DIRECTORY_RIGHTS & ~ALL_RIGHTS, 0);
  assert.equal(FILE_RIGHTS & Rights.PATH_OPEN, 0, "files cannot open paths");
  assert.equal(DIRECTORY_RIGHTS & (Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK), 0);
});
