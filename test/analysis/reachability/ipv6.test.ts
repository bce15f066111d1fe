// Scenario tests for IPv6 flows on a CDK-free dual-stack template: Amazon gives the VPC its IPv6 block (not known at
// synth), each subnet gets a /64 of it; the public subnet routes ::/0 to the internet gateway, the private subnet to an
// egress-only internet gateway. Every expected answer is worked out by hand from the template below.
import { FlowQuerySpec, FlowSource, ReachabilityModel } from '../../../src/analysis/reachability/explain';

const ipv6Block = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Cidr': [{ 'Fn::Select': [0, { 'Fn::GetAtt': ['Vpc', 'Ipv6CidrBlocks'] }] }, 4, '64'] }] });
const entry = (rule: number, egress: boolean, action: string, cidr: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::EC2::NetworkAclEntry',
  Properties: { NetworkAclId: { Ref: 'PublicNacl' }, RuleNumber: rule, Egress: egress, RuleAction: action, Protocol: -1, ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }), ...extra },
});

function dualStack(change: (r: Record<string, any>) => void = () => {}): ReachabilityModel {
  const resources: Record<string, any> = {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    VpcIpv6: { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: { Ref: 'Vpc' }, AmazonProvidedIpv6CidrBlock: true } },
    Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
    Attach: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
    Eigw: { Type: 'AWS::EC2::EgressOnlyInternetGateway', Properties: { VpcId: { Ref: 'Vpc' } } },
    PublicSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', Ipv6CidrBlock: ipv6Block(0), AssignIpv6AddressOnCreation: true } },
    PrivateSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24', Ipv6CidrBlock: ipv6Block(1), AssignIpv6AddressOnCreation: true } },
    PublicRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PublicDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PublicRt' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } } },
    PublicDefault6: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PublicRt' }, DestinationIpv6CidrBlock: '::/0', GatewayId: { Ref: 'Igw' } } },
    PublicRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'PublicSubnet' }, RouteTableId: { Ref: 'PublicRt' } } },
    PrivateRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PrivateDefault6: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PrivateRt' }, DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: { Ref: 'Eigw' } } },
    PrivateRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'PrivateSubnet' }, RouteTableId: { Ref: 'PrivateRt' } } },
    PublicNacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
    PublicNaclAssoc: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'PublicSubnet' }, NetworkAclId: { Ref: 'PublicNacl' } } },
    In4: entry(100, false, 'allow', '0.0.0.0/0'),
    Out4: entry(100, true, 'allow', '0.0.0.0/0'),
    InDenyBad6: entry(90, false, 'deny', '2001:db8:bad::/48'),
    In6: entry(100, false, 'allow', '::/0', { Protocol: 6, PortRange: { From: 443, To: 443 } }),
    Out6: entry(100, true, 'allow', '::/0'),
    LbGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'lb', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv6: '::/0' }] },
    },
    Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', IpAddressType: 'dualstack', Subnets: [{ Ref: 'PublicSubnet' }], SecurityGroups: [{ 'Fn::GetAtt': ['LbGroup', 'GroupId'] }] } },
    Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Alb' }, Port: 443, Protocol: 'HTTPS', DefaultActions: [] } },
    Alb4: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Subnets: [{ Ref: 'PublicSubnet' }], SecurityGroups: [{ 'Fn::GetAtt': ['LbGroup', 'GroupId'] }] } },
    Listener4: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Alb4' }, Port: 443, Protocol: 'HTTPS', DefaultActions: [] } },
    SshGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'ssh', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::/0' }] } },
    Worker: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'PrivateSubnet' }, Ipv6AddressCount: 1, SecurityGroupIds: [{ 'Fn::GetAtt': ['SshGroup', 'GroupId'] }] } },
  };
  change(resources);
  return ReachabilityModel.fromStacks([{ id: 'App', stackName: 'App', template: { Resources: resources } }]);
}

const internet6: FlowSource = { kind: 'internet', ipv6: true };
const query = (from: FlowSource, target: string, port: number): FlowQuerySpec => ({ from, to: { keys: [`id:App/${target}`], description: target }, port, protocol: 6 });
const codes = (model: ReachabilityModel, q: FlowQuerySpec) => model.explain(q).blockers.map((b) => `${b.layer} ${b.code} ${b.resource?.logicalId ?? '-'} ${b.entry ?? '-'}`).sort();

