import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { evaluate, permutations } from './intrinsics';
import { DomainAllowlistFirewall, DomainAllowlistFirewallProps, FirewallManagedRuleGroup, StatefulDefaultActions } from '../../src/firewall';
import { HipaaSecureVpc } from '../../src/vpc';
import { check, ofRule, serveHttpsWithRedirect } from '../checks/support';
import { appWithPeerChecks, synthFindings } from '../support/validation';

const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const AZ_CONTEXT = { 'availability-zones:account=111111111111:region=us-east-1': AZS };

function newStack(): Stack {
  return new Stack(new App({ context: AZ_CONTEXT }), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
}

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

function resourcesOf(template: Template, type: string): [string, Record<string, any>][] {
  return Object.entries(template.toJSON().Resources as Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties]);
}

/** The AZ a route table serves: the AZ of the subnet associated with it. */
function subnetOfRouteTable(template: Template, routeTable: unknown): Record<string, any> | undefined {
  const association = resourcesOf(template, 'AWS::EC2::SubnetRouteTableAssociation')
    .find(([, p]) => JSON.stringify(p.RouteTableId) === JSON.stringify(routeTable));
  if (!association) return undefined;
  const subnetId = association[1].SubnetId.Ref as string;
  return (template.toJSON().Resources as Resources)[subnetId].Properties;
}

/** The subnet whose IPv4 or IPv6 CIDR an edge route names. */
function subnetOfCidr(template: Template, route: Record<string, any>): Record<string, any> {
  const wanted = JSON.stringify(route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock);
  const match = resourcesOf(template, 'AWS::EC2::Subnet')
    .find(([, p]) => JSON.stringify(route.DestinationCidrBlock ? p.CidrBlock : p.Ipv6CidrBlock) === wanted);
  if (!match) throw new Error(`no subnet has CIDR ${wanted}`);
  return match[1];
}

function firewallLogicalId(template: Template): string {
  return resourcesOf(template, 'AWS::NetworkFirewall::Firewall')[0][0];
}

/** Resolve a route's VpcEndpointId as CloudFormation would when EndpointIds comes back in `order`. */
function deployedEndpoint(template: Template, expression: unknown, order: string[]): unknown {
  const firewall = firewallLogicalId(template);
  return evaluate(expression, {
    getAtt: (id, attribute) => {
      if (id === firewall && attribute === 'EndpointIds') return order.map((az) => `${az}:vpce-${az.slice(-1)}${az.slice(-1)}11`);
      throw new Error(`unexpected GetAtt ${id}.${attribute}`);
    },
    ref: (id) => { throw new Error(`unexpected Ref ${id}`); },
  });
}

function endpointOf(az: string): string {
  return `vpce-${az.slice(-1)}${az.slice(-1)}11`;
}

