// Standard streams.
//   stdio echo      copy stdin to stdout in 7-byte reads, upper-cased; a summary on stderr
//   stdio lines     number the lines of stdin (stdio buffered reads)
//   stdio info      isatty and fdstat of fds 0-2
//   stdio nonblock  O_NONBLOCK stdin: reads fail with EAGAIN until data arrives (poll waits)
#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static int echo(void) {
    char buf[7];
    long total = 0, lines = 0, reads = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        reads++;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') lines++;
            buf[i] = (char)toupper((unsigned char)buf[i]);
        }
        if (write(1, buf, (size_t)n) != n) return 2;
        total += n;
    }
    if (n < 0) {
        fprintf(stderr, "read: %s\n", errname(errno));
        return 1;
    }
    fprintf(stderr, "%ld bytes, %ld lines, %ld reads\n", total, lines, reads);
    return 0;
}

static int lines(void) {
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, stdin)) printf("%3d: %s", ++n, line);
    printf("%d lines\n", n);
    return 0;
}

static int info(void) {
    for (int fd = 0; fd < 3; fd++) {
        __wasi_fdstat_t st;
        __wasi_errno_t e = __wasi_fd_fdstat_get(fd, &st);
        int seek = (st.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)) != 0;
        int rd = (st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0;
        int wr = (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0;
        printf("fd %d: %s filetype=%d isatty=%d read=%d write=%d seek=%d\n", fd, errname(e),
               st.fs_filetype, isatty(fd), rd, wr, seek);
    }
    CHECK_ERR(lseek(1, 0, SEEK_CUR), ESPIPE, "lseek on stdout");
    return failures;
}

static int nonblock(void) {
    CHECK(fcntl(0, F_SETFL, O_NONBLOCK) == 0, "set O_NONBLOCK on stdin");
    char buf[64];
    CHECK_ERR(read(0, buf, sizeof buf), EAGAIN, "read before data arrives");
    struct pollfd p = {.fd = 0, .events = POLLIN};
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "poll waits for input");
    ssize_t n = read(0, buf, sizeof buf);
    CHECK(n > 0, "read after poll: %d bytes", (int)n);
    return failures;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "echo";
    if (!strcmp(mode, "echo")) return echo();
    if (!strcmp(mode, "lines")) return lines();
    if (!strcmp(mode, "info")) return info();
    if (!strcmp(mode, "nonblock")) return nonblock();
    fprintf(stderr, "unknown mode %s\n", mode);
    return 100;
}
