/*
 * kwasm_net.h — the `net` import module of kwasm (kernel-wasm's networking
 * ABI) for C programs built with clang --target=wasm32-wasi.
 *
 * Every function returns >= 0 on success and a negative Linux errno on
 * failure. Descriptors are WASI descriptors: read(2)/write(2)/close(2) from
 * wasi-libc work on them.
 */
#ifndef KWASM_NET_H
#define KWASM_NET_H

#include <stdint.h>

#define NET_IMPORT(name) __attribute__((import_module("net"), import_name(name)))

#define NET_AF_INET 2
#define NET_SOCK_STREAM 1
#define NET_O_NONBLOCK 2048
#define NET_F_GETFL 3
#define NET_F_SETFL 4

#define NET_EPOLL_CTL_ADD 1
#define NET_EPOLL_CTL_DEL 2
#define NET_EPOLL_CTL_MOD 3

#define NET_EPOLLIN 0x1u
#define NET_EPOLLOUT 0x4u
#define NET_EPOLLERR 0x8u
#define NET_EPOLLHUP 0x10u
#define NET_EPOLLRDHUP 0x2000u
#define NET_EPOLLONESHOT (1u << 30)
#define NET_EPOLLET (1u << 31)

#define NET_EAGAIN 11
#define NET_EINTR 4

/* sockaddr_in: family little-endian, port and address in network order. */
struct net_sockaddr_in {
  uint16_t family;
  uint16_t port;
  uint32_t addr;
  uint8_t zero[8];
};

/* The packed 12-byte epoll event of the ABI. */
struct __attribute__((packed)) net_epoll_event {
  uint32_t events;
  uint64_t data;
};

NET_IMPORT("_socket") int net_socket(int family, int type, int proto);
NET_IMPORT("_bind") int net_bind(int fd, const void *addr, int len);
NET_IMPORT("_listen") int net_listen(int fd, int backlog);
NET_IMPORT("_accept4") int net_accept4(int fd, void *addr, int *len, int flags);
NET_IMPORT("_connect") int net_connect(int fd, const void *addr, int len);
NET_IMPORT("_sendto")
int net_sendto(int fd, const void *buf, int len, int flags, const void *addr, int addrlen);
NET_IMPORT("_recvfrom")
int net_recvfrom(int fd, void *buf, int len, int flags, void *addr, int *addrlen);
NET_IMPORT("_shutdown") int net_shutdown(int fd, int how);
NET_IMPORT("_getsockname") int net_getsockname(int fd, void *addr, int *len);
NET_IMPORT("_setsockopt") int net_setsockopt(int fd, int level, int name, const void *val, int len);
NET_IMPORT("_eventfd_sem") int net_eventfd_sem(int initial);
NET_IMPORT("_epoll_create") int net_epoll_create(void);
NET_IMPORT("_epoll_ctl") int net_epoll_ctl(int epfd, int op, int fd, struct net_epoll_event *ev);
NET_IMPORT("_epoll_wait")
int net_epoll_wait(int epfd, struct net_epoll_event *events, int maxevents, int timeout_ms);
NET_IMPORT("_fcntl") int net_fcntl(int fd, int cmd, int arg);

static inline uint16_t net_htons(uint16_t v) { return (uint16_t)((v << 8) | (v >> 8)); }

/* A non-blocking listener on 127.0.0.1:port (0: any free port); its port in *bound. */
static inline int net_listen_loopback(int port, int *bound) {
  int fd = net_socket(NET_AF_INET, NET_SOCK_STREAM | NET_O_NONBLOCK, 0);
  if (fd < 0) return fd;
  struct net_sockaddr_in a = {NET_AF_INET, net_htons((uint16_t)port), 0x0100007fu, {0}};
  int r = net_bind(fd, &a, sizeof a);
  if (r < 0) return r;
  r = net_listen(fd, 1024);
  if (r < 0) return r;
  int len = sizeof a;
  r = net_getsockname(fd, &a, &len);
  if (r < 0) return r;
  *bound = net_htons(a.port);
  return fd;
}

#endif
