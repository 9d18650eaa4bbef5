// Clocks, sleeping, poll, sched_yield, random.
//   clocks_poll          self-checks (stdin: a line arriving after a delay)
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static int64_t ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(void) {
    struct timespec res;
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
              res.tv_nsec <= 1000000,
          "monotonic resolution %ld ns", (long)res.tv_nsec);
    CHECK(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_nsec > 0, "realtime resolution");
    int64_t m0 = ns(CLOCK_MONOTONIC), m1 = ns(CLOCK_MONOTONIC);
    CHECK(m1 >= m0, "monotonic does not go back");
    int64_t r = ns(CLOCK_REALTIME);
    printf("realtime %lld\n", (long long)(r / 1000000000));
    CHECK(r > (int64_t)1600000000 * 1000000000, "realtime is after 2020");
    int64_t c0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    volatile uint64_t x = 1;
    for (int i = 0; i < 20000000; i++) x = x * 6364136223846793005ULL + 1;
    int64_t c1 = ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK(c1 > c0, "process CPU time advances with work (%lld ns)", (long long)(c1 - c0));
    CHECK(ns(CLOCK_THREAD_CPUTIME_ID) > 0, "thread CPU time");

    int64_t t0 = ns(CLOCK_MONOTONIC);
    struct timespec d = {0, 50 * 1000000};
    CHECK(nanosleep(&d, NULL) == 0, "nanosleep 50 ms");
    int64_t slept = ns(CLOCK_MONOTONIC) - t0;
    CHECK(slept >= 49 * 1000000 && slept < 2000 * 1000000LL, "slept %lld ms", (long long)(slept / 1000000));
    t0 = ns(CLOCK_MONOTONIC);
    CHECK(usleep(20000) == 0 && ns(CLOCK_MONOTONIC) - t0 >= 19 * 1000000, "usleep 20 ms");

    // stdin: the test feeds a line after ~100 ms.
    struct pollfd p = {.fd = 0, .events = POLLIN};
    t0 = ns(CLOCK_MONOTONIC);
    CHECK(poll(&p, 1, 10) == 0 && p.revents == 0, "poll stdin with a 10 ms timeout: nothing yet");
    CHECK(ns(CLOCK_MONOTONIC) - t0 >= 9 * 1000000, "poll waited its timeout");
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "poll stdin until the line arrives");
    char line[64];
    ssize_t n = read(0, line, sizeof line - 1);
    CHECK(n > 0, "read the line (%d bytes)", (int)n);
    struct pollfd out = {.fd = 1, .events = POLLOUT};
    CHECK(poll(&out, 1, 0) == 1 && (out.revents & POLLOUT), "stdout is writable");

    CHECK(sched_yield() == 0, "sched_yield");
    unsigned char a[64] = {0}, b[64] = {0};
    CHECK(getentropy(a, sizeof a) == 0 && getentropy(b, sizeof b) == 0 && memcmp(a, b, sizeof a) != 0,
          "getentropy twice gives different bytes");
    uint32_t r1 = arc4random(), r2 = arc4random();
    CHECK(r1 != r2 || arc4random() != r1, "arc4random");
    printf("%d failures\n", failures);
    return failures;
}
