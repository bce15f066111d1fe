// Scenario tests for Network Firewall hops and egress flows on CDK-free templates, in AWS's distributed model (one AZ):
// a private subnet routes 0.0.0.0/0 to a NAT gateway in the public subnet; the public subnet routes 0.0.0.0/0 to the
// firewall endpoint; the firewall subnet routes to the internet gateway; the gateway's edge route table sends the public
// subnet's CIDR back to the endpoint. No NACL resources: every subnet keeps its default NACL (allow all). Every
// expected answer is worked out by hand from the template below.
import * as fc from 'fast-check';
import { EgressQuerySpec, FlowQuerySpec, ReachabilityModel } from '../../../src/analysis/reachability/explain';

const ENDPOINT = { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [0, { 'Fn::GetAtt': ['Firewall', 'EndpointIds'] }] }] }] };
const ALLOWLIST = {
  Type: 'AWS::NetworkFirewall::RuleGroup',
  Properties: {
    Type: 'STATEFUL',
    Capacity: 100,
    RuleGroup: {
      RulesSource: { RulesSourceList: { GeneratedRulesType: 'ALLOWLIST', TargetTypes: ['TLS_SNI', 'HTTP_HOST'], Targets: ['.amazonaws.com', 'api.example.com'] } },
      StatefulRuleOptions: { RuleOrder: 'STRICT_ORDER' },
    },
  },
};

function rulesGroup(rules: string) {
  return { Type: 'AWS::NetworkFirewall::RuleGroup', Properties: { Type: 'STATEFUL', Capacity: 100, RuleGroup: { RulesSource: { RulesString: rules }, StatefulRuleOptions: { RuleOrder: 'STRICT_ORDER' } } } };
}

interface Options {
  readonly defaults?: unknown;
  readonly stateless?: string[];
  readonly groups?: Record<string, unknown>;
  readonly edgeRoute?: boolean;
  readonly order?: string;
}

function egressApp(options: Options = {}, change: (r: Record<string, any>) => void = () => {}): ReachabilityModel {
  const groups = options.groups ?? { Allowlist: ALLOWLIST };
  const resources: Record<string, any> = {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
    Attach: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
    FirewallSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/28', AvailabilityZone: 'us-east-1a' } },
    PublicSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' } },
    PrivateSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1a' } },
    FirewallRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    FirewallDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'FirewallRt' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } } },
    FirewallRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'FirewallSubnet' }, RouteTableId: { Ref: 'FirewallRt' } } },
    PublicRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PublicDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PublicRt' }, DestinationCidrBlock: '0.0.0.0/0', VpcEndpointId: ENDPOINT } },
    PublicRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'PublicSubnet' }, RouteTableId: { Ref: 'PublicRt' } } },
    NatIp: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
    Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'PublicSubnet' }, AllocationId: { 'Fn::GetAtt': ['NatIp', 'AllocationId'] } } },
    PrivateRt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    PrivateDefault: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PrivateRt' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'Nat' } } },
    PrivateRtAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'PrivateSubnet' }, RouteTableId: { Ref: 'PrivateRt' } } },
    WorkerGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'worker', SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }, { IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '0.0.0.0/0' }] },
    },
    Worker: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: { Ref: 'PrivateSubnet' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['WorkerGroup', 'GroupId'] }] } },
    Policy: {
      Type: 'AWS::NetworkFirewall::FirewallPolicy',
      Properties: {
        FirewallPolicy: {
          StatelessDefaultActions: options.stateless ?? ['aws:forward_to_sfe'],
          StatelessFragmentDefaultActions: ['aws:forward_to_sfe'],
          StatefulDefaultActions: options.defaults ?? ['aws:drop_established', 'aws:alert_established'],
          StatefulEngineOptions: { RuleOrder: options.order ?? 'STRICT_ORDER' },
          StatefulRuleGroupReferences: [
            ...Object.keys(groups).map((name, i) => ({ ResourceArn: { Ref: name }, Priority: 100 + i })),
            { ResourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:network-firewall:${AWS::Region}:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareStrictOrder' }, Priority: 900 },
          ],
        },
      },
    },
    Firewall: { Type: 'AWS::NetworkFirewall::Firewall', Properties: { FirewallPolicyArn: { Ref: 'Policy' }, VpcId: { Ref: 'Vpc' }, SubnetMappings: [{ SubnetId: { Ref: 'FirewallSubnet' } }] } },
    ...groups,
  };
  if (options.edgeRoute !== false) {
    resources.EdgeRt = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } };
    resources.EdgeToPublic = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'EdgeRt' }, DestinationCidrBlock: '10.0.1.0/24', VpcEndpointId: ENDPOINT } };
    resources.EdgeAssoc = { Type: 'AWS::EC2::GatewayRouteTableAssociation', Properties: { GatewayId: { Ref: 'Igw' }, RouteTableId: { Ref: 'EdgeRt' } } };
  }
  change(resources);
  return ReachabilityModel.fromStacks([{ id: 'App', stackName: 'App', template: { Resources: resources } }]);
}

