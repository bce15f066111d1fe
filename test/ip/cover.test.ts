import * as fc from 'fast-check';
import { maskOf, maskOfCidrs, popcount, referenceLossyExtra, tinyBlock, tinyCidr, tinyFamily } from './tiny-region';
import { CidrSet, IpFamily } from '../../src/ip';
import { countAddresses, formatCidr, lossyCover, mergeRanges, parseCidr, protectedLossyCover, subtractRanges } from '../../src/private/ip';

describe('bounded lossy cover', () => {
  test('GIVEN a list of both families WHEN covered for one family THEN the other family is ignored, as are its protected ranges', () => {
    const mixed = ['10.0.0.1', '10.0.0.2', '10.0.0.4', '2001:db8::1', '2001:db8::ff'].map((a) => parseCidr(a));
    const v4 = lossyCover(IpFamily.IPV4, mixed, 1);
    expect(v4.blocks.map(formatCidr)).toEqual(['10.0.0.0/29']);
    expect(v4.extra).toBe(5n);
    const protectedV6 = protectedLossyCover(IpFamily.IPV4, mixed, 1, [parseCidr('2001:db8::/32'), parseCidr('::/0')]);
    expect(protectedV6?.blocks.map(formatCidr)).toEqual(['10.0.0.0/29']);
    const v6 = lossyCover(IpFamily.IPV6, mixed, 1);
    expect(v6.blocks.map(formatCidr)).toEqual(['2001:db8::/120']);
  });

  test('GIVEN the same offsets in an IPv4 /24 and an IPv6 /120 WHEN covered THEN both covers add as many addresses (property)', () => {
    // Every split of the IPv6 trie falls in its fourth word, where the IPv4 one falls in its only word.
    const offsetSets = fc.uniqueArray(fc.nat({ max: 255 }), { minLength: 2, maxLength: 12 });
    fc.assert(fc.property(offsetSets, fc.integer({ min: 1, max: 4 }), (offsets, maxBlocks) => {
      const v4 = lossyCover(IpFamily.IPV4, offsets.map((o) => parseCidr(`10.0.0.${o}`)), maxBlocks);
      const v6 = lossyCover(IpFamily.IPV6, offsets.map((o) => parseCidr(`2001:db8::${o.toString(16)}`)), maxBlocks);
      expect(v6.extra).toBe(v4.extra);
      expect(v6.blocks.map((b) => b.prefixLength)).toEqual(v4.blocks.map((b) => b.prefixLength + 96));
    }), { numRuns: 300 });
  });

  test('GIVEN IPv6 addresses that differ only in their last 32 bits WHEN covered in 2 blocks THEN the trie splits on those bits', () => {
    // ::1 and ::3 share a /126 (2 extra: ::0, ::2); ::100 and ::101 are a /127 exactly. Every split is in the fourth word.
    const cover = lossyCover(IpFamily.IPV6, ['2001:db8::1', '2001:db8::3', '2001:db8::100', '2001:db8::101'].map((a) => parseCidr(a)), 2);
    expect(cover.blocks.map(formatCidr)).toEqual(['2001:db8::/126', '2001:db8::100/127']);
    expect(cover.extra).toBe(2n);
  });

  test.each([
    [IpFamily.IPV4, ['10.0.0.0', '10.0.0.3', '10.0.0.4', '10.0.0.7'], ['10.0.0.0/29']],
    [IpFamily.IPV6, ['2001:db8::', '2001:db8::3', '2001:db8::4', '2001:db8::7'], ['2001:db8::/125']],
  ])('GIVEN %s addresses that one block or two cover with the same extra WHEN covered in 2 blocks THEN one block (a NACL entry saved)', (family, addresses, blocks) => {
    // {x.0/29} and {x.0/30, x.4/30} both add 4 addresses; the cover spends the fewer blocks
    const cover = lossyCover(family, addresses.map((a) => parseCidr(a)), 2);
    expect(cover.blocks.map(formatCidr)).toEqual(blocks);
    expect(cover.extra).toBe(4n);
  });

  test('GIVEN IPv6 costs above 2^53 WHEN covered THEN the extra count is exact and the cheaper merge wins by a margin a double cannot see', () => {
    // GIVEN two addresses at the two ends of 2000::/3, and a pair that fills 4000::2/127 exactly: in 2 blocks the pair
    // stays exact and the far ends take the whole /3; a count near 2^125 is not representable in a double, so only
    // exact arithmetic gets `extraAddresses` right (the IPv4 cost arithmetic forced on IPv6 fails here)
    const set = CidrSet.fromCidrs(['2000::', '3fff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', '4000::2', '4000::3']);
    // WHEN squeezed into 2 blocks
    const cover = set.coverWithin(IpFamily.IPV6, 2);
    // THEN 2000::/3 (2^125 addresses, 2 of them wanted) and 4000::2/127 (exact)
    expect(cover.cidrs).toEqual(['2000::/3', '4000::2/127']);
    expect(cover.extraAddresses).toBe(((1n << 125n) - 2n).toString());
  });

  test('picks the cheapest merge, not the nearest neighbours', () => {
    // GIVEN two /24s 512 addresses apart and a lone address far away
    const set = CidrSet.fromCidrs(['10.0.0.0/24', '10.0.2.0/24', '10.0.4.1']);
    // WHEN squeezed into 2 blocks  THEN the /24s share a /22 (512 extra) rather than swallowing the /32 into a /21
    expect(set.coverWithin(IpFamily.IPV4, 2)).toEqual({
      family: IpFamily.IPV4,
      cidrs: ['10.0.0.0/22', '10.0.4.1/32'],
      extraAddresses: '512',
      isExact: false,
    });
    // AND into 1 block, the smallest block holding all three
    expect(set.coverWithin(IpFamily.IPV4, 1)).toEqual({ family: IpFamily.IPV4, cidrs: ['10.0.0.0/21'], extraAddresses: '1535', isExact: false });
  });

  test('covers at the lowest common prefix, never at the top of a compressed edge', () => {
    // GIVEN two addresses whose smallest common block is a /30 deep under a long shared prefix
    const set = CidrSet.fromCidrs(['203.0.113.9', '203.0.113.10']);
    // WHEN covered by one block  THEN it is that /30 (2 extra), not any larger block on the path above it
    expect(set.coverWithin(IpFamily.IPV4, 1)).toEqual({ family: IpFamily.IPV4, cidrs: ['203.0.113.8/30'], extraAddresses: '2', isExact: false });
  });

  test('returns the exact blocks with extraAddresses 0 when they already fit', () => {
    const set = CidrSet.fromCidrs(['10.0.0.0/25', '10.0.0.128/25', '192.0.2.1', '2001:db8::/32']);
    expect(set.coverWithin(IpFamily.IPV4, 2)).toEqual({ family: IpFamily.IPV4, cidrs: ['10.0.0.0/24', '192.0.2.1/32'], extraAddresses: '0', isExact: true });
    expect(set.coverWithin(IpFamily.IPV6, 1)).toEqual({ family: IpFamily.IPV6, cidrs: ['2001:db8::/32'], extraAddresses: '0', isExact: true });
    expect(CidrSet.empty().coverWithin(IpFamily.IPV6, 1)).toEqual({ family: IpFamily.IPV6, cidrs: [], extraAddresses: '0', isExact: true });
  });

  test('counts IPv6 extra addresses exactly beyond 2^53', () => {
    // GIVEN two /64s at opposite ends of a /48
    const set = CidrSet.fromCidrs(['2001:db8:1::/64', '2001:db8:1:ffff::/64']);
    // WHEN covered by one block  THEN the /48 minus two /64s: 2^80 - 2^65, exactly
    const cover = set.coverWithin(IpFamily.IPV6, 1);
    expect(cover.cidrs).toEqual(['2001:db8:1::/48']);
    expect(cover.extraAddresses).toBe((2n ** 80n - 2n ** 65n).toString());
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects maxBlocks %p', (maxBlocks) => {
    expect(() => CidrSet.fromCidrs(['10.0.0.0/8']).coverWithin(IpFamily.IPV4, maxBlocks)).toThrow(/Invalid maxBlocks .*: expected an integer of at least 1/);
  });

  test('rejects a family that is not IPV4 or IPV6', () => {
    expect(() => CidrSet.empty().coverWithin('IPV5' as IpFamily, 1)).toThrow(/Invalid IP family IPV5/);
  });
});

