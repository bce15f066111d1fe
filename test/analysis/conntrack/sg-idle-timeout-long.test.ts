// LayeredDefense-SgIdleTimeoutLong on hand-written, CDK-free templates: test/fixtures/templates/conntrack/.
// Every expected message is computed by hand from the fixture (VPC 10.0.0.0/16, EC2's default 432,000 s).
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';
import { readApp } from '../../../src/analysis/cfn';
import { CheckFinding } from '../../../src/analysis/engine';
import { LayeredDefenseChecksProps } from '../../../src/analysis/options';
import { judge, ofRule } from '../support';

const RULE = 'LayeredDefense-SgIdleTimeoutLong';
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'conntrack');
const BAD = 'bad/public-bastion.yaml';
const GOOD = 'good/behind-alb.yaml';

/** A fixture read as the CLI reads it. */
function fixture(file: string): any {
  const [stack] = readApp([path.join(FIXTURES, file)]).stacks;
  return JSON.parse(JSON.stringify(stack.template));
}

/** The rule's findings and its "cannot verify" findings on a fixture with one change made to its resources. */
function run(file: string, change: (resources: any) => void = () => undefined, props: LayeredDefenseChecksProps = {}) {
  const template = fixture(file);
  change(template.Resources);
  const all: CheckFinding[] = judge({ Stack: template }, props);
  return {
    found: ofRule(all, RULE),
    cannotVerify: ofRule(all, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${RULE} cannot verify`)),
  };
}

/** The bad fixture's bastion, launched from a launch template by an auto scaling group instead of as an instance. */
function asLaunchTemplate(connectionTracking?: unknown) {
  return (r: any) => {
    delete r.Bastion;
    r.BastionTemplate = {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          ImageId: 'ami-0123456789abcdef0',
          NetworkInterfaces: [{
            DeviceIndex: 0,
            AssociatePublicIpAddress: true,
            Groups: [{ 'Fn::GetAtt': ['BastionSg', 'GroupId'] }],
            ...(connectionTracking !== undefined ? { ConnectionTrackingSpecification: connectionTracking } : {}),
          }],
        },
      },
    };
    r.BastionAsg = {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: {
        MinSize: '1',
        MaxSize: '1',
        LaunchTemplate: { LaunchTemplateId: { Ref: 'BastionTemplate' }, Version: { 'Fn::GetAtt': ['BastionTemplate', 'LatestVersionNumber'] } },
        VPCZoneIdentifier: [{ Ref: 'PublicSubnet' }],
      },
    };
  };
}

function addIngress(r: any, rule: Record<string, unknown>) {
  r.BastionSg.Properties.SecurityGroupIngress.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, ...rule });
}

describe('LayeredDefense-SgIdleTimeoutLong: firing', () => {
  test('the bad fixture: a public bastion admitting SSH from one admin address keeps EC2\'s default 432,000 s', () => {
    // GIVEN bad/public-bastion.yaml (public subnet, SSH from 198.51.100.7/32, an AWS::EC2::Instance)
    // WHEN
    const { found, cannotVerify } = run(BAD);
    // THEN
    expect(found.map((f) => [f.level, f.resource.logicalId])).toEqual([['warning', 'Bastion']]);
    expect(found[0].message).toBe('instance Stack/Bastion has a public IPv4 address and its security groups admit tcp 22 from 198.51.100.7/32 '
      + '(outside its VPC) on its own network interfaces, whose established-TCP idle timeout is 432000 s (5 days) (EC2\'s default: an '
      + 'AWS::EC2::Instance cannot set ConnectionTrackingSpecification), above the 3600 s (1 hour) the checks accept: revoking that access '
      + 'leaves established sessions up until they have been idle for 432000 s (5 days)');
    expect(found[0].fix).toMatch(/^Bound the timeout on a launch template the instance launches from .* ConnectionTrackingTimeouts aspect \(tcpEstablished at most 3600 s \(1 hour\)\)/);
    expect(found[0].fix).toMatch(/IpBlocklistNacl\.addBlockedCidrs\(\['198\.51\.100\.7\/32'\]\)\) on subnet Stack\/PublicSubnet, kept longer than the timeout/);
    expect(found[0].text).toMatch(/\(HIPAA 164\.312\(a\)\(1\)\)\. Fix: /);
    expect(cannotVerify).toEqual([]);
  });

  test('a launch template whose primary interface sets 7200 s, above the limit: the timeout and where it comes from', () => {
    // GIVEN the bastion launched by an auto scaling group from a launch template with TcpEstablishedTimeout 7200
    // WHEN
    const { found } = run(BAD, asLaunchTemplate({ TcpEstablishedTimeout: 7200 }));
    // THEN
    expect(found.map((f) => f.resource.logicalId)).toEqual(['BastionAsg']);
    expect(found[0].message).toMatch(/^auto scaling group Stack\/BastionAsg has a public IPv4 address .* tcp 22 from 198\.51\.100\.7\/32 .*idle timeout is 7200 s \(2 hours\) \(TcpEstablishedTimeout of launch template Stack\/BastionTemplate\)/);
    expect(found[0].fix).toMatch(/on its launch template's network interfaces/);
  });

  test('a launch template without ConnectionTrackingSpecification: EC2\'s default, named as such', () => {
    const { found } = run(BAD, asLaunchTemplate());
    expect(found[0].message).toMatch(/432000 s \(5 days\) \(EC2's default: launch template Stack\/BastionTemplate sets no TcpEstablishedTimeout\)/);
  });

  test('sources partly outside the VPC are named exactly: 10.0.0.0/8 minus the VPC\'s 10.0.0.0/16', () => {
    // GIVEN SSH also from 10.0.0.0/8, and tcp 2222 from the VPC only
    const { found } = run(BAD, (r) => {
      addIngress(r, { CidrIp: '10.0.0.0/8' });
      addIngress(r, { FromPort: 2222, ToPort: 2222, CidrIp: '10.0.0.0/16' });
    });
    // THEN 10.0.0.0/8 \ 10.0.0.0/16, by hand: /16, /15, /14, /13, /12, /11, /10, /9 above it; port 2222 is not named
    expect(found[0].message).toContain('admit tcp 22 from 10.1.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, 10.16.0.0/12, 10.32.0.0/11, '
      + '10.64.0.0/10, 10.128.0.0/9, 198.51.100.7/32 (outside its VPC)');
    expect(found[0].message).not.toContain('2222');
  });

  test('port ranges are split exactly where rules overlap', () => {
    // GIVEN tcp 20-30 from 203.0.113.0/24 besides tcp 22 from the admin address
    const { found } = run(BAD, (r) => addIngress(r, { FromPort: 20, ToPort: 30, CidrIp: '203.0.113.0/24' }));
    expect(found[0].message).toContain('admit tcp 20-21 from 203.0.113.0/24; tcp 22 from 198.51.100.7/32, 203.0.113.0/24; tcp 23-30 from 203.0.113.0/24 (outside its VPC)');
  });

  test('an auto scaling group from a launch configuration: its groups and public address, EC2\'s default timeout', () => {
    const { found } = run(BAD, (r) => {
      r.PublicSubnet.Properties.MapPublicIpOnLaunch = false;
      delete r.Bastion;
      r.BastionConfiguration = {
        Type: 'AWS::AutoScaling::LaunchConfiguration',
        Properties: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', AssociatePublicIpAddress: true, SecurityGroups: [{ 'Fn::GetAtt': ['BastionSg', 'GroupId'] }] },
      };
      r.BastionAsg = {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: '1', MaxSize: '1', LaunchConfigurationName: { Ref: 'BastionConfiguration' }, VPCZoneIdentifier: [{ Ref: 'PublicSubnet' }] },
      };
    });
    expect(found.map((f) => f.resource.logicalId)).toEqual(['BastionAsg']);
    expect(found[0].message).toMatch(/tcp 22 from 198\.51\.100\.7\/32 .*432000 s \(5 days\) \(EC2's default: a launch configuration cannot set ConnectionTrackingSpecification\)/);
    expect(found[0].fix).toMatch(/^Bound the timeout on a launch template instead of its launch configuration/);
  });

  test('an Elastic IP makes an instance in a private subnet public', () => {
    const { found } = run(BAD, (r) => {
      r.PublicSubnet.Properties.MapPublicIpOnLaunch = false;
      r.BastionEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc', InstanceId: { Ref: 'Bastion' } } };
    });
    expect(found[0].message).toMatch(/^instance Stack\/Bastion has Elastic IP Stack\/BastionEip and its security groups admit tcp 22/);
  });

  test('a network interface with an Elastic IP association: judged on its own ConnectionTrackingSpecification', () => {
    // GIVEN the bastion launched with an AWS::EC2::NetworkInterface as its primary interface, and an EIP on it
    const eni = (spec?: unknown) => (r: any) => {
      r.PublicSubnet.Properties.MapPublicIpOnLaunch = false;
      r.BastionEni = {
        Type: 'AWS::EC2::NetworkInterface',
        Properties: { SubnetId: { Ref: 'PublicSubnet' }, GroupSet: [{ 'Fn::GetAtt': ['BastionSg', 'GroupId'] }], ...(spec ? { ConnectionTrackingSpecification: spec } : {}) },
      };
      r.Bastion.Properties = { ImageId: 'ami-0123456789abcdef0', NetworkInterfaces: [{ DeviceIndex: '0', NetworkInterfaceId: { Ref: 'BastionEni' } }] };
      r.BastionEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
      r.BastionEipAssociation = { Type: 'AWS::EC2::EIPAssociation', Properties: { AllocationId: { 'Fn::GetAtt': ['BastionEip', 'AllocationId'] }, NetworkInterfaceId: { Ref: 'BastionEni' } } };
    };
    // WHEN / THEN without a specification: one finding, on the interface (the instance is not judged twice)
    const without = run(BAD, eni());
    expect(without.found.map((f) => f.resource.logicalId)).toEqual(['BastionEni']);
    expect(without.found[0].message).toMatch(/^network interface Stack\/BastionEni has Elastic IP Stack\/BastionEipAssociation .* \(EC2's default: network interface Stack\/BastionEni sets no TcpEstablishedTimeout\)/);
    // WHEN / THEN with 600 s: nothing
    expect(run(BAD, eni({ TcpEstablishedTimeout: 600 })).found).toEqual([]);
  });

  test('SSH from 0.0.0.0/0 with egress restricted to HTTPS: tracked, so every address outside the VPC lingers', () => {
    const { found } = run(BAD, (r) => addIngress(r, { CidrIp: '0.0.0.0/0' }));
    // 0.0.0.0/0 \ 10.0.0.0/16, by hand
    expect(found[0].message).toContain('admit tcp 22 from 0.0.0.0/5, 8.0.0.0/7, 10.1.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, '
      + '10.16.0.0/12, 10.32.0.0/11, 10.64.0.0/10, 10.128.0.0/9, 11.0.0.0/8, 12.0.0.0/6, 16.0.0.0/4, 32.0.0.0/3, 64.0.0.0/2, 128.0.0.0/1 (outside its VPC)');
  });

  test('SSH from 0.0.0.0/0 behind a Network Firewall endpoint: tracked automatically even with all egress', () => {
    const { found } = run(BAD, (r) => {
      addIngress(r, { CidrIp: '0.0.0.0/0' });
      r.BastionSg.Properties.SecurityGroupEgress = [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }];
      r.DefaultRoute.Properties = { RouteTableId: { Ref: 'PublicRoutes' }, DestinationCidrBlock: '0.0.0.0/0', VpcEndpointId: 'vpce-0123456789abcdef0' };
    });
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('admit tcp 22 from 0.0.0.0/5,');
  });
});

describe('LayeredDefense-SgIdleTimeoutLong: not firing', () => {
  test('the good fixture: an instance behind an internet-facing ALB, admitting only the ALB\'s group', () => {
    const { found, cannotVerify } = run(GOOD);
    expect(found).toEqual([]);
    expect(cannotVerify).toEqual([]);
  });

  test('the good fixture with the ALB admitting the world and the app on 8080 from the VPC: still nothing', () => {
    const { found } = run(GOOD, (r) => r.AppSg.Properties.SecurityGroupIngress.push({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, CidrIp: '10.0.0.0/16' }));
    expect(found).toEqual([]);
  });

  test('private only: the same bastion without a public address', () => {
    expect(run(BAD, (r) => { r.PublicSubnet.Properties.MapPublicIpOnLaunch = false; }).found).toEqual([]);
  });

  test('a launch template that sets 3600 s, the default limit', () => {
    expect(run(BAD, asLaunchTemplate({ TcpEstablishedTimeout: 3600 })).found).toEqual([]);
  });

  test('SSH from 0.0.0.0/0 with all egress to 0.0.0.0/0: untracked, a revoked rule cuts it at once', () => {
    // GIVEN the admin rule replaced by 0.0.0.0/0, and EC2's default egress (no SecurityGroupEgress)
    const { found } = run(BAD, (r) => {
      r.BastionSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }];
      delete r.BastionSg.Properties.SecurityGroupEgress;
    });
    expect(found).toEqual([]);
  });

  test('sources inside the VPC only (its CIDR, a peer group)', () => {
    const { found } = run(BAD, (r) => {
      r.BastionSg.Properties.SecurityGroupIngress = [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '10.0.128.0/17' },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, SourceSecurityGroupId: 'sg-0123456789abcdef0' },
      ];
    });
    expect(found).toEqual([]);
  });

  test('UDP from outside: established TCP is what the rule judges', () => {
    const { found } = run(BAD, (r) => {
      r.BastionSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'udp', FromPort: 51820, ToPort: 51820, CidrIp: '198.51.100.7/32' }];
    });
    expect(found).toEqual([]);
  });
});

describe('LayeredDefense-SgIdleTimeoutLong: the maxTcpEstablishedTimeoutSeconds option', () => {
  test('a limit of 7200 s accepts the template\'s 7200 s; the default limit does not', () => {
    expect(run(BAD, asLaunchTemplate({ TcpEstablishedTimeout: 7200 }), { maxTcpEstablishedTimeoutSeconds: 7200 }).found).toEqual([]);
    expect(run(BAD, asLaunchTemplate({ TcpEstablishedTimeout: 7200 })).found).toHaveLength(1);
  });

  test('a limit of 1800 s flags the template\'s 3600 s and says so', () => {
    const { found } = run(BAD, asLaunchTemplate({ TcpEstablishedTimeout: 3600 }), { maxTcpEstablishedTimeoutSeconds: 1800 });
    expect(found[0].message).toMatch(/idle timeout is 3600 s \(1 hour\) .*above the 1800 s \(30 minutes\) the checks accept/);
  });

  test('the default timeout is above any limit but the maximum, 432000 s', () => {
    expect(run(BAD, undefined, { maxTcpEstablishedTimeoutSeconds: 431_999 }).found).toHaveLength(1);
    expect(run(BAD, undefined, { maxTcpEstablishedTimeoutSeconds: 432_000 }).found).toEqual([]);
  });

  test('the CLI\'s analysis takes the option too', () => {
    const file = path.join(FIXTURES, BAD);
    const rule = (options: Parameters<typeof analyzePaths>[1]) => analyzePaths([file], options).findings
      .filter((f) => f.ruleId === RULE).map((f) => f.logicalId);
    expect(rule({})).toEqual(['Bastion']);
    expect(rule({ maxTcpEstablishedTimeoutSeconds: 432_000 })).toEqual([]);
    expect(() => rule({ maxTcpEstablishedTimeoutSeconds: 10 })).toThrow(/cdk-layered-defense check: maxTcpEstablishedTimeoutSeconds is 10/);
  });

  test.each([[59], [432_001], [90.5], [Number.NaN]])('%p is an error naming the value and the range', (value) => {
    expect(() => judge({ Stack: fixture(BAD) }, { maxTcpEstablishedTimeoutSeconds: value }))
      .toThrow(new RegExp(`test: maxTcpEstablishedTimeoutSeconds is ${value}; use a whole number of seconds from 60 to 432000`));
  });
});

describe('LayeredDefense-SgIdleTimeoutLong: values unknown at synth', () => {
  test('a timeout from a parameter: cannot verify, naming the value', () => {
    const { found, cannotVerify } = run(BAD, asLaunchTemplate({ TcpEstablishedTimeout: { Ref: 'IdleTimeout' } }));
    expect(found).toEqual([]);
    expect(cannotVerify.map((f) => f.resource.logicalId)).toEqual(['BastionAsg']);
    expect(cannotVerify[0].message).toContain('its established-TCP idle timeout (TcpEstablishedTimeout {"Ref":"IdleTimeout"} of launch template Stack/BastionTemplate)');
  });

  test('a token CIDR is named only where it could change the verdict', () => {
    const token = { 'Fn::ImportValue': 'AdminCidr' };
    // GIVEN the only source is the token: cannot verify, naming it
    const alone = run(BAD, (r) => { r.BastionSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: token }]; });
    expect(alone.found).toEqual([]);
    expect(alone.cannotVerify).toHaveLength(1);
    expect(alone.cannotVerify[0].message).toContain('CidrIp {"Fn::ImportValue":"AdminCidr"}');
    // GIVEN the token besides the known admin address: the finding stands, the token changes nothing
    const besides = run(BAD, (r) => addIngress(r, { CidrIp: token }));
    expect(besides.found).toHaveLength(1);
    expect(besides.cannotVerify).toEqual([]);
    // GIVEN the token on a bastion whose timeout is within the limit: nothing to say
    const bounded = run(BAD, (r) => {
      asLaunchTemplate({ TcpEstablishedTimeout: 3600 })(r);
      r.BastionSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: token }];
    });
    expect(bounded.cannotVerify).toEqual([]);
  });

  test('an imported security group: cannot verify, naming the group', () => {
    const { found, cannotVerify } = run(BAD, (r) => { r.Bastion.Properties.SecurityGroupIds = ['sg-0fedcba9876543210']; });
    expect(found).toEqual([]);
    expect(cannotVerify.map((f) => f.message)).toEqual([expect.stringContaining('the rules of security group sg-0fedcba9876543210 (not in the templates)')]);
  });

  test('an imported group on a private instance: nothing to say', () => {
    const { cannotVerify } = run(BAD, (r) => {
      r.PublicSubnet.Properties.MapPublicIpOnLaunch = false;
      r.Bastion.Properties.SecurityGroupIds = ['sg-0fedcba9876543210'];
    });
    expect(cannotVerify).toEqual([]);
  });
});
