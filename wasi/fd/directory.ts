/**
 * A directory: a preopen (`--dir HOST::GUEST`) or one opened by `path_open`.
 * It is the capability every `path_*` call resolves against (its canonical
 * host path is the sandbox root, see `../fs/resolve.ts`), and it holds an OS
 * descriptor on the directory for `fd_filestat_*` and `fd_sync`.
 *
 * `fd_readdir` reads a snapshot taken when the guest starts at cookie 0
 * (`rewinddir`), so cookies stay valid however the guest pages through it:
 * entry `i` of the snapshot has cookie `i + 1` (its `d_next`). The snapshot
 * starts with "." and "..", as on POSIX systems and in wasmtime.
 *
 * @module
 */

import { Filetype } from "../abi/constants.ts";
import { BaseDescriptor, type Filestat } from "./descriptor.ts";
import { filestatOf, filetypeOf, nsToSeconds } from "../fs/stat.ts";

/** One directory entry of a readdir snapshot. */
export interface DirEntry {
  /** Name, UTF-8 encoded. */
  name: Uint8Array;
  /** Inode number (0 when it could not be read). */
  ino: bigint;
  /** WASI file type. */
  filetype: number;
}

const encoder = new TextEncoder();

/** An open directory. */
export class DirectoryDescriptor extends BaseDescriptor {
  /** Always a directory. */
  readonly filetype: number = Filetype.DIRECTORY;
  /** Canonical host path: the root of every path resolved through this descriptor. */
  readonly hostPath: string;
  /** The guest-visible name when this is a preopen (`fd_prestat_dir_name`), else null. */
  readonly preopenName: string | null;
  /** The directory opened on the host (pins it for `fstat`, `fsync`, `futimes`). */
  readonly file: Deno.FsFile;
  #snapshot: DirEntry[] | null = null;

  /** Wraps the open host directory `file` of canonical path `hostPath`. */
  constructor(
    file: Deno.FsFile,
    hostPath: string,
    rightsBase: number,
    rightsInheriting: number,
    preopenName: string | null = null,
  ) {
    super(rightsBase, rightsInheriting, 0);
    this.file = file;
    this.hostPath = hostPath;
    this.preopenName = preopenName;
  }

  /** `fstat` of the directory. */
  override stat(): Filestat {
    return filestatOf(this.file.statSync());
  }

  /** `futimes` on the directory. */
  override setTimes(atim: bigint | null, mtim: bigint | null): void {
    const s = atim === null || mtim === null ? this.stat() : null;
    this.file.utimeSync(nsToSeconds(atim ?? s!.atim), nsToSeconds(mtim ?? s!.mtim));
  }

  /** `fsync` of the directory. */
  override sync(): void {
    this.file.syncSync();
  }

  /** `fdatasync` of the directory. */
  override datasync(): void {
    this.file.syncDataSync();
  }

  /**
   * The entries from `cookie` on. Cookie 0 takes a fresh snapshot; any other
   * cookie continues the current one (past its end: no entries).
   */
  entries(cookie: bigint): { entries: readonly DirEntry[]; first: number } {
    if (cookie === 0n || this.#snapshot === null) this.#snapshot = this.#read();
    const first = cookie > BigInt(this.#snapshot.length) ? this.#snapshot.length : Number(cookie);
    return { entries: this.#snapshot, first };
  }

  #read(): DirEntry[] {
    const selfIno = BigInt(this.file.statSync().ino ?? 0);
    let parentIno = selfIno;
    try {
      // The root's ".." would name a directory outside the sandbox; like a chroot's "/..",
      // it is the root itself. Below the root, it is the real parent.
      if (this.preopenName === null) {
        parentIno = BigInt(Deno.statSync(this.hostPath + "/..").ino ?? 0);
      }
    } catch {
      // keep the directory's own inode
    }
    const out: DirEntry[] = [
      { name: encoder.encode("."), ino: selfIno, filetype: Filetype.DIRECTORY },
      { name: encoder.encode(".."), ino: parentIno, filetype: Filetype.DIRECTORY },
    ];
    const base = this.hostPath.endsWith("/") ? this.hostPath : this.hostPath + "/";
    for (const d of Deno.readDirSync(this.hostPath)) {
      let ino = 0n;
      try {
        ino = BigInt(Deno.lstatSync(base + d.name).ino ?? 0);
      } catch {
        // removed meanwhile: still listed, inode unknown
      }
      out.push({ name: encoder.encode(d.name), ino, filetype: filetypeOf(d) });
    }
    return out;
  }

  /** Closes the host directory. */
  override close(): void {
    this.file.close();
  }
}
