/**
 * WASI enumerations and flag sets, numbered exactly as the witx definitions
 * of `wasi_snapshot_preview1` (and, where they differ, `wasi_unstable`,
 * a.k.a. preview0 or `snapshot_0`) number them.
 *
 * The two snapshots share every value here except {@linkcode WhenceP0}: in
 * preview0 the `whence` enum is declared `$cur $end $set`, in preview1
 * `$set $cur $end`, so the same number means a different origin.
 *
 * @module
 */

/** `filetype` (u8): the type of a file descriptor or file. */
export const Filetype = {
  /** The type is unknown or different from any of the other types. */
  UNKNOWN: 0,
  /** A block device inode. */
  BLOCK_DEVICE: 1,
  /** A character device inode. */
  CHARACTER_DEVICE: 2,
  /** A directory inode. */
  DIRECTORY: 3,
  /** A regular file inode. */
  REGULAR_FILE: 4,
  /** A datagram socket. */
  SOCKET_DGRAM: 5,
  /** A byte-stream socket. */
  SOCKET_STREAM: 6,
  /** A symbolic link inode. */
  SYMBOLIC_LINK: 7,
} as const;

/** `whence` (u8) of `wasi_snapshot_preview1`: `$set $cur $end`. */
export const Whence = {
  /** Seek relative to start-of-file. */
  SET: 0,
  /** Seek relative to the current position. */
  CUR: 1,
  /** Seek relative to end-of-file. */
  END: 2,
} as const;

/** `whence` (u8) of `wasi_unstable` (preview0): `$cur $end $set`. */
export const WhenceP0 = {
  /** Seek relative to the current position. */
  CUR: 0,
  /** Seek relative to end-of-file. */
  END: 1,
  /** Seek relative to start-of-file. */
  SET: 2,
} as const;

/** `clockid` (u32). */
export const Clockid = {
  /** Wall clock time, nanoseconds since the Unix epoch. */
  REALTIME: 0,
  /** A clock that never goes back; its epoch is arbitrary. */
  MONOTONIC: 1,
  /** CPU time consumed by the process. */
  PROCESS_CPUTIME_ID: 2,
  /** CPU time consumed by the thread. */
  THREAD_CPUTIME_ID: 3,
} as const;

/** `fdflags` (u16): file descriptor flags. */
export const Fdflags = {
  /** Writes always go to the end of the file. */
  APPEND: 1 << 0,
  /** Write according to synchronized I/O data integrity completion. */
  DSYNC: 1 << 1,
  /** Non-blocking mode. */
  NONBLOCK: 1 << 2,
  /** Synchronized read I/O operations. */
  RSYNC: 1 << 3,
  /** Write according to synchronized I/O file integrity completion. */
  SYNC: 1 << 4,
} as const;

/** `oflags` (u16): open flags of `path_open`. */
export const Oflags = {
  /** Create the file if it does not exist. */
  CREAT: 1 << 0,
  /** Fail if the path is not a directory. */
  DIRECTORY: 1 << 1,
  /** Fail if the file already exists. */
  EXCL: 1 << 2,
  /** Truncate the file to size 0. */
  TRUNC: 1 << 3,
} as const;

/** `lookupflags` (u32): how a path is resolved. */
export const Lookupflags = {
  /** Follow a symbolic link in the last component. */
  SYMLINK_FOLLOW: 1 << 0,
} as const;

/** `fstflags` (u16): which timestamps `*_filestat_set_times` changes. */
export const Fstflags = {
  /** Set the access time to the given value. */
  ATIM: 1 << 0,
  /** Set the access time to the current time. */
  ATIM_NOW: 1 << 1,
  /** Set the modification time to the given value. */
  MTIM: 1 << 2,
  /** Set the modification time to the current time. */
  MTIM_NOW: 1 << 3,
} as const;

