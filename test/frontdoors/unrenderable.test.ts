import { App, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { checkStacks } from '../../src/analysis/engine';
import { resolveChecksOptions } from '../../src/analysis/resolve-options';
import { RULES } from '../../src/analysis/rules/registry';
import { CdkAppTemplates } from '../../src/frontdoors/cdk-app-templates';

describe('a construct that cannot be rendered', () => {
  test('GIVEN a security group whose description throws when resolved WHEN the app is judged THEN one "cannot verify" naming the error, and nothing read from its missing properties', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'App');
    new ec2.CfnSecurityGroup(stack, 'Sg', {
      groupDescription: Lazy.string({ produce: () => { throw new Error('the description is not ready'); } }),
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }],
    });
    // WHEN
    const stacks = CdkAppTemplates.render(app).stacks;
    const findings = checkStacks(stacks, resolveChecksOptions('test', {}, RULES.map((r) => r.id)));
    // THEN: no "GroupDescription is required" (InvalidValue) from reading it as an empty group
    expect(findings.map((f) => `${f.ruleId} ${f.resource.logicalId}: ${f.message}`)).toEqual([
      expect.stringMatching(/^LayeredDefense-CannotVerify Sg[0-9A-F]*: the resource: not renderable: .*the description is not ready/),
    ]);
  });
});