describe('lossy cover properties', () => {
  test('is optimal against brute force over every choice of blocks in a 16-address region', () => {
    fc.assert(
      fc.property(tinyFamily, fc.array(tinyBlock, { maxLength: 8 }), fc.integer({ min: 1, max: 4 }), (family, blocks, maxBlocks) => {
        // GIVEN random blocks in the region and a budget
        const input = blocks.map((block) => tinyCidr(family, block));
        const mask = maskOfCidrs(input);
        // WHEN covered
        const cover = CidrSet.fromCidrs(input).coverWithin(family, maxBlocks);
        // THEN it keeps the budget, covers every input address, reports its extra count exactly, and that count
        // is the brute-force optimum
        const coverMask = maskOfCidrs(cover.cidrs);
        expect(cover.cidrs.length).toBeLessThanOrEqual(maxBlocks);
        expect(coverMask & mask).toBe(mask);
        expect(cover.extraAddresses).toBe(String(popcount(coverMask) - popcount(mask)));
        expect(Number(cover.extraAddresses)).toBe(referenceLossyExtra(mask, maxBlocks));
        expect(cover.isExact).toBe(cover.extraAddresses === '0');
      }),
      { numRuns: 250 },
    );
  });

  const clusteredIpv4 = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 24, max: 32 })).map(([low, prefix]) => `10.7.${low >>> 8}.${low & 255}/${prefix}`),
    { minLength: 1, maxLength: 60 },
  );

  test('never exceeds the budget, covers everything, is exact in its count, and improves as the budget grows', () => {
    fc.assert(
      fc.property(clusteredIpv4, fc.integer({ min: 1, max: 12 }), (input, maxBlocks) => {
        const parsed = input.map((text) => parseCidr(text, { normalizeHostBits: true }));
        const exact = mergeRanges(parsed);
        const results = [maxBlocks, maxBlocks + 1].map((budget) => lossyCover(IpFamily.IPV4, parsed, budget));
        for (const [index, result] of results.entries()) {
          expect(result.blocks.length).toBeLessThanOrEqual(maxBlocks + index);
          expect(subtractRanges(exact, result.blocks)).toEqual([]);
          expect(result.extra).toBe(countAddresses(mergeRanges(result.blocks), IpFamily.IPV4) - countAddresses(exact, IpFamily.IPV4));
          // the blocks are ascending and disjoint
          result.blocks.slice(1).forEach((block, previous) => expect(block.first).toBeGreaterThan(result.blocks[previous].last));
        }
        expect(results[1].extra).toBeLessThanOrEqual(results[0].extra);
      }),
      { numRuns: 200 },
    );
  });

  test('handles 100,000 random IPv4 addresses down to 18 and 38 blocks', () => {
    // GIVEN 100,000 addresses from a seeded generator
    let state = 12345;
    const addresses = Array.from({ length: 100_000 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return `${state >>> 24}.${(state >>> 16) & 255}.${(state >>> 8) & 255}.${state & 255}`;
    });
    const set = CidrSet.fromCidrs(addresses);
    const distinct = BigInt(set.addressCount(IpFamily.IPV4));
    for (const maxBlocks of [18, 38]) {
      // WHEN covered  THEN within budget, and the extra count matches the blocks' sizes
      const cover = set.coverWithin(IpFamily.IPV4, maxBlocks);
      expect(cover.cidrs.length).toBeLessThanOrEqual(maxBlocks);
      const covered = cover.cidrs.reduce((sum, cidr) => sum + 2n ** BigInt(32 - Number(cidr.split('/')[1])), 0n);
      expect(BigInt(cover.extraAddresses)).toBe(covered - distinct);
      expect(set.subtract(CidrSet.fromCidrs(cover.cidrs)).isEmpty).toBe(true);
    }
  });
});


