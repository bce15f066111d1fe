import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { ipSetsFromTemplate, WafEvaluator, webAclsFromTemplate } from '../../src/analysis/model/waf-evaluator';
import {
  ForwardedIpFallback,
  ForwardedIpPosition,
  ManagedRuleGroup,
  OriginPathStyle,
  PathAllowlistWaf,
  PathAllowlistWafProps,
  PathMatchType,
  RateLimitAggregateKey,
  RulePlacement,
  WafAction,
  WafStatement,
} from '../../src/waf';

/**
 * The synthesized web ACL, judged request by request through the model of WAF semantics: what a user relies on
 * is which requests reach the protected paths, not the shape of the JSON.
 */
function synthesize(props: PathAllowlistWafProps, configure?: (waf: PathAllowlistWaf) => void) {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const waf = new PathAllowlistWaf(stack, 'Waf', props);
  configure?.(waf);
  const template = Template.fromStack(stack).toJSON();
  const [webAcl] = Object.values(webAclsFromTemplate(template));
  return { webAcl, ipSets: ipSetsFromTemplate(template) };
}

function evaluatorFor(props: PathAllowlistWafProps, configure?: (waf: PathAllowlistWaf) => void): WafEvaluator {
  const { webAcl, ipSets } = synthesize(props, configure);
  return new WafEvaluator(webAcl, { ipSets });
}

const OFFICE_V4 = '198.51.100.23';
const OFFICE_V6 = '2001:db8:1:2::17';
const OTHER_V4 = '192.0.2.44';
const OTHER_V6 = '2001:db8:2::1';

const EXAMPLE: PathAllowlistWafProps = { protectedPaths: ['/admin', '/internal/'], allowedCidrs: ['198.51.100.0/24', '2001:db8:1::/48'] };

/**
 * Requests that reach /admin or /internal on some origin (decoding once or twice, resolving dot segments or not,
 * stripping `;params` or `.format`), written to slip past a naive starts-with match.
 */
const PROTECTED = [
  '/admin', '/admin/', '/admin/users', '/Admin', '/ADMIN/', '/%61dmin', '/%2561dmin', '/%u0061dmin', '/%uFF41dmin',
  '//admin', '/./admin', '/x/../admin', '/x/%2e%2e/admin', '/x/..%2fadmin', '/admin;x', '/admin;jsessionid=1/users',
  '/admin%2F', '/admin%2f..%2fusers', '/admin.json', '/admin%00', '/admin/..', '/admin/../public', '/internal',
  '/internal/reports', '/INTERNAL%2Freports', '/../admin',
];
/** Benign requests a non-allowlisted client must still reach. */
const BENIGN = ['/', '/administrator', '/adminx', '/admin-console', '/admin_old', '/public/admin', '/internalx', '/x/admin', '/%2e%2e/public'];

describe('default setup (source IP)', () => {
  const evaluator = evaluatorFor(EXAMPLE);

  test.each(PROTECTED)('%s from a non-allowlisted IPv4 or IPv6 address is blocked by the path rule', (uriPath) => {
    for (const sourceIp of [OTHER_V4, OTHER_V6]) {
      expect(evaluator.evaluate({ uriPath, sourceIp })).toMatchObject({ action: 'BLOCK', terminatingRule: 'PathAllowlist1' });
    }
  });

  test.each(PROTECTED)('%s from the allowlisted office (IPv4 and IPv6) is allowed', (uriPath) => {
    for (const sourceIp of [OFFICE_V4, OFFICE_V6]) {
      expect(evaluator.evaluate({ uriPath, sourceIp }).action).toBe('ALLOW');
    }
  });

  test.each(BENIGN)('%s is not a protected path', (uriPath) => {
    expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 })).toMatchObject({ action: 'ALLOW', matchedRules: [] });
  });

  test('a backslash path is not normalized for a POSIX origin (which does not treat \\ as a separator)', () => {
    expect(evaluator.evaluate({ uriPath: '/x\\..\\admin', sourceIp: OTHER_V4 }).action).toBe('ALLOW');
  });
});

