import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import {
  ManagedRuleGroup,
  PathAllowlistWaf,
  PathAllowlistWafProps,
  RateLimitAggregateKey,
  RulePlacement,
  WafAction,
  WafStatement,
} from '../../src/waf';

const PROPS: PathAllowlistWafProps = { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] };

function newWaf(props: Partial<PathAllowlistWafProps> = {}) {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const waf = new PathAllowlistWaf(stack, 'Waf', { ...PROPS, ...props });
  return { stack, waf };
}

function rulesOf(stack: Stack): any[] {
  const acls = Template.fromStack(stack).findResources('AWS::WAFv2::WebACL');
  return Object.values(acls)[0].Properties.Rules;
}

function ruleNamed(stack: Stack, name: string): any {
  const rule = rulesOf(stack).find((r) => r.Name === name);
  expect(rule).toBeDefined();
  return rule;
}

/** The WCU of `WafStatement.pathMatches([one PREFIX path])`: two regexes (3 + 4 and 3 + 3 transformations). */
const ONE_PATH_WCU = 43 + 33;

describe('managed rule group tuning', () => {
  test('a rule action override to COUNT appears on the group statement (the upload fix)', () => {
    // GIVEN
    const { stack, waf } = newWaf();

    // WHEN
    waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, {
      ruleActionOverrides: [{ ruleName: 'SizeRestrictions_BODY', action: WafAction.COUNT }],
    });

    // THEN
    expect(ruleNamed(stack, 'AWS-AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement).toEqual({
      VendorName: 'AWS',
      Name: 'AWSManagedRulesCommonRuleSet',
      RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
    });
  });

  test('excluded rules, a version and a scope-down statement, given with withOptions in props', () => {
    // GIVEN / WHEN
    const { stack, waf } = newWaf({
      managedRuleGroups: [
        ManagedRuleGroup.COMMON_RULE_SET.withOptions({
          excludedRules: ['CrossSiteScripting_BODY'],
          ruleActionOverrides: [{ ruleName: 'NoUserAgent_HEADER', action: WafAction.CHALLENGE }],
          version: 'Version_1.12',
          scopeDown: WafStatement.not(WafStatement.exemptPath('/upload')),
        }),
      ],
    });

    // THEN
    const statement = ruleNamed(stack, 'AWS-AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement;
    expect(statement.Version).toBe('Version_1.12');
    expect(statement.ExcludedRules).toEqual([{ Name: 'CrossSiteScripting_BODY' }]);
    expect(statement.RuleActionOverrides).toEqual([{ Name: 'NoUserAgent_HEADER', ActionToUse: { Challenge: {} } }]);
    expect(statement.ScopeDownStatement).toEqual({
      NotStatement: {
        Statement: {
          RegexMatchStatement: {
            FieldToMatch: { UriPath: {} },
            RegexString: '^/upload(?:/[^;%]*)?$',
            TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }, { Priority: 2, Type: 'LOWERCASE' }],
          },
        },
      },
    });
    // the scope-down's regex (3 + 3 transformations) adds to the group's 700
    expect(waf.estimatedCapacity).toBe(ONE_PATH_WCU + 1 + 700 + 33);
  });

  test('the defaults are unchanged: no overrides, no version, no scope-down', () => {
    const { stack } = newWaf();
    for (const rule of rulesOf(stack).filter((r) => r.Statement.ManagedRuleGroupStatement)) {
      expect(Object.keys(rule.Statement.ManagedRuleGroupStatement).sort()).toEqual(['Name', 'VendorName']);
    }
  });

  test.each([
    ['SizeRestrictions_Body', /has no rule 'SizeRestrictions_Body' \(did you mean 'SizeRestrictions_BODY'\? rule names are case-sensitive\); AWS WAF would ignore the override/],
    ['SQLi_BODY', /'AWS\/AWSManagedRulesCommonRuleSet' has no rule 'SQLi_BODY'.*Its documented rules: NoUserAgent_HEADER, /],
  ])('overriding %s, which the core rule set does not document, is an error', (ruleName, message) => {
    const { waf } = newWaf();
    expect(() => waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, { ruleActionOverrides: [{ ruleName, action: WafAction.COUNT }] }))
      .toThrow(message);
    expect(() => waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, { excludedRules: [ruleName] })).toThrow(message);
  });

  test('every default group knows its documented rules', () => {
    const { waf } = newWaf();
    const documented: Array<[ManagedRuleGroup, string]> = [
      [ManagedRuleGroup.AMAZON_IP_REPUTATION_LIST, 'AWSManagedIPDDoSList'],
      [ManagedRuleGroup.KNOWN_BAD_INPUTS, 'Log4JRCE_BODY'],
      [ManagedRuleGroup.SQL_DATABASE, 'SQLiExtendedPatterns_BODY'],
      [ManagedRuleGroup.COMMON_RULE_SET, 'CrossSiteScripting_BODY'],
    ];
    for (const [group, ruleName] of documented) {
      expect(() => waf.tuneManagedRuleGroup(group, { ruleActionOverrides: [{ ruleName, action: WafAction.COUNT }] })).not.toThrow();
    }
  });

  test("a group or a placement named like one of Object's methods is unknown, with the usual error", () => {
    const { waf } = newWaf({ managedRuleGroups: [] });
    // GIVEN an AWS group this library does not know, named 'constructor': it has no known rule list
    const odd = ManagedRuleGroup.of('AWS', 'constructor', 50);
    expect(odd.ruleNames).toBeUndefined();
    expect(() => waf.addManagedRuleGroup(odd.withOptions({ excludedRules: ['X'] }))).toThrow(/has no known rule list/);
    // AND a placement that is no RulePlacement
    expect(() => waf.addRule({ name: 'Odd', statement: WafStatement.pathMatches(['/x']), action: WafAction.BLOCK, placement: 'constructor' as RulePlacement }))
      .toThrow(/rule 'Odd' has placement 'constructor'; use a RulePlacement/);
  });

  test('a group without a known rule list cannot be tuned by rule name, unless its rules are given', () => {
    const { waf, stack } = newWaf({ managedRuleGroups: [] });
    const bot = ManagedRuleGroup.of('AWS', 'AWSManagedRulesBotControlRuleSet', 50);
    expect(() => waf.addManagedRuleGroup(bot.withOptions({ excludedRules: ['CategoryMonitoring'] })))
      .toThrow(/has no known rule list, so the rules 'CategoryMonitoring' cannot be checked; give the vendor's rule names: ManagedRuleGroup.of/);
    waf.addManagedRuleGroup(ManagedRuleGroup.of('AWS', 'AWSManagedRulesBotControlRuleSet', 50, ['CategoryMonitoring', 'SignalNonBrowserUserAgent'])
      .withOptions({ excludedRules: ['CategoryMonitoring'] }));
    expect(ruleNamed(stack, 'AWS-AWSManagedRulesBotControlRuleSet').Statement.ManagedRuleGroupStatement.ExcludedRules).toEqual([{ Name: 'CategoryMonitoring' }]);
  });

  test('tuning a group that is not in the web ACL, a bad version, a rule named twice are errors', () => {
    const { waf } = newWaf();
    expect(() => waf.tuneManagedRuleGroup(ManagedRuleGroup.ADMIN_PROTECTION, { excludedRules: ['AdminProtection_URIPATH'] }))
      .toThrow(/Stack\/Waf: managed rule group 'AWS\/AWSManagedRulesAdminProtectionRuleSet' is not in this web ACL .*add it with addManagedRuleGroup/);
    expect(() => waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, { version: '1.12' }))
      .toThrow(/version '1.12' is not a version name of the form Version_<major>.<minor>/);
    expect(() => waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, {
      excludedRules: ['SizeRestrictions_BODY'],
      ruleActionOverrides: [{ ruleName: 'SizeRestrictions_BODY', action: WafAction.COUNT }],
    })).toThrow(/rule 'SizeRestrictions_BODY' is overridden or excluded twice/);
  });
});

