// i64 arithmetic: a 64-bit multiply-xorshift hash over words.
typedef unsigned long long u64;
__attribute__((export_name("bench"))) long long bench(void) {
  u64 h = 0x9e3779b97f4a7c15ull;
  for (u64 i = 0; i < 4000000; i++) {
    u64 x = i * 0xbf58476d1ce4e5b9ull;
    x ^= x >> 31;
    h ^= x;
    h *= 0x94d049bb133111ebull;
    h = (h << 27) | (h >> 37);
    h += i;
  }
  return (long long)h;
}
