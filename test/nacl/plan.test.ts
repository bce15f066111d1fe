import fc from 'fast-check';
import { aligned, diffEntries, updateArb, updateViolations } from './plan-fixtures';
import { IpFamily } from '../../src/ip/family';
import {
  BLOCKLIST_RULE_NUMBERS,
  BlocklistPlanOptions,
  DEFAULT_MAX_ENTRIES_PER_DIRECTION,
  IPV6_BUDGET_UNIT,
  LARGEST_MAX_ENTRIES_PER_DIRECTION,
  NON_DENY_ENTRIES_PER_FAMILY,
  PlannedNaclEntry,
  assignRuleNumbers,
  describeOverflow,
  entryId,
  fnv1a32,
  homeRuleNumber,
  planBlocklistNacl,
} from '../../src/nacl/plan';
import { ParsedCidr, formatCidr, mergeRanges, parseCidr } from '../../src/private/ip';

const OPTIONS: BlocklistPlanOptions = {
  maxEntriesPerDirection: 20,
  ipv6AllowAll: true,
  collateralBudget: { ipv4: 0n, ipv6: 0n },
};
const V4 = BLOCKLIST_RULE_NUMBERS.ipv4Deny;
const V6 = BLOCKLIST_RULE_NUMBERS.ipv6Deny;

function plan(cidrs: string[], options: Partial<BlocklistPlanOptions> = {}) {
  return planBlocklistNacl(cidrs, { ...OPTIONS, ...options });
}

function numberOf(entries: readonly PlannedNaclEntry[], cidr: string, egress = false): number | undefined {
  return entries.find((e) => e.cidr === cidr && e.egress === egress)?.ruleNumber;
}

/** Distinct single IPv4 addresses 198.18.0.0 upwards, `count` of them, none adjacent (so none merge). */
function hosts(count: number, start = 0): string[] {
  return Array.from({ length: count }, (_, i) => `198.18.${Math.floor((start + i) / 100)}.${((start + i) % 100) * 2 + 1}`);
}

/** Two /32s that share a home rule number in the IPv4 band (a forced collision), found by a deterministic search. */
function collidingPair(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const cidr = `198.19.${Math.floor(i / 256)}.${i % 256}/32`;
    const home = homeRuleNumber(cidr, V4);
    const other = seen.get(home);
    if (other !== undefined && home < V4.last - 2) {
      return other < cidr ? [other, cidr] : [cidr, other];
    }
    seen.set(home, cidr);
  }
}

