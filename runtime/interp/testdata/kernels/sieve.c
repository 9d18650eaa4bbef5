// Memory loops: byte loads and stores over a 1 MB array, repeated.
static unsigned char flags[1 << 20];
__attribute__((export_name("bench"))) int bench(void) {
  int count = 0;
  for (int rep = 0; rep < 2; rep++) {
    for (int i = 0; i < (1 << 20); i++) flags[i] = (unsigned char)(rep + 1);
    count = 0;
    for (int i = 2; i < (1 << 20); i++) {
      if (flags[i]) {
        count++;
        for (int k = i + i; k < (1 << 20); k += i) flags[k] = 0;
      }
    }
  }
  return count;
}