const fromWorker = (extra: Partial<EgressQuerySpec> = {}): EgressQuerySpec => ({
  from: { kind: 'workloads', keys: ['id:App/Worker'], description: 'Worker' }, to: { kind: 'internet' }, port: 443, protocol: 6, ...extra,
});
const codes = (answer: { blockers: any[] }) => answer.blockers.map((b) => `${b.layer} ${b.code} ${b.resource?.logicalId ?? '-'}`).sort();

describe('egress: a private workload -> the internet through NAT and a firewall with a domain allowlist', () => {
  const model = egressApp();

  test('an allowlisted SNI gets out, hop by hop: NAT, firewall, internet gateway, and responses come back through the firewall', () => {
    // WHEN
    const answer = model.explainToInternet(fromWorker({ domain: 'api.example.com' }));
    // THEN
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.filter((h) => h.layer !== 'nacl').map((h) => `${h.layer} ${h.code} ${h.resource?.logicalId ?? '-'}`)).toEqual([
      'security-group SG_EGRESS_ALLOW WorkerGroup',
      'route ROUTE_TO_NAT_GATEWAY PrivateDefault',
      'route ROUTE_TO_FIREWALL PublicDefault',
      'firewall FIREWALL_PASS Allowlist',
      'route ROUTE_TO_INTERNET_GATEWAY FirewallDefault',
      'route RETURN_THROUGH_FIREWALL EdgeToPublic',
    ]);
    // Three subnets' default NACLs, both directions, on both sides of the NAT gateway and the endpoint.
    expect(answer.hops.filter((h) => h.layer === 'nacl')).toHaveLength(10);
    expect(answer.notes.join('\n')).toMatch(/AWS managed rule groups ThreatSignaturesMalwareStrictOrder judge threat signatures/);
  });

  test('a leading dot admits the domain and its subdomains', () => {
    expect(model.explainToInternet(fromWorker({ domain: 's3.us-east-1.amazonaws.com' })).verdict).toBe('REACHABLE');
    expect(model.explainToInternet(fromWorker({ domain: 'amazonaws.com' })).verdict).toBe('REACHABLE');
    expect(model.explainToInternet(fromWorker({ domain: 'www.api.example.com' })).verdict).toBe('BLOCKED');
  });

  test('another domain is dropped by the drop-established default, and by nothing else', () => {
    const answer = model.explainToInternet(fromWorker({ domain: 'exfiltrate.example.net' }));
    expect(answer.verdict).toBe('BLOCKED');
    expect(codes(answer)).toEqual(['firewall FIREWALL_DEFAULT_DROP Policy']);
    expect(answer.blockers[0].message).toMatch(/no stateful rule passes it, and the policy's default action is aws:drop_established/);
  });

  test('without a domain the allowlist cannot be judged: UNKNOWN, naming the rule group and what to give', () => {
    const answer = model.explainToInternet(fromWorker());
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns.map((u) => `${u.code} ${u.resource?.logicalId}`)).toEqual(['FIREWALL_DOMAIN_UNKNOWN Allowlist']);
    expect(answer.unknowns[0].message).toMatch(/TLS SNI or HTTP Host, which a port-level query cannot know \(give the query a domain\)/);
  });

  test("the workload's own group still decides first: port 80 is not in its outbound rules", () => {
    expect(codes(model.explainToInternet(fromWorker({ port: 80, domain: 'api.example.com' })))).toEqual(['security-group SG_EGRESS_NO_RULE WorkerGroup']);
  });

  test('aws:drop_strict drops the handshake, so even an allowlisted domain is dropped', () => {
    const strict = egressApp({ defaults: ['aws:drop_strict', 'aws:alert_strict'] });
    const answer = strict.explainToInternet(fromWorker({ domain: 'api.example.com' }));
    expect(codes(answer)).toEqual(['firewall FIREWALL_DEFAULT_DROP Policy']);
    expect(answer.notes.join('\n')).toMatch(/aws:drop_strict drops the TCP handshake/);
  });

  test('strict order without a drop default lets everything through', () => {
    const open = egressApp({ defaults: ['aws:alert_established'] });
    const answer = open.explainToInternet(fromWorker({ domain: 'exfiltrate.example.net' }));
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.find((h) => h.layer === 'firewall')!.code).toBe('FIREWALL_NO_MATCH');
  });

  test('default action order: the allowlist drops the TLS and HTTP flows it does not list', () => {
    const defaultOrder = egressApp({ order: 'DEFAULT_ACTION_ORDER', defaults: [] });
    expect(codes(defaultOrder.explainToInternet(fromWorker({ domain: 'exfiltrate.example.net' })))).toEqual(['firewall FIREWALL_DROP Allowlist']);
    expect(defaultOrder.explainToInternet(fromWorker({ domain: 'api.example.com' })).verdict).toBe('REACHABLE');
  });

  test('a stateless default of aws:drop drops before the stateful engine', () => {
    expect(codes(egressApp({ stateless: ['aws:drop'] }).explainToInternet(fromWorker({ domain: 'api.example.com' })))).toEqual(['firewall FIREWALL_STATELESS_DROP Policy']);
  });

  test('without the edge route table responses bypass the firewall: UNKNOWN, asymmetric routing', () => {
    const answer = egressApp({ edgeRoute: false }).explainToInternet(fromWorker({ domain: 'api.example.com' }));
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns.map((u) => u.code)).toEqual(['ASYMMETRIC_ROUTE']);
  });

  test('GIVEN the edge route picks another endpoint of the same firewall WHEN asked THEN UNKNOWN, asymmetric (each endpoint keeps its own flow state)', () => {
    // GIVEN requests enter by the endpoint at position 0 of EndpointIds, responses come back by the one at position 1
    const otherEndpoint = { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [1, { 'Fn::GetAtt': ['Firewall', 'EndpointIds'] }] }] }] };
    const crossed = egressApp({}, (r) => {
      r.EdgeToPublic.Properties.VpcEndpointId = otherEndpoint;
    });
    // WHEN
    const answer = crossed.explainToInternet(fromWorker({ domain: 'api.example.com' }));
    // THEN
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns.map((u) => `${u.code} ${u.resource?.logicalId}`)).toEqual(['ASYMMETRIC_ROUTE Igw']);
    expect(answer.unknowns[0].message).toMatch(/sends responses back through another: each endpoint keeps its own flow state/);
  });

  test('GIVEN routes to literal endpoint ids WHEN asked THEN UNKNOWN: a literal vpce id is not known to be the firewall\'s, nor which AZ it serves', () => {
    const literal = egressApp({}, (r) => {
      r.PublicDefault.Properties.VpcEndpointId = 'vpce-0123456789abcdef0';
      r.EdgeToPublic.Properties.VpcEndpointId = 'vpce-0fedcba9876543210';
    });
    const answer = literal.explainToInternet(fromWorker({ domain: 'api.example.com' }));
    expect(answer.verdict).toBe('UNKNOWN');
  });

  test('a private subnet that routes to the internet gateway directly needs a public address', () => {
    const direct = egressApp({}, (r) => {
      r.PrivateDefault.Properties = { RouteTableId: { Ref: 'PrivateRt' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } };
    });
    expect(codes(direct.explainToInternet(fromWorker({ domain: 'api.example.com' })))).toEqual(['route NO_PUBLIC_ADDRESS Worker']);
  });

  test('a gateway load balancer endpoint on the path is an appliance the model cannot judge', () => {
    const appliance = egressApp({}, (r) => {
      r.Appliance = { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, VpcEndpointType: 'GatewayLoadBalancer', ServiceName: 'com.amazonaws.vpce.svc-1' } };
      r.PublicDefault.Properties.VpcEndpointId = { Ref: 'Appliance' };
    });
    const answer = appliance.explainToInternet(fromWorker({ domain: 'api.example.com' }));
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns[0].message).toMatch(/gateway load balancer endpoint App\/Appliance: the appliances behind it decide/);
  });
});

