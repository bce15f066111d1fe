import { Aws, Fn, RemovalPolicy, Stack, App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as nfw from 'aws-cdk-lib/aws-networkfirewall';
import { BenchCase } from './harness';
import { DomainAllowlistFirewall } from '../src/firewall';

const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const DOMAINS = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? `.partner${i}.example.com` : `api${i}.example.net`));
const MANAGED = ['ThreatSignaturesBotnetStrictOrder', 'ThreatSignaturesBotnetWebStrictOrder', 'ThreatSignaturesMalwareStrictOrder',
  'ThreatSignaturesEmergingEventsStrictOrder'];

/** A three-AZ VPC with a public, a private and a firewall tier, in a stack with a known Region and AZs. */
function vpcStack(): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const app = new App({ context: { 'availability-zones:account=111111111111:region=us-east-1': AZS } });
  const stack = new Stack(app, 'Bench', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 3,
    natGatewaySubnets: { subnetGroupName: 'Public' },
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      { name: 'Firewall', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 28 },
    ],
  });
  return { app, stack, vpc };
}

/** The same resources written by hand as L1s, as a careful author would without the construct. */
function byHand(stack: Stack, vpc: ec2.Vpc): void {
  const publicSubnets = vpc.selectSubnets({ subnetGroupName: 'Public' }).subnets as ec2.Subnet[];
  const firewallSubnets = vpc.selectSubnets({ subnetGroupName: 'Firewall' }).subnets as ec2.Subnet[];
  const homeNet = [vpc.vpcCidrBlock];
  const allowlist = new nfw.CfnRuleGroup(stack, 'Allowlist', {
    ruleGroupName: 'allowlist',
    type: 'STATEFUL',
    capacity: 800,
    ruleGroup: {
      ruleVariables: { ipSets: { HOME_NET: { definition: homeNet } } },
      rulesSource: { rulesSourceList: { generatedRulesType: 'ALLOWLIST', targetTypes: ['TLS_SNI', 'HTTP_HOST'], targets: DOMAINS } },
      statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
    },
  });
  const baseline = new nfw.CfnRuleGroup(stack, 'Baseline', {
    ruleGroupName: 'baseline',
    type: 'STATEFUL',
    capacity: 10,
    ruleGroup: {
      ruleVariables: { ipSets: { HOME_NET: { definition: homeNet }, PUBLIC_NET: { definition: publicSubnets.map((s) => s.ipv4CidrBlock) } } },
      rulesSource: {
        rulesString: 'pass tcp $EXTERNAL_NET any -> $PUBLIC_NET [80,443] (flow:to_server; sid:1; rev:1;)\n'
          + 'drop ip $EXTERNAL_NET any -> $HOME_NET any (flow:to_server; sid:2; rev:1;)\n'
          + 'drop udp $HOME_NET any -> $EXTERNAL_NET any (flow:to_server; sid:3; rev:1;)\n'
          + 'drop icmp $HOME_NET any -> $EXTERNAL_NET any (flow:to_server; sid:4; rev:1;)',
      },
      statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
    },
  });
  const policy = new nfw.CfnFirewallPolicy(stack, 'Policy', {
    firewallPolicyName: 'policy',
    firewallPolicy: {
      statelessDefaultActions: ['aws:forward_to_sfe'],
      statelessFragmentDefaultActions: ['aws:forward_to_sfe'],
      statefulDefaultActions: ['aws:drop_established', 'aws:alert_established'],
      statefulEngineOptions: { ruleOrder: 'STRICT_ORDER', streamExceptionPolicy: 'REJECT', flowTimeouts: { tcpIdleTimeoutSeconds: 350 } },
      statefulRuleGroupReferences: [
        { resourceArn: allowlist.attrRuleGroupArn, priority: 100 },
        ...MANAGED.map((name, i) => ({ resourceArn: `arn:${Aws.PARTITION}:network-firewall:${Aws.REGION}:aws-managed:stateful-rulegroup/${name}`, priority: 200 + 10 * i })),
        { resourceArn: baseline.attrRuleGroupArn, priority: 1000 },
      ],
      policyVariables: { ruleVariables: { HOME_NET: { definition: homeNet } } },
    },
  });
  const firewall = new nfw.CfnFirewall(stack, 'Firewall', {
    firewallName: 'firewall',
    firewallPolicyArn: policy.attrFirewallPolicyArn,
    vpcId: vpc.vpcId,
    subnetMappings: firewallSubnets.map((s) => ({ subnetId: s.subnetId })),
  });
  const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const alert = new logs.LogGroup(stack, 'AlertLogs', { retention: logs.RetentionDays.SIX_YEARS, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
  const flow = new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.SIX_YEARS, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
  new nfw.CfnLoggingConfiguration(stack, 'Logging', {
    firewallArn: firewall.attrFirewallArn,
    loggingConfiguration: {
      logDestinationConfigs: [
        { logType: 'ALERT', logDestinationType: 'CloudWatchLogs', logDestination: { logGroup: alert.logGroupName } },
        { logType: 'FLOW', logDestinationType: 'CloudWatchLogs', logDestination: { logGroup: flow.logGroupName } },
      ],
    },
  });
  const endpoint = (az: string) => Fn.select(0, Fn.split(',', Fn.select(1, Fn.split(`,${az}:`, Fn.join('', [',', Fn.join(',', firewall.attrEndpointIds)])))));
  const edge = new ec2.CfnRouteTable(stack, 'Edge', { vpcId: vpc.vpcId });
  new ec2.CfnGatewayRouteTableAssociation(stack, 'EdgeAssociation', { gatewayId: vpc.internetGatewayId!, routeTableId: edge.ref });
  firewallSubnets.forEach((s, i) => {
    new ec2.CfnRoute(stack, `FirewallRoute${i}`, { routeTableId: s.routeTable.routeTableId, destinationCidrBlock: '0.0.0.0/0', gatewayId: vpc.internetGatewayId });
  });
  publicSubnets.forEach((s, i) => {
    const route = s.node.findChild('DefaultRoute') as ec2.CfnRoute;
    route.gatewayId = undefined;
    route.vpcEndpointId = endpoint(s.availabilityZone);
    new ec2.CfnRoute(stack, `EdgeRoute${i}`, { routeTableId: edge.ref, destinationCidrBlock: s.ipv4CidrBlock, vpcEndpointId: endpoint(s.availabilityZone) });
  });
}

function resourceCounts(app: App): string {
  const counts = new Map<string, number>();
  for (const stack of app.synth().stacks) {
    for (const r of Object.values(stack.template.Resources as Record<string, { Type: string }>)) {
      counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
    }
  }
  return JSON.stringify([...counts].sort());
}

export function cases(): BenchCase[] {
  return [{
    name: `synth: DomainAllowlistFirewall, 3 AZs, ${DOMAINS.length} domains (validation, policy, logging, routes per AZ)`,
    peerName: 'aws-cdk-lib 2.276 L1s (CfnRuleGroup, CfnFirewallPolicy, CfnFirewall, logging, routes) by hand, same VPC',
    ours: () => {
      const { app, stack, vpc } = vpcStack();
      new DomainAllowlistFirewall(stack, 'Egress', { vpc, firewallSubnets: { subnetGroupName: 'Firewall' }, allowedDomains: DOMAINS });
      return resourceCounts(app);
    },
    peer: () => {
      const { app, stack, vpc } = vpcStack();
      byHand(stack, vpc);
      return resourceCounts(app);
    },
    check: (ours, peer) => {
      if (ours !== peer) {
        throw new Error(`resource counts differ: ours ${String(ours)}, by hand ${String(peer)}`);
      }
    },
    goal: { maxRatio: 1.5 },
  }];
}
