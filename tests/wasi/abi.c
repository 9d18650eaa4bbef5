// The WASI ABI called directly (no libc in between): pointers outside memory,
// rights, descriptor numbering, prestat, readdir cookies and truncation, seek
// whence values, filestat flags, poll_oneoff, argument checks.
// Run with a writable preopen at fd 3 named "/sandbox"; stdin empty.
// Prints ok/FAIL per check; the exit code is the number of failures.
#include <stdint.h>
#include <stdlib.h>
#include <wasi/api.h>

#include "common.h"

#define BAD ((void *)0xfffffff0u) /* far beyond any memory this program has */
#define DIR 3

#define E(call, want, ...)                                                                   \
    do {                                                                                     \
        __wasi_errno_t e_ = (call);                                                          \
        if (e_ == (want)) printf("ok   ");                                                   \
        else {                                                                               \
            failures++;                                                                      \
            printf("FAIL (line %d: %s, want %s) ", __LINE__, errname(e_), errname(want));    \
        }                                                                                    \
        printf(__VA_ARGS__);                                                                 \
        printf(" -> %s\n", errname(want));                                                   \
    } while (0)

// Raw imports taking (pointer, length) for paths, so a bad pointer reaches the host
// (wasi-libc's wrappers call strlen on it first).
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_create_directory")))
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t len);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t out);

static const __wasi_rights_t RW = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                  __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |
                                  __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |
                                  __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_POLL_FD_READWRITE;

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t of, __wasi_rights_t rights) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    __wasi_errno_t e = __wasi_path_open(DIR, 0, path, of, rights, 0, 0, &fd);
    if (e) printf("(open %s: %s) ", path, errname(e));
    return fd;
}

static void faults(void) {
    __wasi_size_t a, b;
    __wasi_ciovec_t bad_iov = {BAD, 4};
    __wasi_iovec_t bad_riov = {BAD, 4};
    char buf[16];
    __wasi_ciovec_t ok_iov = {(const uint8_t *)"x", 1};
    E(__wasi_args_sizes_get(BAD, &b), __WASI_ERRNO_FAULT, "args_sizes_get with a bad pointer");
    E(__wasi_args_get(BAD, BAD), __WASI_ERRNO_FAULT, "args_get with bad pointers");
    E(__wasi_environ_sizes_get(&a, BAD), __WASI_ERRNO_FAULT, "environ_sizes_get with a bad pointer");
    E(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BAD), __WASI_ERRNO_FAULT, "clock_time_get into a bad pointer");
    E(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, BAD), __WASI_ERRNO_FAULT, "clock_res_get into a bad pointer");
    E(__wasi_random_get(BAD, 16), __WASI_ERRNO_FAULT, "random_get into a bad buffer");
    E(__wasi_fd_write(1, &bad_iov, 1, &a), __WASI_ERRNO_FAULT, "fd_write of a bad buffer");
    E(__wasi_fd_write(1, BAD, 1, &a), __WASI_ERRNO_FAULT, "fd_write of a bad iovec array");
    E(__wasi_fd_write(1, &ok_iov, 1, BAD), __WASI_ERRNO_FAULT, "fd_write with a bad nwritten pointer");
    E(__wasi_fd_read(0, &bad_riov, 1, &a), __WASI_ERRNO_FAULT, "fd_read into a bad buffer");
    E(__wasi_fd_fdstat_get(1, BAD), __WASI_ERRNO_FAULT, "fd_fdstat_get into a bad pointer");
    E(__wasi_fd_prestat_get(DIR, BAD), __WASI_ERRNO_FAULT, "fd_prestat_get into a bad pointer");
    E(__wasi_fd_prestat_dir_name(DIR, BAD, 8), __WASI_ERRNO_FAULT, "fd_prestat_dir_name into a bad buffer");
    E(raw_path_create_directory(DIR, (int32_t)BAD, 4), __WASI_ERRNO_FAULT, "a path at a bad pointer");
    E(raw_path_create_directory(DIR, 1024, 0x7fffffff), __WASI_ERRNO_FAULT, "a path longer than memory");
    E(raw_path_open(DIR, 0, (int32_t) "x", 1, 0, 0, 0, 0, (int32_t)BAD), __WASI_ERRNO_FAULT,
      "path_open with a bad result pointer");
    E(__wasi_fd_readdir(DIR, BAD, 64, 0, &a), __WASI_ERRNO_FAULT, "fd_readdir into a bad buffer");
    E(__wasi_poll_oneoff(BAD, (void *)buf, 1, &a), __WASI_ERRNO_FAULT, "poll_oneoff with bad subscriptions");
    __wasi_filestat_t fs;
    E(__wasi_path_filestat_get(DIR, 0, ".", BAD), __WASI_ERRNO_FAULT, "path_filestat_get into a bad pointer");
    E(__wasi_fd_filestat_get(DIR, BAD), __WASI_ERRNO_FAULT, "fd_filestat_get into a bad pointer");
    (void)fs;
}

