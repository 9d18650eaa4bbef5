/*
 * epoll_check: epoll, eventfd and socket semantics checked from inside a
 * guest, through every `net` import — so that the same checks run under
 * either loader (the user loader copies each call's memory: addresses with
 * lengths, receive buffers cut to the result, epoll event arrays).
 *
 * The guest connects to its own listener on 127.0.0.1 and prints one line
 * per check ("ok NAME" or "FAIL NAME: got X, want Y"), then "done N/M";
 * the exit status is the number of failures.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../examples/include/kwasm_net.h"

#define MSG_PEEK 2
#define SHUT_WR 1
#define IPPROTO_TCP 6
#define TCP_NODELAY 1
#define EFAULT 14
#define EEXIST 17
#define ENOENT 2

static int checks, failures;

static void check(const char *name, long got, long want) {
  checks++;
  if (got == want) {
    printf("ok %s\n", name);
  } else {
    failures++;
    printf("FAIL %s: got %ld, want %ld\n", name, got, want);
  }
}

static struct net_epoll_event events[8];

/* epoll_wait into `events`; the count, or the negative errno. */
static int wait_for(int ep, int timeout_ms) {
  memset(events, 0xee, sizeof events);
  return net_epoll_wait(ep, events, 8, timeout_ms);
}

static int ctl(int ep, int op, int fd, unsigned ev, uint64_t data) {
  struct net_epoll_event e = {ev, data};
  return net_epoll_ctl(ep, op, fd, &e);
}

static int send_str(int fd, const char *s) { return net_sendto(fd, s, (int)strlen(s), 0, 0, 0); }

