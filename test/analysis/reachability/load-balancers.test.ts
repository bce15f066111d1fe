// Scenario tests for flows through load balancers (listener -> target group -> target, both legs judged), NLB
// client-IP preservation and elastic IPs, on CDK-free templates. Every expected answer is worked out by hand from the
// fixture: the three-tier app (an internet-facing ALB whose HTTPS listener forwards to an ECS service on 8080) and a
// small NLB app written below.
import { address, internet, threeTier } from './three-tier';
import { FlowQuerySpec, FlowSource, ReachabilityModel } from '../../../src/analysis/reachability/explain';


const query = (from: FlowSource, target: string, port: number): FlowQuerySpec =>
  ({ from, to: { keys: [`id:App/${target}`], description: target }, port, protocol: 6 });
const codes = (model: ReachabilityModel, q: FlowQuerySpec) => model.explain(q).blockers.map((b) => `${b.layer} ${b.code} ${b.resource?.logicalId ?? '-'}`).sort();

describe('internet -> ALB -> target: both legs are judged', () => {
  test('the internet reaches the ECS service through the ALB on the listener port, hop by hop over both legs', () => {
    // GIVEN the three-tier app: HTTPS 443 forwards to AppTargets, which holds AppService on container port 8080
    const model = threeTier();
    // WHEN
    const answer = model.explain(query(internet, 'AppService', 443));
    // THEN: leg 1 (the client to the ALB), the forward, leg 2 (the ALB to the task: local routes, both NACLs both
    // ways, AppGroup admitting LbGroup, LbGroup sending to AppGroup)
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.map((h) => `${h.layer} ${h.code} ${h.resource?.logicalId ?? '-'}`)).toEqual([
      'load-balancer LB_LISTENER Alb',
      'route PUBLIC_ADDRESS Alb',
      'route ROUTE_TO_INTERNET_GATEWAY PublicDefaultRoute',
      'nacl NACL_INBOUND_ALLOW PublicNacl',
      'nacl NACL_RETURN_ALLOW PublicNacl',
      'security-group SG_INGRESS_ALLOW LbGroup',
      'load-balancer LB_FORWARD AppTargets',
      'route ROUTE_LOCAL Vpc',
      'route ROUTE_LOCAL Vpc',
      'nacl NACL_OUTBOUND_ALLOW PublicNacl',
      'nacl NACL_RETURN_ALLOW PublicNacl',
      'nacl NACL_INBOUND_ALLOW AppNacl',
      'nacl NACL_RETURN_ALLOW AppNacl',
      'security-group SG_INGRESS_ALLOW AppGroup',
      'security-group SG_EGRESS_ALLOW LbGroup',
    ]);
    expect(answer.hops.find((h) => h.code === 'LB_FORWARD')!.message).toMatch(/forwards port 443 by App\/HttpsListener to target group App\/AppTargets, which holds App\/AppService on port 8080/);
  });

  test('a port with no listener gives no path through the ALB: the task itself has no public address', () => {
    // AppNacl admits only the VPC; AppGroup admits 8080 from LbGroup only; the task has no public address and its
    // subnet no route to the IGW.
    expect(codes(threeTier(), query(internet, 'AppService', 8080))).toEqual([
      'nacl NACL_INBOUND_DENY AppNacl',
      'nacl NACL_RETURN_DENY AppNacl',
      'route NO_PUBLIC_ADDRESS AppService',
      'route NO_ROUTE_TO_INTERNET_GATEWAY AppSubnet',
      'security-group SG_INGRESS_NO_RULE AppGroup',
    ]);
  });

  test("leg 2: a target group whose targets do not admit the ALB's group stops the flow at the target", () => {
    // GIVEN AppGroup admits 8080 from another VPC's block, not from LbGroup
    const model = threeTier((r) => {
      r.AppGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIp: '10.9.0.0/16' }];
    });
    const answer = model.explain(query(internet, 'AppService', 443));
    // THEN: blocked; the direct path's blockers and the second leg's AppGroup are all listed (AppGroup twice: once
    // for the internet on the direct path, once for the ALB on the second leg)
    expect(answer.verdict).toBe('BLOCKED');
    expect(codes(model, query(internet, 'AppService', 443))).toEqual([
      'nacl NACL_INBOUND_DENY AppNacl',
      'nacl NACL_RETURN_DENY AppNacl',
      'route NO_PUBLIC_ADDRESS AppService',
      'route NO_ROUTE_TO_INTERNET_GATEWAY AppSubnet',
      'security-group SG_INGRESS_NO_RULE AppGroup',
      'security-group SG_INGRESS_NO_RULE AppGroup',
    ]);
    expect(answer.blockers.map((b) => b.message).join('\n')).toMatch(/admits tcp 8080 from App\/Alb/);
  });

  test('leg 1: an address the public NACL denies reaches neither the ALB nor its target', () => {
    const blockers = codes(threeTier(), query(address('203.0.113.9'), 'AppService', 443));
    expect(blockers).toContain('nacl NACL_INBOUND_DENY PublicNacl');
    expect(threeTier().explain(query(address('203.0.113.9'), 'AppService', 443)).verdict).toBe('BLOCKED');
  });

  test('a listener rule that forwards counts as much as a default action; a fixed response forwards nowhere', () => {
    const fixedOnly = threeTier((r) => {
      r.HttpsListener.Properties.DefaultActions = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }];
    });
    expect(fixedOnly.explain(query(internet, 'AppService', 443)).verdict).toBe('BLOCKED');
    const withRule = threeTier((r) => {
      r.HttpsListener.Properties.DefaultActions = [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }];
      r.ApiRule = {
        Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        Properties: {
          ListenerArn: { Ref: 'HttpsListener' },
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
          Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: 'AppTargets' }, Weight: 1 }] } }],
        },
      };
    });
    const answer = withRule.explain(query(internet, 'AppService', 443));
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.find((h) => h.code === 'LB_FORWARD')!.entry).toBe('App/ApiRule -> App/AppTargets port 8080');
  });
});

