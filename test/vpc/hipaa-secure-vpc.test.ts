import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HipaaSecureVpc } from '../../src/vpc';
import { check, ofRule } from '../checks/support';
import { appWithPeerChecks, synthFindings, unacknowledgedErrors } from '../support/validation';

function newStack(app: App = new App()): Stack {
  return new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
}

const AZ_CONTEXT = { 'availability-zones:account=111111111111:region=us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] };

describe('HipaaSecureVpc', () => {
  describe('defaults', () => {
    const stack = newStack(new App({ context: AZ_CONTEXT }));
    const vpc = new HipaaSecureVpc(stack, 'Network');
    const template = Template.fromStack(stack);

    test('three tiers across two AZs, and no subnet gives instances a public IP', () => {
      expect(vpc.publicSubnets).toHaveLength(2);
      expect(vpc.privateSubnets).toHaveLength(2);
      expect(vpc.isolatedSubnets).toHaveLength(2);
      template.resourceCountIs('AWS::EC2::Subnet', 6);
      template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
      expect(vpc.selectSubnets({ subnetGroupName: 'Application' }).subnets).toEqual(vpc.privateSubnets);
      expect(vpc.selectSubnets({ subnetGroupName: 'Data' }).subnets).toEqual(vpc.isolatedSubnets);
    });

    test('one NAT gateway per AZ', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 2);
    });

    test('flow logs capture ALL traffic into a KMS-encrypted log group kept six years', () => {
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        ResourceId: { Ref: Match.stringLikeRegexp('^Network') },
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 2192, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogGroupKey'), 'Arn'] } },
        DeletionPolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      expect(vpc.flowLogGroup).toBeDefined();
    });

    test('the flow log role has no inline policy and only flow logs of this account may assume it', () => {
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          })],
        },
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('FlowLogGroup'), 'Arn'] },
          })],
        },
      });
    });

    test('the default security group is closed', () => {
      template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    });

    test('gateway endpoints for S3 and DynamoDB', () => {
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
        VpcEndpointType: 'Gateway',
      });
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
      });
    });

    test('raises no warning', () => {
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  test('interface endpoints get private DNS and a security group allowing only HTTPS from the VPC', () => {
    // GIVEN / WHEN
    const stack = newStack(new App({ context: AZ_CONTEXT }));
    const vpc = new HipaaSecureVpc(stack, 'Network', { interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] });
    vpc.addInterfaceEndpointFor(ec2.InterfaceVpcEndpointAwsService.KMS);

    // THEN
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true }, 2);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: 'HTTPS from this VPC' }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
    expect(vpc.interfaceEndpoints).toHaveLength(2);
    expect(vpc.interfaceEndpointSecurityGroup).toBeDefined();
  });

  test('maxAzs, natGateways and flow log retention are configurable; S3 gets a second flow log', () => {
    // GIVEN
    const stack = newStack(new App({ context: AZ_CONTEXT }));
    const bucket = new s3.Bucket(stack, 'Archive');

    // WHEN
    new HipaaSecureVpc(stack, 'Network', { maxAzs: 3, natGateways: 1, flowLogRetention: logs.RetentionDays.TEN_YEARS, flowLogBucket: bucket, gatewayEndpoints: false });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::Subnet', 9);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3653 });
    template.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', TrafficType: 'ALL', LogDestination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Archive'), 'Arn'] } });
  });

  describe('escape hatches', () => {
    test('keeping the default security group open needs a reason, which acknowledges SgDefaultOpen: reported once, as acknowledged', () => {
      // GIVEN
      const stack = newStack(new App({ context: AZ_CONTEXT }));
      new HipaaSecureVpc(stack, 'Network', { escapeHatches: { keepDefaultSecurityGroupOpenBecause: 'A legacy appliance needs it until March.' } });
      // WHEN the checks judge it
      const messages = check(stack);
      // THEN
      Template.fromStack(stack).resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
      expect(ofRule(messages, 'LayeredDefense-SgDefaultOpen').map((m) => [m.level, m.path])).toEqual([['info', '/Stack/Network/Resource']]);
      expect(ofRule(messages, 'LayeredDefense-SgDefaultOpen')[0].text).toMatch(/Acknowledged: HipaaSecureVpc escape hatch keepDefaultSecurityGroupOpenBecause: A legacy appliance/);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    test('disabling flow logs needs a reason, which acknowledges VpcFlowLogs: synth passes, and the CLI sees the reason', () => {
      // GIVEN
      const stack = newStack(new App({ context: AZ_CONTEXT }));
      const vpc = new HipaaSecureVpc(stack, 'Network', { escapeHatches: { disableFlowLogsBecause: 'This VPC only ever hosts synthetic test data.' } });
      // WHEN
      const messages = check(stack);
      // THEN no error, one acknowledged finding, and the acknowledgement in the template metadata
      Template.fromStack(stack).resourceCountIs('AWS::EC2::FlowLog', 0);
      expect(vpc.flowLogGroup).toBeUndefined();
      expect(ofRule(messages, 'LayeredDefense-VpcFlowLogs').map((m) => m.level)).toEqual(['info']);
      Template.fromStack(stack).hasResource('AWS::EC2::VPC', {
        Metadata: { 'cdk-layered-defense': { acknowledge: [{ id: 'LayeredDefense-VpcFlowLogs', reason: Match.stringLikeRegexp('synthetic test data') }] } },
      });
    });
  });

  test.each([
    [{ maxAzs: 0 }, /Stack\/Network: maxAzs must be a whole number of at least 1, got 0/],
    [{ maxAzs: 1.5 }, /maxAzs must be a whole number of at least 1, got 1.5/],
    [{ cidrMask: 12 }, /Stack\/Network: cidrMask must be a whole number from 16 to 28.*got 12/],
    [{ escapeHatches: { disableFlowLogsBecause: '' } }, /escapeHatches.disableFlowLogsBecause needs the reason as a sentence.*got ''/],
    [{ escapeHatches: { keepDefaultSecurityGroupOpenBecause: 'x' } }, /keepDefaultSecurityGroupOpenBecause needs the reason/],
  ])('rejects %j', (props, message) => {
    const stack = newStack(new App({ context: AZ_CONTEXT }));
    expect(() => new HipaaSecureVpc(stack, 'Network', props)).toThrow(message);
  });

  test('is clean under cdk-nag HIPAA.Security, AwsSolutions and cfn-guard, except the tier that must reach the internet', () => {
    // GIVEN a stack with nothing but the VPC
    const app = appWithPeerChecks(AZ_CONTEXT);
    new HipaaSecureVpc(newStack(app), 'Network', { interfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] });

    // WHEN
    const errors = unacknowledgedErrors(synthFindings(app));

    // THEN the only errors are the public tier's internet routes, which the app decides to acknowledge
    expect(errors.map((e) => e.rule).sort()).toEqual(['HIPAA.Security-VPCNoUnrestrictedRouteToIGW']);
  });
});

