// What a rule group reference can do to a request, from the templates alone: whether the group can end a web ACL's
// evaluation with ALLOW, and the rules of a group of the templates, found across the stacks the model links.
import { buildNetworkModel } from '../../../src/analysis/model/network-model';
import { groupReach, ruleGroupResolver, WafRuleGroupResolver } from '../../../src/analysis/model/waf-rule-groups';
import { known, parseWafRule, WafRuleGroupTree } from '../../../src/analysis/model/waf-statements-tree';
import { judge, ofRule, stackRef, stacksOf } from '../support';

const visibility = { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'm' };
const everything = {
  ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/', PositionalConstraint: 'STARTS_WITH', TextTransformations: [{ Priority: 0, Type: 'NONE' }] },
};
const groupRule = (Name: string, Priority: number, action: string) =>
  ({ Name, Priority, Action: { [action]: {} }, Statement: everything, VisibilityConfig: visibility });
const ruleGroup = (rules: unknown) =>
  ({ Type: 'AWS::WAFv2::RuleGroup', Properties: { Name: 'shared', Scope: 'REGIONAL', Capacity: 10, VisibilityConfig: visibility, Rules: rules } });
const reference = (statement: object, OverrideAction: unknown = { None: {} }) =>
  parseWafRule({ Name: 'Ref', Priority: 0, OverrideAction, VisibilityConfig: visibility, Statement: statement }, 0);
const customRef = (extra: object = {}, OverrideAction?: unknown) =>
  reference({ RuleGroupReferenceStatement: { Arn: { 'Fn::GetAtt': ['Group', 'Arn'] }, ...extra } }, OverrideAction);
const resolverOf = (rules: unknown[]): WafRuleGroupResolver => {
  const tree = WafRuleGroupTree.parse({ Rules: rules });
  return () => ({ name: 'Stack/Group', rules: tree.rules, ipSets: {}, invalid: tree.invalid });
};

