import * as fc from 'fast-check';
import { blockMask, maskOfCidrs, popcount, referenceExactCover, tinyBlock, tinyCidr, tinyFamily } from './tiny-region';
import { Cidr, CidrSet, IpFamily } from '../../src/ip';

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
  ])('%s containsAddress %s: %p', (cidr, address, expected) => {
    expect(Cidr.parse(cidr).containsAddress(address)).toBe(expected);
  });

  test('containsAddress parses strictly and refuses a prefix', () => {
    expect(() => Cidr.parse('10.0.0.0/8').containsAddress('010.0.0.1')).toThrow(/Invalid IP address '010\.0\.0\.1'/);
    expect(() => Cidr.parse('10.0.0.0/8').containsAddress('10.0.0.0/24')).toThrow(/expected a bare address/);
  });

  test('contains and overlaps refuse a value that is not a Cidr', () => {
    expect(() => Cidr.parse('10.0.0.0/8').contains(null as unknown as Cidr)).toThrow(/Expected a Cidr \(from Cidr\.parse\), got null/);
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
    expect(() => a.union(undefined as unknown as CidrSet)).toThrow(/Expected a CidrSet/);
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