describe('HipaaSecureVpc with egressAllowedDomains, dual stack, three AZs', () => {
  const stack = newStack();
  const vpc = new HipaaSecureVpc(stack, 'Network', {
    maxAzs: 3,
    ipProtocol: ec2.IpProtocol.DUAL_STACK,
    egressAllowedDomains: ['.Example.com', 'api.stripe.com'],
  });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const template = Template.fromStack(stack);
  const firewall = vpc.egressFirewall!;

  test('the policy is strict order, forwards everything to the stateful engine and drops established traffic no rule passed, with an alert', () => {
    template.hasResourceProperties('AWS::NetworkFirewall::FirewallPolicy', {
      FirewallPolicy: {
        StatelessDefaultActions: ['aws:forward_to_sfe'],
        StatelessFragmentDefaultActions: ['aws:forward_to_sfe'],
        StatelessRuleGroupReferences: Match.absent(),
        StatefulDefaultActions: ['aws:drop_established', 'aws:alert_established'],
        StatefulEngineOptions: { RuleOrder: 'STRICT_ORDER', StreamExceptionPolicy: 'REJECT', FlowTimeouts: { TcpIdleTimeoutSeconds: 350 } },
        PolicyVariables: { RuleVariables: { HOME_NET: { Definition: ['10.0.0.0/16', { 'Fn::Select': [0, { 'Fn::GetAtt': [Match.stringLikeRegexp('^Network'), 'Ipv6CidrBlocks'] }] }] } } },
      },
    });
  });

  test('the allowlist runs first, then the strict-order managed threat signatures, then the baseline rules', () => {
    const [[, policy]] = resourcesOf(template, 'AWS::NetworkFirewall::FirewallPolicy');
    const references = policy.FirewallPolicy.StatefulRuleGroupReferences as { Priority: number; ResourceArn: any }[];
    const ordered = [...references].sort((a, b) => a.Priority - b.Priority).map((r) => JSON.stringify(r.ResourceArn));
    expect(ordered[0]).toContain('AllowlistRuleGroup');
    expect(ordered[ordered.length - 1]).toContain('BaselineRuleGroup');
    const managed = ordered.slice(1, -1);
    expect(managed).toHaveLength(4);
    for (const arn of managed) {
      expect(arn).toMatch(/aws-managed:stateful-rulegroup\/ThreatSignatures[A-Za-z]+StrictOrder"/);
    }
  });

  test('the allowlist matches TLS SNI and HTTP Host of the lowercased domains, from HOME_NET, with capacity to spare', () => {
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      Type: 'STATEFUL',
      Capacity: 100,
      RuleGroup: {
        RulesSource: { RulesSourceList: { GeneratedRulesType: 'ALLOWLIST', TargetTypes: ['TLS_SNI', 'HTTP_HOST'], Targets: ['.example.com', 'api.stripe.com'] } },
        StatefulRuleOptions: { RuleOrder: 'STRICT_ORDER' },
        RuleVariables: { IPSets: { HOME_NET: { Definition: Match.arrayWith(['10.0.0.0/16']) } } },
      },
    });
    expect(firewall.allowedDomains).toEqual(['.example.com', 'api.stripe.com']);
    expect(firewall.allowlistCapacity).toBe(100);
  });

  test('connections from the internet reach only the public listener ports, no UDP or ICMP leaves; every baseline rule has flow:', () => {
    const [, inbound] = resourcesOf(template, 'AWS::NetworkFirewall::RuleGroup').find(([id]) => id.includes('Baseline'))!;
    const rules = (inbound.RuleGroup.RulesSource.RulesString as string).split('\n');
    expect(rules).toEqual([
      expect.stringMatching(/^pass tcp \$EXTERNAL_NET any -> \$PUBLIC_NET \[80,443\] \(.*flow:to_server;/),
      expect.stringMatching(/^drop ip \$EXTERNAL_NET any -> \$HOME_NET any \(.*flow:to_server;/),
      expect.stringMatching(/^drop udp \$HOME_NET any -> \$EXTERNAL_NET any \(.*flow:to_server;/),
      expect.stringMatching(/^drop icmp \$HOME_NET any -> \$EXTERNAL_NET any \(.*flow:to_server;/),
    ]);
    // PUBLIC_NET: the public subnets' IPv4 and IPv6 CIDRs, nothing else
    const publicNet = inbound.RuleGroup.RuleVariables.IPSets.PUBLIC_NET.Definition;
    expect(publicNet).toHaveLength(6);
    expect(publicNet.filter((c: unknown) => typeof c === 'string')).toEqual(vpc.publicSubnets.filter((s) => !firewall.firewallSubnets.includes(s)).map((s) => s.ipv4CidrBlock));
  });

  test('ALERT and FLOW logs go to KMS-encrypted log groups kept six years and retained', () => {
    template.hasResourceProperties('AWS::NetworkFirewall::LoggingConfiguration', {
      FirewallArn: { 'Fn::GetAtt': [firewallLogicalId(template), 'FirewallArn'] },
      LoggingConfiguration: {
        LogDestinationConfigs: [
          { LogType: 'ALERT', LogDestinationType: 'CloudWatchLogs', LogDestination: { logGroup: { Ref: Match.stringLikeRegexp('AlertLogGroup') } } },
          { LogType: 'FLOW', LogDestinationType: 'CloudWatchLogs', LogDestination: { logGroup: { Ref: Match.stringLikeRegexp('FlowLogGroup') } } },
        ],
      },
    });
    for (const name of ['AlertLogGroup', 'FirewallFlowLogGroup']) {
      const groups = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) => id.includes(name.replace('Firewall', 'EgressFirewall')));
      expect(groups).toHaveLength(1);
      expect(groups[0][1]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { RetentionInDays: 2192, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/EgressFirewallLogKey/), 'Arn'] } },
      });
    }
  });

  test('the firewall has one dual-stack endpoint in each firewall subnet, and the firewall tier holds nothing else', () => {
    template.hasResourceProperties('AWS::NetworkFirewall::Firewall', {
      SubnetMappings: firewall.firewallSubnets.map((s) => ({ SubnetId: stack.resolve(s.subnetId), IPAddressType: 'DUALSTACK' })),
    });
    expect(firewall.firewallSubnets.map((s) => s.availabilityZone)).toEqual(AZS);
    const firewallSubnetIds = firewall.firewallSubnets.map((s) => JSON.stringify(stack.resolve(s.subnetId)));
    for (const [, nat] of resourcesOf(template, 'AWS::EC2::NatGateway')) {
      expect(firewallSubnetIds).not.toContain(JSON.stringify(nat.SubnetId));
    }
    // An internet-facing load balancer asks for PUBLIC subnets: it gets the public tier, never the firewall tier.
    expect(stack.resolve((alb.node.defaultChild as elbv2.CfnLoadBalancer).subnets)).toEqual(vpc.selectSubnets({ subnetGroupName: 'Public' }).subnetIds.map((id) => stack.resolve(id)));
    expect(vpc.selectSubnets({ subnetType: ec2.SubnetType.PUBLIC }).subnets).toHaveLength(3);
  });

  test.each(permutations(AZS).map((order) => [order.join(',')]))('every route takes the endpoint of its own AZ when EndpointIds is [%s]', (orderText) => {
    const order = orderText.split(',');
    const routes = resourcesOf(template, 'AWS::EC2::Route').filter(([, r]) => r.VpcEndpointId !== undefined);
    // public 0.0.0.0/0 and ::/0, private ::/0, and their edge routes back
    expect(routes).toHaveLength(18);
    for (const [id, route] of routes) {
      const subnet = subnetOfRouteTable(template, route.RouteTableId) ?? subnetOfCidr(template, route);
      expect({ id, endpoint: deployedEndpoint(template, route.VpcEndpointId, order) }).toEqual({ id, endpoint: endpointOf(subnet.AvailabilityZone) });
    }
  });

  test('both directions take the same endpoint: each routed subnet\'s CIDR comes back from the internet gateway through its AZ\'s endpoint', () => {
    const [[edgeId]] = resourcesOf(template, 'AWS::EC2::RouteTable').filter(([id]) => id.includes('EdgeRouteTable'));
    template.hasResourceProperties('AWS::EC2::GatewayRouteTableAssociation', { GatewayId: { Ref: Match.stringLikeRegexp('^NetworkIGW') }, RouteTableId: { Ref: edgeId } });
    const edgeRoutes = resourcesOf(template, 'AWS::EC2::Route').filter(([, r]) => r.RouteTableId.Ref === edgeId);
    const order = [...AZS].reverse();
    const routed = resourcesOf(template, 'AWS::EC2::Route').filter(([, r]) => r.VpcEndpointId !== undefined && r.RouteTableId.Ref !== edgeId);
    for (const [, outbound] of routed) {
      const subnet = subnetOfRouteTable(template, outbound.RouteTableId)!;
      const family = outbound.DestinationCidrBlock ? 'CidrBlock' : 'Ipv6CidrBlock';
      const cidr = JSON.stringify(subnet[family]);
      const back = edgeRoutes.filter(([, r]) => JSON.stringify(r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock) === cidr);
      expect(back).toHaveLength(1);
      expect(deployedEndpoint(template, back[0][1].VpcEndpointId, order)).toBe(deployedEndpoint(template, outbound.VpcEndpointId, order));
    }
  });

  test('firewall subnets route to the internet gateway, private IPv4 keeps the NAT gateway of its AZ', () => {
    for (const subnet of firewall.firewallSubnets) {
      for (const destination of [{ DestinationCidrBlock: '0.0.0.0/0' }, { DestinationIpv6CidrBlock: '::/0' }]) {
        template.hasResourceProperties('AWS::EC2::Route', {
          ...destination,
          RouteTableId: stack.resolve(subnet.routeTable.routeTableId),
          GatewayId: { Ref: Match.stringLikeRegexp('^NetworkIGW') },
        });
      }
    }
    vpc.privateSubnets.forEach((subnet, i) => {
      template.hasResourceProperties('AWS::EC2::Route', {
        DestinationCidrBlock: '0.0.0.0/0',
        RouteTableId: stack.resolve(subnet.routeTable.routeTableId),
        NatGatewayId: { Ref: Match.stringLikeRegexp(`^NetworkPublicSubnet${i + 1}NATGateway`) },
      });
    });
    // No route still goes around the firewall to the internet: only firewall subnets reach the IGW or the EIGW.
    const firewallTables = firewall.firewallSubnets.map((s) => JSON.stringify(stack.resolve(s.routeTable.routeTableId)));
    for (const [id, route] of resourcesOf(template, 'AWS::EC2::Route')) {
      if (route.GatewayId !== undefined || route.EgressOnlyInternetGatewayId !== undefined) {
        expect({ id, firewallSubnet: firewallTables.includes(JSON.stringify(route.RouteTableId)) }).toEqual({ id, firewallSubnet: true });
      }
    }
  });

  test('every tier gets an IPv6 /64, and the public and firewall tiers assign no IPv6 address on launch', () => {
    template.resourceCountIs('AWS::EC2::VPCCidrBlock', 1);
    template.allResourcesProperties('AWS::EC2::Subnet', { Ipv6CidrBlock: Match.anyValue() });
    for (const group of ['Public', 'Firewall']) {
      for (const subnet of vpc.selectSubnets({ subnetGroupName: group }).subnets) {
        template.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: subnet.ipv4CidrBlock, AssignIpv6AddressOnCreation: false, MapPublicIpOnLaunch: false });
      }
    }
    expect(vpc.selectSubnets({ subnetGroupName: 'Firewall' }).subnets.map((s) => s.ipv4CidrBlock)).toEqual(['10.0.144.0/28', '10.0.144.16/28', '10.0.144.32/28']);
  });

  test('raises no warning', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('peers and our own checks', () => {
  function firewalledStack(app: App, withAlb = true): Stack {
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new HipaaSecureVpc(stack, 'Network', { ipProtocol: ec2.IpProtocol.DUAL_STACK, egressAllowedDomains: ['.example.com'] });
    if (withAlb) {
      serveHttpsWithRedirect(new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true }));
    }
    return stack;
  }

  test('a dual-stack HipaaSecureVpc with egressAllowedDomains leaves no finding of cdk-nag HIPAA.Security, AwsSolutions or cfn-guard open', () => {
    // GIVEN the public tier behind the firewall: no route from a workload subnet reaches the internet gateway directly
    const app = appWithPeerChecks(AZ_CONTEXT);
    firewalledStack(app);

    // WHEN
    const findings = synthFindings(app);

    // THEN nothing is open, and only the firewall subnets route to the IGW, which the construct acknowledges
    const open = findings.filter((f) => !f.acknowledged && f.paths.some((p) => p.startsWith('Stack/Network')));
    expect(open.map((f) => `${f.rule} ${f.paths.join(',')}`)).toEqual([]);
    const routesToIgw = findings.filter((f) => f.rule.endsWith('VPCNoUnrestrictedRouteToIGW')).flatMap((f) => f.paths);
    expect(routesToIgw.sort()).toEqual([1, 2].flatMap((i) => [`Stack/Network/FirewallSubnet${i}/DefaultRoute`, `Stack/Network/FirewallSubnet${i}/DefaultRoute6`]));
  });

  test('... and no finding of LayeredDefenseChecks', () => {
    expect(check(firewalledStack(new App({ context: AZ_CONTEXT }), false))).toEqual([]);
  });
});

