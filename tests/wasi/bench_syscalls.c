// Syscall-heavy loops for bench/wasi_syscalls.ts.
//   bench_syscalls write N PATH   N fd_writes of 16 bytes to PATH (created)
//   bench_syscalls clock N        N clock_time_get(MONOTONIC)
//   bench_syscalls stat N PATH    N path_filestat_get of PATH
// Calls go straight to the WASI imports (no stdio buffering in between).
// Prints a checksum so the work cannot be skipped.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: bench_syscalls write|clock|stat N [PATH]\n");
        return 2;
    }
    long n = atol(argv[2]);
    unsigned long long sum = 0;
    if (!strcmp(argv[1], "write") && argc > 3) {
        int fd = open(argv[3], O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd < 0) return 1;
        static const char line[16] = "0123456789abcde\n";
        __wasi_ciovec_t iov = {(const uint8_t *)line, sizeof line};
        for (long i = 0; i < n; i++) {
            __wasi_size_t w;
            if (__wasi_fd_write((__wasi_fd_t)fd, &iov, 1, &w) != 0) return 1;
            sum += w;
        }
        close(fd);
    } else if (!strcmp(argv[1], "clock")) {
        for (long i = 0; i < n; i++) {
            __wasi_timestamp_t t;
            if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 1;
            sum += t & 1;
        }
    } else if (!strcmp(argv[1], "stat") && argc > 3) {
        for (long i = 0; i < n; i++) {
            struct stat st;
            if (stat(argv[3], &st) != 0) return 1;
            sum += (unsigned long long)st.st_size;
        }
    } else {
        return 2;
    }
    printf("%s %ld: %llu\n", argv[1], n, sum);
    return 0;
}
