/**
 * Why i64 arithmetic uses BigInt64Array slots while i64 comparisons, shifts
 * and bit counts use two int32 halves (README.md, "i64").
 *
 *     deno bench runtime/interp/i64_bench.ts
 *
 * Each benchmark runs one operation 100 000 times on values stored in a
 * typed-array frame, as the interpreter's handlers do.
 */

const buf = new ArrayBuffer(64);
const I32 = new Int32Array(buf);
const I64 = new BigInt64Array(buf);
const U64 = new BigUint64Array(buf);
const N = 100_000;

function seed(): void {
  I64[0] = 0x0123456789abcdefn;
  I64[1] = -0x00fedcba98765432n;
  I32[4] = 13;
}

for (
  const [group, cases] of Object.entries({
    "add": {
      "BigInt64Array slots": () => {
        for (let i = 0; i < N; i++) I64[2] = I64[0] + I64[1];
      },
      "int32 halves": () => {
        for (let i = 0; i < N; i++) {
          const lo = (I32[0] + I32[2]) | 0;
          const carry = lo >>> 0 < I32[0] >>> 0 ? 1 : 0;
          I32[5] = (I32[1] + I32[3] + carry) | 0;
          I32[4] = lo;
        }
      },
      "BigInt values": () => {
        let a = I64[0];
        const b = I64[1];
        for (let i = 0; i < N; i++) a = BigInt.asIntN(64, a + b);
        I64[2] = a;
      },
    },
    "mul": {
      "BigInt64Array slots": () => {
        for (let i = 0; i < N; i++) I64[2] = I64[0] * I64[1];
      },
      "int32 halves": () => {
        for (let i = 0; i < N; i++) {
          const al = I32[0], ah = I32[1], bl = I32[2], bh = I32[3];
          const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
          const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
          const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
          I32[4] = (mid << 16) | (p00 & 0xffff);
          I32[5] = (Math.imul(a1, b1) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) +
            Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
        }
      },
    },
    "lt_u": {
      "BigUint64Array slots": () => {
        for (let i = 0; i < N; i++) I32[6] = U64[0] < U64[1] ? 1 : 0;
      },
      "int32 halves": () => {
        for (let i = 0; i < N; i++) {
          const ah = I32[1] >>> 0, bh = I32[3] >>> 0;
          I32[6] = ah < bh || (ah === bh && I32[0] >>> 0 < I32[2] >>> 0) ? 1 : 0;
        }
      },
    },
    "shl by a variable count": {
      "BigInt64Array slots": () => {
        for (let i = 0; i < N; i++) I64[2] = I64[0] << BigInt(I32[4] & 63);
      },
      "int32 halves": () => {
        for (let i = 0; i < N; i++) {
          const k = I32[4] & 63;
          let lo = I32[0], hi = I32[1];
          if (k >= 32) {
            hi = lo << (k - 32);
            lo = 0;
          } else if (k !== 0) {
            hi = (hi << k) | (lo >>> (32 - k));
            lo <<= k;
          }
          I32[4 + 0] = I32[4]; // keep the count
          I32[6] = lo;
          I32[7] = hi;
        }
      },
    },
  })
) {
  for (const [name, fn] of Object.entries(cases)) {
    Deno.bench({
      name: `${group}: ${name}`,
      group,
      baseline: name.startsWith("int32"),
      fn() {
        seed();
        fn();
      },
    });
  }
}
