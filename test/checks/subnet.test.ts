import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { allowEphemeral, entry, naclStack, vpcStack } from './nacl-support';
import { check, newStack, ofRule } from './support';
import { IpBlocklistNacl } from '../../src/nacl';

describe('LayeredDefense-NaclDenyShadowed', () => {
  const RULE = 'LayeredDefense-NaclDenyShadowed';

  test('Noncompliant: a lower-numbered ALLOW takes part of what the DENY matches (L2)', () => {
    // GIVEN
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'DenyBad', 200, ec2.AclCidr.ipv4('203.0.113.0/24'), ec2.AclTraffic.allTraffic(), { deny: true });
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Nacl/DenyBad/Resource' })]);
    expect(found[0].text).toMatch(/rule 200 \(DENY 203\.0\.113\.0\/24 all traffic\) is partly shadowed by ALLOW rule 100: for example 203\.0\.113\.0\/24 tcp 443/);
    expect(found[0].text).toMatch(/\(HIPAA 164\.312\(e\)\(1\)\)\. Fix: .+\.$/);
  });

  test('Noncompliant: an ALLOW of everything before the DENY shadows it fully', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowAll', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    entry(nacl, 'DenyBad', 200, ec2.AclCidr.ipv4('203.0.113.0/24'), ec2.AclTraffic.tcpPort(22), { deny: true });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/fully shadowed/);
  });

  test('Noncompliant: IPv6 entries written as L1', () => {
    const { stack, nacl } = naclStack();
    new ec2.CfnNetworkAclEntry(stack, 'AllowV6', { networkAclId: nacl.networkAclId, ruleNumber: 50, protocol: -1, ruleAction: 'allow', ipv6CidrBlock: '::/0' });
    new ec2.CfnNetworkAclEntry(stack, 'DenyV6', { networkAclId: nacl.networkAclId, ruleNumber: 60, protocol: -1, ruleAction: 'deny', ipv6CidrBlock: '2001:db8::/32' });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ path: '/Stack/DenyV6', level: 'error' })]);
  });

  test('Compliant: the DENY comes first', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyBad', 100, ec2.AclCidr.ipv4('203.0.113.0/24'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'AllowAll', 200, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Compliant: an IPv4 ALLOW never shadows an IPv6 DENY, and disjoint ports never overlap', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowV4', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    entry(nacl, 'AllowSsh', 110, ec2.AclCidr.anyIpv6(), ec2.AclTraffic.tcpPort(22));
    entry(nacl, 'DenyV6', 120, ec2.AclCidr.ipv6('2001:db8::/32'), ec2.AclTraffic.tcpPort(443), { deny: true });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Token: a CIDR imported from another stack cannot be verified, and is not passed silently', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowAll', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    new ec2.CfnNetworkAclEntry(stack, 'DenyImported', {
      networkAclId: nacl.networkAclId, ruleNumber: 200, protocol: -1, ruleAction: 'deny', cidrBlock: Fn.importValue('BadCidr'),
    });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    const cannot = ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => m.path === '/Stack/DenyImported');
    expect(cannot.length).toBeGreaterThan(0);
    expect(cannot[0]).toMatchObject({ level: 'warning' });
    expect(cannot[0].text).toMatch(/LayeredDefense-NaclDenyShadowed cannot verify .*Fn::ImportValue.*BadCidr/);
  });
});

