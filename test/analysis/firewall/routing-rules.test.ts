// The firewall's routing rules on hand-written, CDK-free templates: test/fixtures/templates/firewall/ (routed-egress.yaml
// and its bad variants, and a two-stack app whose application stack imports the network stack's endpoints).
import * as path from 'path';
import * as fc from 'fast-check';
import { readApp } from '../../../src/analysis/cfn';
import { CheckFinding } from '../../../src/analysis/engine';
import { firewallRouting } from '../../../src/analysis/model/firewall-routing';
import { buildNetworkModel } from '../../../src/analysis/model/network-model';
import { judge, ofRule, sites, stacksOf } from '../support';
import { cannotVerify, FIREWALL_FIXTURES, fixture, fixtureWith, judgeTemplate, PARAM } from './fixtures';

const GOOD = 'good/routed-egress.yaml';
const ROUTING_RULE_IDS = [
  'LayeredDefense-FirewallRouteBypass',
  'LayeredDefense-FirewallEndpointCrossAz',
  'LayeredDefense-FirewallAsymmetricReturn',
  'LayeredDefense-FirewallSubnetWorkload',
  'LayeredDefense-FirewallAzCoverage',
];

/** The good fixture with one change made to its resources. */
function goodWith(change: (resources: any) => void): CheckFinding[] {
  return fixtureWith(GOOD, change);
}

/** The files judged together as one app; sites name stacks by file name (`two-stack-app`). */
function judgeApp(...files: string[]): { findings: CheckFinding[]; site: (f: readonly CheckFinding[]) => Array<[string, string]> } {
  const app = readApp(files.map((f) => path.join(FIREWALL_FIXTURES, f)));
  const findings = judge(Object.fromEntries(app.stacks.map((s) => [s.id, s.template])));
  const names = new Map(app.stacks.map((s) => [s.id, path.basename(s.id, '.yaml')]));
  return { findings, site: (f) => f.map((x) => [x.ruleId, `${names.get(x.resource.stack.id)}/${x.resource.logicalId}`]) };
}

/** The endpoint of `az`, picked by AZ from the fixture firewall's EndpointIds, as DomainAllowlistFirewall writes it. */
function endpointOf(az: string): unknown {
  const ids = { 'Fn::Join': [',', { 'Fn::GetAtt': ['Firewall', 'EndpointIds'] }] };
  return { 'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::Select': [1, { 'Fn::Split': [`,${az}:`, { 'Fn::Join': ['', [',', ids]] }] }] }] }] };
}

/** The routing findings and "cannot verify" of the routing rules. */
function routingFindings(findings: CheckFinding[]): CheckFinding[] {
  return findings.filter((f) => ROUTING_RULE_IDS.includes(f.ruleId) || ROUTING_RULE_IDS.some((id) => f.message.startsWith(`${id} cannot verify`)));
}

describe('the good fixtures', () => {
  test('the distributed model routed by hand in two AZs: zero findings of any rule', () => {
    // GIVEN public subnets through their AZ's endpoint, firewall subnets to the IGW, an edge route table, private
    // subnets through their AZ's NAT gateway, an isolated subnet in a third AZ; WHEN every rule judges it
    // THEN nothing is reported
    expect(judgeTemplate(fixture(GOOD))).toEqual([]);
  });

  test('... and the rules had something to judge: every endpoint route is read as a pick by AZ, and the subnets are classified', () => {
    const model = buildNetworkModel(stacksOf({ Stack: fixture(GOOD) }));
    const routing = firewallRouting(model);
    const endpointRoutes = [...routing.routesByTable.values()].flat().filter((r) => r.endpoint !== undefined);
    expect(endpointRoutes.map((r) => [r.resource.logicalId, r.endpoint])).toEqual(expect.arrayContaining([
      ['PublicDefaultA', { kind: 'by-az', firewallKey: 'id:Stack/Firewall', az: 'us-east-1a' }],
      ['PublicDefaultB', { kind: 'by-az', firewallKey: 'id:Stack/Firewall', az: 'us-east-1b' }],
      ['EdgeToPublicA', { kind: 'by-az', firewallKey: 'id:Stack/Firewall', az: 'us-east-1a' }],
      ['EdgeToPublicB', { kind: 'by-az', firewallKey: 'id:Stack/Firewall', az: 'us-east-1b' }],
    ]));
    expect(endpointRoutes).toHaveLength(4);
    const [vpc] = routing.vpcs;
    expect([...vpc.firewallSubnetKeys].sort()).toEqual(['id:Stack/FirewallSubnetA', 'id:Stack/FirewallSubnetB']);
    // The isolated subnet has no route out: not protected.
    expect(vpc.protectedSubnets.map((s) => s.resource.logicalId).sort()).toEqual(['PrivateSubnetA', 'PrivateSubnetB', 'PublicSubnetA', 'PublicSubnetB']);
  });

  test('a two-stack app (the network stack exports the endpoints by AZ, the app stack imports them): zero findings', () => {
    const { findings } = judgeApp('good/two-stack-network.yaml', 'good/two-stack-app.yaml');
    expect(findings).toEqual([]);
  });

  test('without a firewall in the VPC, the routing rules judge nothing', () => {
    const findings = goodWith((r) => {
      delete r.Firewall;
      delete r.FirewallLogging;
      r.PublicDefaultB.Properties = { RouteTableId: { Ref: 'PublicRoutesB' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'InternetGateway' } };
    });
    expect(routingFindings(findings)).toEqual([]);
  });
});

