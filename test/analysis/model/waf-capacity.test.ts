import { rulesCapacity, statementCapacity } from '../../../src/analysis/model/waf-capacity';
import { CannotEvaluateError } from '../../../src/analysis/model/waf-transformations';

const tt = (n: number) => Array.from({ length: n }, (_, Priority) => ({ Priority, Type: 'LOWERCASE' }));
const uri = { UriPath: {} };

describe('statementCapacity', () => {
  test.each([
    ['IP set', 1, { IPSetReferenceStatement: { Arn: 'x' } }],
    ['IP set, forwarded LAST', 1, { IPSetReferenceStatement: { Arn: 'x', IPSetForwardedIPConfig: { Position: 'LAST' } } }],
    ['IP set, forwarded ANY', 5, { IPSetReferenceStatement: { Arn: 'x', IPSetForwardedIPConfig: { Position: 'ANY' } } }],
    ['byte match STARTS_WITH, 2 transformations', 22, { ByteMatchStatement: { FieldToMatch: uri, PositionalConstraint: 'STARTS_WITH', TextTransformations: tt(2) } }],
    ['byte match CONTAINS', 10, { ByteMatchStatement: { FieldToMatch: uri, PositionalConstraint: 'CONTAINS', TextTransformations: [] } }],
    ['regex, 4 transformations', 43, { RegexMatchStatement: { FieldToMatch: uri, TextTransformations: tt(4) } }],
    ['regex pattern set', 35, { RegexPatternSetReferenceStatement: { FieldToMatch: uri, TextTransformations: tt(1) } }],
    ['size constraint with NONE', 1, { SizeConstraintStatement: { FieldToMatch: uri, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
    ['regex on all query arguments', 13, { RegexMatchStatement: { FieldToMatch: { AllQueryArguments: {} }, TextTransformations: [] } }],
    ['regex on the JSON body', 16, { RegexMatchStatement: { FieldToMatch: { JsonBody: {} }, TextTransformations: tt(1) } }],
    ['AND of NOT and OR', 3, { AndStatement: { Statements: [{ IPSetReferenceStatement: {} }, { NotStatement: { Statement: { OrStatement: { Statements: [{ IPSetReferenceStatement: {} }, { GeoMatchStatement: {} }] } } } }] } }],
    ['AWS managed common rule set', 700, { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } }],
    ['AWS managed common rule set with a scope-down regex', 733, { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', ScopeDownStatement: { RegexMatchStatement: { FieldToMatch: uri, TextTransformations: tt(3) } } } }],
    ['rate-based, by IP', 2, { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP' } }],
    ['rate-based with a scope-down', 15, { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP', ScopeDownStatement: { RegexMatchStatement: { FieldToMatch: uri, TextTransformations: tt(1) } } } }],
    ['rate-based by two custom keys, one transformed', 72, { RateBasedStatement: { Limit: 100, AggregateKeyType: 'CUSTOM_KEYS', CustomKeys: [{ Header: { Name: 'a', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }, { QueryArgument: { Name: 'b', TextTransformations: tt(1) } }] } }],
  ])('%s: %d WCU', (_what, wcu, statement) => {
    expect(statementCapacity(statement)).toBe(wcu);
  });

  test('an unknown rule group needs a lookup', () => {
    const statement = { ManagedRuleGroupStatement: { VendorName: 'Acme', Name: 'Shield' } };
    expect(() => statementCapacity(statement)).toThrow(CannotEvaluateError);
    // An AWS group named like one of Object's methods is unknown too (it once added up to a string of code).
    for (const name of ['constructor', 'toString', '__proto__']) {
      expect(() => statementCapacity({ ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } })).toThrow(CannotEvaluateError);
    }
    expect(statementCapacity(statement, { ruleGroupCapacity: (s) => (s.Name === 'Shield' ? 150 : undefined) })).toBe(150);
  });

  test('rulesCapacity sums the rules', () => {
    expect(rulesCapacity([
      { Statement: { IPSetReferenceStatement: {} } },
      { Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } },
    ])).toBe(26);
  });
});
