// The analysis's fast paths against the straightforward BigInt computations they replace: each property compares
// the two on random input chosen to hit the shortcuts' edges (whole-space peers, halves that add up to it, adjacent
// and invalid ranges, port cuts at the ends of the ephemeral range).
import * as fc from 'fast-check';
import { decidePieces, missingRanges, NaclDirectionAnalysis, portClasses } from '../../../src/analysis/model/model-nacl';
import { firstMatchPieces, NaclEntryProperties, NormalizedNaclEntry, normalizeNaclEntries, orderedEntries, sortStable } from '../../../src/analysis/model/nacl-evaluator';
import { buildNetworkModel, NaclEntryModel } from '../../../src/analysis/model/network-model';
import type { ModelResource } from '../../../src/analysis/model/resource';
import { buildRoutingModel, routingOf } from '../../../src/analysis/model/routing';
import { openToEveryone, OpenTraffic } from '../../../src/analysis/model/sg-coverage';
import { SgRuleModel, TCP, UDP } from '../../../src/analysis/model/sg-rules';
import { mayShareNumbers } from '../../../src/analysis/rules/subnet/NaclDuplicateRuleNumber';
import { IpFamily } from '../../../src/ip/family';
import { compareRanges, countAddresses, intersectRanges, IpRange, maxAddress, mergeRanges, parseCidr } from '../../../src/private/ip';

const family = fc.constantFrom(IpFamily.IPV4, IpFamily.IPV6);

describe('mergeRanges', () => {
  /** Sort, then join overlapping and adjacent neighbours: the merge with no shortcut. */
  function referenceMerge(ranges: readonly IpRange[]): IpRange[] {
    const sorted = ranges.map((r) => ({ ...r })).sort(compareRanges);
    const merged: IpRange[] = [];
    for (const range of sorted) {
      const current = merged[merged.length - 1];
      if (current !== undefined && current.family === range.family && range.first <= current.last + 1n) {
        if (range.last > current.last) {
          merged[merged.length - 1] = { ...current, last: range.last };
        }
        continue;
      }
      merged.push(range);
    }
    return merged;
  }

  // Small addresses of both families, so neighbours touch and overlap often; first > last now and then (invalid).
  const range = fc.record({ family, first: fc.bigInt({ min: 0n, max: 24n }), length: fc.bigInt({ min: -2n, max: 6n }) })
    .map(({ family: f, first, length }) => ({ family: f, first, last: first + length }));

  test('equals the sort-and-join merge on any input, merged or not (property)', () => {
    fc.assert(fc.property(fc.array(range, { maxLength: 10 }), (ranges) => {
      // GIVEN random ranges  WHEN merged  THEN the result is the reference merge
      expect(mergeRanges(ranges)).toEqual(referenceMerge(ranges));
    }), { numRuns: 500 });
  });

  test('hands back already merged input as equal copies, and changes it no more (property)', () => {
    fc.assert(fc.property(fc.array(range, { maxLength: 10 }), (ranges) => {
      // GIVEN the output of a merge  WHEN merged again  THEN the same ranges, in new objects
      const once = mergeRanges(ranges);
      const twice = mergeRanges(once);
      expect(twice).toEqual(once);
      twice.forEach((r, i) => expect(r).not.toBe(once[i]));
    }), { numRuns: 300 });
  });

  test('a list that is ascending but touches, or lists IPv6 before IPv4, is merged, not passed through', () => {
    const v4 = (first: bigint, last: bigint): IpRange => ({ family: IpFamily.IPV4, first, last });
    const v6 = (first: bigint, last: bigint): IpRange => ({ family: IpFamily.IPV6, first, last });
    expect(mergeRanges([v4(0n, 3n), v4(4n, 7n)])).toEqual([v4(0n, 7n)]);
    expect(mergeRanges([v6(0n, 1n), v4(5n, 6n)])).toEqual([v4(5n, 6n), v6(0n, 1n)]);
    expect(mergeRanges([v4(5n, 3n), v4(1n, 2n)])).toEqual([v4(1n, 2n), v4(5n, 3n)]);
  });
});