describe('addRule', () => {
  test('rules land in their placement band, and adding rules renumbers nothing already there', () => {
    // GIVEN: a web ACL with a rule in each band, and the same web ACL with one more rule of every kind
    const build = (more: boolean) => {
      const { stack, waf } = newWaf({ managedRuleGroups: [ManagedRuleGroup.AMAZON_IP_REPUTATION_LIST] });
      const block = (name: string, placement?: RulePlacement) => waf.addRule({ name, statement: WafStatement.pathMatches(['/wp-admin']), action: WafAction.BLOCK, placement });
      block('First');
      block('Early', RulePlacement.BEFORE_PATH_RULES);
      block('Late', RulePlacement.AFTER_MANAGED_RULE_GROUPS);
      if (more) {
        // WHEN
        block('Second');
        block('Earlier', RulePlacement.BEFORE_PATH_RULES);
        block('Later', RulePlacement.AFTER_MANAGED_RULE_GROUPS);
        waf.addProtectedPath('/reports', ['203.0.113.0/24']);
        waf.addRateLimit({ limit: 100, window: Duration.minutes(5) });
        waf.addManagedRuleGroup(ManagedRuleGroup.KNOWN_BAD_INPUTS);
      }
      return rulesOf(stack).map((r) => [r.Name, r.Priority]);
    };
    const before = build(false);
    const after = build(true);

    // THEN
    expect(after).toEqual([
      ['Early', 100], ['Earlier', 101],
      ['PathAllowlist1', 1011], ['PathAllowlist2', 1021],
      ['RateLimit1', 2000],
      ['First', 3000], ['Second', 3001],
      ['AWS-AWSManagedRulesAmazonIpReputationList', 4000], ['AWS-AWSManagedRulesKnownBadInputsRuleSet', 4010],
      ['Late', 5000], ['Later', 5001],
    ]);
    for (const entry of before) {
      expect(after).toContainEqual(entry);
    }
    // blocked sources (addBlockedSources) keep 1 to 9 to themselves
    expect(after.every(([, p]) => (p as number) >= 10)).toBe(true);
  });

  test('by property: whatever is added, in whatever order, every rule already there keeps its priority', () => {
    const GROUPS = [
      ManagedRuleGroup.ADMIN_PROTECTION,
      ManagedRuleGroup.ANONYMOUS_IP_LIST,
      ManagedRuleGroup.LINUX_OPERATING_SYSTEM,
      ManagedRuleGroup.AMAZON_IP_REPUTATION_LIST,
    ];
    type Op = 'before' | 'after' | 'late' | 'path' | 'rate' | 'group';
    const apply = (ops: Op[]) => {
      const { stack, waf } = newWaf({ managedRuleGroups: [] });
      let groups = 0;
      ops.forEach((op, i) => {
        const placement = { before: RulePlacement.BEFORE_PATH_RULES, after: RulePlacement.AFTER_PATH_RULES, late: RulePlacement.AFTER_MANAGED_RULE_GROUPS }[op as 'before'];
        if (placement) {
          waf.addRule({ name: `R${i}`, statement: WafStatement.labelMatch('myapp:x'), action: WafAction.COUNT, placement });
        } else if (op === 'path') {
          waf.addProtectedPath(`/p${i}`, ['203.0.113.0/24']);
        } else if (op === 'rate') {
          waf.addRateLimit({ limit: 100, window: Duration.minutes(5) });
        } else {
          if (groups < GROUPS.length) {
            waf.addManagedRuleGroup(GROUPS[groups++]);
          }
        }
      });
      return rulesOf(stack).map((r) => [r.Name, r.Priority] as const);
    };
    const ops = fc.array(fc.constantFrom<Op>('before', 'after', 'late', 'path', 'rate', 'group'), { minLength: 1, maxLength: 7 });
    fc.assert(fc.property(ops, fc.nat(), (all, cut) => {
      const before = apply(all.slice(0, cut % all.length));
      const after = apply(all);
      for (const entry of before) {
        expect(after).toContainEqual(entry);
      }
      const priorities = after.map(([, p]) => p);
      expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
      expect(new Set(priorities).size).toBe(priorities.length);
    }), { numRuns: 8 });
  });

  test('a rule renders its action, labels, metrics and the protected paths\' transformations', () => {
    const { stack, waf } = newWaf();
    waf.addRule({ name: 'CountUploads', statement: WafStatement.pathMatches(['/upload']), action: WafAction.COUNT, labels: ['myapp:upload'] });
    const rule = ruleNamed(stack, 'CountUploads');
    expect(rule.Action).toEqual({ Count: {} });
    expect(rule.RuleLabels).toEqual([{ Name: 'myapp:upload' }]);
    expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    const regexes = rule.Statement.OrStatement.Statements.map((s: any) => s.RegexMatchStatement);
    expect(regexes.map((r: any) => r.TextTransformations.map((t: any) => t.Type))).toEqual([
      ['URL_DECODE_UNI', 'URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'],
      ['URL_DECODE_UNI', 'URL_DECODE', 'LOWERCASE'],
    ]);
  });

  test('the capacity estimate counts every rule added, and the 5,000 WCU limit refuses the one that crosses it', () => {
    // GIVEN
    const { waf } = newWaf({ managedRuleGroups: [] });
    const base = waf.estimatedCapacity;

    // WHEN
    waf.addRule({ name: 'Geo', statement: WafStatement.fromCloudFormation({ GeoMatchStatement: { CountryCodes: ['KP'] } }), action: WafAction.BLOCK });
    waf.addRule({ name: 'Paths', statement: WafStatement.pathMatches(['/wp-admin']), action: WafAction.BLOCK, placement: RulePlacement.BEFORE_PATH_RULES });

    // THEN
    expect(waf.estimatedCapacity).toBe(base + 1 + ONE_PATH_WCU);
    const xss = WafStatement.fromCloudFormation({
      XssMatchStatement: { FieldToMatch: { Body: {} }, TextTransformations: Array.from({ length: 10 }, (_, i) => ({ Priority: i, Type: 'URL_DECODE' })) },
    });
    for (let i = 0; i < 34; i++) {
      waf.addRule({ name: `Xss${i}`, statement: xss, action: WafAction.BLOCK }); // 140 WCU each
    }
    expect(() => waf.addRule({ name: 'Xss34', statement: xss, action: WafAction.BLOCK }))
      .toThrow(/Stack\/Waf: adding rule 'Xss34' brings the web ACL to an estimated 5054 WCU, above the 5000 WCU a web ACL can hold; remove rules you added/);
  });

  test.each<[string, () => void, RegExp]>([
    ['a bad name', () => newWaf().waf.addRule({ name: 'has space', statement: WafStatement.pathMatches(['/x']), action: WafAction.BLOCK }), /rule name 'has space' must be 1 to 128 letters/],
    ['a name already used', () => newWaf().waf.addRule({ name: 'PathAllowlist1', statement: WafStatement.pathMatches(['/x']), action: WafAction.BLOCK }), /a rule named 'PathAllowlist1' is already in the web ACL/],
    ['a statement that is not one', () => newWaf().waf.addRule({ name: 'X', statement: WafStatement.fromCloudFormation({ A: 1, B: 2 }), action: WafAction.BLOCK }), /needs one statement in CloudFormation form/],
    ['a statement whose capacity is unknown', () => newWaf().waf.addRule({ name: 'X', statement: WafStatement.fromCloudFormation({ MadeUpStatement: {} }), action: WafAction.BLOCK }), /the capacity of rule 'X' cannot be estimated \(rule 'X' Statement: statement type 'MadeUpStatement' is not a WAF statement type\)/],
    ['an AND of one statement', () => newWaf().waf.addRule({ name: 'X', statement: WafStatement.allOf([WafStatement.pathMatches(['/x'])]), action: WafAction.BLOCK }), /allOf needs at least two statements/],
    ['a path that is not one', () => newWaf().waf.addRule({ name: 'X', statement: WafStatement.pathMatches(['login']), action: WafAction.BLOCK }), /must start with '\/'/],
    ['a bad label', () => newWaf().waf.addRule({ name: 'X', statement: WafStatement.labelMatch('has space'), action: WafAction.BLOCK }), /label 'has space' is not a WAF label/],
  ])('%s is an error naming the construct', (_, add, message) => {
    expect(add).toThrow(message);
  });
});

