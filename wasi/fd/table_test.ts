import assert from "node:assert/strict";
import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import { BaseDescriptor } from "./descriptor.ts";
import { FdTable } from "./table.ts";

class Probe extends BaseDescriptor {
  readonly filetype = 0;
  closed = 0;
  constructor(rights = 0) {
    super(rights);
  }
  override close() {
    this.closed++;
  }
}

function errno(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof WasiError) return e.errno;
    throw e;
  }
  return Errno.SUCCESS;
}

Deno.test("FdTable: lowest free number first", () => {
  const t = new FdTable();
  const ds = [0, 1, 2, 3, 4].map(() => new Probe());
  assert.deepEqual(ds.map((d) => t.insert(d)), [0, 1, 2, 3, 4]);
  t.close(1);
  t.close(3);
  assert.equal(t.insert(new Probe()), 1);
  assert.equal(t.insert(new Probe()), 3);
  assert.equal(t.insert(new Probe()), 5);
  assert.equal(t.count, 6);
  assert.equal(ds[1].closed, 1);
});

Deno.test("FdTable: require checks the fd and the rights", () => {
  const t = new FdTable();
  const fd = t.insert(new Probe(0b101));
  assert.equal(errno(() => t.require(fd, 0b100)), Errno.SUCCESS);
  assert.equal(errno(() => t.require(fd, 0b110)), Errno.NOTCAPABLE);
  assert.equal(errno(() => t.require(fd, 0b110, Errno.BADF)), Errno.BADF);
  assert.equal(errno(() => t.require(7, 0)), Errno.BADF);
  assert.equal(errno(() => t.require(-1, 0)), Errno.BADF);
});

Deno.test("FdTable: renumber moves and closes the target", () => {
  const t = new FdTable();
  const a = new Probe();
  const b = new Probe();
  t.insert(a);
  t.insert(b);
  t.renumber(0, 1);
  assert.equal(t.get(1), a);
  assert.equal(t.get(0), undefined);
  assert.equal(b.closed, 1);
  assert.equal(errno(() => t.renumber(0, 1)), Errno.BADF);
  assert.equal(errno(() => t.renumber(1, 9)), Errno.BADF);
  t.renumber(1, 1);
  assert.equal(a.closed, 0);
  assert.equal(errno(() => t.close(0)), Errno.BADF);
});

Deno.test("FdTable: EMFILE at the limit, closeAll closes everything once", () => {
  const t = new FdTable(3);
  const ds = [new Probe(), new Probe(), new Probe()];
  for (const d of ds) t.insert(d);
  assert.equal(errno(() => t.insert(new Probe())), Errno.MFILE);
  t.closeAll();
  assert.equal(t.count, 0);
  assert.deepEqual(ds.map((d) => d.closed), [1, 1, 1]);
  assert.equal(t.insert(new Probe()), 0);
});
