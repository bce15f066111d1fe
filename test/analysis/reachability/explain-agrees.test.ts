// Property: on random NACL entries, security group rules and client addresses, `explain` agrees with the per-layer
// evaluators: the NACL evaluator (first match by rule number) and a plain union of the group's CIDR allows.
import * as fc from 'fast-check';
import { evaluateNaclPacket, NaclEntryProperties } from '../../../src/analysis/model/nacl-evaluator';
import { ReachabilityModel } from '../../../src/analysis/reachability/explain';
import { IpFamily } from '../../../src/ip/family';
import { formatAddress, parseCidr } from '../../../src/private/ip';

const PUBLIC_BLOCKS = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24', '8.8.8.0/24'];

const cidr = fc.tuple(fc.constantFrom(...PUBLIC_BLOCKS), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 }))
  .map(([block, host, prefix]) => `${block.split('.').slice(0, 3).join('.')}.${host}/${prefix}`)
  .map((text) => {
    const parsed = parseCidr(text, { normalizeHostBits: true });
    return `${formatAddress(IpFamily.IPV4, parsed.first)}/${parsed.prefixLength}`;
  });
const wide = fc.oneof(cidr, fc.constant('0.0.0.0/0'));

const naclEntry = fc.record({
  RuleNumber: fc.integer({ min: 1, max: 200 }),
  RuleAction: fc.constantFrom('allow', 'deny'),
  CidrBlock: wide,
  tcp: fc.boolean(),
  from: fc.integer({ min: 440, max: 446 }),
  span: fc.integer({ min: 0, max: 3 }),
});

const address = fc.tuple(fc.constantFrom(...PUBLIC_BLOCKS), fc.integer({ min: 0, max: 255 }))
  .map(([block, host]) => `${block.split('.').slice(0, 3).join('.')}.${host}`);

test('explain agrees with the NACL evaluator and the security group union on random flows', () => {
  fc.assert(fc.property(
    fc.uniqueArray(naclEntry, { selector: (e) => e.RuleNumber, maxLength: 6 }),
    fc.array(wide, { maxLength: 3 }),
    address,
    fc.integer({ min: 440, max: 446 }),
    (rawEntries, groupCidrs, source, port) => {
      const entries: NaclEntryProperties[] = rawEntries.map((e) => ({
        RuleNumber: e.RuleNumber,
        RuleAction: e.RuleAction,
        CidrBlock: e.CidrBlock,
        Egress: false,
        Protocol: e.tcp ? 6 : -1,
        ...(e.tcp ? { PortRange: { From: e.from, To: e.from + e.span } } : {}),
      }));
      const resources: Record<string, unknown> = {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
        Attach: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
        Rt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
        Default: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'Rt' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } } },
        RtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, RouteTableId: { Ref: 'Rt' } } },
        Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
        NaclAssoc: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, NetworkAclId: { Ref: 'Nacl' } } },
        Out: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'Nacl' }, RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' } },
        Group: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'lb', SecurityGroupIngress: groupCidrs.map((c) => ({ IpProtocol: '-1', CidrIp: c })) },
        },
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: [{ Ref: 'Subnet' }], SecurityGroups: [{ 'Fn::GetAtt': ['Group', 'GroupId'] }] } },
        Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Alb' }, Port: port, Protocol: 'HTTP', DefaultActions: [] } },
      };
      entries.forEach((e, i) => {
        resources[`In${i}`] = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'Nacl' }, ...e } };
      });
      const model = ReachabilityModel.fromStacks([{ id: 'S', stackName: 'S', template: { Resources: resources } }]);
      const answer = model.explain({ from: { kind: 'address', cidr: source }, to: { keys: ['id:S/Alb'], description: 'Alb' }, port, protocol: 6 });

      const nacl = evaluateNaclPacket(entries, { direction: 'ingress', address: source, protocol: 6, port });
      const host = parseCidr(source).first;
      const sgAllows = groupCidrs.some((c) => {
        const range = parseCidr(c, { normalizeHostBits: true });
        return range.first <= host && host <= range.last;
      });
      const expected = nacl.action === 'allow' && sgAllows ? 'REACHABLE' : 'BLOCKED';
      expect(answer.verdict).toBe(expected);
      const layers = answer.blockers.map((b) => `${b.layer} ${b.entry ?? ''}`).sort();
      const want = [
        ...(nacl.action === 'deny' ? [`nacl rule ${nacl.ruleNumber}${nacl.ruleNumber === '*' ? ' (implicit deny)' : ''}`] : []),
        ...(sgAllows ? [] : ['security-group ']),
      ].sort();
      expect(layers).toEqual(want);
    },
  ), { numRuns: 200 });
});

