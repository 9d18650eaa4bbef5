// Directories, readdir, symlinks, renames and links through wasi-libc.
// Run with a writable preopen mapped at /sandbox.
// Prints ok/FAIL per check; the exit code is the number of failures.
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define P(name) "/sandbox/" name

static void touch(const char *path, const char *text) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd >= 0) {
        if (write(fd, text, strlen(text)) < 0) perror("write");
        close(fd);
    }
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Lists a directory sorted, into `out` ("name:type name:type ...").
static int list(const char *path, char *out, size_t cap) {
    DIR *d = opendir(path);
    if (!d) return -1;
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        char buf[300];
        const char *t = e->d_type == DT_DIR ? "d" : e->d_type == DT_REG ? "f" : e->d_type == DT_LNK ? "l" : "?";
        snprintf(buf, sizeof buf, "%s:%s", e->d_name, t);
        names[n++] = strdup(buf);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i) strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, names[i], cap - strlen(out) - 1);
        free(names[i]);
    }
    return n;
}

static void directories(void) {
    struct stat st;
    char buf[4096];
    CHECK(mkdir(P("d"), 0755) == 0, "mkdir d");
    CHECK_ERR(mkdir(P("d"), 0755), EEXIST, "mkdir d again");
    CHECK_ERR(mkdir(P("missing/x"), 0755), ENOENT, "mkdir under a missing directory");
    CHECK(mkdir(P("d/sub/"), 0755) == 0, "mkdir with a trailing slash");
    CHECK(stat(P("d/sub"), &st) == 0 && S_ISDIR(st.st_mode), "stat: a directory");
    touch(P("d/a"), "AAA");
    touch(P("d/b"), "BB");
    CHECK(list(P("d"), buf, sizeof buf) == 5 && strcmp(buf, "..:d .:d a:f b:f sub:d") == 0,
          "readdir d: %s", buf);
    CHECK(list(P("d/sub"), buf, sizeof buf) == 2 && strcmp(buf, "..:d .:d") == 0, "readdir empty dir");
    CHECK_ERR(rmdir(P("d")), ENOTEMPTY, "rmdir a non-empty directory");
    CHECK_ERR(rmdir(P("d/a")), ENOTDIR, "rmdir a file");
    CHECK_ERR(unlink(P("d/sub")), EISDIR, "unlink a directory");
    CHECK_ERR(opendir(P("d/a")), ENOTDIR, "opendir a file");
    CHECK(stat(P("d/sub/../a"), &st) == 0 && st.st_size == 3, "d/sub/../a");
    CHECK(stat(P("d/./sub/."), &st) == 0 && S_ISDIR(st.st_mode), "d/./sub/.");
    CHECK(stat(P("d/"), &st) == 0 && S_ISDIR(st.st_mode), "d/ (trailing slash on a directory)");
    CHECK_ERR(stat(P("d/a/"), &st), ENOTDIR, "d/a/ (trailing slash on a file)");
    CHECK_ERR(rmdir(P("d/sub/.")), EINVAL, "rmdir d/sub/.");
}

static void many_entries(void) {
    char path[64], buf[16384];
    CHECK(mkdir(P("many"), 0755) == 0, "mkdir many");
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, P("many/file-with-a-longish-name-%03d"), i);
        touch(path, "");
    }
    // 302 entries of ~50 bytes do not fit one fd_readdir buffer: cookies carry on.
    DIR *d = opendir(P("many"));
    int n = 0, seen[300] = {0}, dup = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        n++;
        int k;
        if (sscanf(e->d_name, "file-with-a-longish-name-%d", &k) == 1 && k >= 0 && k < 300) dup |= seen[k]++;
    }
    CHECK(n == 302 && !dup, "readdir of 300 files: %d entries, no duplicates", n);
    rewinddir(d);
    int again = 0;
    while (readdir(d)) again++;
    CHECK(again == 302, "rewinddir and read again: %d", again);
    // telldir/seekdir go through cookies.
    rewinddir(d);
    for (int i = 0; i < 100; i++) readdir(d);
    long pos = telldir(d);
    char name[300];
    e = readdir(d);
    snprintf(name, sizeof name, "%s", e ? e->d_name : "");
    for (int i = 0; i < 50; i++) readdir(d);
    seekdir(d, pos);
    e = readdir(d);
    CHECK(e && strcmp(e->d_name, name) == 0, "seekdir back to entry 101 (%s)", name);
    closedir(d);
    (void)buf;
}

