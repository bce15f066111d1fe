import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { entry, naclStack, vpcStack } from './nacl-support';
import { check, ofRule } from './support';

// LayeredDefense-NaclEntryQuota on its own file, so its mutation group runs only these tests (see build-tools/mutation.ts).
describe('LayeredDefense-NaclEntryQuota', () => {
  const RULE = 'LayeredDefense-NaclEntryQuota';
  function withDenies(count: number) {
    const { stack, nacl } = naclStack();
    for (let i = 0; i < count; i++) {
      entry(nacl, `Deny${i}`, 100 + i, ec2.AclCidr.ipv4(`10.${i}.0.0/16`), ec2.AclTraffic.allTraffic(), { deny: true });
    }
    return stack;
  }

  test('Noncompliant: 20 entries plus the * deny is over the default quota of 20', () => {
    const found = ofRule(check(withDenies(20)), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Nacl/Resource' })]);
    expect(found[0].text).toMatch(/inbound IPv4 has 20 entries plus the final \* deny, 21 in all, over the quota of 20/);
  });

  test('Compliant: 19 entries; and 20 with a raised quota', () => {
    expect(ofRule(check(withDenies(19)), RULE)).toEqual([]);
    expect(ofRule(check(withDenies(20), { naclEntryQuota: 40 }), RULE)).toEqual([]);
  });

  test('Token: 19 inbound entries and one whose direction is unknown may be over the quota', () => {
    const stack = withDenies(19);
    const nacl = stack.node.findChild('Nacl') as ec2.NetworkAcl;
    const out = new CfnParameter(stack, 'Out', { type: 'String' });
    new ec2.CfnNetworkAclEntry(stack, 'Maybe', { networkAclId: nacl.networkAclId, ruleNumber: 500, protocol: -1, ruleAction: 'deny', cidrBlock: '203.0.113.0/24', egress: out.valueAsString as any });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => m.path === '/Stack/Maybe').map((m) => m.text).join('\n'))
      .toMatch(/LayeredDefense-NaclEntryQuota cannot verify the inbound IPv4 entry count of the NACL \(Egress \{"Ref":"Out"\}/);
  });
});

describe('LayeredDefense-NaclEntryQuota: each direction and family is counted on its own', () => {
  const RULE = 'LayeredDefense-NaclEntryQuota';
  /** `count` DENY entries in one direction and family of a fresh NACL. */
  function denies(nacl: ec2.NetworkAcl, count: number, options: { egress?: boolean; ipv6?: boolean; prefix?: string }) {
    for (let i = 0; i < count; i++) {
      const cidr = options.ipv6 ? ec2.AclCidr.ipv6(`2001:db8:${i}::/48`) : ec2.AclCidr.ipv4(`10.${i}.0.0/16`);
      entry(nacl, `${options.prefix ?? 'Deny'}${i}`, 100 + i, cidr, ec2.AclTraffic.allTraffic(), { deny: true, egress: options.egress });
    }
  }

  test('Noncompliant: 20 outbound IPv4 entries', () => {
    // GIVEN
    const { stack, nacl } = naclStack();
    denies(nacl, 20, { egress: true });
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Nacl/Resource' })]);
    expect(found[0].text).toMatch(/outbound IPv4 has 20 entries plus the final \* deny, 21 in all, over the quota of 20/);
  });

  test('Noncompliant: 20 inbound IPv6 entries', () => {
    const { stack, nacl } = naclStack();
    denies(nacl, 20, { ipv6: true });
    const found = ofRule(check(stack), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].text).toMatch(/^\[LayeredDefense-NaclEntryQuota\] inbound IPv6 has 20 entries plus the final \* deny, 21 in all, over the quota of 20/);
  });

  test('Compliant: 19 entries in each direction and family, 76 in all', () => {
    const { stack, nacl } = naclStack();
    denies(nacl, 19, { prefix: 'In4' });
    denies(nacl, 19, { prefix: 'Out4', egress: true });
    denies(nacl, 19, { prefix: 'In6', ipv6: true });
    denies(nacl, 19, { prefix: 'Out6', ipv6: true, egress: true });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Token: 18 inbound entries and one of unknown direction fit whatever the direction is', () => {
    const { stack, nacl } = naclStack();
    denies(nacl, 18, {});
    const out = new CfnParameter(stack, 'Out', { type: 'String' });
    new ec2.CfnNetworkAclEntry(stack, 'Maybe', { networkAclId: nacl.networkAclId, ruleNumber: 500, protocol: -1, ruleAction: 'deny', cidrBlock: '203.0.113.0/24', egress: out.valueAsString as any });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => /NaclEntryQuota/.test(m.text))).toEqual([]);
  });

  test('Invalid: an entry with neither CidrBlock nor Ipv6CidrBlock is InvalidValue, and the quota is counted without it', () => {
    const { stack, nacl } = naclStack();
    denies(nacl, 19, { ipv6: true, egress: true });
    // EC2 refuses an entry without a CIDR: it will never take one of the 20 entries
    new ec2.CfnNetworkAclEntry(stack, 'Maybe', { networkAclId: nacl.networkAclId, ruleNumber: 500, protocol: -1, ruleAction: 'deny', egress: true });
    const messages = check(stack);
    expect(ofRule(messages, 'LayeredDefense-InvalidValue').map((m) => m.path)).toEqual(['/Stack/Maybe']);
    expect(ofRule(messages, 'LayeredDefense-InvalidValue')[0].text).toMatch(/neither CidrBlock nor Ipv6CidrBlock is set/);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => /NaclEntryQuota/.test(m.text))).toEqual([]);
  });
});

