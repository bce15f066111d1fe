// LayeredDefense-NaclDenyOwnVpc on templates, CDK-free: where a VPC's blocks come from (its CidrBlock, secondary
// AWS::EC2::VPCCidrBlock resources, IPAM pools, AWS-assigned IPv6) and what stays "cannot verify".
import { judge, naclEntry, networkStack, ofRule, sites } from '../support';

const ID = 'LayeredDefense-NaclDenyOwnVpc';

const deny = (cidr: Record<string, string>, ruleNumber = 10) => naclEntry({ Ref: 'Nacl' }, { RuleNumber: ruleNumber, RuleAction: 'deny', ...cidr });
const block = (properties: Record<string, unknown>) => ({ Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, ...properties } });

function cannotVerify(findings: ReturnType<typeof judge>): string[] {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ID} cannot verify`)).map((f) => f.message);
}

describe(ID, () => {
  test('GIVEN a DENY of 10.1.0.0/15 and a secondary block 10.1.0.0/16 WHEN judged THEN the entry is reported, naming the block resource', () => {
    // GIVEN the VPC 10.0.0.0/16 with a secondary 10.1.0.0/16; 10.0.0.0/15 would be inside neither
    const findings = judge({ Stack: networkStack({ Deny: deny({ CidrBlock: '10.1.0.0/15' }), Secondary: block({ CidrBlock: '10.1.0.0/16' }) }) });
    // THEN 10.1.0.0/15 is 10.0.0.0-10.1.255.255: it covers both blocks; the first known one is named
    const found = ofRule(findings, ID);
    expect(sites(found)).toEqual([[ID, 'Stack/Deny']]);
    expect(found[0].message).toBe("inbound rule 10 (DENY 10.0.0.0/15 all traffic) covers the VPC's own CIDR block 10.0.0.0/16 (CidrBlock of Vpc): "
      + "it denies the VPC's internal traffic crossing the subnets of this NACL");
  });

  test('GIVEN an outbound DENY that covers the VPC WHEN judged THEN the message says outbound', () => {
    const findings = ofRule(judge({ Stack: networkStack({ Deny: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 10, RuleAction: 'deny', CidrBlock: '10.0.0.0/8', Protocol: -1, Egress: true }) }) }), ID);
    expect(findings.map((f) => f.message.split(' covers')[0])).toEqual(['outbound rule 10 (DENY 10.0.0.0/8 all traffic)']);
  });

  test('GIVEN a DENY that covers only a secondary block and reaches beyond it WHEN judged THEN the secondary block is named', () => {
    const findings = judge({ Stack: networkStack({ Deny: deny({ CidrBlock: '10.2.0.0/15' }), Secondary: block({ CidrBlock: '10.3.0.0/16' }) }) });
    expect(ofRule(findings, ID)[0].message).toContain('covers the VPC\'s own CIDR block 10.3.0.0/16 (CidrBlock of Secondary)');
  });

  test('GIVEN a secondary block of another VPC WHEN judged THEN it is not this VPC\'s', () => {
    const findings = judge({
      Stack: networkStack({
        Deny: deny({ CidrBlock: '10.2.0.0/15' }),
        OtherVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '172.16.0.0/16' } },
        OtherBlock: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'OtherVpc' }, CidrBlock: '10.3.0.0/16' } },
      }),
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test.each([
    ['sharing its first address, inside it', 0, '10.0.0.0/17'],
    ['sharing its last address, inside it', 0, '10.0.128.0/17'],
    ['just below it', 0, '9.255.255.0/24'],
    ['just above it', 0, '10.1.0.0/16'],
    // CIDR blocks nest or are apart: a DENY that overlaps the block and reaches beyond it contains it.
    ['containing it, sharing its first address', 1, '10.0.0.0/15'],
    ['containing it from below', 1, '8.0.0.0/6'],
    ['equal to the VPC block', 1, '10.0.0.0/16'],
    ['strictly inside it (segmentation)', 0, '10.0.1.0/24'],
    ['outside it', 0, '192.0.2.0/24'],
  ])('GIVEN a DENY %s WHEN judged THEN %i finding(s)', (_, count, cidr) => {
    expect(ofRule(judge({ Stack: networkStack({ Deny: deny({ CidrBlock: cidr }) }) }), ID)).toHaveLength(count);
  });

  test('GIVEN a VPC whose CidrBlock is imported WHEN an IPv4 DENY is judged THEN it cannot be verified, naming the value', () => {
    const stack = networkStack({ Deny: deny({ CidrBlock: '10.0.0.0/8' }) }) as { Resources: Record<string, any> };
    stack.Resources.Vpc.Properties.CidrBlock = { 'Fn::ImportValue': 'SharedCidr' };
    const findings = judge({ Stack: stack });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify whether the NACL's IPv4 DENY entries cover the VPC's own addresses (CidrBlock of Vpc is {"Fn::ImportValue":"SharedCidr"}): the value is not known`,
    ]);
  });

  test('GIVEN a VPC whose IPv4 block comes from an IPAM pool WHEN an IPv4 DENY is judged THEN it cannot be verified; an IPv6 DENY alone can', () => {
    const stack = networkStack({ Deny: deny({ CidrBlock: '10.0.0.0/8' }) }) as { Resources: Record<string, any> };
    stack.Resources.Vpc.Properties = { Ipv4IpamPoolId: 'ipam-pool-0123456789abcdef0', Ipv4NetmaskLength: 16 };
    expect(cannotVerify(judge({ Stack: stack }))).toEqual([
      `${ID} cannot verify whether the NACL's IPv4 DENY entries cover the VPC's own addresses (the IPv4 block of Vpc comes from an IPAM pool): the value is not known`,
    ]);
    stack.Resources.Deny = deny({ Ipv6CidrBlock: '2001:db8::/32' });
    expect(cannotVerify(judge({ Stack: stack }))).toEqual([]);
  });

  test.each([
    ['neither CidrBlock nor Ipv4IpamPoolId', { EnableDnsSupport: true }, ['neither CidrBlock nor Ipv4IpamPoolId is set, and a VPC needs one of them: CloudFormation rejects it']],
    ['Properties that is not an object', 'oops', ['Properties is oops, not an object: CloudFormation rejects the template']],
  ])('GIVEN a VPC with %s WHEN an IPv4 DENY is judged THEN the VPC is invalid, and nothing is called unknown or an IPAM pool', (_, properties, problems) => {
    // GIVEN
    const stack = networkStack({ Deny: deny({ CidrBlock: '10.0.0.0/8' }) }) as { Resources: Record<string, any> };
    stack.Resources.Vpc.Properties = properties;
    // WHEN
    const findings = judge({ Stack: stack });
    // THEN InvalidValue names what CloudFormation rejects, on the VPC; the NACL's DENY is not "cannot verify"
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').filter((f) => f.resource.logicalId === 'Vpc').map((f) => f.message)).toEqual(problems);
    expect(cannotVerify(findings)).toEqual([]);
    expect(ofRule(findings, ID)).toEqual([]);
  });

  test('GIVEN a secondary IPv4 block from an IPAM pool WHEN an IPv4 DENY is judged THEN it cannot be verified', () => {
    const findings = judge({ Stack: networkStack({ Deny: deny({ CidrBlock: '192.0.2.0/24' }), Pooled: block({ Ipv4IpamPoolId: 'ipam-pool-0123456789abcdef0' }) }) });
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify whether the NACL's IPv4 DENY entries cover the VPC's own addresses (the IPv4 block of Pooled comes from an IPAM pool): the value is not known`,
    ]);
  });

  test.each([
    ['AmazonProvidedIpv6CidrBlock true', 1, { AmazonProvidedIpv6CidrBlock: true }],
    ["AmazonProvidedIpv6CidrBlock 'true'", 1, { AmazonProvidedIpv6CidrBlock: 'true' }],
    ['an IPv6 IPAM pool', 1, { Ipv6IpamPoolId: 'ipam-pool-0123456789abcdef0' }],
    ['a BYOIP pool', 1, { Ipv6Pool: 'ipv6pool-ec2-0123456789abcdef0' }],
    ['AmazonProvidedIpv6CidrBlock false', 0, { AmazonProvidedIpv6CidrBlock: false }],
    ["AmazonProvidedIpv6CidrBlock 'false'", 0, { AmazonProvidedIpv6CidrBlock: 'false' }],
  ])('GIVEN an IPv6 block with %s WHEN an IPv6 DENY is judged THEN %i cannot-verify', (_, count, properties) => {
    const findings = judge({ Stack: networkStack({ Deny: deny({ Ipv6CidrBlock: '2001:db8::/32' }), V6: block(properties) }) });
    expect(cannotVerify(findings)).toEqual(count === 0 ? [] : [
      `${ID} cannot verify whether the NACL's IPv6 DENY entries cover the VPC's own addresses (the IPv6 block of V6 is assigned by AWS at deploy): the value is not known`,
    ]);
  });

  test('GIVEN an IPv6 DENY of ::/0 on an IPv4-only VPC WHEN judged THEN it covers no IPv4 block (numbers of different families never overlap)', () => {
    expect(ofRule(judge({ Stack: networkStack({ Deny: deny({ Ipv6CidrBlock: '::/0' }) }) }), ID)).toEqual([]);
  });

  test('GIVEN a literal secondary IPv6 block WHEN a DENY covers it and more THEN the entry is reported', () => {
    const findings = judge({ Stack: networkStack({ Deny: deny({ Ipv6CidrBlock: '2001:db8::/32' }), V6: block({ Ipv6CidrBlock: '2001:db8:1234::/56' }) }) });
    expect(ofRule(findings, ID)[0].message).toContain("covers the VPC's own CIDR block 2001:db8:1234::/56 (Ipv6CidrBlock of V6)");
  });

  test.each([
    ['an IPv4 CIDR as Ipv6CidrBlock', 'V6', { Ipv6CidrBlock: '10.9.0.0/16' }, "Ipv6CidrBlock '10.9.0.0/16' is not an IPv6 CIDR (it is IPv4): EC2 rejects it"],
    ['an address without a prefix length', 'V4', { CidrBlock: '10.9.0.0' }, "CidrBlock '10.9.0.0' is not an IPv4 CIDR (it has no prefix length: write 10.9.0.0/32 for one address): EC2 rejects it"],
    ['a CidrBlock that is no CIDR', 'V4', { CidrBlock: '10.9.0.0/33' }, "CidrBlock '10.9.0.0/33' is not an IPv4 CIDR (it "],
    ['an empty CidrBlock', 'V4', { CidrBlock: '' }, "CidrBlock '' is not an IPv4 CIDR (it is empty): EC2 rejects it"],
  ])('GIVEN %s on a secondary block WHEN judged THEN it is an invalid value, not an unknown one', (_, id, properties, problem) => {
    const findings = judge({ Stack: networkStack({ Deny4: deny({ CidrBlock: '192.0.2.0/24' }), Deny6: deny({ Ipv6CidrBlock: '2001:db8::/32' }, 20), [id]: block(properties) }) });
    expect(cannotVerify(findings)).toEqual([]);
    const invalid = ofRule(findings, 'LayeredDefense-InvalidValue');
    expect(sites(invalid)).toEqual([['LayeredDefense-InvalidValue', `Stack/${id}`]]);
    expect(invalid[0].message).toContain(problem);
  });

  test('GIVEN a VPC and a subnet whose literal blocks are no CIDRs WHEN judged THEN each is an invalid value', () => {
    const stack = networkStack() as { Resources: Record<string, any> };
    stack.Resources.Vpc.Properties.CidrBlock = '10.0.0.0/8x';
    stack.Resources.Subnet.Properties.Ipv6CidrBlock = '2001:db8::/129';
    const invalid = ofRule(judge({ Stack: stack }), 'LayeredDefense-InvalidValue');
    expect(invalid.map((f) => [f.resource.logicalId, f.message.split(' (it ')[0]])).toEqual([
      ['Vpc', "CidrBlock '10.0.0.0/8x' is not an IPv4 CIDR"],
      ['Subnet', "Ipv6CidrBlock '2001:db8::/129' is not an IPv6 CIDR"],
    ]);
  });
});

describe(`${ID}: NACLs it cannot fully see`, () => {
  test('GIVEN a NACL of a VPC outside the templates WHEN a DENY is judged THEN it cannot verify the VPC\'s blocks, once per family denied', () => {
    // GIVEN a NACL on an imported VPC (a literal id), with an IPv4 DENY
    const findings = judge({
      Stack: { Resources: { Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-0123456789abcdef0' } }, Deny: deny({ CidrBlock: '10.0.0.0/8' }) } },
    });
    // THEN
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify whether the NACL's IPv4 DENY entries cover the VPC's own addresses (VpcId vpc-0123456789abcdef0 is not a VPC of the templates): the value is not known`,
    ]);
  });

  test('GIVEN an IPv6 DENY on a NACL of a VPC outside the templates WHEN judged THEN it cannot verify the IPv6 blocks', () => {
    const findings = judge({
      Stack: { Resources: { Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-0123456789abcdef0' } }, Deny: deny({ Ipv6CidrBlock: '2001:db8::/32' }) } },
    });
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify whether the NACL's IPv6 DENY entries cover the VPC's own addresses (VpcId vpc-0123456789abcdef0 is not a VPC of the templates): the value is not known`,
    ]);
  });

  test('GIVEN a NACL whose VpcId names a subnet WHEN a DENY covers the subnet THEN the subnet\'s block is not taken for the VPC\'s', () => {
    const stack = networkStack({ Deny: deny({ CidrBlock: '10.0.0.0/23' }) }) as { Resources: Record<string, any> };
    stack.Resources.Nacl.Properties.VpcId = { Ref: 'Subnet' };
    const findings = judge({ Stack: stack });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([expect.stringContaining('is not a VPC of the templates')]);
  });

  test('GIVEN a NACL with only ALLOW entries on a VPC outside the templates WHEN judged THEN there is nothing to verify', () => {
    const findings = judge({
      Stack: { Resources: { Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-0123456789abcdef0' } }, Allow: naclEntry({ Ref: 'Nacl' }, { RuleNumber: 100, RuleAction: 'allow', CidrBlock: '0.0.0.0/0', Protocol: -1 }) } },
    });
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a DENY whose CIDR is not known, beside one that is WHEN judged THEN the known one is judged and the rule does not fail', () => {
    const findings = judge({
      Stack: networkStack({ Known: deny({ CidrBlock: '10.0.0.0/8' }), Unknown: deny({ CidrBlock: { 'Fn::ImportValue': 'Blocked' } as unknown as string }, 20) }),
    });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Known']]);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.includes('failed reading'))).toEqual([]);
  });
});

describe(`${ID}: values CloudFormation or EC2 settle at deploy time`, () => {
  test('GIVEN a VPC block with host bits set WHEN a DENY covers it THEN the block it names is judged (no silent pass)', () => {
    const stack = networkStack({ Deny: deny({ CidrBlock: '10.0.0.0/8' }) }) as { Resources: Record<string, any> };
    stack.Resources.Vpc.Properties.CidrBlock = '10.2.0.1/16';
    expect(ofRule(judge({ Stack: stack }), ID)[0].message).toContain("covers the VPC's own CIDR block 10.2.0.1/16 (CidrBlock of Vpc)");
  });

  test('GIVEN blocks from SSM dynamic references WHEN judged THEN they cannot be verified, and are not invalid', () => {
    const stack = networkStack({ Deny: deny({ CidrBlock: '10.0.0.0/8' }) }) as { Resources: Record<string, any> };
    stack.Resources.Vpc.Properties.CidrBlock = '{{resolve:ssm:/network/vpc-cidr}}';
    stack.Resources.Subnet.Properties.CidrBlock = '{{resolve:ssm:/network/subnet-a-cidr:3}}';
    const findings = judge({ Stack: stack });
    expect(ofRule(findings, 'LayeredDefense-InvalidValue')).toEqual([]);
    expect(cannotVerify(findings)).toEqual([expect.stringContaining('CidrBlock of Vpc is {{resolve:ssm:/network/vpc-cidr}}')]);
  });
});