describe('lossy cover that avoids protected ranges', () => {
  test('is optimal under the constraint against brute force, and says so when no cover avoids them', () => {
    fc.assert(
      fc.property(tinyFamily, fc.array(tinyBlock, { minLength: 1, maxLength: 8 }), fc.array(tinyBlock, { maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }), (family, blocks, protectedBlocks, maxBlocks) => {
          // GIVEN random blocks, random protected blocks (which may overlap the input) and a budget
          const input = blocks.map((block) => parseCidr(tinyCidr(family, block)));
          const mask = maskOf(blocks);
          const avoid = maskOf(protectedBlocks);
          // WHEN covered under the constraint
          const cover = protectedLossyCover(family, input, maxBlocks, protectedBlocks.map((block) => parseCidr(tinyCidr(family, block))));
          // THEN it matches the brute-force optimum, or is undefined exactly when no allowed cover exists
          const expected = referenceLossyExtra(mask, maxBlocks, avoid);
          if (expected === Infinity) {
            expect(cover).toBeUndefined();
            return;
          }
          expect(cover).toBeDefined();
          const coverMask = maskOfCidrs(cover!.blocks.map(formatCidr));
          expect(cover!.blocks.length).toBeLessThanOrEqual(maxBlocks);
          expect(coverMask & mask).toBe(mask);
          expect(coverMask & ~mask & avoid).toBe(0);
          expect(Number(cover!.extra)).toBe(popcount(coverMask) - popcount(mask));
          expect(Number(cover!.extra)).toBe(expected);
        }),
      { numRuns: 400 },
    );
  });

  test('goes around a protected range to the next cheapest merge', () => {
    // GIVEN two pairs of ranges: merging the first pair costs 128 extra addresses (198.18.0.128/25, a VPC here),
    // merging the second costs 192
    const listed = ['198.18.0.0/25', '198.18.1.0/24', '198.18.6.0/24', '198.18.7.0/26'].map((c) => parseCidr(c));
    const vpc = [parseCidr('198.18.0.128/25')];
    // WHEN covered with three blocks, without and with the constraint
    const free = lossyCover(IpFamily.IPV4, listed, 3);
    const constrained = protectedLossyCover(IpFamily.IPV4, listed, 3, vpc)!;
    // THEN the unconstrained optimum widens into the VPC, the constrained one merges the other pair
    expect(free.blocks.map(formatCidr)).toEqual(['198.18.0.0/23', '198.18.6.0/24', '198.18.7.0/26']);
    expect(free.extra).toBe(128n);
    expect(constrained.blocks.map(formatCidr)).toEqual(['198.18.0.0/25', '198.18.1.0/24', '198.18.6.0/23']);
    expect(constrained.extra).toBe(192n);
  });

  test('listed protected addresses may stay (allowNonPublicRanges), but no cover widens into the rest of the range', () => {
    const listed = ['10.0.0.0/25', '10.0.1.0/25', '203.0.113.0/24'].map((c) => parseCidr(c));
    const protectedRanges = [parseCidr('10.0.0.0/8')];
    expect(protectedLossyCover(IpFamily.IPV4, listed, 3, protectedRanges)!.extra).toBe(0n);
    expect(protectedLossyCover(IpFamily.IPV4, listed, 2, protectedRanges)).toBeUndefined();
  });
});