describe('dual-stack HipaaSecureVpc without a firewall', () => {
  test('private tiers leave over IPv6 through an egress-only gateway, and IPv6 blocklist ranges get deny entries', () => {
    // GIVEN / WHEN
    const stack = newStack();
    const vpc = new HipaaSecureVpc(stack, 'Network', { ipProtocol: ec2.IpProtocol.DUAL_STACK, blockedCidrs: ['203.0.113.0/24', '2001:db8:bad::/48'] });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 1);
    for (const subnet of vpc.privateSubnets) {
      template.hasResourceProperties('AWS::EC2::Route', {
        DestinationIpv6CidrBlock: '::/0',
        RouteTableId: stack.resolve(subnet.routeTable.routeTableId),
        EgressOnlyInternetGatewayId: { Ref: Match.stringLikeRegexp('EIGW') },
      });
    }
    expect(vpc.blocklist!.allowsIpv6).toBe(true);
    for (const egress of [true, false]) {
      template.hasResourceProperties('AWS::EC2::NetworkAclEntry', { Ipv6CidrBlock: '2001:db8:bad::/48', RuleAction: 'deny', Egress: egress });
      template.hasResourceProperties('AWS::EC2::NetworkAclEntry', { Ipv6CidrBlock: '::/0', RuleAction: 'allow', Egress: egress });
    }
    template.resourceCountIs('AWS::NetworkFirewall::Firewall', 0);
    // the blocklist's IPv6 denies match traffic: the VPC got its IPv6 block, so the rule has nothing to say
    expect(ofRule(check(stack), 'LayeredDefense-NaclIpv6WithoutVpcIpv6')).toEqual([]);
  });
});