describe('planBlocklistNacl', () => {
  test('merges the blocked ranges exactly, per family', () => {
    // WHEN
    const p = plan(['10.0.0.0/25', '10.0.0.128/25', '192.0.2.1', '2001:db8::/33', '2001:db8:8000::/33', '2001:db8:1::/48']);

    // THEN
    expect(p.ok).toBe(true);
    expect(p.ipv4.denyCidrs.sort()).toEqual(['10.0.0.0/24', '192.0.2.1/32']);
    expect(p.ipv6.denyCidrs).toEqual(['2001:db8::/32']);
    expect(p.ipv4.extraAddresses).toBe(0n);
  });

  test('denies each range in both directions in its family band, then allows all', () => {
    // WHEN
    const p = plan(['203.0.113.0/24', '2001:db8:bad::/48']);

    // THEN
    const ingress = p.entries.filter((e) => !e.egress);
    expect(ingress.map((e) => [e.action, e.family, e.cidr])).toEqual([
      ['deny', IpFamily.IPV4, '203.0.113.0/24'],
      ['deny', IpFamily.IPV6, '2001:db8:bad::/48'],
      ['allow', IpFamily.IPV4, '0.0.0.0/0'],
      ['allow', IpFamily.IPV6, '::/0'],
    ]);
    const [v4, v6, allow4, allow6] = ingress.map((e) => e.ruleNumber);
    expect(v4).toBeGreaterThanOrEqual(V4.first);
    expect(v4).toBeLessThanOrEqual(V4.last);
    expect(v6).toBeGreaterThanOrEqual(V6.first);
    expect(v6).toBeLessThanOrEqual(V6.last);
    expect([allow4, allow6]).toEqual([32000, 32001]);
    expect(p.entries.filter((e) => e.egress).map((e) => e.id)).toEqual(ingress.map((e) => e.id.replace('Ingress', 'Egress')));
    expect(ingress[0].id).toBe(`IngressDeny${v4}`);
  });

  test('adds the IPv6 allow-all entries only when asked', () => {
    const p = plan(['203.0.113.0/24'], { ipv6AllowAll: false });
    expect(p.entries.filter((e) => e.action === 'allow').map((e) => e.id)).toEqual(['IngressAllow32000', 'EgressAllow32000']);
  });

  test('a range sits at the home number its hash gives, whatever else is blocked', () => {
    const cidr = '203.0.113.0/24';
    const home = homeRuleNumber(cidr, V4);
    expect(numberOf(plan([cidr]).entries, cidr)).toBe(home);
    expect(numberOf(plan([...hosts(17), cidr]).entries, cidr)).toBe(home);
    // FNV-1a pins the number across machines and releases: a change here renumbers every deployed blocklist.
    expect(home).toBe(homeRuleNumber('203.0.113.0/24', { first: 100, last: 15_999 }));
  });

  test('ranges keep their numbers and ids when others are added and removed', () => {
    // GIVEN
    const before = plan(hosts(12));
    const after = plan([...hosts(9, 3), ...hosts(5, 40)]);

    // THEN: every range present in both keeps its slot (no collision among these homes)
    for (const cidr of hosts(9, 3).map((h) => `${h}/32`)) {
      expect(numberOf(after.entries, cidr)).toBe(numberOf(before.entries, cidr));
    }
    expect(updateViolations(before.entries, after.entries)).toEqual([]);
    const diff = diffEntries(before.entries, after.entries);
    expect(diff.created.filter((e) => e.action === 'deny')).toHaveLength(10);
    expect(diff.deleted).toHaveLength(6);
  });

  test('a forced collision: the smaller range keeps the home, the other probes upward, and removal is still safe', () => {
    // GIVEN two ranges with the same home number
    const [small, large] = collidingPair();
    const home = homeRuleNumber(small, V4);
    expect(homeRuleNumber(large, V4)).toBe(home);

    // WHEN
    const onlyLarge = plan([large]);
    const both = plan([large, small]);
    const onlySmall = plan([small]);

    // THEN
    expect(numberOf(onlyLarge.entries, large)).toBe(home);
    expect(numberOf(both.entries, small)).toBe(home);
    expect(numberOf(both.entries, large)).toBe(home + 1);
    expect(numberOf(onlySmall.entries, small)).toBe(home);
    // adding the smaller range moves the larger one: an in-place update of slot `home`, plus a new slot home + 1
    const added = diffEntries(onlyLarge.entries, both.entries);
    expect(added.kept.find((k) => k.after.id === `IngressDeny${home}`)).toMatchObject({ before: { cidr: large }, after: { cidr: small } });
    expect(added.created.map((e) => e.id)).toEqual([`IngressDeny${home + 1}`, `EgressDeny${home + 1}`]);
    for (const [from, to] of [[onlyLarge, both], [both, onlyLarge], [both, onlySmall], [onlySmall, both]]) {
      expect(updateViolations(from.entries, to.entries)).toEqual([]);
    }
  });

  test('a displaced range never takes another range\'s home', () => {
    // GIVEN a tiny band where every range collides
    const band = { first: 100, last: 104 };
    const cidrs = ['a', 'b', 'c', 'd', 'e'];

    // WHEN
    const numbers = assignRuleNumbers(cidrs, band);

    // THEN every number is used once, and each home is held by the smallest range that hashes there
    expect(new Set(numbers.values()).size).toBe(5);
    for (const [cidr, n] of numbers) {
      const home = homeRuleNumber(cidr, band);
      const rivals = cidrs.filter((c) => homeRuleNumber(c, band) === home);
      if (cidr === rivals.sort()[0]) {
        expect(n).toBe(home);
      }
    }
  });

  test('fits 18 ranges per family by default and reports the 19th with the count, the capacity and the options', () => {
    // GIVEN
    expect(plan(hosts(18)).ok).toBe(true);

    // WHEN
    const p = plan(hosts(19));

    // THEN
    expect(p.ok).toBe(false);
    expect(p.entries).toEqual([]);
    const message = describeOverflow(p.ipv4, 20);
    expect(message).toMatch(/19 IPv4 ranges after an exact merge/);
    expect(message).toMatch(/room for 18 IPv4 deny entries per direction/);
    expect(message).toMatch(/raise the 'Rules per network ACL' quota \(up to 40\)/);
    expect(message).toMatch(new RegExp(`also blocks ${p.ipv4.overflowCoverExtra} IPv4 addresses.*maxCollateralIpv4Addresses to at least ${p.ipv4.overflowCoverExtra}`));
    expect(message).toMatch(/set overflowWaf .* for HTTP traffic/);
  });

  test('a raised quota fits 38 ranges per family and says so when even 40 is not enough', () => {
    expect(plan(hosts(38), { maxEntriesPerDirection: 40 }).ok).toBe(true);
    const p = plan(hosts(39), { maxEntriesPerDirection: 40 });
    expect(describeOverflow(p.ipv4, 40)).toMatch(/already at its maximum \(40\)/);
  });

  test('uses the lossy cover only within the collateral budget, and reports its exact cost', () => {
    // GIVEN 19 ranges that need 19 entries, and the cost of the best 18-entry cover
    const extra = plan(hosts(19)).ipv4.overflowCoverExtra!;
    expect(extra).toBeGreaterThan(0n);

    // WHEN
    const within = plan(hosts(19), { collateralBudget: { ipv4: extra, ipv6: 0n } });
    const short = plan(hosts(19), { collateralBudget: { ipv4: extra - 1n, ipv6: 0n } });

    // THEN
    expect(within.ok).toBe(true);
    expect(within.ipv4.lossy).toBe(true);
    expect(within.ipv4.extraAddresses).toBe(extra);
    expect(within.ipv4.denyCidrs.length).toBeLessThanOrEqual(18);
    const cover = mergeRanges(within.ipv4.denyCidrs.map((c) => parseCidr(c)));
    for (const h of hosts(19)) {
      const a = parseCidr(h);
      expect(cover.some((r) => r.first <= a.first && a.last <= r.last)).toBe(true);
    }
    expect(short.ok).toBe(false);
  });

  test('counts IPv6 collateral in /64 networks', () => {
    const cidrs = Array.from({ length: 19 }, (_, i) => `2001:db8:0:${i * 2}::/64`);
    const p = plan(cidrs);
    const extra = p.ipv6.overflowCoverExtra!;
    expect(extra % 2n ** 64n).toBe(0n);
    expect(describeOverflow(p.ipv6, 20)).toMatch(new RegExp(`maxCollateralIpv6Slash64s to at least ${extra / 2n ** 64n} \\(counted in /64 networks\\)`));
    expect(plan(cidrs, { collateralBudget: { ipv4: 0n, ipv6: extra } }).ipv6.lossy).toBe(true);
  });

  describe('update properties over random before/after sets', () => {
    const bandsFor = (small: boolean) => (small
      ? { ipv4: { first: 100, last: 139 }, ipv6: { first: 200, last: 239 } } // collisions on almost every run
      : undefined);

    test.each([false, true])('small bands: %s', (small) => {
      fc.assert(fc.property(updateArb, ({ before, after }) => {
        const options = { ...OPTIONS, maxEntriesPerDirection: 40, denyBands: bandsFor(small) };
        const b = planBlocklistNacl(before.map(formatCidr), options);
        const a = planBlocklistNacl(after.map(formatCidr), options);
        expect(b.ok && a.ok).toBe(true);

        // (b), (c), unique slots, and kept slots keep family and action
        expect(updateViolations(b.entries, a.entries)).toEqual([]);

        // deny entries hold exactly the merge of the set, and sit in their family band
        const bands = options.denyBands ?? { ipv4: V4, ipv6: V6 };
        for (const [p, set] of [[b, before], [a, after]] as const) {
          for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
            const expected = mergeRanges(set.filter((c) => c.family === family));
            const planned = mergeRanges(p.entries.filter((e) => e.action === 'deny' && e.family === family).map((e) => parseCidr(e.cidr)));
            expect(planned).toEqual(expected);
            const band = family === IpFamily.IPV4 ? bands.ipv4 : bands.ipv6;
            for (const e of p.entries.filter((x) => x.action === 'deny' && x.family === family)) {
              expect(e.ruleNumber).toBeGreaterThanOrEqual(band.first);
              expect(e.ruleNumber).toBeLessThanOrEqual(band.last);
            }
          }
        }

        // (a) a range present in both keeps its number, unless a hash collision displaced it in one of the plans;
        // a range at home before loses it only to a newly added, smaller range with the same home
        for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
          const band = family === IpFamily.IPV4 ? bands.ipv4 : bands.ipv6;
          const denies = (p: typeof a) => new Map(p.entries.filter((e) => !e.egress && e.action === 'deny' && e.family === family).map((e) => [e.cidr, e.ruleNumber]));
          const nb = denies(b);
          const na = denies(a);
          for (const [cidr, n] of nb) {
            const m = na.get(cidr);
            if (m === undefined) continue;
            const home = homeRuleNumber(cidr, band);
            if (n === home && m !== home) {
              expect([...na.keys()].some((other) => !nb.has(other) && other < cidr && homeRuleNumber(other, band) === home)).toBe(true);
            }
            if (n === home && m === home) {
              expect(m).toBe(n);
            }
            if (!small && n !== m) {
              expect(n !== home || m !== home).toBe(true);
            }
          }
        }
      }), { numRuns: 150 });
    });

    test('numbering does not depend on input order', () => {
      fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 0xffffff }), { minLength: 1, maxLength: 18 }), fc.integer(), (xs, seed) => {
        const cidrs: ParsedCidr[] = xs.map((x) => aligned(IpFamily.IPV4, BigInt(x) * 256n, 24, 32));
        const shuffled = [...cidrs].sort((p, q) => ((Number(p.first) * 7919 + seed) % 65521) - ((Number(q.first) * 7919 + seed) % 65521));
        const ids = (cs: ParsedCidr[]) => planBlocklistNacl(cs.map(formatCidr), OPTIONS).entries.map((e) => `${e.id}=${e.cidr}`).sort();
        expect(ids(shuffled)).toEqual(ids(cidrs));
      }), { numRuns: 50 });
    });
  });

  test('canonical CIDR strings are what gets hashed', () => {
    expect(formatCidr(parseCidr('2001:DB8:BAD::/48'))).toBe('2001:db8:bad::/48');
    expect(numberOf(plan(['2001:DB8:BAD::/48']).entries, '2001:db8:bad::/48')).toBe(homeRuleNumber('2001:db8:bad::/48', V6));
  });
});

