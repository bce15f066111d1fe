import * as fc from 'fast-check';
import {
  decidePieces, describeEntry, describeEntryTraffic, describeRanges, missingRanges, NaclDirectionAnalysis, neverMatchesReason, portClasses,
  naclScopes, trafficClasses, TrafficClass,
} from '../../../src/analysis/model/model-nacl';
import { entryMatchesTraffic as entryMatches, evaluateNaclPacket, NaclEntryProperties, NormalizedNaclEntry, normalizeNaclEntries, orderedEntries } from '../../../src/analysis/model/nacl-evaluator';
import type { ModelResource, NaclEntryModel, NaclModel } from '../../../src/analysis/model/network-model';
import { IpFamily } from '../../../src/ip/family';
import { formatAddress, formatCidr, mergeRanges, parseCidr } from '../../../src/private/ip';

// Small IPv4 CIDRs inside 10.0.0.0/24 so random entries overlap often.
const cidr = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 }))
  .map(([host, prefix]) => {
    const size = 2 ** (32 - prefix);
    return `10.0.0.${Math.floor(host / size) * size}/${prefix}`;
  });
const entry: fc.Arbitrary<NaclEntryProperties> = fc.record({
  RuleNumber: fc.integer({ min: 1, max: 30 }),
  RuleAction: fc.constantFrom('allow', 'deny'),
  Protocol: fc.constantFrom(-1, 6, 17, 1),
  CidrBlock: cidr,
  from: fc.integer({ min: 0, max: 40 }),
  len: fc.integer({ min: 0, max: 20 }),
  type: fc.constantFrom(-1, 0, 8),
}).map((e) => ({
  Egress: false,
  RuleNumber: e.RuleNumber,
  RuleAction: e.RuleAction,
  Protocol: e.Protocol,
  CidrBlock: e.CidrBlock,
  PortRange: e.Protocol === 6 || e.Protocol === 17 ? { From: e.from, To: e.from + e.len } : undefined,
  Icmp: e.Protocol === 1 ? { Type: e.type, Code: -1 } : undefined,
}));

describe('decidePieces', () => {
  test('agrees with the packet evaluator for every class representative and address (property)', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), fc.integer({ min: 0, max: 255 }), (raw, host) => {
      const normalized = normalizeNaclEntries(raw);
      const ordered = orderedEntries(normalized, 'ingress', IpFamily.IPV4);
      const address = (10n << 24n) + BigInt(host);
      for (const c of trafficClasses(ordered)) {
        const piece = decidePieces(ordered, IpFamily.IPV4, c.traffic).find((p) => p.first <= address && address <= p.last)!;
        const verdict = evaluateNaclPacket(raw, { direction: 'ingress', address: formatAddress(IpFamily.IPV4, address), ...c.traffic });
        expect(piece.decider?.action ?? 'deny').toBe(verdict.action);
        expect(piece.decider?.ruleNumber ?? '*').toBe(verdict.ruleNumber);
      }
    }), { numRuns: 200 });
  });

  test('pieces are disjoint, sorted and cover the whole family (property)', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (raw) => {
      const ordered = orderedEntries(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      for (const c of trafficClasses(ordered)) {
        const pieces = decidePieces(ordered, IpFamily.IPV4, c.traffic);
        expect(pieces[0].first).toBe(0n);
        expect(pieces[pieces.length - 1].last).toBe((1n << 32n) - 1n);
        for (let i = 1; i < pieces.length; i++) {
          expect(pieces[i].first).toBe(pieces[i - 1].last + 1n);
        }
      }
    }), { numRuns: 100 });
  });
});

