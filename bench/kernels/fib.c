/* fib.c - recursion: the naive Fibonacci, one call per node (worst case for
 * per-call guards). run(n) returns fib(n). */
__attribute__((noinline)) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((export_name("run"), noinline)) int run(int n) { return fib(n); }

/* bench() is run(32), fib(32) = 2178309: the same work without arguments, for
 * runners that cannot pass any (wabt's wasm-interp --run-all-exports). */
__attribute__((export_name("bench"))) int bench(void) { return run(32); }