describe('rule numbers are pinned: a change here renumbers every deployed blocklist', () => {
  test('fnv1a32 gives the published FNV-1a 32-bit test vectors', () => {
    // http://www.isthe.com/chongo/tech/comp/fnv/ (offset basis 0x811c9dc5, prime 0x01000193)
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  test('fixed home numbers of real CIDRs, in each band', () => {
    // Computed once, independently of this code (FNV-1a of the canonical string, mod 15,900, plus the band start).
    expect(homeRuleNumber('203.0.113.0/24', V4)).toBe(10876);
    expect(homeRuleNumber('198.51.100.0/24', V4)).toBe(431);
    expect(homeRuleNumber('10.0.0.0/8', V4)).toBe(9353);
    expect(homeRuleNumber('2001:db8:bad::/48', V6)).toBe(29546);
    const p = plan(['203.0.113.0/24', '198.51.100.0/24', '2001:db8:bad::/48']);
    expect(p.entries.map((e) => e.id)).toEqual([
      'IngressDeny431', 'IngressDeny10876', 'IngressDeny29546', 'IngressAllow32000', 'IngressAllow32001',
      'EgressDeny431', 'EgressDeny10876', 'EgressDeny29546', 'EgressAllow32000', 'EgressAllow32001',
    ]);
  });

  test('the layout of the bands and the quotas', () => {
    expect(BLOCKLIST_RULE_NUMBERS).toEqual({
      // 1-99 stay free for responders (a GuardDuty responder writes 71-80); reservedEntries counts them in the quota
      reserved: { first: 1, last: 99 },
      ipv4Deny: { first: 100, last: 15_999 },
      ipv6Deny: { first: 16_100, last: 31_999 },
      ipv4AllowAll: 32_000,
      ipv6AllowAll: 32_001,
    });
    expect([DEFAULT_MAX_ENTRIES_PER_DIRECTION, LARGEST_MAX_ENTRIES_PER_DIRECTION, NON_DENY_ENTRIES_PER_FAMILY]).toEqual([20, 40, 2]);
    expect(IPV6_BUDGET_UNIT).toBe(18446744073709551616n);
  });

  test('entry ids name the direction, the action and the slot', () => {
    expect(entryId(false, 'deny', 431)).toBe('IngressDeny431');
    expect(entryId(true, 'allow', 32000)).toBe('EgressAllow32000');
  });
});

describe('collisions at the top of a band wrap around to its bottom', () => {
  test('IPv6: a range displaced from 31,999 takes 16,100, never 32,000 (the IPv4 allow-all)', () => {
    // GIVEN three /48s whose home is 31,999, the last number of the IPv6 band
    const cidrs = ['2001:db8:3cc3::/48', '2001:db8:c180::/48', '2001:db8:d5de::/48'];
    for (const c of cidrs) {
      expect(homeRuleNumber(c, V6)).toBe(31_999);
    }

    // WHEN
    const p = plan([...cidrs].reverse());

    // THEN the smallest string keeps the home; the others wrap to the bottom of the band, in string order
    expect(p.ok).toBe(true);
    expect(cidrs.map((c) => numberOf(p.entries, c))).toEqual([31_999, 16_100, 16_101]);
    expect(cidrs.map((c) => numberOf(p.entries, c, true))).toEqual([31_999, 16_100, 16_101]);
    expect(p.entries.filter((e) => !e.egress).map((e) => e.ruleNumber)).toEqual([16_100, 16_101, 31_999, 32_000, 32_001]);
  });

  test('IPv4: a range displaced from 15,999 takes 100', () => {
    const [a, b] = ['198.1.189.0/24', '198.156.144.0/24'];
    expect([homeRuleNumber(a, V4), homeRuleNumber(b, V4)]).toEqual([15_999, 15_999]);
    const p = plan([b, a]);
    expect([numberOf(p.entries, a), numberOf(p.entries, b)]).toEqual([15_999, 100]);
  });

  test('a shared home goes to the smaller string, not the smaller address', () => {
    // GIVEN two /16s with the same home, where address order (5.58 < 5.159) and string order ('5.159' < '5.58') differ
    const [low, high] = ['5.58.0.0/16', '5.159.0.0/16'];
    expect([homeRuleNumber(low, V4), homeRuleNumber(high, V4)]).toEqual([6111, 6111]);
    // WHEN / THEN
    const p = plan([low, high]);
    expect([numberOf(p.entries, high), numberOf(p.entries, low)]).toEqual([6111, 6112]);
    expect(assignRuleNumbers([low, high], V4)).toEqual(new Map([[high, 6111], [low, 6112]]));
  });

  test('a displaced range skips every taken number, its own home included', () => {
    // GIVEN a band of 3 where every CIDR is placed
    const band = { first: 7, last: 9 };
    const numbers = assignRuleNumbers(['p', 'q', 'r'], band);
    expect([...numbers.values()].sort()).toEqual([7, 8, 9]);
    expect(assignRuleNumbers([], band).size).toBe(0);
  });

  test('more ranges than numbers in the band is refused, not looped on', () => {
    expect(() => assignRuleNumbers(['a', 'b', 'c', 'd', 'e', 'f'], { first: 100, last: 104 })).toThrow('Cannot number 6 entries in rule numbers 100-104');
    expect(assignRuleNumbers(['a', 'b', 'c', 'd', 'e'], { first: 100, last: 104 }).size).toBe(5);
  });
});

describe('planFamily outcomes', () => {
  test('an exact plan is not lossy and blocks nothing extra', () => {
    const p = plan(hosts(18));
    expect(p.ipv4).toMatchObject({ lossy: false, extraAddresses: 0n, capacity: 18, budget: 0n });
    expect(p.ipv4.overflowCoverExtra).toBeUndefined();
    expect(p.ipv4.denyCidrs).toEqual(p.ipv4.exactCidrs);
    expect(p.ipv6).toMatchObject({ lossy: false, exactCidrs: [], denyCidrs: [], capacity: 18 });
  });

  test('an exact plan within a budget is still exact', () => {
    const p = plan(hosts(3), { collateralBudget: { ipv4: 1000n, ipv6: 1000n } });
    expect(p.ipv4.lossy).toBe(false);
    expect(p.ipv4.denyCidrs).toHaveLength(3);
  });

  test('an IPv6 overflow fails the plan even when IPv4 fits', () => {
    // GIVEN 19 separate IPv6 /64s and one IPv4 range
    const v6 = Array.from({ length: 19 }, (_, i) => `2001:db8:0:${(i * 2).toString(16)}::/64`);

    // WHEN
    const p = plan(['192.0.2.0/24', ...v6]);

    // THEN
    expect(p.ok).toBe(false);
    expect(p.entries).toEqual([]);
    expect(p.ipv4.overflowCoverExtra).toBeUndefined();
    expect(p.ipv6.overflowCoverExtra).toBe(2n * 2n ** 64n); // two /64s between the closest pair
    expect(p.ipv6).toMatchObject({ lossy: false, denyCidrs: [], extraAddresses: 0n });
  });

  test('a cover that would be every address is refused whatever the budget', () => {
    // GIVEN a quota of 3 entries: room for 1 deny, and two ranges at both ends of the IPv4 space
    const options = { maxEntriesPerDirection: 3, collateralBudget: { ipv4: 2n ** 40n, ipv6: 0n } };

    // WHEN
    const p = plan(['1.0.0.0/8', '200.0.0.0/8'], options);

    // THEN
    expect(p.ok).toBe(false);
    expect(p.ipv4).toMatchObject({ coverIsEverything: true, lossy: false, denyCidrs: [], extraAddresses: 0n, capacity: 1 });
    const message = describeOverflow(p.ipv4, 3);
    expect(message).toMatch(/\(2\) a lossy cover cannot help: the best 1-entry cover is every IPv4 address, which a blocklist never means; \(3\)/);
    expect(message).not.toMatch(/accept a lossy cover/);
    // a cover that is not everything carries no such flag
    expect(plan(hosts(19)).ipv4.coverIsEverything).toBeUndefined();
  });

  test('a lossy IPv6 cover within the budget in /64 networks', () => {
    const v6 = Array.from({ length: 19 }, (_, i) => `2001:db8:0:${(i * 2).toString(16)}::/64`);
    const p = plan(v6, { collateralBudget: { ipv4: 0n, ipv6: 2n * 2n ** 64n } });
    expect(p.ok).toBe(true);
    expect(p.ipv6).toMatchObject({ lossy: true, extraAddresses: 2n * 2n ** 64n });
    expect(p.ipv6.denyCidrs).toHaveLength(18);
  });
});

describe('describeOverflow', () => {
  test('IPv6: the budget needed is rounded up to whole /64 networks, and the current budget is shown in /64s', () => {
    // GIVEN 19 separate IPv6 /128s: the best 18-entry cover blocks a few addresses, less than one /64
    const v6 = Array.from({ length: 19 }, (_, i) => `2001:db8::${(i * 4 + 1).toString(16)}/128`);
    const p = plan(v6, { collateralBudget: { ipv4: 0n, ipv6: 1n } });
    expect(p.ipv6.overflowCoverExtra! < 2n ** 64n).toBe(true);
    // WHEN
    const message = describeOverflow(p.ipv6, 20);
    // THEN
    expect(message).toContain(`(2) accept a lossy cover: the best 18-entry cover also blocks ${p.ipv6.overflowCoverExtra} IPv6 addresses that are not in the list; `
      + 'set maxCollateralIpv6Slash64s to at least 1 (counted in /64 networks) (now 0); ');
    expect(message).toMatch(/^blockedCidrs hold 19 IPv6 ranges after an exact merge, but the NACL has room for 18 IPv6 deny entries per direction \(maxEntriesPerDirection 20 minus the allow-all, '\*' and reserved entries\)\. Fix one of: \(1\) ask AWS/);
  });

  test('IPv4: the exact count of addresses, and the current budget', () => {
    const p = plan(hosts(19), { collateralBudget: { ipv4: 1n, ipv6: 0n } });
    const extra = p.ipv4.overflowCoverExtra!;
    expect(describeOverflow(p.ipv4, 39)).toContain(`set maxCollateralIpv4Addresses to at least ${extra} (now 1); (3) set overflowWaf to a PathAllowlistWaf: the ranges that do not fit are blocked there for HTTP traffic.`);
    expect(describeOverflow(p.ipv4, 39)).toMatch(/ask AWS to raise the 'Rules per network ACL' quota \(up to 40\) and set maxEntriesPerDirection to match; /);
    expect(describeOverflow(p.ipv4, 40)).toMatch(/\(1\) the quota is already at its maximum \(40\); merge or drop ranges; /);
  });

  test('a family that fits has nothing to describe beyond zero', () => {
    expect(describeOverflow(plan(hosts(1)).ipv4, 20)).toMatch(/also blocks 0 IPv4 addresses/);
  });
});