describe('openToEveryone', () => {
  const site = { key: 'id:S/Sg', logicalId: 'Sg', type: 'AWS::EC2::SecurityGroup', properties: {}, path: 'S/Sg', stack: { id: 'S', stackName: 'S', template: {} } } as ModelResource;

  /** The traffic open to everyone found by merging the peers of every port interval: the computation with no shortcut. */
  function referenceOpen(rules: readonly SgRuleModel[], f: IpFamily): OpenTraffic[] {
    const own = rules.filter((r) => r.unknown === undefined && r.peer.kind === 'cidr' && r.peer.cidr!.family === f && r.protocol !== undefined);
    const whole = maxAddress(f) + 1n;
    const covers = (rs: readonly SgRuleModel[]) => rs.length > 0 && countAddresses(mergeRanges(rs.map((r) => r.peer.cidr!)), f) === whole;
    const allProtocols = own.filter((r) => r.protocol === -1);
    if (covers(allProtocols)) {
      return [{ protocol: -1, from: 0, to: 65535 }];
    }
    const open: OpenTraffic[] = [];
    for (const protocol of [TCP, UDP]) {
      const rs = own.filter((r) => r.protocol === protocol);
      const cuts = new Set<number>([0, 65536]);
      for (const r of rs) {
        cuts.add(Math.max(0, Math.min(65536, r.fromPort)));
        cuts.add(Math.max(0, Math.min(65536, r.toPort + 1)));
      }
      const sorted = [...cuts].sort((a, b) => a - b);
      for (let i = 0; i + 1 < sorted.length; i++) {
        const from = sorted[i];
        const to = sorted[i + 1] - 1;
        if (!covers([...allProtocols, ...rs.filter((r) => r.fromPort <= from && to <= r.toPort)])) {
          continue;
        }
        const last = open[open.length - 1];
        if (last && last.protocol === protocol && last.to + 1 === from) {
          open[open.length - 1] = { protocol, from: last.from, to };
        } else {
          open.push({ protocol, from, to });
        }
      }
    }
    const others = [...new Set(own.map((r) => r.protocol!).filter((p) => p !== -1 && p !== TCP && p !== UDP))].sort((a, b) => a - b);
    for (const protocol of others) {
      if (covers([...allProtocols, ...own.filter((r) => r.protocol === protocol)])) {
        open.push({ protocol, from: 0, to: 65535 });
      }
    }
    return open;
  }

  // Peers that add up to the whole space in several ways (one block, halves, quarters) or leave a hole.
  const peer = fc.constantFrom(
    '0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1', '0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2', '10.0.0.0/8', '128.0.0.0/2',
    '::/0', '::/1', '8000::/1', '2001:db8::/32', '::/2', '4000::/2', 'c000::/2',
  );
  const port = fc.constantFrom(-1, 0, 22, 80, 442, 443, 444, 1024, 65534, 65535);
  const rule: fc.Arbitrary<SgRuleModel> = fc.record({
    protocol: fc.constantFrom<number | undefined>(-1, TCP, TCP, UDP, 1, 47, undefined),
    a: port,
    b: port,
    cidr: peer,
    kind: fc.constantFrom<'cidr' | 'group'>('cidr', 'cidr', 'cidr', 'group'),
    unknown: fc.constantFrom<string | undefined>(undefined, undefined, undefined, 'FromPort {"Ref":"Port"}'),
  }).map(({ protocol, a, b, cidr, kind, unknown }) => {
    const ports = protocol === TCP || protocol === UDP ? { fromPort: Math.min(a, b), toPort: Math.max(a, b) } : { fromPort: 0, toPort: 65535 };
    return {
      resource: site,
      direction: 'ingress',
      groupKey: site.key,
      protocol,
      ...ports,
      peer: kind === 'cidr' ? { kind, cidr: parseCidr(cidr), text: cidr } : { kind, groupKey: 'id:S/Other', text: 'Other' },
      unknown,
    };
  });

  test('equals the interval-by-interval merge of the peers (property)', () => {
    fc.assert(fc.property(fc.array(rule, { maxLength: 8 }), family, (rules, f) => {
      // GIVEN random rules  WHEN judged for one family  THEN the same open traffic as the reference
      expect(openToEveryone(rules, f)).toEqual(referenceOpen(rules, f));
    }), { numRuns: 1000 });
  });

  test('halves on different rules add up to the whole space, as one block does', () => {
    const tcp = (cidr: string, fromPort: number, toPort: number): SgRuleModel => ({
      resource: site, direction: 'ingress', groupKey: site.key, protocol: TCP, fromPort, toPort, peer: { kind: 'cidr', cidr: parseCidr(cidr), text: cidr },
    });
    // GIVEN 22 open to 0.0.0.0/1 and 128.0.0.0/1, 443 to 0.0.0.0/0 and 80 to half the space only
    const rules = [tcp('0.0.0.0/1', 20, 22), tcp('128.0.0.0/1', 22, 23), tcp('0.0.0.0/0', 443, 443), tcp('0.0.0.0/1', 80, 80)];
    // THEN 22 and 443 are open to everyone, 80 is not
    expect(openToEveryone(rules, IpFamily.IPV4)).toEqual([{ protocol: TCP, from: 22, to: 22 }, { protocol: TCP, from: 443, to: 443 }]);
    expect(openToEveryone(rules, IpFamily.IPV6)).toEqual([]);
  });
});

