// The two-stack app people write (a Network stack, an App stack that adds to it) and the same resources in one stack.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';

export const ENV = { account: '111111111111', region: 'us-east-1' };

/** Builds the resources into `network` and `app` (the same stack for the one-stack variant). */
export function build(network: Stack, app: Stack): void {
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

export function twoStacks(): { app: App; network: Stack; workload: Stack } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cross-stack-')), context: { 'aws:cdk:enable-path-metadata': true } });
  const network = new Stack(app, 'Network', { env: ENV });
  const workload = new Stack(app, 'App', { env: ENV });
  build(network, workload);
  return { app, network, workload };
}

