import * as fc from 'fast-check';
import { missingRanges, NaclDirectionAnalysis, neverMatchesReason } from '../../../src/analysis/model/model-nacl';
import { NaclEntryProperties, NormalizedNaclEntry, normalizeNaclEntries, orderedEntries } from '../../../src/analysis/model/nacl-evaluator';
import {
  decidedAtLeast, everyLiveEntryDecides, mayShadowADeny, returnsSurelyAllowed, surelyNoAllowlist,
} from '../../../src/analysis/model/nacl-quick';
import { IpFamily } from '../../../src/ip/family';

// The cheap tests may say "cannot tell" as often as they like, but never "nothing to report" where the exact analysis
// finds something: each property checks that direction against NaclDirectionAnalysis on random entries. The ranges
// overlap often (small blocks inside 10.0.0.0/24, and a few wide ones), and so do the ports.
const cidr = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 })).map(([host, prefix]) => `10.0.0.${host & ~(2 ** (32 - prefix) - 1)}/${prefix}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('0.0.0.0/0', '0.0.0.0/1', '10.0.0.0/8', '128.0.0.0/1') },
);
const entry = (egress: boolean): fc.Arbitrary<NaclEntryProperties> => fc.record({
  RuleNumber: fc.integer({ min: 1, max: 30 }),
  RuleAction: fc.constantFrom('allow', 'deny'),
  Protocol: fc.constantFrom(-1, -1, 6, 17, 1, 50),
  CidrBlock: cidr,
  from: fc.constantFrom(0, 3, 10, 20, 30),
  len: fc.constantFrom(0, 5, 20, 65535),
  type: fc.constantFrom(-1, 0, 8),
  code: fc.constantFrom(-1, 0),
}).map((e) => ({
  Egress: egress,
  RuleNumber: e.RuleNumber,
  RuleAction: e.RuleAction,
  Protocol: e.Protocol,
  CidrBlock: e.CidrBlock,
  // Some ranges reach 65535, one shape is empty (30-2: From > To, an entry that can never match).
  PortRange: e.Protocol === 6 || e.Protocol === 17 ? { From: e.from, To: emptyOr(e.from, e.len) } : undefined,
  Icmp: e.Protocol === 1 ? { Type: e.type, Code: e.code } : undefined,
}));
function emptyOr(from: number, len: number): number {
  return len === 0 && from === 30 ? 2 : Math.min(65535, from + len);
}
const ingress = fc.array(entry(false), { maxLength: 8 });
const egress = fc.array(entry(true), { maxLength: 8 });
const HALF = 1n << 31n;

function analysed(raw: NaclEntryProperties[], direction: 'ingress' | 'egress'): { ordered: NormalizedNaclEntry[]; analysis: NaclDirectionAnalysis } {
  const normalized = normalizeNaclEntries(raw);
  const analysis = new NaclDirectionAnalysis(normalized, direction, IpFamily.IPV4);
  return { ordered: orderedEntries(normalized, direction, IpFamily.IPV4), analysis };
}

/** The classes of `protocol` traffic, as NaclReturnTraffic picks them. */
function classesOf(analysis: NaclDirectionAnalysis, protocol: number) {
  const named = analysis.classes.some((c) => c.traffic.protocol === protocol);
  return (c: { traffic: { protocol: number } }, i: number) => c.traffic.protocol === protocol || (!named && i === analysis.classes.length - 1);
}

describe('mayShadowADeny', () => {
  test('when it says no DENY can be shadowed, no DENY is overtaken by an ALLOW (property)', () => {
    fc.assert(fc.property(ingress, (raw) => {
      const { ordered, analysis } = analysed(raw, 'ingress');
      if (!mayShadowADeny(ordered)) {
        expect(analysis.summaries().filter((s) => s.entry.action === 'deny' && s.overtakenByAllow > 0)).toEqual([]);
      }
    }), { numRuns: 500 });
  });

  test('GIVEN a blocklist (DENYs, then ALLOW all) THEN no DENY can be shadowed; GIVEN the ALLOW numbered first THEN it cannot tell', () => {
    const blocklist: NaclEntryProperties[] = [
      { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '198.51.100.0/24' },
      { RuleNumber: 101, RuleAction: 'deny', Protocol: -1, CidrBlock: '203.0.113.0/24' },
      { RuleNumber: 1000, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' },
    ];
    expect(mayShadowADeny(analysed(blocklist, 'ingress').ordered)).toBe(false);
    expect(mayShadowADeny(analysed([...blocklist, { RuleNumber: 50, RuleAction: 'allow', Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '0.0.0.0/0' }], 'ingress').ordered)).toBe(true);
    // An ALLOW of protocol 50 alone, numbered before the DENYs of all traffic, takes their protocol 50 packets.
    expect(mayShadowADeny(analysed([...blocklist, { RuleNumber: 50, RuleAction: 'allow', Protocol: 50, CidrBlock: '0.0.0.0/0' }], 'ingress').ordered)).toBe(true);
    expect(mayShadowADeny(analysed([
      { RuleNumber: 50, RuleAction: 'allow', Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, RuleAction: 'deny', Protocol: 17, PortRange: { From: 53, To: 53 }, CidrBlock: '198.51.100.0/24' },
    ], 'ingress').ordered)).toBe(false);
  });
});

describe('decidedAtLeast and everyLiveEntryDecides', () => {
  test('an entry decides at least that many addresses in one class of traffic (property)', () => {
    fc.assert(fc.property(ingress, (raw) => {
      const { ordered, analysis } = analysed(raw, 'ingress');
      ordered.forEach((e, i) => {
        const bound = decidedAtLeast(ordered, i);
        const byClass = new Map<unknown, bigint>();
        for (const d of analysis.fateOf(e).decides) {
          byClass.set(d.traffic, (byClass.get(d.traffic) ?? 0n) + d.range.last - d.range.first + 1n);
        }
        const most = [...byClass.values()].reduce((a, b) => (a > b ? a : b), 0n);
        expect(most >= bound).toBe(true);
      });
    }), { numRuns: 500 });
  });

  test('the same holds for IPv6 entries, counted in BigInt (property)', () => {
    // The small IPv4 blocks moved into 2001:db8::/104 (prefix + 80), the wide ones to ::/0 and blocks at 8000::, so
    // the ranges overlap alike; ICMP becomes ICMPv6.
    const toIpv6 = (raw: NaclEntryProperties): NaclEntryProperties => {
      const [address, prefix] = String(raw.CidrBlock).split('/');
      const small = address.startsWith('10.0.0.');
      const ipv6 = small ? `2001:db8::${address.split('.')[3]}/${Number(prefix) + 80}` : prefix === '0' ? '::/0' : `8000::/${prefix}`;
      const protocol = raw.Protocol === 1 ? 58 : raw.Protocol;
      return { ...raw, CidrBlock: undefined, Ipv6CidrBlock: ipv6, Protocol: protocol, Icmp: protocol === 58 ? raw.Icmp : undefined };
    };
    fc.assert(fc.property(ingress, (raw) => {
      const normalized = normalizeNaclEntries(raw.map(toIpv6));
      const analysis = new NaclDirectionAnalysis(normalized, 'ingress', IpFamily.IPV6);
      const ordered = orderedEntries(normalized, 'ingress', IpFamily.IPV6);
      ordered.forEach((e, i) => {
        const bound = decidedAtLeast(ordered, i);
        const byClass = new Map<unknown, bigint>();
        for (const d of analysis.fateOf(e).decides) {
          byClass.set(d.traffic, (byClass.get(d.traffic) ?? 0n) + d.range.last - d.range.first + 1n);
        }
        expect([...byClass.values()].reduce((a, b) => (a > b ? a : b), 0n) >= bound).toBe(true);
      });
      if (everyLiveEntryDecides(ordered)) {
        expect(analysis.summaries().filter((s) => neverMatchesReason(s.entry) === undefined && s.decides === 0)).toEqual([]);
      }
    }), { numRuns: 300 });
  });

  test('when it says every live entry decides, every live entry decides some packet (property)', () => {
    fc.assert(fc.property(ingress, (raw) => {
      const { ordered, analysis } = analysed(raw, 'ingress');
      if (everyLiveEntryDecides(ordered)) {
        expect(analysis.summaries().filter((s) => neverMatchesReason(s.entry) === undefined && s.decides === 0)).toEqual([]);
      }
    }), { numRuns: 500 });
  });

  test('GIVEN DENYs of disjoint blocks, an ALLOW of tcp 443 and ALLOW all THEN each decides: the ALLOW all every address but the blocks', () => {
    const { ordered } = analysed([
      { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '198.51.100.0/24' },
      { RuleNumber: 101, RuleAction: 'deny', Protocol: -1, CidrBlock: '203.0.113.0/24' },
      { RuleNumber: 900, RuleAction: 'allow', Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 1000, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' },
    ], 'ingress');
    expect(ordered.map((_, i) => decidedAtLeast(ordered, i))).toEqual([256n, 256n, (1n << 32n) - 512n, (1n << 32n) - 512n]);
    expect(everyLiveEntryDecides(ordered)).toBe(true);
  });

  test('GIVEN an entry inside an earlier one of the same traffic THEN it cannot tell; an entry that can never match decides nothing', () => {
    const { ordered } = analysed([
      { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' },
      { RuleNumber: 200, RuleAction: 'allow', Protocol: 6, PortRange: { From: 22, To: 22 }, CidrBlock: '10.1.0.0/16' },
      { RuleNumber: 300, RuleAction: 'allow', Protocol: 6, PortRange: { From: 30, To: 20 }, CidrBlock: '0.0.0.0/0' },
    ], 'ingress');
    expect(ordered.map((_, i) => decidedAtLeast(ordered, i))).toEqual([1n << 24n, 0n, 0n]);
    expect(everyLiveEntryDecides(ordered)).toBe(false);
  });
});

describe('surelyNoAllowlist', () => {
  const isReturn = (e: NormalizedNaclEntry) => e.ports !== undefined && e.ports.from >= 20;

  test('when it says no allowlist, no class admits fewer than half the addresses through a service ALLOW alone (property)', () => {
    fc.assert(fc.property(ingress, (raw) => {
      const { ordered, analysis } = analysed(raw, 'ingress');
      if (!surelyNoAllowlist(ordered, HALF, isReturn)) {
        return;
      }
      // What NaclAllowlist computes: broad when some class allows half or more; a finding only when none does and
      // some class allows anything.
      let broad = false;
      let some = false;
      analysis.classes.forEach((_, i) => {
        let allowed = 0n;
        for (const p of analysis.piecesOf(i)) {
          if (p.decider?.action === 'allow' && !isReturn(p.decider)) {
            allowed += p.last - p.first + 1n;
            some = true;
          }
        }
        broad ||= allowed >= HALF;
      });
      expect(broad || !some).toBe(true);
    }), { numRuns: 500 });
  });

  test('GIVEN only DENYs and return ALLOWs THEN no allowlist; GIVEN a narrow ALLOW THEN it cannot tell', () => {
    const returns = analysed([
      { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '198.51.100.0/24' },
      { RuleNumber: 200, RuleAction: 'allow', Protocol: 6, PortRange: { From: 1024, To: 65535 }, CidrBlock: '10.0.0.0/8' },
    ], 'ingress').ordered;
    const above1023 = (e: NormalizedNaclEntry) => e.ports !== undefined && e.ports.from >= 1024;
    expect(surelyNoAllowlist(returns, HALF, above1023)).toBe(true);
    const narrow = analysed([{ RuleNumber: 100, RuleAction: 'allow', Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '203.0.113.0/24' }], 'ingress').ordered;
    expect(surelyNoAllowlist(narrow, HALF, above1023)).toBe(false);
    // ALLOW all after the blocklist admits all but one block: at least half.
    const blocklist = analysed([
      { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '198.51.100.0/24' },
      { RuleNumber: 1000, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' },
    ], 'ingress').ordered;
    expect(surelyNoAllowlist(blocklist, HALF, above1023)).toBe(true);
  });
});

describe('returnsSurelyAllowed', () => {
  const ephemeral = fc.constantFrom([0, 65535], [10, 20], [3, 3], [25, 40]);

  test('when it says the responses pass, the other direction allows every address the ALLOW admits (property)', () => {
    fc.assert(fc.property(ingress, egress, ephemeral, fc.constantFrom(6, 17), (rawIn, rawOut, [from, to], protocol) => {
      const inbound = analysed(rawIn, 'ingress');
      const outbound = analysed(rawOut, 'egress');
      inbound.ordered.forEach((e, i) => {
        if (e.action !== 'allow' || !returnsSurelyAllowed(inbound.ordered, i, protocol, outbound.ordered, from, to)) {
          return;
        }
        const admitted = inbound.analysis.decidedRanges(e, classesOf(inbound.analysis, protocol));
        expect(missingRanges(admitted, outbound.analysis.allowedForAllPorts(protocol, from, to))).toEqual([]);
      });
    }), { numRuns: 1000 });
  });

  test('GIVEN the same blocklist both ways THEN responses to ALLOW all pass; GIVEN an outbound DENY the inbound side lacks THEN it cannot tell', () => {
    const deny = (cidrBlock: string, egressEntry: boolean): NaclEntryProperties => ({ RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: cidrBlock, Egress: egressEntry });
    const allowAll = (egressEntry: boolean): NaclEntryProperties => ({ RuleNumber: 1000, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0', Egress: egressEntry });
    const inbound = analysed([deny('198.51.100.0/24', false), allowAll(false)], 'ingress').ordered;
    const same = analysed([deny('198.51.100.0/24', true), allowAll(true)], 'egress').ordered;
    const other = analysed([deny('203.0.113.0/24', true), allowAll(true)], 'egress').ordered;
    expect(returnsSurelyAllowed(inbound, 1, 6, same, 1024, 65535)).toBe(true);
    expect(returnsSurelyAllowed(inbound, 1, 17, same, 1024, 65535)).toBe(true);
    expect(returnsSurelyAllowed(inbound, 1, 6, other, 1024, 65535)).toBe(false);
    // An outbound ALLOW of tcp 443 only does not carry responses on the ephemeral ports.
    const https = analysed([{ RuleNumber: 100, RuleAction: 'allow', Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '0.0.0.0/0', Egress: true }], 'egress').ordered;
    expect(returnsSurelyAllowed(inbound, 1, 6, https, 1024, 65535)).toBe(false);
  });
});