describe('NACL pieces', () => {
  // Entries over a small IPv4 region with port bounds near both ends of the ephemeral range, inverted port ranges
  // (which never match), ICMP and protocol 47.
  const port = fc.constantFrom(0, 22, 443, 1023, 1024, 1025, 32767, 32768, 65534, 65535);
  const entry: fc.Arbitrary<NaclEntryProperties> = fc.record({
    RuleNumber: fc.integer({ min: 1, max: 40 }),
    RuleAction: fc.constantFrom('allow', 'deny'),
    Protocol: fc.constantFrom(-1, 6, 6, 17, 1, 47),
    host: fc.integer({ min: 0, max: 255 }),
    prefix: fc.constantFrom(0, 1, 24, 25, 26, 30, 32),
    from: port,
    to: port,
  }).map((e) => {
    const size = 2 ** (32 - Math.max(24, e.prefix));
    const cidr = e.prefix < 24 ? (e.prefix === 0 ? '0.0.0.0/0' : '0.0.0.0/1') : `10.0.0.${Math.floor(e.host / size) * size}/${e.prefix}`;
    return {
      RuleNumber: e.RuleNumber,
      RuleAction: e.RuleAction,
      Protocol: e.Protocol,
      CidrBlock: cidr,
      PortRange: e.Protocol === 6 || e.Protocol === 17 ? { From: e.from, To: e.to } : undefined,
      Icmp: e.Protocol === 1 ? { Type: -1, Code: -1 } : undefined,
    };
  });

  /** First match, piece by piece, with a fresh list of undecided pieces for every entry. */
  function referencePieces(ordered: readonly NormalizedNaclEntry[], traffic: Parameters<typeof firstMatchPieces>[2]) {
    let unassigned = [{ first: 0n, last: maxAddress(IpFamily.IPV4) }];
    const decided: Array<{ first: bigint; last: bigint; decider?: NormalizedNaclEntry }> = [];
    for (const e of ordered) {
      const matches = e.protocol === -1 || (e.protocol === traffic.protocol
        && (e.ports === undefined || (e.ports.from <= traffic.port! && traffic.port! <= e.ports.to)));
      if (!matches) {
        continue;
      }
      const rest: typeof unassigned = [];
      for (const piece of unassigned) {
        const first = piece.first > e.range.first ? piece.first : e.range.first;
        const last = piece.last < e.range.last ? piece.last : e.range.last;
        if (first > last) {
          rest.push(piece);
          continue;
        }
        decided.push({ first, last, decider: e });
        if (piece.first < first) rest.push({ first: piece.first, last: first - 1n });
        if (last < piece.last) rest.push({ first: last + 1n, last: piece.last });
      }
      unassigned = rest;
    }
    decided.push(...unassigned.map((p) => ({ ...p })));
    return decided.sort((a, b) => (a.first < b.first ? -1 : 1));
  }

  test('firstMatchPieces equals deciding every piece afresh for every entry (property)', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 10 }), fc.constantFrom(6, 17, 47), port, (raw, protocol, p) => {
      const ordered = orderedEntries(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      const traffic = protocol === 47 ? { protocol } : { protocol, port: p };
      expect(firstMatchPieces(ordered, IpFamily.IPV4, traffic)).toEqual(referencePieces(ordered, traffic));
    }), { numRuns: 500 });
  });

  test('firstMatchPieces on long lists, past the insertion-sort limit, equals deciding afresh (property)', () => {
    // Small blocks scattered over 10.0.0.0/16: most entries cut the space twice more.
    const scattered: fc.Arbitrary<NaclEntryProperties> = fc.record({
      RuleNumber: fc.integer({ min: 1, max: 200 }),
      RuleAction: fc.constantFrom('allow', 'deny'),
      Protocol: fc.constantFrom(-1, -1, 47, 6),
      host: fc.integer({ min: 0, max: 65535 }),
      prefix: fc.constantFrom(28, 30, 32),
    }).map((e) => {
      const size = 2 ** (32 - e.prefix);
      const start = Math.floor(e.host / size) * size;
      return {
        RuleNumber: e.RuleNumber,
        RuleAction: e.RuleAction,
        Protocol: e.Protocol,
        CidrBlock: `10.0.${Math.floor(start / 256)}.${start % 256}/${e.prefix}`,
        PortRange: e.Protocol === 6 ? { From: 0, To: 65535 } : undefined,
      };
    });
    let longest = 0;
    fc.assert(fc.property(fc.array(scattered, { minLength: 40, maxLength: 80 }), fc.constantFrom(6, 47), (raw, protocol) => {
      // GIVEN 40-80 entries on small scattered blocks  WHEN split  THEN the same pieces, in address order
      const ordered = orderedEntries(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      const traffic = protocol === 47 ? { protocol } : { protocol, port: 80 };
      const pieces = firstMatchPieces(ordered, IpFamily.IPV4, traffic);
      expect(pieces).toEqual(referencePieces(ordered, traffic));
      longest = Math.max(longest, pieces.length);
    }), { numRuns: 200 });
    // AND the lists were long enough to be sorted both ways (by insertion up to 64 pieces, by Array.sort beyond)
    expect(longest).toBeGreaterThan(64);
  });

  test('each class of an analysis holds the pieces of deciding it afresh, though classes the same entries match share them (property)', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 10 }), (raw) => {
      // GIVEN random entries WHEN analysed
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      // THEN every class's pieces equal those of deciding that class alone
      analysis.classes.forEach((c, i) => {
        expect(analysis.piecesOf(i)).toEqual(decidePieces(analysis.ordered, IpFamily.IPV4, c.traffic));
      });
    }), { numRuns: 500 });
  });

  test('GIVEN a blocklist and an ALLOW-all with one port allowed besides WHEN analysed THEN the port classes the same entries match share their pieces', () => {
    const analysis = new NaclDirectionAnalysis(normalizeNaclEntries([
      { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '198.51.100.0/24' },
      { RuleNumber: 900, RuleAction: 'allow', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } },
      { RuleNumber: 1000, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' },
    ]), 'ingress', IpFamily.IPV4);
    expect(analysis.classes.map((c) => c.label)).toEqual(['tcp 0-442', 'tcp 443', 'tcp 444-65535', 'any other protocol']);
    expect(analysis.piecesOf(2)).toBe(analysis.piecesOf(0));
    expect(analysis.piecesOf(3)).toBe(analysis.piecesOf(0));
    expect(analysis.piecesOf(1)).not.toBe(analysis.piecesOf(0));
    expect(analysis.piecesOf(1).map((p) => p.decider?.ruleNumber)).toEqual([900, 100, 900]);
  });

  test('GIVEN more distinct splits than a scope searches in a list WHEN analysed THEN classes, summaries and allowed ports equal the computations without sharing (property)', () => {
    // Each TCP entry its own port range and block: most port classes are matched by a different set of entries.
    const spread: fc.Arbitrary<NaclEntryProperties> = fc.record({
      RuleNumber: fc.integer({ min: 1, max: 60 }),
      RuleAction: fc.constantFrom('allow', 'deny'),
      Protocol: fc.constantFrom(6, 6, 6, -1),
      host: fc.integer({ min: 0, max: 255 }),
      from: fc.integer({ min: 0, max: 2000 }),
      span: fc.integer({ min: 0, max: 300 }),
    }).map((e) => ({
      RuleNumber: e.RuleNumber,
      RuleAction: e.RuleAction,
      Protocol: e.Protocol,
      CidrBlock: `10.0.0.${e.host & 0xfc}/30`,
      PortRange: e.Protocol === 6 ? { From: e.from, To: e.from + e.span } : undefined,
    }));
    let most = 0;
    fc.assert(fc.property(fc.array(spread, { minLength: 12, maxLength: 24 }), port, port, (raw, a, b) => {
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      most = Math.max(most, new Set(analysis.classes.map((_, i) => analysis.piecesOf(i))).size);
      analysis.classes.forEach((c, i) => {
        expect(analysis.piecesOf(i)).toEqual(decidePieces(analysis.ordered, IpFamily.IPV4, c.traffic));
      });
      const fates = analysis.fates();
      expect(analysis.summaries().map((x) => [x.decides, x.overtaken, x.overtakenByAllow])).toEqual(
        fates.map((f) => [f.decides.length, f.overtaken.length, f.overtaken.filter((o) => o.by.action === 'allow').length]));
      const [from, to] = [Math.min(a, b), Math.max(a, b)];
      expect(analysis.allowedForAllPorts(TCP, from, to)).toEqual(referenceAllowed(analysis.ordered, TCP, from, to));
      const tcp = (c: { traffic: { protocol: number } }) => c.traffic.protocol === TCP;
      for (const e of analysis.ordered) {
        const decided = fates.find((f) => f.entry === e)!.decides.filter((d) => tcp(d.traffic)).map((d) => d.range);
        expect(analysis.decidedRanges(e, tcp)).toEqual(mergeRanges(decided));
      }
    }), { numRuns: 150 });
    // AND some scopes had more distinct splits than the list holds (8), so the map and set were used too
    expect(most).toBeGreaterThan(8);
  });

  /** Every port class of [from, to] decided afresh, allowed addresses intersected: the computation with no shortcut. */
  function referenceAllowed(ordered: readonly NormalizedNaclEntry[], protocol: number, from: number, to: number): IpRange[] {
    let allowed: IpRange[] = [{ family: IpFamily.IPV4, first: 0n, last: maxAddress(IpFamily.IPV4) }];
    for (const c of portClasses(ordered, protocol, from, to)) {
      const pieces = decidePieces(ordered, IpFamily.IPV4, c.traffic)
        .filter((piece) => piece.decider?.action === 'allow')
        .map((piece) => ({ family: IpFamily.IPV4, first: piece.first, last: piece.last }));
      allowed = intersectRanges(allowed, mergeRanges(pieces));
    }
    return allowed;
  }

  test('decidesOnlyWithin says what subtracting the merged ranges from the entry\'s decided ranges says (property)', () => {
    const block = fc.record({
      host: fc.integer({ min: 0, max: 255 }),
      prefix: fc.constantFrom(0, 1, 24, 25, 26, 28, 30, 32),
    }).map(({ host, prefix }) => {
      const size = 2 ** (32 - Math.max(24, prefix));
      return parseCidr(prefix < 24 ? (prefix === 0 ? '0.0.0.0/0' : '0.0.0.0/1') : `10.0.0.${Math.floor(host / size) * size}/${prefix}`);
    });
    const protocols = fc.constantFrom(TCP, UDP, 47);
    fc.assert(fc.property(fc.array(entry, { maxLength: 10 }), fc.array(block, { maxLength: 6 }), protocols, (raw, blocks, protocol) => {
      // GIVEN random entries and a merged set of blocks
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      const merged = mergeRanges(blocks.map((b) => ({ family: IpFamily.IPV4, first: b.first, last: b.last })));
      const applies = (c: { traffic: { protocol: number } }) => c.traffic.protocol === protocol;
      for (const e of analysis.ordered) {
        // WHEN asked THEN true exactly when nothing of what the entry decides there is left after the subtraction
        const missing = missingRanges(analysis.decidedRanges(e, applies), merged);
        expect(analysis.decidesOnlyWithin(e, applies, merged)).toBe(missing.length === 0);
      }
    }), { numRuns: 500 });
  });

  test('allowedForAllPorts from the decided classes equals deciding the port classes of the range afresh (property)', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 10 }), fc.constantFrom(TCP, UDP), port, port, (raw, protocol, a, b) => {
      // GIVEN random entries and a port range  WHEN asked twice (the second answer comes from the cache)
      const analysis = new NaclDirectionAnalysis(normalizeNaclEntries(raw), 'ingress', IpFamily.IPV4);
      const [from, to] = [Math.min(a, b), Math.max(a, b)];
      const expected = referenceAllowed(analysis.ordered, protocol, from, to);
      // THEN both equal the reference, and the shared answer cannot be changed by a caller
      const first = analysis.allowedForAllPorts(protocol, from, to);
      expect(first).toEqual(expected);
      expect(() => (first as IpRange[]).pop()).toThrow(TypeError);
      expect(analysis.allowedForAllPorts(protocol, from, to)).toEqual(expected);
    }), { numRuns: 500 });
  });
});

