// f64 arithmetic: naive matrix multiply, 120 x 120, repeated.
#define N 120
static double a[N][N], b[N][N], c[N][N];
__attribute__((export_name("bench"))) double bench(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (double)(i + j) / N;
      b[i][j] = (double)(i - j) / N;
    }
  double sum = 0;
  for (int rep = 0; rep < 4; rep++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        double s = 0;
        for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
        c[i][j] = s;
      }
    sum += c[rep][rep];
  }
  return sum;
}