describe('bypass resistance, by property', () => {
  const evaluator = evaluatorFor(EXAMPLE);
  const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');
  /** One character of the path as a client may spell it: any case, percent-encoded once or twice, or %u-encoded. */
  const spelled = (c: string) => fc.constantFrom(c, c.toUpperCase(), `%${hex(c)}`, `%${hex(c).toUpperCase()}`, `%25${hex(c)}`, `%u00${hex(c)}`);
  const spelledAdmin = fc.tuple(...[...'admin'].map(spelled)).map((chars) => chars.join(''));
  const lead = fc.constantFrom('/', '//', '/./', '/x/../', '/%2e/', '/x/%2e%2e/', '/%2F', '/;x/', '/.;/', '/x/..;/', '/%2e%2e%3b/', '/x/..;/../');
  const tail = fc.constantFrom('', '/', '/users', '//users', ';x', '.json', '%2f', '%3bx', '%00', '/%2e');

  test('every spelling of /admin, with any lead and tail, is blocked from outside and allowed from the office', () => {
    fc.assert(fc.property(lead, spelledAdmin, tail, (l, admin, t) => {
      const uriPath = `${l}${admin}${t}`;
      expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 }).action).toBe('BLOCK');
      expect(evaluator.evaluate({ uriPath, sourceIp: OFFICE_V4 }).action).toBe('ALLOW');
    }), { numRuns: 300 });
  });

  test('a path that only starts with the letters of /admin stays public, however it is spelled', () => {
    const nameChar = fc.constantFrom(...'abcxyz019_-');
    fc.assert(fc.property(lead, spelledAdmin, nameChar, (l, admin, c) => {
      expect(evaluator.evaluate({ uriPath: `${l}${admin}${c}`, sourceIp: OTHER_V4 }).action).toBe('ALLOW');
    }), { numRuns: 200 });
  });
});

describe('path parameters and resolved-away segments before the protected path (Tomcat, Jetty, Spring)', () => {
  // These servlet containers strip `;params` from every segment and then resolve `.` and `..`, so each of these
  // reaches /admin or /api/admin there, while WAF's NORMALIZE_PATH keeps `..;` and `.;` segments as they are.
  const evaluator = evaluatorFor({ protectedPaths: ['/admin', '/api/admin'], allowedCidrs: EXAMPLE.allowedCidrs });

  test.each([
    '/;x/admin', '/.;/admin', '/x/..;/admin', '/api;x/admin', '/api;/admin', '/api/.;/admin', // the reviewer's repros
    '/..;/admin', '/public/..;/admin', '/%3bx/admin', '/%2e;/admin', '/x/..%3b/admin', '/x/..;foo/admin', '/;/;/.;/admin',
    '/API;JSESSIONID=1/Admin', '/api;x/.;/admin;y/users', '/api/x/..;/admin', '/x/..;/../admin', '/x/..;/y/../admin',
    '/api;x/%61dmin', '//;x//admin',
  ])('%s is blocked from outside and allowed from the office', (uriPath) => {
    expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 })).toMatchObject({ action: 'BLOCK', terminatingRule: 'PathAllowlist1' });
    expect(evaluator.evaluate({ uriPath, sourceIp: OFFICE_V6 }).action).toBe('ALLOW');
  });

  test.each([...BENIGN, '/api', '/api/', '/api/administrator', '/apix/admin', '/api/public/admin', '/public;x/admin', '/api;x/adminx',
    '/public//admin', '/x;/admin', '/api/x;/admin', '/api./admin', '/api%20/admin'])('%s stays public', (uriPath) => {
    expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 })).toMatchObject({ action: 'ALLOW', matchedRules: [] });
  });

  test('documented over-approximations: the segments before a resolved-away segment are not counted', () => {
    // Tomcat resolves these to /a/admin and /public/admin; the rule blocks them anyway (README: "J over-approximates")
    for (const uriPath of ['/a/b/..;/admin', '/public/;x/admin']) {
      expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 }).action).toBe('BLOCK');
    }
  });

  test('exact match: parameters and resolved-away segments around the path', () => {
    const exact = evaluatorFor({ protectedPaths: ['/api/admin'], allowedCidrs: EXAMPLE.allowedCidrs, matchType: PathMatchType.EXACT });
    for (const uriPath of ['/api;x/admin', '/;x/api/admin', '/api/.;/admin', '/api/x/..;/admin', '/api/admin;x', '/api/admin/.;', '/api/admin/x/..;/']) {
      expect(exact.evaluate({ uriPath, sourceIp: OTHER_V4 }).action).toBe('BLOCK');
    }
    for (const uriPath of ['/api/admin/users', '/api;x/admin/users', '/api/administrator', '/api/admin/x;/y']) {
      expect(exact.evaluate({ uriPath, sourceIp: OTHER_V4 }).action).toBe('ALLOW');
    }
  });
});

