import * as fc from 'fast-check';
import { CannotEvaluateError, evaluateWebAcl, ipSetsFromTemplate, WafEvaluator, WafRequest, webAclsFromTemplate } from '../../../src/analysis/model/waf-evaluator';

const visibility = { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'm' };
const lower = [{ Priority: 0, Type: 'LOWERCASE' }];
const adminPath = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/admin', PositionalConstraint: 'STARTS_WITH', TextTransformations: lower } };
const ipSets = { Office: ['198.51.100.0/24', '2001:db8:1::/48'], Literal: ['203.0.113.7/32'] };
const office = { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Office', 'Arn'] } } };
const forwardedOffice = (position: string, fallback = 'NO_MATCH') => ({
  IPSetReferenceStatement: {
    Arn: { Ref: 'Office' },
    IPSetForwardedIPConfig: { HeaderName: 'X-Forwarded-For', Position: position, FallbackBehavior: fallback },
  },
});
const rule = (Name: string, Priority: number, Statement: object, Action: object = { Block: {} }) =>
  ({ Name, Priority, Action, Statement, VisibilityConfig: visibility });
const acl = (rules: object[], DefaultAction: object = { Allow: {} }) => ({ DefaultAction, Rules: rules, Scope: 'REGIONAL', VisibilityConfig: visibility });
const req = (uriPath: string, sourceIp: string, headers?: Record<string, string>): WafRequest => ({ uriPath, sourceIp, headers });

describe('rule order and actions', () => {
  test('rules run in ascending priority whatever their order in the list', () => {
    // GIVEN an ALLOW rule at priority 5 listed after a BLOCK rule at priority 10, both matching /admin
    const webAcl = acl([rule('Block', 10, adminPath), rule('Allow', 5, adminPath, { Allow: {} })]);

    // THEN the ALLOW rule decides
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), { ipSets })).toMatchObject({ action: 'ALLOW', terminatingRule: 'Allow' });
  });

  test('COUNT does not terminate; a later rule or the default action decides', () => {
    const webAcl = acl([rule('Count', 1, adminPath, { Count: {} }), rule('Block', 2, adminPath)]);
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'))).toEqual({
      action: 'BLOCK', terminatingRule: 'Block', terminatingAction: 'BLOCK', matchedRules: ['Count', 'Block'], skippedRules: [], labels: [],
    });
    const countOnly = acl([rule('Count', 1, adminPath, { Count: {} })], { Block: {} });
    expect(evaluateWebAcl(countOnly, req('/admin', '192.0.2.1'))).toMatchObject({ action: 'BLOCK', terminatingRule: undefined, matchedRules: ['Count'] });
  });

  test.each([['Captcha'], ['Challenge']])('%s ends evaluation as a block for a request without a token', (action) => {
    const webAcl = acl([rule('Ask', 1, adminPath, { [action]: {} })]);
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'))).toMatchObject({ action: 'BLOCK', terminatingAction: action.toUpperCase() });
  });

  test('the default action applies when nothing terminates', () => {
    expect(evaluateWebAcl(acl([rule('Block', 1, adminPath)]), req('/public', '192.0.2.1'))).toMatchObject({ action: 'ALLOW', terminatingRule: undefined });
    expect(evaluateWebAcl(acl([], { Block: {} }), req('/public', '192.0.2.1')).action).toBe('BLOCK');
  });

  test('labels added by a rule are seen by later label match statements', () => {
    const webAcl = acl([
      { ...rule('Tag', 1, adminPath, { Count: {} }), RuleLabels: [{ Name: 'admin:path' }] },
      rule('BlockTagged', 2, { LabelMatchStatement: { Scope: 'LABEL', Key: 'admin:path' } }),
    ]);
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'))).toMatchObject({ action: 'BLOCK', terminatingRule: 'BlockTagged', labels: ['admin:path'] });
  });
});