static void symlinks(void) {
    struct stat st;
    char buf[256];
    CHECK(symlink("a", P("d/link")) == 0, "symlink d/link -> a");
    ssize_t n = readlink(P("d/link"), buf, sizeof buf);
    CHECK(n == 1 && buf[0] == 'a', "readlink d/link");
    CHECK(readlink(P("d/link"), buf, 0) <= 0, "readlink into an empty buffer");
    CHECK_ERR(readlink(P("d/a"), buf, sizeof buf), EINVAL, "readlink a file");
    CHECK(lstat(P("d/link"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 1, "lstat: a symlink of size 1");
    CHECK(stat(P("d/link"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 3, "stat follows it");
    int fd = open(P("d/link"), O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 3 && memcmp(buf, "AAA", 3) == 0, "open through the link");
    close(fd);
    CHECK_ERR(open(P("d/link"), O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a symlink");
    CHECK(symlink("sub", P("d/dlink")) == 0, "symlink to a directory");
    touch(P("d/dlink/inner"), "in");
    CHECK(stat(P("d/sub/inner"), &st) == 0, "a file created through the directory link");
    CHECK(list(P("d/dlink"), buf, sizeof buf) == 3, "opendir through the link: %s", buf);
    CHECK(symlink("../sub/../a", P("d/sub/up")) == 0 && stat(P("d/sub/up"), &st) == 0 && st.st_size == 3,
          "a relative link with .. that stays inside");
    CHECK(symlink("nowhere", P("d/dangling")) == 0, "dangling symlink");
    CHECK_ERR(stat(P("d/dangling"), &st), ENOENT, "stat a dangling link");
    CHECK(lstat(P("d/dangling"), &st) == 0 && S_ISLNK(st.st_mode), "lstat a dangling link");
    fd = open(P("d/dangling"), O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && stat(P("d/nowhere"), &st) == 0, "O_CREAT through a dangling link creates its target");
    close(fd);
    CHECK_ERR(open(P("d/link"), O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST, "O_CREAT|O_EXCL on a symlink");
    CHECK(symlink("loop2", P("d/loop1")) == 0 && symlink("loop1", P("d/loop2")) == 0, "a symlink loop");
    CHECK_ERR(open(P("d/loop1"), O_RDONLY), ELOOP, "open a symlink loop");
    CHECK_ERR(symlink("x", P("d/a")), EEXIST, "symlink onto an existing name");
    CHECK_ERR(symlink("x", P("d/newlink/")), ENOENT, "symlink with a trailing slash");
    CHECK(unlink(P("d/link")) == 0 && stat(P("d/a"), &st) == 0, "unlink removes the link, not the target");
    struct timespec ts[2] = {{1500000000, 0}, {1500000000, 0}};
    CHECK(utimensat(AT_FDCWD, P("d/dangling"), ts, AT_SYMLINK_NOFOLLOW) == 0 &&
              lstat(P("d/dangling"), &st) == 0 && st.st_mtim.tv_sec == 1500000000,
          "utimensat AT_SYMLINK_NOFOLLOW sets the link's own time");
}

static void renames_and_links(void) {
    struct stat st, st2;
    char buf[4096];
    CHECK(rename(P("d/b"), P("d/sub/b2")) == 0 && stat(P("d/sub/b2"), &st) == 0, "move a file into a subdirectory");
    CHECK(mkdir(P("e"), 0755) == 0 && rename(P("e"), P("d/sub/e")) == 0, "move a directory");
    CHECK_ERR(rename(P("d"), P("d/sub/inside")), EINVAL, "move a directory into itself");
    CHECK_ERR(rename(P("d/sub"), P("d/a")), ENOTDIR, "a directory over a file");
    CHECK_ERR(rename(P("d/a"), P("d/sub")), EISDIR, "a file over a directory");
    CHECK(mkdir(P("empty"), 0755) == 0 && rename(P("d/sub/e"), P("empty")) == 0, "a directory over an empty one");
    CHECK_ERR(rename(P("nope"), P("x")), ENOENT, "rename a missing file");
    CHECK_ERR(rename(P("d/a/"), P("d/a2")), ENOTDIR, "rename a file with a trailing slash");
    CHECK(link(P("d/a"), P("d/hard")) == 0 && stat(P("d/a"), &st) == 0 && stat(P("d/hard"), &st2) == 0 &&
              st.st_ino == st2.st_ino && st.st_nlink == 2,
          "hard link: same inode, nlink 2");
    CHECK_ERR(link(P("d/sub"), P("d/sublink")), EPERM, "hard link to a directory");
    CHECK_ERR(link(P("d/none"), P("d/x")), ENOENT, "hard link to a missing file");
    CHECK(list(P("d"), buf, sizeof buf) > 0, "final d: %s", buf);
}

int main(void) {
    directories();
    many_entries();
    symlinks();
    renames_and_links();
    printf("%d failures\n", failures);
    return failures;
}
