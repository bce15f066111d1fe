import * as fc from 'fast-check';
import { LARGE_LAYOUT_MIN_KEYS, sortIndicesByWords, sortUint32Pairs } from '../../src/private/ip/radix-sort';

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

describe('sortIndicesByWords', () => {
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
