// Ways a program ends.
//   exit return N     main returns N
//   exit exit N       exit(N) after buffered stdout output (must be flushed)
//   exit _exit N      _Exit(N): proc_exit without flushing stdio
//   exit trap         an unreachable instruction (abort)
//   exit raise SIG    proc_raise(SIG) (WASI signal numbers)
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int proc_raise(int sig);

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "return";
    int n = argc > 2 ? atoi(argv[2]) : 0;
    printf("before %s", how);  // no newline: stays in stdio's buffer
    if (!strcmp(how, "exit")) exit(n);
    if (!strcmp(how, "_exit")) _Exit(n);
    if (!strcmp(how, "trap")) abort();
    if (!strcmp(how, "raise")) {
        fflush(stdout);
        int e = proc_raise(n);
        printf(": proc_raise returned %d\n", e);
        return 0;
    }
    printf("\n");
    return n;
}