describe('an entry whose direction (Egress) is unknown at synth', () => {
  test('Token: it is not read as inbound; both directions cannot be verified and are not passed silently', () => {
    // GIVEN an ALLOW-all that shadows the DENY if the DENY is inbound, and nothing if it is outbound
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowAll', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    entry(nacl, 'AllowAllOut', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic(), { egress: true });
    const out = new CfnParameter(stack, 'Out', { type: 'String', allowedValues: ['true', 'false'] });
    new ec2.CfnNetworkAclEntry(stack, 'DenyBad', {
      networkAclId: nacl.networkAclId, ruleNumber: 200, protocol: -1, ruleAction: 'deny', cidrBlock: '203.0.113.0/24', egress: out.valueAsString as any,
    });
    // WHEN
    const messages = check(stack);
    // THEN no verdict on either direction, and a named "cannot verify" for each
    expect(ofRule(messages, 'LayeredDefense-NaclDenyShadowed')).toEqual([]);
    const text = ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => m.path === '/Stack/DenyBad').map((m) => m.text).join('\n');
    expect(text).toMatch(/LayeredDefense-NaclDenyShadowed cannot verify .* of ingress IPv4 entries \(.*Egress \{"Ref":"Out"\} is not true or false/);
    expect(text).toMatch(/LayeredDefense-NaclDenyShadowed cannot verify .* of egress IPv4 entries/);
  });

  test('Token: a rule number it shares with another entry may be a duplicate', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowAll', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    const out = new CfnParameter(stack, 'Out', { type: 'String' });
    new ec2.CfnNetworkAclEntry(stack, 'Maybe', { networkAclId: nacl.networkAclId, ruleNumber: 100, protocol: -1, ruleAction: 'deny', cidrBlock: '203.0.113.0/24', egress: out.valueAsString as any });
    const messages = check(stack);
    expect(ofRule(messages, 'LayeredDefense-NaclDuplicateRuleNumber')).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify').map((m) => m.text).join('\n'))
      .toMatch(/LayeredDefense-NaclDuplicateRuleNumber cannot verify whether rule number 100 is also used by Stack\/Nacl\/AllowAll\/Resource in the same direction/);
  });
});