describe('NaclDirectionAnalysis', () => {
  test('every entry either decides something or is overtaken, never neither (property)', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), (raw) => {
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      for (const fate of analysis.fates()) {
        expect(fate.decides.length + fate.overtaken.length).toBeGreaterThan(0);
      }
    }), { numRuns: 100 });
  });

  test('decidedRanges are the merged ranges of the fate\'s decides in the classes asked for (property)', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 10 }), fc.constantFrom(6, 17, 1), (raw, protocol) => {
      // GIVEN any ingress entries and the classes of one protocol
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      const applies = (c: { traffic: { protocol: number } }) => c.traffic.protocol === protocol;
      for (const e of analysis.ordered) {
        // WHEN one entry's decided ranges are asked for THEN they equal its fate's, merged
        const expected = mergeRanges(analysis.fateOf(e).decides.filter((d) => applies(d.traffic)).map((d) => d.range));
        expect(analysis.decidedRanges(e, applies)).toEqual(expected);
      }
    }), { numRuns: 300 });
  });

  test('summaries count what the fates hold, entry by entry (property)', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 10 }), (raw) => {
      // GIVEN any ingress entries WHEN they are analysed
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      const fates = analysis.fates();
      // THEN each summary counts its entry's fate: decided pieces, overtaken pieces, and those an ALLOW takes
      expect(analysis.summaries().map((s) => [s.entry, s.decides, s.overtaken, s.overtakenByAllow])).toEqual(
        fates.map((f) => [f.entry, f.decides.length, f.overtaken.length, f.overtaken.filter((o) => o.by.action === 'allow').length]));
    }), { numRuns: 200 });
  });

  test.each([
    ['all allowed', [{ RuleNumber: 100, RuleAction: 'allow', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } }], 1n << 32n],
    ['a hole for a deny', [
      { RuleNumber: 90, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' },
      { RuleNumber: 100, RuleAction: 'allow', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 1024, To: 65535 } },
    ], (1n << 32n) - (1n << 24n)],
    ['only part of the range', [{ RuleNumber: 100, RuleAction: 'allow', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 32768, To: 65535 } }], 0n],
  ])('allowedForAllPorts: %s', (_name, raw, expected) => {
    const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw as NaclEntryProperties[]), 'ingress', IpFamily.IPV4);
    const allowed = analysis.allowedForAllPorts(6, 1024, 65535);
    expect(allowed.reduce((n, r) => n + r.last - r.first + 1n, 0n)).toBe(expected);
  });
});

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** One normalized inbound IPv4 entry, from template-shaped properties. */
function entryOf(props: Partial<NaclEntryProperties>): NormalizedNaclEntry {
  return normalizeNaclEntries([{ RuleNumber: 100, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0', ...props }])[0];
}
const tcp = (from: number, to: number, extra: Partial<NaclEntryProperties> = {}) =>
  entryOf({ Protocol: 6, PortRange: { From: from, To: to }, ...extra });

describe('portClasses', () => {
  test('with no entries, one class spans the whole range, top port included', () => {
    const described = (classes: TrafficClass[]) => classes.map((c) => ({ traffic: c.traffic, portTo: c.portTo, label: c.label }));
    expect(described(portClasses([], 6, 1024, 65535))).toEqual([{ traffic: { protocol: 6, port: 1024 }, portTo: 65535, label: 'tcp 1024-65535' }]);
    expect(described(portClasses([], 17, 53, 53))).toEqual([{ traffic: { protocol: 17, port: 53 }, portTo: 53, label: 'udp 53' }]);
  });

  test('cuts at every entry bound inside the range, and only there', () => {
    // GIVEN a low service port (outside the range), one entry ending at 65533 and one starting inside the range
    const entries = [tcp(22, 22), tcp(1024, 65533), tcp(40000, 70000), entryOf({ Protocol: 17, PortRange: { From: 2000, To: 3000 } })];

    // WHEN
    const classes = portClasses(entries, 6, 1024, 65535);

    // THEN the classes tile 1024-65535 exactly: the top ports 65534-65535 get their own class
    expect(classes.map((c) => [c.traffic.port, c.portTo, c.label])).toEqual([
      [1024, 39999, 'tcp 1024-39999'],
      [40000, 65533, 'tcp 40000-65533'],
      [65534, 65535, 'tcp 65534-65535'],
    ]);
  });

  test('an empty PortRange (From > To) makes no cut', () => {
    expect(portClasses([tcp(3000, 2000)], 6, 0, 65535).map((c) => c.label)).toEqual(['tcp 0-65535']);
  });

  test('a cut on the first port of the range, and a one-port class', () => {
    expect(portClasses([tcp(1024, 1024)], 6, 1024, 2000).map((c) => c.label)).toEqual(['tcp 1024', 'tcp 1025-2000']);
  });
});

describe('trafficClasses', () => {
  test('an all-protocols NACL is one class; the representative protocol is one no entry names', () => {
    expect(trafficClasses([entryOf({})])).toEqual([{ traffic: { protocol: 253 }, label: 'all traffic' }]);
    const named = trafficClasses([entryOf({ Protocol: 253 }), entryOf({ Protocol: 254 }), entryOf({ Protocol: 47 })]);
    expect(named.map((c) => [c.traffic.protocol, c.label])).toEqual([
      [47, 'protocol 47'], [253, 'protocol 253'], [254, 'protocol 254'], [255, 'any other protocol'],
    ]);
  });

  test('the representative of "any other protocol" wraps past 255', () => {
    const classes = trafficClasses([253, 254, 255].map((p) => entryOf({ Protocol: p })));
    expect(classes[classes.length - 1]).toEqual({ traffic: { protocol: 0 }, label: 'any other protocol' });
  });

  test('TCP and UDP classes are cut per protocol, in protocol order', () => {
    const classes = trafficClasses([entryOf({ Protocol: 17, PortRange: { From: 53, To: 53 } }), tcp(443, 443)]);
    expect(classes.map((c) => c.label)).toEqual(['tcp 0-442', 'tcp 443', 'tcp 444-65535', 'udp 0-52', 'udp 53', 'udp 54-65535', 'any other protocol']);
  });

  test('ICMP classes: every named type and code, and an unused type and code for the rest', () => {
    const classes = trafficClasses([
      entryOf({ Protocol: 1, Icmp: { Type: 3, Code: 4 } }),
      entryOf({ Protocol: 1, Icmp: { Type: 8, Code: -1 } }),
    ]);
    expect(classes.map((c) => [c.traffic, c.label])).toEqual([
      [{ protocol: 1, icmpType: 3, icmpCode: 4 }, 'icmp type 3 code 4'],
      [{ protocol: 1, icmpType: 3, icmpCode: 255 }, 'icmp type 3 other codes'],
      [{ protocol: 1, icmpType: 8, icmpCode: 4 }, 'icmp type 8 code 4'],
      [{ protocol: 1, icmpType: 8, icmpCode: 255 }, 'icmp type 8 other codes'],
      [{ protocol: 1, icmpType: 255, icmpCode: 4 }, 'icmp other types code 4'],
      [{ protocol: 1, icmpType: 255, icmpCode: 255 }, 'icmp other types other codes'],
      [{ protocol: 253 }, 'any other protocol'],
    ]);
  });

  test('ICMPv6 with all types and codes; the unused type steps down past named ones', () => {
    const v6 = (type: number, code: number) => normalizeNaclEntries([{ RuleNumber: 1, RuleAction: 'allow', Protocol: 58, Ipv6CidrBlock: '::/0', Icmp: { Type: type, Code: code } }])[0];
    expect(trafficClasses([v6(-1, -1)]).map((c) => [c.traffic, c.label])).toEqual([
      [{ protocol: 58, icmpType: 255, icmpCode: 255 }, 'icmpv6 other types'],
      [{ protocol: 253 }, 'any other protocol'],
    ]);
    expect(trafficClasses([v6(255, 255), v6(254, -1)]).slice(0, 4).map((c) => c.traffic)).toEqual([
      { protocol: 58, icmpType: 255, icmpCode: 255 },
      { protocol: 58, icmpType: 255, icmpCode: 254 },
      { protocol: 58, icmpType: 254, icmpCode: 255 },
      { protocol: 58, icmpType: 254, icmpCode: 254 },
    ]);
  });
});

describe('neverMatchesReason', () => {
  test('names empty port ranges and ICMP of the wrong family; other entries can match', () => {
    expect(neverMatchesReason(tcp(3000, 2000))).toBe('its PortRange 3000-2000 is empty (From > To)');
    expect(neverMatchesReason(tcp(2000, 2000))).toBeUndefined();
    expect(neverMatchesReason(normalizeNaclEntries([{ RuleNumber: 1, RuleAction: 'allow', Protocol: 1, Ipv6CidrBlock: '::/0', Icmp: { Type: -1, Code: -1 } }])[0]))
      .toBe('protocol 1 (ICMP) never occurs in IPv6 traffic; IPv6 uses protocol 58 (ICMPv6)');
    expect(neverMatchesReason(entryOf({ Protocol: 58, Icmp: { Type: -1, Code: -1 } })))
      .toBe('protocol 58 (ICMPv6) never occurs in IPv4 traffic; IPv4 uses protocol 1 (ICMP)');
    expect(neverMatchesReason(entryOf({ Protocol: 1, Icmp: { Type: -1, Code: -1 } }))).toBeUndefined();
    expect(neverMatchesReason(normalizeNaclEntries([{ RuleNumber: 1, RuleAction: 'allow', Protocol: 58, Ipv6CidrBlock: '::/0', Icmp: { Type: -1, Code: -1 } }])[0])).toBeUndefined();
  });

  test('decidePieces passes over an entry that can never match', () => {
    const ordered = [tcp(3000, 2000, { RuleAction: 'deny' }), tcp(0, 65535, { RuleNumber: 200 })];
    expect(decidePieces(ordered, IpFamily.IPV4, { protocol: 6, port: 2500 })).toEqual([{ first: 0n, last: (1n << 32n) - 1n, decider: ordered[1] }]);
  });
});

describe('NaclDirectionAnalysis: exact fates and return paths', () => {
  test('fates: what each entry decides and which earlier entry overtakes it, per class', () => {
    // GIVEN a DENY of 10.0.0.0/8 tcp 22 before an ALLOW of everything tcp, and an entry that never matches
    const entries = normalizeNaclEntries([
      { RuleNumber: 200, RuleAction: 'allow', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 0, To: 65535 } },
      { RuleNumber: 100, RuleAction: 'deny', Protocol: 6, CidrBlock: '10.0.0.0/8', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 300, RuleAction: 'allow', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 9, To: 8 } },
      { RuleNumber: 50, RuleAction: 'allow', Protocol: 6, CidrBlock: '192.0.2.0/24', PortRange: { From: 0, To: 65535 }, Egress: true },
    ]);

    // WHEN
    const analysis = new NaclDirectionAnalysis(entries, 'ingress', IpFamily.IPV4);
    const fates = analysis.fates();

    // THEN entries in rule-number order; egress entries are not part of the ingress analysis
    expect(fates.map((f) => f.entry.ruleNumber)).toEqual([100, 200, 300]);
    const [deny, allow, never] = fates;
    expect(deny.decides.map((d) => [formatCidr({ ...d.range, prefixLength: 8 }), d.traffic.label])).toEqual([['10.0.0.0/8', 'tcp 22']]);
    expect(deny.overtaken).toEqual([]);
    const tenSlash8 = { family: IpFamily.IPV4, first: 10n << 24n, last: (11n << 24n) - 1n };
    expect(allow.overtaken).toEqual([{ by: deny.entry, range: tenSlash8, traffic: analysis.classes[1] }]);
    expect(allow.decides.map((d) => [d.range.first, d.range.last, d.traffic.label])).toEqual([
      [0n, (1n << 32n) - 1n, 'tcp 0-21'],
      [0n, (10n << 24n) - 1n, 'tcp 22'],
      [11n << 24n, (1n << 32n) - 1n, 'tcp 22'],
      [0n, (1n << 32n) - 1n, 'tcp 23-65535'],
    ]);
    expect(never).toEqual({ entry: never.entry, decides: [], overtaken: [] });
    // the counts the rules read, cached; one entry's fate on its own is the same as in the list
    const counts = analysis.summaries().map((f) => [f.entry.ruleNumber, f.decides, f.overtaken, f.overtakenByAllow]);
    expect(counts).toEqual([[100, 1, 0, 0], [200, 4, 1, 0], [300, 0, 0, 0]]);
    expect(analysis.summaries()).toBe(analysis.summaries());
    expect(analysis.fateOf(allow.entry)).toEqual(allow);
    expect(analysis.piecesOf(1).map((p) => p.decider?.ruleNumber)).toEqual([200, 100, 200]);
  });

  test('a piece of a narrow entry is clipped to the entry, inside a wider piece', () => {
    const entries = normalizeNaclEntries([
      { RuleNumber: 100, RuleAction: 'allow', Protocol: -1, CidrBlock: '10.0.0.0/8' },
      { RuleNumber: 200, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.1.0.0/16' },
    ]);
    const [, inner] = new NaclDirectionAnalysis(entries, 'ingress', IpFamily.IPV4).fates();
    expect(inner.decides).toEqual([]);
    expect(inner.overtaken.map((o) => [o.range.first, o.range.last])).toEqual([[(10n << 24n) + (1n << 16n), (10n << 24n) + (2n << 16n) - 1n]]);
  });

  test('fateOf an entry of another NACL (sharing an index with one of these) clips the pieces of every class it matches (property)', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), entry, (raw, other) => {
      // GIVEN an analysis, and an entry that is not one of its own but has the index of its first entry
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      const foreign = normalizeNaclEntries([other])[0];
      // WHEN its fate is asked for
      const fate = analysis.fateOf(foreign);
      // THEN it decides nothing, and is overtaken wherever a piece of a class it matches is decided, clipped to its range
      const expected = analysis.classes.flatMap((c) => (neverMatchesReason(foreign) !== undefined || !entryMatches(foreign, c.traffic) ? [] :
        decidePieces(analysis.ordered, IpFamily.IPV4, c.traffic)
          .filter((p) => p.decider !== undefined && p.last >= foreign.range.first && p.first <= foreign.range.last)
          .map((p) => [p.decider, max(p.first, foreign.range.first), min(p.last, foreign.range.last)])));
      expect(fate.decides).toEqual([]);
      expect(fate.overtaken.map((o) => [o.by, o.range.first, o.range.last])).toEqual(expected);
    }), { numRuns: 300 });
  });

  test('fateOf an entry of the other family touches no piece of this one', () => {
    // GIVEN an IPv4 analysis and an IPv6 entry
    const analysis = new NaclDirectionAnalysis([entryOf({ RuleAction: 'deny', CidrBlock: '10.0.0.0/8' })], 'ingress', IpFamily.IPV4);
    const v6 = normalizeNaclEntries([{ RuleNumber: 100, RuleAction: 'allow', Protocol: -1, Ipv6CidrBlock: '::/0' }])[0];
    // WHEN its fate is asked for THEN it decides nothing and nothing overtakes it
    expect(analysis.fateOf(v6)).toEqual({ entry: v6, decides: [], overtaken: [] });
  });

  test('a NACL of 40,000 entries (a threat feed written out as DENYs) is split in near-linear time', () => {
    // GIVEN 40,000 DENYs of single addresses one apart, an ALLOW of everything, and a DENY the ALLOW shadows
    const denies = Array.from({ length: 40_000 }, (_, i) => ({
      RuleNumber: i + 1, RuleAction: 'deny', Protocol: -1, CidrBlock: formatCidr({ family: IpFamily.IPV4, first: BigInt(2 * i + 1), last: BigInt(2 * i + 1), prefixLength: 32 }),
    }));
    const entries = normalizeNaclEntries([
      ...denies,
      { RuleNumber: 50_000, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 50_001, RuleAction: 'deny', Protocol: -1, CidrBlock: '0.0.0.0/16' },
    ]);
    // WHEN it is analysed (splitting address by address, each entry against every piece left, took tens of seconds)
    const started = Date.now();
    const summaries = new NaclDirectionAnalysis(entries, 'ingress', IpFamily.IPV4).summaries();
    // THEN each DENY decides its address, the ALLOW the 40,001 gaps (overtaken at each DENY), and the last DENY is
    // overtaken in every piece of its /16: by a DENY at each odd address, by the ALLOW at each even one
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(summaries.slice(0, 40_000).every((s) => s.decides === 1 && s.overtaken === 0)).toBe(true);
    expect(summaries[40_000]).toMatchObject({ decides: 40_001, overtaken: 40_000, overtakenByAllow: 0 });
    expect(summaries[40_001]).toMatchObject({ decides: 0, overtaken: 32_768 + 32_768, overtakenByAllow: 32_768 });
  });

  test('allowedForAllPorts: the top ephemeral ports count (an ALLOW of 1024-65533 does not cover 1024-65535)', () => {
    const almost = new NaclDirectionAnalysis([tcp(1024, 65533, { Egress: true })], 'egress', IpFamily.IPV4);
    expect(almost.allowedForAllPorts(6, 1024, 65535)).toEqual([]);
    const full = new NaclDirectionAnalysis([tcp(1024, 65535, { Egress: true })], 'egress', IpFamily.IPV4);
    expect(full.allowedForAllPorts(6, 1024, 65535)).toEqual([{ family: IpFamily.IPV4, first: 0n, last: (1n << 32n) - 1n }]);
  });

  test('allowedForAllPorts: a DENY on a low port is outside the ephemeral range and takes nothing from it', () => {
    const analysis = new NaclDirectionAnalysis([
      tcp(80, 80, { RuleNumber: 50, RuleAction: 'deny', Egress: true }),
      tcp(0, 1023, { RuleNumber: 60, RuleAction: 'deny', Egress: true, CidrBlock: '10.0.0.0/8' }),
      tcp(0, 65535, { RuleNumber: 100, Egress: true }),
    ], 'egress', IpFamily.IPV4);
    expect(analysis.allowedForAllPorts(6, 1024, 65535)).toEqual([{ family: IpFamily.IPV4, first: 0n, last: (1n << 32n) - 1n }]);
  });

  test('allowedForAllPorts: an ALLOW of another protocol, or only part of the range, leaves addresses out', () => {
    const analysis = new NaclDirectionAnalysis([
      entryOf({ Protocol: 17, PortRange: { From: 0, To: 65535 }, Egress: true }),
      tcp(1024, 65535, { RuleNumber: 110, Egress: true, CidrBlock: '10.0.0.0/8' }),
      tcp(1024, 40000, { RuleNumber: 120, Egress: true, CidrBlock: '192.0.2.0/24' }),
    ], 'egress', IpFamily.IPV4);
    expect(analysis.allowedForAllPorts(6, 1024, 65535)).toEqual([{ family: IpFamily.IPV4, first: 10n << 24n, last: (11n << 24n) - 1n }]);
  });
});

