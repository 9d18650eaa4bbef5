// Shared by the WASI test programs: errno names and self-checking macros.
// A program prints one line per check ("ok ..." or "FAIL ...") and exits with
// the number of failures, so a test can show exactly what broke.
#ifndef KWASM_TEST_COMMON_H
#define KWASM_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

// wasi-libc's errno values are WASI's errno numbers, so one table serves both.
static const char *const ERRNO_NAMES[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED",
    "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG",
    "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR",
    "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET",
    "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM",
    "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY",
    "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM",
    "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

static inline const char *errname(int e) {
    if (e >= 0 && e < (int)(sizeof ERRNO_NAMES / sizeof ERRNO_NAMES[0])) return ERRNO_NAMES[e];
    return "?";
}

static int failures = 0;

// CHECK(cond, description): prints ok/FAIL; on failure also the current errno.
#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        errno = 0;                                                         \
        if (cond) {                                                        \
            printf("ok   ");                                               \
        } else {                                                           \
            failures++;                                                    \
            printf("FAIL (line %d, errno %s) ", __LINE__, errname(errno)); \
        }                                                                  \
        printf(__VA_ARGS__);                                               \
        printf("\n");                                                      \
    } while (0)

// CHECK_ERR(expr, E, description): expr must fail (return -1 / NULL) with errno E.
#define CHECK_ERR(expr, E, ...)                                                        \
    do {                                                                               \
        errno = 0;                                                                     \
        long long r_ = (long long)(expr);                                              \
        int e_ = errno;                                                                \
        if (r_ == -1 || (r_ == 0 && e_ != 0)) {                                        \
            if (e_ == (E)) {                                                           \
                printf("ok   ");                                                       \
            } else {                                                                   \
                failures++;                                                            \
                printf("FAIL (line %d: errno %s, want %s) ", __LINE__, errname(e_),    \
                       errname(E));                                                    \
            }                                                                          \
        } else {                                                                       \
            failures++;                                                                \
            printf("FAIL (line %d: succeeded, want %s) ", __LINE__, errname(E));       \
        }                                                                              \
        printf(__VA_ARGS__);                                                           \
        printf(" -> %s\n", errname(E));                                                \
    } while (0)

#endif
