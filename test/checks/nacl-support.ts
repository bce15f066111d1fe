import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { newStack } from './support';

// GIVEN helpers: a one-subnet VPC (flow logs on, default security group closed, so only NACL rules speak) and a
// custom NACL on it (CDK's NetworkAcl denies everything until entries are added).
export function vpcStack(props: Partial<ec2.VpcProps> = {}): { stack: Stack; vpc: ec2.Vpc } {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    restrictDefaultSecurityGroup: true,
    flowLogs: { All: {} },
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
    ...props,
  });
  return { stack, vpc };
}

export function naclStack(): { stack: Stack; vpc: ec2.Vpc; nacl: ec2.NetworkAcl } {
  const { stack, vpc } = vpcStack();
  const nacl = new ec2.NetworkAcl(stack, 'Nacl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC } });
  return { stack, vpc, nacl };
}

export function entry(
  nacl: ec2.NetworkAcl,
  id: string,
  ruleNumber: number,
  cidr: ec2.AclCidr,
  traffic: ec2.AclTraffic,
  options: { egress?: boolean; deny?: boolean } = {},
) {
  nacl.addEntry(id, {
    ruleNumber,
    cidr,
    traffic,
    direction: options.egress ? ec2.TrafficDirection.EGRESS : ec2.TrafficDirection.INGRESS,
    ruleAction: options.deny ? ec2.Action.DENY : ec2.Action.ALLOW,
  });
}

/** Allow return traffic both ways so rules other than the one under test stay quiet. */
export function allowEphemeral(nacl: ec2.NetworkAcl) {
  entry(nacl, 'EphIn', 900, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 65535));
  entry(nacl, 'EphOut', 900, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
}