describe('the firewall in front of the NAT gateways', () => {
  test('private subnets through the endpoint of their AZ, firewall subnets to the NAT gateway of theirs: no routing finding', () => {
    // GIVEN private subnets routed to the endpoints, the firewall subnets to the NAT gateways, and the NAT gateways'
    // (public) subnets straight to the internet gateway, without an edge route table: responses come back to the NAT
    // gateways, never to the private addresses
    const findings = goodWith((r) => {
      for (const az of ['A', 'B']) {
        r[`PrivateDefault${az}`].Properties = { RouteTableId: { Ref: `PrivateRoutes${az}` }, DestinationCidrBlock: '0.0.0.0/0', VpcEndpointId: endpointOf(`us-east-1${az.toLowerCase()}`) };
        r[`FirewallDefault${az}`].Properties = { RouteTableId: { Ref: `FirewallRoutes${az}` }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: `NatGateway${az}` } };
        r[`PublicDefault${az}`].Properties = { RouteTableId: { Ref: `PublicRoutes${az}` }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'InternetGateway' } };
        delete r[`EdgeToPublic${az}`];
      }
      delete r.EdgeRoutesAssociation;
      delete r.EdgeRoutes;
    });
    // THEN the NAT gateways' subnets are not protected (they carry inspected traffic), and nothing needs an edge route
    expect(routingFindings(findings)).toEqual([]);
  });

  test('... and a private subnet routed to the other AZ\'s endpoint is still cross-AZ', () => {
    const findings = goodWith((r) => {
      r.PrivateDefaultB.Properties = { RouteTableId: { Ref: 'PrivateRoutesB' }, DestinationCidrBlock: '0.0.0.0/0', VpcEndpointId: endpointOf('us-east-1a') };
      r.FirewallDefaultA.Properties = { RouteTableId: { Ref: 'FirewallRoutesA' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'NatGatewayA' } };
    });
    expect(sites(ofRule(findings, 'LayeredDefense-FirewallEndpointCrossAz'))).toEqual([['LayeredDefense-FirewallEndpointCrossAz', 'Stack/PrivateDefaultB']]);
  });
});

