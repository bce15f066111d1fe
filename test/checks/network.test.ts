// DomainAllowlistFirewall's own output, judged by the network-layer rules through the CDK-free path (the template, as
// the CLI would read it from cdk.out): the construct must be clean under every rule that judges hand-written firewalls.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { check } from './support';
import { firewallRouting } from '../../src/analysis/model/firewall-routing';
import { buildNetworkModel } from '../../src/analysis/model/network-model';
import { RULES } from '../../src/analysis/rules/registry';
import { DomainAllowlistFirewall, FirewallManagedRuleGroup, StatefulDefaultActions } from '../../src/firewall';
import { HipaaSecureVpc } from '../../src/vpc';
import { judge, ofRule, stacksOf } from '../analysis/support';

const AZ_CONTEXT = { 'availability-zones:account=111111111111:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] };
const NETWORK_RULE_IDS = RULES.filter((r) => r.layer === 'network').map((r) => r.id);

function newStack(): Stack {
  return new Stack(new App({ context: AZ_CONTEXT }), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
}

const VARIANTS: Array<[string, (stack: Stack) => void]> = [
  ['HipaaSecureVpc with egressAllowedDomains (IPv4, NAT gateways)', (stack) => {
    new HipaaSecureVpc(stack, 'Network', { egressAllowedDomains: ['.amazonaws.com', 'api.example.com'] });
  }],
  ['HipaaSecureVpc, dual stack', (stack) => {
    new HipaaSecureVpc(stack, 'Network', { ipProtocol: ec2.IpProtocol.DUAL_STACK, egressAllowedDomains: ['.example.com'] });
  }],
  ['DomainAllowlistFirewall on its own in an ec2.Vpc: application-layer defaults, 60 domains, a shorter idle timeout, more listener ports', (stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
        { name: 'Firewall', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 28 },
      ],
    });
    new DomainAllowlistFirewall(stack, 'Egress', {
      vpc,
      firewallSubnets: { subnetGroupName: 'Firewall' },
      allowedDomains: Array.from({ length: 60 }, (_, i) => `service${i}.example.com`),
      statefulDefaultActions: StatefulDefaultActions.DROP_ESTABLISHED_APP_LAYER_TO_SERVER,
      managedRuleGroups: [FirewallManagedRuleGroup.THREAT_SIGNATURES_MALWARE],
      tcpIdleTimeout: Duration.seconds(300),
      inboundTcpPorts: [443, 8443],
    });
  }],
];

describe.each(VARIANTS)('%s', (_name, build) => {
  test('has no finding, and no "cannot verify", from any network-layer rule', () => {
    // GIVEN the construct's synthesized template, as the CLI reads it
    const stack = newStack();
    build(stack);
    const template = Template.fromStack(stack).toJSON();

    // WHEN every rule judges it
    const findings = judge({ Stack: template });

    // THEN the firewall is modelled (so the rules had something to judge) and none of them objects or is unsure
    const model = buildNetworkModel(stacksOf({ Stack: template }));
    expect(model.firewalls).toHaveLength(1);
    expect(model.firewallPolicies[0].statefulGroups.filter((g) => g.group !== undefined)).toHaveLength(2);
    expect(model.firewalls[0].loggingConfigurations).toHaveLength(1);
    const network = findings.filter((f) => NETWORK_RULE_IDS.includes(f.ruleId)
      || NETWORK_RULE_IDS.some((id) => f.message.startsWith(`${id} cannot verify`)));
    expect(network.map((f) => f.text)).toEqual([]);
  });

  test('its routes are understood: every endpoint is picked by AZ, in the AZ of the subnets it serves', () => {
    // GIVEN the synthesized template
    const stack = newStack();
    build(stack);
    const model = buildNetworkModel(stacksOf({ Stack: Template.fromStack(stack).toJSON() }));
    // WHEN the firewall routing is read
    const routing = firewallRouting(model);
    const [vpc] = routing.vpcs;
    const endpointRoutes = [...routing.routesByTable.values()].flat().filter((r) => r.endpoint !== undefined);
    // THEN the routing rules judged real routes: protected subnets in each AZ, an edge route table, endpoints by AZ
    expect(vpc.protectedSubnets.length).toBeGreaterThanOrEqual(4);
    expect(routing.edgeTablesOf(vpc.internetGateways[0].key)).toHaveLength(1);
    expect(endpointRoutes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(endpointRoutes.map((r) => r.endpoint!.kind))).toEqual(new Set(['by-az']));
  });

  test('the same template without its edge route table association: FirewallAsymmetricReturn on the internet gateway', () => {
    const stack = newStack();
    build(stack);
    const template = Template.fromStack(stack).toJSON();
    for (const [id, r] of Object.entries<any>(template.Resources)) {
      if (r.Type === 'AWS::EC2::GatewayRouteTableAssociation') {
        delete template.Resources[id];
      }
    }
    const findings = ofRule(judge({ Stack: template }), 'LayeredDefense-FirewallAsymmetricReturn');
    expect(findings.map((f) => f.resource.type)).toEqual(['AWS::EC2::InternetGateway']);
  });

  test('and through the CDK aspect: no network-layer finding either', () => {
    const stack = newStack();
    build(stack);
    expect(check(stack).filter((m) => NETWORK_RULE_IDS.includes(m.ruleId) || NETWORK_RULE_IDS.some((id) => m.text.includes(`${id} cannot verify`)))).toEqual([]);
  });
});
