/**
 * Test helper: the few WASI preview1 functions the C fixtures import, enough
 * to run them on an engine before kwasm's WASI lands. stdout and stderr are
 * collected in memory; `proc_exit` ends the run with an exit code.
 *
 * @module
 */

import type { Imports } from "../engine.ts";

/** Thrown by `proc_exit`. */
export class ProcExit extends Error {
  /** The exit code. */
  readonly code: number;
  /** Creates the exit with `code`. */
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** A minimal WASI: args, fd_write to buffers, proc_exit. */
export class WasiShim {
  /** Bytes written to fd 1. */
  readonly stdout: number[] = [];
  /** Bytes written to fd 2. */
  readonly stderr: number[] = [];
  readonly #args: Uint8Array[];
  #memory: WebAssembly.Memory | null = null;

  /** Creates the shim with the program's arguments (argv[0] included). */
  constructor(args: string[]) {
    this.#args = args.map((a) => new TextEncoder().encode(a + "\0"));
  }

  /** Sets the guest memory (after instantiation). */
  set memory(m: WebAssembly.Memory) {
    this.#memory = m;
  }

  /** stdout as text. */
  get output(): string {
    return new TextDecoder().decode(new Uint8Array(this.stdout));
  }

  #view(): DataView {
    return new DataView(this.#memory!.buffer);
  }

  /** The `wasi_snapshot_preview1` import module. */
  imports(): Imports {
    const EBADF = 8;
    const ESPIPE = 70;
    const wasi = {
      args_sizes_get: (argc: number, size: number) => {
        const dv = this.#view();
        dv.setUint32(argc, this.#args.length, true);
        dv.setUint32(size, this.#args.reduce((n, a) => n + a.length, 0), true);
        return 0;
      },
      args_get: (argv: number, buf: number) => {
        const dv = this.#view();
        const mem = new Uint8Array(this.#memory!.buffer);
        let p = buf;
        this.#args.forEach((a, i) => {
          dv.setUint32(argv + 4 * i, p, true);
          mem.set(a, p);
          p += a.length;
        });
        return 0;
      },
      environ_sizes_get: (count: number, size: number) => {
        const dv = this.#view();
        dv.setUint32(count, 0, true);
        dv.setUint32(size, 0, true);
        return 0;
      },
      environ_get: () => 0,
      fd_write: (fd: number, iovs: number, n: number, written: number) => {
        if (fd !== 1 && fd !== 2) return EBADF;
        const dv = this.#view();
        const mem = new Uint8Array(this.#memory!.buffer);
        const out = fd === 1 ? this.stdout : this.stderr;
        let total = 0;
        for (let i = 0; i < n; i++) {
          const ptr = dv.getUint32(iovs + 8 * i, true);
          const len = dv.getUint32(iovs + 8 * i + 4, true);
          for (let k = 0; k < len; k++) out.push(mem[ptr + k]);
          total += len;
        }
        dv.setUint32(written, total, true);
        return 0;
      },
      fd_fdstat_get: (fd: number, stat: number) => {
        if (fd > 2) return EBADF;
        const dv = this.#view();
        for (let i = 0; i < 24; i++) dv.setUint8(stat + i, 0);
        dv.setUint8(stat, 2); // character device
        return 0;
      },
      fd_seek: () => ESPIPE,
      fd_close: () => EBADF,
      proc_exit: (code: number) => {
        throw new ProcExit(code);
      },
    };
    return { wasi_snapshot_preview1: wasi };
  }
}