describe('LayeredDefense-FirewallRouteBypass', () => {
  const ID = 'LayeredDefense-FirewallRouteBypass';

  test('Noncompliance: a public subnet routed straight to the internet gateway', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/route-bypass.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/PublicDefaultB']]);
    expect(findings[0].message).toMatch(/subnet Stack\/PublicSubnetB \(us-east-1b\): route table Stack\/PublicRoutesB sends 0\.0\.0\.0\/0 straight to internet gateway Stack\/InternetGateway, around firewall Stack\/Firewall/);
    expect(findings[0].text).toMatch(/Route the subnet's 0\.0\.0\.0\/0 \(and ::\/0\) to the firewall endpoint of its Availability Zone/);
  });

  test('Noncompliance: a private subnet\'s ::/0 to an egress-only internet gateway', () => {
    const findings = goodWith((r) => {
      r.Eigw = { Type: 'AWS::EC2::EgressOnlyInternetGateway', Properties: { VpcId: { Ref: 'Vpc' } } };
      r.PrivateDefault6A = {
        Type: 'AWS::EC2::Route',
        Properties: { RouteTableId: { Ref: 'PrivateRoutesA' }, DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: { Ref: 'Eigw' } },
      };
    });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/PrivateDefault6A']]);
    expect(ofRule(findings, ID)[0].message).toMatch(/sends ::\/0 straight to egress-only internet gateway Stack\/Eigw/);
  });

  test('Noncompliance: a route for one outside range to the internet gateway, next to a compliant default route', () => {
    const findings = goodWith((r) => {
      r.Partner = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'PrivateRoutesA' }, DestinationCidrBlock: '198.51.100.0/24', GatewayId: 'igw-0123456789abcdef0' } };
    });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Partner']]);
    expect(ofRule(findings, ID)[0].message).toMatch(/sends 198\.51\.100\.0\/24 straight to internet gateway igw-0123456789abcdef0/);
  });

  test('Compliance: a default route to a transit gateway leaves the VPC (inspected elsewhere, if at all): not judged', () => {
    const findings = goodWith((r) => {
      r.PrivateDefaultB.Properties = { RouteTableId: { Ref: 'PrivateRoutesB' }, DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-0123456789abcdef0' };
    });
    expect(routingFindings(findings)).toEqual([]);
  });

  test.each([
    ['a NAT gateway outside the templates', { NatGatewayId: 'nat-0123456789abcdef0' }, /whether NAT gateway nat-0123456789abcdef0 \(not a NAT gateway of the templates judged together\)/],
    ['an instance (a NAT instance or appliance)', { InstanceId: 'i-0123456789abcdef0' }, /whether instance i-0123456789abcdef0, the target of 0\.0\.0\.0\/0 .* forwards that traffic through the firewall/],
    ['a gateway from a parameter', { GatewayId: PARAM }, /the target of route Stack\/PrivateDefaultA \(gateway \{"Ref":"FromParameter"\}\), which could be an internet gateway/],
  ])('Token: a default route to %s is "cannot verify"', (_name, target, message) => {
    const findings = goodWith((r) => {
      r.PrivateDefaultA.Properties = { RouteTableId: { Ref: 'PrivateRoutesA' }, DestinationCidrBlock: '0.0.0.0/0', ...target };
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(message)]);
  });
});

