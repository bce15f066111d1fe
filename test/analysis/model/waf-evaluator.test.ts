import * as fc from 'fast-check';
import { CannotEvaluateError, evaluateWebAcl, ipSetsFromTemplate, WafEvaluator, WafLabelNamespace, WafRequest, webAclsFromTemplate } from '../../../src/analysis/model/waf-evaluator';
import { WafRuleGroupContent } from '../../../src/analysis/model/waf-rule-groups';
import { WafRuleGroupTree } from '../../../src/analysis/model/waf-statements-tree';

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

describe('web ACL shape', () => {
  test.each<[string, unknown, RegExp]>([
    ['not an object', 'acl', /^the web ACL's Properties is 'acl', not an object$/],
    ['null', null, /^the web ACL's Properties is null, not an object$/],
    ['rules not a list', { Rules: { Ref: 'R' }, DefaultAction: { Allow: {} } }, /^Rules is \{"Ref":"R"\}, not known at synth$/],
    ['no default action', { Rules: [] }, /^DefaultAction is \(not set\), neither \{ Allow \} nor \{ Block \}$/],
    ['a default action of another kind', { DefaultAction: { Count: {} } }, /^DefaultAction is \{"Count":\{\}\}, neither \{ Allow \} nor \{ Block \}$/],
  ])('refuses %s', (_name, webAcl, message) => {
    expect(() => new WafEvaluator(webAcl)).toThrow(CannotEvaluateError);
    expect(() => new WafEvaluator(webAcl)).toThrow(message);
  });

  test('a web ACL without Rules applies its default action', () => {
    expect(evaluateWebAcl({ DefaultAction: { Block: {} } }, req('/', '192.0.2.1'))).toEqual({
      action: 'BLOCK', terminatingRule: undefined, terminatingAction: undefined, matchedRules: [], skippedRules: [], labels: [],
    });
  });

  test.each<[string, object, RegExp]>([
    ['an action it does not know', rule('R', 1, adminPath, { Drop: {} }), /^rule 'R' Action is \{"Drop":\{\}\}, not one of Allow, Block, Count, Captcha or Challenge$/],
    ['neither Action nor OverrideAction', { Name: 'R', Priority: 1, Statement: adminPath }, /^rule 'R' has neither Action nor OverrideAction \(OverrideAction \(not set\)\)$/],
    ['a missing priority', { Name: 'R', Statement: adminPath, Action: { Block: {} } }, /^rule 'R' Priority is not set \(a number belongs there\)$/],
  ])('refuses a rule with %s', (_name, r, message) => {
    expect(() => evaluateWebAcl(acl([r]), req('/admin', '192.0.2.1'))).toThrow(message);
  });

  test('a rule group reference with OverrideAction Count or None never terminates', () => {
    const group = (OverrideAction: object) => ({ Name: 'G', Priority: 1, OverrideAction, Statement: { RuleGroupReferenceStatement: { Arn: 'arn' } } });
    for (const override of [{ Count: {} }, { None: {} }]) {
      expect(evaluateWebAcl(acl([group(override)], { Block: {} }), req('/', '192.0.2.1'))).toMatchObject({ action: 'BLOCK', matchedRules: [] });
    }
    // OverrideAction belongs to a rule group reference only (an empty one there is "neither": waf-statements-tree.test.ts).
    expect(() => evaluateWebAcl(acl([{ Name: 'G', Priority: 1, OverrideAction: {}, Statement: adminPath }]), req('/admin', '192.0.2.1')))
      .toThrow(/^rule 'G' sets OverrideAction but references no rule group \(its statement takes Action\)$/);
  });

  test.each([['RuleGroupReferenceStatement'], ['RateBasedStatement'], ['ManagedRuleGroupStatement']])('%s is opaque', (type) => {
    const webAcl = acl([rule('R', 1, { [type]: {} })]);
    expect(evaluateWebAcl(webAcl, req('/', '192.0.2.1')).matchedRules).toEqual([]);
    expect(() => evaluateWebAcl(webAcl, req('/', '192.0.2.1'), { opaqueStatements: 'CANNOT_EVALUATE' })).toThrow(`${type} is opaque to the model`);
  });
});

describe('statement shapes', () => {
  const run = (statement: unknown, request = req('/admin', '192.0.2.1')) => evaluateWebAcl(acl([rule('R', 1, statement as object)]), request, { ipSets });

  test.each<[string, unknown, RegExp]>([
    ['not an object', 'x', /^rule 'R' Statement is 'x', not a statement object$/],
    ['no type', {}, /^rule 'R' Statement must have exactly one statement type, found none$/],
    ['two types', { AndStatement: {}, OrStatement: {} }, /^rule 'R' Statement must have exactly one statement type, found AndStatement, OrStatement$/],
    ['an unresolved list', { OrStatement: { Statements: { Ref: 'S' } } }, /^rule 'R' Statement\.OrStatement\.Statements is \{"Ref":"S"\}, not known at synth$/],
    ['an unresolved AND list', { AndStatement: { Statements: 'S' } }, /^rule 'R' Statement\.AndStatement\.Statements is 'S', not a list$/],
    ['an AND without a list', { AndStatement: {} }, /^rule 'R' Statement\.AndStatement\.Statements is not set \(a list belongs there\)$/],
    ['an unknown field', { ByteMatchStatement: { FieldToMatch: { Body: {} }, SearchString: 'a', PositionalConstraint: 'EXACTLY' } }, /^FieldToMatch Body is not modelled$/],
    ['no field', { ByteMatchStatement: { SearchString: 'a', PositionalConstraint: 'EXACTLY' } }, /^rule 'R' Statement\.ByteMatchStatement\.FieldToMatch is not set \(an object with one request component belongs there\)$/],
    ['an unknown position', { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: 'a', PositionalConstraint: 'REGEX' } }, /^rule 'R' Statement\.ByteMatchStatement\.PositionalConstraint is 'REGEX', not one of EXACTLY, STARTS_WITH, ENDS_WITH, CONTAINS, CONTAINS_WORD$/],
    ['a regex JS cannot compile', { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: '(' } }, /^RegexString '\(' cannot be compiled: /],
    ['an unknown comparison', { SizeConstraintStatement: { FieldToMatch: { UriPath: {} }, ComparisonOperator: 'APPROX', Size: 1 } }, /^rule 'R' Statement\.SizeConstraintStatement\.ComparisonOperator is 'APPROX', not one of EQ, NE, LE, LT, GE, GT$/],
    ['an unresolved label key', { LabelMatchStatement: { Scope: 'LABEL', Key: { Ref: 'K' } } }, /^rule 'R' Statement\.LabelMatchStatement\.Key is \{"Ref":"K"\}, not known at synth$/],
    ['a header name that is a list', { ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: ['x'] } }, SearchString: 'a', PositionalConstraint: 'EXACTLY' } }, /^rule 'R' Statement\.ByteMatchStatement\.FieldToMatch\.SingleHeader\.Name is \["x"\], not a string$/],
  ])('refuses %s', (_name, statement, message) => {
    expect(() => run(statement)).toThrow(message);
  });

  test('OR matches when any child does, NOT inverts', () => {
    const other = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/other', PositionalConstraint: 'EXACTLY' } };
    expect(run({ OrStatement: { Statements: [other, adminPath] } }).action).toBe('BLOCK');
    expect(run({ OrStatement: { Statements: [other, other] } }).action).toBe('ALLOW');
    expect(run({ AndStatement: { Statements: [other, adminPath] } }).action).toBe('ALLOW');
    expect(run({ NotStatement: { Statement: other } }).action).toBe('BLOCK');
  });

  test('byte match on a header, the method, the query string, and a base64 search string', () => {
    const byte = (FieldToMatch: object, search: object) => ({ ByteMatchStatement: { FieldToMatch, PositionalConstraint: 'EXACTLY', ...search } });
    const full: WafRequest = { uriPath: '/', sourceIp: '192.0.2.1', headers: { 'User-Agent': 'curl' }, method: 'POST', queryString: 'a=1' };
    expect(run(byte({ SingleHeader: { Name: 'user-agent' } }, { SearchString: 'curl' }), full).action).toBe('BLOCK');
    expect(run(byte({ Method: {} }, { SearchString: 'POST' }), full).action).toBe('BLOCK');
    expect(run(byte({ Method: {} }, { SearchString: 'GET' }), full).action).toBe('ALLOW');
    expect(run(byte({ QueryString: {} }, { SearchString: 'a=1' }), full).action).toBe('BLOCK');
    expect(run(byte({ QueryString: {} }, { SearchStringBase64: Buffer.from('a=1').toString('base64') }), full).action).toBe('BLOCK');
    // a request without the component does not match
    expect(run(byte({ Method: {} }, { SearchString: '' })).action).toBe('ALLOW');
    expect(run(byte({ QueryString: {} }, { SearchString: '' })).action).toBe('ALLOW');
    expect(run({ RegexMatchStatement: { FieldToMatch: { Method: {} }, RegexString: '.*' } }).action).toBe('ALLOW');
  });

  test('CONTAINS_WORD needs a non-word character or the edge on both sides, at any occurrence', () => {
    const word = (uriPath: string) => run({ ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: 'admin', PositionalConstraint: 'CONTAINS_WORD' } }, req(uriPath, '192.0.2.1')).action;
    expect(word('admin')).toBe('BLOCK');
    expect(word('x admin')).toBe('BLOCK');
    expect(word('admin x')).toBe('BLOCK');
    expect(word('xadmin admin')).toBe('BLOCK');
    expect(word('admin_x')).toBe('ALLOW');
    expect(word('_admin')).toBe('ALLOW');
    expect(word('Zadmin')).toBe('ALLOW');
    expect(word('admin9')).toBe('ALLOW');
    expect(word('adm')).toBe('ALLOW');
    expect(word('/ends/with/STARTS_WITH')).toBe('ALLOW');
  });

  test.each([
    ['EQ', 4, true], ['EQ', 5, false], ['NE', 5, true], ['NE', 4, false],
    ['LE', 4, true], ['LE', 3, false], ['LT', 5, true], ['LT', 4, false],
    ['GE', 4, true], ['GE', 5, false], ['GT', 3, true], ['GT', 4, false],
  ])('size of "/abc" (4) %s %s -> %s', (ComparisonOperator, Size, matches) => {
    const statement = { SizeConstraintStatement: { FieldToMatch: { UriPath: {} }, ComparisonOperator, Size: String(Size) } };
    expect(run(statement, req('/abc', '192.0.2.1')).action).toBe(matches ? 'BLOCK' : 'ALLOW');
  });

  test('ENDS_WITH matches the end only; label keys are found among several labels', () => {
    const ends = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/admin', PositionalConstraint: 'ENDS_WITH' } };
    expect(run(ends, req('/x/admin', '192.0.2.1')).action).toBe('BLOCK');
    expect(run(ends, req('/admin/x', '192.0.2.1')).action).toBe('ALLOW');
    const labelled = (Scope: string, Key: string) => evaluateWebAcl(acl([
      { ...rule('Tag', 1, adminPath, { Count: {} }), RuleLabels: [{ Name: 'other:x' }, { Name: 'admin:path' }] },
      rule('M', 2, { LabelMatchStatement: { Scope, Key } }),
    ]), req('/admin', '192.0.2.1')).terminatingRule;
    expect(labelled('LABEL', 'admin:path')).toBe('M');
    expect(labelled('NAMESPACE', 'admin')).toBe('M');
  });

  test('a regex is compiled once and reused', () => {
    const evaluator = new WafEvaluator(acl([rule('R', 1, { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: '^/a$' } })]));
    expect(evaluator.evaluate(req('/a', '192.0.2.1')).action).toBe('BLOCK');
    expect(evaluator.evaluate(req('/b', '192.0.2.1')).action).toBe('ALLOW');
    expect(evaluator.evaluate(req('/a', '192.0.2.1')).action).toBe('BLOCK');
  });
});

