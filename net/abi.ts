/**
 * The `net` import module's ABI, compatible with kernel-wasm's networking
 * module and its `kwasm-net` crate: constants shared by the host side and
 * guest programs. Results are >= 0 on success and a negative Linux errno on
 * failure.
 *
 * @module
 */

/** Linux errno values the `net` module returns (negated). */
export const LinuxErrno = {
  /** Operation not permitted */
  EPERM: 1,
  /** Bad file descriptor */
  EBADF: 9,
  /** Resource temporarily unavailable */
  EAGAIN: 11,
  /** Permission denied */
  EACCES: 13,
  /** Bad address */
  EFAULT: 14,
  /** Invalid argument */
  EINVAL: 22,
  /** Broken pipe */
  EPIPE: 32,
  /** Socket operation on non-socket */
  ENOTSOCK: 88,
  /** Address already in use */
  EADDRINUSE: 98,
  /** Connection reset by peer */
  ECONNRESET: 104,
  /** Transport endpoint is not connected */
  ENOTCONN: 107,
} as const;

/** Socket address families and types. */
export const SocketConst = {
  /** IPv4 */
  AF_INET: 2,
  /** IPv6 */
  AF_INET6: 10,
  /** Stream socket */
  SOCK_STREAM: 1,
  /** Non-blocking flag for `_accept4` and `_fcntl` */
  O_NONBLOCK: 2048,
  /** `_fcntl` get flags */
  F_GETFL: 3,
  /** `_fcntl` set flags */
  F_SETFL: 4,
} as const;

/** `_epoll_ctl` operations. */
export const EpollOp = {
  /** Register a descriptor */
  ADD: 1,
  /** Deregister a descriptor */
  DEL: 2,
  /** Change a registration */
  MOD: 3,
} as const;

/** epoll event bits. */
export const EpollEvent = {
  /** Readable */
  IN: 1,
  /** Writable */
  OUT: 4,
  /** Error */
  ERR: 8,
  /** Hang-up */
  HUP: 16,
  /** Peer closed its writing half */
  RDHUP: 0x2000,
  /** Disarm after one event */
  ONESHOT: 1 << 30,
  /** Edge-triggered */
  ET: 1 << 31,
} as const;

/** Size of the packed `{u32 events; u64 data}` epoll event in guest memory. */
export const EPOLL_EVENT_SIZE = 12;