describe('IPv6 flows', () => {
  const model = dualStack();

  test('the internet over IPv6 reaches a dual-stack ALB: ::/0 to the IGW, the IPv6 NACL entries, the CidrIpv6 rule', () => {
    const answer = model.explain(query(internet6, 'Alb', 443));
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.map((h) => `${h.code} ${h.resource?.logicalId} ${h.entry ?? '-'}`)).toEqual([
      'LB_LISTENER Alb listener on port 443',
      'IPV6_ADDRESS Alb -',
      'ROUTE_TO_INTERNET_GATEWAY PublicDefault6 ::/0 -> GatewayId App/Igw',
      'NACL_INBOUND_ALLOW PublicNacl rule 100',
      'NACL_RETURN_ALLOW PublicNacl rule 100',
      'SG_INGRESS_ALLOW LbGroup ingress tcp 443 from ::/0',
    ]);
    // The rule 100s above are the IPv6 entries: the IPv4 ones never match IPv6 traffic.
    expect(answer.hops.filter((h) => h.layer === 'nacl').every((h) => h.message.includes('rule 100'))).toBe(true);
  });

  test('an IPv6 address in a denied block is stopped by the IPv6 deny entry alone', () => {
    expect(codes(model, query({ kind: 'address', cidr: '2001:db8:bad::1' }, 'Alb', 443))).toEqual(['nacl NACL_INBOUND_DENY PublicNacl rule 90']);
    expect(model.explain(query({ kind: 'address', cidr: '2001:db8::1' }, 'Alb', 443)).verdict).toBe('REACHABLE');
  });

  test('an IPv4-only load balancer is not reachable over IPv6, whatever its groups admit', () => {
    expect(codes(model, query({ kind: 'address', cidr: '2001:db8::1' }, 'Alb4', 443))).toEqual(['route NO_IPV6_ADDRESS Alb4 -']);
    expect(model.explain(query({ kind: 'internet' }, 'Alb4', 443)).verdict).toBe('REACHABLE');
  });

  test('a CidrIp 0.0.0.0/0 rule does not admit IPv6 clients; an IPv4 NACL deny does not stop them', () => {
    const v4Only = dualStack((r) => {
      r.LbGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
      r.DenyAll4 = entry(10, false, 'deny', '0.0.0.0/0');
    });
    expect(codes(v4Only, query(internet6, 'Alb', 443))).toEqual(['security-group SG_INGRESS_NO_RULE LbGroup -']);
    expect(codes(v4Only, query({ kind: 'internet' }, 'Alb', 443))).toEqual(['nacl NACL_INBOUND_DENY PublicNacl rule 10']);
  });

  test('an egress-only internet gateway lets no connection from the internet in', () => {
    expect(codes(model, query(internet6, 'Worker', 22))).toEqual(['route EGRESS_ONLY_INTERNET_GATEWAY PrivateDefault6 ::/0 -> EgressOnlyInternetGatewayId App/Eigw']);
  });

  test('an instance that asks for no IPv6 address, in a subnet that assigns none, is IPv4-only', () => {
    const noV6 = dualStack((r) => {
      delete r.Worker.Properties.Ipv6AddressCount;
      r.PrivateSubnet.Properties.AssignIpv6AddressOnCreation = false;
      r.PrivateDefault6.Properties = { RouteTableId: { Ref: 'PrivateRt' }, DestinationIpv6CidrBlock: '::/0', GatewayId: { Ref: 'Igw' } };
    });
    expect(codes(noV6, query(internet6, 'Worker', 22))).toEqual(['route NO_IPV6_ADDRESS Worker -']);
  });

  test('dualstack-without-public-ipv4: reachable over IPv6 only', () => {
    const v6Only = dualStack((r) => {
      r.Alb.Properties.IpAddressType = 'dualstack-without-public-ipv4';
    });
    expect(codes(v6Only, query({ kind: 'internet' }, 'Alb', 443))).toEqual(['route NO_PUBLIC_ADDRESS Alb -']);
    expect(v6Only.explain(query(internet6, 'Alb', 443)).verdict).toBe('REACHABLE');
  });
});
