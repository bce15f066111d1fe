import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { buildNetworkModel } from '../../../src/analysis/model/network-model';
import { CdkAppTemplates } from '../../../src/frontdoors/cdk-app-templates';
import { newStack } from '../../checks/support';

/** The model of the stack's app, as the aspect builds it. */
function modelOf(stack: Stack) {
  return buildNetworkModel(CdkAppTemplates.render(stack.node.root).stacks);
}

describe('buildNetworkModel', () => {
  test('links NACL entries and associations, security group rules and web ACL parts by logical id', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const nacl = new ec2.NetworkAcl(stack, 'Nacl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC } });
    nacl.addEntry('Deny', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4('203.0.113.0/24'), traffic: ec2.AclTraffic.allTraffic(), ruleAction: ec2.Action.DENY });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const peer = new ec2.SecurityGroup(stack, 'Peer', { vpc });
    sg.connections.allowFrom(peer, ec2.Port.tcp(5432));
    sg.addIngressRule(ec2.Peer.ipv6('2001:db8::/32'), ec2.Port.tcpRange(8000, 8080));
    const acl = new wafv2.CfnWebACL(stack, 'Acl', { scope: 'REGIONAL', defaultAction: { allow: {} }, visibilityConfig: { cloudWatchMetricsEnabled: false, sampledRequestsEnabled: false, metricName: 'a' } });
    new wafv2.CfnLoggingConfiguration(stack, 'Logging', { resourceArn: acl.attrArn, logDestinationConfigs: ['arn:aws:logs:us-east-1:1:log-group:aws-waf-logs-x'] });
    new wafv2.CfnIPSet(stack, 'Set', { scope: 'REGIONAL', ipAddressVersion: 'IPV4', addresses: ['198.51.100.0/24'] });
    // WHEN
    const model = modelOf(stack);
    // THEN
    expect(model.vpcs).toHaveLength(1);
    expect(model.vpcs[0].subnets).toHaveLength(2);
    expect(model.nacls).toHaveLength(1);
    expect(model.nacls[0].associations).toHaveLength(2);
    expect(model.nacls[0].entries.map((e) => [e.ruleNumber, e.normalized?.action])).toEqual([[100, 'deny']]);
    const group = model.securityGroups.find((g) => g.resource.path === 'Stack/Sg/Resource')!;
    expect(group.ingress.map((r) => [r.peer.kind, r.protocol, r.fromPort, r.toPort])).toEqual(expect.arrayContaining([
      ['cidr', 6, 8000, 8080],
      ['group', 6, 5432, 5432],
    ]));
    expect(model.webAcls[0].loggingConfigurations.map((l) => l.logicalId)).toEqual(['Logging']);
    expect(model.ipSets).toEqual({ 'id:Stack/Set': ['198.51.100.0/24'] });
    expect(model.ipSetsFor(model.webAcls[0].resource)).toEqual({ Set: ['198.51.100.0/24'] });
  });

  test('unresolved values are kept and named, never guessed', () => {
    const stack = newStack();
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    const nacl = new ec2.CfnNetworkAcl(stack, 'Nacl', { vpcId: vpc.ref });
    new ec2.CfnNetworkAclEntry(stack, 'Entry', { networkAclId: nacl.ref, ruleNumber: 100, protocol: -1, ruleAction: 'deny', cidrBlock: Fn.importValue('Bad') });
    new ec2.CfnNetworkAclEntry(stack, 'Elsewhere', { networkAclId: Fn.importValue('OtherNacl'), ruleNumber: 100, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8' });
    const model = modelOf(stack);
    expect(model.nacls[0].entries[0].unknown).toMatch(/Fn::ImportValue.*Bad/);
    expect(model.strayNaclEntries.map((e) => e.resource.logicalId)).toEqual(['Elsewhere']);
  });

  test('a NACL entry whose Egress is unresolved has no direction: unknown, not inbound', () => {
    const stack = newStack();
    const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    const nacl = new ec2.CfnNetworkAcl(stack, 'Nacl', { vpcId: vpc.ref });
    const out = new CfnParameter(stack, 'Out', { type: 'String', allowedValues: ['true', 'false'] });
    new ec2.CfnNetworkAclEntry(stack, 'Entry', { networkAclId: nacl.ref, ruleNumber: 100, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8', egress: out.valueAsString as any });
    const literalEntry = new ec2.CfnNetworkAclEntry(stack, 'Literal', { networkAclId: nacl.ref, ruleNumber: 110, protocol: -1, ruleAction: 'deny', cidrBlock: '10.0.0.0/8' });
    literalEntry.addPropertyOverride('Egress', 'true');
    const [entry, literal] = modelOf(stack).nacls[0].entries;
    expect(entry.egress).toBeUndefined();
    expect(entry.normalized).toBeUndefined();
    expect(entry.unknown).toMatch(/Egress \{"Ref":"Out"\} is not true or false/);
    expect(literal.egress).toBe(true);
    expect(literal.normalized?.direction).toBe('egress');
  });

  test('the model spans the app: each resource is keyed by its stack and logical id', () => {
    // GIVEN two stacks with a VPC of the same logical id
    const stack = newStack();
    const other = new Stack(stack.node.root as any, 'Other');
    new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
    new ec2.CfnVPC(other, 'Vpc', { cidrBlock: '10.1.0.0/16' });
    // WHEN
    const model = modelOf(stack);
    // THEN both are modelled, apart
    expect(model.vpcs.map((v) => [v.key, v.resource.path, v.resource.properties.CidrBlock])).toEqual([
      ['id:Stack/Vpc', 'Stack/Vpc', '10.0.0.0/16'],
      ['id:Other/Vpc', 'Other/Vpc', '10.1.0.0/16'],
    ]);
  });

});