/* Non-blocking receive into a buffer of 0xAA bytes; the count, and the bytes in `out`. */
static char buf[256];
static int recv_some(int fd, int flags) {
  memset(buf, 0xaa, sizeof buf);
  return net_recvfrom(fd, buf, 64, flags, 0, 0);
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(void) {
  int port = 0;
  int lfd = net_listen_loopback(0, &port);
  check("listen", lfd >= 0, 1);
  int ep = net_epoll_create();
  check("epoll_create", ep >= 0, 1);
  check("listener ADD", ctl(ep, NET_EPOLL_CTL_ADD, lfd, NET_EPOLLIN, 0x1234567890ull), 0);
  check("ADD twice is EEXIST", ctl(ep, NET_EPOLL_CTL_ADD, lfd, NET_EPOLLIN, 0), -EEXIST);
  check("nothing ready yet", wait_for(ep, 0), 0);
  check("accept before a connection: EAGAIN", net_accept4(lfd, 0, 0, NET_O_NONBLOCK), -NET_EAGAIN);

  /* A blocking client connects to the listener (the guest blocks in _connect). */
  int cfd = net_socket(NET_AF_INET, NET_SOCK_STREAM, 0);
  struct net_sockaddr_in to = {NET_AF_INET, net_htons((uint16_t)port), 0x0100007fu, {0}};
  check("connect", net_connect(cfd, &to, sizeof to), 0);
  int one = 1;
  check("setsockopt TCP_NODELAY", net_setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, 4), 0);

  /* The listener: level-triggered, its 64-bit data intact. */
  check("listener readable", wait_for(ep, 2000), 1);
  check("listener event", events[0].events, NET_EPOLLIN);
  check("listener data", events[0].data == 0x1234567890ull, 1);
  check("event past the count untouched", events[1].events, 0xeeeeeeeeu);
  check("LT: still readable", wait_for(ep, 0), 1);

  struct net_sockaddr_in peer;
  memset(&peer, 0xaa, sizeof peer);
  int plen = sizeof peer;
  int sfd = net_accept4(lfd, &peer, &plen, NET_O_NONBLOCK);
  check("accept4", sfd > cfd, 1);
  check("accept4 address length", plen, 16);
  check("accept4 address family", peer.family, NET_AF_INET);
  check("accept4 address", peer.addr, 0x0100007fu);
  check("drained after accept", wait_for(ep, 0), 0);
  check("listener DEL", ctl(ep, NET_EPOLL_CTL_DEL, lfd, 0, 0), 0);
  check("DEL twice is ENOENT", ctl(ep, NET_EPOLL_CTL_DEL, lfd, 0, 0), -ENOENT);

  /* getsockname into a short buffer: cut to 8 bytes, the full length reported. */
  struct net_sockaddr_in me;
  memset(&me, 0xaa, sizeof me);
  int mlen = 8;
  check("getsockname", net_getsockname(cfd, &me, &mlen), 0);
  check("getsockname length", mlen, 16);
  check("getsockname family", me.family, NET_AF_INET);
  check("getsockname cut at 8 bytes", me.zero[0], 0xaa);

  check("F_GETFL nonblocking", net_fcntl(sfd, NET_F_GETFL, 0) & NET_O_NONBLOCK, NET_O_NONBLOCK);
  check("empty: EAGAIN", recv_some(sfd, 0), -NET_EAGAIN);
  check("recv buffer untouched", (unsigned char)buf[0], 0xaa);

  /* Level-triggered data. */
  check("conn ADD", ctl(ep, NET_EPOLL_CTL_ADD, sfd, NET_EPOLLIN, 7), 0);
  check("send", send_str(cfd, "hello"), 5);
  check("LT readable", wait_for(ep, 2000), 1);
  check("LT event", events[0].events, NET_EPOLLIN);
  check("LT data", (long)events[0].data, 7);
  check("LT readable again", wait_for(ep, 0), 1);
  check("peek", recv_some(sfd, MSG_PEEK), 5);
  check("peek bytes", memcmp(buf, "hello", 5), 0);
  check("recv", recv_some(sfd, 0), 5);
  check("recv bytes", memcmp(buf, "hello", 5), 0);
  check("recv copies back only what was read", (unsigned char)buf[5], 0xaa);
  check("LT drained", wait_for(ep, 0), 0);

  /* Edge-triggered: one event per arrival. */
  check("MOD to ET", ctl(ep, NET_EPOLL_CTL_MOD, sfd, NET_EPOLLIN | NET_EPOLLET, 8), 0);
  send_str(cfd, "ab");
  check("ET edge", wait_for(ep, 2000), 1);
  check("ET data", (long)events[0].data, 8);
  check("ET: no second report", wait_for(ep, 0), 0);
  send_str(cfd, "c");
  check("ET new edge", wait_for(ep, 2000), 1);
  int n = 0, r;
  for (int i = 0; i < 100 && n < 3; i++) {
    r = recv_some(sfd, 0);
    if (r > 0) n += r;
  }
  check("ET read all", n, 3);

  /* One-shot: disarmed after one event, re-armed by MOD. */
  check("MOD to ONESHOT", ctl(ep, NET_EPOLL_CTL_MOD, sfd, NET_EPOLLIN | NET_EPOLLONESHOT, 9), 0);
  send_str(cfd, "x");
  check("ONESHOT event", wait_for(ep, 2000), 1);
  send_str(cfd, "y");
  check("ONESHOT disarmed", wait_for(ep, 100), 0);
  check("ONESHOT re-armed", ctl(ep, NET_EPOLL_CTL_MOD, sfd, NET_EPOLLIN | NET_EPOLLONESHOT, 9), 0);
  check("ONESHOT event again", wait_for(ep, 2000), 1);
  n = 0;
  for (int i = 0; i < 100 && n < 2; i++) {
    r = recv_some(sfd, 0);
    if (r > 0) n += r;
  }
  check("ONESHOT read all", n, 2);

  /* Writable at once. */
  check("MOD to OUT", ctl(ep, NET_EPOLL_CTL_MOD, sfd, NET_EPOLLOUT, 10), 0);
  check("EPOLLOUT", wait_for(ep, 0), 1);
  check("EPOLLOUT event", events[0].events, NET_EPOLLOUT);
  check("conn DEL", ctl(ep, NET_EPOLL_CTL_DEL, sfd, 0, 0), 0);

  /* eventfd: readable while its counter is non-zero (semaphore: one per read). */
  int efd = net_eventfd_sem(0);
  check("eventfd", efd >= 0, 1);
  net_fcntl(efd, NET_F_SETFL, NET_O_NONBLOCK);
  check("eventfd ADD", ctl(ep, NET_EPOLL_CTL_ADD, efd, NET_EPOLLIN, 11), 0);
  check("eventfd idle", wait_for(ep, 0), 0);
  uint64_t v = 2;
  check("eventfd write", write(efd, &v, 8), 8);
  check("eventfd wakes", wait_for(ep, 0), 1);
  check("eventfd data", (long)events[0].data, 11);
  check("eventfd read 1", read(efd, &v, 8), 8);
  check("eventfd value", (long)v, 1);
  check("eventfd read 2", read(efd, &v, 8), 8);
  check("eventfd empty", wait_for(ep, 0), 0);
  check("eventfd DEL", ctl(ep, NET_EPOLL_CTL_DEL, efd, 0, 0), 0);

  /* A timeout with nothing ready. */
  long t0 = now_ms();
  check("timeout", wait_for(ep, 100), 0);
  check("timeout waited", now_ms() - t0 >= 90, 1);

  /* Bad pointers fault as under the kernel loader. */
  check("recv EFAULT", net_recvfrom(sfd, (void *)0xfffffff0u, 64, 0, 0, 0), -EFAULT);
  check("epoll_wait EFAULT", net_epoll_wait(ep, (void *)0xfffffff0u, 8, 0), -EFAULT);
  check("sendto EFAULT", net_sendto(cfd, (void *)0xfffffff0u, 64, 0, 0, 0), -EFAULT);

  /* Half-close: EOF and RDHUP on the server side, which can still send. */
  check("conn ADD RDHUP", ctl(ep, NET_EPOLL_CTL_ADD, sfd, NET_EPOLLIN | NET_EPOLLRDHUP, 12), 0);
  check("shutdown", net_shutdown(cfd, SHUT_WR), 0);
  check("EOF readable", wait_for(ep, 2000), 1);
  check("EOF events", events[0].events, NET_EPOLLIN | NET_EPOLLRDHUP);
  check("EOF recv", recv_some(sfd, 0), 0);
  check("send after peer's half-close", send_str(sfd, "bye"), 3);
  struct net_sockaddr_in from;
  int flen = sizeof from;
  memset(buf, 0, sizeof buf);
  check("blocking recv", net_recvfrom(cfd, buf, 64, 0, &from, &flen), 3);
  check("blocking recv bytes", memcmp(buf, "bye", 3), 0);
  check("recvfrom address", from.addr, 0x0100007fu);

  close(sfd);
  close(cfd);
  close(efd);
  close(ep);
  close(lfd);
  printf("done %d/%d\n", checks - failures, checks);
  return failures;
}
