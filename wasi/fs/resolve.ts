/**
 * Path resolution inside a directory capability.
 *
 * Every directory descriptor is a sandbox root (as in cap-std, which
 * wasmtime uses): a guest path is resolved below it one component at a
 * time, with `lstat` on each component and `readlink` on each symlink, so the
 * host kernel never follows a link kwasm has not inspected:
 *
 * - an absolute path, `..` above the root, or a symlink whose target is
 *   absolute or climbs above the root is `EPERM` (wasmtime's answer, also
 *   for dangling links: the check is on the path, not on what exists);
 * - more than 40 symlinks is `ELOOP`; a NUL byte is `EINVAL`; a non-directory
 *   in the middle is `ENOTDIR`; a missing one is `ENOENT`;
 * - the result is a host path made only of components observed to be real
 *   directories, plus the final component (a symlink only when the caller
 *   asked not to follow it).
 *
 * Deno has no `openat`/`O_BENEATH`, so the result is a path string that the
 * caller uses right away (no `await` in between: the guest, single-threaded,
 * cannot change anything in the meantime). Against a concurrent host process
 * swapping a directory for a symlink, {@linkcode verifyParent} re-checks
 * just before use that the parent's canonical path is still the one resolved
 * (a swap makes it differ), and callers open files with `O_NOFOLLOW`; what
 * remains is the window between that check and the system call, described
 * in RATIONALE.md ("WASI").
 *
 * @module
 */

import { Errno } from "../errno.ts";
import { WasiError } from "../errors.ts";

/** Most symlinks followed in one resolution (Linux's `MAXSYMLINKS`). */
export const MAX_SYMLINKS = 40;

/** A resolved guest path. */
export interface Resolved {
  /** Host path of the final component. */
  path: string;
  /** Host path of the directory that contains it (the root itself when `depth` is 0). */
  parent: string;
  /** Name of the final component in `parent` ("" when the path is the root itself). */
  name: string;
  /** Components below the root (0: the path is the root). */
  depth: number;
  /** `lstat` of the final component; null when it does not exist. */
  stat: Deno.FileInfo | null;
  /** The path (or the last symlink followed) ended in "/": the target must be a directory. */
  trailingSlash: boolean;
  /** The guest path's last component was "." or "..": it names no entry to create or remove. */
  dotLast: boolean;
}

/**
 * Hooks for tests that need to change the tree at a precise moment of a
 * resolution (the "directory renamed during resolution" cases). Never set
 * outside tests.
 */
export const resolveHooks: {
  /** Called after each component has been looked up, with its host path. */
  afterLookup?: (hostPath: string) => void;
  /** Called after resolution, before {@linkcode verifyParent}. */
  beforeVerify?: (r: Resolved) => void;
  /** Called after a successful verification, just before the caller acts. */
  afterVerify?: (r: Resolved) => void;
} = {};

function lstatOrNull(p: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(p);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function join(root: string, names: readonly string[], n = names.length): string {
  if (n === 0) return root;
  let p = root.endsWith("/") ? root.slice(0, -1) : root;
  for (let i = 0; i < n; i++) p += "/" + names[i];
  return p;
}

/**
 * Resolves `path` (a guest path relative to the directory whose canonical
 * host path is `root`). `follow` says whether a symlink in the last
 * component is followed (a trailing "/" always follows). The final
 * component may be missing (`stat: null`); every other one must exist.
 */
export function resolvePath(root: string, path: string, follow: boolean): Resolved {
  if (path.length === 0) throw new WasiError(Errno.NOENT);
  if (path.includes("\0")) throw new WasiError(Errno.INVAL);
  if (path[0] === "/") throw new WasiError(Errno.PERM, "absolute path");

  let trailingSlash = path.endsWith("/");
  // Components still to resolve, last one first (so pop() yields the next).
  const pending = path.split("/").filter((c) => c !== "").reverse();
  const names: string[] = [];
  let links = 0;
  let stat: Deno.FileInfo | null = null;
  let dotLast = false;
  let finalSeen = false;

  while (pending.length > 0) {
    const c = pending.pop()!;
    const last = pending.length === 0;
    if (c === "." || c === "..") {
      if (c === "..") {
        if (names.length === 0) throw new WasiError(Errno.PERM, "path escapes its directory");
        names.pop();
      }
      if (last) dotLast = true;
      continue;
    }
    const p = join(root, names);
    const here = (p.endsWith("/") ? p : p + "/") + c;
    const st = lstatOrNull(here);
    resolveHooks.afterLookup?.(here);
    if (st === null) {
      if (!last) throw new WasiError(Errno.NOENT);
      names.push(c);
      stat = null;
      finalSeen = true;
      break;
    }
    if (st.isSymlink && (!last || follow || trailingSlash)) {
      if (++links > MAX_SYMLINKS) throw new WasiError(Errno.LOOP);
      const target = Deno.readLinkSync(here);
      if (target.length === 0) throw new WasiError(Errno.NOENT);
      if (target[0] === "/") throw new WasiError(Errno.PERM, "symlink to an absolute path");
      const parts = target.split("/").filter((x) => x !== "");
      if (last && target.endsWith("/")) trailingSlash = true;
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
      continue;
    }
    if (!last && !st.isDirectory) throw new WasiError(Errno.NOTDIR);
    names.push(c);
    if (last) {
      stat = st;
      finalSeen = true;
    }
  }

  const depth = names.length;
  if (!finalSeen) {
    // The path ends at a directory reached through "." / ".." (or is the root).
    stat = Deno.lstatSync(join(root, names));
    dotLast = true;
  }
  if (stat !== null && trailingSlash && !stat.isDirectory) {
    // "file/": a symlink not followed (trailing slash forces following) or a non-directory.
    throw new WasiError(Errno.NOTDIR);
  }
  return {
    path: join(root, names),
    parent: join(root, names, Math.max(depth - 1, 0)),
    name: depth > 0 ? names[depth - 1] : "",
    depth,
    stat,
    trailingSlash,
    dotLast,
  };
}

/**
 * Checks, just before the caller acts on `r`, that the directory holding
 * the final component is still the one resolved: its canonical path (all
 * symlinks expanded by the host) must equal the path built from
 * components each observed to be a real directory. A directory swapped for a
 * symlink since resolution makes them differ. On `false` the caller
 * resolves again.
 */
export function verifyParent(r: Resolved): boolean {
  resolveHooks.beforeVerify?.(r);
  try {
    return Deno.realPathSync(r.parent) === r.parent;
  } catch {
    return false; // gone meanwhile: resolving again gives the right errno
  }
}

/** How many times a resolution is retried when the tree changes under it. */
const ATTEMPTS = 3;

/**
 * Resolves and verifies (see {@linkcode resolvePath}, {@linkcode verifyParent}),
 * retrying when the tree changed in between; after repeated changes the
 * answer is `EPERM` (no stable path inside the root could be found).
 */
export function resolveVerified(root: string, path: string, follow: boolean): Resolved {
  for (let i = 0; i < ATTEMPTS; i++) {
    const r = resolvePath(root, path, follow);
    if (verifyParent(r)) {
      resolveHooks.afterVerify?.(r);
      return r;
    }
  }
  throw new WasiError(Errno.PERM, "the directory tree kept changing during resolution");
}