/** `advice` (u8) of `fd_advise`. */
export const Advice = {
  /** No particular access pattern. */
  NORMAL: 0,
  /** Sequential access. */
  SEQUENTIAL: 1,
  /** Random access. */
  RANDOM: 2,
  /** Will be accessed soon. */
  WILLNEED: 3,
  /** Will not be accessed soon. */
  DONTNEED: 4,
  /** Accessed once. */
  NOREUSE: 5,
} as const;

/** `eventtype` (u8) of `poll_oneoff` subscriptions and events. */
export const Eventtype = {
  /** A clock reached its timeout. */
  CLOCK: 0,
  /** A descriptor has data to read. */
  FD_READ: 1,
  /** A descriptor can accept a write. */
  FD_WRITE: 2,
} as const;

/** `eventrwflags` (u16) of an `fd_read`/`fd_write` event. */
export const Eventrwflags = {
  /** The peer of this socket or pipe has closed or disconnected. */
  FD_READWRITE_HANGUP: 1 << 0,
} as const;

/** `subclockflags` (u16) of a clock subscription. */
export const Subclockflags = {
  /** The timeout is an absolute time on the clock, not a duration. */
  SUBSCRIPTION_CLOCK_ABSTIME: 1 << 0,
} as const;

/** `preopentype` (u8) of `fd_prestat_get`. */
export const Preopentype = {
  /** A pre-opened directory. */
  DIR: 0,
} as const;

/** `riflags` (u16) of `sock_recv`. */
export const Riflags = {
  /** Return data without removing it from the queue. */
  RECV_PEEK: 1 << 0,
  /** Wait until the whole buffer is filled. */
  RECV_WAITALL: 1 << 1,
} as const;

/** `roflags` (u16) returned by `sock_recv`. */
export const Roflags = {
  /** Message data was truncated. */
  RECV_DATA_TRUNCATED: 1 << 0,
} as const;

/** `sdflags` (u8) of `sock_shutdown`. */
export const Sdflags = {
  /** Disable further receptions. */
  RD: 1 << 0,
  /** Disable further transmissions. */
  WR: 1 << 1,
} as const;

/**
 * `signal` (u8) of `proc_raise`, numbered as the witx does (which is Linux's
 * numbering up to SIGTERM, and differs after it).
 */
export const Signal = {
  /** No signal (reserved). */
  NONE: 0,
  /** Hangup. */
  HUP: 1,
  /** Terminate interrupt. */
  INT: 2,
  /** Terminal quit. */
  QUIT: 3,
  /** Illegal instruction. */
  ILL: 4,
  /** Trace/breakpoint trap. */
  TRAP: 5,
  /** Process abort. */
  ABRT: 6,
  /** Access to an undefined portion of a memory object. */
  BUS: 7,
  /** Erroneous arithmetic operation. */
  FPE: 8,
  /** Kill. */
  KILL: 9,
  /** User-defined signal 1. */
  USR1: 10,
  /** Invalid memory reference. */
  SEGV: 11,
  /** User-defined signal 2. */
  USR2: 12,
  /** Write on a pipe with no one to read it. */
  PIPE: 13,
  /** Alarm clock. */
  ALRM: 14,
  /** Termination signal. */
  TERM: 15,
  /** Child process terminated, paused, or continued. */
  CHLD: 16,
  /** Continue executing, if stopped. */
  CONT: 17,
  /** Stop executing. */
  STOP: 18,
  /** Terminal stop signal. */
  TSTP: 19,
  /** Background process attempting read. */
  TTIN: 20,
  /** Background process attempting write. */
  TTOU: 21,
  /** High bandwidth data is available at a socket. */
  URG: 22,
  /** CPU time limit exceeded. */
  XCPU: 23,
  /** File size limit exceeded. */
  XFSZ: 24,
  /** Virtual timer expired. */
  VTALRM: 25,
  /** Profiling timer expired. */
  PROF: 26,
  /** Window changed. */
  WINCH: 27,
  /** I/O possible. */
  POLL: 28,
  /** Power failure. */
  PWR: 29,
  /** Bad system call. */
  SYS: 30,
} as const;
