// Recursion: calls and returns dominate.
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((export_name("bench"))) int bench(void) { return fib(30); }
