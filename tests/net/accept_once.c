/*
 * accept_once: a WASI preview1 program (no `net` module) that serves one
 * connection on the listener preopened at fd 3 (`-S tcplisten=ADDR`): reads
 * a line with WASI sock_recv/fd_read and answers it upper-cased, then exits.
 */
#include <ctype.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int c = accept(3, NULL, NULL);
  if (c < 0) {
    perror("accept");
    return 1;
  }
  char buf[256];
  int n = 0;
  while (n < (int)sizeof buf) {
    ssize_t m = read(c, buf + n, sizeof buf - n);
    if (m <= 0) break;
    n += m;
    if (buf[n - 1] == '\n') break;
  }
  for (int i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
  write(c, buf, n);
  close(c);
  printf("served %d bytes\n", n);
  return 0;
}