describe('Windows origin', () => {
  const evaluator = evaluatorFor({ ...EXAMPLE, originPathStyle: OriginPathStyle.WINDOWS });

  test.each(['\\admin', '/x\\..\\admin', '/x%5c..%5cadmin', '\\ADMIN\\users', '/admin'])('%s is blocked', (uriPath) => {
    expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 }).action).toBe('BLOCK');
  });

  // Windows drops trailing dots and spaces from a name, and `name::$INDEX_ALLOCATION` (or `:$I30:$INDEX_ALLOCATION`)
  // is the directory itself; `::$DATA` is the file's unnamed stream.
  const windows = evaluatorFor({ protectedPaths: ['/admin', '/api/admin'], allowedCidrs: EXAMPLE.allowedCidrs, originPathStyle: OriginPathStyle.WINDOWS });

  test.each([
    '/api./admin', '/api%20/admin', '/api.\\admin', '/api::$INDEX_ALLOCATION/admin', // the reviewer's repros
    '/api. . /admin', '/API::$Index_Allocation\\ADMIN', '/api:$I30:$INDEX_ALLOCATION/admin', '/api.::$index_allocation/admin',
    '/admin.', '/admin%20', '/admin::$DATA', '/admin::$data/x', '/x/.. /admin', '/x/..::$index_allocation/admin',
    '/x/..;/admin', '/api;x/admin', '/api.;x/admin',
  ])('%s is blocked from outside and allowed from the office', (uriPath) => {
    expect(windows.evaluate({ uriPath, sourceIp: OTHER_V4 })).toMatchObject({ action: 'BLOCK', terminatingRule: 'PathAllowlist1' });
    expect(windows.evaluate({ uriPath, sourceIp: OFFICE_V4 }).action).toBe('ALLOW');
  });

  test.each([...BENIGN, '/api/administrator', '/apix/admin', '/api.x/admin', '/api:x/admin', '/public//admin'])('%s stays public', (uriPath) => {
    expect(windows.evaluate({ uriPath, sourceIp: OTHER_V4 })).toMatchObject({ action: 'ALLOW', matchedRules: [] });
  });
});

describe('exact match', () => {
  const evaluator = evaluatorFor({ ...EXAMPLE, matchType: PathMatchType.EXACT });

  test.each(['/admin', '/admin/', '/Admin', '/%61dmin', '//admin', '/x/../admin', '/admin;x', '/admin.json', '/admin%2F'])('%s is blocked', (uriPath) => {
    expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 }).action).toBe('BLOCK');
  });

  test.each(['/admin/users', '/administrator', '/internal/reports', '/'])('%s is not protected', (uriPath) => {
    expect(evaluator.evaluate({ uriPath, sourceIp: OTHER_V4 }).action).toBe('ALLOW');
  });
});

