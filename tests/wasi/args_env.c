// Prints the command line and the environment, then looks a few variables up.
//   args_env [ARGS...]          exit code: number of arguments
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    int n = 0;
    for (char **e = environ; *e; e++) printf("env[%d]=%s\n", n++, *e);
    printf("envc=%d\n", n);
    const char *home = getenv("HOME");
    printf("HOME=%s\n", home ? home : "(unset)");
    const char *empty = getenv("EMPTY");
    printf("EMPTY=%s\n", empty ? (*empty ? empty : "(empty)") : "(unset)");
    return argc - 1;
}