describe('LayeredDefense-FirewallEndpointCrossAz', () => {
  const ID = 'LayeredDefense-FirewallEndpointCrossAz';

  test('Noncompliance: subnet B routed both ways through the endpoint of us-east-1a', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/endpoint-other-az.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/PublicDefaultB'], [ID, 'Stack/EdgeToPublicB']]);
    expect(findings[0].message).toMatch(/route table Stack\/PublicRoutesB of subnet Stack\/PublicSubnetB \(us-east-1b\) sends 0\.0\.0\.0\/0 to the firewall endpoint in us-east-1a, but the subnet is in us-east-1b/);
    expect(findings[1].message).toMatch(/edge route table Stack\/EdgeRoutes of Stack\/InternetGateway sends return traffic for subnet Stack\/PublicSubnetB \(us-east-1b\) \(10\.0\.2\.0\/24\)/);
    expect(findings[0].text).toMatch(/Route it to the endpoint of us-east-1b, picked by AZ: .*",us-east-1b:"/);
  });

  test('Noncompliance: endpoints picked by their position in EndpointIds', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/endpoint-by-position.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/PublicDefaultA'], [ID, 'Stack/PublicDefaultB'], [ID, 'Stack/EdgeToPublicA'], [ID, 'Stack/EdgeToPublicB']]);
    expect(findings[0].message).toMatch(/picks the endpoint of firewall Stack\/Firewall by its position \(0\) in EndpointIds, which AWS lists in no particular order/);
  });

  test('a pick by position is exact for a single-AZ firewall: its one endpoint is in the AZ of its one subnet', () => {
    // GIVEN the firewall in us-east-1a only, every route taking EndpointIds[0]
    const template = fixture('bad/firewall-fewer-azs.yaml');
    const first = { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [0, { 'Fn::GetAtt': ['Firewall', 'EndpointIds'] }] }] }] };
    for (const route of ['PublicDefaultA', 'PublicDefaultB', 'EdgeToPublicA', 'EdgeToPublicB']) {
      template.Resources[route].Properties.VpcEndpointId = first;
    }
    // THEN subnet A's routes are right and subnet B's cross to us-east-1a
    expect(sites(ofRule(judgeTemplate(template), ID))).toEqual([[ID, 'Stack/PublicDefaultB'], [ID, 'Stack/EdgeToPublicB']]);
  });

  test('Noncompliance: an AZ where the firewall has no subnet fails the deployment', () => {
    const findings = goodWith((r) => { r.PublicDefaultB.Properties.VpcEndpointId = endpointOf('us-east-1c'); });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/PublicDefaultB']]);
    expect(ofRule(findings, ID)[0].message).toMatch(/names the endpoint of firewall Stack\/Firewall in us-east-1c, where the firewall has no subnet \(its AZs: us-east-1a, us-east-1b\): the Fn::Select finds no endpoint/);
  });

  test('an edge route for the whole VPC CIDR carries every subnet\'s return traffic: cross-AZ for subnet B', () => {
    // GIVEN one edge route for 10.0.0.0/16 to the endpoint of us-east-1a instead of one per public subnet
    const findings = goodWith((r) => {
      r.EdgeToPublicA.Properties.DestinationCidrBlock = '10.0.0.0/16';
      delete r.EdgeToPublicB;
    });
    // THEN the return traffic of public subnet B crosses AZs (the private subnets get theirs through a NAT gateway)
    const crossAz = ofRule(findings, ID);
    expect(crossAz.map((f) => f.resource.logicalId)).toEqual(['EdgeToPublicA']);
    expect(crossAz[0].message).toMatch(/return traffic for subnet Stack\/PublicSubnetB \(us-east-1b\) \(10\.0\.2\.0\/24\) to the firewall endpoint in us-east-1a/);
  });

  test('a Gateway Load Balancer endpoint of the app is in its subnet\'s AZ', () => {
    const findings = goodWith((r) => {
      r.Appliance = { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, VpcEndpointType: 'GatewayLoadBalancer', ServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0abc', SubnetIds: [{ Ref: 'FirewallSubnetA' }] } };
      r.PrivateDefaultB.Properties = { RouteTableId: { Ref: 'PrivateRoutesB' }, DestinationCidrBlock: '0.0.0.0/0', VpcEndpointId: { Ref: 'Appliance' } };
    });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/PrivateDefaultB']]);
    expect(ofRule(findings, ID)[0].message).toMatch(/to the firewall endpoint in us-east-1a, but the subnet is in us-east-1b/);
  });

  test('property: whatever AZ each route picks, exactly the routes whose AZ is not their subnet\'s are reported', () => {
    const azs = ['us-east-1a', 'us-east-1b'];
    const routes: Array<[string, string]> = [['PublicDefaultA', 'us-east-1a'], ['PublicDefaultB', 'us-east-1b'], ['EdgeToPublicA', 'us-east-1a'], ['EdgeToPublicB', 'us-east-1b']];
    fc.assert(fc.property(fc.tuple(...routes.map(() => fc.constantFrom(...azs))), (picks) => {
      // GIVEN each route picking the endpoint of some AZ
      const findings = goodWith((r) => routes.forEach(([route], i) => { r[route].Properties.VpcEndpointId = endpointOf(picks[i]); }));
      // THEN the cross-AZ routes, and only them, are reported
      const expected = routes.filter(([, az], i) => picks[i] !== az).map(([route]) => route);
      expect(ofRule(findings, ID).map((f) => f.resource.logicalId).sort()).toEqual(expected.sort());
    }), { numRuns: 16 });
  });

  test('Token: a literal endpoint id is "cannot verify", naming the id', () => {
    const findings = goodWith((r) => { r.PublicDefaultB.Properties.VpcEndpointId = 'vpce-0123456789abcdef0'; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID).map((f) => f.message)).toEqual([
      expect.stringMatching(/the Availability Zone of endpoint vpce-0123456789abcdef0 \(a literal id: the template does not say which AZ it is in\), which must be the AZ of subnet Stack\/PublicSubnetB \(us-east-1b\)/),
    ]);
  });

  test('Token: subnets placed with Fn::GetAZs cannot be compared with an AZ name', () => {
    const findings = goodWith((r) => { r.PublicSubnetB.Properties.AvailabilityZone = { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID).map((f) => f.message)).toEqual([
      expect.stringMatching(/whether the AZ of subnet Stack\/PublicSubnetB .*\{"Fn::Select":\[1,\{"Fn::GetAZs":""\}\]\}.* is the AZ of the endpoint the endpoint of firewall Stack\/Firewall in us-east-1b/),
      expect.stringMatching(/whether the AZ of subnet Stack\/PublicSubnetB/),
    ]);
  });
});

