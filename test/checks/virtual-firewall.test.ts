import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { check, newStack, ofRule, serveHttpsWithRedirect } from './support';

function vpcStack(options: Partial<ec2.VpcProps> = {}): { stack: Stack; vpc: ec2.Vpc } {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} }, ...options });
  return { stack, vpc };
}

describe('LayeredDefense-SgOpenIngress', () => {
  const RULE = 'LayeredDefense-SgOpenIngress';

  test('Noncompliant: SSH from 0.0.0.0/0 and RDP from ::/0 (L2)', () => {
    // GIVEN
    const { stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    sg.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(3389));
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN
    expect(found.map((m) => [m.level, m.path])).toEqual([['error', '/Stack/Sg/Resource'], ['error', '/Stack/Sg/Resource']]);
    expect(found[0].text).toMatch(/every IPv4 address \(0\.0\.0\.0\/0\) is allowed on tcp 22/);
    expect(found[1].text).toMatch(/every IPv6 address \(::\/0\) is allowed on tcp 3389/);
  });

  test('Noncompliant: the whole IPv4 space in two halves is still open (L1 standalone rules)', () => {
    const { stack, vpc } = vpcStack();
    const sg = new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'app', vpcId: vpc.vpcId });
    for (const [id, cidr] of [['Low', '0.0.0.0/1'], ['High', '128.0.0.0/1']]) {
      new ec2.CfnSecurityGroupIngress(stack, id, { groupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: 0, toPort: 1000, cidrIp: cidr });
    }
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/is allowed on tcp 0-442, tcp 444-1000/);
  });

  test('Noncompliant: the two halves on an imported group, as two standalone rules, are judged together', () => {
    const { stack } = vpcStack();
    for (const [id, cidr] of [['Low', '0.0.0.0/1'], ['High', '128.0.0.0/1']]) {
      new ec2.CfnSecurityGroupIngress(stack, id, { groupId: 'sg-0123456789abcdef0', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: cidr });
    }
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Low' })]);
    expect(found[0].text).toMatch(/security group sg-0123456789abcdef0 \(with the rules of Stack\/High\): ingress from every IPv4 address \(0\.0\.0\.0\/0\) is allowed on tcp 22/);
  });

  test('Compliant: halves on two different imported groups are two groups', () => {
    const { stack } = vpcStack();
    for (const [id, cidr, group] of [['Low', '0.0.0.0/1', 'sg-0123456789abcdef0'], ['High', '128.0.0.0/1', 'sg-0fedcba9876543210']]) {
      new ec2.CfnSecurityGroupIngress(stack, id, { groupId: group, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: cidr });
    }
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Noncompliant: port 80 open on a group whose load balancer serves HTTP instead of redirecting', () => {
    const { stack, vpc } = vpcStack();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(200) });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ path: '/Stack/Alb/SecurityGroup/Resource' })]);
  });

  test('Compliant: HTTPS open to everyone, HTTP open only where it redirects to HTTPS', () => {
    const { stack, vpc } = vpcStack();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true, ipAddressType: elbv2.IpAddressType.DUAL_STACK });
    serveHttpsWithRedirect(alb);
    const sg = new ec2.SecurityGroup(stack, 'App', { vpc });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(22));
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Noncompliant: a prefix list of the stack that holds every IPv4 address (L2 peer, L2 list)', () => {
    // GIVEN a customer-managed prefix list with 0.0.0.0/0 among its entries, used as the peer of SSH
    const { stack, vpc } = vpcStack();
    const list = new ec2.PrefixList(stack, 'Anyone', { entries: [{ cidr: '198.51.100.0/24' }, { cidr: '0.0.0.0/0' }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    sg.addIngressRule(ec2.Peer.prefixList(list.prefixListId), ec2.Port.tcp(22));
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN
    // CDK writes a rule whose peer is a token as a standalone ingress resource: the finding sits on it, not the group
    expect(found.map((m) => [m.level, m.path])).toEqual([['error', '/Stack/Sg/from {IndirectPeer}:22']]);
    expect(found[0].text).toMatch(/every IPv4 address \(0\.0\.0\.0\/0\) is allowed on tcp 22/);
  });

  test('Noncompliant: a standalone rule whose prefix list adds up to every IPv6 address (L1)', () => {
    const { stack, vpc } = vpcStack();
    const list = new ec2.CfnPrefixList(stack, 'Halves', {
      addressFamily: 'IPv6', maxEntries: 2, prefixListName: 'halves', entries: [{ cidr: '::/1' }, { cidr: '8000::/1' }],
    });
    const sg = new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'app', vpcId: vpc.vpcId });
    new ec2.CfnSecurityGroupIngress(stack, 'Rdp', { groupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, sourcePrefixListId: list.attrPrefixListId });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/every IPv6 address \(::\/0\) is allowed on tcp 3389/);
  });

  test('Compliant: a prefix list of known networks, and an AWS-managed list', () => {
    const { stack, vpc } = vpcStack();
    const office = new ec2.PrefixList(stack, 'Office', { entries: [{ cidr: '198.51.100.0/24' }, { cidr: '203.0.113.0/24' }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    sg.addIngressRule(ec2.Peer.prefixList(office.prefixListId), ec2.Port.tcp(22));
    sg.addIngressRule(ec2.Peer.prefixList('pl-3b927c52'), ec2.Port.tcp(8080));
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Token: a prefix list entry unknown at synth cannot be verified', () => {
    const { stack, vpc } = vpcStack();
    const list = new ec2.CfnPrefixList(stack, 'Imported', {
      addressFamily: 'IPv4', maxEntries: 5, prefixListName: 'partner', entries: [{ cidr: Fn.importValue('PartnerCidr') }],
    });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    sg.addIngressRule(ec2.Peer.prefixList(list.attrPrefixListId), ec2.Port.tcp(22));
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify')[0]).toMatchObject({
      path: '/Stack/Imported',
      text: expect.stringMatching(/LayeredDefense-SgOpenIngress cannot verify prefix list entry Cidr .*PartnerCidr/),
    });
  });

  test('Token: an imported CIDR cannot be verified', () => {
    const { stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    sg.addIngressRule(ec2.Peer.ipv4(Fn.importValue('AdminCidr')), ec2.Port.tcp(22));
    const messages = check(stack);
    expect(ofRule(messages, RULE)).toEqual([]);
    expect(ofRule(messages, 'LayeredDefense-CannotVerify')[0].text).toMatch(/LayeredDefense-SgOpenIngress cannot verify an ingress rule \(peer CidrIp .*AdminCidr/);
  });
});

describe('LayeredDefense-SgDefaultOpen', () => {
  const RULE = 'LayeredDefense-SgDefaultOpen';

  test('Noncompliant: a VPC that keeps its default security group rules', () => {
    const { stack } = vpcStack({ restrictDefaultSecurityGroup: false });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Vpc/Resource' })]);
  });

  test('Noncompliant: a rule added to the default security group (L1)', () => {
    const { stack, vpc } = vpcStack();
    new ec2.CfnSecurityGroupIngress(stack, 'IntoDefault', { groupId: vpc.vpcDefaultSecurityGroup, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '10.0.0.0/16' });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ path: '/Stack/IntoDefault' })]);
  });

  test('Compliant: restrictDefaultSecurityGroup', () => {
    const { stack } = vpcStack();
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-SgDenyIntent', () => {
  const RULE = 'LayeredDefense-SgDenyIntent';

  test('Noncompliant: a rule described as a block', () => {
    const { stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443), 'Block the scanners');
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'warning', path: '/Stack/Sg/Resource' })]);
    expect(found[0].text).toMatch(/described as 'Block the scanners'/);
  });

  test('Noncompliant: an allow set built around a blocked range', () => {
    const { stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, description: 'web' });
    // everything except 203.0.113.0/24, as blocks
    for (const cidr of ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/5', '200.0.0.0/7', '202.0.0.0/8', '203.0.0.0/18', '203.0.64.0/19', '203.0.96.0/20', '203.0.112.0/24', '203.0.114.0/23', '203.0.116.0/22', '203.0.120.0/21', '203.0.128.0/17', '203.1.0.0/16', '203.2.0.0/15', '203.4.0.0/14', '203.8.0.0/13', '203.16.0.0/12', '203.32.0.0/11', '203.64.0.0/10', '203.128.0.0/9', '204.0.0.0/6', '208.0.0.0/4', '224.0.0.0/3']) {
      sg.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443));
    }
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/allows every IPv4 address except 203\.0\.113\.0\/24/);
  });

  test('Compliant: an allowlist of known sources', () => {
    const { stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, description: 'database' });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(5432), 'From the application tier');
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});
