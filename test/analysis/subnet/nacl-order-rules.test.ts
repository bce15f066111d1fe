// The rules that judge the order of a NACL's entries (NaclDeadEntry, NaclDenyShadowed, NaclAllowlist,
// NaclReturnTraffic), CDK-free: which of them reports an entry decided by earlier ones, and what each says when an
// entry is not known. Hand-computed cases; the CDK-based cases are in test/checks/subnet.test.ts.
import { judge, naclEntry, networkStack, ofRule, sites } from '../support';

const DEAD = 'LayeredDefense-NaclDeadEntry';
const SHADOWED = 'LayeredDefense-NaclDenyShadowed';

type Entry = [id: string, ruleNumber: number, action: 'allow' | 'deny', cidr: string, traffic?: Record<string, unknown>];
const ALL: Record<string, unknown> = { Protocol: -1 };
const tcp = (from: number, to = from): Record<string, unknown> => ({ Protocol: 6, PortRange: { From: from, To: to } });

function nacl(...entries: Entry[]): ReturnType<typeof judge> {
  return judge({
    Stack: networkStack(Object.fromEntries(entries.map(([id, ruleNumber, action, cidr, traffic]) =>
      [id, naclEntry({ Ref: 'Nacl' }, { RuleNumber: ruleNumber, RuleAction: action, CidrBlock: cidr, ...(traffic ?? ALL) })]))),
  });
}

describe(DEAD, () => {
  test('GIVEN an ALLOW inside an earlier ALLOW WHEN judged THEN it is dead, decided by the earlier one', () => {
    const findings = nacl(['Wide', 100, 'allow', '10.0.0.0/8'], ['Narrow', 110, 'allow', '10.1.0.0/16', tcp(443)]);
    const dead = ofRule(findings, DEAD);
    expect(sites(dead)).toEqual([[DEAD, 'Stack/Narrow']]);
    expect(dead[0].message).toBe('inbound IPv4 rule 110 (ALLOW 10.1.0.0/16 tcp 443) never decides a packet: everything it matches is decided first by rule 100');
  });

  test('GIVEN a DENY inside an earlier ALLOW WHEN judged THEN it is shadowed (an error), not also dead', () => {
    const findings = nacl(['Allow', 100, 'allow', '0.0.0.0/0'], ['Deny', 200, 'deny', '203.0.113.0/24']);
    expect(sites(ofRule(findings, SHADOWED))).toEqual([[SHADOWED, 'Stack/Deny']]);
    expect(ofRule(findings, DEAD)).toEqual([]);
  });

  test('GIVEN a DENY taken half by an ALLOW and half by a DENY WHEN judged THEN it is partly shadowed, not dead', () => {
    // 10.0.0.0/8 = 10.0.0.0/9 (ALLOW 100) + 10.128.0.0/9 (DENY 110): the DENY at 200 decides nothing.
    const findings = nacl(['Allow', 100, 'allow', '10.0.0.0/9'], ['DenyHigh', 110, 'deny', '10.128.0.0/9'], ['Deny', 200, 'deny', '10.0.0.0/8']);
    const shadowed = ofRule(findings, SHADOWED);
    expect(sites(shadowed)).toEqual([[SHADOWED, 'Stack/Deny']]);
    expect(shadowed[0].message).toContain('is partly shadowed by ALLOW rule 100');
    expect(ofRule(findings, DEAD)).toEqual([]);
  });

  test('GIVEN an ALLOW taken half by an ALLOW and half by a DENY WHEN judged THEN it is dead, naming both', () => {
    const findings = nacl(['Allow', 100, 'allow', '10.0.0.0/9'], ['Deny', 110, 'deny', '10.128.0.0/9'], ['Late', 200, 'allow', '10.0.0.0/8']);
    expect(ofRule(findings, DEAD).map((f) => f.message)).toEqual([
      'inbound IPv4 rule 200 (ALLOW 10.0.0.0/8 all traffic) never decides a packet: everything it matches is decided first by rules 100, 110',
    ]);
  });

  test('GIVEN an entry that decides part of what it matches WHEN judged THEN it is live', () => {
    const findings = nacl(['Deny', 100, 'deny', '10.0.0.0/9'], ['Allow', 200, 'allow', '10.0.0.0/8']);
    expect(ofRule(findings, DEAD)).toEqual([]);
  });
});

