import * as fc from 'fast-check';
import { decidePieces, NaclDirectionAnalysis, trafficClasses } from '../../../src/analysis/model/model-nacl';
import { evaluateNaclPacket, NaclEntryProperties, normalizeNaclEntries, orderedEntries } from '../../../src/analysis/model/nacl-evaluator';
import { IpFamily } from '../../../src/ip/family';
import { formatAddress } from '../../../src/private/ip';

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
