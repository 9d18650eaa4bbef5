/*
 * echo-server: a TCP echo server on kwasm's `net` module — one epoll loop,
 * non-blocking sockets, level-triggered. Data that the peer does not take
 * at once is kept and the connection waits for EPOLLOUT before reading more
 * (so a slow reader cannot make the server buffer without bound).
 *
 *   kwasm run --net echo-server.wasm [PORT]     (default 8080; 0 = any free port)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kwasm_net.h"

#define BUF_SIZE 65536
#define MAX_EVENTS 256

struct conn {
  char *pending; /* bytes received but not yet sent back */
  int len, off;
};

static struct conn **conns;
static int conns_cap;
static char buf[BUF_SIZE];
static int epfd;

static struct conn *conn_at(int fd) {
  if (fd >= conns_cap) {
    int cap = conns_cap ? conns_cap : 64;
    while (cap <= fd) cap *= 2;
    conns = realloc(conns, cap * sizeof *conns);
    memset(conns + conns_cap, 0, (cap - conns_cap) * sizeof *conns);
    conns_cap = cap;
  }
  if (!conns[fd]) conns[fd] = calloc(1, sizeof(struct conn));
  return conns[fd];
}

static void drop(int fd) {
  if (fd < conns_cap && conns[fd]) {
    free(conns[fd]->pending);
    free(conns[fd]);
    conns[fd] = NULL;
  }
  net_epoll_ctl(epfd, NET_EPOLL_CTL_DEL, fd, NULL);
  close(fd);
}

static void watch(int fd, int op, uint32_t events) {
  struct net_epoll_event ev = {events, (uint64_t)fd};
  net_epoll_ctl(epfd, op, fd, &ev);
}

/* Sends what is pending; 1 when all went out, 0 when it must wait, -1 on error. */
static int flush(int fd, struct conn *c) {
  while (c->off < c->len) {
    int n = net_sendto(fd, c->pending + c->off, c->len - c->off, 0, NULL, 0);
    if (n == -NET_EAGAIN) return 0;
    if (n < 0) return -1;
    c->off += n;
  }
  c->len = c->off = 0;
  return 1;
}

static void on_readable(int fd) {
  int n = net_recvfrom(fd, buf, BUF_SIZE, 0, NULL, NULL);
  if (n == -NET_EAGAIN) return;
  if (n <= 0) {
    drop(fd);
    return;
  }
  int w = net_sendto(fd, buf, n, 0, NULL, 0);
  if (w == n) return;
  if (w < 0 && w != -NET_EAGAIN) {
    drop(fd);
    return;
  }
  if (w < 0) w = 0;
  struct conn *c = conn_at(fd);
  c->pending = realloc(c->pending, n - w);
  memcpy(c->pending, buf + w, n - w);
  c->len = n - w;
  c->off = 0;
  watch(fd, NET_EPOLL_CTL_MOD, NET_EPOLLOUT);
}

static void on_writable(int fd) {
  struct conn *c = conn_at(fd);
  int r = flush(fd, c);
  if (r < 0) drop(fd);
  else if (r > 0) watch(fd, NET_EPOLL_CTL_MOD, NET_EPOLLIN);
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  int bound = 0;
  int lfd = net_listen_loopback(port, &bound);
  if (lfd < 0) {
    fprintf(stderr, "echo-server: cannot listen on 127.0.0.1:%d (errno %d)\n", port, -lfd);
    return 1;
  }
  epfd = net_epoll_create();
  watch(lfd, NET_EPOLL_CTL_ADD, NET_EPOLLIN);
  printf("echo server listening on 127.0.0.1:%d\n", bound);
  fflush(stdout);

  struct net_epoll_event events[MAX_EVENTS];
  for (;;) {
    int n = net_epoll_wait(epfd, events, MAX_EVENTS, -1);
    if (n < 0) {
      fprintf(stderr, "echo-server: epoll_wait failed (errno %d)\n", -n);
      return 1;
    }
    for (int i = 0; i < n; i++) {
      int fd = (int)events[i].data;
      uint32_t ev = events[i].events;
      if (fd == lfd) {
        for (;;) {
          int c = net_accept4(lfd, NULL, NULL, NET_O_NONBLOCK);
          if (c < 0) break;
          watch(c, NET_EPOLL_CTL_ADD, NET_EPOLLIN);
        }
      } else if (ev & NET_EPOLLOUT) {
        on_writable(fd);
      } else if (ev & NET_EPOLLIN) {
        on_readable(fd);
      } else if (ev & (NET_EPOLLERR | NET_EPOLLHUP)) {
        drop(fd);
      }
    }
  }
}