describe('sortStable', () => {
  test('orders as Array.prototype.sort does, equal keys in their order, by insertion up to 64 items and past it (property)', () => {
    const item = fc.record({ key: fc.integer({ min: 0, max: 9 }), at: fc.nat() });
    fc.assert(fc.property(fc.array(item, { maxLength: 150 }), (raw) => {
      const items = raw.map((x, at) => ({ ...x, at }));
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const expected = [...items].sort(byKey);
      sortStable(items, byKey);
      expect(items).toEqual(expected);
    }), { numRuns: 300 });
  });
});

describe('NaclDuplicateRuleNumber: mayShareNumbers', () => {
  test('says whether two entries with known numbers share one in a direction (or with an unknown direction), in the model\'s order, and true out of order (property)', () => {
    const entry = fc.record({
      ruleNumber: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
      egress: fc.option(fc.boolean(), { nil: undefined, freq: 6 }),
    });
    fc.assert(fc.property(fc.array(entry, { maxLength: 12 }), (raw) => {
      const entries = raw.map((e) => ({ ruleNumber: e.ruleNumber, egress: e.egress }) as NaclEntryModel);
      const known = entries.filter((e) => e.ruleNumber !== undefined);
      // Two entries clash when they share a number and a direction, or one of them has no known direction.
      const shared = known.some((a, i) => known.some((b, j) => i !== j && a.ruleNumber === b.ruleNumber
        && (a.egress === undefined || b.egress === undefined || a.egress === b.egress)));
      // GIVEN the model's order (rule number, an unknown one first as 0, stable)
      const sorted = [...entries].sort((x, y) => (x.ruleNumber ?? 0) - (y.ruleNumber ?? 0));
      expect(mayShareNumbers(sorted)).toBe(shared);
      // GIVEN any order: a shared number is never missed
      if (shared) {
        expect(mayShareNumbers(entries)).toBe(true);
      }
    }), { numRuns: 500 });
  });
});

