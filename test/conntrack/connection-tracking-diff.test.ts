// The jsii facade of the connection-tracking diff: the engine's result as structs, from templates in memory (here
// synthesized by CDK with and without the ConnectionTrackingTimeouts aspect) and from files on disk.
import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ConnectionTrackingDiff, ConnectionTrackingTimeouts } from '../../src';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'templates', 'diff');
const ASSEMBLIES = path.join(__dirname, '..', 'fixtures', 'assemblies');
const ADMIN = '198.51.100.7/32';

function fixture(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** A bastion in an Auto Scaling group; SSH from the admin address while `ssh` is true. */
function bastionApp(ssh: boolean, tcpEstablished?: Duration): any {
  const stack = new Stack(new App(), 'Bastion');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  const group = new ec2.SecurityGroup(stack, 'BastionSg', { vpc, allowAllOutbound: true });
  if (ssh) {
    group.addIngressRule(ec2.Peer.ipv4(ADMIN), ec2.Port.tcp(22), 'SSH from the admin address');
  }
  const launchTemplate = new ec2.LaunchTemplate(stack, 'BastionTemplate', {
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceType: new ec2.InstanceType('t3.micro'),
    securityGroup: group,
  });
  new autoscaling.AutoScalingGroup(stack, 'BastionAsg', { vpc, launchTemplate, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
  if (tcpEstablished) {
    Aspects.of(stack).add(new ConnectionTrackingTimeouts({ tcpEstablished }));
  }
  return Template.fromStack(stack).toJSON();
}

describe('ConnectionTrackingDiff.fromTemplates', () => {
  test('the guidance example: SSH revoked on a bastion lingers 432,000 s; the cut-off names the NACL deny', () => {
    // GIVEN the bastion as synthesized, WHEN the SSH rule is removed
    const diff = ConnectionTrackingDiff.fromTemplates([bastionApp(true)], [bastionApp(false)]);

    // THEN
    expect(diff.lingering).toBe(true);
    expect(diff.changes).toHaveLength(1);
    const [change] = diff.changes;
    expect(change).toMatchObject({
      stackName: 'Stack1',
      direction: 'ingress',
      removed: [`tcp 22 from ${ADMIN}`],
      lingerSeconds: 432_000,
      tracked: true,
      lingering: true,
      cutOff: { naclDenyCidrs: [ADMIN], keepLongerThanSeconds: 432_000, code: `blocklist.addBlockedCidrs(['${ADMIN}'])` },
      unknown: [],
    });
    expect(change.logicalId).toMatch(/^BastionSg/);
    expect(change.cutOff!.subnets).toHaveLength(1);
    expect(change.timeoutSource).toMatch(/EC2's default TcpEstablishedTimeout/);
  });

  test('with ConnectionTrackingTimeouts at 30 minutes, the same revocation lingers 1,800 s', () => {
    const diff = ConnectionTrackingDiff.fromTemplates(
      [bastionApp(true, Duration.minutes(30))],
      [bastionApp(false, Duration.minutes(30))],
    );
    expect(diff.changes).toMatchObject([{ lingerSeconds: 1800, tracked: true, cutOff: { keepLongerThanSeconds: 1800 } }]);
    expect(diff.changes[0].timeoutSource).toMatch(/^TcpEstablishedTimeout on AWS::EC2::LaunchTemplate BastionTemplate/);
    expect(diff.toText()).toMatch(/linger up to 1800 s \(30 minutes\)/);
  });

  test('HTTPS from 0.0.0.0/0 with all egress: cut at once, nothing lingers, no cut-off', () => {
    const diff = ConnectionTrackingDiff.fromTemplates([fixture('web-https')], [fixture('web-https-revoked')]);
    expect(diff.lingering).toBe(false);
    expect(diff.changes).toMatchObject([{ logicalId: 'WebSg', removed: ['tcp 443 from 0.0.0.0/0'], lingerSeconds: 0, tracked: false, lingering: false }]);
    expect(diff.changes[0].cutOff).toBeUndefined();
  });

  test('a NACL entry removed: immediate', () => {
    const diff = ConnectionTrackingDiff.fromTemplates([fixture('nacl-ssh')], [fixture('nacl-ssh-removed')]);
    expect(diff.changes).toMatchObject([{ logicalId: 'AllowSshFromAdmin', resourceType: 'AWS::EC2::NetworkAclEntry', lingerSeconds: 0, lingering: false }]);
  });

  test('ICMP has no documented timeout: lingerSeconds is absent (not a guess), and it counts as lingering', () => {
    const before = fixture('web-https');
    before.Resources.WebSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIp: ADMIN }];
    const diff = ConnectionTrackingDiff.fromTemplates([before], [fixture('web-https-revoked')]);
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0].lingerSeconds).toBeUndefined();
    expect(diff.changes[0].tracked).toBe(true);
    expect(diff.lingering).toBe(true);
  });

  test('blocklistVariable names the construct in the cut-off code; toJson is the CLI\'s JSON', () => {
    const diff = ConnectionTrackingDiff.fromTemplates([fixture('bastion-ssh')], [fixture('bastion-ssh-revoked')], { blocklistVariable: 'edgeDeny' });
    expect(diff.changes[0].cutOff?.code).toBe(`edgeDeny.addBlockedCidrs(['${ADMIN}'])`);
    const json = JSON.parse(diff.toJson());
    expect(json.changes).toMatchObject([{ logicalId: 'BastionSg', lingerSeconds: 432_000, removed: [{ peer: ADMIN, ports: '22' }] }]);
  });

  test('parameters are resolved from their defaults before comparing', () => {
    const withParameter = (cidr: string) => {
      const t = fixture('bastion-ssh');
      t.Parameters = { AdminCidr: { Type: 'String', Default: cidr } };
      t.Resources.BastionSg.Properties.SecurityGroupIngress[0].CidrIp = { Ref: 'AdminCidr' };
      return t;
    };
    const diff = ConnectionTrackingDiff.fromTemplates([withParameter('198.51.100.0/24')], [withParameter('198.51.100.0/25')]);
    expect(diff.changes).toMatchObject([{ removed: ['tcp 22 from 198.51.100.128/25'], lingerSeconds: 432_000 }]);
  });

  test('no change, nothing to say', () => {
    const diff = ConnectionTrackingDiff.fromTemplates([fixture('bastion-ssh')], [fixture('bastion-ssh')]);
    expect(diff.changes).toEqual([]);
    expect(diff.lingering).toBe(false);
    expect(diff.toText()).toBe('No security group or network ACL change removes access.\n');
  });

  test.each([
    [[{ NotATemplate: true }], /after\[0\] is not a CloudFormation template \(no Resources object\)/],
    [[fixture('bastion-ssh'), 'Resources'], /after\[1\] is not a CloudFormation template/],
    [[null], /after\[0\] is not a CloudFormation template/],
  ])('a value that is not a template is an error naming it: %j', (after, message) => {
    expect(() => ConnectionTrackingDiff.fromTemplates([fixture('bastion-ssh')], after as any[])).toThrow(message);
  });
});

describe('ConnectionTrackingDiff.fromPaths', () => {
  test('a deployed template file against a cloud assembly directory', () => {
    const diff = ConnectionTrackingDiff.fromPaths(path.join(FIXTURES, 'bastion-ssh.json'), path.join(ASSEMBLIES, 'bastion-revoked'));
    expect(diff.changes).toMatchObject([{ logicalId: 'BastionSg', removed: [`tcp 22 from ${ADMIN}`], lingerSeconds: 432_000 }]);
    expect(diff.toText()).toContain(`cut off now: blocklist.addBlockedCidrs(['${ADMIN}'])`);
  });

  test('a path that does not exist is an error naming it', () => {
    expect(() => ConnectionTrackingDiff.fromPaths(path.join(FIXTURES, 'missing.json'), path.join(FIXTURES, 'bastion-ssh.json')))
      .toThrow(/missing\.json: no such file or directory/);
  });
});