describe('descriptions', () => {
  test('describeRanges: one CIDR, several, none', () => {
    const r = (text: string) => {
      const p = parseCidr(text);
      return { family: p.family, first: p.first, last: p.last };
    };
    expect(describeRanges([r('10.0.0.0/8')])).toBe('10.0.0.0/8');
    expect(describeRanges([r('10.0.0.0/8'), r('192.0.2.0/24')])).toBe('10.0.0.0/8 and 1 more block');
    expect(describeRanges([{ family: IpFamily.IPV4, first: 1n, last: 6n }])).toBe('0.0.0.1/32 and 3 more blocks');
    expect(describeRanges([])).toBe('no addresses');
  });

  test('describeEntry and describeEntryTraffic', () => {
    expect(describeEntry(tcp(443, 443))).toBe('rule 100 (ALLOW 0.0.0.0/0 tcp 443)');
    expect(describeEntry(entryOf({ RuleAction: 'deny', CidrBlock: '10.0.0.0/8' }))).toBe('rule 100 (DENY 10.0.0.0/8 all traffic)');
    expect(describeEntryTraffic(entryOf({ Protocol: 17, PortRange: { From: 1024, To: 65535 } }))).toBe('udp 1024-65535');
    expect(describeEntryTraffic(tcp(22, 22))).toBe('tcp 22');
    expect(describeEntryTraffic(entryOf({ Protocol: 1, Icmp: { Type: 8, Code: 0 } }))).toBe('icmp type 8 code 0');
    expect(describeEntryTraffic(entryOf({ Protocol: 1, Icmp: { Type: -1, Code: -1 } }))).toBe('icmp all types');
    expect(describeEntryTraffic(normalizeNaclEntries([{ RuleNumber: 1, RuleAction: 'allow', Protocol: 58, Ipv6CidrBlock: '::/0', Icmp: { Type: 128, Code: -1 } }])[0])).toBe('icmpv6 type 128');
    expect(describeEntryTraffic(entryOf({ Protocol: 47 }))).toBe('protocol 47');
  });

  test('missingRanges: what is wanted and not allowed, merged', () => {
    const v4 = (first: bigint, last: bigint) => ({ family: IpFamily.IPV4, first, last });
    expect(missingRanges([v4(0n, 9n), v4(10n, 19n)], [v4(5n, 7n)])).toEqual([v4(0n, 4n), v4(8n, 19n)]);
  });
});