describe('routingOf', () => {
  const vpc = (cidr: string) => ({ Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } });

  test('GIVEN a model WHEN its routing is asked for twice THEN it is read once, and equals a fresh read', () => {
    // GIVEN
    const model = buildNetworkModel([{ id: 'Net', stackName: 'Net', template: { Resources: { Vpc: vpc('10.0.0.0/16') } } }]);
    // WHEN
    const first = routingOf(model);
    const second = routingOf(model);
    // THEN
    expect(second).toBe(first);
    expect(first).toEqual(buildRoutingModel(model));
  });

  test('GIVEN a model that gained a resource after its routing was read WHEN asked again THEN the routing is read afresh', () => {
    // GIVEN
    const model = buildNetworkModel([{ id: 'Net', stackName: 'Net', template: { Resources: { Vpc: vpc('10.0.0.0/16') } } }]);
    const before = routingOf(model);
    const other = buildNetworkModel([{ id: 'Other', stackName: 'Other', template: { Resources: { Vpc2: vpc('10.1.0.0/16') } } }]);
    // WHEN
    for (const [key, resource] of other.resources) {
      model.resources.set(key, resource);
    }
    const after = routingOf(model);
    // THEN
    expect(after).not.toBe(before);
    expect([...after.localRoutes.keys()].sort()).toEqual(['id:Net/Vpc', 'id:Other/Vpc2']);
  });
});