/**
 * An internet-facing NLB in a public subnet (routes 0.0.0.0/0 to the IGW), listening on TCP 443 and forwarding to a
 * target group on 8443 that holds one instance in an app subnet. No NACL resources: both subnets keep the default NACL
 * (allow all). `group` is the instance's inbound rule on 8443.
 */
function nlbApp(options: { targetType?: string; preserve?: unknown; instanceIngress: any; nlbGroupIngress?: any }): ReachabilityModel {
  const type = options.targetType ?? 'instance';
  const resources: Record<string, any> = {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
    Attach: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
    PublicSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
    AppSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24' } },
    PublicRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PublicDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PublicRt' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } } },
    PublicRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'PublicSubnet' }, RouteTableId: { Ref: 'PublicRt' } } },
    InstGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'instance', SecurityGroupIngress: [options.instanceIngress] } },
    Instance: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'AppSubnet' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['InstGroup', 'GroupId'] }] } },
    Nlb: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: {
        Type: 'network',
        Scheme: 'internet-facing',
        Subnets: [{ Ref: 'PublicSubnet' }],
        ...(options.nlbGroupIngress ? { SecurityGroups: [{ 'Fn::GetAtt': ['NlbGroup', 'GroupId'] }] } : {}),
      },
    },
    Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Nlb' }, Port: 443, Protocol: 'TCP', DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'Targets' } }] } },
    Targets: {
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Properties: {
        VpcId: { Ref: 'Vpc' },
        Port: 8443,
        Protocol: 'TCP',
        TargetType: type,
        Targets: [{ Id: type === 'ip' ? { 'Fn::GetAtt': ['Instance', 'PrivateIp'] } : { Ref: 'Instance' } }],
        ...(options.preserve !== undefined ? { TargetGroupAttributes: [{ Key: 'preserve_client_ip.enabled', Value: options.preserve }] } : {}),
      },
    },
  };
  if (options.nlbGroupIngress) {
    resources.NlbGroup = { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'nlb', SecurityGroupIngress: [options.nlbGroupIngress] } };
  }
  return ReachabilityModel.fromStacks([{ id: 'App', stackName: 'App', template: { Resources: resources } }]);
}