describe('what a rule group reference can do', () => {
  test.each<[string, unknown[], object, unknown, string]>([
    ['a group with an ALLOW', [groupRule('A', 0, 'Allow')], {}, undefined, 'rules'],
    // A group of the templates that cannot allow still runs in place (its blocks decide requests): 'rules, cannot allow'.
    ['a group of BLOCK, COUNT, CAPTCHA and CHALLENGE rules', [groupRule('B', 0, 'Block'), groupRule('C', 1, 'Count'), groupRule('P', 2, 'Captcha'), groupRule('H', 3, 'Challenge')], {}, undefined, 'rules, cannot allow'],
    ['a group with an ALLOW, referenced with OverrideAction Count', [groupRule('A', 0, 'Allow')], {}, { Count: {} }, 'cannot-allow'],
    ['a group with an ALLOW the reference excludes', [groupRule('A', 0, 'Allow')], { ExcludedRules: [{ Name: 'A' }] }, undefined, 'rules, cannot allow'],
    ['a group with an ALLOW the reference overrides to Count', [groupRule('A', 0, 'Allow')], { RuleActionOverrides: [{ Name: 'A', ActionToUse: { Count: {} } }] }, undefined, 'rules, cannot allow'],
    ['a group of BLOCK rules, referenced with an OverrideAction not known', [groupRule('B', 0, 'Block')], {}, { 'Fn::If': ['Test', { Count: {} }, { None: {} }] }, 'cannot-allow'],
    ['a group of BLOCK rules, one overridden to Allow', [groupRule('B', 0, 'Block')], { RuleActionOverrides: [{ Name: 'B', ActionToUse: { Allow: {} } }] }, undefined, 'rules'],
    ['a group whose rule\'s action is not known', [{ ...groupRule('B', 0, 'Block'), Action: { Ref: 'Action' } }], {}, undefined, 'rules'],
    ['a group with an ALLOW, referenced with an OverrideAction not known', [groupRule('A', 0, 'Allow')], {}, { 'Fn::If': ['Test', { Count: {} }, { None: {} }] }, 'unknown'],
    ['a group WAF rejects (two rules share a priority)', [groupRule('A', 0, 'Allow'), groupRule('B', 0, 'Block')], {}, undefined, 'rejected'],
  ])('GIVEN %s WHEN judged THEN %s', (_, rules, extra, override, kind) => {
    const reach = groupReach(customRef(extra, override ?? { None: {} }), resolverOf(rules));
    expect(reach?.kind === 'rules' && !reach.mayAllow ? 'rules, cannot allow' : reach?.kind).toBe(kind);
  });

  test('GIVEN a reference to a group outside the templates WHEN judged THEN it may allow, and what says which', () => {
    const reach = groupReach(customRef(), () => undefined);
    expect(reach).toEqual({
      kind: 'unknown',
      what: 'rule \'Ref\' references rule group {"Fn::GetAtt":["Group","Arn"]}, which names no AWS::WAFv2::RuleGroup of the templates judged: its rules may allow',
    });
  });

  test('GIVEN a Fn::GetAtt to an attribute that is no ARN WHEN judged THEN no group is looked up', () => {
    const ref = reference({ RuleGroupReferenceStatement: { Arn: { 'Fn::GetAtt': ['Group', 'Id'] } } });
    expect(groupReach(ref, resolverOf([groupRule('B', 0, 'Block')]))?.kind).toBe('unknown');
  });

  test.each<[string, object, string]>([
    ['an AWS managed group', { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }, 'cannot-allow'],
    ['an AWS managed group with a rule overridden to Allow', { VendorName: 'AWS', Name: 'AWSManagedRulesBotControlRuleSet', RuleActionOverrides: [{ Name: 'CategoryHttpLibrary', ActionToUse: { Allow: {} } }] }, 'unknown'],
    ['an AWS managed group whose overrides are not known', { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', RuleActionOverrides: { 'Fn::ImportValue': 'Overrides' } }, 'unknown'],
    ['a marketplace group', { VendorName: 'F5', Name: 'OWASP_Managed' }, 'unknown'],
    ['a managed group whose vendor is not known', { VendorName: { Ref: 'Vendor' }, Name: 'x' }, 'unknown'],
  ])('GIVEN %s WHEN judged THEN %s', (_, statement, kind) => {
    expect(groupReach(reference({ ManagedRuleGroupStatement: statement }), undefined)?.kind).toBe(kind);
  });

  test('GIVEN a rule that references no group WHEN judged THEN there is nothing to say', () => {
    expect(groupReach(parseWafRule(groupRule('A', 0, 'Allow'), 0), undefined)).toBeUndefined();
  });
});

describe('rule groups in the network model', () => {
  test('GIVEN a web ACL in one stack and the group it names in another (an import of an export) WHEN resolved THEN the group\'s rules are found', () => {
    const model = buildNetworkModel(stacksOf({
      Shared: { Resources: { Group: ruleGroup([groupRule('AllowAll', 0, 'Allow')]) } },
      App: { Resources: { Acl: { Type: 'AWS::WAFv2::WebACL', Properties: {} } } },
    }));
    const acl = model.webAcls[0].resource;
    const group = ruleGroupResolver(model, acl)(stackRef('Shared', { 'Fn::GetAtt': ['Group', 'Arn'] }));
    expect(group?.name).toBe('Shared/Group');
    expect(known(group!.rules).map((r) => r.name)).toEqual(['AllowAll']);
    expect(ruleGroupResolver(model, acl)({ 'Fn::GetAtt': ['Group', 'Arn'] })).toBeUndefined();
  });

  test('GIVEN a rule group WAF rejects WHEN judged THEN InvalidValue names it on the group', () => {
    const findings = judge({ Stack: { Resources: { Group: ruleGroup([groupRule('A', 3, 'Allow'), groupRule('B', 3, 'Block')]) } } });
    expect(ofRule(findings, 'LayeredDefense-InvalidValue').map((f) => [f.resource.logicalId, f.message])).toEqual([
      ['Group', "rules 'A', 'B' share Priority 3, and a rule group's priorities must all be different: WAF rejects the rule group"],
    ]);
  });
});

describe('the capacity of a rule group of the templates', () => {
  // A rule group reference costs the group's Capacity, fixed when the group is created.
  // https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
  const withCapacity = (capacity: unknown, arn: unknown = { 'Fn::GetAtt': ['Group', 'Arn'] }) => judge({
    Stack: {
      Resources: {
        Group: { ...ruleGroup([groupRule('B', 0, 'Block')]), Properties: { ...ruleGroup([groupRule('B', 0, 'Block')]).Properties, Capacity: capacity } },
        Acl: {
          Type: 'AWS::WAFv2::WebACL',
          Properties: {
            Scope: 'REGIONAL',
            DefaultAction: { Allow: {} },
            VisibilityConfig: visibility,
            Rules: [
              { Name: 'Shared', Priority: 0, OverrideAction: { None: {} }, VisibilityConfig: visibility, Statement: { RuleGroupReferenceStatement: { Arn: arn } } },
              { ...groupRule('Tail', 1, 'Block'), Statement: everything },
            ],
          },
        },
      },
    },
  });
  const capacityFindings = (findings: ReturnType<typeof judge>) => [
    ...ofRule(findings, 'LayeredDefense-WafCapacityLimit').map((f) => f.message),
    ...ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith('LayeredDefense-WafCapacity')).map((f) => f.message),
  ];

  test('GIVEN a group of 4,999 WCU and a 2 WCU rule WHEN judged THEN the web ACL is over the limit: the group\'s Capacity counts', () => {
    expect(capacityFindings(withCapacity(4999))).toEqual(['web ACL Acl needs about 5001 WCU, over the limit of 5000']);
  });

  test('GIVEN a group whose Capacity is known WHEN judged THEN no "cannot verify" on the capacity; one not known at synth is named', () => {
    expect(capacityFindings(withCapacity(100))).toEqual([]);
    expect(capacityFindings(withCapacity({ Ref: 'GroupCapacity' }))).toEqual([
      expect.stringMatching(/^LayeredDefense-WafCapacityLimit cannot verify the capacity \(WCU\) \(the capacity of RuleGroupReferenceStatement \{"Fn::GetAtt":\["Group","Arn"\]\} is not known\)/),
    ]);
  });
});
