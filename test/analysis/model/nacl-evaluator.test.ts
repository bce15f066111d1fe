import fc from 'fast-check';
import {
  NaclEntryProperties,
  NaclPacket,
  entryMatchesTraffic,
  evaluateNaclPacket,
  naclDecisionIntervals,
  naclEgress,
  normalizeNaclEntries,
  orderedEntries,
} from '../../../src/analysis/model/nacl-evaluator';
import { IpFamily } from '../../../src/ip/family';
import { formatAddress, parseCidr } from '../../../src/private/ip';

function entry(ruleNumber: number, action: 'allow' | 'deny', cidr: string, extra: Partial<NaclEntryProperties> = {}): NaclEntryProperties {
  return {
    RuleNumber: ruleNumber,
    RuleAction: action,
    Protocol: -1,
    Egress: false,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    ...extra,
  };
}

const TCP443 = { protocol: 6, port: 443 };

describe('evaluateNaclPacket', () => {
  const NACL: NaclEntryProperties[] = [
    entry(200, 'allow', '0.0.0.0/0'),
    entry(100, 'deny', '10.0.0.0/8'),
    entry(90, 'allow', '10.1.0.0/16'),
    entry(110, 'deny', '2001:db8::/32'),
    entry(120, 'allow', '::/0'),
    entry(50, 'deny', '192.0.2.0/24', { Protocol: 6, PortRange: { From: 22, To: 22 } }),
    entry(60, 'deny', '192.0.2.0/24', { Protocol: 17, PortRange: { From: 1024, To: 65535 } }),
    entry(70, 'deny', '198.51.100.0/24', { Protocol: 1, Icmp: { Type: 8, Code: -1 } }),
    entry(80, 'deny', '198.51.100.0/24', { Protocol: '47' }),
    entry(100, 'allow', '203.0.113.0/24', { Egress: true }),
    entry(30, 'deny', '2001:db8:1::/48', { Protocol: 58, Icmp: { Type: -1, Code: -1 } }),
  ];

  test.each<[string, NaclPacket, ReturnType<typeof evaluateNaclPacket>]>([
    ['the lowest matching number decides (90 before 100)', { direction: 'ingress', address: '10.1.2.3', ...TCP443 }, { action: 'allow', ruleNumber: 90 }],
    ['a deny before the allow-all', { direction: 'ingress', address: '10.2.0.1', ...TCP443 }, { action: 'deny', ruleNumber: 100 }],
    ['entries are sorted by number, not by position', { direction: 'ingress', address: '8.8.8.8', ...TCP443 }, { action: 'allow', ruleNumber: 200 }],
    ['IPv4 entries never match IPv6 traffic', { direction: 'ingress', address: '2001:db8::1', ...TCP443 }, { action: 'deny', ruleNumber: 110 }],
    ['IPv6 allow-all', { direction: 'ingress', address: '2600::1', ...TCP443 }, { action: 'allow', ruleNumber: 120 }],
    ['a port range matches only its ports', { direction: 'ingress', address: '192.0.2.9', protocol: 6, port: 22 }, { action: 'deny', ruleNumber: 50 }],
    ['another TCP port falls through', { direction: 'ingress', address: '192.0.2.9', protocol: 6, port: 23 }, { action: 'allow', ruleNumber: 200 }],
    ['UDP ephemeral range', { direction: 'ingress', address: '192.0.2.9', protocol: 17, port: 1024 }, { action: 'deny', ruleNumber: 60 }],
    ['UDP below the range', { direction: 'ingress', address: '192.0.2.9', protocol: 17, port: 1023 }, { action: 'allow', ruleNumber: 200 }],
    ['ICMP type matches', { direction: 'ingress', address: '198.51.100.1', protocol: 1, icmpType: 8, icmpCode: 0 }, { action: 'deny', ruleNumber: 70 }],
    ['ICMP other type falls through', { direction: 'ingress', address: '198.51.100.1', protocol: 1, icmpType: 0, icmpCode: 0 }, { action: 'allow', ruleNumber: 200 }],
    ['any other protocol by number', { direction: 'ingress', address: '198.51.100.1', protocol: 47 }, { action: 'deny', ruleNumber: 80 }],
    ['ICMPv6 all types', { direction: 'ingress', address: '2001:db8:1::5', protocol: 58, icmpType: 135, icmpCode: 0 }, { action: 'deny', ruleNumber: 30 }],
    ['egress has its own entries', { direction: 'egress', address: '203.0.113.5', ...TCP443 }, { action: 'allow', ruleNumber: 100 }],
    ['implicit final deny', { direction: 'egress', address: '8.8.8.8', ...TCP443 }, { action: 'deny', ruleNumber: '*' }],
  ])('%s', (_name, packet, verdict) => {
    expect(evaluateNaclPacket(NACL, packet)).toEqual(verdict);
  });

  test('an empty NACL denies everything', () => {
    expect(evaluateNaclPacket([], { direction: 'ingress', address: '10.0.0.1', ...TCP443 })).toEqual({ action: 'deny', ruleNumber: '*' });
  });

  test('reads template values: string numbers and booleans', () => {
    const e = { RuleNumber: '100', RuleAction: 'DENY', Protocol: '-1', Egress: 'true', CidrBlock: '10.0.0.0/8' };
    expect(evaluateNaclPacket([e], { direction: 'egress', address: '10.0.0.1', ...TCP443 })).toEqual({ action: 'deny', ruleNumber: 100 });
  });

  test.each<[string, NaclEntryProperties, RegExp]>([
    ['unresolved CIDR', { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: { 'Fn::ImportValue': 'x' } }, /NACL entry #0 \(RuleNumber 100\): needs exactly one literal CidrBlock/],
    ['unresolved rule number', { RuleNumber: { Ref: 'N' } as any, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleNumber is \{"Ref":"N"\}, not an integer/],
    ['TCP without ports', { RuleNumber: 100, RuleAction: 'deny', Protocol: 6, CidrBlock: '10.0.0.0/8' }, /protocol 6 needs a PortRange/],
    ['ICMP without type', { RuleNumber: 100, RuleAction: 'deny', Protocol: 1, CidrBlock: '10.0.0.0/8' }, /protocol 1 needs Icmp/],
    ['family mix-up', { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '2001:db8::/32' }, /'2001:db8::\/32' is not an IPv4 CIDR/],
    ['bad action', { RuleNumber: 100, RuleAction: 'drop', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleAction "drop" is not 'allow' or 'deny'/],
    ['unresolved direction', { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8', Egress: { Ref: 'Out' } as any }, /Egress \{"Ref":"Out"\} is not true or false/],
    ['direction neither true nor false', { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8', Egress: 'yes' }, /Egress "yes" is not true or false/],
  ])('refuses to guess: %s', (_name, e, message) => {
    expect(() => evaluateNaclPacket([e], { direction: 'ingress', address: '10.0.0.1', ...TCP443 })).toThrow(message);
  });
});

describe('naclDecisionIntervals', () => {
  test('splits the address space at every entry edge, in rule-number order', () => {
    const intervals = naclDecisionIntervals([
      entry(100, 'deny', '10.0.0.0/8'),
      entry(90, 'allow', '10.1.0.0/16'),
      entry(200, 'allow', '0.0.0.0/0'),
    ], 'ingress', IpFamily.IPV4, TCP443);
    const v = (a: string) => parseCidr(a).first;
    expect(intervals).toEqual([
      { first: 0n, last: v('9.255.255.255'), action: 'allow', ruleNumber: 200 },
      { first: v('10.0.0.0'), last: v('10.0.255.255'), action: 'deny', ruleNumber: 100 },
      { first: v('10.1.0.0'), last: v('10.1.255.255'), action: 'allow', ruleNumber: 90 },
      { first: v('10.2.0.0'), last: v('10.255.255.255'), action: 'deny', ruleNumber: 100 },
      { first: v('11.0.0.0'), last: v('255.255.255.255'), action: 'allow', ruleNumber: 200 },
    ]);
  });

  const entryArb = fc.record({
    ruleNumber: fc.integer({ min: 1, max: 60 }),
    action: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
    egress: fc.boolean(),
    address: fc.integer({ min: 0, max: 255 }),
    prefix: fc.integer({ min: 0, max: 8 }),
    protocol: fc.constantFrom(-1, 6, 17),
    from: fc.integer({ min: 0, max: 3 }),
    span: fc.integer({ min: 0, max: 2 }),
  }).map((r): NaclEntryProperties => {
    // small, overlapping ranges inside 10.0.0.0/24 so that entries shadow each other
    const host = 8 - r.prefix;
    const first = r.address - (r.address % 2 ** host);
    return entry(r.ruleNumber, r.action, `10.0.0.${first}/${24 + r.prefix}`, {
      Egress: r.egress,
      Protocol: r.protocol,
      ...(r.protocol === -1 ? {} : { PortRange: { From: r.from, To: r.from + r.span } }),
    });
  });

  /** The plainest reading of the rules: of all matching entries, the one with the lowest number (first listed on a tie). */
  function bruteForce(entries: NaclEntryProperties[], packet: NaclPacket) {
    const address = parseCidr(packet.address).first;
    let best: NaclEntryProperties | undefined;
    for (const e of entries) {
      const range = parseCidr(String(e.CidrBlock));
      const protocolOk = Number(e.Protocol) === -1 || (Number(e.Protocol) === packet.protocol
        && Number(e.PortRange!.From) <= packet.port! && packet.port! <= Number(e.PortRange!.To));
      const matches = (e.Egress === true) === (packet.direction === 'egress') && range.first <= address && address <= range.last && protocolOk;
      if (matches && (best === undefined || Number(e.RuleNumber) < Number(best.RuleNumber))) {
        best = e;
      }
    }
    return best ? { action: best.RuleAction, ruleNumber: Number(best.RuleNumber) } : { action: 'deny', ruleNumber: '*' };
  }

  test('the packet verdict, the interval map and a brute-force scan agree', () => {
    fc.assert(fc.property(
      fc.array(entryArb, { maxLength: 12 }),
      fc.integer({ min: 0, max: 511 }),
      fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
      fc.constantFrom(6, 17),
      fc.integer({ min: 0, max: 5 }),
      (entries, offset, direction, protocol, port) => {
        const address = formatAddress(IpFamily.IPV4, parseCidr('10.0.0.0').first - 128n + BigInt(offset));
        const packet = { direction, address, protocol, port };
        const verdict = evaluateNaclPacket(entries, packet);
        expect(verdict).toEqual(bruteForce(entries, packet));
        const a = parseCidr(address).first;
        const interval = naclDecisionIntervals(entries, direction, IpFamily.IPV4, { protocol, port })
          .find((i) => i.first <= a && a <= i.last)!;
        expect({ action: interval.action, ruleNumber: interval.ruleNumber }).toEqual(verdict);
      },
    ), { numRuns: 300 });
  });

  test('intervals cover the whole space without gaps or overlaps', () => {
    fc.assert(fc.property(fc.array(entryArb, { maxLength: 12 }), (entries) => {
      const intervals = naclDecisionIntervals(entries, 'ingress', IpFamily.IPV4, TCP443);
      expect(intervals[0].first).toBe(0n);
      expect(intervals[intervals.length - 1].last).toBe(2n ** 32n - 1n);
      for (let i = 1; i < intervals.length; i++) {
        expect(intervals[i].first).toBe(intervals[i - 1].last + 1n);
      }
    }), { numRuns: 100 });
  });
});

describe('evaluateNaclPacket: ICMP types and codes, ties and template values', () => {
  const icmp = (ruleNumber: number, action: 'allow' | 'deny', type: number | string | undefined, code: number | string | undefined) =>
    entry(ruleNumber, action, '0.0.0.0/0', { Protocol: 1, Icmp: { Type: type, Code: code } });
  const ping = (icmpType: number, icmpCode: number): NaclPacket => ({ direction: 'ingress', address: '192.0.2.1', protocol: 1, icmpType, icmpCode });

  test('a code other than -1 matches only that code of the type', () => {
    // GIVEN a DENY of destination-unreachable / fragmentation-needed (type 3 code 4) before an ALLOW of all ICMP
    const nacl = [icmp(100, 'deny', 3, 4), icmp(200, 'allow', -1, -1)];
    // THEN
    expect(evaluateNaclPacket(nacl, ping(3, 4))).toEqual({ action: 'deny', ruleNumber: 100 });
    expect(evaluateNaclPacket(nacl, ping(3, 1))).toEqual({ action: 'allow', ruleNumber: 200 });
    expect(evaluateNaclPacket(nacl, ping(5, 4))).toEqual({ action: 'allow', ruleNumber: 200 });
  });

  test('type -1 with a code matches that code of every type; a missing Type or Code means -1', () => {
    const nacl = [icmp(100, 'deny', -1, 0), icmp(150, 'deny', 8, undefined), icmp(200, 'allow', '-1', '-1')];
    expect(evaluateNaclPacket(nacl, ping(11, 0))).toEqual({ action: 'deny', ruleNumber: 100 });
    expect(evaluateNaclPacket(nacl, ping(11, 1))).toEqual({ action: 'allow', ruleNumber: 200 });
    expect(evaluateNaclPacket(nacl, ping(8, 7))).toEqual({ action: 'deny', ruleNumber: 150 });
    expect(evaluateNaclPacket([entry(100, 'deny', '0.0.0.0/0', { Protocol: 1, Icmp: {} })], ping(42, 42))).toEqual({ action: 'deny', ruleNumber: 100 });
  });

  test('an ICMP entry never matches TCP, and a TCP entry never matches UDP on the same port', () => {
    const nacl = [icmp(100, 'deny', -1, -1), entry(110, 'deny', '0.0.0.0/0', { Protocol: 6, PortRange: { From: '53', To: '53' } })];
    expect(evaluateNaclPacket(nacl, { direction: 'ingress', address: '192.0.2.1', protocol: 17, port: 53 })).toEqual({ action: 'deny', ruleNumber: '*' });
    expect(evaluateNaclPacket(nacl, { direction: 'ingress', address: '192.0.2.1', protocol: 6, port: 53 })).toEqual({ action: 'deny', ruleNumber: 110 });
    expect(evaluateNaclPacket([entry(100, 'allow', '0.0.0.0/0', { Protocol: 6, PortRange: { From: 53, To: 53 } })],
      { direction: 'ingress', address: '192.0.2.1', protocol: 6, port: 54 })).toEqual({ action: 'deny', ruleNumber: '*' });
  });

  test('an entry of another protocol number (GRE) matches that protocol only', () => {
    const nacl = [entry(100, 'allow', '0.0.0.0/0', { Protocol: 47 })];
    expect(evaluateNaclPacket(nacl, { direction: 'ingress', address: '192.0.2.1', protocol: 47 })).toEqual({ action: 'allow', ruleNumber: 100 });
    expect(evaluateNaclPacket(nacl, { direction: 'ingress', address: '192.0.2.1', protocol: 50 })).toEqual({ action: 'deny', ruleNumber: '*' });
  });

  test('duplicate rule numbers: the first listed decides (EC2 would refuse the pair)', () => {
    expect(evaluateNaclPacket([entry(100, 'deny', '10.0.0.0/8'), entry(100, 'allow', '0.0.0.0/0')], { direction: 'ingress', address: '10.0.0.1', ...TCP443 }))
      .toEqual({ action: 'deny', ruleNumber: 100 });
    expect(evaluateNaclPacket([entry(100, 'allow', '0.0.0.0/0'), entry(100, 'deny', '10.0.0.0/8')], { direction: 'ingress', address: '10.0.0.1', ...TCP443 }))
      .toEqual({ action: 'allow', ruleNumber: 100 });
  });

  test('Egress false, "false" or absent is inbound; an ALLOW in mixed case counts', () => {
    for (const Egress of [false, 'false', undefined]) {
      expect(evaluateNaclPacket([entry(100, 'allow', '0.0.0.0/0', { Egress, RuleAction: 'Allow' })], { direction: 'ingress', address: '10.0.0.1', ...TCP443 }))
        .toEqual({ action: 'allow', ruleNumber: 100 });
    }
    expect(evaluateNaclPacket([entry(100, 'allow', '0.0.0.0/0', { Egress: true })], { direction: 'ingress', address: '10.0.0.1', ...TCP443 }))
      .toEqual({ action: 'deny', ruleNumber: '*' });
  });

  test('an address is matched against the whole range, bounds included', () => {
    const nacl = [entry(100, 'allow', '10.0.0.0/24')];
    for (const [address, action] of [['10.0.0.0', 'allow'], ['10.0.0.255', 'allow'], ['9.255.255.255', 'deny'], ['10.0.1.0', 'deny']]) {
      expect([address, evaluateNaclPacket(nacl, { direction: 'ingress', address, ...TCP443 }).action]).toEqual([address, action]);
    }
    // host bits in a template CIDR are tolerated as EC2 does: 10.0.0.7/24 is 10.0.0.0/24
    expect(evaluateNaclPacket([entry(100, 'allow', '10.0.0.7/24')], { direction: 'ingress', address: '10.0.0.200', ...TCP443 }).action).toBe('allow');
  });

  test.each<[string, NaclEntryProperties, RegExp]>([
    ['both CIDRs', { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8', Ipv6CidrBlock: '::/0' }, /needs exactly one literal CidrBlock or Ipv6CidrBlock, got "10\.0\.0\.0\/8"/],
    ['no CIDR', { RuleNumber: 100, RuleAction: 'deny', Protocol: -1 }, /needs exactly one literal CidrBlock or Ipv6CidrBlock, got \(not set\)/],
    ['IPv4 in Ipv6CidrBlock', { RuleNumber: 100, RuleAction: 'deny', Protocol: -1, Ipv6CidrBlock: '10.0.0.0/8' }, /'10\.0\.0\.0\/8' is not an IPv6 CIDR/],
    ['fractional rule number', { RuleNumber: '1.5', RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /NACL entry #0 \(RuleNumber "1\.5"\): RuleNumber is "1\.5", not an integer/],
    ['rule number with a suffix', { RuleNumber: '12a', RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleNumber is "12a", not an integer/],
    ['rule number with a prefix', { RuleNumber: 'a12', RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleNumber is "a12", not an integer/],
    ['rule number with a leading space', { RuleNumber: ' 12', RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleNumber is " 12", not an integer/],
    ['rule number with a trailing space', { RuleNumber: '12 ', RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleNumber is "12 ", not an integer/],
    ['rule number in hex', { RuleNumber: '0x10', RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleNumber is "0x10", not an integer/],
    ['rule number in a list', { RuleNumber: ['100'] as any, RuleAction: 'deny', Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleNumber is \["100"\], not an integer/],
    ['unresolved protocol', { RuleNumber: 100, RuleAction: 'deny', Protocol: { Ref: 'P' } as any, CidrBlock: '10.0.0.0/8' }, /Protocol is \{"Ref":"P"\}, not an integer/],
    ['unresolved port', { RuleNumber: 100, RuleAction: 'deny', Protocol: 6, CidrBlock: '10.0.0.0/8', PortRange: { From: 1, To: { Ref: 'T' } as any } }, /PortRange\.To is \{"Ref":"T"\}/],
    ['missing From', { RuleNumber: 100, RuleAction: 'deny', Protocol: 17, CidrBlock: '10.0.0.0/8', PortRange: { To: 5 } }, /PortRange\.From is \(not set\)/],
    ['unresolved ICMP type', { RuleNumber: 100, RuleAction: 'deny', Protocol: 58, Ipv6CidrBlock: '::/0', Icmp: { Type: { Ref: 'T' } as any } }, /Icmp\.Type is \{"Ref":"T"\}/],
    ['unresolved ICMP code', { RuleNumber: 100, RuleAction: 'deny', Protocol: 1, CidrBlock: '10.0.0.0/8', Icmp: { Code: 'x' } }, /Icmp\.Code is "x"/],
    ['action not a string', { RuleNumber: 100, RuleAction: 1 as any, Protocol: -1, CidrBlock: '10.0.0.0/8' }, /RuleAction 1 is not 'allow' or 'deny'/],
  ])('refuses to guess: %s', (_name, e, message) => {
    expect(() => normalizeNaclEntries([e])).toThrow(message);
  });

  test('a packet needs one address, and a TCP packet a port', () => {
    expect(() => evaluateNaclPacket([], { direction: 'ingress', address: '10.0.0.0/8', ...TCP443 })).toThrow("'10.0.0.0/8' is not a single address");
    expect(() => evaluateNaclPacket([entry(100, 'allow', '0.0.0.0/0', { Protocol: 6, PortRange: { From: 1, To: 2 } })], { direction: 'ingress', address: '10.0.0.1', protocol: 6 }))
      .toThrow('A protocol 6 packet needs a port to be evaluated');
  });

  test('entryMatchesTraffic and naclEgress directly', () => {
    const [all] = normalizeNaclEntries([entry(1, 'allow', '0.0.0.0/0')]);
    expect(entryMatchesTraffic(all, { protocol: 6 })).toBe(true);
    expect(naclEgress('TRUE')).toBeUndefined();
    expect(naclEgress(0)).toBeUndefined();
    expect(naclEgress('true')).toBe(true);
  });

  test('orderedEntries keeps one direction and family, by rule number then input order', () => {
    const entries = normalizeNaclEntries([
      entry(200, 'allow', '0.0.0.0/0'),
      entry(100, 'deny', '10.0.0.0/8'),
      entry(100, 'allow', '11.0.0.0/8'),
      entry(50, 'deny', '::/0'),
      entry(10, 'deny', '12.0.0.0/8', { Egress: true }),
    ]);
    expect(orderedEntries(entries, 'ingress', IpFamily.IPV4).map((e) => e.index)).toEqual([1, 2, 0]);
    expect(orderedEntries(entries, 'ingress', IpFamily.IPV6).map((e) => e.index)).toEqual([3]);
    expect(orderedEntries(entries, 'egress', IpFamily.IPV4).map((e) => e.index)).toEqual([4]);
  });

  test('IPv6 intervals end at the last IPv6 address', () => {
    const intervals = naclDecisionIntervals([entry(100, 'deny', '2001:db8::/32')], 'ingress', IpFamily.IPV6, TCP443);
    expect(intervals[intervals.length - 1]).toEqual({ first: parseCidr('2001:db9::').first, last: (1n << 128n) - 1n, action: 'deny', ruleNumber: '*' });
    expect(intervals).toHaveLength(3);
  });
});
