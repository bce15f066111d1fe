import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ConnectionTrackingTimeouts } from '../../src';
import { diffTemplates } from '../../src/analysis/diff';

const THIRTY_MINUTES = { TcpEstablishedTimeout: 1800 };

function stackWithVpc() {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  return { app, stack, vpc };
}

function launchTemplateData(stack: Stack, logicalIdPrefix?: string): any {
  const templates = Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate');
  const entries = Object.entries(templates).filter(([id]) => logicalIdPrefix === undefined || id.startsWith(logicalIdPrefix));
  expect(entries).toHaveLength(1);
  return entries[0][1].Properties.LaunchTemplateData;
}

function groupRef(stack: Stack, group: ec2.SecurityGroup) {
  return { 'Fn::GetAtt': [stack.getLogicalId(group.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] };
}

describe('ConnectionTrackingTimeouts: bounds', () => {
  test.each([
    ['tcpEstablished', { tcpEstablished: Duration.seconds(59) }, /tcpEstablished 59 seconds is out of range: EC2 accepts 60-432000 seconds/],
    ['tcpEstablished', { tcpEstablished: Duration.days(6) }, /tcpEstablished 6 days \(518400 seconds\) is out of range: EC2 accepts 60-432000 seconds/],
    ['udpStream', { tcpEstablished: Duration.hours(1), udpStream: Duration.seconds(181) }, /udpStream 3 minutes 1 second \(181 seconds\) is out of range: EC2 accepts 60-180 seconds/],
    ['udpStream', { tcpEstablished: Duration.hours(1), udpStream: Duration.seconds(59) }, /udpStream 59 seconds is out of range: EC2 accepts 60-180 seconds/],
    ['udp', { tcpEstablished: Duration.hours(1), udp: Duration.seconds(29) }, /udp 29 seconds is out of range: EC2 accepts 30-60 seconds/],
    ['udp', { tcpEstablished: Duration.hours(1), udp: Duration.seconds(61) }, /udp 1 minute 1 second \(61 seconds\) is out of range: EC2 accepts 30-60 seconds/],
    ['tcpEstablished', { tcpEstablished: Duration.millis(60_500) }, /tcpEstablished .* is not a whole number of seconds/],
  ])('%s out of range is an error naming the value and the range (%#)', (_name, props, message) => {
    // WHEN / THEN
    expect(() => new ConnectionTrackingTimeouts(props)).toThrow(message);
  });

  test.each([
    [{ tcpEstablished: Duration.seconds(60), udpStream: Duration.seconds(60), udp: Duration.seconds(30) }, [60, 60, 30]],
    [{ tcpEstablished: Duration.days(5), udpStream: Duration.minutes(3), udp: Duration.minutes(1) }, [432_000, 180, 60]],
  ])('the ends of each range are accepted (%#)', (props, [tcp, udpStream, udp]) => {
    // WHEN
    const aspect = new ConnectionTrackingTimeouts(props);
    // THEN
    expect([aspect.tcpEstablishedSeconds, aspect.udpStreamSeconds, aspect.udpSeconds]).toEqual([tcp, udpStream, udp]);
  });

  test('a missing tcpEstablished is an error that says what to give', () => {
    expect(() => new ConnectionTrackingTimeouts({} as any)).toThrow(/tcpEstablished is required .*60-432000 seconds/);
  });
});

describe('ConnectionTrackingTimeouts: launch templates', () => {
  test('an ec2.LaunchTemplate with security groups gets a primary interface that carries them and the timeouts', () => {
    // GIVEN
    const { app, stack, vpc } = stackWithVpc();
    const web = new ec2.SecurityGroup(stack, 'Web', { vpc });
    const admin = new ec2.SecurityGroup(stack, 'Admin', { vpc });
    const template = new ec2.LaunchTemplate(stack, 'Template', { securityGroup: web, machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    // WHEN: a group added after the aspect is attached still moves, since the data is computed when written
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    template.connections.addSecurityGroup(admin);
    // THEN
    const data = launchTemplateData(stack);
    expect(data.SecurityGroupIds).toBeUndefined();
    expect(data.SecurityGroups).toBeUndefined();
    expect(data.NetworkInterfaces).toEqual([{
      DeviceIndex: 0,
      Groups: [groupRef(stack, web), groupRef(stack, admin)],
      ConnectionTrackingSpecification: THIRTY_MINUTES,
    }]);
    expect(data.ImageId).toBeDefined(); // everything else stays
  });

  test('a launch template with a public IP keeps AssociatePublicIpAddress and its groups on the existing interface', () => {
    // GIVEN
    const { app, stack, vpc } = stackWithVpc();
    const web = new ec2.SecurityGroup(stack, 'Web', { vpc });
    new ec2.LaunchTemplate(stack, 'Template', { securityGroup: web, associatePublicIpAddress: true });
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({
      tcpEstablished: Duration.hours(1), udpStream: Duration.minutes(2), udp: Duration.seconds(45),
    }));
    // THEN
    expect(launchTemplateData(stack).NetworkInterfaces).toEqual([{
      DeviceIndex: 0,
      AssociatePublicIpAddress: true,
      Groups: [groupRef(stack, web)],
      ConnectionTrackingSpecification: { TcpEstablishedTimeout: 3600, UdpStreamTimeout: 120, UdpTimeout: 45 },
    }]);
  });

  test('an L1 launch template keeps every existing interface and a shorter timeout, and bounds a longer one', () => {
    // GIVEN
    const { app, stack } = stackWithVpc();
    new ec2.CfnLaunchTemplate(stack, 'L1', {
      launchTemplateData: {
        instanceType: 't3.micro',
        networkInterfaces: [
          { deviceIndex: 0, groups: ['sg-0123456789abcdef0'], associatePublicIpAddress: false, connectionTrackingSpecification: { tcpEstablishedTimeout: 600 } },
          { deviceIndex: 1, subnetId: 'subnet-1', connectionTrackingSpecification: { tcpEstablishedTimeout: 432000, udpTimeout: 30 } },
        ],
      },
    });
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // THEN
    const data = launchTemplateData(stack);
    expect(data.InstanceType).toBe('t3.micro');
    expect(data.NetworkInterfaces).toEqual([
      { DeviceIndex: 0, Groups: ['sg-0123456789abcdef0'], AssociatePublicIpAddress: false, ConnectionTrackingSpecification: { TcpEstablishedTimeout: 600 } },
      { DeviceIndex: 1, SubnetId: 'subnet-1', ConnectionTrackingSpecification: { TcpEstablishedTimeout: 1800, UdpTimeout: 30 } },
    ]);
  });

  test('security groups set with a property override move too, and are not re-added next to the interface', () => {
    // GIVEN
    const { app, stack } = stackWithVpc();
    const l1 = new ec2.CfnLaunchTemplate(stack, 'L1', { launchTemplateData: { instanceType: 't3.micro' } });
    l1.addPropertyOverride('LaunchTemplateData.SecurityGroupIds', ['sg-0aaaaaaaaaaaaaaaa']);
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // THEN
    const data = launchTemplateData(stack);
    expect(data).toEqual({
      InstanceType: 't3.micro',
      NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-0aaaaaaaaaaaaaaaa'], ConnectionTrackingSpecification: THIRTY_MINUTES }],
    });
  });

  test('a timeout raised with a property override on an existing interface is bounded again', () => {
    // GIVEN
    const { app, stack } = stackWithVpc();
    const l1 = new ec2.CfnLaunchTemplate(stack, 'L1', {
      launchTemplateData: { networkInterfaces: [{ deviceIndex: 0, groups: ['sg-0aaaaaaaaaaaaaaaa'] }] },
    });
    l1.addPropertyOverride('LaunchTemplateData.NetworkInterfaces.0.ConnectionTrackingSpecification.TcpEstablishedTimeout', 432000);
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // THEN
    expect(launchTemplateData(stack).NetworkInterfaces).toEqual([
      { DeviceIndex: 0, Groups: ['sg-0aaaaaaaaaaaaaaaa'], ConnectionTrackingSpecification: THIRTY_MINUTES },
    ]);
  });

  test('a template that names its security groups (SecurityGroups) is an error that says to use ids', () => {
    // GIVEN
    const { app, stack } = stackWithVpc();
    new ec2.CfnLaunchTemplate(stack, 'L1', { launchTemplateData: { securityGroups: ['web'] } });
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // WHEN / THEN
    expect(() => app.synth()).toThrow(/Stack\/L1: cannot add the primary network interface .*SecurityGroups \["web"\].*use SecurityGroupIds/);
  });

  test("the launch template an auto scaling group creates is bounded, with the group's own security group moved", () => {
    // GIVEN an app where auto scaling groups create launch templates instead of launch configurations
    const app = new App({ context: { '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true } });
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const asg = new autoscaling.AutoScalingGroup(stack, 'Asg', {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // THEN
    const ownGroup = asg.connections.securityGroups[0] as ec2.SecurityGroup;
    const data = launchTemplateData(stack);
    expect(data.SecurityGroupIds).toBeUndefined();
    expect(data.NetworkInterfaces).toEqual([
      { DeviceIndex: 0, Groups: [groupRef(stack, ownGroup)], ConnectionTrackingSpecification: THIRTY_MINUTES },
    ]);
  });

  test('an auto scaling group with a launch configuration gets a warning that says to use a launch template', () => {
    // GIVEN
    const app = new App({ context: { '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': false } });
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    new autoscaling.AutoScalingGroup(stack, 'Asg', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 1);
    Annotations.fromStack(stack).hasWarning('/Stack/Asg/LaunchConfig',
      Match.stringLikeRegexp('LaunchConfiguration cannot set connection tracking timeouts.*launch template'));
  });

  test('templates outside the scope are left alone', () => {
    // GIVEN
    const app = new App();
    const bounded = new Stack(app, 'Bounded');
    const other = new Stack(app, 'Other');
    new ec2.CfnLaunchTemplate(bounded, 'L1', { launchTemplateData: { securityGroupIds: ['sg-0aaaaaaaaaaaaaaaa'] } });
    new ec2.CfnLaunchTemplate(other, 'L1', { launchTemplateData: { securityGroupIds: ['sg-0aaaaaaaaaaaaaaaa'] } });
    // WHEN
    Aspects.of(bounded).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // THEN
    expect(launchTemplateData(other)).toEqual({ SecurityGroupIds: ['sg-0aaaaaaaaaaaaaaaa'] });
    expect(launchTemplateData(bounded).NetworkInterfaces[0].ConnectionTrackingSpecification).toEqual(THIRTY_MINUTES);
  });
});

describe('ConnectionTrackingTimeouts: network interfaces and instances', () => {
  test('every AWS::EC2::NetworkInterface gets the timeouts; a shorter one it sets stays, an override is bounded', () => {
    // GIVEN
    const { app, stack, vpc } = stackWithVpc();
    const subnetId = vpc.publicSubnets[0].subnetId;
    new ec2.CfnNetworkInterface(stack, 'Plain', { subnetId });
    new ec2.CfnNetworkInterface(stack, 'Short', { subnetId, connectionTrackingSpecification: { tcpEstablishedTimeout: 120, udpTimeout: 60 } });
    const overridden = new ec2.CfnNetworkInterface(stack, 'Overridden', { subnetId });
    overridden.addPropertyOverride('ConnectionTrackingSpecification.TcpEstablishedTimeout', 432000);
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30), udp: Duration.seconds(40) }));
    // THEN
    const template = Template.fromStack(stack);
    const spec = (id: string) => template.toJSON().Resources[id].Properties.ConnectionTrackingSpecification;
    expect(spec('Plain')).toEqual({ TcpEstablishedTimeout: 1800, UdpTimeout: 40 });
    expect(spec('Short')).toEqual({ TcpEstablishedTimeout: 120, UdpTimeout: 40 });
    expect(spec('Overridden')).toEqual({ TcpEstablishedTimeout: 1800, UdpTimeout: 40 });
  });

  test('an ec2.Instance gets a warning that says to use a launch template', () => {
    // GIVEN
    const { app, stack, vpc } = stackWithVpc();
    new ec2.Instance(stack, 'Bastion', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    // WHEN
    Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Bastion/Resource',
      Match.stringLikeRegexp('AWS::EC2::Instance cannot set connection tracking timeouts.*432,000 s.*launch template.*cdk-layered-defense:ConnectionTrackingNotSettable'));
  });
});

describe('ConnectionTrackingTimeouts with the connection-tracking diff', () => {
  function bastionApp(withSsh: boolean, bounded: boolean) {
    const app = new App({ context: { '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true } });
    const stack = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const sg = new ec2.SecurityGroup(stack, 'BastionSg', { vpc });
    if (withSsh) {
      sg.addIngressRule(ec2.Peer.ipv4('198.51.100.7/32'), ec2.Port.tcp(22), 'admin');
    }
    new autoscaling.AutoScalingGroup(stack, 'Bastion', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: sg,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    if (bounded) {
      Aspects.of(app).add(new ConnectionTrackingTimeouts({ tcpEstablished: Duration.minutes(30) }));
    }
    const template = Template.fromStack(stack).toJSON();
    return [{ stackId: 'Network', stackName: 'Network', template }];
  }

  test.each([[false, 432_000], [true, 1_800]])('removing SSH from the admin address: bounded %s lingers %d s', (bounded, seconds) => {
    // GIVEN a bastion auto scaling group whose group admits SSH from the admin address
    const before = bastionApp(true, bounded);
    // WHEN the rule is removed
    const after = bastionApp(false, bounded);
    const { changes } = diffTemplates(before, after);
    // THEN
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ direction: 'ingress', tracked: true, lingerSeconds: seconds, removed: [{ peer: '198.51.100.7/32', ports: '22' }] });
    expect(changes[0].timeoutSource).toMatch(bounded ? /^TcpEstablishedTimeout on AWS::EC2::LaunchTemplate / : /^EC2's default TcpEstablishedTimeout/);
    expect(changes[0].cutOff?.subnets).toEqual([expect.stringMatching(/^VpcPublicSubnet1Subnet/)]);
  });
});