describe('behind a proxy: client from X-Forwarded-For (LAST, NO_MATCH)', () => {
  const evaluator = evaluatorFor({ ...EXAMPLE, forwardedIp: {} });
  const PROXY = '203.0.113.10';

  test.each<[string, Record<string, string> | undefined, string, string | undefined]>([
    ['allowlisted client appended by the proxy', { 'X-Forwarded-For': OFFICE_V4 }, 'ALLOW', undefined],
    ['allowlisted IPv6 client', { 'x-forwarded-for': OFFICE_V6 }, 'ALLOW', undefined],
    ['client spoofs an office address before its own', { 'X-Forwarded-For': `${OFFICE_V4}, ${OTHER_V4}` }, 'BLOCK', 'PathAllowlist1'],
    ['proxy chain ending in the office', { 'X-Forwarded-For': `${OTHER_V4}, ${OFFICE_V4}` }, 'ALLOW', undefined],
    ['other client', { 'X-Forwarded-For': OTHER_V4 }, 'BLOCK', 'PathAllowlist1'],
    ['header missing', undefined, 'BLOCK', 'PathAllowlist1-MissingForwardedIp'],
    ['header empty', { 'X-Forwarded-For': '' }, 'BLOCK', 'PathAllowlist1-MissingForwardedIp'],
    ['header malformed', { 'X-Forwarded-For': 'unknown' }, 'BLOCK', 'PathAllowlist1'],
  ])('/admin, %s -> %s', (_what, headers, action, terminatingRule) => {
    // The connection comes from the proxy, which is not allowlisted: only the header can let a client in.
    expect(evaluator.evaluate({ uriPath: '/%61dmin', sourceIp: PROXY, headers })).toMatchObject({ action, terminatingRule });
  });

  test('without the header, AWS WAF skips the allowlist rule: the missing-header rule is what blocks', () => {
    // GIVEN the synthesized web ACL, and the same web ACL without the missing-header rule
    const { webAcl, ipSets } = synthesize({ ...EXAMPLE, forwardedIp: {} });
    const withoutGuard = { ...webAcl, Rules: webAcl.Rules.filter((r: any) => r.Name !== 'PathAllowlist1-MissingForwardedIp') };
    const request = { uriPath: '/admin', sourceIp: PROXY };

    // THEN the allowlist rule alone is not applied and the request would pass (fail open) ...
    expect(new WafEvaluator(withoutGuard, { ipSets }).evaluate(request)).toMatchObject({ action: 'ALLOW', skippedRules: ['PathAllowlist1'] });
    // ... and the missing-header rule blocks it
    expect(new WafEvaluator(webAcl, { ipSets }).evaluate(request)).toMatchObject({ action: 'BLOCK', terminatingRule: 'PathAllowlist1-MissingForwardedIp' });
  });

  test('benign paths pass with or without the header', () => {
    for (const uriPath of BENIGN) {
      expect(evaluator.evaluate({ uriPath, sourceIp: PROXY }).action).toBe('ALLOW');
      expect(evaluator.evaluate({ uriPath, sourceIp: PROXY, headers: { 'X-Forwarded-For': OTHER_V4 } }).action).toBe('ALLOW');
    }
  });
});

describe('forwarded IP position FIRST and ANY', () => {
  test.each<[PathAllowlistWafProps['forwardedIp'], string, string]>([
    [{ position: ForwardedIpPosition.FIRST }, `${OFFICE_V4}, ${OTHER_V4}`, 'ALLOW'],
    [{ position: ForwardedIpPosition.FIRST }, `${OTHER_V4}, ${OFFICE_V4}`, 'BLOCK'],
    [{ position: ForwardedIpPosition.ANY }, `${OTHER_V4}, ${OFFICE_V4}, ${OTHER_V6}`, 'ALLOW'],
    [{ position: ForwardedIpPosition.ANY }, `${OTHER_V4}, ${OTHER_V6}`, 'BLOCK'],
    [{ fallbackBehavior: ForwardedIpFallback.MATCH }, 'garbage', 'ALLOW'],
  ])('%j with %s -> %s', (forwardedIp, header, action) => {
    const evaluator = evaluatorFor({ ...EXAMPLE, forwardedIp });
    expect(evaluator.evaluate({ uriPath: '/admin', sourceIp: OTHER_V4, headers: { 'X-Forwarded-For': header } }).action).toBe(action);
  });
});

describe('addProtectedPath', () => {
  const evaluator = evaluatorFor(EXAMPLE, (waf) => waf.addProtectedPath('/reports', ['203.0.113.0/24']));

  test.each([
    ['/reports', '203.0.113.5', 'ALLOW', undefined],
    ['/Reports/2024', OFFICE_V4, 'BLOCK', 'PathAllowlist2'], // the office is not on this path's allowlist
    ['/admin', '203.0.113.5', 'BLOCK', 'PathAllowlist1'], // and the reports network is not on /admin's
    ['/admin', OFFICE_V4, 'ALLOW', undefined],
    ['/public', '203.0.113.5', 'ALLOW', undefined],
  ])('%s from %s -> %s', (uriPath, sourceIp, action, terminatingRule) => {
    expect(evaluator.evaluate({ uriPath, sourceIp })).toMatchObject({ action, terminatingRule });
  });
});

