// A tiny shell of file operations, for scenario tests (sandbox escapes,
// permissions, races, comparison with other runtimes). Commands are
// separated by ";" arguments; each prints one line "CMD ARGS: RESULT" where
// RESULT is "ok", "ok <details>" or the errno name.
//
//   fsops cat P ; write P TEXT ; append P TEXT ; mkdir P ; rmdir P ; unlink P
//         rename A B ; link A B ; symlink TARGET P ; readlink P ; stat P ; lstat P
//         ls P ; touch P SECONDS ; truncate P N
//         raw_open P [follow] [creat]    path_open relative to fd 3, bypassing wasi-libc's
//                                        preopen matching (for absolute and ".." paths)
//         raw_stat P [follow] ; raw_mkdir P ; raw_unlink P ; raw_symlink TARGET P
//         raw_rename A B ; raw_link A B
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

#define SANDBOX_FD 3

static void result(int ok, const char *details) {
    if (ok) printf("ok%s%s\n", details && *details ? " " : "", details ? details : "");
    else printf("%s\n", errname(errno));
}

static void raw(__wasi_errno_t e, const char *details) {
    if (e == 0) printf("ok%s%s\n", details && *details ? " " : "", details ? details : "");
    else printf("%s\n", errname(e));
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *type_of(mode_t m) {
    return S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "symlink" : "other";
}

static int has(int argc, char **argv, const char *word) {
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], word)) return 1;
    return 0;
}

static void run(int argc, char **argv) {
    const char *c = argv[0];
    const char *a = argc > 1 ? argv[1] : "";
    const char *b = argc > 2 ? argv[2] : "";
    char buf[4096] = "";
    struct stat st;
    for (int i = 0; i < argc; i++) printf("%s%s", i ? " " : "", argv[i]);
    printf(": ");
    errno = 0;
    if (!strcmp(c, "cat")) {
        int fd = open(a, O_RDONLY);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (n >= 0) buf[n] = 0;
        result(fd >= 0 && n >= 0, buf);
        if (fd >= 0) close(fd);
    } else if (!strcmp(c, "write") || !strcmp(c, "append")) {
        int fd = open(a, O_WRONLY | O_CREAT | (c[0] == 'w' ? O_TRUNC : O_APPEND), 0644);
        ssize_t n = fd < 0 ? -1 : write(fd, b, strlen(b));
        result(n == (ssize_t)strlen(b), NULL);
        if (fd >= 0) close(fd);
    } else if (!strcmp(c, "mkdir")) {
        result(mkdir(a, 0755) == 0, NULL);
    } else if (!strcmp(c, "rmdir")) {
        result(rmdir(a) == 0, NULL);
    } else if (!strcmp(c, "unlink")) {
        result(unlink(a) == 0, NULL);
    } else if (!strcmp(c, "rename")) {
        result(rename(a, b) == 0, NULL);
    } else if (!strcmp(c, "link")) {
        result(link(a, b) == 0, NULL);
    } else if (!strcmp(c, "symlink")) {
        result(symlink(a, b) == 0, NULL);
    } else if (!strcmp(c, "readlink")) {
        ssize_t n = readlink(a, buf, sizeof buf - 1);
        if (n >= 0) buf[n] = 0;
        result(n >= 0, buf);
    } else if (!strcmp(c, "stat") || !strcmp(c, "lstat")) {
        int r = c[0] == 's' ? stat(a, &st) : lstat(a, &st);
        if (r == 0) snprintf(buf, sizeof buf, "%s %lld", type_of(st.st_mode), (long long)st.st_size);
        result(r == 0, buf);
    } else if (!strcmp(c, "ls")) {
        DIR *d = opendir(a);
        char *names[256];
        int n = 0;
        struct dirent *e;
        while (d && (e = readdir(d)) && n < 256)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
        if (d) closedir(d);
        qsort(names, n, sizeof names[0], cmp);
        for (int i = 0; i < n; i++) {
            strncat(buf, i ? " " : "", sizeof buf - strlen(buf) - 1);
            strncat(buf, names[i], sizeof buf - strlen(buf) - 1);
            free(names[i]);
        }
        result(d != NULL, buf);
    } else if (!strcmp(c, "touch")) {
        struct timespec ts[2] = {{atoll(b), 0}, {atoll(b), 0}};
        result(utimensat(AT_FDCWD, a, ts, 0) == 0, NULL);
    } else if (!strcmp(c, "truncate")) {
        result(truncate(a, atoll(b)) == 0, NULL);
    } else if (!strcmp(c, "raw_open")) {
        __wasi_fd_t fd;
        __wasi_lookupflags_t lf = has(argc, argv, "follow") ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0;
        __wasi_oflags_t of = has(argc, argv, "creat") ? __WASI_OFLAGS_CREAT : 0;
        __wasi_errno_t e = __wasi_path_open(SANDBOX_FD, lf, a, of, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
        if (e == 0) {
            __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
            __wasi_size_t n = 0;
            if (__wasi_fd_read(fd, &iov, 1, &n) != 0) n = 0;
            buf[n] = 0;
            if (__wasi_fd_close(fd) != 0) printf("(close failed) ");
        }
        raw(e, buf);
    } else if (!strcmp(c, "raw_stat")) {
        __wasi_filestat_t fs;
        __wasi_lookupflags_t lf = has(argc, argv, "follow") ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0;
        __wasi_errno_t e = __wasi_path_filestat_get(SANDBOX_FD, lf, a, &fs);
        if (e == 0) snprintf(buf, sizeof buf, "type %d size %llu", fs.filetype, (unsigned long long)fs.size);
        raw(e, buf);
    } else if (!strcmp(c, "raw_mkdir")) {
        raw(__wasi_path_create_directory(SANDBOX_FD, a), NULL);
    } else if (!strcmp(c, "raw_unlink")) {
        raw(__wasi_path_unlink_file(SANDBOX_FD, a), NULL);
    } else if (!strcmp(c, "raw_symlink")) {
        raw(__wasi_path_symlink(a, SANDBOX_FD, b), NULL);
    } else if (!strcmp(c, "raw_rename")) {
        raw(__wasi_path_rename(SANDBOX_FD, a, SANDBOX_FD, b), NULL);
    } else if (!strcmp(c, "raw_link")) {
        raw(__wasi_path_link(SANDBOX_FD, 0, a, SANDBOX_FD, b), NULL);
    } else {
        printf("unknown command\n");
    }
}

int main(int argc, char **argv) {
    int start = 1;
    for (int i = 1; i <= argc; i++) {
        if (i == argc || !strcmp(argv[i], ";")) {
            if (i > start) run(i - start, argv + start);
            start = i + 1;
        }
    }
    return 0;
}