static void rights(void) {
    __wasi_fd_t fd = open_file("rights.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW);
    __wasi_fdstat_t st;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_ciovec_t iov = {(const uint8_t *)"abc", 3};
    E(__wasi_fd_fdstat_get(fd, &st), 0, "fdstat of a new file");
    CHECK(st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE && st.fs_rights_base == RW, "filetype and rights as asked");
    E(__wasi_fd_write(fd, &iov, 1, &n), 0, "write with FD_WRITE");
    E(__wasi_fd_fdstat_set_rights(fd, RW & ~__WASI_RIGHTS_FD_WRITE, 0), 0, "drop FD_WRITE");
    E(__wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_BADF, "write without FD_WRITE");
    E(__wasi_fd_fdstat_set_rights(fd, RW, 0), __WASI_ERRNO_NOTCAPABLE, "rights cannot be added back");
    E(__wasi_fd_fdstat_set_rights(fd, RW & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK), 0), 0, "drop FD_SEEK");
    E(__wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE, "seek without FD_SEEK");
    E(__wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos), 0, "a tell-only seek needs FD_TELL only");
    E(__wasi_fd_tell(fd, &pos), 0, "fd_tell");
    CHECK(pos == 3, "position 3");
    E(__wasi_fd_sync(fd), __WASI_ERRNO_NOTCAPABLE, "fd_sync without FD_SYNC");
    E(__wasi_fd_close(fd), 0, "close");

    // A directory descriptor limited to opening files read-only.
    __wasi_fd_t sub;
    E(__wasi_path_create_directory(DIR, "limited"), 0, "mkdir limited");
    E(__wasi_path_open(DIR, 0, "limited", __WASI_OFLAGS_DIRECTORY,
                       __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR, __WASI_RIGHTS_FD_READ, 0, &sub),
      0, "open a directory with restricted rights");
    E(__wasi_path_open(sub, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd),
      __WASI_ERRNO_NOTCAPABLE, "creating needs PATH_CREATE_FILE");
    E(__wasi_path_create_directory(sub, "x"), __WASI_ERRNO_NOTCAPABLE, "mkdir needs PATH_CREATE_DIRECTORY");
    __wasi_fd_t f2 = open_file("limited/r.txt", __WASI_OFLAGS_CREAT, RW);
    E(__wasi_fd_close(f2), 0, "(create limited/r.txt through fd 3)");
    E(__wasi_path_open(sub, 0, "r.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE,
      "rights beyond the directory's inheriting set");
    E(__wasi_path_open(sub, 0, "r.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0, "rights within it");
    E(__wasi_fd_close(fd), 0, "close");
    E(__wasi_fd_close(sub), 0, "close the directory");
}

static void numbering(void) {
    __wasi_fd_t a = open_file("n1.txt", __WASI_OFLAGS_CREAT, RW);
    __wasi_fd_t b = open_file("n2.txt", __WASI_OFLAGS_CREAT, RW);
    CHECK(b == a + 1, "descriptors are allocated in order (%u, %u)", a, b);
    E(__wasi_fd_close(a), 0, "close the first");
    __wasi_fd_t c = open_file("n3.txt", __WASI_OFLAGS_CREAT, RW);
    CHECK(c == a, "the lowest free number is reused (%u)", c);
    __wasi_ciovec_t iov = {(const uint8_t *)"third", 5};
    __wasi_size_t n;
    E(__wasi_fd_renumber(c, b), 0, "renumber n3 onto n2's number");
    E(__wasi_fd_write(b, &iov, 1, &n), 0, "write through the new number");
    E(__wasi_fd_close(c), __WASI_ERRNO_BADF, "the old number is closed");
    E(__wasi_fd_renumber(b, 77), __WASI_ERRNO_BADF, "renumber onto a closed number");
    E(__wasi_fd_renumber(77, b), __WASI_ERRNO_BADF, "renumber from a closed number");
    __wasi_filestat_t st;
    E(__wasi_path_filestat_get(DIR, 0, "n3.txt", &st), 0, "stat n3.txt");
    CHECK(st.size == 5, "the write went to n3.txt");
    E(__wasi_fd_close(b), 0, "close");
    E(__wasi_fd_close(12345), __WASI_ERRNO_BADF, "close a number never opened");
    E(__wasi_fd_fdstat_get((__wasi_fd_t)-1, &(__wasi_fdstat_t){0}), __WASI_ERRNO_BADF, "fdstat of fd -1");
}

static void prestat(void) {
    __wasi_prestat_t p;
    char name[64] = {0};
    E(__wasi_fd_prestat_get(DIR, &p), 0, "prestat of fd 3");
    CHECK(p.tag == __WASI_PREOPENTYPE_DIR && p.u.dir.pr_name_len == 8, "a directory named with 8 bytes");
    E(__wasi_fd_prestat_dir_name(DIR, (uint8_t *)name, 8), 0, "its name");
    CHECK(!strcmp(name, "/sandbox"), "named /sandbox (%s)", name);
    E(__wasi_fd_prestat_dir_name(DIR, (uint8_t *)name, 3), __WASI_ERRNO_NAMETOOLONG, "into a short buffer");
    E(__wasi_fd_prestat_get(1, &p), __WASI_ERRNO_BADF, "stdout is not a preopen");
    E(__wasi_fd_prestat_get(4, &p), __WASI_ERRNO_BADF, "fd 4 is not open");
}

static void readdir_cookies(void) {
    E(__wasi_path_create_directory(DIR, "rd"), 0, "mkdir rd");
    const char *names[] = {"rd/alpha", "rd/beta", "rd/gamma"};
    for (int i = 0; i < 3; i++) E(__wasi_fd_close(open_file(names[i], __WASI_OFLAGS_CREAT, RW)), 0, "create %s", names[i]);
    __wasi_fd_t d;
    E(__wasi_path_open(DIR, 0, "rd", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &d), 0, "open rd");
    uint8_t buf[1024];
    __wasi_size_t used;
    E(__wasi_fd_readdir(d, buf, sizeof buf, 0, &used), 0, "readdir all");
    // Walk the entries: 5 (., .., and 3 files), each 24 + name bytes.
    int count = 0;
    size_t total = 0;
    __wasi_dircookie_t third = 0;
    for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used; count++) {
        __wasi_dirent_t e;
        memcpy(&e, buf + off, sizeof e);
        if (count == 2) third = e.d_next - 1;
        off += sizeof e + e.d_namlen;
        total = off;
        CHECK(e.d_next == (uint64_t)count + 1, "entry %d has d_next %llu", count, (unsigned long long)e.d_next);
    }
    CHECK(count == 5 && total == used, "5 entries in %lu bytes", used);
    E(__wasi_fd_readdir(d, buf, 30, 0, &used), 0, "readdir into 30 bytes");
    CHECK(used == 30, "the buffer is filled, the last entry cut (used %lu)", used);
    E(__wasi_fd_readdir(d, buf, sizeof buf, third, &used), 0, "readdir from the third entry's cookie");
    int rest = 0;
    for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used; rest++) {
        __wasi_dirent_t e;
        memcpy(&e, buf + off, sizeof e);
        off += sizeof e + e.d_namlen;
    }
    CHECK(rest == 3, "3 entries from there (%d)", rest);
    E(__wasi_fd_readdir(d, buf, sizeof buf, 99, &used), 0, "readdir past the end");
    CHECK(used == 0, "nothing");
    E(__wasi_fd_readdir(1, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTCAPABLE, "readdir on stdout");
    E(__wasi_fd_close(d), 0, "close rd");
}

static void seek_and_times(void) {
    __wasi_fd_t fd = open_file("seek.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW);
    __wasi_ciovec_t iov = {(const uint8_t *)"0123456789", 10};
    __wasi_size_t n;
    __wasi_filesize_t pos;
    E(__wasi_fd_write(fd, &iov, 1, &n), 0, "write 10 bytes");
    E(__wasi_fd_seek(fd, 2, 0, &pos), 0, "whence 0 (SET) + 2");
    CHECK(pos == 2, "at 2");
    E(__wasi_fd_seek(fd, 3, 1, &pos), 0, "whence 1 (CUR) + 3");
    CHECK(pos == 5, "at 5");
    E(__wasi_fd_seek(fd, -1, 2, &pos), 0, "whence 2 (END) - 1");
    CHECK(pos == 9, "at 9");
    E(__wasi_fd_seek(fd, 0, 3, &pos), __WASI_ERRNO_INVAL, "whence 3");
    E(__wasi_fd_seek(fd, -20, 1, &pos), __WASI_ERRNO_INVAL, "before the start");
    E(__wasi_fd_seek(1, 0, 1, &pos), __WASI_ERRNO_NOTCAPABLE, "seek on stdout (no seek rights)");

    __wasi_filestat_t st;
    E(__wasi_fd_filestat_set_times(fd, 1000000000000000000ull, 1100000000000000000ull,
                                   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0, "set both times");
    E(__wasi_fd_filestat_set_times(fd, 0, 1200000000000000000ull, __WASI_FSTFLAGS_MTIM), 0, "set mtime only");
    E(__wasi_fd_filestat_get(fd, &st), 0, "filestat");
    CHECK(st.atim == 1000000000000000000ull && st.mtim == 1200000000000000000ull, "atime kept, mtime set");
    E(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW), 0, "atime now");
    __wasi_timestamp_t now;
    E(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now), 0, "realtime");
    E(__wasi_fd_filestat_get(fd, &st), 0, "filestat");
    CHECK(st.atim > now - 5000000000ull && st.atim <= now + 5000000000ull && st.mtim == 1200000000000000000ull,
          "atime is now, mtime kept");
    E(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL,
      "MTIM and MTIM_NOW together");
    E(__wasi_fd_filestat_set_times(fd, 0, 0, 1 << 7), __WASI_ERRNO_INVAL, "an unknown flag");
    E(__wasi_path_filestat_set_times(DIR, 0, "seek.txt", 0, 1300000000000000000ull, __WASI_FSTFLAGS_MTIM), 0,
      "path_filestat_set_times");
    E(__wasi_path_filestat_get(DIR, 0, "seek.txt", &st), 0, "path_filestat_get");
    CHECK(st.mtim == 1300000000000000000ull && st.size == 10 && st.nlink == 1, "mtime, size, nlink");

    E(__wasi_fd_fdstat_set_flags(fd, 1 << 9), __WASI_ERRNO_INVAL, "unknown fdflags");
    E(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP, "SYNC cannot be turned on");
    E(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 0, "APPEND can");
    E(__wasi_fd_advise(fd, 0, 10, 9), __WASI_ERRNO_NOTCAPABLE, "fd_advise without FD_ADVISE");
    E(__wasi_fd_close(fd), 0, "close");
    fd = open_file("seek.txt", 0, RW | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE);
    E(__wasi_fd_advise(fd, 0, 10, 9), __WASI_ERRNO_INVAL, "an unknown advice");
    E(__wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_WILLNEED), 0, "WILLNEED");
    E(__wasi_fd_allocate(fd, 0, 0), __WASI_ERRNO_INVAL, "allocate 0 bytes");
    E(__wasi_fd_allocate(fd, 100, 28), 0, "allocate up to 128");
    E(__wasi_fd_filestat_get(fd, &st), 0, "filestat");
    CHECK(st.size == 128, "size 128");
    E(__wasi_fd_close(fd), 0, "close");
}

