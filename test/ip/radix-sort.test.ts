import * as fc from 'fast-check';
import { LARGE_LAYOUT_MIN_KEYS, sortIndicesByWords, sortUint32Pairs, WIDE_FIRST_DIGIT_MIN_KEYS } from '../../src/private/ip/radix-sort';

/** Keys drawn from a few shapes that exercise skipped digits: full range, one /16, one /8, and tiny values. */
const keyOf = fc.oneof(
  fc.nat({ max: 0xffffffff }),
  fc.nat({ max: 0xffff }).map((low) => (0x0a0b0000 | low) >>> 0),
  fc.nat({ max: 0xffffff }).map((low) => (0xc0000000 | low) >>> 0),
  fc.nat({ max: 3 }),
);

function sortedCopy(values: Uint32Array): Uint32Array {
  return Uint32Array.from(values).sort();
}

/** The first index where the arrays differ (a length difference counts), or -1: cheaper to report than a diff. */
function firstDifference(actual: Uint32Array, expected: Uint32Array): number {
  const length = Math.max(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) {
      return i;
    }
  }
  return -1;
}

/** Whether each value still names its key's original position after the sort. */
function valuesFollowKeys(original: Uint32Array, sorted: { keys: Uint32Array; values: Uint32Array | undefined }): boolean {
  return sorted.keys.every((key, i) => original[sorted.values![i]] === key);
}

describe('sortUint32Pairs', () => {
  test('GIVEN keys for the small layout (three 11-bit digits) WHEN sorted THEN keys ascend and each value stays with its key', () => {
    fc.assert(
      fc.property(fc.array(keyOf, { maxLength: LARGE_LAYOUT_MIN_KEYS - 1 }), (list) => {
        const keys = Uint32Array.from(list);
        // Each value records its key's original position, so a value that drifted from its key is caught.
        const sorted = sortUint32Pairs(Uint32Array.from(keys), Uint32Array.from(list, (_key, index) => index), keys.length);
        expect(firstDifference(sorted.keys, sortedCopy(keys))).toBe(-1);
        expect(valuesFollowKeys(keys, sorted)).toBe(true);
      }),
    );
  });

  // Seeded lists rather than fast-check: a counterexample of 16,000 keys makes a message jest takes minutes to print.
  test.each([0, 1, 2, 3, 4, 5])('GIVEN seeded keys for the large layout (two 16-bit digits), seed %i, WHEN sorted THEN keys ascend and each value stays with its key', (seed) => {
    const random = fc.sample(fc.array(keyOf, { minLength: LARGE_LAYOUT_MIN_KEYS, maxLength: LARGE_LAYOUT_MIN_KEYS + 3000 }), { seed, numRuns: 1 })[0];
    const keys = Uint32Array.from(random);
    const sorted = sortUint32Pairs(Uint32Array.from(keys), Uint32Array.from(random, (_key, index) => index), keys.length);
    expect(firstDifference(sorted.keys, sortedCopy(keys))).toBe(-1);
    expect(valuesFollowKeys(keys, sorted)).toBe(true);
  });

  test('GIVEN keys that all share every digit but the top one WHEN sorted without values THEN they ascend', () => {
    const keys = Uint32Array.from({ length: LARGE_LAYOUT_MIN_KEYS + 5 }, (_key, index) => ((index * 7919) % 251) * 0x01000000);
    const sorted = sortUint32Pairs(Uint32Array.from(keys), undefined, keys.length);
    expect(sorted.values).toBeUndefined();
    expect(firstDifference(sorted.keys, sortedCopy(keys))).toBe(-1);
  });
});

/** Whether `order` lists every index once and visits the keys in ascending big-endian order. */
function ordersWords(words: Uint32Array, order: Uint32Array): boolean {
  const seen = new Uint8Array(order.length);
  for (let position = 0; position < order.length; position++) {
    if (seen[order[position]]++ !== 0) {
      return false;
    }
    if (position > 0) {
      const previous = order[position - 1] * 4;
      const current = order[position] * 4;
      let word = 0;
      while (word < 4 && words[previous + word] === words[current + word]) {
        word++;
      }
      if (word < 4 && words[previous + word] > words[current + word]) {
        return false;
      }
    }
  }
  return true;
}

describe('sortIndicesByWords', () => {
  // Long lists take the 16-bit first split. Seeded, as for the large layout above. The shapes give keys whose top 16
  // bits are all equal (the split is skipped), a few top values with long buckets, and duplicates.
  test.each([
    ['random keys', (words: number[]) => words],
    ['keys sharing their top 16 bits', (words: number[]) => words.map((word, i) => (i % 4 === 0 ? (0x20010db8 & 0xffff0000) | (word & 0xffff) : word) >>> 0)],
    ['keys sharing their first word', (words: number[]) => words.map((word, i) => (i % 4 === 0 ? 0x20010db8 : word))],
    ['few distinct top values and duplicate keys', (words: number[]) => words.map((word, i) => (i % 4 === 0 ? (word % 3) << 16 : word % 5) >>> 0)],
  ])('GIVEN %s, at least the wide-split threshold, WHEN sorted THEN the permutation orders them', (_shape, shape) => {
    for (const seed of [0, 1, 2]) {
      const count = fc.sample(fc.integer({ min: WIDE_FIRST_DIGIT_MIN_KEYS, max: WIDE_FIRST_DIGIT_MIN_KEYS + 5000 }), { seed, numRuns: 1 })[0];
      const words = Uint32Array.from(shape(fc.sample(fc.nat({ max: 0xffffffff }), { seed, numRuns: count * 4 })));
      expect(ordersWords(words, sortIndicesByWords(words, 4, count))).toBe(true);
    }
  });

  test('GIVEN 128-bit keys WHEN sorted THEN the permutation orders them as big-endian numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyOf, keyOf, keyOf, keyOf), { maxLength: 400 }), (list) => {
        const words = Uint32Array.from(list.flat());
        const order = sortIndicesByWords(words, 4, list.length);
        const asBigint = (index: number) => list[index].reduce((sum, word) => (sum << 32n) | BigInt(word), 0n);
        const expected = list.map((_key, index) => index).sort((a, b) => {
          const difference = asBigint(a) - asBigint(b);
          return difference < 0n ? -1 : difference > 0n ? 1 : 0;
        });
        expect(Array.from(order).map(asBigint)).toEqual(expected.map(asBigint));
      }),
    );
  });
});