describe('addRateLimit', () => {
  test('login throttling: a rate-based rule scoped to /login in every form, after the path rules', () => {
    // GIVEN
    const { stack, waf } = newWaf({ managedRuleGroups: [] });
    const base = waf.estimatedCapacity;

    // WHEN
    waf.addRateLimit({ limit: 100, window: Duration.minutes(5), scopeDownPath: '/login' });

    // THEN
    const rule = ruleNamed(stack, 'RateLimit1');
    expect(rule.Priority).toBe(2000);
    expect(rule.Action).toEqual({ Block: {} });
    expect(rule.Statement.RateBasedStatement).toMatchObject({ Limit: 100, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    expect(rule.Statement.RateBasedStatement.ScopeDownStatement.OrStatement.Statements[0].RegexMatchStatement.RegexString).toMatch(/\(\?:\/login\)/);
    expect(waf.estimatedCapacity).toBe(base + 2 + ONE_PATH_WCU);
  });

  test('aggregation by forwarded IP, by a header (30 WCU), or all as one; CAPTCHA as the action; a name', () => {
    const { stack, waf } = newWaf({ managedRuleGroups: [], forwardedIp: {} });
    waf.addRateLimit({ limit: 10, window: Duration.minutes(1), aggregateKey: RateLimitAggregateKey.forwardedIp() });
    const base = waf.estimatedCapacity;
    waf.addRateLimit({ limit: 2_000_000_000, window: Duration.minutes(10), aggregateKey: RateLimitAggregateKey.header('X-Api-Key'), action: WafAction.CAPTCHA, name: 'PerApiKey' });
    waf.addRateLimit({ limit: 1000, window: Duration.minutes(2), aggregateKey: RateLimitAggregateKey.constant(), scopeDownPath: '/login' });
    expect(ruleNamed(stack, 'RateLimit1').Statement.RateBasedStatement).toEqual({
      Limit: 10, EvaluationWindowSec: 60, AggregateKeyType: 'FORWARDED_IP', ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'NO_MATCH' },
    });
    const perKey = ruleNamed(stack, 'PerApiKey');
    expect(perKey.Action).toEqual({ Captcha: {} });
    expect(perKey.Statement.RateBasedStatement.CustomKeys).toEqual([{ Header: { Name: 'x-api-key', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }]);
    expect(ruleNamed(stack, 'RateLimit3').Statement.RateBasedStatement.AggregateKeyType).toBe('CONSTANT');
    expect(waf.estimatedCapacity).toBe(base + (2 + 30) + (2 + ONE_PATH_WCU));
  });

  test.each<[string, Partial<PathAllowlistWafProps>, any, RegExp]>([
    ['a limit under 10', {}, { limit: 9, window: Duration.minutes(5) }, /has limit 9; AWS WAF takes a whole number from 10 to 2000000000/],
    ['a limit over 2,000,000,000', {}, { limit: 2_000_000_001, window: Duration.minutes(5) }, /has limit 2000000001/],
    ['a fractional limit', {}, { limit: 10.5, window: Duration.minutes(5) }, /has limit 10.5/],
    ['a 3-minute window', {}, { limit: 100, window: Duration.minutes(3) }, /has window 3 minutes; AWS WAF counts over 1, 2, 5 or 10 minutes/],
    ['a 30-second window', {}, { limit: 100, window: Duration.seconds(30) }, /has window 30 seconds/],
    ['ALLOW', {}, { limit: 100, window: Duration.minutes(5), action: WafAction.ALLOW }, /a rate-based rule can BLOCK, COUNT, CAPTCHA or CHALLENGE, not ALLOW/],
    ['CONSTANT without a scope-down', {}, { limit: 100, window: Duration.minutes(5), aggregateKey: RateLimitAggregateKey.constant() }, /only allows with a scope-down; set scopeDownPath/],
    ['forwardedIp() without the forwardedIp option', {}, { limit: 100, window: Duration.minutes(5), aggregateKey: RateLimitAggregateKey.forwardedIp() }, /needs the web ACL's forwardedIp option/],
    ['no aggregateKey behind a proxy', { forwardedIp: {} }, { limit: 100, window: Duration.minutes(5) }, /needs an aggregateKey, because this web ACL judges clients by X-Forwarded-For/],
  ])('%s is an error', (_, props, options, message) => {
    const { waf } = newWaf(props);
    expect(() => waf.addRateLimit(options)).toThrow(message);
  });
});

describe('escape hatches on Rules', () => {
  test('an override of a rule\'s action by index appears in the template', () => {
    // GIVEN: rules in order: PathAllowlist1, CountLogin, AWS-AWSManagedRulesCommonRuleSet
    const { stack, waf } = newWaf({ managedRuleGroups: [ManagedRuleGroup.COMMON_RULE_SET] });
    waf.addRule({ name: 'CountLogin', statement: WafStatement.pathMatches(['/login']), action: WafAction.COUNT });

    // WHEN
    waf.webAcl.addPropertyOverride('Rules.1.Action', { Block: {} });
    waf.webAcl.addPropertyOverride('Rules.2.OverrideAction', { Count: {} });
    waf.webAcl.addOverride('Properties.Rules.2.Statement.ManagedRuleGroupStatement.Version', 'Version_1.12');

    // THEN
    expect(ruleNamed(stack, 'CountLogin').Action).toEqual({ Block: {} });
    const group = ruleNamed(stack, 'AWS-AWSManagedRulesCommonRuleSet');
    expect(group.OverrideAction).toEqual({ Count: {} });
    expect(group.Statement.ManagedRuleGroupStatement).toEqual({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet', Version: 'Version_1.12' });
  });

  test('a deletion override of a field is applied', () => {
    const { stack, waf } = newWaf({
      managedRuleGroups: [ManagedRuleGroup.COMMON_RULE_SET.withOptions({ excludedRules: ['SizeRestrictions_BODY'] })],
    });
    waf.webAcl.addPropertyDeletionOverride('Rules.1.Statement.ManagedRuleGroupStatement.ExcludedRules');
    expect(ruleNamed(stack, 'AWS-AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement.ExcludedRules).toBeUndefined();
  });

  test('an override indexed for a rule added later applies once that rule exists', () => {
    const { stack, waf } = newWaf({ managedRuleGroups: [] });
    waf.webAcl.addPropertyOverride('Rules.1.Action', { Captcha: {} });
    waf.addRule({ name: 'Login', statement: WafStatement.pathMatches(['/login']), action: WafAction.BLOCK });
    expect(ruleNamed(stack, 'Login').Action).toEqual({ Captcha: {} });
  });

  test('overriding or deleting Rules as a whole, or deleting one rule, is refused at once', () => {
    const { waf } = newWaf();
    expect(() => waf.webAcl.addPropertyOverride('Rules', [])).toThrow(/Stack\/Waf: an override of 'Rules' as a whole would replace every rule, the path rules included/);
    expect(() => waf.webAcl.addPropertyDeletionOverride('Rules')).toThrow(/as a whole/);
    expect(() => waf.webAcl.addOverride('Properties', { Rules: [] })).toThrow(/an override of 'Properties' as a whole/);
    expect(() => waf.webAcl.addPropertyDeletionOverride('Rules.1')).toThrow(/would delete a whole rule .* set its action: webAcl.addPropertyOverride\('Rules.1.Action', \{ Count: \{\} \}\)/);
    expect(() => waf.webAcl.addPropertyOverride('Rules.first.Action', {})).toThrow(/'first' is not a rule index/);
  });

  test('an override of a path rule, past the last rule, or making priorities collide is refused at synth', () => {
    const cases: Array<[(waf: PathAllowlistWaf) => void, RegExp]> = [
      [(waf) => waf.webAcl.addPropertyOverride('Rules.0.Action', { Count: {} }), /would change rule 'PathAllowlist1', a path allowlist rule this construct enforces/],
      [(waf) => waf.webAcl.addPropertyOverride('Rules.9.Action', { Count: {} }), /points at rule 9, but the web ACL has 5 rules \(indexes 0 to 4/],
      [(waf) => waf.webAcl.addPropertyOverride('Rules.2.Priority', 4000), /two rules have Priority 4000/],
    ];
    for (const [override, message] of cases) {
      const { stack, waf } = newWaf();
      override(waf);
      expect(() => Template.fromStack(stack)).toThrow(message);
    }
  });

  test('setting webAcl.rules, which the rendered rules would silently replace, is refused at synth', () => {
    const { stack, waf } = newWaf();
    waf.webAcl.rules = [];
    expect(() => Template.fromStack(stack)).toThrow(/webAcl.rules is set, but PathAllowlistWaf renders the rules and would drop it/);
  });

  test('overrides of other properties pass through', () => {
    const { stack, waf } = newWaf();
    waf.webAcl.addPropertyOverride('Description', 'patient portal');
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACL', { Description: 'patient portal' });
  });
});