describe('domain lists judge only TCP flows of their TargetTypes (they generate `tls` SNI and `http` Host rules)', () => {
  // The allowlist of this file (.amazonaws.com, api.example.com), with the target types each test names.
  const allowlist = (targetTypes: string[]) => {
    const list = { ...ALLOWLIST.Properties.RuleGroup.RulesSource.RulesSourceList, TargetTypes: targetTypes };
    const ruleGroup = { ...ALLOWLIST.Properties.RuleGroup, RulesSource: { RulesSourceList: list } };
    return { ...ALLOWLIST, Properties: { ...ALLOWLIST.Properties, RuleGroup: ruleGroup } };
  };
  const openEgress = (r: Record<string, any>) => {
    r.WorkerGroup.Properties.SecurityGroupEgress = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
  };
  const firewallHop = (answer: { hops: any[] }) => answer.hops.find((h) => h.layer === 'firewall');

  test('GIVEN a default-order allowlist WHEN the worker sends udp 53 THEN REACHABLE with or without a domain: no tls/http rule matches UDP', () => {
    // GIVEN default action order, no stateful default actions (they are only valid under strict order)
    const model = egressApp({ order: 'DEFAULT_ACTION_ORDER', defaults: [] });
    for (const domain of ['evil.example.net', undefined]) {
      // WHEN
      const answer = model.explainToInternet(fromWorker({ port: 53, protocol: 17, domain }));
      // THEN the allowlist's pass and drop rules are `tls`/`http` rules: neither matches UDP, and under default action
      // order an unmatched flow passes. Before the fix: BLOCKED by "drops the TLS and HTTP flows it does not list"
      // with a domain, UNKNOWN "give the query a domain" without one.
      expect(answer.verdict).toBe('REACHABLE');
      expect(firewallHop(answer)).toMatchObject({ code: 'FIREWALL_NO_MATCH', entry: 'default action order' });
      expect(firewallHop(answer).message).toMatch(/lets udp 53 .*through: no stateful rule matches it, and under default action order unmatched traffic passes/);
      expect(answer.notes.join('\n')).toMatch(/domain lists of App\/Allowlist generate TLS \(SNI\) and HTTP \(Host\) rules, which match TCP flows only: they do not judge this udp flow/);
    }
  });

  test('GIVEN udp 443 to a listed domain WHEN judged THEN the domain list never claims to pass it', () => {
    // GIVEN the worker may send anything; strict order with aws:drop_established (the default fixture), and default order
    const strict = egressApp({}, openEgress).explainToInternet(fromWorker({ port: 443, protocol: 17, domain: 'api.example.com' }));
    const actionOrder = egressApp({ order: 'DEFAULT_ACTION_ORDER', defaults: [] }, openEgress)
      .explainToInternet(fromWorker({ port: 443, protocol: 17, domain: 'api.example.com' }));
    // THEN strict order: no rule passes UDP, the drop default drops it; default order: nothing matches, it passes
    expect(codes(strict)).toEqual(['firewall FIREWALL_DEFAULT_DROP Policy']);
    expect(actionOrder.verdict).toBe('REACHABLE');
    expect(firewallHop(actionOrder).code).toBe('FIREWALL_NO_MATCH');
    for (const answer of [strict, actionOrder]) {
      expect([...answer.hops, ...answer.blockers].map((h) => `${h.code} ${h.entry}`).join('\n')).not.toMatch(/FIREWALL_PASS|domain list/);
    }
  });

  test('GIVEN strict order with aws:drop_established WHEN the worker sends udp 53 THEN the default decides: BLOCKED, explained', () => {
    // GIVEN the default fixture: strict order, the allowlist adds pass rules only, default aws:drop_established
    const model = egressApp();
    for (const domain of ['api.example.com', undefined]) {
      // WHEN
      const answer = model.explainToInternet(fromWorker({ port: 53, protocol: 17, domain }));
      // THEN no rule passes the UDP flow (even to a listed domain), so it falls to the default actions, and
      // aws:drop_established drops the established flow (the response): BLOCKED by the default and by nothing else
      expect(answer.verdict).toBe('BLOCKED');
      expect(codes(answer)).toEqual(['firewall FIREWALL_DEFAULT_DROP Policy']);
      expect(answer.blockers[0].message).toMatch(/drops udp 53.*: no stateful rule passes it, and the policy's default action is aws:drop_established/);
    }
  });

  test('GIVEN a TLS_SNI-only allowlist WHEN tcp 80 goes to a domain off the list under default order THEN UNKNOWN: TLS or HTTP decides', () => {
    // GIVEN default action order and an allowlist that generates `tls` rules only
    const model = egressApp({ order: 'DEFAULT_ACTION_ORDER', defaults: [], groups: { Allowlist: allowlist(['TLS_SNI']) } }, openEgress);
    // WHEN
    const answer = model.explainToInternet(fromWorker({ port: 80, domain: 'exfiltrate.example.net' }));
    // THEN as TLS the list's drop rule drops it; as HTTP no rule matches and default order passes it: the port does not
    // say which, so the answer names both
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns.map((u) => `${u.code} ${u.resource?.logicalId}`)).toEqual(['FIREWALL_DOMAIN_UNKNOWN Allowlist']);
    expect(answer.unknowns[0].message).toMatch(/whether the tcp 80 flow is TLS or HTTP decides, which a port-level query cannot say/);
    expect(answer.unknowns[0].message).toMatch(/as TLS, drops tcp 80 \(exfiltrate\.example\.net\) by "domain list ALLOWLIST .* \(drops the TLS flows it does not list\)".*; as HTTP, lets tcp 80/);
  });

  test('GIVEN a TLS_SNI-only allowlist WHEN both readings agree THEN the verdict stands; WHEN they differ under strict order THEN UNKNOWN', () => {
    // GIVEN default order and a listed domain: as TLS the list passes it, as HTTP nothing matches and it passes
    const actionOrder = egressApp({ order: 'DEFAULT_ACTION_ORDER', defaults: [], groups: { Allowlist: allowlist(['TLS_SNI']) } }, openEgress);
    const listed = actionOrder.explainToInternet(fromWorker({ port: 80, domain: 'api.example.com' }));
    expect(listed.verdict).toBe('REACHABLE');
    expect(firewallHop(listed).message).toMatch(/passes tcp 80 \(api\.example\.com\) by .* if it is TLS; if it is HTTP, lets tcp 80/);
    // GIVEN strict order with aws:drop_established: as TLS the list passes it, as HTTP the default drops it
    const strict = egressApp({ groups: { Allowlist: allowlist(['TLS_SNI']) } }, openEgress).explainToInternet(fromWorker({ port: 80, domain: 'api.example.com' }));
    expect(strict.verdict).toBe('UNKNOWN');
    expect(strict.unknowns.map((u) => `${u.code} ${u.resource?.logicalId}`)).toEqual(['FIREWALL_DOMAIN_UNKNOWN Policy']);
    expect(strict.unknowns[0].message).toMatch(/as TLS, passes .*; as HTTP, drops tcp 80 .*aws:drop_established/);
  });

  test('GIVEN both target types WHEN tcp 80 goes to a domain off the list under default order THEN BLOCKED by the list, as before', () => {
    const model = egressApp({ order: 'DEFAULT_ACTION_ORDER', defaults: [], groups: { Allowlist: allowlist(['TLS_SNI', 'HTTP_HOST']) } }, openEgress);
    expect(codes(model.explainToInternet(fromWorker({ port: 80, domain: 'exfiltrate.example.net' })))).toEqual(['firewall FIREWALL_DROP Allowlist']);
    expect(model.explainToInternet(fromWorker({ port: 80, domain: 'exfiltrate.example.net' })).blockers[0].entry).toMatch(/drops the TLS and HTTP flows it does not list/);
    const listed = model.explainToInternet(fromWorker({ port: 80, domain: 'api.example.com' }));
    expect(firewallHop(listed)).toMatchObject({ code: 'FIREWALL_PASS' });
    expect(firewallHop(listed).message).not.toMatch(/if it is TLS/);
  });
});

