import * as fc from 'fast-check';
import { blockMask, maskOfCidrs, popcount, referenceExactCover, tinyBlock, tinyCidr, tinyFamily } from './tiny-region';
import { Cidr, CidrSet, IpFamily } from '../../src/ip';
import { compareRanges, maxAddress } from '../../src/private/ip';

describe('Cidr', () => {
  test.each<[string, string, boolean, boolean]>([
    ['10.0.0.0/8', '10.1.0.0/16', true, true],
    ['10.1.0.0/16', '10.0.0.0/8', false, true],
    ['10.0.0.0/8', '10.0.0.0/8', true, true],
    ['10.0.0.0/8', '11.0.0.0/8', false, false],
    ['0.0.0.0/0', '255.255.255.255', true, true],
    ['2001:db8::/32', '2001:db8:ffff::/48', true, true],
    ['2001:db8::/32', '2001:db9::/32', false, false],
    // never across families, even where the bits line up (::ffff:10.0.0.0 is an IPv6 address)
    ['10.0.0.0/8', '::ffff:10.0.0.0/104', false, false],
    ['0.0.0.0/0', '::/0', false, false],
    // ::/96 spans the same numbers as 0.0.0.0/0, and is still another family
    ['0.0.0.0/0', '::/96', false, false],
    // a block below the other: it starts lower and ends lower
    ['10.0.0.0/8', '9.0.0.0/8', false, false],
  ])('%s contains %s: %p, overlaps: %p', (outer, inner, contains, overlaps) => {
    // GIVEN two blocks  WHEN compared  THEN containment and overlap follow the address sets
    expect(Cidr.parse(outer).contains(Cidr.parse(inner))).toBe(contains);
    expect(Cidr.parse(outer).overlaps(Cidr.parse(inner))).toBe(overlaps);
    expect(Cidr.parse(inner).overlaps(Cidr.parse(outer))).toBe(overlaps);
  });

  test.each<[string, string, boolean]>([
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['2001:db8::/32', '2001:DB8::1', true],
    ['::ffff:0:0/96', '::ffff:192.0.2.1', true],
    ['0.0.0.0/0', '::1', false],
    // the bounds are in the block, the addresses just outside are not
    ['10.0.0.0/8', '10.0.0.0', true],
    ['10.0.0.0/8', '9.255.255.255', false],
  ])('%s containsAddress %s: %p', (cidr, address, expected) => {
    expect(Cidr.parse(cidr).containsAddress(address)).toBe(expected);
  });

  test('containsAddress parses strictly and refuses a prefix', () => {
    expect(() => Cidr.parse('10.0.0.0/8').containsAddress('010.0.0.1')).toThrow(/Invalid IP address '010\.0\.0\.1'/);
    expect(() => Cidr.parse('10.0.0.0/8').containsAddress('10.0.0.0/24')).toThrow(/expected a bare address/);
  });

  test('contains and overlaps refuse a value that is not a Cidr', () => {
    expect(() => Cidr.parse('10.0.0.0/8').contains(null as unknown as Cidr)).toThrow(/Expected a Cidr \(from Cidr\.parse\), got null$/);
    expect(() => Cidr.parse('10.0.0.0/8').overlaps(undefined as unknown as Cidr)).toThrow(/Expected a Cidr \(from Cidr\.parse\), got undefined$/);
    expect(() => Cidr.parse('10.0.0.0/8').overlaps('10.0.0.0/8' as unknown as Cidr)).toThrow(/got string$/);
  });

  test('containsAddress refuses a value that is not a string, naming it', () => {
    // GIVEN a caller from another jsii language passing null  WHEN asked  THEN the error says what it got
    expect(() => Cidr.parse('10.0.0.0/8').containsAddress(null as unknown as string)).toThrow(/^Invalid IP address: expected a string, got null$/);
    expect(() => Cidr.parse('10.0.0.0/8').containsAddress(undefined as unknown as string)).toThrow(/^Invalid IP address: expected a string, got undefined$/);
  });

  test('prints every IPv6 group without leading zeros, including groups from 0x100 up', () => {
    // GIVEN groups on both sides of 0x100 (one byte or two)  WHEN printed  THEN lowercase hex, no leading zeros
    expect(Cidr.parse('2001:db8:ff:100:fff:1000:0:1').toString()).toBe('2001:db8:ff:100:fff:1000:0:1/128');
    expect(Cidr.parse('100::').networkAddress).toBe('100::');
  });
});

