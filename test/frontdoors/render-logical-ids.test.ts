import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CdkAppTemplates } from '../../src/frontdoors/cdk-app-templates';

/** A stack that names its resources its own way, as some teams do to keep names stable. */
class PrefixedStack extends Stack {
  public allocations = 0;
  protected allocateLogicalId(element: CfnElement): string {
    this.allocations++;
    return `Prefixed${super.allocateLogicalId(element)}`;
  }
}

describe('rendering a CDK app for the analysis', () => {
  function naclApp(): { app: App; stack: PrefixedStack; nacl: ec2.NetworkAcl } {
    const app = new App();
    const stack = new PrefixedStack(app, 'Net', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const nacl = new ec2.NetworkAcl(stack, 'Nacl', { vpc });
    nacl.addEntry('Deny', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4('203.0.113.0/24'), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS, ruleAction: ec2.Action.DENY });
    return { app, stack, nacl };
  }

  test('GIVEN a stack that allocates its own logical ids WHEN rendered THEN ids and Refs are the ones synthesis writes', () => {
    // GIVEN
    const { app, stack } = naclApp();
    // WHEN
    const rendered = CdkAppTemplates.render(app).stacks[0].template;
    // THEN
    const written = Template.fromStack(stack).toJSON().Resources;
    const entryId = Object.keys(written).find((id) => written[id].Type === 'AWS::EC2::NetworkAclEntry')!;
    expect(entryId).toMatch(/^Prefixed/);
    expect(rendered.Resources[entryId].Properties).toEqual(written[entryId].Properties);
    expect(rendered.Resources[entryId].Properties.NetworkAclId).toEqual({ Ref: expect.stringMatching(/^PrefixedNacl/) });
  });

  test('GIVEN a stack WHEN rendered THEN each logical id is allocated once, and the stack is left as it was', () => {
    // GIVEN
    const { app, stack, nacl } = naclApp();
    const before = stack.allocations;
    // WHEN
    CdkAppTemplates.render(app);
    const duringRender = stack.allocations - before;
    // THEN: the VPC, its subnet, route table, route, association, IGW, attachment, NACL, entry, association (each
    // referenced several times) are allocated once each.
    const modelled = Object.keys(Template.fromStack(stack).toJSON().Resources).length;
    expect(duringRender).toBeLessThanOrEqual(modelled);
    expect(Object.prototype.hasOwnProperty.call(stack, 'getLogicalId')).toBe(false);
    // After rendering, ids are computed afresh again (a rename made later is honoured).
    const again = stack.allocations;
    stack.resolve((nacl.node.defaultChild as ec2.CfnNetworkAcl).logicalId);
    expect(stack.allocations).toBeGreaterThan(again);
  });

  test('GIVEN a stack with a getLogicalId of its own WHEN rendered THEN that one is back afterwards', () => {
    // GIVEN: a stack that carries an own getLogicalId (an instance override).
    const { app, stack } = naclApp();
    const own = (element: CfnElement): string => `Own${Stack.prototype.getLogicalId.call(stack, element)}`;
    Object.defineProperty(stack, 'getLogicalId', { value: own, configurable: true, writable: true });
    // WHEN
    CdkAppTemplates.render(app);
    // THEN
    expect(stack.getLogicalId).toBe(own);
  });
});
