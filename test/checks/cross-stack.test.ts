// The two-stack case people write: a Network stack owns the VPC, its NACL and the load balancer's group; an App
// stack adds a NACL entry to it, a rule referencing its group, and a web ACL association. Every front door reports
// the same findings, on the same resources, as for one stack holding everything.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { annotations, Message } from './support';
import { LayeredDefenseChecks, LayeredDefenseNagPack } from '../../src/checks';
import { readFindings } from '../support/validation';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** Builds the resources into `network` and `app` (the same stack for the one-stack variant). */
function build(network: Stack, app: Stack): void {
  const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
  const nacl = new ec2.NetworkAcl(network, 'Nacl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC } });
  nacl.addEntry('AllowAll', { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), ruleAction: ec2.Action.ALLOW });
  nacl.addEntry('AllowAllOut', { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS, ruleAction: ec2.Action.ALLOW });
  const lbGroup = new ec2.SecurityGroup(network, 'LbSg', { vpc, description: 'load balancer' });
  const alb = new elbv2.ApplicationLoadBalancer(network, 'Alb', { vpc, internetFacing: true, securityGroup: lbGroup });
  alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443' }) });

  // In the app stack: a DENY numbered after the ALLOW-all (shadowed), SSH from everyone on the network stack's
  // group (open), and the load balancer's web ACL (so no PublicEndpointWithoutWaf).
  new ec2.NetworkAclEntry(app, 'BlockBadActor', {
    networkAcl: nacl, ruleNumber: 200, cidr: ec2.AclCidr.ipv4('198.51.100.0/24'), traffic: ec2.AclTraffic.allTraffic(), ruleAction: ec2.Action.DENY,
  });
  new ec2.CfnSecurityGroupIngress(app, 'SshFromAnywhere', { groupId: lbGroup.securityGroupId, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' });
  const acl = new wafv2.CfnWebACL(app, 'Acl', {
    scope: 'REGIONAL', defaultAction: { allow: {} }, rules: [], visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'acl', sampledRequestsEnabled: true },
  });
  new wafv2.CfnWebACLAssociation(app, 'AclOnAlb', { resourceArn: alb.loadBalancerArn, webAclArn: acl.attrArn });
  new wafv2.CfnLoggingConfiguration(app, 'AclLogs', {
    resourceArn: acl.attrArn,
    logDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-app'],
    redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
  });
}

function twoStacks(): { app: App; network: Stack; workload: Stack } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cross-stack-')) });
  const network = new Stack(app, 'Network', { env: ENV });
  const workload = new Stack(app, 'App', { env: ENV });
  build(network, workload);
  return { app, network, workload };
}

/** `[ruleId, level, construct path]`, sorted, with the stack name taken off the path (to compare layouts). */
function verdicts(messages: readonly Message[]): string[] {
  return messages.filter((m) => m.level !== 'info').map((m) => `${m.ruleId} ${m.level} ${m.path.replace(/^\/(Network|App|Single)\//, '/')}`).sort();
}

describe('an app split into a network stack and an app stack', () => {
  test('GIVEN the aspect WHEN synthesized THEN the entry, the rule and the association are judged with what they refer to in the other stack', () => {
    // GIVEN
    const { app } = twoStacks();
    // WHEN
    LayeredDefenseChecksOn(app);
    app.synth();
    // THEN the cross-stack findings sit on the resources of the App stack that cause them
    const messages = annotations(app);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-NaclDenyShadowed').map((m) => m.path)).toEqual(['/App/BlockBadActor/Resource']);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-SgOpenIngress').map((m) => [m.path, m.level])).toEqual([['/App/SshFromAnywhere', 'error']]);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-PublicEndpointWithoutWaf')).toEqual([]);
    expect(messages.filter((m) => m.ruleId === 'LayeredDefense-CannotVerify')).toEqual([]);
  });

  test('GIVEN the same resources in one stack THEN the aspect reaches the same verdicts on the same resources', () => {
    const split = twoStacks();
    LayeredDefenseChecksOn(split.app);
    split.app.synth();

    const single = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'single-stack-')) });
    const stack = new Stack(single, 'Single', { env: ENV });
    build(stack, stack);
    LayeredDefenseChecksOn(single);
    single.synth();

    expect(verdicts(annotations(split.app))).toEqual(verdicts(annotations(single)));
    expect(verdicts(annotations(single)).length).toBeGreaterThan(0);
  });

  test('GIVEN the nag pack WHEN synthesized THEN its report names the same resources, each finding with its own message', () => {
    // GIVEN
    const { app } = twoStacks();
    Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
    // WHEN
    expect(() => app.synth()).toThrow(/LayeredDefense-NaclDenyShadowed/);
    // THEN
    const ours = readFindings(app.outdir).filter((f) => f.plugin === 'LayeredDefense');
    expect(ours.filter((f) => f.rule === 'LayeredDefense-NaclDenyShadowed').map((f) => f.paths)).toEqual([['App/BlockBadActor/Resource']]);
    expect(ours.filter((f) => f.rule === 'LayeredDefense-SgOpenIngress').map((f) => f.paths)).toEqual([['App/SshFromAnywhere']]);
    expect(ours.filter((f) => f.rule === 'LayeredDefense-PublicEndpointWithoutWaf')).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
    const texts = JSON.stringify(report);
    expect(texts).toMatch(/inbound IPv4 rule 200 \(DENY 198\.51\.100\.0\/24 all traffic\) is fully shadowed by ALLOW rule 100/);
  });
});

function LayeredDefenseChecksOn(app: App): void {
  const aspect = new LayeredDefenseChecks();
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    aspect.visit(stack);
  }
}