describe('LayeredDefense-NaclDeadEntry', () => {
  const RULE = 'LayeredDefense-NaclDeadEntry';

  test('Noncompliant: a DENY inside an earlier DENY never decides anything', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyWide', 100, ec2.AclCidr.ipv4('10.0.0.0/8'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'DenyNarrow', 110, ec2.AclCidr.ipv4('10.1.0.0/16'), ec2.AclTraffic.tcpPort(22), { deny: true });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Nacl/DenyNarrow/Resource' })]);
    expect(found[0].text).toMatch(/never decides a packet: everything it matches is decided first by rule 100/);
  });

  test('Noncompliant: ICMP (protocol 1) on an IPv6 entry can never match (L1)', () => {
    const { stack, nacl } = naclStack();
    new ec2.CfnNetworkAclEntry(stack, 'PingV6', {
      networkAclId: nacl.networkAclId, ruleNumber: 100, protocol: 1, ruleAction: 'allow', ipv6CidrBlock: '::/0', icmp: { type: -1, code: -1 },
    });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/can never match: protocol 1 \(ICMP\) never occurs in IPv6 traffic/);
  });

  test('Compliant: entries that each decide some traffic', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyA', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'DenyB', 110, ec2.AclCidr.ipv4('10.0.0.0/8'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'AllowAll', 200, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-NaclDeadEntry and LayeredDefense-NaclDenyShadowed: several deciders', () => {
  test('Noncompliant: an ALLOW decided by two earlier entries names both, in order', () => {
    // GIVEN an inbound ALLOW of 10.0.0.0/16 tcp 443 whose halves are both decided earlier
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyLow', 120, ec2.AclCidr.ipv4('10.0.0.0/17'), ec2.AclTraffic.tcpPort(443), { deny: true });
    entry(nacl, 'DenyHigh', 110, ec2.AclCidr.ipv4('10.0.128.0/17'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'AllowLate', 200, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPort(443));
    // WHEN
    const found = ofRule(check(stack), 'LayeredDefense-NaclDeadEntry');
    // THEN
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Nacl/AllowLate/Resource' })]);
    expect(found[0].text).toContain('inbound IPv4 rule 200 (ALLOW 10.0.0.0/16 tcp 443) never decides a packet: everything it matches is decided first by rules 110, 120');
  });

  test('Noncompliant: a DENY with an inverted port range is InvalidValue (EC2 refuses it), not a dead or shadowed entry', () => {
    const { stack } = naclStack();
    const nacl = stack.node.findChild('Nacl') as ec2.NetworkAcl;
    new ec2.CfnNetworkAclEntry(stack, 'Empty', { networkAclId: nacl.networkAclId, ruleNumber: 300, protocol: 6, ruleAction: 'deny', cidrBlock: '10.0.0.0/8', egress: true, portRange: { from: 90, to: 80 } });
    const messages = check(stack);
    expect(ofRule(messages, 'LayeredDefense-InvalidValue').map((m) => [m.path, m.text.slice(0, m.text.indexOf('. Fix'))])).toEqual([
      ['/Stack/Empty', '[LayeredDefense-InvalidValue] PortRange 90-80 is inverted (From > To)'],
    ]);
    expect(ofRule(messages, 'LayeredDefense-NaclDeadEntry')).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-NaclDenyShadowed')).toEqual([]);
  });

  test('Noncompliant: a DENY fully shadowed by two ALLOWs names both; partly when another DENY takes the rest', () => {
    const full = naclStack();
    entry(full.nacl, 'AllowA', 100, ec2.AclCidr.ipv4('10.0.0.0/9'), ec2.AclTraffic.allTraffic());
    entry(full.nacl, 'AllowB', 110, ec2.AclCidr.ipv4('10.128.0.0/9'), ec2.AclTraffic.allTraffic());
    entry(full.nacl, 'Deny', 200, ec2.AclCidr.ipv4('10.0.0.0/8'), ec2.AclTraffic.allTraffic(), { deny: true });
    allowEphemeral(full.nacl);
    const found = ofRule(check(full.stack), 'LayeredDefense-NaclDenyShadowed');
    expect(found).toHaveLength(1);
    expect(found[0].text).toContain('inbound IPv4 rule 200 (DENY 10.0.0.0/8 all traffic) is fully shadowed by ALLOW rules 100, 110: for example 10.0.0.0/9 tcp 0-1023 is allowed by rule 100 (ALLOW 10.0.0.0/9 all traffic) before the deny is reached');
    expect(found[0].text).not.toMatch(/default NACL/);

    const partly = naclStack();
    entry(partly.nacl, 'AllowA', 100, ec2.AclCidr.ipv4('10.0.0.0/9'), ec2.AclTraffic.allTraffic());
    entry(partly.nacl, 'DenyB', 110, ec2.AclCidr.ipv4('10.128.0.0/9'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(partly.nacl, 'Deny', 200, ec2.AclCidr.ipv4('10.0.0.0/8'), ec2.AclTraffic.allTraffic(), { deny: true });
    allowEphemeral(partly.nacl);
    const partial = ofRule(check(partly.stack), 'LayeredDefense-NaclDenyShadowed');
    expect(partial.map((m) => m.path)).toEqual(['/Stack/Nacl/Deny/Resource']);
    expect(partial[0].text).toContain('is partly shadowed by ALLOW rule 100: ');
  });
});


describe('LayeredDefense-NaclDuplicateRuleNumber', () => {
  const RULE = 'LayeredDefense-NaclDuplicateRuleNumber';

  test('Noncompliant: two inbound entries numbered 100 (L1, IPv4 and IPv6 share numbers)', () => {
    const { stack, nacl } = naclStack();
    new ec2.CfnNetworkAclEntry(stack, 'A', { networkAclId: nacl.networkAclId, ruleNumber: 100, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8' });
    new ec2.CfnNetworkAclEntry(stack, 'B', { networkAclId: nacl.networkAclId, ruleNumber: 100, protocol: -1, ruleAction: 'deny', ipv6CidrBlock: '2001:db8::/32' });
    const found = ofRule(check(stack), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].text).toMatch(/inbound rule number 100 is already used by Stack\/(A|B)/);
  });

  test('Compliant: the same number inbound and outbound', () => {
    const { stack, nacl } = naclStack();
    allowEphemeral(nacl);
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-NaclUnassociated and LayeredDefense-NaclSubnetConflict', () => {
  test('Noncompliant: a NACL with no subnet filters nothing', () => {
    const { stack, vpc } = naclStack();
    new ec2.NetworkAcl(stack, 'Orphan', { vpc });
    expect(ofRule(check(stack), 'LayeredDefense-NaclUnassociated')).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Orphan/Resource' })]);
  });

  test('Noncompliant: a subnet associated with two NACLs', () => {
    const { stack, vpc } = naclStack();
    new ec2.NetworkAcl(stack, 'Second', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC } });
    const found = ofRule(check(stack), 'LayeredDefense-NaclSubnetConflict');
    expect(found).toHaveLength(1);
    expect(found[0].text).toMatch(/is associated with 2 NACLs/);
  });

  test('Compliant: one NACL per subnet, every NACL used', () => {
    const { stack } = naclStack();
    const messages = check(stack);
    expect(ofRule(messages, 'LayeredDefense-NaclUnassociated')).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-NaclSubnetConflict')).toEqual([]);
  });
});

describe('LayeredDefense-NaclAllowlist', () => {
  const RULE = 'LayeredDefense-NaclAllowlist';

  test('Noncompliant: specific inbound ALLOWs and everything else denied', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowOffice', 100, ec2.AclCidr.ipv4('198.51.100.0/24'), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'AllowVpc', 110, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPort(5432));
    allowEphemeral(nacl);
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Nacl/Resource' })]);
    expect(found[0].text).toMatch(/admits only specific sources \(for example rule 100 \(ALLOW 198\.51\.100\.0\/24 tcp 443\)\)/);
  });

  test('Compliant: a blocklist (deny, then allow all)', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'Deny', 100, ec2.AclCidr.ipv4('203.0.113.0/24'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'AllowAll', 200, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic());
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-NaclAllowlist: where an allowlist starts', () => {
  const RULE = 'LayeredDefense-NaclAllowlist';

  test('Compliant: an ALLOW of half the IPv4 space is broad, not an allowlist; one address less is specific', () => {
    const half = naclStack();
    entry(half.nacl, 'AllowHalf', 100, ec2.AclCidr.ipv4('0.0.0.0/1'), ec2.AclTraffic.tcpPort(443));
    allowEphemeral(half.nacl);
    expect(ofRule(check(half.stack), RULE)).toEqual([]);

    const less = naclStack();
    entry(less.nacl, 'DenyOne', 90, ec2.AclCidr.ipv4('0.0.0.0/32'), ec2.AclTraffic.tcpPort(443), { deny: true });
    entry(less.nacl, 'AllowHalf', 100, ec2.AclCidr.ipv4('0.0.0.0/1'), ec2.AclTraffic.tcpPort(443));
    allowEphemeral(less.nacl);
    const found = ofRule(check(less.stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Nacl/Resource' })]);
    expect(found[0].text).toContain('inbound IPv4 admits only specific sources (for example rule 100 (ALLOW 0.0.0.0/1 tcp 443)) and denies the rest: the NACL is an allowlist');
  });

  test('Compliant: specific ALLOWs beside a broad ALLOW of other traffic are not an allowlist', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowOffice', 100, ec2.AclCidr.ipv4('198.51.100.0/24'), ec2.AclTraffic.tcpPort(22));
    entry(nacl, 'AllowWeb', 110, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    allowEphemeral(nacl);
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Compliant: return-traffic ALLOWs and outbound ALLOWs are not an allowlist', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'ReturnIn', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPortRange(1024, 65535));
    entry(nacl, 'OutDb', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPort(5432), { egress: true });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Noncompliant: a NACL that is an allowlist in both families is reported once, for IPv4', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowV6', 100, ec2.AclCidr.ipv6('2001:db8::/32'), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'AllowV4', 110, ec2.AclCidr.ipv4('198.51.100.0/24'), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'EphOut6', 100, ec2.AclCidr.anyIpv6(), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    allowEphemeral(nacl);
    const found = ofRule(check(stack), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].text).toMatch(/^\[LayeredDefense-NaclAllowlist\] inbound IPv4 admits only specific sources/);
  });
});

describe('LayeredDefense-NaclDuplicateRuleNumber: what it cannot verify', () => {
  const RULE = 'LayeredDefense-NaclDuplicateRuleNumber';

  test('Noncompliant: the message names the direction, the number and the entry that has it first', () => {
    const { stack, nacl } = naclStack();
    new ec2.CfnNetworkAclEntry(stack, 'A', { networkAclId: nacl.networkAclId, ruleNumber: 300, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8', egress: true });
    new ec2.CfnNetworkAclEntry(stack, 'B', { networkAclId: nacl.networkAclId, ruleNumber: 300, protocol: -1, ruleAction: 'deny', cidrBlock: '11.0.0.0/8', egress: true });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/B' })]);
    expect(found[0].text).toMatch(/^\[LayeredDefense-NaclDuplicateRuleNumber\] outbound rule number 300 is already used by Stack\/A in the same NACL/);
  });

  test('Token: an unresolved rule number cannot be verified', () => {
    const { stack, nacl } = naclStack();
    const n = new CfnParameter(stack, 'N', { type: 'Number' });
    new ec2.CfnNetworkAclEntry(stack, 'A', { networkAclId: nacl.networkAclId, ruleNumber: n.valueAsNumber, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8' });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => m.path === '/Stack/A').map((m) => m.text).join('\n'))
      .toMatch(/LayeredDefense-NaclDuplicateRuleNumber cannot verify the rule number \(RuleNumber \{"Ref":"N"\}\)/);
  });

  test('Token: an entry of unknown direction alone has no duplicate', () => {
    const { stack, nacl } = naclStack();
    const out = new CfnParameter(stack, 'Out', { type: 'String' });
    new ec2.CfnNetworkAclEntry(stack, 'A', { networkAclId: nacl.networkAclId, ruleNumber: 700, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8', egress: out.valueAsString as any });
    new ec2.CfnNetworkAclEntry(stack, 'B', { networkAclId: nacl.networkAclId, ruleNumber: 701, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8' });
    expect(ofRule(check(stack), 'LayeredDefense-CannotVerify').filter((m) => /NaclDuplicateRuleNumber/.test(m.text))).toEqual([]);
  });
});

describe("a VPC's default NACL (EC2's built-in ALLOW-all entries 100 and 101)", () => {
  /** A VPC whose subnets keep the default NACL (dual-stack on request: its IPv6 block is an AWS::EC2::VPCCidrBlock). */
  function defaultNaclStack(options: { ipv6?: boolean } = {}): { stack: Stack; vpc: ec2.Vpc } {
    return vpcStack(options.ipv6 ? { ipProtocol: ec2.IpProtocol.DUAL_STACK } : {});
  }

  function defaultEntry(stack: Stack, vpc: ec2.Vpc, id: string, props: Partial<ec2.CfnNetworkAclEntryProps>): ec2.CfnNetworkAclEntry {
    return new ec2.CfnNetworkAclEntry(stack, id, { networkAclId: vpc.vpcDefaultNetworkAcl, ruleNumber: 200, protocol: -1, ruleAction: 'deny', ...props });
  }

  test('Noncompliant: a DENY numbered after 100 is fully shadowed by the built-in ALLOW-all', () => {
    // GIVEN a deny people add to vpc.vpcDefaultNetworkAcl with a number after the built-in rule 100
    const { stack, vpc } = defaultNaclStack();
    defaultEntry(stack, vpc, 'DenyBad', { cidrBlock: '203.0.113.0/24', ruleNumber: 200 });
    // WHEN
    const messages = check(stack);
    // THEN it is an error naming the built-in entry, and the built-in entries are not reported themselves
    const found = ofRule(messages, 'LayeredDefense-NaclDenyShadowed');
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/DenyBad' })]);
    expect(found[0].text).toMatch(/rule 200 \(DENY 203\.0\.113\.0\/24 all traffic\) is fully shadowed by ALLOW rule 100: .* allowed by rule 100 \(ALLOW 0\.0\.0\.0\/0 all traffic\), built into the VPC's default NACL, before the deny is reached; on a default NACL, number DENY entries below 100/);
    expect(messages.filter((m) => m.path.startsWith('/Stack/Vpc') && m.level !== 'info' && /Nacl/.test(m.text))).toEqual([]);
  });

  test('Compliant: a DENY numbered before 100 decides first; the NACL needs no association of its own', () => {
    const { stack, vpc } = defaultNaclStack();
    defaultEntry(stack, vpc, 'DenyBad', { cidrBlock: '203.0.113.0/24', ruleNumber: 50 });
    defaultEntry(stack, vpc, 'DenyBadOut', { cidrBlock: '203.0.113.0/24', ruleNumber: 50, egress: true });
    const messages = check(stack);
    for (const rule of ['NaclDenyShadowed', 'NaclUnassociated', 'NaclDeadEntry', 'NaclReturnTraffic', 'NaclDuplicateRuleNumber']) {
      expect(ofRule(messages, `LayeredDefense-${rule}`)).toEqual([]);
    }
  });

  test('Noncompliant: an entry numbered 100 collides with the built-in one (EC2 rejects it)', () => {
    const { stack, vpc } = defaultNaclStack();
    defaultEntry(stack, vpc, 'Deny100', { cidrBlock: '203.0.113.0/24', ruleNumber: 100 });
    const found = ofRule(check(stack), 'LayeredDefense-NaclDuplicateRuleNumber');
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Deny100' })]);
    expect(found[0].text).toMatch(/inbound rule number 100 is already used by EC2's built-in ALLOW-all entry of the VPC's default NACL/);
  });

  test('IPv6: without IPv6 addresses there is no rule 101', () => {
    const { stack, vpc } = defaultNaclStack();
    defaultEntry(stack, vpc, 'DenyV6', { ipv6CidrBlock: '2001:db8::/32', ruleNumber: 150 });
    defaultEntry(stack, vpc, 'Allow101', { ipv6CidrBlock: '2001:db9::/32', ruleNumber: 101, ruleAction: 'allow' });
    const messages = check(stack);
    expect(ofRule(messages, 'LayeredDefense-NaclDenyShadowed')).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-NaclDuplicateRuleNumber')).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify')).toEqual([]);
  });

  test('Token: with IPv6 added in the same stack, rule 101 of a direction the stack changes cannot be verified', () => {
    // GIVEN a dual-stack VPC (its IPv6 block is an AWS::EC2::VPCCidrBlock) and inbound IPv6 entries on its default NACL:
    // EC2 adds rule 101 only to a direction not yet changed, and CloudFormation may create either first
    const { stack, vpc } = defaultNaclStack({ ipv6: true });
    defaultEntry(stack, vpc, 'DenyV6', { ipv6CidrBlock: '2001:db8::/32', ruleNumber: 150 });
    defaultEntry(stack, vpc, 'Allow101', { ipv6CidrBlock: '2001:db8:1::/48', ruleNumber: 101, ruleAction: 'allow' });
    // WHEN
    const messages = check(stack);
    // THEN no verdict either way, and each question is a named "cannot verify"
    expect(ofRule(messages, 'LayeredDefense-NaclDenyShadowed')).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-NaclDuplicateRuleNumber')).toEqual([]);
    const cannot = ofRule(messages, 'LayeredDefense-CannotVerify');
    expect(cannot.filter((m) => m.path === '/Stack/Vpc/Resource').map((m) => m.text).join('\n')).toMatch(
      /LayeredDefense-NaclDenyShadowed cannot verify shadowing of ingress IPv6 entries \(whether EC2 added its built-in IPv6 ALLOW-all rule 101 .* the order in which CloudFormation adds the VPC's IPv6 block and this stack's inbound entries/);
    expect(cannot.filter((m) => m.path === '/Stack/Allow101').map((m) => m.text).join('\n')).toMatch(
      /LayeredDefense-NaclDuplicateRuleNumber cannot verify whether inbound rule number 101 is free/);
  });

  test('Token: whether the VPC gets IPv6 at all is unknown', () => {
    const { stack, vpc } = defaultNaclStack();
    const ipv6 = new CfnParameter(stack, 'Ipv6', { type: 'String', allowedValues: ['true', 'false'] });
    new ec2.CfnVPCCidrBlock(stack, 'Ipv6Block', { vpcId: vpc.vpcId, amazonProvidedIpv6CidrBlock: ipv6.valueAsString as any });
    defaultEntry(stack, vpc, 'DenyV6', { ipv6CidrBlock: '2001:db8::/32', ruleNumber: 150, egress: true });
    const text = ofRule(check(stack), 'LayeredDefense-CannotVerify').map((m) => m.text).join('\n');
    expect(text).toMatch(/egress IPv6 entries \(whether EC2 added its built-in IPv6 ALLOW-all rule 101 .*AmazonProvidedIpv6CidrBlock is not known at synth/);
  });

  test('Compliant: a template ALLOW shadowing a template DENY gets no default-NACL advice', () => {
    const { stack, vpc } = defaultNaclStack();
    defaultEntry(stack, vpc, 'AllowOffice', { cidrBlock: '198.51.100.0/24', ruleNumber: 10, ruleAction: 'allow' });
    defaultEntry(stack, vpc, 'DenyPart', { cidrBlock: '198.51.100.0/25', ruleNumber: 20 });
    const found = ofRule(check(stack), 'LayeredDefense-NaclDenyShadowed');
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/DenyPart' })]);
    expect(found[0].text).not.toMatch(/default NACL/);
  });

  test('Noncompliant: entries on a default NACL that serves no subnet filter nothing', () => {
    // GIVEN entries on the default NACL of a VPC whose every subnet has a NACL of its own
    const { stack, vpc } = defaultNaclStack();
    new ec2.NetworkAcl(stack, 'Own', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC } });
    defaultEntry(stack, vpc, 'DenyBad', { cidrBlock: '203.0.113.0/24', ruleNumber: 50 });
    const found = ofRule(check(stack), 'LayeredDefense-NaclUnassociated').filter((m) => m.path === '/Stack/Vpc/Resource');
    expect(found).toEqual([expect.objectContaining({ level: 'error' })]);
    expect(found[0].text).toMatch(/every subnet of the VPC Vpc.* is associated with a NACL of its own, so the entries added to the VPC's default NACL filter nothing/);
  });

  test('Noncompliant: the built-in entry counts toward the quota', () => {
    const { stack, vpc } = defaultNaclStack();
    for (let i = 0; i < 18; i++) {
      defaultEntry(stack, vpc, `Deny${i}`, { cidrBlock: `203.0.113.${i}/32`, ruleNumber: 10 + i });
    }
    expect(ofRule(check(stack), 'LayeredDefense-NaclEntryQuota')).toEqual([]);
    defaultEntry(stack, vpc, 'DenyOneMore', { cidrBlock: '198.51.100.0/24', ruleNumber: 90 });
    const found = ofRule(check(stack), 'LayeredDefense-NaclEntryQuota');
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Vpc/Resource' })]);
    expect(found[0].text).toMatch(/the VPC's default NACL: inbound IPv4 has 20 entries plus the final \* deny, 21 in all, over the quota of 20/);
  });

  test('the built-in entries are never reported as dead: nothing in a template can remove them', () => {
    // GIVEN an inbound DENY of everything before the built-in rule 100, which therefore never decides a packet
    const { stack, vpc } = defaultNaclStack();
    defaultEntry(stack, vpc, 'DenyAll', { cidrBlock: '0.0.0.0/0', ruleNumber: 50 });
    defaultEntry(stack, vpc, 'AllowLate', { cidrBlock: '198.51.100.0/24', ruleNumber: 60, ruleAction: 'allow' });
    // THEN only the template's dead entry is reported
    expect(ofRule(check(stack), 'LayeredDefense-NaclDeadEntry').map((m) => m.path)).toEqual(['/Stack/AllowLate']);
  });

  test('Noncompliant: denying all outbound traffic drops the responses to what the built-in entry admits', () => {
    const { stack, vpc } = defaultNaclStack();
    defaultEntry(stack, vpc, 'DenyAllOut', { cidrBlock: '0.0.0.0/0', ruleNumber: 50, egress: true });
    const found = ofRule(check(stack), 'LayeredDefense-NaclReturnTraffic');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((m) => m.path === '/Stack/Vpc/Resource')).toBe(true);
    expect(found[0].text).toMatch(/inbound IPv4 rule 100 \(ALLOW 0\.0\.0\.0\/0 all traffic\), built into the VPC's default NACL, admits/);
  });
});

describe('LayeredDefense-NaclDenyOwnVpc', () => {
  const RULE = 'LayeredDefense-NaclDenyOwnVpc';

  test('Noncompliant: a blocklist range that contains the VPC (10.0.0.0/8 on 10.0.0.0/16), in either direction', () => {
    // GIVEN a hand-written DENY of a feed's bogon range on a VPC of 10.0.0.0/16
    const { stack, nacl } = naclStack();
    allowEphemeral(nacl);
    entry(nacl, 'DenyBogon', 50, ec2.AclCidr.ipv4('10.0.0.0/8'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'DenyBogonOut', 50, ec2.AclCidr.ipv4('10.0.0.0/8'), ec2.AclTraffic.allTraffic(), { deny: true, egress: true });
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN
    expect(found.map((f) => [f.level, f.path])).toEqual([['error', '/Stack/Nacl/DenyBogon/Resource'], ['error', '/Stack/Nacl/DenyBogonOut/Resource']]);
    expect(found[0].text).toMatch(/inbound rule 50 \(DENY 10\.0\.0\.0\/8 all traffic\) covers the VPC's own CIDR block 10\.0\.0\.0\/16 \(CidrBlock of Vpc8378EB38\)/);
  });

  test('Noncompliant: a range straddling the edge of a secondary IPv4 block, and one containing an IPv6 block (L1)', () => {
    const { stack, vpc, nacl } = naclStack();
    new ec2.CfnVPCCidrBlock(stack, 'Secondary', { vpcId: vpc.vpcId, cidrBlock: '198.18.0.0/24' });
    new ec2.CfnVPCCidrBlock(stack, 'V6', { vpcId: vpc.vpcId, ipv6CidrBlock: '2600:1f18:abc::/56' });
    new ec2.CfnNetworkAclEntry(stack, 'Straddle', { networkAclId: nacl.networkAclId, ruleNumber: 60, protocol: -1, ruleAction: 'deny', cidrBlock: '198.18.0.0/23' });
    new ec2.CfnNetworkAclEntry(stack, 'V6Deny', { networkAclId: nacl.networkAclId, ruleNumber: 61, protocol: -1, ruleAction: 'deny', ipv6CidrBlock: '2600:1f18::/32' });
    const found = ofRule(check(stack), RULE);
    expect(found.map((f) => f.path).sort()).toEqual(['/Stack/Straddle', '/Stack/V6Deny']);
    expect(found.find((f) => f.path === '/Stack/V6Deny')!.text).toMatch(/covers the VPC's own CIDR block 2600:1f18:abc::\/56 \(Ipv6CidrBlock of V6\)/);
  });

  test('Compliant: a DENY strictly inside the VPC (subnet segmentation), an ALLOW of the VPC, a DENY outside it', () => {
    const { stack, nacl } = naclStack();
    allowEphemeral(nacl);
    entry(nacl, 'DenyOtherSubnet', 50, ec2.AclCidr.ipv4('10.0.128.0/20'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'DenyOutside', 51, ec2.AclCidr.ipv4('203.0.113.0/24'), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'AllowVpc', 60, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPort(443));
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Compliant: IpBlocklistNacl refuses such ranges, so its NACL never raises it', () => {
    const { stack, vpc } = vpcStack();
    new IpBlocklistNacl(stack, 'Blocklist', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC }, blockedCidrs: ['203.0.113.0/24'] });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Cannot verify: the VPC\'s block comes from IPAM, or its IPv6 block from Amazon, and the NACL denies that family', () => {
    const stack = newStack();
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { ipv4IpamPoolId: 'ipam-pool-0123456789abcdef0', ipv4NetmaskLength: 16 });
    new ec2.CfnVPCCidrBlock(stack, 'V6', { vpcId: vpc.ref, amazonProvidedIpv6CidrBlock: true });
    const nacl = new ec2.CfnNetworkAcl(stack, 'Nacl', { vpcId: vpc.ref });
    new ec2.CfnNetworkAclEntry(stack, 'Deny4', { networkAclId: nacl.ref, ruleNumber: 60, protocol: -1, ruleAction: 'deny', cidrBlock: '203.0.113.0/24' });
    new ec2.CfnNetworkAclEntry(stack, 'Deny6', { networkAclId: nacl.ref, ruleNumber: 61, protocol: -1, ruleAction: 'deny', ipv6CidrBlock: '2001:db8::/32' });
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    const cannot = ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => m.text.includes('NaclDenyOwnVpc'));
    expect(cannot.map((m) => m.path)).toEqual(['/Stack/Nacl', '/Stack/Nacl']);
    expect(cannot.map((m) => m.text).join('\n')).toMatch(/IPv4 DENY entries .*IPAM pool[\s\S]*IPv6 DENY entries .*assigned by AWS at deploy/);
  });
});