describe('CidrSet', () => {
  test('merges exactly per family and lists IPv4 first', () => {
    // GIVEN overlapping, adjacent and duplicate entries of both families
    const set = CidrSet.fromCidrs(['2001:db8:8000::/33', '10.0.0.128/25', '10.0.0.0/25', '2001:db8::/33', '192.0.2.7', '192.0.2.7/32']);
    // THEN the minimal exact blocks, ascending
    expect(set.ipv4Cidrs).toEqual(['10.0.0.0/24', '192.0.2.7/32']);
    expect(set.ipv6Cidrs).toEqual(['2001:db8::/32']);
    expect(set.toCidrs()).toEqual(['10.0.0.0/24', '192.0.2.7/32', '2001:db8::/32']);
    expect(set.addressCount(IpFamily.IPV4)).toBe('257');
    expect(set.addressCount(IpFamily.IPV6)).toBe((2n ** 96n).toString());
    expect(set.isEmpty).toBe(false);
    expect(CidrSet.empty().isEmpty).toBe(true);
  });

  test('names the bad entry and its index', () => {
    expect(() => CidrSet.fromCidrs(['10.0.0.0/8', '10.0.0.1/8'])).toThrow(
      /^Invalid CIDR '10\.0\.0\.1\/8' at index 1: has host bits set; the network is 10\.0\.0\.0\/8/,
    );
    expect(() => CidrSet.fromCidrs(['10.0.0.0/8', null as unknown as string])).toThrow(/^Invalid CIDR at index 1: expected a string, got null/);
    expect(() => CidrSet.fromCidrs(null as unknown as string[])).toThrow(/Invalid CIDR list: expected an array of strings, got null/);
  });

  test('contains and overlaps answer for whole blocks', () => {
    const set = CidrSet.fromCidrs(['10.0.0.0/24', '10.0.2.0/24', '2001:db8::/64']);
    expect(set.contains('10.0.0.128/25')).toBe(true);
    expect(set.contains('10.0.0.0/22')).toBe(false);
    expect(set.overlaps('10.0.0.0/22')).toBe(true);
    expect(set.overlaps('10.0.1.0/24')).toBe(false);
    expect(set.overlaps('10.0.1.255/32')).toBe(false);
    expect(set.overlaps('0.0.0.0/0')).toBe(true);
    expect(set.overlaps('::/0')).toBe(true);
    expect(set.contains('2001:db8::1')).toBe(true);
    expect(set.overlaps('2001:db8:0:1::/64')).toBe(false);
    expect(CidrSet.fromCidrs(['2001:db8::/64']).overlaps('::/0')).toBe(true);
    expect(CidrSet.fromCidrs(['10.0.0.0/8']).overlaps('::/0')).toBe(false);
  });

  test('union, subtract and intersect are exact', () => {
    const a = CidrSet.fromCidrs(['10.0.0.0/23', '2001:db8::/127']);
    const b = CidrSet.fromCidrs(['10.0.1.0/24', '10.0.2.0/24', '2001:db8::1']);
    expect(a.union(b).toCidrs()).toEqual(['10.0.0.0/23', '10.0.2.0/24', '2001:db8::/127']);
    expect(a.subtract(b).toCidrs()).toEqual(['10.0.0.0/24', '2001:db8::/128']);
    expect(a.intersect(b).toCidrs()).toEqual(['10.0.1.0/24', '2001:db8::1/128']);
    expect(() => a.union(undefined as unknown as CidrSet)).toThrow(/Expected a CidrSet \(from CidrSet\.fromCidrs\), got undefined$/);
    expect(() => a.subtract(null as unknown as CidrSet)).toThrow(/Expected a CidrSet \(from CidrSet\.fromCidrs\), got null$/);
    expect(() => a.intersect(['10.0.0.0/8'] as unknown as CidrSet)).toThrow(/got object$/);
  });

  test('intersect walks both families of both sets', () => {
    // GIVEN one set of IPv6 only and one of both families  WHEN intersected either way  THEN the IPv6 overlap
    const v6 = CidrSet.fromCidrs(['2001:db8::/32']);
    const both = CidrSet.fromCidrs(['10.0.0.0/8', '2001:db8::/48']);
    expect(v6.intersect(both).toCidrs()).toEqual(['2001:db8::/48']);
    expect(both.intersect(v6).toCidrs()).toEqual(['2001:db8::/48']);
  });

  test('addressCount refuses a family that is not IPV4 or IPV6', () => {
    expect(() => CidrSet.fromCidrs(['10.0.0.0/8']).addressCount('IPV5' as IpFamily)).toThrow(/Invalid IP family IPV5: expected IpFamily\.IPV4 or IpFamily\.IPV6/);
  });

  test('coverWithin covers one family only, and says whether the cover is exact', () => {
    // GIVEN a set of both families
    const set = CidrSet.fromCidrs(['10.0.0.0/24', '10.0.2.0/24', '2001:db8::/64', '2001:db8:0:2::/64']);
    // WHEN the IPv4 part is squeezed into one block  THEN only IPv4 blocks, with the gap counted as extra
    expect(set.coverWithin(IpFamily.IPV4, 1)).toEqual({ family: IpFamily.IPV4, cidrs: ['10.0.0.0/22'], extraAddresses: '512', isExact: false });
    // AND the IPv6 part in two blocks is exact
    expect(set.coverWithin(IpFamily.IPV6, 2)).toEqual({ family: IpFamily.IPV6, cidrs: ['2001:db8::/64', '2001:db8:0:2::/64'], extraAddresses: '0', isExact: true });
  });
});

