/**
 * WASI preview1 error numbers (`wasi_snapshot_preview1` `errno`), exactly as
 * the witx definition numbers them. Host functions return these to the guest;
 * they never throw for a guest-visible failure.
 *
 * @module
 */

/** WASI preview1 errno values. `_2BIG` is `2big` (a name cannot start with a digit). */
export const Errno = {
  /** `success` */
  SUCCESS: 0,
  /** `2big` */
  _2BIG: 1,
  /** `acces` */
  ACCES: 2,
  /** `addrinuse` */
  ADDRINUSE: 3,
  /** `addrnotavail` */
  ADDRNOTAVAIL: 4,
  /** `afnosupport` */
  AFNOSUPPORT: 5,
  /** `again` */
  AGAIN: 6,
  /** `already` */
  ALREADY: 7,
  /** `badf` */
  BADF: 8,
  /** `badmsg` */
  BADMSG: 9,
  /** `busy` */
  BUSY: 10,
  /** `canceled` */
  CANCELED: 11,
  /** `child` */
  CHILD: 12,
  /** `connaborted` */
  CONNABORTED: 13,
  /** `connrefused` */
  CONNREFUSED: 14,
  /** `connreset` */
  CONNRESET: 15,
  /** `deadlk` */
  DEADLK: 16,
  /** `destaddrreq` */
  DESTADDRREQ: 17,
  /** `dom` */
  DOM: 18,
  /** `dquot` */
  DQUOT: 19,
  /** `exist` */
  EXIST: 20,
  /** `fault` */
  FAULT: 21,
  /** `fbig` */
  FBIG: 22,
  /** `hostunreach` */
  HOSTUNREACH: 23,
  /** `idrm` */
  IDRM: 24,
  /** `ilseq` */
  ILSEQ: 25,
  /** `inprogress` */
  INPROGRESS: 26,
  /** `intr` */
  INTR: 27,
  /** `inval` */
  INVAL: 28,
  /** `io` */
  IO: 29,
  /** `isconn` */
  ISCONN: 30,
  /** `isdir` */
  ISDIR: 31,
  /** `loop` */
  LOOP: 32,
  /** `mfile` */
  MFILE: 33,
  /** `mlink` */
  MLINK: 34,
  /** `msgsize` */
  MSGSIZE: 35,
  /** `multihop` */
  MULTIHOP: 36,
  /** `nametoolong` */
  NAMETOOLONG: 37,
  /** `netdown` */
  NETDOWN: 38,
  /** `netreset` */
  NETRESET: 39,
  /** `netunreach` */
  NETUNREACH: 40,
  /** `nfile` */
  NFILE: 41,
  /** `nobufs` */
  NOBUFS: 42,
  /** `nodev` */
  NODEV: 43,
  /** `noent` */
  NOENT: 44,
  /** `noexec` */
  NOEXEC: 45,
  /** `nolck` */
  NOLCK: 46,
  /** `nolink` */
  NOLINK: 47,
  /** `nomem` */
  NOMEM: 48,
  /** `nomsg` */
  NOMSG: 49,
  /** `noprotoopt` */
  NOPROTOOPT: 50,
  /** `nospc` */
  NOSPC: 51,
  /** `nosys` */
  NOSYS: 52,
  /** `notconn` */
  NOTCONN: 53,
  /** `notdir` */
  NOTDIR: 54,
  /** `notempty` */
  NOTEMPTY: 55,
  /** `notrecoverable` */
  NOTRECOVERABLE: 56,
  /** `notsock` */
  NOTSOCK: 57,
  /** `notsup` */
  NOTSUP: 58,
  /** `notty` */
  NOTTY: 59,
  /** `nxio` */
  NXIO: 60,
  /** `overflow` */
  OVERFLOW: 61,
  /** `ownerdead` */
  OWNERDEAD: 62,
  /** `perm` */
  PERM: 63,
  /** `pipe` */
  PIPE: 64,
  /** `proto` */
  PROTO: 65,
  /** `protonosupport` */
  PROTONOSUPPORT: 66,
  /** `prototype` */
  PROTOTYPE: 67,
  /** `range` */
  RANGE: 68,
  /** `rofs` */
  ROFS: 69,
  /** `spipe` */
  SPIPE: 70,
  /** `srch` */
  SRCH: 71,
  /** `stale` */
  STALE: 72,
  /** `timedout` */
  TIMEDOUT: 73,
  /** `txtbsy` */
  TXTBSY: 74,
  /** `xdev` */
  XDEV: 75,
  /** `notcapable` */
  NOTCAPABLE: 76,
} as const;

/** A WASI errno value. */
export type Errno = (typeof Errno)[keyof typeof Errno];
