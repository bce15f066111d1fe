// LayeredDefense-NaclIpv6WithoutVpcIpv6 (a construct warning of IpBlocklistNacl before, now a rule for any template),
// CDK-free, on test/fixtures/templates/subnet/ and on hand-built two-stack apps.
import * as path from 'path';
import { readApp } from '../../../src/analysis/cfn';
import { judge, naclEntry, networkStack, ofRule, sites, stackRef } from '../support';

const ID = 'LayeredDefense-NaclIpv6WithoutVpcIpv6';
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'subnet');

function fixture(file: string): any {
  const [stack] = readApp([path.join(FIXTURES, file)]).stacks;
  return JSON.parse(JSON.stringify(stack.template));
}

const deny6 = (nacl: unknown, egress: boolean, ruleNumber = 10) =>
  naclEntry(nacl, { RuleNumber: ruleNumber, RuleAction: 'deny', Egress: egress, Ipv6CidrBlock: '2001:db8:bad::/48' });

function cannotVerify(findings: ReturnType<typeof judge>) {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ID} cannot verify`));
}

describe(ID, () => {
  test('Noncompliance: IPv6 DENY entries on a NACL of a VPC without an IPv6 block: one warning, on the NACL', () => {
    // GIVEN the bad fixture: an IPv4-only VPC whose NACL denies 2001:db8:bad::/48 in both directions
    // WHEN
    const findings = ofRule(judge({ Stack: fixture('bad/ipv6-deny-ipv4-only-vpc.yaml') }), ID);
    // THEN
    expect(sites(findings)).toEqual([[ID, 'Stack/Nacl']]);
    expect(findings[0].level).toBe('warning');
    expect(findings[0].message).toBe('the NACL has 2 IPv6 DENY entries (inbound rule 101 2001:db8:bad::/48, outbound rule 101 2001:db8:bad::/48), '
      + 'but VPC Vpc has no IPv6 CIDR block (no AWS::EC2::VPCCidrBlock with AmazonProvidedIpv6CidrBlock, Ipv6CidrBlock or Ipv6IpamPoolId), so they match nothing');
  });

  test('Compliance: the same NACL on a dual-stack VPC gives zero findings of any rule', () => {
    expect(judge({ Stack: fixture('good/ipv6-deny-dual-stack.yaml') })).toEqual([]);
  });

  test('Compliance: IPv6 ALLOW entries alone, on an IPv4-only VPC (they match nothing, and deny nothing either)', () => {
    const findings = judge({ Stack: networkStack({ Allow6: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', Ipv6CidrBlock: '::/0' }) }) });
    expect(ofRule(findings, ID)).toEqual([]);
  });

  test.each([
    ['AmazonProvidedIpv6CidrBlock', { AmazonProvidedIpv6CidrBlock: true }],
    ['an IPAM pool', { Ipv6IpamPoolId: 'ipam-pool-0123456789abcdef0', Ipv6NetmaskLength: 56 }],
  ])('Compliance: the VPC gets IPv6 from %s in another stack', (_, block) => {
    // GIVEN the network stack's VPC and NACL, and an IPv6 block added to the VPC by a second stack
    const findings = judge({
      Network: networkStack({ Deny6: deny6({ Ref: 'Nacl' }, false) }),
      Ipv6: { Resources: { Block: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: stackRef('Network', { Ref: 'Vpc' }), ...block } } } },
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('an entry another stack adds to the NACL is reported on that entry; the NACL\'s own on the NACL', () => {
    // GIVEN a Network stack with an IPv4-only VPC and one IPv6 deny, and an App stack that adds two more
    const findings = ofRule(judge({
      Network: networkStack({ Deny6: deny6({ Ref: 'Nacl' }, false) }),
      App: { Resources: { AppDeny6In: deny6(stackRef('Network', { Ref: 'Nacl' }), false, 20), AppDeny6Out: deny6(stackRef('Network', { Ref: 'Nacl' }), true, 20) } },
    }), ID);
    // THEN
    expect(sites(findings)).toEqual([[ID, 'Network/Nacl'], [ID, 'App/AppDeny6In']]);
    expect(findings[1].message).toMatch(/^the NACL has 2 IPv6 DENY entries \(inbound rule 20 2001:db8:bad::\/48, outbound rule 20 2001:db8:bad::\/48\)/);
  });

  test('a NACL of an imported VPC is "cannot verify", never a silent pass', () => {
    // GIVEN a NACL on a VPC that is not in the templates
    const findings = judge({
      Stack: { Resources: { Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-0123456789abcdef0' } }, Deny6: deny6({ Ref: 'Nacl' }, false) } },
    });
    // THEN
    expect(ofRule(findings, ID)).toEqual([]);
    expect(sites(cannotVerify(findings))).toEqual([['LayeredDefense-CannotVerify', 'Stack/Nacl']]);
    expect(cannotVerify(findings)[0].message).toMatch(/whether the VPC of the NACL has IPv6.*VpcId vpc-0123456789abcdef0 is not a VPC of the templates/);
  });

  test('an IPv6 block whose AmazonProvidedIpv6CidrBlock is not known is "cannot verify"', () => {
    const findings = judge({
      Stack: networkStack({
        Deny6: deny6({ Ref: 'Nacl' }, false),
        Block: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, AmazonProvidedIpv6CidrBlock: { 'Fn::ImportValue': 'want-ipv6' } } },
      }),
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings).map((f) => f.message)).toEqual([expect.stringMatching(/whether VPC Vpc gets IPv6.*AmazonProvidedIpv6CidrBlock of Block is/)]);
  });

  test('IPv6 entries on the default NACL of an IPv4-only VPC are reported on the VPC', () => {
    const findings = ofRule(judge({ Stack: networkStack({ Deny6: deny6({ 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] }, false) }) }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Vpc']]);
    expect(findings[0].message).toMatch(/^the VPC's default NACL has 1 IPv6 DENY entry/);
  });

  test('GIVEN three IPv6 DENY entries WHEN reported THEN all three are named, with nothing more', () => {
    const findings = ofRule(judge({
      Stack: networkStack({ A: deny6({ Ref: 'Nacl' }, false, 10), B: deny6({ Ref: 'Nacl' }, false, 20), C: deny6({ Ref: 'Nacl' }, false, 30) }),
    }), ID);
    expect(findings.map((f) => f.message.split('), but')[0])).toEqual([
      'the NACL has 3 IPv6 DENY entries (inbound rule 10 2001:db8:bad::/48, inbound rule 20 2001:db8:bad::/48, inbound rule 30 2001:db8:bad::/48',
    ]);
  });

  test('GIVEN four IPv6 DENY entries WHEN reported THEN the message gives three examples and says there are more', () => {
    const findings = ofRule(judge({
      Stack: networkStack({ A: deny6({ Ref: 'Nacl' }, false, 10), B: deny6({ Ref: 'Nacl' }, false, 20), C: deny6({ Ref: 'Nacl' }, false, 30), D: deny6({ Ref: 'Nacl' }, false, 40) }),
    }), ID);
    expect(findings.map((f) => f.message.split('), but')[0])).toEqual([
      'the NACL has 4 IPv6 DENY entries (inbound rule 10 2001:db8:bad::/48, inbound rule 20 2001:db8:bad::/48, inbound rule 30 2001:db8:bad::/48, ...',
    ]);
  });

  test('GIVEN an IPv6 DENY whose rule number and direction are not known WHEN judged THEN it still counts, named by its logical id', () => {
    // GIVEN a DENY whose RuleNumber and Egress come from another stack's exports that are not in the app
    const findings = ofRule(judge({
      Stack: networkStack({
        Deny6: naclEntry({ Ref: 'Nacl' }, { RuleNumber: { 'Fn::ImportValue': 'N' }, RuleAction: 'DENY', Egress: { 'Fn::ImportValue': 'E' }, Ipv6CidrBlock: '2001:db8:bad::/48' }),
      }),
    }), ID);
    // THEN the entry is a DENY (any case) on an IPv4-only VPC; neither 'inbound' nor 'outbound' is guessed
    expect(findings.map((f) => f.message.split(', but')[0])).toEqual(['the NACL has 1 IPv6 DENY entry (Deny6 2001:db8:bad::/48)']);
  });

  test('GIVEN an IPv6 entry whose action is not known WHEN judged THEN it is not counted as a DENY, and the order rules cannot verify it', () => {
    const all = judge({
      Stack: networkStack({ Maybe6: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 10, RuleAction: { 'Fn::ImportValue': 'A' }, Ipv6CidrBlock: '2001:db8:bad::/48' }) }),
    });
    expect(ofRule(all, ID)).toEqual([]);
    expect(ofRule(all, 'LayeredDefense-CannotVerify').filter((f) => f.resource.logicalId === 'Maybe6').length).toBeGreaterThan(0);
  });

  const v6Block = (id: string, properties: Record<string, unknown>) => ({ [id]: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, ...properties } } });

  test.each([
    ["AmazonProvidedIpv6CidrBlock 'true'", 0, { AmazonProvidedIpv6CidrBlock: 'true' }],
    ['a literal Ipv6CidrBlock', 0, { Ipv6CidrBlock: '2001:db8:1234::/56' }],
    ['a BYOIP Ipv6Pool', 0, { Ipv6Pool: 'ipv6pool-ec2-0123456789abcdef0', Ipv6CidrBlock: '2001:db8:1234::/56' }],
    ['AmazonProvidedIpv6CidrBlock false', 1, { AmazonProvidedIpv6CidrBlock: false }],
    ["AmazonProvidedIpv6CidrBlock 'false'", 1, { AmazonProvidedIpv6CidrBlock: 'false' }],
    ['an IPv4 secondary block only', 1, { CidrBlock: '10.1.0.0/16' }],
  ])('GIVEN a VPC block with %s WHEN an IPv6 DENY is judged THEN %i finding(s)', (_, count, properties) => {
    const findings = judge({ Stack: networkStack({ Deny6: deny6({ Ref: 'Nacl' }, false), ...v6Block('Block', properties) }) });
    expect(ofRule(findings, ID)).toHaveLength(count);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test.each([
    ['the unknown block first', ['Maybe', 'Sure']],
    ['the known block first', ['Sure', 'Maybe']],
  ])('GIVEN one block that adds IPv6 and one not known, %s WHEN judged THEN the VPC has IPv6', (_, order) => {
    const blocks = { Maybe: { AmazonProvidedIpv6CidrBlock: { 'Fn::ImportValue': 'WantIpv6' } }, Sure: { AmazonProvidedIpv6CidrBlock: true } } as Record<string, Record<string, unknown>>;
    const findings = judge({ Stack: networkStack({ Deny6: deny6({ Ref: 'Nacl' }, false), ...Object.assign({}, ...order.map((id) => v6Block(id, blocks[id]))) }) });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a NACL whose VpcId names a resource that is not a VPC WHEN judged THEN it cannot be verified', () => {
    const stack = networkStack({ Deny6: deny6({ Ref: 'Nacl' }, false) }) as { Resources: Record<string, any> };
    stack.Resources.Nacl.Properties.VpcId = { Ref: 'Subnet' };
    const findings = judge({ Stack: stack });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings).map((f) => f.message)).toEqual([expect.stringMatching(/whether the VPC of the NACL has IPv6.*is not a VPC of the templates/)]);
  });

  test('GIVEN only IPv4 DENY entries WHEN judged THEN nothing is reported or unknown, even on an imported VPC', () => {
    const findings = judge({
      Stack: { Resources: { Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-0123456789abcdef0' } }, Deny4: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 10, RuleAction: 'deny', CidrBlock: '203.0.113.0/24' }) } },
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });
});