describe('naclScopes', () => {
  // A hand-built NACL model (no CDK): each entry's site is a plain resource record.
  const stack = { id: 'Stack', stackName: 'Stack', template: {} };
  const site = (path: string): ModelResource => ({ key: `id:Stack/${path}`, stack, logicalId: path, type: 'AWS::EC2::NetworkAclEntry', path, properties: {} });
  function modelEntry(path: string, props: Partial<NaclEntryProperties> | undefined, known: Partial<NaclEntryModel> = {}): NaclEntryModel {
    const normalizedEntry = props ? entryOf(props) : undefined;
    return {
      resource: site(path),
      naclKey: 'id:Nacl',
      egress: normalizedEntry ? normalizedEntry.direction === 'egress' : undefined,
      family: normalizedEntry?.range.family,
      ruleNumber: normalizedEntry?.ruleNumber,
      normalized: normalizedEntry,
      unknown: normalizedEntry ? undefined : 'a value is unresolved',
      ...known,
    };
  }
  const naclOf = (entries: NaclEntryModel[]): NaclModel => ({ resource: site('Nacl'), key: 'id:Nacl', vpcKey: 'id:Vpc', entries, associations: [] });

  test('four scopes in a fixed order, each with its own entries, analysed once', () => {
    // GIVEN inbound IPv4, outbound IPv4 and inbound IPv6 entries
    const in4 = modelEntry('In4', { RuleNumber: 100 });
    const out4 = modelEntry('Out4', { RuleNumber: 100, Egress: true });
    const in6 = modelEntry('In6', { RuleNumber: 100, CidrBlock: undefined, Ipv6CidrBlock: '::/0' });
    const nacl = naclOf([in4, out4, in6]);

    // WHEN
    const scopes = naclScopes(nacl);

    // THEN
    expect(scopes.map((s) => [s.direction, s.family, s.analysis?.ordered.length, s.unknownEntries.length])).toEqual([
      ['ingress', IpFamily.IPV4, 1, 0],
      ['ingress', IpFamily.IPV6, 1, 0],
      ['egress', IpFamily.IPV4, 1, 0],
      ['egress', IpFamily.IPV6, 0, 0],
    ]);
    expect(scopes[0].siteOf(scopes[0].analysis!.ordered[0])).toBe(in4);
    expect(scopes[1].siteOf(scopes[1].analysis!.ordered[0])).toBe(in6);
    expect(scopes[2].siteOf(scopes[2].analysis!.ordered[0])).toBe(out4);
    expect(scopes.every((s) => s.nacl === nacl)).toBe(true);
    expect(naclScopes(nacl)).toBe(scopes);
  });

  test('entries are renumbered by position within their scope (the tie-break for equal rule numbers)', () => {
    const a = modelEntry('A', { RuleNumber: 100, Egress: true });
    const b = modelEntry('B', { RuleNumber: 100 });
    const c = modelEntry('C', { RuleNumber: 100, RuleAction: 'deny' });
    const [ingress] = naclScopes(naclOf([a, b, c]));
    expect(ingress.analysis!.ordered.map((e) => [ingress.siteOf(e).resource.path, e.index])).toEqual([['B', 0], ['C', 1]]);
  });

  test('an unresolved entry makes every scope it may belong to unknown, and only those', () => {
    // GIVEN an inbound IPv4 entry with an unresolved value, an entry of unknown direction (IPv6), and one of unknown family
    const unresolved = modelEntry('Unresolved', undefined, { egress: false, family: IpFamily.IPV4 });
    const anyDirection = modelEntry('AnyDirection', undefined, { egress: undefined, family: IpFamily.IPV6 });
    const anyFamily = modelEntry('AnyFamily', undefined, { egress: true, family: undefined });
    const known = modelEntry('Known', { RuleNumber: 100 });

    // WHEN
    const scopes = naclScopes(naclOf([unresolved, anyDirection, anyFamily, known]));

    // THEN
    expect(scopes.map((s) => [s.direction, s.family, s.analysis === undefined, s.unknownEntries.map((e) => e.resource.path)])).toEqual([
      ['ingress', IpFamily.IPV4, true, ['Unresolved']],
      ['ingress', IpFamily.IPV6, true, ['AnyDirection']],
      ['egress', IpFamily.IPV4, true, ['AnyFamily']],
      ['egress', IpFamily.IPV6, true, ['AnyDirection', 'AnyFamily']],
    ]);
  });

  test('a scope with only known entries is analysed even when other scopes are not', () => {
    const scopes = naclScopes(naclOf([modelEntry('Out6', undefined, { egress: true, family: IpFamily.IPV6 }), modelEntry('In4', { RuleNumber: 7 })]));
    expect(scopes[0].analysis!.ordered.map((e) => e.ruleNumber)).toEqual([7]);
    expect(scopes[0].unknownEntries).toEqual([]);
    expect(scopes[3].analysis).toBeUndefined();
  });
});

