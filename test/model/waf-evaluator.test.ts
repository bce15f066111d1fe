import { CannotEvaluateError, evaluateWebAcl, ipSetsFromTemplate, WafEvaluator, WafRequest, webAclsFromTemplate } from '../../src/model/waf-evaluator';

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