describe('LayeredDefense-NaclEntryQuota: unresolved values and the default NACL', () => {
  const RULE = 'LayeredDefense-NaclEntryQuota';
  function defaultEntry(stack: Stack, vpc: ec2.Vpc, id: string, props: Partial<ec2.CfnNetworkAclEntryProps>) {
    new ec2.CfnNetworkAclEntry(stack, id, { networkAclId: vpc.vpcDefaultNetworkAcl, ruleNumber: 200, protocol: -1, ruleAction: 'deny', ...props });
  }

  test('Noncompliant: an entry with an unresolved CIDR still counts in its known direction and family', () => {
    // GIVEN 19 inbound IPv4 entries and a 20th whose CidrBlock is imported at deploy time
    const { stack, nacl } = naclStack();
    for (let i = 0; i < 19; i++) {
      entry(nacl, `Deny${i}`, 100 + i, ec2.AclCidr.ipv4(`10.${i}.0.0/16`), ec2.AclTraffic.allTraffic(), { deny: true });
    }
    new ec2.CfnNetworkAclEntry(stack, 'Imported', { networkAclId: nacl.networkAclId, ruleNumber: 500, protocol: -1, ruleAction: 'deny', cidrBlock: Fn.importValue('BadCidr') });
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Nacl/Resource' })]);
    expect(found[0].text).toMatch(/inbound IPv4 has 20 entries plus the final \* deny, 21 in all/);
  });

  test("Noncompliant: the default NACL's built-in rule 100 counts, and the message names the default NACL", () => {
    const { stack, vpc } = vpcStack();
    for (let i = 0; i < 18; i++) {
      defaultEntry(stack, vpc, `Deny${i}`, { cidrBlock: `203.0.113.${i}/32`, ruleNumber: 10 + i });
    }
    expect(ofRule(check(stack), RULE)).toEqual([]);
    defaultEntry(stack, vpc, 'OneMore', { cidrBlock: '198.51.100.0/24', ruleNumber: 90 });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Vpc/Resource' })]);
    expect(found[0].text).toMatch(/^\[LayeredDefense-NaclEntryQuota\] the VPC's default NACL: inbound IPv4 has 20 entries plus the final \* deny, 21 in all, over the quota of 20/);
  });

  test('Token: a built-in rule 101 that may or may not exist is a "maybe", never a certain count', () => {
    // GIVEN a dual-stack VPC whose IPv6 block is added in this stack, and 18 inbound IPv6 entries on its default NACL
    const { stack, vpc } = vpcStack({ ipProtocol: ec2.IpProtocol.DUAL_STACK });
    for (let i = 0; i < 18; i++) {
      defaultEntry(stack, vpc, `Deny${i}`, { ipv6CidrBlock: `2001:db8:${i}::/48`, ruleNumber: 10 + i });
    }
    // THEN 18 + rule 101 + * fits; one more entry may not
    const fits = check(stack);
    expect(ofRule(fits, RULE)).toEqual([]);
    expect(ofRule(fits, 'LayeredDefense-CannotVerify').filter((m) => /NaclEntryQuota/.test(m.text))).toEqual([]);
    defaultEntry(stack, vpc, 'OneMore', { ipv6CidrBlock: '2001:db8:ff::/48', ruleNumber: 90 });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    const cannot = ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => /NaclEntryQuota/.test(m.text));
    expect(cannot.map((m) => m.path)).toEqual(['/Stack/Vpc/Resource']);
    expect(cannot[0].text).toMatch(/cannot verify the inbound IPv6 entry count of the VPC's default NACL \(whether EC2 added its built-in IPv6 ALLOW-all rule 101/);
  });
});