const fromNlbSubnet = { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, CidrIp: '10.0.0.0/24' };
const fromAnywhere = { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, CidrIp: '0.0.0.0/0' };
const client = address('198.51.100.7');

describe('NLB client-IP preservation', () => {
  test('instance targets see the client: a group that admits only the NLB subnet keeps the internet out', () => {
    // GIVEN an instance target group (preservation on by default) and a group admitting the NLB's subnet
    const model = nlbApp({ instanceIngress: fromNlbSubnet });
    // THEN: blocked by the instance's group, judged against the client's address (through the NLB, and on the direct
    // path, which also lacks a public address and a route to the IGW)
    const answer = model.explain(query(client, 'Instance', 443));
    expect(answer.verdict).toBe('BLOCKED');
    expect(codes(model, query(client, 'Instance', 443))).toEqual([
      'route NO_PUBLIC_ADDRESS Instance',
      'route NO_ROUTE_TO_INTERNET_GATEWAY AppSubnet',
      'security-group SG_INGRESS_NO_RULE InstGroup',
      'security-group SG_INGRESS_NO_RULE InstGroup',
    ]);
    expect(answer.blockers.map((b) => b.message).join('\n')).toMatch(/admits tcp 8443 from 198\.51\.100\.7 \(its address preserved by App\/Nlb\)/);
  });

  test('instance targets see the client: a group that admits the client lets it through the NLB, which has no groups', () => {
    const answer = nlbApp({ instanceIngress: fromAnywhere }).explain(query(client, 'Instance', 443));
    expect(answer.verdict).toBe('REACHABLE');
    // No security group judges the NLB (created without groups); the target's group judges the client on 8443.
    expect(answer.hops.filter((h) => h.layer === 'security-group').map((h) => `${h.resource?.logicalId} ${h.entry}`)).toEqual(['InstGroup ingress tcp 8443 from 0.0.0.0/0']);
    expect(answer.notes.join('\n')).toMatch(/preserves the client's address/);
  });

  test('ip targets over TCP see the NLB, not the client: the NLB subnet rule admits the flow, a client-only rule does not', () => {
    expect(nlbApp({ targetType: 'ip', instanceIngress: fromNlbSubnet }).explain(query(client, 'Instance', 443)).verdict).toBe('REACHABLE');
    const clientOnly = nlbApp({ targetType: 'ip', instanceIngress: { ...fromAnywhere, CidrIp: '198.51.100.0/24' } });
    expect(clientOnly.explain(query(client, 'Instance', 443)).verdict).toBe('BLOCKED');
  });

  test('preserve_client_ip.enabled on an ip target group turns preservation on; a parameter makes it UNKNOWN, naming it', () => {
    expect(nlbApp({ targetType: 'ip', preserve: 'true', instanceIngress: fromNlbSubnet }).explain(query(client, 'Instance', 443)).verdict).toBe('BLOCKED');
    const unknown = nlbApp({ targetType: 'ip', preserve: { Ref: 'Preserve' }, instanceIngress: fromNlbSubnet }).explain(query(client, 'Instance', 443));
    expect(unknown.verdict).toBe('UNKNOWN');
    expect(unknown.unknowns.map((u) => u.message).join('\n')).toMatch(/preserve_client_ip\.enabled of App\/Targets/);
  });

  test("an NLB with a security group: its group judges the client, and the target admits the NLB's group while the address is preserved", () => {
    // GIVEN the NLB's group admits 443 from 198.51.100.0/24 only; the instance admits 8443 from the NLB's group
    const model = nlbApp({
      nlbGroupIngress: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '198.51.100.0/24' },
      instanceIngress: { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, SourceSecurityGroupId: { 'Fn::GetAtt': ['NlbGroup', 'GroupId'] } },
    });
    expect(model.explain(query(client, 'Instance', 443)).verdict).toBe('REACHABLE');
    const outsider = model.explain(query(address('192.0.2.1'), 'Instance', 443));
    expect(outsider.verdict).toBe('BLOCKED');
    expect(outsider.blockers.map((b) => `${b.code} ${b.resource?.logicalId}`)).toContain('SG_INGRESS_NO_RULE NlbGroup');
  });
});