describe('Suricata rules, judged on their 5-tuple', () => {
  const rules = egressApp({
    groups: {
      Baseline: rulesGroup([
        'drop tcp $HOME_NET any -> 203.0.113.0/24 any (msg:"no traffic to this block"; flow:to_server; sid:5; rev:1;)',
        'drop udp $HOME_NET any -> $EXTERNAL_NET 53 (msg:"no DNS to the internet"; flow:to_server; sid:1; rev:1;)',
        'pass tcp $HOME_NET any -> $EXTERNAL_NET [443,8443] (msg:"TLS out"; flow:to_server; sid:2; rev:1;)',
      ].join('\n')),
    },
  });

  test('a pass rule on the port decides without a domain; a drop on an address block decides for that block only', () => {
    const answer = rules.explainToInternet(fromWorker());
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.find((h) => h.layer === 'firewall')!.entry).toMatch(/sid:2;/);
    expect(codes(rules.explainToInternet(fromWorker({ to: { kind: 'address', cidr: '203.0.113.10' } })))).toEqual(['firewall FIREWALL_DROP Baseline']);
    expect(rules.explainToInternet(fromWorker({ to: { kind: 'address', cidr: '198.51.100.1' } })).verdict).toBe('REACHABLE');
  });

  test('UDP 53 is dropped by its rule; a port no rule passes falls to the drop default', () => {
    expect(rules.explainToInternet(fromWorker({ port: 53, protocol: 17 })).blockers.map((b) => b.entry)).toEqual([expect.stringMatching(/sid:1;/)]);
  });

  test('a rule that looks at content (tls.sni) before the deciding one makes the hop UNKNOWN, naming the rule', () => {
    const content = egressApp({
      groups: {
        Baseline: rulesGroup([
          'pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"api.example.com"; endswith; flow:to_server; sid:3; rev:1;)',
          'drop tcp $HOME_NET any -> $EXTERNAL_NET any (flow:to_server; sid:4; rev:1;)',
        ].join('\n')),
      },
    });
    const answer = content.explainToInternet(fromWorker());
    expect(answer.verdict).toBe('UNKNOWN');
    expect(answer.unknowns[0].code).toBe('FIREWALL_RULE_UNKNOWN');
    expect(answer.unknowns[0].message).toMatch(/application-layer protocol tls/);
  });
});