describe('what the order rules say about an entry whose value is not known', () => {
  test.each([
    [DEAD, 'dead entries'],
    [SHADOWED, 'shadowing'],
    ['LayeredDefense-NaclAllowlist', 'allowlist use'],
    ['LayeredDefense-NaclReturnTraffic', 'return traffic'],
  ])('GIVEN an entry with an imported CIDR WHEN %s judges the NACL THEN it cannot verify %s of the inbound IPv4 entries', (ruleId, what) => {
    // GIVEN a known ALLOW, and a DENY whose CIDR comes from another stack's export that is not in the app
    const findings = judge({
      Stack: networkStack({
        Allow: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Protocol: -1 }),
        Deny: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 50, RuleAction: 'deny', CidrBlock: { 'Fn::ImportValue': 'Blocked' }, Protocol: -1 }),
      }),
    });
    // THEN
    const messages = ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ruleId} cannot verify`));
    expect(messages.map((f) => [f.resource.logicalId, f.message])).toEqual([
      ['Deny', expect.stringMatching(new RegExp(`^${ruleId} cannot verify ${what} of ingress IPv4 entries \\(.+\\): the value is not known$`))],
    ]);
  });
});

describe(`${SHADOWED}: how the shadowing ALLOWs are named`, () => {
  test('GIVEN ALLOW 110 before ALLOW 100 in address order WHEN a DENY is shadowed by both THEN they are named in rule order', () => {
    // 10.0.0.0/9 (the lower half) is allowed by rule 110, 10.128.0.0/9 by rule 100.
    const findings = nacl(['High', 100, 'allow', '10.128.0.0/9'], ['Low', 110, 'allow', '10.0.0.0/9'], ['Deny', 200, 'deny', '10.0.0.0/8']);
    expect(ofRule(findings, SHADOWED).map((f) => f.message.split(':')[0])).toEqual(['inbound IPv4 rule 200 (DENY 10.0.0.0/8 all traffic) is fully shadowed by ALLOW rules 100, 110']);
  });

  const defaultNacl = { 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] };
  const onDefault = (id: string, ruleNumber: number, action: 'allow' | 'deny', cidr: string) =>
    [id, naclEntry(defaultNacl, { RuleNumber: ruleNumber, RuleAction: action, CidrBlock: cidr, Protocol: -1 })] as const;

  test('GIVEN a DENY on a default NACL shadowed in part by EC2\'s built-in ALLOW WHEN judged THEN the message says how to get below it', () => {
    const findings = ofRule(judge({ Stack: networkStack(Object.fromEntries([onDefault('Allow', 50, 'allow', '10.0.0.0/9'), onDefault('Deny', 150, 'deny', '10.0.0.0/8')])) }), SHADOWED);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(
      /is fully shadowed by ALLOW rules 50, 100: .+before the deny is reached; on a default NACL, number DENY entries below 100, or give the subnets a NACL of their own$/)]);
  });

  test('GIVEN a DENY on a default NACL shadowed only by a template ALLOW WHEN judged THEN there is no advice about the built-in entry', () => {
    const findings = ofRule(judge({ Stack: networkStack(Object.fromEntries([onDefault('Allow', 10, 'allow', '0.0.0.0/0'), onDefault('Deny', 20, 'deny', '10.0.0.0/8')])) }), SHADOWED);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/before the deny is reached$/);
  });
});

describe('LayeredDefense-NaclDuplicateRuleNumber when a direction or a built-in entry is not known', () => {
  const DUPLICATE = 'LayeredDefense-NaclDuplicateRuleNumber';
  const cannot = (findings: ReturnType<typeof judge>) =>
    ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${DUPLICATE} cannot verify`)).map((f) => [f.resource.logicalId, f.message]);

  test('GIVEN an entry whose direction is not known and another with its number WHEN judged THEN it cannot verify the duplicate, naming the other', () => {
    const findings = judge({
      Stack: networkStack({
        Known: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Protocol: -1 }),
        Either: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'deny', CidrBlock: '10.0.0.0/8', Protocol: -1, Egress: { 'Fn::ImportValue': 'Direction' } }),
      }),
    });
    expect(ofRule(findings, DUPLICATE)).toEqual([]);
    expect(cannot(findings)).toEqual([['Either',
      `${DUPLICATE} cannot verify whether rule number 100 is also used by Stack/Known in the same direction (Egress {"Fn::ImportValue":"Direction"}): the value is not known`]]);
  });

  test('GIVEN rule 101 on a default NACL whose VPC may get IPv6 WHEN judged THEN it cannot verify whether 101 is free', () => {
    const findings = judge({
      Stack: networkStack({
        V6: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, AmazonProvidedIpv6CidrBlock: { 'Fn::ImportValue': 'WantIpv6' } } },
        Deny101: naclEntry({ 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] }, { RuleNumber: 101, RuleAction: 'deny', Ipv6CidrBlock: '2001:db8::/32', Protocol: -1 }),
      }),
    });
    expect(ofRule(findings, DUPLICATE)).toEqual([]);
    expect(cannot(findings)).toEqual([['Deny101', expect.stringMatching(new RegExp(`^${DUPLICATE} cannot verify whether inbound rule number 101 is free \\(whether EC2 added its built-in IPv6 ALLOW-all rule 101`))]]);
  });
});