describe('production tuning, request by request', () => {
  const KB = 1024;
  const upload = (uriPath: string, bodySize: number) => ({ uriPath, sourceIp: OTHER_V4, method: 'POST', bodySize });

  test('the upload case: a 20 KB body to /upload is blocked by the core rule set by default', () => {
    const evaluator = evaluatorFor(EXAMPLE);
    expect(evaluator.evaluate(upload('/upload', 20 * KB))).toMatchObject({
      action: 'BLOCK', terminatingRule: 'AWS-AWSManagedRulesCommonRuleSet', terminatingGroupRule: 'SizeRestrictions_BODY',
    });
    expect(evaluator.evaluate(upload('/upload', 8 * KB)).action).toBe('ALLOW');
  });

  test('the upload case: with SizeRestrictions_BODY set to COUNT, a 20 KB body to /upload is allowed and labelled', () => {
    const evaluator = evaluatorFor(EXAMPLE, (waf) => waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, {
      ruleActionOverrides: [{ ruleName: 'SizeRestrictions_BODY', action: WafAction.COUNT }],
    }));
    expect(evaluator.evaluate(upload('/upload', 20 * KB))).toMatchObject({
      action: 'ALLOW', labels: ['awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'],
    });
    // the path rules still run first: a large body to /admin from outside is blocked by the path rule
    expect(evaluator.evaluate(upload('/admin/import', 20 * KB))).toMatchObject({ action: 'BLOCK', terminatingRule: 'PathAllowlist1' });
  });

  test('the upload case, narrowly: large bodies only on /upload, with a label rule after the groups', () => {
    const evaluator = evaluatorFor(EXAMPLE, (waf) => {
      waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, { ruleActionOverrides: [{ ruleName: 'SizeRestrictions_BODY', action: WafAction.COUNT }] });
      waf.addRule({
        name: 'LargeBodiesOnlyOnUpload',
        placement: RulePlacement.AFTER_MANAGED_RULE_GROUPS,
        action: WafAction.BLOCK,
        statement: WafStatement.allOf([
          WafStatement.labelMatch('awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'),
          WafStatement.not(WafStatement.exemptPath('/upload')),
        ]),
      });
    });
    for (const uriPath of ['/upload', '/upload/', '/upload/scan.pdf', '/UPLOAD/x', '/x/../upload']) {
      expect({ uriPath, ...evaluator.evaluate(upload(uriPath, 20 * KB)) }).toMatchObject({ uriPath, action: 'ALLOW' });
    }
    // paths that are, or that some origin resolves to, something else stay limited to 8 KB
    for (const uriPath of ['/profile', '/uploads', '/upload/../profile', '/upload/..;/profile', '/upload;x/../profile', '/upload/%2e%2e/profile', '/upload/%252e%252e/profile']) {
      expect({ uriPath, ...evaluator.evaluate(upload(uriPath, 20 * KB)) }).toMatchObject({ uriPath, action: 'BLOCK', terminatingRule: 'LargeBodiesOnlyOnUpload' });
    }
    expect(evaluator.evaluate(upload('/profile', 4 * KB)).action).toBe('ALLOW');
  });

  test('the upload case, by property: a body reaches /upload exactly when it is at most 8 KB, or the override is in place', () => {
    const plain = evaluatorFor(EXAMPLE);
    const tuned = evaluatorFor(EXAMPLE, (waf) => waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, { excludedRules: ['SizeRestrictions_BODY'] }));
    fc.assert(fc.property(fc.integer({ min: 0, max: 64 * KB }), (bodySize) => {
      expect(plain.evaluate(upload('/upload', bodySize)).action).toBe(bodySize <= 8192 ? 'ALLOW' : 'BLOCK');
      expect(tuned.evaluate(upload('/upload', bodySize)).action).toBe('ALLOW');
    }));
  });

  test('a scope-down that exempts /upload from the core rule set exempts nothing else', () => {
    const evaluator = evaluatorFor({ ...EXAMPLE, managedRuleGroups: [ManagedRuleGroup.COMMON_RULE_SET.withOptions({ scopeDown: WafStatement.not(WafStatement.exemptPath('/upload')) })] });
    expect(evaluator.evaluate(upload('/upload/scan.pdf', 20 * KB)).action).toBe('ALLOW');
    expect(evaluator.evaluate(upload('/upload/..;/profile', 20 * KB)).action).toBe('BLOCK');
    expect(evaluator.evaluate(upload('/profile', 20 * KB)).action).toBe('BLOCK');
  });

  test('login throttling: over the limit on /login in any spelling is blocked; under it, or elsewhere, is not', () => {
    const evaluator = evaluatorFor(EXAMPLE, (waf) => waf.addRateLimit({ limit: 100, window: Duration.minutes(5), scopeDownPath: '/login' }));
    const at = (uriPath: string, requestsInWindow: number) => evaluator.evaluate({ uriPath, sourceIp: OTHER_V4, requestsInWindow });
    for (const uriPath of ['/login', '/LOGIN', '/%6cogin', '//login/', '/x/../login', '/login;jsessionid=1']) {
      expect({ uriPath, ...at(uriPath, 101) }).toMatchObject({ uriPath, action: 'BLOCK', terminatingRule: 'RateLimit1' });
      expect({ uriPath, ...at(uriPath, 100) }).toMatchObject({ uriPath, action: 'ALLOW' });
    }
    expect(at('/logins', 5000).action).toBe('ALLOW');
    expect(at('/', 5000).action).toBe('ALLOW');
  });

  test('a rate limit by header does not count requests without the header', () => {
    const evaluator = evaluatorFor(EXAMPLE, (waf) => waf.addRateLimit({ limit: 10, window: Duration.minutes(1), aggregateKey: RateLimitAggregateKey.header('x-api-key') }));
    expect(evaluator.evaluate({ uriPath: '/api', sourceIp: OTHER_V4, headers: { 'X-Api-Key': 'k' }, requestsInWindow: 11 }).action).toBe('BLOCK');
    expect(evaluator.evaluate({ uriPath: '/api', sourceIp: OTHER_V4, requestsInWindow: 11 }).action).toBe('ALLOW');
  });

  test('your own rules decide in their band: a BLOCK after the path rules, an ALLOW that skips the managed groups', () => {
    const evaluator = evaluatorFor(EXAMPLE, (waf) => {
      waf.addRule({ name: 'NoWordPress', statement: WafStatement.pathMatches(['/wp-admin']), action: WafAction.BLOCK });
      waf.addRule({ name: 'HealthCheck', statement: WafStatement.exemptPath('/health'), action: WafAction.ALLOW });
    });
    expect(evaluator.evaluate({ uriPath: '/WP-ADMIN/x', sourceIp: OFFICE_V4 })).toMatchObject({ action: 'BLOCK', terminatingRule: 'NoWordPress' });
    expect(evaluator.evaluate(upload('/health', 20 * KB))).toMatchObject({ action: 'ALLOW', terminatingRule: 'HealthCheck' });
    // the path rules come first: an ALLOW after them cannot open a protected path
    expect(evaluator.evaluate({ uriPath: '/admin', sourceIp: OTHER_V4 })).toMatchObject({ action: 'BLOCK', terminatingRule: 'PathAllowlist1' });
  });

  test('an ALLOW placed before the path rules lets a protected path through: what the checks report as an error', () => {
    const evaluator = evaluatorFor(EXAMPLE, (waf) => waf.addRule({
      name: 'AllowAll', statement: WafStatement.pathMatches(['/']), action: WafAction.ALLOW, placement: RulePlacement.BEFORE_PATH_RULES,
    }));
    expect(evaluator.evaluate({ uriPath: '/admin', sourceIp: OTHER_V4 })).toMatchObject({ action: 'ALLOW', terminatingRule: 'AllowAll' });
  });
});
