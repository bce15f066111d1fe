import * as fc from 'fast-check';
import { maskOfCidrs, referenceExactCover, tinyBlock, tinyCidr, tinyFamily } from './tiny-region';
import { IpFamily } from '../../src/ip';
import {
  countAddresses,
  formatCidr,
  intersectRanges,
  IpRange,
  mergeCidrs,
  mergeCidrStrings,
  mergeCidrStringsToRanges,
  mergeRanges,
  parseCidr,
  rangeToCidrs,
  subtractRanges,
} from '../../src/private/ip';
import { startsLikeIpv4 } from '../../src/private/ip/bulk-merge';
import { WIDE_FIRST_DIGIT_MIN_KEYS } from '../../src/private/ip/radix-sort';

function merged(cidrs: string[]): string[] {
  const result = mergeCidrStrings(cidrs);
  return [...result.ipv4, ...result.ipv6];
}

describe('exact merge', () => {
  test.each<[string, string[], string[]]>([
    ['adjacent halves become their parent', ['10.0.0.0/25', '10.0.0.128/25'], ['10.0.0.0/24']],
    ['a block inside another disappears', ['10.0.0.0/8', '10.1.2.3'], ['10.0.0.0/8']],
    ['duplicates collapse', ['192.0.2.1', '192.0.2.1/32', '192.0.2.1'], ['192.0.2.1/32']],
    ['adjacent but misaligned blocks stay two', ['10.0.1.0/24', '10.0.2.0/24'], ['10.0.1.0/24', '10.0.2.0/24']],
    ['a range splits into the largest aligned blocks', ['10.0.0.1', '10.0.0.2/31', '10.0.0.4/30'], ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30']],
    ['families are kept apart, IPv4 first', ['2001:db8::/33', '10.0.0.0/8', '2001:db8:8000::/33'], ['10.0.0.0/8', '2001:db8::/32']],
    ['/0 absorbs everything of its family only', ['0.0.0.0/0', '10.0.0.0/8', '::1'], ['0.0.0.0/0', '::1/128']],
    ['the top of the address space', ['255.255.255.254/31', '255.255.255.252/31'], ['255.255.255.252/30']],
    ['the whole IPv6 space from two halves', ['::/1', '8000::/1'], ['::/0']],
    ['IPv4-mapped blocks print with a dotted tail', ['::ffff:10.0.0.0/120', '::ffff:10.0.1.0/120'], ['::ffff:10.0.0.0/119']],
    ['an empty list', [], []],
  ])('%s', (_, input, expected) => {
    // GIVEN the input  WHEN merged exactly (bulk and BigInt paths)  THEN the minimal exact cover
    expect(merged(input)).toEqual(expected);
    expect(mergeCidrs(input.map((cidr) => parseCidr(cidr))).map(formatCidr)).toEqual(expected);
  });

  test('rangeToCidrs splits an interval into the largest aligned blocks', () => {
    const range: IpRange = { family: IpFamily.IPV4, first: parseCidr('10.0.0.3').first, last: parseCidr('10.0.0.17').first };
    expect(rangeToCidrs(range).map(formatCidr)).toEqual(['10.0.0.3/32', '10.0.0.4/30', '10.0.0.8/29', '10.0.0.16/31']);
  });

  test('subtractRanges punches exact holes, per family', () => {
    const ranges = (cidrs: string[]): IpRange[] => cidrs.map((cidr) => parseCidr(cidr));
    const difference = subtractRanges(ranges(['10.0.0.0/24', '2001:db8::/126']), ranges(['10.0.0.64/26', '2001:db8::1', '::/0']));
    expect(difference.flatMap(rangeToCidrs).map(formatCidr)).toEqual(['10.0.0.0/26', '10.0.0.128/25']);
  });
});

describe('exact merge properties (brute-force model on a 16-address region)', () => {
  const tinyInput = fc.tuple(tinyFamily, fc.array(tinyBlock, { maxLength: 10 }));

  test('covers exactly the input addresses and equals the unique minimal cover', () => {
    fc.assert(
      fc.property(tinyInput, ([family, blocks]) => {
        // GIVEN random blocks in the region
        const input = blocks.map((block) => tinyCidr(family, block));
        const mask = maskOfCidrs(input);
        // WHEN merged
        const output = merged(input);
        // THEN the output covers the same addresses and is the reference minimal cover, block for block
        expect(maskOfCidrs(output)).toBe(mask);
        expect(output).toEqual(referenceExactCover(mask).map((block) => tinyCidr(family, block)));
      }),
      { numRuns: 500 },
    );
  });

  test('is order-independent and idempotent', () => {
    fc.assert(
      fc.property(tinyInput, fc.func(fc.integer()), ([family, blocks], order) => {
        const input = blocks.map((block) => tinyCidr(family, block));
        const shuffled = [...input].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
        const output = merged(input);
        expect(merged(shuffled)).toEqual(output);
        expect(merged(output)).toEqual(output);
      }),
      { numRuns: 300 },
    );
  });
});

/** Random blocks over the whole space, biased to edges (zero words, all-ones words, short and long prefixes). */
const anyCidrText = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => {
    const value = prefix === 0 ? 0 : (address & ~(2 ** (32 - prefix) - 1)) >>> 0;
    return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}/${prefix}`;
  }),
  fc
    .tuple(
      fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
      fc.oneof(fc.integer({ min: 0, max: 128 }), fc.integer({ min: 120, max: 128 })),
    )
    .map(([groups, prefix]) => `${groups.map((group) => group.toString(16)).join(':')}/${prefix}`),
);

describe('bulk merge agrees with range arithmetic over the whole space', () => {
  test('same blocks as the BigInt path, covering exactly the input', () => {
    fc.assert(
      fc.property(fc.array(anyCidrText, { maxLength: 40 }), (input) => {
        // GIVEN random blocks anywhere (host bits cleared by the parser)
        const parsed = input.map((text) => parseCidr(text, { normalizeHostBits: true }));
        // WHEN merged by the bulk path
        const output = mergeCidrStrings(input, { normalizeHostBits: true });
        const outputRanges = [...output.ipv4, ...output.ipv6].map((text) => parseCidr(text));
        // THEN it equals the BigInt path, and input minus output and output minus input are both empty
        expect([...output.ipv4, ...output.ipv6]).toEqual(mergeCidrs(parsed).map(formatCidr));
        expect(subtractRanges(parsed, outputRanges)).toEqual([]);
        expect(subtractRanges(outputRanges, parsed)).toEqual([]);
        // AND the output blocks are disjoint (their sizes add up to the merged size)
        for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
          expect(countAddresses(outputRanges, family)).toBe(countAddresses(mergeRanges(parsed), family));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('large IPv6 lists (the radix sort path) merge like the BigInt path, random and clustered', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((value) => value.toString(16));
    const randomAddress = fc.array(group, { minLength: 8, maxLength: 8 }).map((groups) => groups.join(':'));
    // Clustered: one /64 and a handful of interface ids, so keys share long prefixes and repeat.
    const clusteredAddress = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })).map(([subnet, host]) => `2001:db8:0:${subnet}::${host.toString(16)}/127`);
    fc.assert(
      fc.property(fc.array(fc.oneof(randomAddress, clusteredAddress), { minLength: 200, maxLength: 1500 }), (input) => {
        const output = mergeCidrStrings(input, { normalizeHostBits: true });
        expect(output.ipv6).toEqual(mergeCidrs(input.map((text) => parseCidr(text, { normalizeHostBits: true }))).map(formatCidr));
      }),
      { numRuns: 15 },
    );
  });

  // Seeded rather than fast-check (a counterexample of thousands of entries takes jest minutes to print): lists long
  // enough for the sort's 16-bit first split, with addresses that spread over it and addresses that share it.
  test.each([0, 1, 2])('long IPv6 lists (the 16-bit first split) merge like the BigInt path, seed %i', (seed) => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((value) => value.toString(16));
    const spread = fc.array(group, { minLength: 8, maxLength: 8 }).map((groups) => groups.join(':'));
    const shared = fc.tuple(group, group, fc.integer({ min: 64, max: 128 })).map(([a, b, prefix]) => `2001:db8:${a}::${b}/${prefix}`);
    const input = fc.sample(fc.oneof(spread, shared), { seed, numRuns: WIDE_FIRST_DIGIT_MIN_KEYS + 1000 });
    const output = mergeCidrStrings(input, { normalizeHostBits: true });
    const expected = mergeCidrs(input.map((text) => parseCidr(text, { normalizeHostBits: true }))).map(formatCidr);
    expect(output.ipv6.length).toBe(expected.length);
    expect(output.ipv6.findIndex((text, index) => text !== expected[index])).toBe(-1);
  });

  test('sampled addresses are in the output exactly when they are in some input block', () => {
    fc.assert(
      fc.property(fc.array(anyCidrText, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), (input, picks) => {
        const parsed = input.map((text) => parseCidr(text, { normalizeHostBits: true }));
        const output = mergeCidrStrings(input, { normalizeHostBits: true });
        const outputRanges = [...output.ipv4, ...output.ipv6].map((text) => parseCidr(text));
        // Probe each block's first and last address and their neighbours: where the answers change.
        const probes = parsed.flatMap((range) => [range.first - 1n, range.first, range.last, range.last + 1n]
          .map((value) => ({ family: range.family, value })));
        const sample = picks.map((pick) => probes[pick % probes.length]);
        for (const { family, value } of sample) {
          const inInput = parsed.some((range) => range.family === family && range.first <= value && value <= range.last);
          const inOutput = outputRanges.some((range) => range.family === family && range.first <= value && value <= range.last);
          expect(inOutput).toBe(inInput);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('startsLikeIpv4 (which scanner the bulk merge tries first)', () => {
  test.each([
    ['1.2.3.4', true], ['12.3.4.5', true], ['123.4.5.6', true], ['1.', true], ['12.', true], ['123.', true],
    ['1234.5', false], ['::1', false], ['2001:db8::', false], ['a.b', true], ['', false], ['1', false], ['.1.2.3', true], ['1:2.3', true], ['.1', false],
  ])('GIVEN %j WHEN asked THEN %s (a dot at index 1, 2 or 3)', (text, expected) => {
    expect(startsLikeIpv4(text)).toBe(expected);
  });

  test('GIVEN any text WHEN asked THEN it is true exactly when one of its characters 1-3 is a dot (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('.', ':', '1', 'a', '/'), maxLength: 6 }), (text) => {
      expect(startsLikeIpv4(text)).toBe([1, 2, 3].some((i) => text[i] === '.'));
    }), { numRuns: 2000 });
  });
});

describe('mergeCidrStrings refuses what is not a list', () => {
  test.each([
    [null, 'null'],
    ['10.0.0.0/8', 'string'],
    [{ 0: '10.0.0.0/8' }, 'object'],
  ])('GIVEN %j WHEN merged THEN the error names its type', (input, type) => {
    expect(() => mergeCidrStrings(input as unknown as string[])).toThrow(`Invalid CIDR list: expected an array of strings, got ${type}`);
  });
});

describe('the IPv6 bulk merge joins a range only with its exact successor', () => {
  test.each([
    // The first range ends in a word of all ones; the next starts one higher word up, but not at its successor.
    [['::/96', '::1:0:5/128'], 2],
    [['::/96', '::1:0:0/128'], 1],
    [['::ffff:ffff/128', '::1:0:0/128'], 1],
    // The low word is one past, but a higher word differs: not the successor.
    [['::5/128', '1::6/128'], 2],
    [['::5/128', '::6/128'], 1],
  ])('GIVEN %j WHEN merged THEN %i range(s), the CIDRs unchanged', (cidrs, ranges) => {
    expect(mergeCidrStringsToRanges(cidrs as string[])).toHaveLength(ranges as number);
    expect(merged(cidrs as string[])).toEqual(cidrs);
  });
});

describe('range arithmetic across families and at the edges', () => {
  const range = (cidr: string): IpRange => {
    const p = parseCidr(cidr);
    return { family: p.family, first: p.first, last: p.last };
  };
  const text = (ranges: IpRange[]) => ranges.flatMap((r) => rangeToCidrs(r)).map(formatCidr);

  test('GIVEN a range that ends one address past a block WHEN split THEN the last address is its own block', () => {
    expect(text([{ family: IpFamily.IPV4, first: range('10.0.0.0/32').first, last: range('10.0.0.2/32').first }])).toEqual(['10.0.0.0/31', '10.0.0.2/32']);
    expect(text([{ family: IpFamily.IPV6, first: range('2001:db8::/128').first, last: range('2001:db8::2/128').first }])).toEqual(['2001:db8::/127', '2001:db8::2/128']);
  });

  test('GIVEN IPv4 and IPv6 ranges and an IPv6 hole WHEN subtracted THEN the hole is taken from the IPv6 range only', () => {
    expect(text(subtractRanges([range('10.0.0.0/24'), range('2001:db8::/126')], [range('2001:db8::/127')]))).toEqual(['10.0.0.0/24', '2001:db8::2/127']);
  });

  test('GIVEN an IPv4 and an IPv6 range over the same numbers WHEN intersected THEN nothing: families never meet', () => {
    expect(intersectRanges([range('0.0.0.0/0')], [range('::/0')])).toEqual([]);
    expect(text(intersectRanges([range('0.0.0.0/0'), range('2001:db8::/32')], [range('::/0')]))).toEqual(['2001:db8::/32']);
  });
});