test('over IPv6, explain agrees with the NACL evaluator and the CidrIpv6 rules, and IPv4 entries and rules never decide', () => {
  const block6 = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 15 }), fc.constantFrom(48, 52, 56, 64))
    .map(([a, b, prefix]) => {
      const parsed = parseCidr(`2001:db8:${a}:${(b << 12).toString(16)}::/${prefix}`, { normalizeHostBits: true });
      return `${formatAddress(IpFamily.IPV6, parsed.first)}/${parsed.prefixLength}`;
    });
  const any = fc.oneof(block6, fc.constant('::/0'));
  const entry6 = fc.record({ RuleNumber: fc.integer({ min: 1, max: 200 }), RuleAction: fc.constantFrom('allow', 'deny'), cidr: fc.oneof(any, wide) });
  const address6 = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0xffff }))
    .map(([a, b, host]) => `2001:db8:${a}:${b.toString(16)}::${host.toString(16)}`);
  fc.assert(fc.property(
    fc.uniqueArray(entry6, { selector: (e) => e.RuleNumber, maxLength: 6 }),
    fc.array(fc.oneof(any.map((c) => ({ CidrIpv6: c })), wide.map((c) => ({ CidrIp: c }))), { maxLength: 3 }),
    address6,
    (rawEntries, peers, source) => {
      const entries: NaclEntryProperties[] = rawEntries.map((e) => ({
        RuleNumber: e.RuleNumber, RuleAction: e.RuleAction, Egress: false, Protocol: -1, ...(e.cidr.includes(':') ? { Ipv6CidrBlock: e.cidr } : { CidrBlock: e.cidr }),
      }));
      const resources: Record<string, unknown> = {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        Ipv6: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, AmazonProvidedIpv6CidrBlock: true } },
        Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
        Attach: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', Ipv6CidrBlock: { 'Fn::Select': [0, { 'Fn::Cidr': [{ 'Fn::Select': [0, { 'Fn::GetAtt': ['Vpc', 'Ipv6CidrBlocks'] }] }, 1, '64'] }] } } },
        Rt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
        Default6: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'Rt' }, DestinationIpv6CidrBlock: '::/0', GatewayId: { Ref: 'Igw' } } },
        RtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, RouteTableId: { Ref: 'Rt' } } },
        Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
        NaclAssoc: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, NetworkAclId: { Ref: 'Nacl' } } },
        Out: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'Nacl' }, RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: -1, Ipv6CidrBlock: '::/0' } },
        Group: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'lb', SecurityGroupIngress: peers.map((p) => ({ IpProtocol: '-1', ...p })) } },
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { IpAddressType: 'dualstack', Subnets: [{ Ref: 'Subnet' }], SecurityGroups: [{ 'Fn::GetAtt': ['Group', 'GroupId'] }] } },
        Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Alb' }, Port: 443, Protocol: 'HTTP', DefaultActions: [] } },
      };
      entries.forEach((e, i) => {
        resources[`In${i}`] = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'Nacl' }, ...e } };
      });
      const model = ReachabilityModel.fromStacks([{ id: 'S', stackName: 'S', template: { Resources: resources } }]);
      const answer = model.explain({ from: { kind: 'address', cidr: source }, to: { keys: ['id:S/Alb'], description: 'Alb' }, port: 443, protocol: 6 });
      const nacl = evaluateNaclPacket(entries, { direction: 'ingress', address: source, protocol: 6, port: 443 });
      const host = parseCidr(source).first;
      const sgAllows = peers.some((p) => {
        if (!('CidrIpv6' in p)) return false;
        const range = parseCidr(p.CidrIpv6, { normalizeHostBits: true });
        return range.first <= host && host <= range.last;
      });
      expect(answer.verdict).toBe(nacl.action === 'allow' && sgAllows ? 'REACHABLE' : 'BLOCKED');
      const want = [
        ...(nacl.action === 'deny' ? [`nacl rule ${nacl.ruleNumber}${nacl.ruleNumber === '*' ? ' (implicit deny)' : ''}`] : []),
        ...(sgAllows ? [] : ['security-group ']),
      ].sort();
      expect(answer.blockers.map((b) => `${b.layer} ${b.entry ?? ''}`).sort()).toEqual(want);
    },
  ), { numRuns: 150 });
});