describe('classes and pieces: entries of the other ICMP and the last port', () => {
  const icmpV6OnIpv6 = () => normalizeNaclEntries([{ RuleNumber: 1, RuleAction: 'allow', Protocol: 58, Ipv6CidrBlock: '::/0', Icmp: { Type: 128, Code: -1 } }])[0];
  const icmpOnIpv6 = () => normalizeNaclEntries([{ RuleNumber: 1, RuleAction: 'allow', Protocol: 1, Ipv6CidrBlock: '::/0', Icmp: { Type: 8, Code: 3 } }])[0];

  test('a port class can be the last port of the range alone', () => {
    expect(portClasses([tcp(65535, 65535)], 6, 1024, 65535).map((c) => c.label)).toEqual(['tcp 1024-65534', 'tcp 65535']);
  });

  test('ICMP classes come from ICMP entries only, ICMPv6 classes from ICMPv6 entries only', () => {
    const classes = trafficClasses([entryOf({ Protocol: 1, Icmp: { Type: 3, Code: -1 } }), icmpV6OnIpv6()]);
    expect(classes.map((c) => c.label)).toEqual(['icmp type 3', 'icmp other types', 'icmpv6 type 128', 'icmpv6 other types', 'any other protocol']);
  });

  test('an entry that can never match makes no class and decides no piece', () => {
    const never = icmpOnIpv6();
    expect(new NaclDirectionAnalysis([never], 'ingress', IpFamily.IPV6).classes.map((c) => c.label)).toEqual(['all traffic']);
    expect(decidePieces([never], IpFamily.IPV6, { protocol: 1, icmpType: 8, icmpCode: 3 })).toEqual([{ first: 0n, last: (1n << 128n) - 1n }]);
  });
});