describe('elastic IPs', () => {
  /** An instance in a public subnet that does not map public addresses; its group admits SSH from anywhere. */
  function publicSubnetInstance(extra: Record<string, any> = {}): ReachabilityModel {
    const resources: Record<string, any> = {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
      Attach: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
      PublicSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', MapPublicIpOnLaunch: false } },
      PrivateSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24' } },
      PublicRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
      PublicDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PublicRt' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } } },
      PublicRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'PublicSubnet' }, RouteTableId: { Ref: 'PublicRt' } } },
      NatIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'PublicSubnet' }, AllocationId: { 'Fn::GetAtt': ['NatIp', 'AllocationId'] } } },
      PrivateRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
      PrivateDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PrivateRt' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'Nat' } } },
      PrivateRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'PrivateSubnet' }, RouteTableId: { Ref: 'PrivateRt' } } },
      Ssh: { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'ssh', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] } },
      Bastion: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'PublicSubnet' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['Ssh', 'GroupId'] }] } },
      Worker: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'PrivateSubnet' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['Ssh', 'GroupId'] }] } },
      ...extra,
    };
    return ReachabilityModel.fromStacks([{ id: 'App', stackName: 'App', template: { Resources: resources } }]);
  }

  test('without an elastic IP the bastion has no public address; the NAT gateway\'s elastic IP makes nothing reachable', () => {
    const model = publicSubnetInstance();
    expect(codes(model, query(internet, 'Bastion', 22))).toEqual(['route NO_PUBLIC_ADDRESS Bastion']);
    expect(codes(model, query(internet, 'Worker', 22))).toEqual(['route NO_PUBLIC_ADDRESS Worker', 'route ROUTE_WRONG_TARGET PrivateDefault']);
  });

  test('an AWS::EC2::EIP with InstanceId, or an EIPAssociation, makes the bastion reachable', () => {
    const direct = publicSubnetInstance({ BastionIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc', InstanceId: { Ref: 'Bastion' } } } });
    const answer = direct.explain(query(internet, 'Bastion', 22));
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.find((h) => h.code === 'PUBLIC_ADDRESS')!.message).toMatch(/an elastic IP is associated with it/);
    const associated = publicSubnetInstance({
      BastionIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      BastionIpAssoc: { Type: 'AWS::EC2::EIPAssociation', Properties: { AllocationId: { 'Fn::GetAtt': ['BastionIp', 'AllocationId'] }, InstanceId: { Ref: 'Bastion' } } },
    });
    expect(associated.explain(query(internet, 'Bastion', 22)).verdict).toBe('REACHABLE');
  });

  test('an elastic IP on an instance whose subnet routes to a NAT gateway does not help: responses leave through the NAT', () => {
    const model = publicSubnetInstance({ WorkerIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc', InstanceId: { Ref: 'Worker' } } } });
    expect(codes(model, query(internet, 'Worker', 22))).toEqual(['route ROUTE_WRONG_TARGET PrivateDefault']);
  });

  test('an elastic IP on the primary network interface makes its instance reachable', () => {
    const model = publicSubnetInstance({
      BastionEni: { Type: 'AWS::EC2::NetworkInterface', Properties: { SubnetId: { Ref: 'PublicSubnet' }, GroupSet: [{ 'Fn::GetAtt': ['Ssh', 'GroupId'] }] } },
      Bastion: { Type: 'AWS::EC2::Instance', Properties: { NetworkInterfaces: [{ DeviceIndex: '0', NetworkInterfaceId: { Ref: 'BastionEni' } }] } },
      BastionIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      BastionIpAssoc: { Type: 'AWS::EC2::EIPAssociation', Properties: { AllocationId: { 'Fn::GetAtt': ['BastionIp', 'AllocationId'] }, NetworkInterfaceId: { Ref: 'BastionEni' } } },
    });
    expect(model.explain(query(internet, 'Bastion', 22)).verdict).toBe('REACHABLE');
  });
});