describe('inbound through the firewall: internet -> a load balancer in the public subnet', () => {
  const withAlb = (groups: Record<string, unknown>) => egressApp({ groups }, (r) => {
    r.LbGroup = { Type: 'AWS::EC2::SecurityGroup', Properties: { VpcId: { Ref: 'Vpc' }, GroupDescription: 'lb', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] } };
    r.Alb = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Subnets: [{ Ref: 'PublicSubnet' }], SecurityGroups: [{ 'Fn::GetAtt': ['LbGroup', 'GroupId'] }] } };
    r.Listener = { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Alb' }, Port: 443, Protocol: 'HTTPS', DefaultActions: [] } };
  });
  const toAlb: FlowQuerySpec = { from: { kind: 'internet' }, to: { keys: ['id:App/Alb'], description: 'Alb' }, port: 443, protocol: 6 };

  test('an egress-only policy (a domain allowlist judges only HOME_NET clients) drops connections from the internet', () => {
    expect(codes(withAlb({ Allowlist: ALLOWLIST }).explain(toAlb))).toEqual(['firewall FIREWALL_DEFAULT_DROP Policy']);
  });

  test('a pass rule for the listener port lets the internet in, and the path names the firewall and both routes', () => {
    const answer = withAlb({ Inbound: rulesGroup('pass tcp $EXTERNAL_NET any -> $HOME_NET 443 (msg:"listener"; flow:to_server; sid:10; rev:1;)') }).explain(toAlb);
    expect(answer.verdict).toBe('REACHABLE');
    expect(answer.hops.filter((h) => h.layer === 'route' || h.layer === 'firewall').map((h) => `${h.code} ${h.resource?.logicalId}`)).toEqual([
      'PUBLIC_ADDRESS Alb',
      'ROUTE_TO_FIREWALL PublicDefault',
      'FIREWALL_PASS Inbound',
      'ROUTE_TO_INTERNET_GATEWAY FirewallDefault',
      'EDGE_ROUTE_TO_FIREWALL EdgeToPublic',
    ]);
  });
});