describe('LayeredDefense-FirewallAsymmetricReturn', () => {
  const ID = 'LayeredDefense-FirewallAsymmetricReturn';

  test('Noncompliance: no edge route table on the internet gateway', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/no-edge-route-table.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/InternetGateway']]);
    expect(findings[0].message).toMatch(/internet gateway Stack\/InternetGateway has no edge route table \(AWS::EC2::GatewayRouteTableAssociation\), so return traffic to subnet Stack\/PublicSubnetA \(us-east-1a\) 10\.0\.1\.0\/24, subnet Stack\/PublicSubnetB \(us-east-1b\) 10\.0\.2\.0\/24 goes from the gateway straight to the subnet/);
  });

  test('Noncompliance: the edge route table has no route for subnet B', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/edge-route-missing.yaml')), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/EdgeRoutes']]);
    expect(findings[0].message).toMatch(/sends return traffic for subnet Stack\/PublicSubnetB \(us-east-1b\) \(10\.0\.2\.0\/24\) over the local route, straight to the subnet, while the subnet's 0\.0\.0\.0\/0 goes to the endpoint of firewall Stack\/Firewall in us-east-1b/);
    expect(findings[0].text).toMatch(/Add a route for 10\.0\.2\.0\/24 to the same endpoint/);
  });

  test('Noncompliance: literal endpoint ids that differ between the two directions', () => {
    const findings = goodWith((r) => {
      r.PublicDefaultB.Properties.VpcEndpointId = 'vpce-0000000000000000b';
      r.EdgeToPublicB.Properties.VpcEndpointId = 'vpce-0000000000000000c';
    });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/EdgeToPublicB']]);
    expect(ofRule(findings, ID)[0].message).toMatch(/to endpoint vpce-0000000000000000c, but the subnet's 0\.0\.0\.0\/0 goes to endpoint vpce-0000000000000000b/);
  });

  test('Compliance: the same literal endpoint id both ways (its AZ is still "cannot verify" for FirewallEndpointCrossAz)', () => {
    const findings = goodWith((r) => {
      r.PublicDefaultB.Properties.VpcEndpointId = 'vpce-0000000000000000b';
      r.EdgeToPublicB.Properties.VpcEndpointId = 'vpce-0000000000000000b';
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, 'LayeredDefense-FirewallEndpointCrossAz')).toHaveLength(2);
  });

  test('Token: an edge route whose destination is a parameter may be the subnet\'s: "cannot verify"', () => {
    const findings = goodWith((r) => { r.EdgeToPublicB.Properties.DestinationCidrBlock = PARAM; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID).map((f) => f.message)).toEqual([
      expect.stringMatching(/which route of edge route table Stack\/EdgeRoutes of internet gateway Stack\/InternetGateway carries return traffic to subnet Stack\/PublicSubnetB/),
    ]);
  });
});