describe('DomainAllowlistFirewall on its own', () => {
  function plainVpc(stack: Stack, firewallType: ec2.SubnetType = ec2.SubnetType.PRIVATE_ISOLATED, firewallFirst = false): ec2.Vpc {
    const tiers: ec2.SubnetConfiguration[] = [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
    ];
    const firewallTier = { name: 'Firewall', subnetType: firewallType, cidrMask: 28 };
    return new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      subnetConfiguration: firewallFirst ? [firewallTier, ...tiers] : [...tiers, firewallTier],
    });
  }

  test('with an ec2.Vpc: isolated firewall subnets get their route to the internet gateway, options apply', () => {
    // GIVEN
    const stack = newStack();
    const vpc = plainVpc(stack);

    // WHEN
    const firewall = new DomainAllowlistFirewall(stack, 'Egress', {
      vpc,
      firewallSubnets: { subnetGroupName: 'Firewall' },
      allowedDomains: ['.amazonaws.com'],
      statefulDefaultActions: StatefulDefaultActions.DROP_ESTABLISHED_APP_LAYER,
      managedRuleGroups: [FirewallManagedRuleGroup.of('AbusedLegitMalwareDomainsStrictOrder')],
      allowlistCapacity: 500,
      inboundTcpPorts: [443],
      tcpIdleTimeout: Duration.seconds(300),
    });

    // THEN
    const template = Template.fromStack(stack);
    for (const subnet of firewall.firewallSubnets) {
      template.hasResourceProperties('AWS::EC2::Route', {
        DestinationCidrBlock: '0.0.0.0/0',
        RouteTableId: stack.resolve(subnet.routeTable.routeTableId),
        GatewayId: { Ref: Match.stringLikeRegexp('^VpcIGW') },
      });
    }
    template.hasResourceProperties('AWS::NetworkFirewall::Firewall', { SubnetMappings: firewall.firewallSubnets.map((s) => ({ SubnetId: stack.resolve(s.subnetId) })) });
    template.hasResourceProperties('AWS::NetworkFirewall::FirewallPolicy', {
      FirewallPolicy: Match.objectLike({
        StatefulDefaultActions: ['aws:drop_established_app_layer', 'aws:alert_established_app_layer'],
        StatefulEngineOptions: Match.objectLike({ FlowTimeouts: { TcpIdleTimeoutSeconds: 300 } }),
        StatefulRuleGroupReferences: Match.arrayWith([Match.objectLike({ Priority: 200, ResourceArn: { 'Fn::Join': ['', Match.arrayWith([':aws-managed:stateful-rulegroup/AbusedLegitMalwareDomainsStrictOrder'])] } })]),
        PolicyVariables: { RuleVariables: { HOME_NET: { Definition: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] }] } } },
      }),
    });
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', { Capacity: 500 });
    template.hasResourceProperties('AWS::NetworkFirewall::RuleGroup', {
      RuleGroup: Match.objectLike({ RulesSource: { RulesString: Match.stringLikeRegexp('-> \\$PUBLIC_NET \\[443\\]') } }),
    });
    expect(firewall.protectedSubnets).toEqual(vpc.selectSubnets({ subnetGroupName: 'Public' }).subnets);
    // private tiers keep their NAT gateway
    template.resourcePropertiesCountIs('AWS::EC2::Route', { NatGatewayId: Match.anyValue() }, 2);
  });

  test('endpointIdFor answers by AZ and refuses an AZ without an endpoint', () => {
    const stack = newStack();
    const firewall = new DomainAllowlistFirewall(stack, 'Egress', { vpc: plainVpc(stack), firewallSubnets: { subnetGroupName: 'Firewall' }, allowedDomains: ['example.com'] });
    const template = Template.fromStack(stack);
    for (const order of permutations(['us-east-1a', 'us-east-1b'])) {
      expect(deployedEndpoint(template, stack.resolve(firewall.endpointIdFor('us-east-1b')), order)).toBe(endpointOf('us-east-1b'));
    }
    expect(() => firewall.endpointIdFor('us-east-1c')).toThrow(/Stack\/Egress: there is no firewall endpoint in 'us-east-1c'/);
  });

  test('a top-level-domain wildcard and an allowlist capacity without headroom are rule findings on the rule group, not construct warnings', () => {
    // GIVEN '.io' in the allowlist and capacity 4 for 2 domains x 2 target types
    const stack = newStack();
    new DomainAllowlistFirewall(stack, 'Egress', { vpc: plainVpc(stack), firewallSubnets: { subnetGroupName: 'Firewall' }, allowedDomains: ['.io', 'example.com'], allowlistCapacity: 4 });

    // WHEN the checks judge the stack
    const findings = check(stack);

    // THEN one finding of each rule, on the allowlist rule group
    const topLevel = ofRule(findings, 'LayeredDefense-FirewallAllowlistTopLevelDomain');
    expect(topLevel.map((f) => [f.level, f.path])).toEqual([['warning', '/Stack/Egress/AllowlistRuleGroup']]);
    expect(topLevel[0].text).toMatch(/admits every domain under '\.io', which anyone can register/);
    expect(ofRule(findings, 'LayeredDefense-FirewallRuleGroupCapacity').map((f) => [f.path, f.text]))
      .toEqual([['/Stack/Egress/AllowlistRuleGroup', expect.stringMatching(/has Capacity 4 for rules that use 4 units, less than 20% headroom/)]]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-layered-defense:'))).toEqual([]);
  });

  type Case = [string, (stack: Stack) => Partial<DomainAllowlistFirewallProps> & { vpc?: ec2.IVpc }, RegExp];
  const cases: Case[] = [
    ['an unknown drop action', () => ({ statefulDefaultActions: StatefulDefaultActions.of('aws:drop', 'aws:alert_established') }),
      /Stack\/Egress: statefulDefaultActions drop action 'aws:drop' is not a stateful default action.*use one of aws:drop_established/],
    // A name of one of Object's methods is no action either (it once found the method and passed).
    ['a drop action named like an object method', () => ({ statefulDefaultActions: StatefulDefaultActions.of('constructor', 'aws:alert_established') }),
      /drop action 'constructor' is not a stateful default action/],
    ['aws:drop_strict', () => ({ statefulDefaultActions: StatefulDefaultActions.of('aws:drop_strict', 'aws:alert_strict') }),
      /'aws:drop_strict' drops the TCP handshake.*use one of/],
    ['an alert action that does not match', () => ({ statefulDefaultActions: StatefulDefaultActions.of('aws:drop_established', 'aws:alert_strict') }),
      /alert action 'aws:alert_strict' does not match the drop action 'aws:drop_established'.*use 'aws:alert_established'/],
    ['a scheme', () => ({ allowedDomains: ['https://api.example.com'] }), /allowedDomains\[0\] 'https:\/\/api.example.com' has a scheme.*write 'api.example.com'/],
    ['a path', () => ({ allowedDomains: ['api.example.com/v1'] }), /'api.example.com\/v1' has a path.*write 'api.example.com'/],
    ['a wildcard', () => ({ allowedDomains: ['*.example.com'] }), /'\*.example.com' has a wildcard; only a leading dot admits subdomains: write '.example.com'/],
    ['a wildcard inside', () => ({ allowedDomains: ['api-*.example.com'] }), /has a wildcard/],
    ['a port', () => ({ allowedDomains: ['example.com:443'] }), /has a port.*write 'example.com'/],
    ['every domain', () => ({ allowedDomains: ['.'] }), /allowedDomains\[0\] '.' admits every domain/],
    ['an IP address', () => ({ allowedDomains: ['203.0.113.5'] }), /is an IP address/],
    ['a bad label', () => ({ allowedDomains: ['exa mple.com'] }), /contains whitespace/],
    ['an empty label', () => ({ allowedDomains: ['example..com'] }), /has the label ''/],
    ['an empty allowlist', () => ({ allowedDomains: [] }), /Stack\/Egress: allowedDomains is empty/],
    ['a duplicate', () => ({ allowedDomains: ['example.com', 'EXAMPLE.com'] }), /allowedDomains\[1\] 'EXAMPLE.com' is already listed as 'example.com'/],
    ['capacity that cannot hold the rules', () => ({ allowedDomains: ['a.example.com', 'b.example.com'], allowlistCapacity: 3 }),
      /allowlistCapacity 3 cannot hold the 2 domains, which need 4 units.*set at least 5/],
    ['capacity above the policy quota', () => ({ allowlistCapacity: 40000 }), /allowlistCapacity 40000 is above the 29990 units/],
    ['a TCP idle timeout above the NAT gateway\'s', () => ({ tcpIdleTimeout: Duration.seconds(600) }), /tcpIdleTimeout is 600 s but a NAT gateway is on the path.*at most 350/],
    ['a managed group for action order', () => ({ managedRuleGroups: [FirewallManagedRuleGroup.of('ThreatSignaturesBotnetActionOrder')] }),
      /managed rule group 'ThreatSignaturesBotnetActionOrder' is not a strict-order AWS managed group/],
    ['a bad inbound port', () => ({ inboundTcpPorts: [0] }), /inboundTcpPorts has 0/],
    ['protected CIDRs with host bits', () => ({ protectedCidrs: ['10.0.0.1/16'] }), /protectedCidrs has '10.0.0.1\/16': .*give the VPC's CIDRs/],
    ['protected CIDRs that are every address', () => ({ protectedCidrs: ['0.0.0.0/0'] }), /protectedCidrs has '0.0.0.0\/0': it is every address/],
    ['empty protected CIDRs', () => ({ protectedCidrs: [] }), /protectedCidrs is empty/],
    ['an imported VPC', (stack) => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-1234', availabilityZones: ['us-east-1a'], publicSubnetIds: ['subnet-1'], isolatedSubnetIds: ['subnet-2'],
      }),
      firewallSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    }), /Stack\/Egress: the VPC 'Stack\/Imported' is imported, so synth cannot see its route tables/],
    ['a VPC without an internet gateway', (stack) => ({
      vpc: new ec2.Vpc(stack, 'Closed', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Firewall', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    }), /the VPC 'Stack\/Closed' has no internet gateway/],
    ['a VPC without public subnets besides the firewall', (stack) => ({
      vpc: new ec2.Vpc(stack, 'OnlyFirewall', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Firewall', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    }), /has no public subnets besides the firewall subnets/],
    ['a NAT gateway in a firewall subnet', (stack) => ({ vpc: plainVpc(stack, ec2.SubnetType.PUBLIC, true) }),
      /NAT gateway 'Stack\/Vpc\/FirewallSubnet1\/NATGateway' is in firewall subnet/],
  ];
  test.each(cases)('rejects %s', (_name, makeProps, message) => {
    const stack = newStack();
    const overrides = makeProps(stack);
    const vpc = overrides.vpc ?? plainVpc(stack);
    expect(() => new DomainAllowlistFirewall(stack, 'Egress', {
      vpc,
      firewallSubnets: { subnetGroupName: 'Firewall' },
      allowedDomains: ['example.com'],
      ...overrides,
    })).toThrow(message);
  });

  test('rejects a firewall subnet group that leaves an AZ of the public subnets without an endpoint', () => {
    const stack = newStack();
    const vpc = plainVpc(stack);
    expect(() => new DomainAllowlistFirewall(stack, 'Egress', {
      vpc,
      firewallSubnets: { subnetGroupName: 'Firewall', availabilityZones: ['us-east-1a'] },
      allowedDomains: ['example.com'],
    })).toThrow(/subnet 'Stack\/Vpc\/PublicSubnet2' is in us-east-1b, where there is no firewall subnet/);
  });

  test('rejects two firewall subnets in one AZ', () => {
    const stack = newStack();
    const vpc = plainVpc(stack);
    const [app1] = vpc.selectSubnets({ subnetGroupName: 'App' }).subnets;
    const [firewall1] = vpc.selectSubnets({ subnetGroupName: 'Firewall' }).subnets;
    expect(() => new DomainAllowlistFirewall(stack, 'Egress', {
      vpc,
      firewallSubnets: { subnets: [firewall1, app1] },
      allowedDomains: ['example.com'],
    })).toThrow(/firewallSubnets holds two subnets in us-east-1a \('Stack\/Vpc\/FirewallSubnet1' and 'Stack\/Vpc\/AppSubnet1'\)/);
  });

  test('rejects a VPC whose AZs are unknown at synth', () => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => new HipaaSecureVpc(stack, 'Network', { egressAllowedDomains: ['example.com'] }))
      .toThrow(/Stack\/Network\/EgressFirewall: .*has an Availability Zone unknown at synth.*give the stack an env/);
  });
});
