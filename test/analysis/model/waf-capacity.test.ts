import { rulesCapacity, statementCapacity } from '../../../src/analysis/model/waf-capacity';
import { CannotEvaluateError } from '../../../src/analysis/model/waf-transformations';

const tt = (n: number) => Array.from({ length: n }, (_, Priority) => ({ Priority, Type: 'LOWERCASE' }));
const uri = { UriPath: {} };

describe('statementCapacity', () => {
  test.each([
    ['IP set', { IPSetReferenceStatement: { Arn: 'x' } }, 1],
    ['IP set, forwarded LAST', { IPSetReferenceStatement: { Arn: 'x', IPSetForwardedIPConfig: { Position: 'LAST' } } }, 1],
    ['IP set, forwarded ANY', { IPSetReferenceStatement: { Arn: 'x', IPSetForwardedIPConfig: { Position: 'ANY' } } }, 5],
    ['byte match STARTS_WITH, 2 transformations', { ByteMatchStatement: { FieldToMatch: uri, PositionalConstraint: 'STARTS_WITH', TextTransformations: tt(2) } }, 22],
    ['byte match CONTAINS', { ByteMatchStatement: { FieldToMatch: uri, PositionalConstraint: 'CONTAINS', TextTransformations: [] } }, 10],
    ['regex, 4 transformations', { RegexMatchStatement: { FieldToMatch: uri, TextTransformations: tt(4) } }, 43],
    ['regex pattern set', { RegexPatternSetReferenceStatement: { FieldToMatch: uri, TextTransformations: tt(1) } }, 35],
    ['size constraint with NONE', { SizeConstraintStatement: { FieldToMatch: uri, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }, 1],
    ['regex on all query arguments', { RegexMatchStatement: { FieldToMatch: { AllQueryArguments: {} }, TextTransformations: [] } }, 13],
    ['regex on the JSON body', { RegexMatchStatement: { FieldToMatch: { JsonBody: {} }, TextTransformations: tt(1) } }, 16],
    ['AND of NOT and OR', { AndStatement: { Statements: [{ IPSetReferenceStatement: {} }, { NotStatement: { Statement: { OrStatement: { Statements: [{ IPSetReferenceStatement: {} }, { GeoMatchStatement: {} }] } } } }] } }, 3],
    ['AWS managed common rule set', { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } }, 700],
    ['AWS managed common rule set with a scope-down regex', { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', ScopeDownStatement: { RegexMatchStatement: { FieldToMatch: uri, TextTransformations: tt(3) } } } }, 733],
    ['rate-based, by IP', { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP' } }, 2],
    ['rate-based with a scope-down', { RateBasedStatement: { Limit: 100, AggregateKeyType: 'IP', ScopeDownStatement: { RegexMatchStatement: { FieldToMatch: uri, TextTransformations: tt(1) } } } }, 15],
    ['rate-based by two custom keys, one transformed', { RateBasedStatement: { Limit: 100, AggregateKeyType: 'CUSTOM_KEYS', CustomKeys: [{ Header: { Name: 'a', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }, { QueryArgument: { Name: 'b', TextTransformations: tt(1) } }] } }, 72],
  ])('%s: %d WCU', (_what, statement, wcu) => {
    expect(statementCapacity(statement)).toBe(wcu);
  });

  test('an unknown rule group needs a lookup', () => {
    const statement = { ManagedRuleGroupStatement: { VendorName: 'Acme', Name: 'Shield' } };
    expect(() => statementCapacity(statement)).toThrow(CannotEvaluateError);
    expect(statementCapacity(statement, { ruleGroupCapacity: (s) => (s.Name === 'Shield' ? 150 : undefined) })).toBe(150);
  });

  test('rulesCapacity sums the rules', () => {
    expect(rulesCapacity([
      { Statement: { IPSetReferenceStatement: {} } },
      { Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } },
    ])).toBe(26);
  });
});