describe('a NACL entry whose CIDR is a dynamic reference', () => {
  test('GIVEN CidrBlock {{resolve:ssm:...}} WHEN judged THEN the order rules cannot verify it, and it is not an invalid value', () => {
    const findings = judge({
      Stack: networkStack({ Deny: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 10, RuleAction: 'deny', CidrBlock: '{{resolve:ssm:/network/blocked}}', Protocol: -1 }) }),
    });
    expect(ofRule(findings, 'LayeredDefense-InvalidValue')).toEqual([]);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.resource.logicalId === 'Deny').length).toBeGreaterThan(0);
  });
});

describe('a NACL far over the entry quota', () => {
  // GIVEN `fillers` inbound DENYs of single addresses, then an ALLOW of everything, then a DENY it shadows
  const overQuota = (fillers: number) => nacl(
    ...Array.from({ length: fillers }, (_, i): Entry => [`Filler${i}`, 1 + i, 'deny', `198.51.${i >> 8}.${i & 255}/32`]),
    ['AllowAll', 900, 'allow', '0.0.0.0/0'],
    ['Shadowed', 1000, 'deny', '192.0.2.0/24'],
  );

  test('GIVEN 200 inbound entries WHEN judged THEN the order rules judge them exactly (the shadowed DENY is reported)', () => {
    const findings = overQuota(198);
    expect(sites(ofRule(findings, SHADOWED))).toEqual([[SHADOWED, 'Stack/Shadowed']]);
  });

  test('GIVEN 201 inbound entries WHEN judged THEN the order rules cannot verify them, on the NACL, saying why; the quota rule reports the count', () => {
    // WHEN judged (exactly, this many entries take seconds per NACL; EC2 takes 40 at most)
    const findings = overQuota(199);
    // THEN no order verdict, one "cannot verify" per order rule on the NACL, and the quota error stands
    expect(ofRule(findings, SHADOWED)).toEqual([]);
    expect(ofRule(findings, DEAD)).toEqual([]);
    const unverified = ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.includes('201 inbound IPv4 entries'));
    expect(sites(unverified).map(([, site]) => site)).toEqual(['Stack/Nacl', 'Stack/Nacl', 'Stack/Nacl', 'Stack/Nacl']);
    expect(unverified.map((f) => f.message.split(' cannot verify')[0]).sort()).toEqual(
      ['LayeredDefense-NaclAllowlist', 'LayeredDefense-NaclDeadEntry', 'LayeredDefense-NaclDenyShadowed', 'LayeredDefense-NaclReturnTraffic']);
    expect(unverified[0].message).toContain('they are more than the 200 this analysis judges exactly, and EC2 takes at most 40 per direction and family');
    // AND the fix is the quota's, not CannotVerify's "use a literal": the values are literals already
    expect(new Set(unverified.map((f) => f.fix))).toEqual(new Set([expect.stringMatching(/^Bring the NACL within EC2's quota of entries per direction and family/)]));
    expect(ofRule(findings, 'LayeredDefense-NaclEntryQuota').length).toBeGreaterThan(0);
  });

  test('GIVEN an outbound ALLOW whose responses cross the 201 inbound entries WHEN judged THEN its return traffic is "cannot verify", on the entry', () => {
    // GIVEN the 201 inbound entries and an outbound ALLOW of tcp 443 to anywhere (a client's requests)
    const fillers = Array.from({ length: 199 }, (_, i): Entry => [`Filler${i}`, 1 + i, 'deny', `198.51.${i >> 8}.${i & 255}/32`]);
    const findings = judge({
      Stack: networkStack(Object.fromEntries([
        ...[...fillers, ['AllowAll', 900, 'allow', '0.0.0.0/0'] as Entry, ['Shadowed', 1000, 'deny', '192.0.2.0/24'] as Entry]
          .map(([id, ruleNumber, action, cidr]) => [id, naclEntry({ Ref: 'Nacl' }, { RuleNumber: ruleNumber, RuleAction: action, CidrBlock: cidr, Protocol: -1 })]),
        ['Https', naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Egress: true, ...tcp(443) })],
      ])),
    });
    // THEN the outbound entry's responses are unverified, saying why; no return-traffic error
    expect(ofRule(findings, 'LayeredDefense-NaclReturnTraffic')).toEqual([]);
    const unverified = ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.resource.logicalId === 'Https');
    expect(unverified.map((f) => f.message)).toEqual(['LayeredDefense-NaclReturnTraffic cannot verify whether responses to outbound IPv4 rule 100 '
      + "(ALLOW 0.0.0.0/0 tcp 443) are allowed back: the NACL's 201 inbound IPv4 entries are more than the 200 this analysis judges exactly, "
      + 'and EC2 takes at most 40 per direction and family']);
    expect(unverified[0].fix).toMatch(/^Bring the NACL within EC2's quota/);
  });
});