describe('property: the firewall hop agrees with a first-match reference on random 5-tuple rules', () => {
  const BLOCKS = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24'];
  const dstSpec = fc.oneof(fc.constant('any'), fc.constant('$EXTERNAL_NET'), fc.constantFrom(...BLOCKS),
    fc.tuple(fc.constantFrom(...BLOCKS), fc.integer({ min: 25, max: 32 }), fc.integer({ min: 0, max: 255 }))
      .map(([block, prefix, host]) => `${block.split('.').slice(0, 3).join('.')}.${host & ~((1 << (32 - prefix)) - 1) & 255}/${prefix}`));
  const portSpec = fc.oneof(fc.constant('any'), fc.integer({ min: 440, max: 446 }).map(String),
    fc.tuple(fc.integer({ min: 440, max: 446 }), fc.integer({ min: 0, max: 3 })).map(([a, n]) => `${a}:${a + n}`),
    fc.tuple(fc.integer({ min: 440, max: 446 }), fc.integer({ min: 440, max: 446 })).map(([a, b]) => `[${a},${b}]`));
  const rule = fc.record({ action: fc.constantFrom('pass', 'drop'), protocol: fc.constantFrom('tcp', 'udp', 'ip'), dst: dstSpec, port: portSpec });

  const inCidr = (address: string, cidr: string) => {
    const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const [base, bits] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    return Math.floor(toInt(address) / size) === Math.floor(toInt(base) / size);
  };
  const portMatches = (spec: string, port: number) => {
    if (spec === 'any') return true;
    if (spec.startsWith('[')) return spec.slice(1, -1).split(',').map(Number).includes(port);
    if (spec.includes(':')) {
      const [a, b] = spec.split(':').map(Number);
      return a <= port && port <= b;
    }
    return Number(spec) === port;
  };

  test('verdict and deciding rule', () => {
    fc.assert(fc.property(
      fc.array(rule, { maxLength: 5 }),
      fc.constantFrom<string[]>([], ['aws:drop_established', 'aws:alert_established'], ['aws:drop_strict']),
      fc.tuple(fc.constantFrom(...BLOCKS), fc.integer({ min: 0, max: 255 })).map(([b, h]) => `${b.split('.').slice(0, 3).join('.')}.${h}`),
      fc.integer({ min: 440, max: 446 }),
      fc.constantFrom(6, 17),
      (rules, defaults, address, port, protocol) => {
        const lines = rules.map((r, i) => `${r.action} ${r.protocol} $HOME_NET any -> ${r.dst} ${r.port} (flow:to_server; sid:${i + 1}; rev:1;)`);
        const model = egressApp({ defaults, groups: lines.length > 0 ? { Baseline: rulesGroup(lines.join('\n')) } : {} }, (r) => {
          r.WorkerGroup.Properties.SecurityGroupEgress = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
        });
        const answer = model.explainToInternet({ ...fromWorker(), to: { kind: 'address', cidr: address }, port, protocol });
        const index = rules.findIndex((r) => (r.protocol === 'ip' || (r.protocol === 'tcp') === (protocol === 6))
          && (r.dst === 'any' || r.dst === '$EXTERNAL_NET' || inCidr(address, r.dst)) && portMatches(r.port, port));
        if (index >= 0) {
          expect(answer.verdict).toBe(rules[index].action === 'pass' ? 'REACHABLE' : 'BLOCKED');
          const decider = rules[index].action === 'pass' ? answer.hops.find((h) => h.layer === 'firewall') : answer.blockers[0];
          expect(decider?.entry).toBe(lines[index]);
        } else {
          expect(answer.verdict).toBe(defaults.length > 0 ? 'BLOCKED' : 'REACHABLE');
          expect(answer.blockers.map((b) => b.code)).toEqual(defaults.length > 0 ? ['FIREWALL_DEFAULT_DROP'] : []);
        }
      },
    ), { numRuns: 150 });
  });
});