describe('statements', () => {
  const blockUnlessOffice = acl([rule('R', 1, { AndStatement: { Statements: [adminPath, { NotStatement: { Statement: office } }] } })]);

  test.each([
    ['/admin', '198.51.100.20', 'ALLOW'],
    ['/admin', '2001:db8:1:ffff::1', 'ALLOW'],
    ['/admin', '198.51.101.1', 'BLOCK'],
    ['/admin', '2001:db8:2::1', 'BLOCK'],
    ['/ADMIN', '192.0.2.1', 'BLOCK'], // LOWERCASE applied before matching
    ['/public', '192.0.2.1', 'ALLOW'],
    ['/admin', '::ffff:198.51.100.20', 'BLOCK'], // an IPv6 address never matches an IPv4 range
  ])('AND / NOT / IP set: %s from %s -> %s', (path, ip, action) => {
    expect(evaluateWebAcl(blockUnlessOffice, req(path, ip), { ipSets }).action).toBe(action);
  });

  test('an IP set referenced by a literal ARN is looked up by that string', () => {
    const webAcl = acl([rule('R', 1, { IPSetReferenceStatement: { Arn: 'Literal' } })]);
    expect(evaluateWebAcl(webAcl, req('/', '203.0.113.7'), { ipSets }).action).toBe('BLOCK');
    expect(evaluateWebAcl(webAcl, req('/', '203.0.113.8'), { ipSets }).action).toBe('ALLOW');
  });

  test.each([
    ['EXACTLY', '/admin', true], ['EXACTLY', '/admin/', false],
    ['STARTS_WITH', '/admin/x', true], ['STARTS_WITH', '/x/admin', false],
    ['ENDS_WITH', '/x/admin', true], ['CONTAINS', '/x/admin/y', true],
    ['CONTAINS_WORD', '/x/admin/y', true], ['CONTAINS_WORD', '/x/administrator', false],
  ])('byte match %s on %s -> %s', (PositionalConstraint, path, matches) => {
    const search = PositionalConstraint.startsWith('CONTAINS_WORD') ? 'admin' : '/admin';
    const webAcl = acl([rule('R', 1, { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: search, PositionalConstraint, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } })]);
    expect(evaluateWebAcl(webAcl, req(path, '192.0.2.1')).action).toBe(matches ? 'BLOCK' : 'ALLOW');
  });

  test('regex match runs on the transformed value', () => {
    const webAcl = acl([rule('R', 1, { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: '^/admin(?:$|[^a-z0-9_-])', TextTransformations: lower } })]);
    expect(evaluateWebAcl(webAcl, req('/Admin;x', '192.0.2.1')).action).toBe('BLOCK');
    expect(evaluateWebAcl(webAcl, req('/administrator', '192.0.2.1')).action).toBe('ALLOW');
  });

  test('a size constraint on a missing header does not match, so NOT of it does', () => {
    const missing = { NotStatement: { Statement: { SizeConstraintStatement: { FieldToMatch: { SingleHeader: { Name: 'x-forwarded-for' } }, ComparisonOperator: 'GT', Size: 0, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } } } };
    const webAcl = acl([rule('R', 1, missing)]);
    expect(evaluateWebAcl(webAcl, req('/', '192.0.2.1')).action).toBe('BLOCK');
    expect(evaluateWebAcl(webAcl, req('/', '192.0.2.1', { 'x-forwarded-for': '' })).action).toBe('BLOCK');
    expect(evaluateWebAcl(webAcl, req('/', '192.0.2.1', { 'X-Forwarded-For': '198.51.100.1' })).action).toBe('ALLOW');
  });
});

