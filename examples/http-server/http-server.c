/*
 * http-server: an HTTP/1.1 server on kwasm's `net` module — one epoll loop,
 * non-blocking sockets, keep-alive and pipelining (every complete request in
 * the input is answered, the responses go out in one send).
 *
 *   kwasm run --net --dir ./public::/www http-server.wasm [PORT] [DOCROOT]
 *
 * `/` answers a small text body; any other path is a file under DOCROOT
 * (default /www, a WASI preopen). GET and HEAD only (405 otherwise), 404 for
 * missing files, 400 for requests that do not parse, 413 for a body over
 * MAX_REQUEST. What one client can make it hold is bounded: its input
 * (MAX_REQUEST plus a read) and its output (no more requests are answered
 * while MAX_OUTPUT waits to go out — a pipelining client that does not read
 * gets no further).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kwasm_net.h"

#define MAX_EVENTS 256
#define MAX_REQUEST 65536
#define READ_CHUNK 16384
#define MAX_OUTPUT (1 << 20)

struct buf {
  char *data;
  size_t len, cap, off;
  int oom; /* an allocation failed: the connection is dropped, the server goes on */
};

struct conn {
  struct buf in, out;
  int closing; /* close once `out` is sent */
  int writing; /* waiting for EPOLLOUT */
};

static struct conn **conns;
static int conns_cap;
static int epfd;
static const char *docroot = "/www";
static const char HELLO[] = "Hello from kwasm!\n";

static char hello_response[256];
static size_t hello_len;

static int reserve(struct buf *b, size_t more) {
  if (b->len + more <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more) cap *= 2;
  char *data = realloc(b->data, cap);
  if (!data) {
    b->oom = 1;
    return -1;
  }
  b->data = data;
  b->cap = cap;
  return 0;
}

static void append(struct buf *b, const void *p, size_t n) {
  if (reserve(b, n) < 0) return;
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static struct conn *conn_new(int fd) {
  if (fd >= conns_cap) {
    int cap = conns_cap ? conns_cap : 64;
    while (cap <= fd) cap *= 2;
    struct conn **grown = realloc(conns, cap * sizeof *conns);
    if (!grown) return NULL;
    conns = grown;
    memset(conns + conns_cap, 0, (cap - conns_cap) * sizeof *conns);
    conns_cap = cap;
  }
  conns[fd] = calloc(1, sizeof(struct conn));
  return conns[fd]; /* NULL when out of memory */
}

static void watch(int fd, int op, uint32_t events) {
  struct net_epoll_event ev = {events, (uint64_t)fd};
  net_epoll_ctl(epfd, op, fd, &ev);
}

static void drop(int fd) {
  struct conn *c = conns[fd];
  if (c) {
    free(c->in.data);
    free(c->out.data);
    free(c);
    conns[fd] = NULL;
  }
  net_epoll_ctl(epfd, NET_EPOLL_CTL_DEL, fd, NULL);
  close(fd);
}

static void respond(struct conn *c, int status, const char *reason, const char *type,
                    const char *body, size_t len, int head, int keep) {
  char hdr[256];
  int n = snprintf(hdr, sizeof hdr,
                   "HTTP/1.1 %d %s\r\nServer: kwasm\r\nContent-Type: %s\r\n"
                   "Content-Length: %zu\r\n%s%s\r\n",
                   status, reason, type, len, keep ? "" : "Connection: close\r\n",
                   status == 405 ? "Allow: GET, HEAD\r\n" : "");
  append(&c->out, hdr, n);
  if (!head) append(&c->out, body, len);
  if (!keep) c->closing = 1;
}

static const char *mime(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot) return "application/octet-stream";
  if (!strcmp(dot, ".html")) return "text/html; charset=utf-8";
  if (!strcmp(dot, ".txt")) return "text/plain; charset=utf-8";
  if (!strcmp(dot, ".css")) return "text/css";
  if (!strcmp(dot, ".js")) return "text/javascript";
  if (!strcmp(dot, ".json")) return "application/json";
  if (!strcmp(dot, ".png")) return "image/png";
  return "application/octet-stream";
}

static void serve_file(struct conn *c, const char *path, int head, int keep) {
  static const char NOT_FOUND[] = "not found\n";
  char full[1024];
  if (strstr(path, "..") || snprintf(full, sizeof full, "%s%s", docroot, path) >= (int)sizeof full) {
    respond(c, 404, "Not Found", "text/plain", NOT_FOUND, sizeof NOT_FOUND - 1, head, keep);
    return;
  }
  int fd = open(full, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) close(fd);
    respond(c, 404, "Not Found", "text/plain", NOT_FOUND, sizeof NOT_FOUND - 1, head, keep);
    return;
  }
  if (head) {
    close(fd);
    respond(c, 200, "OK", mime(path), NULL, st.st_size, head, keep);
    return;
  }
  char *body = malloc(st.st_size ? st.st_size : 1);
  if (!body) {
    close(fd);
    c->out.oom = 1;
    return;
  }
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, body + got, st.st_size - got);
    if (n <= 0) break;
    got += n;
  }
  close(fd);
  respond(c, 200, "OK", mime(path), body, got, head, keep);
  free(body);
}