describe('CidrSet agrees with a brute-force set model on a 16-address region', () => {
  const tinySet = fc.array(tinyBlock, { maxLength: 6 });

  test('union, subtract and intersect', () => {
    fc.assert(
      fc.property(tinyFamily, tinySet, tinySet, (family, left, right) => {
        // GIVEN two random sets of blocks
        const a = CidrSet.fromCidrs(left.map((block) => tinyCidr(family, block)));
        const b = CidrSet.fromCidrs(right.map((block) => tinyCidr(family, block)));
        const maskA = maskOfCidrs(a.toCidrs());
        const maskB = maskOfCidrs(b.toCidrs());
        // WHEN combined  THEN each result is the set operation on masks, as the minimal exact blocks
        const expected = (mask: number): string[] => referenceExactCover(mask).map((block) => tinyCidr(family, block));
        expect(a.union(b).toCidrs()).toEqual(expected(maskA | maskB));
        expect(a.subtract(b).toCidrs()).toEqual(expected(maskA & ~maskB));
        expect(a.intersect(b).toCidrs()).toEqual(expected(maskA & maskB));
        expect(a.addressCount(family)).toBe(String(popcount(maskA)));
      }),
      { numRuns: 300 },
    );
  });

  test('contains and overlaps', () => {
    fc.assert(
      fc.property(tinyFamily, tinySet, tinyBlock, (family, blocks, probe) => {
        const set = CidrSet.fromCidrs(blocks.map((block) => tinyCidr(family, block)));
        const mask = maskOfCidrs(set.toCidrs());
        const probeMask = blockMask(probe);
        expect(set.contains(tinyCidr(family, probe))).toBe((mask & probeMask) === probeMask);
        expect(set.overlaps(tinyCidr(family, probe))).toBe((mask & probeMask) !== 0);
        const other = family === IpFamily.IPV4 ? IpFamily.IPV6 : IpFamily.IPV4;
        expect(set.overlaps(tinyCidr(other, { hostBits: 4, offset: 0 }))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('compareRanges (the sort order of every range list)', () => {
  const range = (family: IpFamily, first: bigint, last: bigint) => ({ family, first, last });

  test.each<[string, ReturnType<typeof range>, ReturnType<typeof range>, number]>([
    ['IPv4 before IPv6', range(IpFamily.IPV4, 5n, 5n), range(IpFamily.IPV6, 0n, 0n), -1],
    ['IPv6 after IPv4', range(IpFamily.IPV6, 0n, 0n), range(IpFamily.IPV4, 5n, 5n), 1],
    ['lower first address first', range(IpFamily.IPV4, 1n, 9n), range(IpFamily.IPV4, 2n, 3n), -1],
    ['higher first address after', range(IpFamily.IPV4, 2n, 3n), range(IpFamily.IPV4, 1n, 9n), 1],
    ['same first: lower last first', range(IpFamily.IPV4, 1n, 3n), range(IpFamily.IPV4, 1n, 9n), -1],
    ['same first: higher last after', range(IpFamily.IPV6, 1n, 9n), range(IpFamily.IPV6, 1n, 3n), 1],
    ['equal ranges', range(IpFamily.IPV6, 1n, 9n), range(IpFamily.IPV6, 1n, 9n), 0],
  ])('%s', (_, a, b, expected) => {
    // GIVEN two ranges  WHEN compared  THEN family, then first address, then last address decide
    expect(Math.sign(compareRanges(a, b))).toBe(expected);
  });

  test('maxAddress is the all-ones address of the family', () => {
    expect(maxAddress(IpFamily.IPV4)).toBe(0xffffffffn);
    expect(maxAddress(IpFamily.IPV6)).toBe((1n << 128n) - 1n);
  });
});