describe('forwarded IP', () => {
  const blockUnless = (position: string, fallback?: string) =>
    acl([rule('R', 1, { NotStatement: { Statement: forwardedOffice(position, fallback) } })]);

  test('a rule whose forwarded IP header is missing is not applied at all', () => {
    const result = evaluateWebAcl(blockUnless('LAST'), req('/admin', '192.0.2.1'), { ipSets });
    expect(result).toMatchObject({ action: 'ALLOW', skippedRules: ['R'] });
  });

  test.each([
    ['LAST', '192.0.2.1, 198.51.100.5', 'ALLOW'],
    ['LAST', '198.51.100.5, 192.0.2.1', 'BLOCK'],
    ['FIRST', '198.51.100.5, 192.0.2.1', 'ALLOW'],
    ['FIRST', '192.0.2.1, 198.51.100.5', 'BLOCK'],
    ['ANY', '192.0.2.1, 198.51.100.5, 192.0.2.2', 'ALLOW'],
    ['ANY', '192.0.2.1, 192.0.2.2', 'BLOCK'],
    ['ANY', '198.51.100.5, 1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.4, 1.1.1.5, 1.1.1.6, 1.1.1.7, 1.1.1.8, 1.1.1.9, 1.1.1.10', 'BLOCK'], // only the last 10
    ['LAST', '2001:db8:1::9', 'ALLOW'],
    ['LAST', 'not-an-ip', 'BLOCK'], // NO_MATCH fallback: not allowlisted
    ['LAST', '198.51.100.5, garbage', 'BLOCK'],
    ['ANY', 'garbage, 198.51.100.5', 'ALLOW'],
  ])('%s of %j -> %s', (position, header, action) => {
    expect(evaluateWebAcl(blockUnless(position), req('/admin', '192.0.2.1', { 'x-forwarded-for': header }), { ipSets }).action).toBe(action);
  });

  test('MATCH fallback treats an invalid address as matching', () => {
    expect(evaluateWebAcl(blockUnless('LAST', 'MATCH'), req('/admin', '192.0.2.1', { 'X-Forwarded-For': 'garbage' }), { ipSets }).action).toBe('ALLOW');
  });

  test('the source address is ignored when a forwarded IP is configured', () => {
    expect(evaluateWebAcl(blockUnless('LAST'), req('/admin', '198.51.100.5', { 'X-Forwarded-For': '192.0.2.1' }), { ipSets }).action).toBe('BLOCK');
  });
});

