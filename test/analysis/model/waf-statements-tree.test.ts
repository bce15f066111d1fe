// The web ACL statement tree: every WAF reader (evaluator, capacity, path-bypass rule, sample requests) reads a web
// ACL's statements through it, so an intrinsic or a wrong shape anywhere is one explicit unknown naming the value.
import * as fc from 'fast-check';
import { statementCapacity, webAclCapacity } from '../../../src/analysis/model/waf-capacity';
import { CannotEvaluateError, WafEvaluator, WafRequest } from '../../../src/analysis/model/waf-evaluator';
import { known, parseWafStatement, unknownStatements, WafRuleGroupTree, WafUnknown, WafWebAclTree } from '../../../src/analysis/model/waf-statements-tree';
import { sampleRequests } from '../../../src/analysis/rules/application/waf-statements';
import { judge, networkStack, ofRule } from '../support';

const visibility = { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'm' };
const pathTransforms = [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }, { Priority: 2, Type: 'LOWERCASE' }];
const path = (search: unknown, transformations: unknown = pathTransforms) =>
  ({ ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: search, PositionalConstraint: 'STARTS_WITH', TextTransformations: transformations } });
const office = { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Office', 'Arn'] } } };
const rule = (Name: string, Priority: number, Statement: unknown, Action: object = { Block: {} }) =>
  ({ Name, Priority, Action, Statement, VisibilityConfig: visibility });
const acl = (rules: unknown) => ({ DefaultAction: { Allow: {} }, Rules: rules, Scope: 'REGIONAL', VisibilityConfig: visibility });
const ipSets = { Office: ['198.51.100.0/24'] };
const req = (uriPath: string, sourceIp: string): WafRequest => ({ uriPath, sourceIp });
const IF = { 'Fn::If': ['Strict', [path('/a')], [path('/b')]] };

describe('reading statements', () => {
  test('GIVEN an Fn::If as a nested OR\'s list WHEN read THEN one unknown statement names where it is and the value', () => {
    const node = parseWafStatement({ AndStatement: { Statements: [office, { OrStatement: { Statements: IF } }] } }, "rule 'R' Statement");
    const unknowns = unknownStatements(node).map((u) => u.what);
    expect(unknowns).toHaveLength(1);
    expect(unknowns[0]).toMatch(/^rule 'R' Statement\.AndStatement\.Statements\[1\]\.OrStatement\.Statements is \{"Fn::If":\["Strict",.*, not known at synth$/);
  });

  test.each([
    ['a string where the list of statements belongs', { OrStatement: { Statements: 'garbage' } }, /OrStatement\.Statements is 'garbage', not a list/],
    ['a cross-stack value as a statement', { NotStatement: { Statement: { 'LayeredDefense::StackRef': { stackId: 'Net', value: { Ref: 'X' } } } } }, /NotStatement\.Statement is \{"Ref":"X"\} of stack Net, not known at synth/],
    ['two statement types in one', { ByteMatchStatement: {}, GeoMatchStatement: {} }, /exactly one statement type, found ByteMatchStatement, GeoMatchStatement/],
    ['a made-up statement type', { MadeUpStatement: {} }, /statement type 'MadeUpStatement' is not a WAF statement type/],
    ['a list where the statement body belongs', { ByteMatchStatement: [] }, /ByteMatchStatement is \[\], not an object/],
  ])('GIVEN %s WHEN read THEN an unknown statement says so', (_what, statement, message) => {
    const [unknown] = unknownStatements(parseWafStatement(statement, 'Statement'));
    expect(unknown).toBeInstanceOf(WafUnknown);
    expect(unknown.what).toMatch(message);
  });

  test('GIVEN transformations in any order WHEN read THEN they are kept in ascending priority (the order WAF applies them)', () => {
    const node = parseWafStatement(path('/a', [{ Priority: 2, Type: 'LOWERCASE' }, { Priority: '0', Type: 'URL_DECODE' }]), 'Statement');
    expect(node.type === 'ByteMatchStatement' && known(node.transformations)).toEqual([{ priority: 0, type: 'URL_DECODE' }, { priority: 2, type: 'LOWERCASE' }]);
  });

  test('GIVEN Rules that are not a list, or a rule that is not an object WHEN read THEN the tree says which', () => {
    expect(WafWebAclTree.parse(acl(IF)).rules).toEqual(new WafUnknown(expect.stringMatching(/^Rules is \{"Fn::If".*not known at synth$/) as unknown as string));
    const tree = WafWebAclTree.parse(acl([rule('A', 0, office), 'garbage']));
    const rules = known(tree.rules);
    expect(rules.map((r) => r.name)).toEqual(['A', 'Rules[1]']);
    // Written out and of the wrong shape: WAF rejects it (invalid), where the Fn::If above is only not known.
    expect(rules[1].priority).toEqual(new WafUnknown("Rules[1] is 'garbage', not a rule object", true));
    expect(tree.invalid).toEqual(["Rules[1] is 'garbage', not a rule object"]);
    expect(WafWebAclTree.parse(acl(IF)).invalid).toEqual([]);
  });

  test.each([
    ['a missing Position', { IPSetReferenceStatement: { Arn: 'arn:aws:wafv2:us-east-1:111111111111:regional/ipset/o/1', IPSetForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'NO_MATCH' } } },
      "rule 'R' Statement.IPSetReferenceStatement.IPSetForwardedIPConfig.Position is not set (one of FIRST, LAST, ANY belongs there)"],
    ['a positional constraint that does not exist', { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/a', PositionalConstraint: 'BEGINS_WITH', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      "rule 'R' Statement.ByteMatchStatement.PositionalConstraint is 'BEGINS_WITH', not one of EXACTLY, STARTS_WITH, ENDS_WITH, CONTAINS, CONTAINS_WORD"],
    ['two statement types in one statement', { NotStatement: { Statement: office }, OrStatement: { Statements: [office] } },
      "rule 'R' Statement must have exactly one statement type, found NotStatement, OrStatement"],
    ['a statement type that does not exist', { IpSetReferenceStatement: { Arn: 'x' } },
      "rule 'R' Statement: statement type 'IpSetReferenceStatement' is not a WAF statement type"],
  ])('GIVEN %s WHEN read THEN the tree lists it as invalid', (_, statement, problem) => {
    expect(WafWebAclTree.parse(acl([rule('R', 0, statement)])).invalid).toEqual([problem]);
  });

  test('GIVEN a rule group reference with Action, a plain rule with OverrideAction, or a rule with both WHEN read THEN each is invalid', () => {
    const managed = { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } };
    const { Action: _action, ...withoutAction } = rule('Plain', 1, office);
    const tree = WafWebAclTree.parse(acl([
      rule('Group', 0, managed),
      { ...withoutAction, OverrideAction: { None: {} } },
      { ...rule('Both', 2, office), OverrideAction: { Count: {} } },
      { ...rule('Fine', 3, managed), Action: undefined, OverrideAction: { None: {} } },
      { ...rule('Empty', 4, managed), Action: undefined, OverrideAction: {} },
      { ...rule('NoneAndCount', 5, managed), Action: undefined, OverrideAction: { None: {}, Count: {} } },
    ]));
    expect(tree.invalid).toEqual([
      "rule 'Group' references a rule group but sets Action (a rule group reference takes OverrideAction: { None: {} } or { Count: {} })",
      "rule 'Plain' sets OverrideAction but references no rule group (its statement takes Action)",
      "rule 'Both' sets both Action and OverrideAction (a rule takes one of them)",
      "rule 'Empty' has neither Action nor OverrideAction (OverrideAction {})",
      "rule 'NoneAndCount' OverrideAction sets both None and Count (it takes one of them)",
    ]);
    expect(known(tree.rules)[3].action).toBe('NONE');
  });

  test('GIVEN Action in one branch of an undecided Fn::If and OverrideAction in the other WHEN read THEN it is not known, not invalid', () => {
    const managed = { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesSQLiRuleSet' } };
    const rate = { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } };
    const tree = WafWebAclTree.parse(acl([{
      Name: 'ByCondition',
      Priority: 0,
      Action: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, { Block: {} }] },
      OverrideAction: { 'Fn::If': ['IsProd', { None: {} }, { Ref: 'AWS::NoValue' }] },
      Statement: { 'Fn::If': ['IsProd', managed, rate] },
      VisibilityConfig: visibility,
    }]));
    expect(tree.invalid).toEqual([]);
    expect(known(tree.rules)[0].action).toBeInstanceOf(WafUnknown);
  });

  test('GIVEN two rules with one priority WHEN read THEN the tree lists it as invalid, naming both', () => {
    const tree = WafWebAclTree.parse(acl([rule('A', 3, office), rule('B', 4, office), rule('C', 3, office)]));
    expect(tree.invalid).toEqual(["rules 'A', 'C' share Priority 3, and a web ACL's priorities must all be different"]);
  });

  test('GIVEN a whole rule behind an Fn::If (with AWS::NoValue) WHEN read THEN it is not known, not invalid', () => {
    const tree = WafWebAclTree.parse(acl([rule('A', 0, office), { 'Fn::If': ['GeoOn', rule('Geo', 5, office), { Ref: 'AWS::NoValue' }] }]));
    expect(tree.invalid).toEqual([]);
    expect(known(tree.rules)[1].priority).toEqual(new WafUnknown(expect.stringMatching(/^Rules\[1\] is \{"Fn::If".*not known at synth$/) as unknown as string));
  });

  test.each([
    ['an intrinsic position', { IPSetReferenceStatement: { Arn: 'arn:aws:wafv2:us-east-1:111111111111:regional/ipset/o/1', IPSetForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'NO_MATCH', Position: { Ref: 'Position' } } } }],
    ['a transformation whose priority is an intrinsic', { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/a', PositionalConstraint: 'EXACTLY', TextTransformations: [{ Priority: { Ref: 'P' }, Type: 'NONE' }] } }],
    ['a number as a search string (CloudFormation passes its text)', { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: 404, PositionalConstraint: 'EXACTLY', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
  ])('GIVEN %s WHEN read THEN nothing is invalid', (_, statement) => {
    expect(WafWebAclTree.parse(acl([rule('R', 0, statement)])).invalid).toEqual([]);
  });
});

describe('rule group references and rule groups', () => {
  test('GIVEN a rule group reference with ExcludedRules and RuleActionOverrides WHEN read THEN both are kept, an override to Allow included', () => {
    const node = parseWafStatement({
      RuleGroupReferenceStatement: {
        Arn: { 'Fn::GetAtt': ['Shared', 'Arn'] },
        ExcludedRules: [{ Name: 'Noisy' }],
        RuleActionOverrides: [{ Name: 'Partners', ActionToUse: { Allow: {} } }, { Name: 'Bots', ActionToUse: { Count: {} } }],
      },
    }, "rule 'R' Statement");
    expect(node.type === 'RuleGroupReferenceStatement' && [known(node.excludedRules), known(node.ruleActionOverrides)]).toEqual([
      ['Noisy'],
      [{ name: 'Partners', action: 'ALLOW' }, { name: 'Bots', action: 'COUNT' }],
    ]);
  });

  test('GIVEN overrides that are not known at synth WHEN read THEN the node says so, naming where', () => {
    const node = parseWafStatement({ RuleGroupReferenceStatement: { Arn: 'arn:x', RuleActionOverrides: { 'Fn::ImportValue': 'Overrides' } } }, "rule 'R' Statement");
    expect(node.type === 'RuleGroupReferenceStatement' && node.ruleActionOverrides).toEqual(
      new WafUnknown('rule \'R\' Statement.RuleGroupReferenceStatement.RuleActionOverrides is {"Fn::ImportValue":"Overrides"}, not known at synth'));
  });

  test('GIVEN an AWS::WAFv2::RuleGroup\'s Properties WHEN read THEN its rules are read as a web ACL\'s, and what WAF rejects is listed', () => {
    const tree = WafRuleGroupTree.parse({ Name: 'g', Capacity: 10, Rules: [rule('A', 1, office, { Allow: {} }), rule('B', 1, office)] });
    expect(known(tree.rules).map((r) => [r.name, r.action])).toEqual([['A', 'ALLOW'], ['B', 'BLOCK']]);
    expect(tree.invalid).toEqual(["rules 'A', 'B' share Priority 1, and a rule group's priorities must all be different"]);
    expect(WafRuleGroupTree.parse({ Name: 'g', Capacity: 10 }).rules).toEqual([]);
    expect(WafRuleGroupTree.parse({ Rules: IF }).rules).toBeInstanceOf(WafUnknown);
    expect(WafRuleGroupTree.parse({ Rules: IF }).invalid).toEqual([]);
  });
});

describe('every reader shares the tree', () => {
  test('GIVEN an Fn::If in a nested OR WHEN the capacity is estimated or a request evaluated THEN CannotEvaluateError names the value', () => {
    const webAcl = acl([rule('R', 0, { AndStatement: { Statements: [office, { OrStatement: { Statements: IF } }] } })]);
    expect(() => webAclCapacity(WafWebAclTree.parse(webAcl))).toThrow(CannotEvaluateError);
    expect(() => webAclCapacity(WafWebAclTree.parse(webAcl))).toThrow(/OrStatement\.Statements is \{"Fn::If"/);
    expect(() => new WafEvaluator(webAcl, { ipSets }).evaluate(req('/a', '198.51.100.1'))).toThrow(/OrStatement\.Statements is \{"Fn::If"/);
  });

  test('GIVEN a search string behind a Ref WHEN the capacity is estimated THEN it is known (the cost does not depend on it), while a request that needs it cannot be evaluated', () => {
    const statement = path({ Ref: 'AdminPath' });
    expect(statementCapacity(statement)).toBe(32);
    expect(() => new WafEvaluator(acl([rule('R', 0, statement)])).evaluate(req('/a', '192.0.2.1'))).toThrow(/SearchString is \{"Ref":"AdminPath"\}, not known at synth/);
  });

  test('GIVEN an OR with one unknown branch WHEN a known branch matches THEN it decides; AND likewise with a known branch that fails', () => {
    const unknownPath = path({ Ref: 'AdminPath' });
    const or = new WafEvaluator(acl([rule('R', 0, { OrStatement: { Statements: [unknownPath, office] } })]), { ipSets });
    expect(or.evaluate(req('/x', '198.51.100.1')).action).toBe('BLOCK'); // the office branch matches
    expect(() => or.evaluate(req('/x', '192.0.2.1'))).toThrow(CannotEvaluateError); // it does not: the unknown decides
    const and = new WafEvaluator(acl([rule('R', 0, { AndStatement: { Statements: [unknownPath, office] } })]), { ipSets });
    expect(and.evaluate(req('/x', '192.0.2.1')).action).toBe('ALLOW'); // the office branch fails
    expect(() => and.evaluate(req('/x', '198.51.100.1'))).toThrow(CannotEvaluateError);
  });

  test('GIVEN a statement that cannot be read WHEN any request reaches its rule THEN it cannot be evaluated (it may hide a forwarded IP header that skips the rule)', () => {
    const evaluator = new WafEvaluator(acl([rule('R', 0, { OrStatement: { Statements: [office, { NotStatement: { Statement: 'garbage' } }] } })]), { ipSets });
    expect(() => evaluator.evaluate(req('/x', '198.51.100.1'))).toThrow(/NotStatement\.Statement is 'garbage', not a statement object/);
  });

  test('GIVEN path and IP set statements WHEN sample requests are built THEN they come from the tree: the paths matched and the IP set\'s first address', () => {
    const samples = sampleRequests(ipSets, parseWafStatement({ AndStatement: { Statements: [path('/admin'), { NotStatement: { Statement: office } }] } }, 'Statement'));
    expect(new Set(samples.map((s) => s.uriPath))).toEqual(new Set(['/', '/admin', '/admin/x']));
    expect(samples.map((s) => s.sourceIp)).toContain('198.51.100.0');
  });

  test('property: whatever JSON stands in a statement, every reader returns or throws CannotEvaluateError, never a JavaScript error', () => {
    const statementish = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom({ Ref: 'P' }, { 'Fn::If': ['C', 'a', 'b'] }, { 'LayeredDefense::StackRef': 42 }),
        fc.record({ OrStatement: fc.record({ Statements: fc.oneof(fc.array(tie('value'), { maxLength: 3 }), tie('value')) }) }),
        fc.record({ NotStatement: fc.record({ Statement: tie('value') }) }),
        fc.record({ ByteMatchStatement: fc.record({ FieldToMatch: tie('value'), SearchString: tie('value'), PositionalConstraint: tie('value'), TextTransformations: tie('value') }, { requiredKeys: [] }) }),
        fc.record({ IPSetReferenceStatement: fc.record({ Arn: tie('value'), IPSetForwardedIPConfig: tie('value') }, { requiredKeys: [] }) }),
        fc.record({ RateBasedStatement: fc.record({ Limit: tie('value'), CustomKeys: tie('value'), ScopeDownStatement: tie('value') }, { requiredKeys: [] }) }),
        fc.record({ ManagedRuleGroupStatement: fc.record({ VendorName: tie('value'), Name: tie('value'), ExcludedRules: tie('value'), RuleActionOverrides: tie('value') }, { requiredKeys: [] }) }),
      ),
    })).value;
    fc.assert(fc.property(statementish, fc.integer({ min: 0, max: 20_000 }), (statement, bodySize) => {
      const tolerate = (fn: () => unknown) => {
        try {
          fn();
        } catch (e) {
          if (!(e instanceof CannotEvaluateError)) {
            throw e;
          }
          expect(e.message).not.toMatch(/\bundefined\b|is not a function|is not iterable|\[object Object\]|\bNaN\b/);
        }
      };
      const webAcl = acl([rule('R', 0, statement), { ...rule('Group', 1, statement), Action: undefined, OverrideAction: { None: {} } }]);
      tolerate(() => webAclCapacity(WafWebAclTree.parse(webAcl)));
      tolerate(() => new WafEvaluator(webAcl, { ipSets }).evaluate({ ...req('/admin', '198.51.100.1'), bodySize, requestsInWindow: bodySize }));
      tolerate(() => sampleRequests(ipSets, parseWafStatement(statement, 'Statement')));
    }), { numRuns: 500, seed: 14 });
  });
});

describe('a web ACL the analysis cannot read in part', () => {
  test('GIVEN an Fn::If in a nested OR of a web ACL next to a VPC WHEN judged THEN "cannot verify" is on the web ACL, names the value, and nothing lands on the VPC', () => {
    // GIVEN the case: the statement list of an OR inside an AND is chosen by a condition nothing decides
    const templates = {
      Network: networkStack({
        Office: { Type: 'AWS::WAFv2::IPSet', Properties: { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] } },
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: acl([rule('Admin', 0, { AndStatement: { Statements: [{ NotStatement: { Statement: office } }, { OrStatement: { Statements: IF } }] } })]) },
      }),
    };
    // WHEN
    const findings = judge(templates);
    // THEN
    const unknown = ofRule(findings, 'LayeredDefense-CannotVerify');
    expect(unknown.length).toBeGreaterThan(0);
    for (const f of unknown) {
      expect(f.resource.logicalId).toBe('Acl');
      expect(f.text).toMatch(/rule 'Admin' Statement\.AndStatement\.Statements\[1\]\.OrStatement\.Statements is \{"Fn::If"/);
      expect(f.text).not.toMatch(/is not a function|failed reading it|\bundefined\b/);
    }
    // Each WAF reader whose verdict the value could change says so: the path-bypass rule, the capacity, an evaluator's
    // rule. WafAllowShadowsBlock does not: with no rule that allows, nothing can shadow the BLOCK rule.
    const by = unknown.map((f) => /(LayeredDefense-\w+) cannot verify/.exec(f.text)?.[1]);
    expect(by).toEqual(expect.arrayContaining(['LayeredDefense-WafPathBypass', 'LayeredDefense-WafCapacityLimit', 'LayeredDefense-WafForwardedIpSpoofable']));
    expect(by).not.toContain('LayeredDefense-WafAllowShadowsBlock');
  });
});