/* Whether `value` occurs (case-insensitively) in [p, eol). */
static int has_word(const char *p, const char *eol, const char *value) {
  size_t vl = strlen(value);
  for (; p + vl <= eol; p++) {
    if (!strncasecmp(p, value, vl)) return 1;
  }
  return 0;
}

struct headers {
  long content_length; /* of the first Content-Length line, 0 if none */
  int close;           /* a Connection line says "close" */
  int keep_alive;      /* a Connection line says "keep-alive" */
};

/* Reads the headers that matter from the lines of [p, end), in one pass: only lines starting
 * with 'c' are compared (the request's other lines cost one byte test each). */
static void scan_headers(const char *p, const char *end, struct headers *h) {
  int have_length = 0;
  h->content_length = 0;
  h->close = h->keep_alive = 0;
  while (p < end) {
    const char *eol = memchr(p, '\n', end - p);
    if (!eol) eol = end;
    if ((*p | 0x20) == 'c') {
      if (!have_length && eol - p > 15 && !strncasecmp(p, "content-length:", 15)) {
        h->content_length = strtol(p + 15, NULL, 10);
        have_length = 1;
      } else if (eol - p > 10 && !strncasecmp(p, "connection", 10) && p[10] == ':') {
        h->close |= has_word(p + 11, eol, "close");
        h->keep_alive |= has_word(p + 11, eol, "keep-alive");
      }
    }
    p = eol + 1;
  }
}

/* Answers every complete request in c->in; returns 0, or -1 to close now. */
static int handle_requests(struct conn *c) {
  static const char BAD[] = "bad request\n";
  static const char NOT_ALLOWED[] = "method not allowed\n";
  static const char TOO_LARGE[] = "request body too large\n";
  while (!c->closing && c->out.len - c->out.off < MAX_OUTPUT) {
    char *start = c->in.data + c->in.off;
    size_t avail = c->in.len - c->in.off;
    char *end = avail >= 4 ? memmem(start, avail, "\r\n\r\n", 4) : NULL;
    if (!end) {
      if (avail > MAX_REQUEST) {
        respond(c, 400, "Bad Request", "text/plain", BAD, sizeof BAD - 1, 0, 0);
      }
      break;
    }
    char *line_end = memchr(start, '\r', end - start + 1);
    char *sp1 = memchr(start, ' ', line_end - start);
    char *sp2 = sp1 ? memchr(sp1 + 1, ' ', line_end - sp1 - 1) : NULL;
    struct headers h;
    scan_headers(start, end, &h);
    long body = h.content_length;
    if (!sp1 || !sp2 || sp2[1] != 'H' || line_end - sp2 - 1 != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) ||
        sp1[1] != '/' || body < 0) {
      respond(c, 400, "Bad Request", "text/plain", BAD, sizeof BAD - 1, 0, 0);
      break;
    }
    if (body > MAX_REQUEST) { /* never buffered: one client could exhaust memory */
      respond(c, 413, "Payload Too Large", "text/plain", TOO_LARGE, sizeof TOO_LARGE - 1, 0, 0);
      break;
    }
    size_t total = (end + 4 - start) + (size_t)body;
    if (avail < total) break; /* wait for the body */
    int http10 = sp2[8] == '0';
    int keep = http10 ? h.keep_alive : !h.close;
    size_t mlen = sp1 - start;
    int head = mlen == 4 && !memcmp(start, "HEAD", 4);
    int get = mlen == 3 && !memcmp(start, "GET", 3);
    if (get && keep && sp2 == sp1 + 2) { /* GET / — the hot path: formatted once, no path copy */
      append(&c->out, hello_response, hello_len);
      c->in.off += total;
      continue;
    }
    char path[1024];
    size_t plen = sp2 - sp1 - 1;
    if (plen >= sizeof path) plen = sizeof path - 1;
    memcpy(path, sp1 + 1, plen);
    path[plen] = 0;
    char *query = strchr(path, '?');
    if (query) *query = 0;
    if (!get && !head) {
      respond(c, 405, "Method Not Allowed", "text/plain", NOT_ALLOWED, sizeof NOT_ALLOWED - 1, 0,
              keep);
    } else if (!strcmp(path, "/") && get && keep) {
      append(&c->out, hello_response, hello_len); /* the hot path: formatted once */
    } else if (!strcmp(path, "/")) {
      respond(c, 200, "OK", "text/plain; charset=utf-8", HELLO, sizeof HELLO - 1, head, keep);
    } else {
      serve_file(c, path, head, keep);
    }
    c->in.off += total;
  }
  if (c->in.off == c->in.len) c->in.off = c->in.len = 0;
  return 0;
}