describe('what it cannot evaluate', () => {
  test('managed rule groups do not match by default, or throw when asked', () => {
    const webAcl = acl([{ Name: 'CRS', Priority: 1, OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } }, VisibilityConfig: visibility }]);
    expect(evaluateWebAcl(webAcl, req('/', '192.0.2.1')).action).toBe('ALLOW');
    expect(() => evaluateWebAcl(webAcl, req('/', '192.0.2.1'), { opaqueStatements: 'CANNOT_EVALUATE' })).toThrow(CannotEvaluateError);
  });

  test.each([
    ['an unknown statement', acl([rule('R', 1, { XssMatchStatement: {} })]), /XssMatchStatement/],
    ['an unknown transformation', acl([rule('R', 1, { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/a', PositionalConstraint: 'EXACTLY', TextTransformations: [{ Priority: 0, Type: 'CMD_LINE' }] } })]), /CMD_LINE/],
    ['an unknown IP set', acl([rule('R', 1, { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Nope', 'Arn'] } } })]), /Nope/],
    ['an unresolved search string', acl([rule('R', 1, { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: { Ref: 'P' }, PositionalConstraint: 'EXACTLY' } })]), /SearchString.*Ref/],
    ['an unresolved priority', acl([rule('R', { Ref: 'P' } as unknown as number, adminPath)]), /Priority/],
  ])('%s throws CannotEvaluateError naming it', (_what, webAcl, message) => {
    expect(() => new WafEvaluator(webAcl, { ipSets }).evaluate(req('/a', '192.0.2.1'))).toThrow(message);
  });
});

describe('template helpers', () => {
  test('read web ACLs and IP sets from a template by logical id', () => {
    const template = {
      Resources: {
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: acl([]) },
        Set: { Type: 'AWS::WAFv2::IPSet', Properties: { Addresses: ['192.0.2.0/24'], IPAddressVersion: 'IPV4' } },
        Tokenized: { Type: 'AWS::WAFv2::IPSet', Properties: { Addresses: { Ref: 'Param' } } },
        Other: { Type: 'AWS::S3::Bucket' },
      },
    };
    expect(Object.keys(webAclsFromTemplate(template))).toEqual(['Acl']);
    expect(ipSetsFromTemplate(template)).toEqual({ Set: ['192.0.2.0/24'] });
  });
});

describe('the core rule set body size limit (SizeRestrictions_BODY)', () => {
  const crs = (statement: object = {}, OverrideAction: object = { None: {} }) => ({
    Name: 'CRS',
    Priority: 10,
    OverrideAction,
    VisibilityConfig: visibility,
    Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', ...statement } },
  });
  const post = (uriPath: string, bodySize: number): WafRequest => ({ uriPath, sourceIp: '192.0.2.1', method: 'POST', bodySize });
  const LABEL = 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body';

  test('a body over 8,192 bytes is blocked by the group, labelled; 8,192 bytes is not', () => {
    const webAcl = acl([crs()]);
    expect(evaluateWebAcl(webAcl, post('/upload', 8193))).toEqual({
      action: 'BLOCK', terminatingRule: 'CRS', terminatingGroupRule: 'SizeRestrictions_BODY', terminatingAction: 'BLOCK', matchedRules: ['CRS'], skippedRules: [], labels: [LABEL],
    });
    expect(evaluateWebAcl(webAcl, post('/upload', 8192))).toMatchObject({ action: 'ALLOW', matchedRules: [] });
  });

  test.each<[string, object, object | undefined, string]>([
    ['an exclusion counts it', { ExcludedRules: [{ Name: 'SizeRestrictions_BODY' }] }, undefined, 'ALLOW'],
    ['an override to COUNT counts it', { RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }] }, undefined, 'ALLOW'],
    ['an override to CAPTCHA asks', { RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Captcha: {} } }] }, undefined, 'BLOCK'],
    ['an override of another rule changes nothing', { RuleActionOverrides: [{ Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } }] }, undefined, 'BLOCK'],
    ['the rule-level OverrideAction Count counts the whole group', {}, { Count: {} }, 'ALLOW'],
  ])('%s', (_, statement, overrideAction, action) => {
    const result = evaluateWebAcl(acl([crs(statement, overrideAction)]), post('/upload', 20_000));
    expect(result.action).toBe(action);
    expect(result.labels).toEqual([LABEL]);
  });

  test('a counted match still labels the request, so a later rule can block it elsewhere', () => {
    const laterRule = rule('OnlyUpload', 20, {
      AndStatement: {
        Statements: [
          { LabelMatchStatement: { Scope: 'LABEL', Key: LABEL } },
          { NotStatement: { Statement: { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/upload', PositionalConstraint: 'EXACTLY', TextTransformations: lower } } } },
        ],
      },
    });
    const webAcl = acl([crs({ ExcludedRules: [{ Name: 'SizeRestrictions_BODY' }] }), laterRule]);
    expect(evaluateWebAcl(webAcl, post('/upload', 20_000)).action).toBe('ALLOW');
    expect(evaluateWebAcl(webAcl, post('/profile', 20_000))).toMatchObject({ action: 'BLOCK', terminatingRule: 'OnlyUpload' });
  });

  test('a request the scope-down does not match skips the group', () => {
    const notUpload = { NotStatement: { Statement: { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/upload', PositionalConstraint: 'EXACTLY', TextTransformations: lower } } } };
    const webAcl = acl([crs({ ScopeDownStatement: notUpload })]);
    expect(evaluateWebAcl(webAcl, post('/upload', 20_000))).toMatchObject({ action: 'ALLOW', labels: [] });
    expect(evaluateWebAcl(webAcl, post('/profile', 20_000)).action).toBe('BLOCK');
  });

  test('without a body size, or for another group, the group stays opaque', () => {
    expect(evaluateWebAcl(acl([crs()]), req('/upload', '192.0.2.1')).action).toBe('ALLOW');
    expect(() => evaluateWebAcl(acl([crs()]), req('/upload', '192.0.2.1'), { opaqueStatements: 'CANNOT_EVALUATE' })).toThrow(CannotEvaluateError);
    const sqli = { ...crs(), Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesSQLiRuleSet' } } };
    expect(evaluateWebAcl(acl([sqli]), post('/upload', 20_000)).action).toBe('ALLOW');
  });

  test('by property: blocked exactly when the body is over 8 KB', () => {
    const webAcl = new WafEvaluator(acl([crs()]));
    fc.assert(fc.property(fc.nat({ max: 1_000_000 }), (bodySize) => {
      expect(webAcl.evaluate(post('/', bodySize)).action).toBe(bodySize > 8192 ? 'BLOCK' : 'ALLOW');
    }));
  });
});

describe('rate-based statements', () => {
  const login = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/login', PositionalConstraint: 'STARTS_WITH', TextTransformations: lower } };
  const rate = (statement: object) => acl([rule('Throttle', 1, { RateBasedStatement: { Limit: 100, EvaluationWindowSec: 300, AggregateKeyType: 'IP', ...statement } })]);
  const at = (uriPath: string, requestsInWindow: number, headers?: Record<string, string>): WafRequest => ({ uriPath, sourceIp: '192.0.2.1', headers, requestsInWindow });

  test('matches once the requests in the window exceed the limit, within the scope-down', () => {
    const webAcl = rate({ ScopeDownStatement: login });
    expect(evaluateWebAcl(webAcl, at('/login', 101))).toMatchObject({ action: 'BLOCK', terminatingRule: 'Throttle' });
    expect(evaluateWebAcl(webAcl, at('/login', 100)).action).toBe('ALLOW');
    expect(evaluateWebAcl(webAcl, at('/home', 10_000)).action).toBe('ALLOW');
  });

  test('by property: over the limit and in scope, exactly', () => {
    const evaluator = new WafEvaluator(rate({ ScopeDownStatement: login }));
    fc.assert(fc.property(fc.nat({ max: 1000 }), fc.constantFrom('/login', '/LOGIN/x', '/home'), (n, uriPath) => {
      expect(evaluator.evaluate(at(uriPath, n)).action).toBe(n > 100 && uriPath.toLowerCase().startsWith('/login') ? 'BLOCK' : 'ALLOW');
    }));
  });

  test('a forwarded IP aggregation skips a request without the header; a header key does not count it', () => {
    const forwarded = rate({ AggregateKeyType: 'FORWARDED_IP', ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'NO_MATCH' } });
    expect(evaluateWebAcl(forwarded, at('/', 500))).toMatchObject({ action: 'ALLOW', skippedRules: ['Throttle'] });
    expect(evaluateWebAcl(forwarded, at('/', 500, { 'X-Forwarded-For': '192.0.2.9' })).action).toBe('BLOCK');
    const byKey = rate({ AggregateKeyType: 'CUSTOM_KEYS', CustomKeys: [{ Header: { Name: 'x-api-key', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }] });
    expect(evaluateWebAcl(byKey, at('/', 500)).action).toBe('ALLOW');
    expect(evaluateWebAcl(byKey, at('/', 500, { 'x-api-key': 'k' })).action).toBe('BLOCK');
  });

  test('without requestsInWindow it stays opaque', () => {
    expect(evaluateWebAcl(rate({}), req('/', '192.0.2.1')).action).toBe('ALLOW');
    expect(() => evaluateWebAcl(rate({}), req('/', '192.0.2.1'), { opaqueStatements: 'CANNOT_EVALUATE' })).toThrow(/opaque to the model without requestsInWindow/);
  });
});