static void paths(void) {
    __wasi_fd_t fd;
    E(__wasi_path_open(DIR, 0, "", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOENT, "an empty path");
    E(__wasi_path_open(DIR, 0, "/sandbox", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM, "an absolute path");
    E(__wasi_path_open(DIR, 0, "..", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM, "..");
    E(__wasi_path_open(DIR, 0, "rd/../..", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM, "rd/../..");
    E(__wasi_path_open(DIR, 0, "seek.txt/", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR, "a file with a trailing slash");
    E(__wasi_path_open(DIR, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd), 0, "\".\"");
    E(__wasi_fd_close(fd), 0, "close it");
    E(__wasi_path_open(1, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE, "path_open relative to stdout");
    E(__wasi_path_open(DIR, 0, "x", 1 << 5, 0, 0, 0, &fd), __WASI_ERRNO_INVAL, "unknown oflags");
    uint8_t bad_utf8[] = {'a', 0xff, 0};
    E(__wasi_path_open(DIR, 0, (const char *)bad_utf8, 0, 0, 0, 0, &fd), __WASI_ERRNO_ILSEQ, "a path that is not UTF-8");
    E(__wasi_path_symlink("seek.txt", DIR, "sl"), 0, "symlink sl -> seek.txt");
    uint8_t buf[4];
    __wasi_size_t used;
    E(__wasi_path_readlink(DIR, "sl", buf, sizeof buf, &used), 0, "readlink into 4 bytes");
    CHECK(used == 4 && !memcmp(buf, "seek", 4), "truncated to 4");
    E(__wasi_path_symlink("../../x", DIR, "rd/esc"), __WASI_ERRNO_PERM, "a symlink whose target climbs out");
    E(__wasi_path_symlink("../seek.txt", DIR, "rd/ok"), 0, "a symlink with .. that stays inside");
    E(__wasi_path_remove_directory(DIR, "."), __WASI_ERRNO_INVAL, "rmdir .");
    E(__wasi_path_unlink_file(DIR, "rd"), __WASI_ERRNO_ISDIR, "unlink a directory");
    E(__wasi_path_remove_directory(DIR, "sl"), __WASI_ERRNO_NOTDIR, "rmdir a symlink");
}

static void polling(void) {
    __wasi_subscription_t s[3];
    __wasi_event_t ev[3];
    __wasi_size_t n;
    memset(s, 0, sizeof s);
    E(__wasi_poll_oneoff(s, ev, 0, &n), __WASI_ERRNO_INVAL, "no subscriptions");
    s[0].userdata = 11;
    s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s[0].u.u.clock.timeout = 2000000000;
    s[1] = s[0];
    s[1].userdata = 22;
    s[1].u.u.clock.timeout = 5000000;
    __wasi_timestamp_t t0, t1;
    E(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0), 0, "monotonic");
    E(__wasi_poll_oneoff(s, ev, 2, &n), 0, "two clocks, 2 s and 5 ms");
    E(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1), 0, "monotonic");
    CHECK(n == 1 && ev[0].userdata == 22 && ev[0].type == __WASI_EVENTTYPE_CLOCK && ev[0].error == 0,
          "the 5 ms one fires first (n=%lu)", n);
    CHECK(t1 - t0 >= 4000000 && t1 - t0 < 2000000000, "after ~5 ms (%llu us)", (unsigned long long)((t1 - t0) / 1000));
    s[0].u.u.clock.timeout = t1 + 5000000;
    s[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    E(__wasi_poll_oneoff(s, ev, 1, &n), 0, "an absolute deadline");
    E(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0), 0, "monotonic");
    CHECK(n == 1 && t0 >= t1 + 4000000, "reached");
    s[0].u.u.clock.id = 99;
    s[0].u.u.clock.flags = 0;
    E(__wasi_poll_oneoff(s, ev, 1, &n), 0, "an unknown clock");
    CHECK(n == 1 && ev[0].error == __WASI_ERRNO_INVAL, "reported in the event");
    // A file is always ready: nbytes is what is left to read. A bad fd is an event error.
    __wasi_fd_t fd = open_file("seek.txt", 0, RW);
    memset(s, 0, sizeof s);
    s[0].userdata = 1;
    s[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    s[0].u.u.fd_read.file_descriptor = fd;
    s[1].userdata = 2;
    s[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    s[1].u.u.fd_write.file_descriptor = 1;
    s[2].userdata = 3;
    s[2].u.tag = __WASI_EVENTTYPE_FD_READ;
    s[2].u.u.fd_read.file_descriptor = 999;
    E(__wasi_poll_oneoff(s, ev, 3, &n), 0, "a file, stdout and a bad fd");
    CHECK(n == 3, "three events");
    CHECK(ev[0].userdata == 1 && ev[0].error == 0 && ev[0].fd_readwrite.nbytes == 128, "file readable, 128 bytes");
    CHECK(ev[1].userdata == 2 && ev[1].type == __WASI_EVENTTYPE_FD_WRITE && ev[1].error == 0, "stdout writable");
    CHECK(ev[2].userdata == 3 && ev[2].error == __WASI_ERRNO_BADF, "fd 999: BADF");
    s[0].u.tag = 7;
    E(__wasi_poll_oneoff(s, ev, 1, &n), __WASI_ERRNO_INVAL, "an unknown event type");
    E(__wasi_fd_close(fd), 0, "close");
}

static void misc(void) {
    __wasi_timestamp_t t;
    uint8_t buf[8];
    __wasi_size_t n;
    E(__wasi_clock_time_get(99, 1, &t), __WASI_ERRNO_INVAL, "an unknown clock");
    E(__wasi_clock_res_get(99, &t), __WASI_ERRNO_INVAL, "resolution of an unknown clock");
    E(__wasi_sched_yield(), 0, "sched_yield");
    E(__wasi_random_get(buf, 0), 0, "random_get of 0 bytes");
    __wasi_iovec_t iov = {buf, sizeof buf};
    E(__wasi_fd_read(DIR, &iov, 1, &n), __WASI_ERRNO_BADF, "fd_read on a directory");
    E(__wasi_fd_read(1, &iov, 1, &n), __WASI_ERRNO_BADF, "fd_read on stdout");
    E(__wasi_fd_read(0, &iov, 1, &n), 0, "fd_read on an empty stdin");
    CHECK(n == 0, "end of input");
    E(__wasi_fd_pread(0, &iov, 1, 0, &n), __WASI_ERRNO_SPIPE, "fd_pread on stdin");
    E(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTCAPABLE, "sock_shutdown on stdout");
    __wasi_roflags_t ro;
    E(__wasi_sock_recv(0, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK, "sock_recv on stdin");
    __wasi_fd_t fd;
    E(__wasi_sock_accept(DIR, 0, &fd), __WASI_ERRNO_NOTCAPABLE, "sock_accept on a directory");
    E(__wasi_fd_datasync(1), 0, "fd_datasync on stdout");
}

int main(void) {
    faults();
    rights();
    numbering();
    prestat();
    readdir_cookies();
    seek_and_times();
    paths();
    polling();
    misc();
    printf("%d failures\n", failures);
    return failures;
}