describe('LayeredDefense-FirewallSubnetWorkload', () => {
  const ID = 'LayeredDefense-FirewallSubnetWorkload';

  test('Noncompliance: an instance, a NAT gateway and a network interface in the firewall subnets', () => {
    const findings = ofRule(judgeTemplate(fixture('bad/workload-in-firewall-subnet.yaml')), ID);
    expect(sites(findings).sort()).toEqual([[ID, 'Stack/Appliance'], [ID, 'Stack/Bastion'], [ID, 'Stack/NatGatewayA']]);
    expect(findings.find((f) => f.resource.logicalId === 'Bastion')!.message)
      .toMatch(/instance Stack\/Bastion sits in firewall subnet Stack\/FirewallSubnetA of firewall Stack\/Firewall: its traffic leaves through the internet gateway without passing the firewall/);
  });

  test('Noncompliance: a function in a firewall subnet', () => {
    const findings = goodWith((r) => {
      r.Fn = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::111111111111:role/fn', Code: { ZipFile: 'x' }, VpcConfig: { SubnetIds: [{ Ref: 'FirewallSubnetB' }], SecurityGroupIds: [] } } };
    });
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Fn']]);
    expect(ofRule(findings, ID)[0].message).toMatch(/^lambda function Stack\/Fn sits in firewall subnet Stack\/FirewallSubnetB/);
  });

  test('Noncompliance: an auto scaling group from a launch template outside the templates still launches into its subnets', () => {
    // GIVEN an auto scaling group with a literal LaunchTemplateId (its groups are not known) in a firewall subnet
    const findings = goodWith((r) => {
      r.Jump = { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '1', VPCZoneIdentifier: [{ Ref: 'FirewallSubnetB' }], LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0', Version: '1' } } };
    });
    // THEN it is reported: its placement is known whatever its launch template holds
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Jump']]);
  });

  test('Token: an instance whose subnet is a parameter is "cannot verify"', () => {
    const findings = goodWith((r) => {
      r.Box = { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-0123456789abcdef0', SubnetId: PARAM, SecurityGroupIds: ['sg-0123456789abcdef0'] } };
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(/whether instance Stack\/Box sits in a firewall subnet: its subnet Stack\/FromParameter is not a subnet/)]);
  });
});

describe('LayeredDefense-FirewallAzCoverage', () => {
  const ID = 'LayeredDefense-FirewallAzCoverage';

  test('Noncompliance: a firewall in us-east-1a only, public subnets in two AZs', () => {
    const findings = judgeTemplate(fixture('bad/firewall-fewer-azs.yaml'));
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Firewall']]);
    expect(ofRule(findings, ID)[0].level).toBe('warning');
    expect(ofRule(findings, ID)[0].message).toMatch(/firewall Stack\/Firewall has endpoints in us-east-1a, but protected subnets are also in us-east-1b \(Stack\/PublicSubnetB\)/);
    expect(ofRule(findings, ID)[0].text).toMatch(/Add a firewall subnet in us-east-1b to the firewall's SubnetMappings/);
    // The routes that must cross AZs are reported too, by the rule that judges routes.
    expect(sites(ofRule(findings, 'LayeredDefense-FirewallEndpointCrossAz'))).toEqual([
      ['LayeredDefense-FirewallEndpointCrossAz', 'Stack/PublicDefaultB'], ['LayeredDefense-FirewallEndpointCrossAz', 'Stack/EdgeToPublicB'],
    ]);
  });

  test('Compliance: a private subnet in a third AZ that goes out through a NAT gateway in us-east-1a needs no endpoint of its own', () => {
    const findings = goodWith((r) => {
      r.IsolatedSubnet.Properties.CidrBlock = '10.0.21.0/24';
      r.IsolatedRoutes = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } };
      r.IsolatedAssociation = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'IsolatedSubnet' }, RouteTableId: { Ref: 'IsolatedRoutes' } } };
      r.IsolatedDefault = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'IsolatedRoutes' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'NatGatewayA' } } };
    });
    expect(routingFindings(findings)).toEqual([]);
  });

  test('Token: a firewall subnet outside the templates is "cannot verify"', () => {
    // GIVEN the second firewall subnet named by a literal id: FirewallSubnetB of the template is no longer the firewall's
    const findings = goodWith((r) => { r.Firewall.Properties.SubnetMappings[1].SubnetId = 'subnet-0123456789abcdef0'; });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID).map((f) => f.message)).toEqual(['FirewallSubnetB', 'PublicSubnetB'].map((subnet) => expect.stringMatching(
      new RegExp(`whether the firewall has an endpoint in the AZ of subnet Stack/${subnet} \\(us-east-1b\\): the Availability Zone of firewall subnet subnet-0123456789abcdef0 \\(not a subnet of the templates judged together\\)`))));
  });
});

describe('a two-stack app that gets it wrong across the stack boundary', () => {
  test('the imported endpoint of another AZ and an instance in the imported firewall subnet are reported in the app stack', () => {
    // GIVEN the good network stack, and an app stack routing subnet B to the imported endpoint of us-east-1a and
    // placing an instance in the imported firewall subnet
    const { findings, site } = judgeApp('good/two-stack-network.yaml', 'bad/two-stack-app.yaml');
    // THEN both are reported on the app stack's resources, naming the network stack's subnets and AZs
    expect(site(findings)).toEqual([
      ['LayeredDefense-FirewallEndpointCrossAz', 'two-stack-app/PublicDefaultB'],
      ['LayeredDefense-FirewallSubnetWorkload', 'two-stack-app/Web'],
    ]);
    expect(findings[0].message).toMatch(/of subnet .*two-stack-network\.yaml\/PublicSubnetB \(us-east-1b\) sends 0\.0\.0\.0\/0 to the firewall endpoint in us-east-1a/);
    expect(findings[1].message).toMatch(/sits in firewall subnet .*two-stack-network\.yaml\/FirewallSubnetA/);
  });
});
