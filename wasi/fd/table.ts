/**
 * The file descriptor table shared by WASI and the `net` module: small
 * integers mapping to {@linkcode Descriptor} objects. A new descriptor takes
 * the lowest free number, as POSIX requires, so fds are reused after close.
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";
import type { Descriptor } from "./descriptor.ts";

/** Default bound on open descriptors (`EMFILE` beyond it). */
export const DEFAULT_MAX_FDS = 1 << 16;

/**
 * The table. Slots hold the descriptor or `undefined`.
 *
 * @example
 * ```ts
 * import { FdTable } from "./table.ts";
 * import { BaseDescriptor } from "./descriptor.ts";
 * class Null extends BaseDescriptor {
 *   readonly filetype = 0;
 * }
 * const fds = new FdTable();
 * console.log(fds.insert(new Null(0))); // 0
 * console.log(fds.insert(new Null(0))); // 1
 * fds.close(0);
 * console.log(fds.insert(new Null(0))); // 0 again
 * ```
 */
export class FdTable {
  #slots: (Descriptor | undefined)[] = [];
  #free = 0; // no free slot below this index
  #count = 0;
  readonly #max: number;

  /** Creates an empty table admitting at most `maxFds` descriptors. */
  constructor(maxFds = DEFAULT_MAX_FDS) {
    this.#max = maxFds;
  }

  /** The descriptor for `fd` (an i32 from the guest), or undefined. */
  get(fd: number): Descriptor | undefined {
    return this.#slots[fd >>> 0];
  }

  /**
   * The descriptor for `fd`, checked to have every right in `rights`.
   * Throws `EBADF` when `fd` is not open and `missing` (default
   * `ENOTCAPABLE`) when a right is lacking.
   */
  require(fd: number, rights: number, missing: Errno = Errno.NOTCAPABLE): Descriptor {
    const d = this.#slots[fd >>> 0];
    if (d === undefined) throw new WasiError(Errno.BADF);
    if ((d.rightsBase & rights) !== rights) throw new WasiError(missing);
    return d;
  }

  /** Installs `d` at the lowest free number and returns it; `EMFILE` when full. */
  insert(d: Descriptor): number {
    if (this.#count >= this.#max) throw new WasiError(Errno.MFILE);
    const slots = this.#slots;
    let fd = this.#free;
    while (fd < slots.length && slots[fd] !== undefined) fd++;
    slots[fd] = d;
    this.#free = fd + 1;
    this.#count++;
    return fd;
  }

  /** Installs `d` at `fd`, which must be free. */
  insertAt(fd: number, d: Descriptor): void {
    if (this.#slots[fd] !== undefined) throw new Error(`fd ${fd} is already open`);
    while (this.#slots.length < fd) this.#slots.push(undefined);
    this.#slots[fd] = d;
    this.#count++;
  }

  /** Removes `fd` from the table without closing its descriptor; returns it. */
  remove(fd: number): Descriptor | undefined {
    const i = fd >>> 0;
    const d = this.#slots[i];
    if (d === undefined) return undefined;
    this.#slots[i] = undefined;
    this.#count--;
    if (i < this.#free) this.#free = i;
    while (this.#slots.length > 0 && this.#slots[this.#slots.length - 1] === undefined) {
      this.#slots.pop();
    }
    return d;
  }

  /** Closes `fd`: removes it and releases its descriptor. `EBADF` if not open. */
  close(fd: number): void {
    const d = this.remove(fd);
    if (d === undefined) throw new WasiError(Errno.BADF);
    d.close();
  }

  /**
   * `fd_renumber`: moves the descriptor at `from` to `to`, closing what was
   * at `to`. Both must be open (`EBADF`), as in wasmtime.
   */
  renumber(from: number, to: number): void {
    const d = this.get(from);
    const old = this.get(to);
    if (d === undefined || old === undefined) throw new WasiError(Errno.BADF);
    if (from >>> 0 === to >>> 0) return;
    this.remove(from);
    this.remove(to);
    old.close();
    this.insertAt(to >>> 0, d);
  }

  /** Number of open descriptors. */
  get count(): number {
    return this.#count;
  }

  /** Every open `[fd, descriptor]`, in fd order. */
  *entries(): IterableIterator<[number, Descriptor]> {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) {
      const d = slots[i];
      if (d !== undefined) yield [i, d];
    }
  }

  /** Closes every descriptor (errors from closing are ignored). */
  closeAll(): void {
    for (const [fd] of [...this.entries()]) {
      try {
        this.close(fd);
      } catch {
        // already gone on the host side; nothing to report to anyone
      }
    }
  }
}