/* Sends c->out; 1 when all went out, 0 when it must wait, -1 on error. */
static int flush(int fd, struct conn *c) {
  while (c->out.off < c->out.len) {
    int n = net_sendto(fd, c->out.data + c->out.off, c->out.len - c->out.off, 0, NULL, 0);
    if (n == -NET_EAGAIN) return 0;
    if (n < 0) return -1;
    c->out.off += n;
  }
  c->out.off = c->out.len = 0;
  return 1;
}

static void after_output(int fd, struct conn *c) {
  int r;
  /* Once all is out, answer the requests held back by MAX_OUTPUT (they may all be buffered
   * already, so no EPOLLIN would come for them). */
  while ((r = flush(fd, c)) > 0 && !c->closing && c->in.off < c->in.len) {
    handle_requests(c);
    if (c->out.oom || c->out.len == 0) break;
  }
  if (c->out.oom) r = -1;
  if (r < 0 || (r > 0 && c->closing)) {
    if (r > 0) net_shutdown(fd, 1);
    drop(fd);
    return;
  }
  if (r == 0 && !c->writing) {
    c->writing = 1;
    watch(fd, NET_EPOLL_CTL_MOD, NET_EPOLLOUT);
  } else if (r > 0 && c->writing) {
    c->writing = 0;
    watch(fd, NET_EPOLL_CTL_MOD, NET_EPOLLIN);
  }
}

static void on_readable(int fd) {
  struct conn *c = conns[fd];
  if (c->in.off > 0) { /* keep only the unanswered part, or a pipelining client grows it forever */
    memmove(c->in.data, c->in.data + c->in.off, c->in.len - c->in.off);
    c->in.len -= c->in.off;
    c->in.off = 0;
  }
  if (reserve(&c->in, READ_CHUNK) < 0) {
    drop(fd);
    return;
  }
  int n = net_recvfrom(fd, c->in.data + c->in.len, c->in.cap - c->in.len, 0, NULL, NULL);
  if (n == -NET_EAGAIN) return;
  if (n <= 0) {
    drop(fd);
    return;
  }
  c->in.len += n;
  handle_requests(c);
  if (c->out.oom) drop(fd);
  else if (c->out.len > 0) after_output(fd, c);
}

/* Handles one batch of events. Not inlined on purpose: an engine optimizes a wasm function when
 * it is called again (V8 has no on-stack replacement for wasm), and `main` never returns, so code
 * inlined into its loop would run unoptimized forever. */
__attribute__((noinline)) static void dispatch(int lfd, const struct net_epoll_event *events,
                                               int n) {
  for (int i = 0; i < n; i++) {
    int fd = (int)events[i].data;
    uint32_t ev = events[i].events;
    if (fd == lfd) {
      for (;;) {
        int c = net_accept4(lfd, NULL, NULL, NET_O_NONBLOCK);
        if (c < 0) break;
        if (!conn_new(c)) {
          close(c);
          continue;
        }
        watch(c, NET_EPOLL_CTL_ADD, NET_EPOLLIN);
      }
    } else if (fd < conns_cap && conns[fd]) {
      if (ev & NET_EPOLLOUT) after_output(fd, conns[fd]);
      else if (ev & NET_EPOLLIN) on_readable(fd);
      else if (ev & (NET_EPOLLERR | NET_EPOLLHUP)) drop(fd);
    }
  }
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  if (argc > 2) docroot = argv[2];
  int bound = 0;
  int lfd = net_listen_loopback(port, &bound);
  if (lfd < 0) {
    fprintf(stderr, "http-server: cannot listen on 127.0.0.1:%d (errno %d)\n", port, -lfd);
    return 1;
  }
  hello_len = snprintf(hello_response, sizeof hello_response,
                       "HTTP/1.1 200 OK\r\nServer: kwasm\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       "Content-Length: %zu\r\n\r\n%s",
                       sizeof HELLO - 1, HELLO);
  epfd = net_epoll_create();
  watch(lfd, NET_EPOLL_CTL_ADD, NET_EPOLLIN);
  printf("http server listening on http://127.0.0.1:%d/ (files from %s)\n", bound, docroot);
  fflush(stdout);

  struct net_epoll_event events[MAX_EVENTS];
  for (;;) {
    int n = net_epoll_wait(epfd, events, MAX_EVENTS, -1);
    if (n < 0) {
      fprintf(stderr, "http-server: epoll_wait failed (errno %d)\n", -n);
      return 1;
    }
    dispatch(lfd, events, n);
  }
}