describe('HipaaSecureVpc hooks for the other layers', () => {
  function stackWithVpc(props: ConstructorParameters<typeof HipaaSecureVpc>[2] = {}) {
    const stack = newStack(new App({ context: AZ_CONTEXT }));
    const vpc = new HipaaSecureVpc(stack, 'Network', props);
    return { stack, vpc };
  }

  test('blockedCidrs puts an IpBlocklistNacl on the public tier, denying both ways', () => {
    // GIVEN / WHEN
    const { stack, vpc } = stackWithVpc({ blockedCidrs: ['203.0.113.0/24'] });

    // THEN the NACL is associated with exactly the public subnets
    const template = Template.fromStack(stack);
    expect(vpc.blocklist).toBeDefined();
    template.resourceCountIs('AWS::EC2::NetworkAcl', 1);
    template.resourceCountIs('AWS::EC2::SubnetNetworkAclAssociation', 2);
    for (const subnet of vpc.publicSubnets) {
      template.hasResourceProperties('AWS::EC2::SubnetNetworkAclAssociation', {
        SubnetId: stack.resolve(subnet.subnetId),
        NetworkAclId: stack.resolve(vpc.blocklist!.networkAcl.networkAclId),
      });
    }
    for (const egress of [true, false]) {
      template.hasResourceProperties('AWS::EC2::NetworkAclEntry', { CidrBlock: '203.0.113.0/24', RuleAction: 'deny', Protocol: -1, Egress: egress });
    }
    // HipaaSecureVpc is IPv4-only: no IPv6 allow entries
    expect(vpc.blocklist!.allowsIpv6).toBe(false);
  });

  test('addBlockedCidrs creates the blocklist on first use, then adds to the same NACL', () => {
    // GIVEN
    const { stack, vpc } = stackWithVpc();
    expect(vpc.blocklist).toBeUndefined();

    // WHEN
    const first = vpc.addBlockedCidrs(['198.51.100.7']);
    const second = vpc.addBlockedCidrs(['192.0.2.44']);

    // THEN
    expect(second).toBe(first);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NetworkAcl', 1);
    template.hasResourceProperties('AWS::EC2::NetworkAclEntry', { CidrBlock: '198.51.100.7/32', RuleAction: 'deny' });
    template.hasResourceProperties('AWS::EC2::NetworkAclEntry', { CidrBlock: '192.0.2.44/32', RuleAction: 'deny' });
  });

  test('blocklistSubnets moves the blocklist to another tier', () => {
    const { stack, vpc } = stackWithVpc({ blockedCidrs: ['203.0.113.0/24'], blocklistSubnets: { subnetGroupName: 'Application' } });
    const template = Template.fromStack(stack);
    for (const subnet of vpc.privateSubnets) {
      template.hasResourceProperties('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: stack.resolve(subnet.subnetId) });
    }
    template.resourceCountIs('AWS::EC2::SubnetNetworkAclAssociation', 2);
  });

  test('a bad blocked CIDR fails with the blocklist path and the value', () => {
    expect(() => stackWithVpc({ blockedCidrs: ['10.0.0.1/8'] })).toThrow(/Stack\/Network\/Blocklist: .*10\.0\.0\.1\/8/);
  });

  test('protectPaths gives a PathAllowlistWaf associated with the load balancer', () => {
    // GIVEN
    const { stack, vpc } = stackWithVpc();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });

    // WHEN
    const waf = vpc.protectPaths('AdminOnly', alb, { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^Alb') },
      WebACLArn: stack.resolve(waf.webAclArn),
    });
    expect(waf.node.path).toBe('Stack/Network/AdminOnly');
  });

  test('protectPaths with the load balancer in another stack creates the web ACL in that stack, with no dependency cycle', () => {
    // GIVEN: the VPC in a network stack, the load balancer in an application stack that uses the VPC
    const app = new App({ context: AZ_CONTEXT });
    const env = { account: '111111111111', region: 'us-east-1' };
    const networkStack = new Stack(app, 'Network', { env });
    const vpc = new HipaaSecureVpc(networkStack, 'Vpc');
    const appStack = new Stack(app, 'Application', { env });
    const alb = new elbv2.ApplicationLoadBalancer(appStack, 'Alb', { vpc, internetFacing: true });

    // WHEN
    const waf = vpc.protectPaths('AdminOnly', alb, { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] });

    // THEN: the whole app synthesizes (a web ACL in the network stack would make it depend on the application stack)
    expect(() => app.synth()).not.toThrow();
    expect(waf.node.path).toBe('Application/AdminOnly');
    const template = Template.fromStack(appStack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^Alb') },
      WebACLArn: appStack.resolve(waf.webAclArn),
    });
    Template.fromStack(networkStack).resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(appStack.dependencies).toContain(networkStack);
    expect(networkStack.dependencies).not.toContain(appStack);
  });

  test('protectPaths in another stack refuses an id that stack already uses', () => {
    // GIVEN
    const app = new App({ context: AZ_CONTEXT });
    const env = { account: '111111111111', region: 'us-east-1' };
    const vpc = new HipaaSecureVpc(new Stack(app, 'Network', { env }), 'Vpc');
    const appStack = new Stack(app, 'Application', { env });
    const alb = new elbv2.ApplicationLoadBalancer(appStack, 'Alb', { vpc, internetFacing: true });

    // WHEN / THEN
    expect(() => vpc.protectPaths('Alb', alb, { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] }))
      .toThrow(/Network\/Vpc: protectPaths: the load balancer is in stack Application, .* already has a construct 'Alb'; choose another id/);
  });

  test('allowTls adds one allow rule from the client group to the server group, nothing else', () => {
    // GIVEN
    const { stack, vpc } = stackWithVpc();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    const app = new ec2.SecurityGroup(stack, 'App', { vpc, allowAllOutbound: false });

    // WHEN
    vpc.allowTls(alb, app, 8443);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8443,
      ToPort: 8443,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^App'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlbSecurityGroup'), 'GroupId'] },
      Description: 'TLS 8443 from Stack/Alb/SecurityGroup',
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('App'), SecurityGroupIngress: Match.absent() });
  });

  test.each([0, 70000, 1.5])('allowTls rejects port %p', (port) => {
    const { stack, vpc } = stackWithVpc();
    const a = new ec2.SecurityGroup(stack, 'A', { vpc });
    const b = new ec2.SecurityGroup(stack, 'B', { vpc });
    expect(() => vpc.allowTls(a, b, port)).toThrow(new RegExp(`Stack/Network: allowTls: port must be a whole number from 1 to 65535, got ${port}`));
  });
});
