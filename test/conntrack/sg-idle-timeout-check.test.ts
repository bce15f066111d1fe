// LayeredDefense-SgIdleTimeoutLong on a CDK app: the README's bastion warns until ConnectionTrackingTimeouts bounds
// its launch template's established-TCP idle timeout.
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ConnectionTrackingTimeouts, LayeredDefenseChecks, LayeredDefenseChecksProps } from '../../src';

const RULE = 'LayeredDefense-SgIdleTimeoutLong';

/** A public bastion (an auto scaling group from a launch template with a public address) admitting SSH from one address. */
function bastionApp(timeouts?: ConnectionTrackingTimeouts, checks: LayeredDefenseChecksProps = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  const bastionSg = new ec2.SecurityGroup(stack, 'BastionSg', { vpc });
  bastionSg.addIngressRule(ec2.Peer.ipv4('198.51.100.7/32'), ec2.Port.tcp(22), 'SSH from the admin address');
  const template = new ec2.LaunchTemplate(stack, 'BastionTemplate', {
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    instanceType: new ec2.InstanceType('t3.micro'),
    securityGroup: bastionSg,
    associatePublicIpAddress: true,
  });
  new autoscaling.AutoScalingGroup(stack, 'Bastion', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, launchTemplate: template, maxCapacity: 1 });
  if (timeouts) {
    Aspects.of(stack).add(timeouts);
  }
  Aspects.of(stack).add(new LayeredDefenseChecks(checks));
  return stack;
}

function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(RULE)).map((w) => String(w.entry.data));
}

describe('LayeredDefense-SgIdleTimeoutLong on a CDK bastion', () => {
  test('without bounded timeouts: one warning on the auto scaling group naming the source, the default timeout and the fix', () => {
    // GIVEN the bastion, no ConnectionTrackingTimeouts
    const stack = bastionApp();
    // WHEN
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(RULE));
    // THEN
    expect(warnings.map((w) => w.id)).toEqual(['/Stack/Bastion/ASG']);
    expect(String(warnings[0].entry.data)).toMatch(/tcp 22 from 198\.51\.100\.7\/32 \(outside its VPC\).*432000 s \(5 days\) \(EC2's default: launch template Stack\/BastionTemplate\/Resource sets no TcpEstablishedTimeout\)/);
    expect(String(warnings[0].entry.data)).toMatch(/ConnectionTrackingTimeouts aspect .*IpBlocklistNacl\.addBlockedCidrs\(\['198\.51\.100\.7\/32'\]\)/);
  });

  test('ConnectionTrackingTimeouts({ tcpEstablished: Duration.hours(1) }) makes the warning go away', () => {
    // GIVEN the same bastion with the aspect at one hour
    const stack = bastionApp(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.hours(1) }));
    // WHEN / THEN the template carries the bound, and the check is satisfied
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        NetworkInterfaces: [Match.objectLike({ DeviceIndex: 0, ConnectionTrackingSpecification: { TcpEstablishedTimeout: 3600 } })],
      }),
    });
    expect(warningsOf(stack)).toEqual([]);
  });

  test('two hours is above the default limit; a limit of two hours accepts it', () => {
    const twoHours = () => new ConnectionTrackingTimeouts({ tcpEstablished: Duration.hours(2) });
    expect(warningsOf(bastionApp(twoHours()))).toEqual([expect.stringMatching(/7200 s \(2 hours\) \(TcpEstablishedTimeout of launch template Stack\/BastionTemplate\/Resource\)/)]);
    expect(warningsOf(bastionApp(twoHours(), { maxTcpEstablishedTimeoutSeconds: 7200 }))).toEqual([]);
  });

  test('an option out of range is an error naming it', () => {
    expect(() => new LayeredDefenseChecks({ maxTcpEstablishedTimeoutSeconds: 30 }))
      .toThrow(/LayeredDefenseChecks: maxTcpEstablishedTimeoutSeconds is 30; use a whole number of seconds from 60 to 432000/);
  });
});