describe('labels', () => {
  const tag = (name: string, labels: string[]) => ({ ...rule(name, 1, adminPath, { Count: {} }), RuleLabels: labels.map((Name) => ({ Name })) });
  const matchLabel = (Scope: string, Key: string, labels: string[]) =>
    evaluateWebAcl(acl([tag('Tag', labels), rule('M', 2, { LabelMatchStatement: { Scope, Key } })]), req('/admin', '192.0.2.1'));

  test('LABEL: the whole label, or its last parts after a colon', () => {
    expect(matchLabel('LABEL', 'admin:path', ['admin:path']).terminatingRule).toBe('M');
    expect(matchLabel('LABEL', 'path', ['admin:path']).terminatingRule).toBe('M');
    expect(matchLabel('LABEL', 'in:path', ['admin:path']).terminatingRule).toBeUndefined();
    expect(matchLabel('LABEL', 'admin', ['admin:path']).terminatingRule).toBeUndefined();
  });

  test('NAMESPACE: a label that starts with the namespace, or holds it after a colon', () => {
    expect(matchLabel('NAMESPACE', 'admin', ['admin:path']).terminatingRule).toBe('M');
    expect(matchLabel('NAMESPACE', 'admin:', ['awswaf:111:admin:path']).terminatingRule).toBe('M');
    expect(matchLabel('NAMESPACE', 'admin', ['superadmin:path']).terminatingRule).toBeUndefined();
    expect(matchLabel('NAMESPACE', 'path', ['admin:path']).terminatingRule).toBeUndefined();
  });

  describe('GIVEN a Key that names a label in full (awswaf:<account>:webacl:<Name>:<label>)', () => {
    const full = (Scope: string, Key: string, labelNamespace?: WafLabelNamespace) =>
      evaluateWebAcl(acl([tag('Tag', ['team:admin']), rule('M', 2, { LabelMatchStatement: { Scope, Key } })]), req('/admin', '192.0.2.1'), { labelNamespace });
    const known: WafLabelNamespace = { kind: 'webacl', account: '111122223333', name: 'Edge' };

    test.each<[string, string, string | undefined]>([
      ['LABEL', 'awswaf:111122223333:webacl:Edge:team:admin', 'M'],
      ['LABEL', 'awswaf:111122223333:webacl:Other:team:admin', undefined],
      ['LABEL', 'awswaf:444455556666:webacl:Edge:team:admin', undefined],
      ['LABEL', 'awswaf:111122223333:webacl:Edge:admin', undefined],
      ['LABEL', 'awswaf:111122223333:rulegroup:Edge:team:admin', undefined],
      ['NAMESPACE', 'awswaf:111122223333:webacl:Edge:', 'M'],
      ['NAMESPACE', 'awswaf:111122223333:webacl:Edge:team:', 'M'],
      ['NAMESPACE', 'awswaf:111122223333:webacl:Edge:team:admin:', undefined],
      ['NAMESPACE', 'awswaf:111122223333:webacl:Other:', undefined],
    ])('WHEN the account and Name are known and %s Key is %s THEN the terminating rule is %s', (scope, key, terminating) => {
      expect(full(scope, key, known).terminatingRule).toBe(terminating);
    });

    test('WHEN the account or the Name is not known at synth THEN a Key that depends on it cannot be evaluated, and one that differs elsewhere does not match', () => {
      expect(() => full('LABEL', 'awswaf:111122223333:webacl:Edge:team:admin', { kind: 'webacl', name: 'Edge' }))
        .toThrow(/^rule 'M' Statement\.LabelMatchStatement\.Key 'awswaf:111122223333:webacl:Edge:team:admin' names a label in full, and the account of the web ACL that adds it is not known at synth$/);
      expect(() => full('NAMESPACE', 'awswaf:111122223333:webacl:Edge:', { kind: 'webacl', account: '111122223333' }))
        .toThrow(/the Name of the web ACL that adds it is not known at synth$/);
      expect(() => full('LABEL', 'awswaf:111122223333:webacl:Edge:team:admin')).toThrow(CannotEvaluateError);
      // The label's own part differs: no name or account could make it match.
      expect(full('LABEL', 'awswaf:111122223333:webacl:Edge:team:other').terminatingRule).toBeUndefined();
      // A short Key needs neither.
      expect(full('LABEL', 'team:admin').terminatingRule).toBe('M');
    });

    test('WHEN the account is not known THEN a Key whose account part cannot be an account (12 digits) is decided without it', () => {
      const unknownAccount: WafLabelNamespace = { kind: 'webacl', name: 'Edge' };
      expect(full('NAMESPACE', 'awswaf:managed:', unknownAccount).terminatingRule).toBeUndefined();
      expect(full('LABEL', 'awswaf::webacl:Edge:team:admin', unknownAccount).terminatingRule).toBeUndefined();
      // A Name is 1 to 128 letters, digits, _ and -: an empty part cannot be one.
      expect(full('LABEL', 'awswaf:111122223333:webacl::team:admin', { kind: 'webacl', account: '111122223333' }).terminatingRule).toBeUndefined();
    });

    test('WHEN the Key spells the stack\'s own account (${AWS::AccountId}) THEN it equals the account of the web ACL of the same stack, known or not', () => {
      const own = (Key: unknown, labelNamespace: WafLabelNamespace) =>
        evaluateWebAcl(acl([tag('Tag', ['team:admin']), rule('M', 2, { LabelMatchStatement: { Scope: 'LABEL', Key } })]), req('/admin', '192.0.2.1'), { labelNamespace });
      const sameStack: WafLabelNamespace = { kind: 'webacl', name: 'Edge', stackId: 'S' };
      // !Sub, as written by hand, and the Fn::Join CDK writes for `awswaf:${stack.account}:...`
      expect(own({ 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:Edge:team:admin' }, sameStack).terminatingRule).toBe('M');
      expect(own({ 'Fn::Join': ['', ['awswaf:', { Ref: 'AWS::AccountId' }, ':webacl:Edge:team:admin']] }, sameStack).terminatingRule).toBe('M');
      // Another Name or label: decided, no match
      expect(own({ 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:Other:team:admin' }, sameStack).terminatingRule).toBeUndefined();
      // The stack not known: the account may differ
      expect(() => own({ 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:Edge:team:admin' }, { kind: 'webacl', name: 'Edge' })).toThrow(CannotEvaluateError);
      // Any other placeholder leaves the Key unknown, and so does the account inside a part
      expect(() => own({ 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:${Name}:team:admin' }, sameStack)).toThrow(/LabelMatchStatement\.Key is \{"Fn::Sub"/);
      expect(() => own({ 'Fn::Sub': 'team-${AWS::AccountId}' }, sameStack)).toThrow(/LabelMatchStatement\.Key is \{"Fn::Sub"/);
      // Messages show the Key as written
      expect(() => own({ 'Fn::Sub': 'awswaf:${AWS::AccountId}:webacl:Edge:team:admin' }, { kind: 'webacl', name: 'Edge' }))
        .toThrow("rule 'M' Statement.LabelMatchStatement.Key 'awswaf:${AWS::AccountId}:webacl:Edge:team:admin' names a label in full");
    });

    test('WHEN the label comes from a managed rule group THEN only its full name matches it', () => {
      const crs = { Name: 'CRS', Priority: 1, OverrideAction: { Count: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } };
      const byKey = (Key: string) => evaluateWebAcl(acl([crs, rule('M', 2, { LabelMatchStatement: { Scope: 'LABEL', Key } })]), { ...req('/', '192.0.2.1'), bodySize: 9000 });
      expect(byKey('awswaf:managed:aws:core-rule-set:SizeRestrictions_Body').terminatingRule).toBe('M');
      expect(byKey('SizeRestrictions_Body').terminatingRule).toBeUndefined();
    });
  });

  test('a rule that does not match adds no labels; every label of a matching rule is added', () => {
    const result = evaluateWebAcl(acl([
      { ...rule('Miss', 1, { NotStatement: { Statement: adminPath } }, { Count: {} }), RuleLabels: [{ Name: 'miss' }] },
      tag('Hit', ['a', 'b']),
    ]), req('/admin', '192.0.2.1'));
    expect(result).toEqual({ action: 'ALLOW', terminatingRule: undefined, terminatingAction: undefined, matchedRules: ['Hit'], skippedRules: [], labels: ['a', 'b'] });
  });
});

describe('IP sets and forwarded IP headers', () => {
  test('IP sets by Ref and by literal ARN, and the errors for what cannot be read', () => {
    const by = (Arn: unknown, key = 'Arn') => acl([rule('R', 1, { IPSetReferenceStatement: { [key]: Arn } })]);
    expect(evaluateWebAcl(by({ Ref: 'Office' }), req('/', '198.51.100.1'), { ipSets }).action).toBe('BLOCK');
    expect(evaluateWebAcl(by('Literal'), req('/', '203.0.113.7'), { ipSets }).action).toBe('BLOCK');
    expect(() => evaluateWebAcl(by({ 'Fn::GetAtt': [1, 'Arn'] }), req('/', '192.0.2.1'), { ipSets })).toThrow(/^rule 'R' Statement\.IPSetReferenceStatement\.Arn is \{"Fn::GetAtt":\[1,"Arn"\]\}, not known at synth$/);
    expect(() => evaluateWebAcl(by({ Ref: 7 }), req('/', '192.0.2.1'), { ipSets })).toThrow(/^rule 'R' Statement\.IPSetReferenceStatement\.Arn is \{"Ref":7\}, not known at synth$/);
    expect(() => evaluateWebAcl(by('Nope'), req('/', '192.0.2.1'))).toThrow(/^no addresses given for the IP set "Nope" \(key 'Nope'\)$/);
    expect(() => evaluateWebAcl(by('Bad'), req('/', '192.0.2.1'), { ipSets: { Bad: ['10.0.0.0/33'] } })).toThrow(/^IP set 'Bad' address "10\.0\.0\.0\/33" cannot be read: /);
    expect(() => evaluateWebAcl(by('Office'), req('/', 'not-an-ip'), { ipSets: { Office: ['10.0.0.0/8'] } })).toThrow(/^request sourceIp 'not-an-ip' is not an IP address$/);
    // host bits in an IP set address are ignored, as WAF does
    expect(evaluateWebAcl(by('Office'), req('/', '10.200.0.1'), { ipSets: { Office: ['10.1.2.3/8'] } }).action).toBe('BLOCK');
  });

  test('one evaluator reads each IP set once and keeps answering from it', () => {
    const evaluator = new WafEvaluator(acl([rule('R', 1, office)]), { ipSets });
    expect(evaluator.evaluate(req('/', '198.51.100.1')).action).toBe('BLOCK');
    expect(evaluator.evaluate(req('/', '192.0.2.1')).action).toBe('ALLOW');
    expect(evaluator.evaluate(req('/', '198.51.100.2')).action).toBe('BLOCK');
  });

  test.each<[string, object]>([
    ['inside AND', { AndStatement: { Statements: [adminPath, forwardedOffice('LAST')] } }],
    ['inside OR', { OrStatement: { Statements: [adminPath, forwardedOffice('LAST')] } }],
    ['inside NOT', { NotStatement: { Statement: forwardedOffice('LAST') } }],
    ['a geo match', { GeoMatchStatement: { CountryCodes: ['US'], ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' } } }],
    ['a rate-based statement', { RateBasedStatement: { Limit: 100, ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' } } }],
    ['a rate-based scope-down', { RateBasedStatement: { Limit: 100, ScopeDownStatement: forwardedOffice('LAST') } }],
    ['a managed rule group scope-down', { ManagedRuleGroupStatement: { Name: 'x', ScopeDownStatement: forwardedOffice('LAST') } }],
  ])('a missing forwarded IP header skips the whole rule: %s', (_name, statement) => {
    const result = evaluateWebAcl(acl([rule('R', 1, statement)]), req('/admin', '192.0.2.1', { 'X-Other': '1' }), { ipSets });
    expect(result).toEqual({ action: 'ALLOW', terminatingRule: undefined, terminatingAction: undefined, matchedRules: [], skippedRules: ['R'], labels: [] });
  });

  test('a rule without forwarded IP configuration is never skipped', () => {
    expect(evaluateWebAcl(acl([rule('R', 1, { NotStatement: { Statement: { OrStatement: { Statements: [office] } } } })]), req('/', '192.0.2.1'), { ipSets }))
      .toMatchObject({ action: 'BLOCK', skippedRules: [] });
  });

  test('forwarded addresses are trimmed; an unknown position or fallback cannot be evaluated', () => {
    const blockOffice = (position: string, fallbackBehavior = 'NO_MATCH') => acl([rule('R', 1, forwardedOffice(position, fallbackBehavior))]);
    expect(evaluateWebAcl(blockOffice('FIRST'), req('/', '192.0.2.1', { 'x-forwarded-for': '  198.51.100.5  ,1.1.1.1' }), { ipSets }).action).toBe('BLOCK');
    expect(evaluateWebAcl(blockOffice('ANY'), req('/', '192.0.2.1', { 'x-forwarded-for': '1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.4, 1.1.1.5, 1.1.1.6, 1.1.1.7, 1.1.1.8, 1.1.1.9, 198.51.100.5' }), { ipSets }).action).toBe('BLOCK');
    expect(() => evaluateWebAcl(blockOffice('MIDDLE'), req('/', '192.0.2.1', { 'x-forwarded-for': '1.1.1.1' }), { ipSets })).toThrow(/^rule 'R' Statement\.IPSetReferenceStatement\.IPSetForwardedIPConfig\.Position is 'MIDDLE', not one of FIRST, LAST, ANY$/);
    expect(() => evaluateWebAcl(blockOffice('LAST', 'MAYBE'), req('/', '192.0.2.1', { 'x-forwarded-for': 'x' }), { ipSets })).toThrow(/^rule 'R' Statement\.IPSetReferenceStatement\.IPSetForwardedIPConfig\.FallbackBehavior is 'MAYBE', not one of MATCH, NO_MATCH$/);
    expect(evaluateWebAcl(blockOffice('LAST', 'MATCH'), req('/', '192.0.2.1', { 'x-forwarded-for': '' }), { ipSets }).action).toBe('BLOCK');
    expect(evaluateWebAcl(blockOffice('LAST', 'NO_MATCH'), req('/', '192.0.2.1', { 'x-forwarded-for': '' }), { ipSets }).action).toBe('ALLOW');
  });
});

describe('template helpers: what is left out', () => {
  test('IP sets with a non-string address and templates without resources', () => {
    const template = {
      Resources: {
        Mixed: { Type: 'AWS::WAFv2::IPSet', Properties: { Addresses: ['192.0.2.0/24', { Ref: 'P' }] } },
        Empty: { Type: 'AWS::WAFv2::IPSet', Properties: { Addresses: [] } },
        NoProps: { Type: 'AWS::WAFv2::IPSet' },
        Bare: { Type: 'AWS::WAFv2::WebACL' },
        Null: null,
      },
    };
    expect(ipSetsFromTemplate(template)).toEqual({ Empty: [] });
    expect(webAclsFromTemplate(template)).toEqual({ Bare: {} });
    expect(ipSetsFromTemplate({})).toEqual({});
    expect(webAclsFromTemplate(undefined)).toEqual({});
    expect(ipSetsFromTemplate(undefined)).toEqual({});
  });
});

describe('what survived mutation testing: gaps closed', () => {
  const crsRule = (extra: object, statement: object = {}) => ({
    Name: 'CRS',
    Priority: 1,
    VisibilityConfig: visibility,
    ...extra,
    Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', ...statement } },
  });
  const big = (bodySize: number): WafRequest => ({ uriPath: '/upload', sourceIp: '192.0.2.1', method: 'POST', bodySize });
  const noAddresses = { IPSetReferenceStatement: { Arn: { Ref: 'Unlisted' } } };

  test('a rule with a statement that cannot be read throws, even when another branch would decide', () => {
    // GIVEN an OR of a matching path and a statement the model cannot read (it may hold a forwarded IP header that
    // makes WAF skip the rule)
    const webAcl = acl([rule('R', 1, { OrStatement: { Statements: [adminPath, { 'Fn::If': ['C', adminPath, office] }] } })]);
    // WHEN a request matching the path arrives  THEN the evaluator refuses instead of guessing
    expect(() => evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'))).toThrow(CannotEvaluateError);
  });

  test('AND and OR decide by a known child and stay unknown otherwise', () => {
    // GIVEN an IP set with no addresses given (cannot be evaluated) next to a path match
    const or = acl([rule('R', 1, { OrStatement: { Statements: [noAddresses, adminPath] } })]);
    const and = acl([rule('R', 1, { AndStatement: { Statements: [noAddresses, adminPath] } })]);
    // THEN a true child decides the OR, a false child the AND
    expect(evaluateWebAcl(or, req('/admin', '192.0.2.1'))).toMatchObject({ action: 'BLOCK', terminatingRule: 'R' });
    expect(evaluateWebAcl(and, req('/public', '192.0.2.1')).action).toBe('ALLOW');
    // AND otherwise the unknown child's reason comes out
    expect(() => evaluateWebAcl(or, req('/public', '192.0.2.1'))).toThrow(/no addresses given for the IP set .*Unlisted/);
    expect(() => evaluateWebAcl(and, req('/admin', '192.0.2.1'))).toThrow(/no addresses given for the IP set .*Unlisted/);
  });

  test('a programming error under AND or OR is not hidden as an unknown', () => {
    // GIVEN addresses that are not a list (a caller's bug, not a template the model cannot read)
    const or = acl([rule('R', 1, { OrStatement: { Statements: [office, adminPath] } })]);
    // WHEN evaluated  THEN the TypeError surfaces, not a decision by the other child
    expect(() => evaluateWebAcl(or, req('/admin', '192.0.2.1'), { ipSets: { Office: 'x' as unknown as string[] } })).toThrow(TypeError);
  });

  test('an IP set address that is not a resolved string is named in the refusal', () => {
    const webAcl = acl([rule('R', 1, office)]);
    expect(() => evaluateWebAcl(webAcl, req('/', '192.0.2.1'), { ipSets: { Office: [{ Ref: 'P' } as unknown as string] } }))
      .toThrow(/^IP set 'Office' address \{"Ref":"P"\} cannot be read: IP set address is not a resolved string: \{"Ref":"P"\}$/);
    // a value JSON cannot print is still named
    expect(() => evaluateWebAcl(webAcl, req('/', '192.0.2.1'), { ipSets: { Office: [10n as unknown as string] } }))
      .toThrow(/^IP set 'Office' address 10 cannot be read: IP set address is not a resolved string: 10$/);
  });

  test('an IPv6 source never matches an IPv4 range whose numbers it falls in', () => {
    // GIVEN ::c633:6414, whose 128-bit value is that of 198.51.100.20
    const webAcl = acl([rule('R', 1, office)]);
    // THEN it is outside 198.51.100.0/24: families never mix
    expect(evaluateWebAcl(webAcl, req('/', '::c633:6414'), { ipSets }).action).toBe('ALLOW');
    expect(evaluateWebAcl(webAcl, req('/', '198.51.100.20'), { ipSets }).action).toBe('BLOCK');
  });

  test('a missing header does not match STARTS_WITH after a transformation, so NOT of it matches', () => {
    // GIVEN a rule blocking requests whose api key does not start with "k-" (lowercased first)
    const keyed = { ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'x-api-key' } }, SearchString: 'k-', PositionalConstraint: 'STARTS_WITH', TextTransformations: lower } };
    const webAcl = acl([rule('R', 1, { NotStatement: { Statement: keyed } })]);
    // THEN a request without the header is blocked, one with a good key allowed
    expect(evaluateWebAcl(webAcl, req('/', '192.0.2.1')).action).toBe('BLOCK');
    expect(evaluateWebAcl(webAcl, req('/', '192.0.2.1', { 'X-Api-Key': 'K-1' })).action).toBe('ALLOW');
  });

  test('the body size model applies to the AWS core rule set only, and needs an OverrideAction', () => {
    // GIVEN a group of another vendor with the same name  THEN it is opaque: no match
    const other = acl([crsRule({ OverrideAction: { None: {} } }, { VendorName: 'Acme' })]);
    expect(evaluateWebAcl(other, big(20_000))).toMatchObject({ action: 'ALLOW', matchedRules: [] });
    // GIVEN the core rule set written with an Action instead of an OverrideAction  THEN the refusal says so
    const withAction = acl([crsRule({ Action: { Block: {} } })]);
    expect(() => evaluateWebAcl(withAction, big(20_000))).toThrow(/^rule 'CRS' references a rule group but has no OverrideAction None or Count$/);
  });

  test('a rate-based key the model does not know is refused by name', () => {
    const webAcl = acl([rule('Throttle', 1, { RateBasedStatement: { Limit: 100, EvaluationWindowSec: 300, AggregateKeyType: 'CUSTOM_KEYS', CustomKeys: [{ Cookie: { Name: 'session', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }] } })]);
    expect(() => evaluateWebAcl(webAcl, { uriPath: '/', sourceIp: '192.0.2.1', requestsInWindow: 500 })).toThrow(/^rate-based custom key Cookie is not modelled$/);
  });
});

describe('rule groups', () => {
  // A terminating Allow or Block inside a rule group ends the web ACL's evaluation, unless the reference counts.
  // https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
  const everything = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/', PositionalConstraint: 'STARTS_WITH', TextTransformations: lower } };
  const reportsPath = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: '/reports', PositionalConstraint: 'STARTS_WITH', TextTransformations: lower } };
  const group = (name: string, rules: object[], groupIpSets: Record<string, string[]> = {}): WafRuleGroupContent => {
    const tree = WafRuleGroupTree.parse({ Name: name, Capacity: 100, Rules: rules });
    return { name: `Stack/${name}`, rules: tree.rules, ipSets: groupIpSets, invalid: tree.invalid };
  };
  const ruleGroups = (groups: Record<string, WafRuleGroupContent>) => (arn: unknown) => groups[(arn as { 'Fn::GetAtt': string[] })?.['Fn::GetAtt']?.[0]];
  const ref = (Name: string, Priority: number, groupId: string, OverrideAction: object = { None: {} }, extra: object = {}) =>
    ({ Name, Priority, OverrideAction, VisibilityConfig: visibility, Statement: { RuleGroupReferenceStatement: { Arn: { 'Fn::GetAtt': [groupId, 'Arn'] }, ...extra } } });
  const allowAll = group('Shared', [rule('AllowAll', 0, everything, { Allow: {} })]);

  test('GIVEN a group of the templates with an ALLOW of everything before a BLOCK WHEN evaluated THEN the group\'s rule ends the web ACL\'s evaluation', () => {
    const webAcl = acl([ref('UseShared', 1, 'Shared'), rule('Admin', 2, adminPath)]);
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), { ruleGroups: ruleGroups({ Shared: allowAll }) })).toEqual({
      action: 'ALLOW',
      terminatingRule: 'UseShared',
      terminatingGroupRule: 'AllowAll',
      terminatingGroup: 'Stack/Shared',
      terminatingAction: 'ALLOW',
      matchedRules: ['UseShared'],
      skippedRules: [],
      labels: [],
    });
    // Without the group's rules the reference is opaque: no match, and nothing says it may allow (the resolver found none).
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'))).toMatchObject({ action: 'BLOCK', terminatingRule: 'Admin' });
  });

  test('GIVEN a group whose BLOCK has a lower priority number than its ALLOW WHEN evaluated THEN the group\'s own order decides', () => {
    const ordered = group('Shared', [rule('AllowAll', 5, everything, { Allow: {} }), rule('NoAdmin', 1, adminPath)]);
    const webAcl = acl([ref('UseShared', 1, 'Shared')], { Block: {} });
    const options = { ruleGroups: ruleGroups({ Shared: ordered }) };
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), options)).toMatchObject({ action: 'BLOCK', terminatingRule: 'UseShared', terminatingGroupRule: 'NoAdmin' });
    expect(evaluateWebAcl(webAcl, req('/index.html', '192.0.2.1'), options)).toMatchObject({ action: 'ALLOW', terminatingGroupRule: 'AllowAll' });
  });

  test('GIVEN a group that matches nothing WHEN evaluated THEN evaluation goes on, with the labels its counting rules added', () => {
    const partner = { ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'x-partner' } }, SearchString: 'yes', PositionalConstraint: 'EXACTLY', TextTransformations: lower } };
    const tagging = group('Shared', [
      { ...rule('Tag', 0, adminPath, { Count: {} }), RuleLabels: [{ Name: 'admin-path' }] },
      rule('Partners', 1, partner, { Allow: {} }),
    ]);
    // The group's label is awswaf:<account>:rulegroup:Shared:admin-path: the web ACL names it in full.
    const webAcl = acl([ref('UseShared', 1, 'Shared'), rule('ByLabel', 2, { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:111122223333:rulegroup:Shared:admin-path' } })]);
    const options = { ruleGroups: ruleGroups({ Shared: { ...tagging, labelNamespace: { kind: 'rulegroup' as const, account: '111122223333', name: 'Shared' } } }) };
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), options)).toMatchObject({ action: 'BLOCK', terminatingRule: 'ByLabel', labels: ['admin-path'] });
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1', { 'X-Partner': 'yes' }), options)).toMatchObject({ action: 'ALLOW', terminatingGroupRule: 'Partners' });
  });

  describe('GIVEN a group of the templates under OverrideAction Count', () => {
    const shared: WafLabelNamespace = { kind: 'rulegroup', account: '111122223333', name: 'Shared' };
    const KEY = 'awswaf:111122223333:rulegroup:Shared:admin-path';
    const counted = (rules: object[]) => {
      const webAcl = acl([ref('CountShared', 1, 'Shared', { Count: {} }), rule('ByLabel', 2, { LabelMatchStatement: { Scope: 'LABEL', Key: KEY } })]);
      return (path: string) => evaluateWebAcl(webAcl, req(path, '192.0.2.1'), { ruleGroups: ruleGroups({ Shared: { ...group('Shared', rules), labelNamespace: shared } }) });
    };

    test('WHEN a request matches its labelling rules THEN their labels are added, and a later rule of the web ACL blocks on them', () => {
      // The group's BLOCK is counted (the web ACL goes on), but the rule still labels the request: the pattern "count the
      // group, block on its labels elsewhere".
      const run = counted([{ ...rule('Tag', 0, adminPath), RuleLabels: [{ Name: 'admin-path' }] }]);
      expect(run('/admin')).toMatchObject({ action: 'BLOCK', terminatingRule: 'ByLabel', terminatingGroupRule: undefined, labels: ['admin-path'] });
      expect(run('/index.html')).toMatchObject({ action: 'ALLOW', terminatingRule: undefined, labels: [] });
    });

    test('WHEN one of its rules would end the group\'s evaluation THEN the rules after it add nothing', () => {
      const run = counted([
        rule('StopsGroup', 0, adminPath, { Block: {} }),
        { ...rule('TagLater', 1, adminPath, { Count: {} }), RuleLabels: [{ Name: 'admin-path' }] },
      ]);
      expect(run('/admin')).toMatchObject({ action: 'ALLOW', terminatingRule: undefined, labels: [] });
    });

    test('WHEN its RuleActionOverrides are not known at synth THEN a later match on its labels cannot be evaluated; one that cannot name them is decided', () => {
      const tagging = { ...group('Shared', [{ ...rule('Tag', 0, adminPath, { Count: {} }), RuleLabels: [{ Name: 'admin-path' }] }]), labelNamespace: shared };
      const unknownOverrides = { RuleActionOverrides: { 'Fn::If': ['Strict', [], [{ Name: 'Tag', ActionToUse: { Block: {} } }]] } };
      const byKey = (Key: string) => evaluateWebAcl(acl([
        { ...rule('Own', 0, adminPath, { Count: {} }), RuleLabels: [{ Name: 'own' }] },
        ref('CountShared', 1, 'Shared', { Count: {} }, unknownOverrides),
        rule('ByLabel', 2, { LabelMatchStatement: { Scope: 'LABEL', Key } }),
      ]), req('/admin', '192.0.2.1'), { ruleGroups: ruleGroups({ Shared: tagging }) });
      expect(() => byKey(KEY)).toThrow(/may name one of the labels of rule group Stack\/Shared \(counted by rule 'CountShared'\): /);
      // The web ACL's own label, by its short name; another group's prefix; a managed group's: none of these can be the group's.
      expect(byKey('own').terminatingRule).toBe('ByLabel');
      expect(byKey('awswaf:111122223333:rulegroup:Other:admin-path').terminatingRule).toBeUndefined();
      expect(byKey('awswaf:managed:aws:core-rule-set:SizeRestrictions_Body').terminatingRule).toBeUndefined();
    });

    test('WHEN a labelling rule of it cannot be evaluated THEN a later label match that finds nothing cannot be evaluated either, naming the group', () => {
      const unknownPath = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, SearchString: { Ref: 'AdminPath' }, PositionalConstraint: 'STARTS_WITH', TextTransformations: lower } };
      const run = counted([{ ...rule('Tag', 0, unknownPath, { Count: {} }), RuleLabels: [{ Name: 'admin-path' }] }]);
      expect(() => run('/admin')).toThrow(new RegExp(`^rule 'ByLabel' Statement\\.LabelMatchStatement\\.Key '${KEY}' may name one of the labels of rule group Stack/Shared \\(counted by rule 'CountShared'\\): `));
    });
  });

  test('GIVEN a web ACL rule matching a group\'s label by its short name WHEN evaluated THEN it does not match: a short Key searches its own web ACL\'s labels', () => {
    const tagging = group('Shared', [{ ...rule('Tag', 0, adminPath, { Count: {} }), RuleLabels: [{ Name: 'admin-path' }] }]);
    const webAcl = acl([ref('UseShared', 1, 'Shared'), rule('ByLabel', 2, { LabelMatchStatement: { Scope: 'LABEL', Key: 'admin-path' } })]);
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), { ruleGroups: ruleGroups({ Shared: tagging }) }))
      .toMatchObject({ action: 'ALLOW', terminatingRule: undefined, labels: ['admin-path'] });
  });

  test('GIVEN a group whose rules match labels WHEN evaluated THEN a short Key finds the group\'s own labels, not the web ACL\'s', () => {
    const blocksTagged = group('Shared', [
      { ...rule('Tag', 0, adminPath, { Count: {} }), RuleLabels: [{ Name: 'inside' }] },
      rule('Inside', 1, { LabelMatchStatement: { Scope: 'LABEL', Key: 'inside' } }),
      rule('Outside', 2, { LabelMatchStatement: { Scope: 'LABEL', Key: 'outside' } }),
    ]);
    const webAcl = acl([{ ...rule('TagOutside', 0, everything, { Count: {} }), RuleLabels: [{ Name: 'outside' }] }, ref('UseShared', 1, 'Shared')]);
    const options = { ruleGroups: ruleGroups({ Shared: blocksTagged }) };
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), options)).toMatchObject({ action: 'BLOCK', terminatingGroupRule: 'Inside' });
    expect(evaluateWebAcl(webAcl, req('/index.html', '192.0.2.1'), options)).toMatchObject({ action: 'ALLOW', terminatingRule: undefined });
  });

  test.each<[string, object, string, string | undefined]>([
    ['ExcludedRules counting the ALLOW', { ExcludedRules: [{ Name: 'AllowAll' }] }, 'BLOCK', 'Admin'],
    // The group then cannot allow, but still runs in place: its rule, now a Block, blocks before the web ACL's own.
    ['an override of the ALLOW to Block', { RuleActionOverrides: [{ Name: 'AllowAll', ActionToUse: { Block: {} } }] }, 'BLOCK', 'UseShared'],
    ['an override of another rule', { RuleActionOverrides: [{ Name: 'Other', ActionToUse: { Count: {} } }] }, 'ALLOW', 'UseShared'],
  ])('GIVEN a reference with %s WHEN evaluated THEN the reference\'s override applies inside the group', (_, extra, action, by) => {
    const webAcl = acl([ref('UseShared', 1, 'Shared', { None: {} }, extra), rule('Admin', 2, adminPath)]);
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), { ruleGroups: ruleGroups({ Shared: allowAll }) })).toMatchObject({ action, terminatingRule: by });
  });

  test('GIVEN a group of BLOCK rules with one overridden to Allow WHEN evaluated THEN that rule allows', () => {
    const blocking = group('Shared', [rule('Reports', 0, reportsPath)]);
    const webAcl = acl([ref('UseShared', 1, 'Shared', { None: {} }, { RuleActionOverrides: [{ Name: 'Reports', ActionToUse: { Allow: {} } }] }), rule('All', 2, everything)]);
    expect(evaluateWebAcl(webAcl, req('/reports', '192.0.2.1'), { ruleGroups: ruleGroups({ Shared: blocking }) }))
      .toMatchObject({ action: 'ALLOW', terminatingGroupRule: 'Reports' });
  });

  test('GIVEN the reference\'s OverrideAction Count WHEN evaluated THEN the group cannot allow: the BLOCK after it decides', () => {
    const webAcl = acl([ref('UseShared', 1, 'Shared', { Count: {} }), rule('Admin', 2, adminPath)]);
    const result = evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), { ruleGroups: ruleGroups({ Shared: allowAll }) });
    expect(result).toMatchObject({ action: 'BLOCK', terminatingRule: 'Admin' });
    expect(result.unknownGroups).toBeUndefined();
  });

  test('GIVEN the group\'s own IP sets WHEN evaluated THEN its IP set references are looked up there, not in the web ACL\'s', () => {
    const fromOffice = group('Shared', [rule('Office', 0, office, { Allow: {} })], { Office: ['198.51.100.0/24'] });
    const webAcl = acl([ref('UseShared', 1, 'Shared')], { Block: {} });
    const options = { ipSets: { Office: ['203.0.113.0/24'] }, ruleGroups: ruleGroups({ Shared: fromOffice }) };
    expect(evaluateWebAcl(webAcl, req('/', '198.51.100.9'), options).action).toBe('ALLOW');
    expect(evaluateWebAcl(webAcl, req('/', '203.0.113.9'), options).action).toBe('BLOCK');
  });

  test('GIVEN a group rule that cannot be evaluated WHEN a request reaches it THEN the error names the group and the reference', () => {
    const unknownPriority = group('Shared', [{ ...rule('AllowAll', 0, everything, { Allow: {} }), Priority: { Ref: 'P' } }]);
    const webAcl = acl([rule('Admin', 0, adminPath), ref('UseShared', 1, 'Shared')]);
    const options = { ruleGroups: ruleGroups({ Shared: unknownPriority }) };
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1'), options).terminatingRule).toBe('Admin');
    expect(() => evaluateWebAcl(webAcl, req('/x', '192.0.2.1'), options))
      .toThrow(/^rule group Stack\/Shared \(referenced by rule 'UseShared'\): rule 'AllowAll' Priority is \{"Ref":"P"\}, not known at synth$/);
  });

  test('GIVEN a group outside the templates WHEN a request passes it THEN unknownGroups names it; a request stopped before it does not', () => {
    const outside = { Name: 'Outside', Priority: 1, OverrideAction: { None: {} }, VisibilityConfig: visibility, Statement: { RuleGroupReferenceStatement: { Arn: 'arn:aws:wafv2:us-east-1:111111111111:regional/rulegroup/shared/1' } } };
    const webAcl = acl([rule('Admin', 0, adminPath), outside, rule('Reports', 2, reportsPath)]);
    expect(evaluateWebAcl(webAcl, req('/admin', '192.0.2.1')).unknownGroups).toBeUndefined();
    expect(evaluateWebAcl(webAcl, req('/reports', '192.0.2.1'))).toMatchObject({
      action: 'BLOCK',
      terminatingRule: 'Reports',
      unknownGroups: [
        "rule 'Outside' references rule group \"arn:aws:wafv2:us-east-1:111111111111:regional/rulegroup/shared/1\", which names no AWS::WAFv2::RuleGroup of the templates judged: its rules may allow",
      ],
    });
    expect(() => evaluateWebAcl(webAcl, req('/reports', '192.0.2.1'), { opaqueStatements: 'CANNOT_EVALUATE' })).toThrow(/^RuleGroupReferenceStatement is opaque to the model: rule 'Outside'/);
  });

  test.each<[string, boolean, object]>([
    ['the AWS core rule set (its rules block, count or challenge)', false, { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }],
    ['the AWS core rule set with a rule overridden to Count', false, { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', RuleActionOverrides: [{ Name: 'NoUserAgent_HEADER', ActionToUse: { Count: {} } }] }],
    ['the AWS core rule set with a rule overridden to Allow', true, { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', RuleActionOverrides: [{ Name: 'NoUserAgent_HEADER', ActionToUse: { Allow: {} } }] }],
    ['a marketplace vendor\'s group', true, { VendorName: 'Acme', Name: 'AcmeRules' }],
  ])('GIVEN %s before a BLOCK WHEN a request passes it THEN it is listed among the groups that may allow: %s', (_, listed, statement) => {
    const managed = { Name: 'Managed', Priority: 1, OverrideAction: { None: {} }, VisibilityConfig: visibility, Statement: { ManagedRuleGroupStatement: statement } };
    const result = evaluateWebAcl(acl([managed, rule('Admin', 2, adminPath)]), req('/admin', '192.0.2.1'));
    expect(result).toMatchObject({ action: 'BLOCK', terminatingRule: 'Admin' });
    expect(result.unknownGroups?.length ?? 0).toBe(listed ? 1 : 0);
  });
});
