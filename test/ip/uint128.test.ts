import * as fc from 'fast-check';
import { addPowerOfTwo, compareWords, copyWords, spanExponent, subtractWords, trailingZeroBits } from '../../src/private/ip/uint128';

// The IPv6 bulk merge does its arithmetic on four 32-bit words instead of BigInt. Each operation must agree with
// BigInt on every 128-bit value, at any offset in a shared buffer (the merge keeps many addresses in one array).

const MAX = (1n << 128n) - 1n;
/** 128-bit values with many all-zero and all-one words, where carries and borrows cross word boundaries. */
const word = fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.constant(0x80000000), fc.constant(1), fc.integer({ min: 0, max: 0xffffffff }));
const value = fc.tuple(word, word, word, word).map(([a, b, c, d]) => (BigInt(a) << 96n) | (BigInt(b) << 64n) | (BigInt(c) << 32n) | BigInt(d));

/** `value` written at `offset` of a buffer whose other words are garbage, so a wrong offset reads the wrong words. */
function wordsAt(v: bigint, offset: number): Uint32Array {
  const buffer = new Uint32Array(offset + 8).fill(0xdeadbeef);
  for (let i = 0; i < 4; i++) {
    buffer[offset + i] = Number((v >> BigInt(96 - 32 * i)) & 0xffffffffn);
  }
  return buffer;
}

function read(words: Uint32Array, offset: number): bigint {
  let v = 0n;
  for (let i = 0; i < 4; i++) {
    v = (v << 32n) | BigInt(words[offset + i]);
  }
  return v;
}

const offset = fc.integer({ min: 0, max: 5 });

describe('128-bit word arithmetic agrees with BigInt', () => {
  test('compareWords orders values as BigInt does', () => {
    fc.assert(fc.property(value, value, offset, offset, (a, b, aOffset, bOffset) => {
      // GIVEN two values at different offsets  WHEN compared  THEN the sign of a - b, and 0 for a value against itself
      expect(compareWords(wordsAt(a, aOffset), aOffset, wordsAt(b, bOffset), bOffset)).toBe(a < b ? -1 : a > b ? 1 : 0);
      expect(compareWords(wordsAt(a, aOffset), aOffset, wordsAt(a, bOffset), bOffset)).toBe(0);
    }), { numRuns: 500 });
  });

  test('addPowerOfTwo adds 2^e, and reports a sum that does not fit 128 bits', () => {
    fc.assert(fc.property(value, fc.integer({ min: 0, max: 130 }), offset, (v, exponent, at) => {
      // GIVEN a value and an exponent  WHEN 2^exponent is added in place
      const words = wordsAt(v, at);
      const fits = addPowerOfTwo(words, at, exponent);
      // THEN it fits exactly when the BigInt sum does, and then the words hold the sum; the words around are untouched
      const sum = v + (1n << BigInt(exponent));
      expect(fits).toBe(sum <= MAX);
      if (fits) {
        expect(read(words, at)).toBe(sum);
      }
      expect(words[at + 4]).toBe(0xdeadbeef);
      if (at > 0) {
        expect(words[at - 1]).toBe(0xdeadbeef);
      }
    }), { numRuns: 1000 });
  });

  test.each<[bigint, number, bigint | undefined]>([
    [0xffffffffn, 0, 1n << 32n],
    [MAX - 1n, 0, MAX],
    [MAX, 0, undefined],
    [0n, 127, 1n << 127n],
    [1n << 127n, 127, undefined],
    [0n, 128, undefined],
    [(1n << 96n) - 1n, 0, 1n << 96n],
  ])('addPowerOfTwo(%p, 2^%p) is %p', (v, exponent, expected) => {
    // GIVEN the carries across every word and the overflow out of the top one
    const words = wordsAt(v, 1);
    expect(addPowerOfTwo(words, 1, exponent)).toBe(expected !== undefined);
    if (expected !== undefined) {
      expect(read(words, 1)).toBe(expected);
    }
  });

  test('subtractWords computes a - b for a >= b, borrowing across words', () => {
    fc.assert(fc.property(value, value, offset, offset, (x, y, aOffset, bOffset) => {
      const [a, b] = x >= y ? [x, y] : [y, x];
      const out = new Uint32Array(4);
      subtractWords(wordsAt(a, aOffset), aOffset, wordsAt(b, bOffset), bOffset, out);
      expect(read(out, 0)).toBe(a - b);
    }), { numRuns: 1000 });
    const out = new Uint32Array(4);
    subtractWords(wordsAt(1n << 96n, 0), 0, wordsAt(1n, 0), 0, out);
    expect(read(out, 0)).toBe((1n << 96n) - 1n);
  });

  test('trailingZeroBits is the alignment of an address, 128 for zero', () => {
    fc.assert(fc.property(value, offset, (v, at) => {
      let zeros = 0;
      while (zeros < 128 && ((v >> BigInt(zeros)) & 1n) === 0n) {
        zeros++;
      }
      expect(trailingZeroBits(wordsAt(v, at), at)).toBe(zeros);
    }), { numRuns: 500 });
    expect(trailingZeroBits(wordsAt(1n << 127n, 0), 0)).toBe(127);
    expect(trailingZeroBits(wordsAt(0n, 0), 0)).toBe(128);
  });

  test('spanExponent is floor(log2(value + 1))', () => {
    fc.assert(fc.property(value, (v) => {
      const span = v + 1n;
      expect(spanExponent(wordsAt(v, 0))).toBe(span.toString(2).length - 1);
    }), { numRuns: 500 });
    expect(spanExponent(wordsAt(MAX, 0))).toBe(128);
    expect(spanExponent(wordsAt(0n, 0))).toBe(0);
  });

  test('copyWords copies the four words between offsets', () => {
    const to = new Uint32Array(8);
    copyWords(wordsAt(0x0102030405060708090a0b0c0d0e0f10n, 3), 3, to, 2);
    expect(read(to, 2)).toBe(0x0102030405060708090a0b0c0d0e0f10n);
  });
});
