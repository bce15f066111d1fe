import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HipaaSecureVpc } from '../../src/vpc';
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
    test('keeping the default security group open needs a reason and leaves a warning', () => {
      const stack = newStack(new App({ context: AZ_CONTEXT }));
      new HipaaSecureVpc(stack, 'Network', { escapeHatches: { keepDefaultSecurityGroupOpenBecause: 'A legacy appliance needs it until March.' } });
      Template.fromStack(stack).resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
      Annotations.fromStack(stack).hasWarning('/Stack/Network', Match.stringLikeRegexp('default security group keeps its rules.*legacy appliance'));
    });

    test('disabling flow logs needs a reason and leaves a warning', () => {
      const stack = newStack(new App({ context: AZ_CONTEXT }));
      const vpc = new HipaaSecureVpc(stack, 'Network', { escapeHatches: { disableFlowLogsBecause: 'This VPC only ever hosts synthetic test data.' } });
      Template.fromStack(stack).resourceCountIs('AWS::EC2::FlowLog', 0);
      expect(vpc.flowLogGroup).toBeUndefined();
      Annotations.fromStack(stack).hasWarning('/Stack/Network', Match.stringLikeRegexp('Flow logs are disabled.*synthetic test data'));
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
