// LayeredDefense-WafAllowShadowsBlock on templates, CDK-free: an earlier ALLOW that takes every request a BLOCK rule
// blocks, and what the rule says when part of the web ACL is not known.
import { judge, ofRule, sites, stackRef } from '../support';

const ID = 'LayeredDefense-WafAllowShadowsBlock';

const visibility = (name: string) => ({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: name });
const startsWith = (path: unknown) => ({
  ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: path, TextTransformations: [{ Priority: 0, Type: 'NONE' }] },
});
const wafRule = (name: string, priority: number, action: 'Allow' | 'Block', statement: unknown) =>
  ({ Name: name, Priority: priority, Action: { [action]: {} }, VisibilityConfig: visibility(name), Statement: statement });

function webAcl(rules: unknown): ReturnType<typeof judge> {
  return judge({
    Stack: {
      Resources: {
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'REGIONAL', DefaultAction: { Allow: {} }, VisibilityConfig: visibility('acl'), Rules: rules } },
      },
    },
  });
}

function cannotVerify(findings: ReturnType<typeof judge>): string[] {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ID} cannot verify`)).map((f) => f.message);
}

describe(ID, () => {
  test('GIVEN ALLOW /api before BLOCK /api/admin WHEN judged THEN the block never happens: one error on the web ACL', () => {
    const findings = ofRule(webAcl([wafRule('Api', 0, 'Allow', startsWith('/api')), wafRule('Admin', 1, 'Block', startsWith('/api/admin'))]), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Acl']]);
    expect(findings[0].message).toMatch(/^BLOCK rule 'Admin' never blocks: each of \d+ requests it blocks on its own \(for example \/api\/admin\S* from \S+\) is allowed first by ALLOW rule 'Api'$/);
  });

  test('GIVEN the BLOCK first WHEN judged THEN nothing is reported', () => {
    expect(ofRule(webAcl([wafRule('Admin', 0, 'Block', startsWith('/api/admin')), wafRule('Api', 1, 'Allow', startsWith('/api'))]), ID)).toEqual([]);
  });

  test('GIVEN an ALLOW that takes only part of what the BLOCK blocks WHEN judged THEN nothing is reported', () => {
    expect(ofRule(webAcl([wafRule('Reports', 0, 'Allow', startsWith('/api/admin/reports')), wafRule('Admin', 1, 'Block', startsWith('/api/admin'))]), ID)).toEqual([]);
  });

  test('GIVEN rules that are not known at synth WHEN judged THEN it cannot verify the rule order', () => {
    const findings = webAcl({ 'Fn::ImportValue': 'SharedRules' });
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify rule order (Rules is {"Fn::ImportValue":"SharedRules"}, not known at synth): the value is not known`,
    ]);
  });

  test('GIVEN a BLOCK rule whose search string is not known WHEN judged THEN it cannot verify that rule, by name', () => {
    const findings = webAcl([wafRule('Api', 0, 'Allow', startsWith('/api')), wafRule('Admin', 1, 'Block', startsWith({ 'Fn::ImportValue': 'AdminPath' }))]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(new RegExp(`^${ID} cannot verify rule 'Admin' against earlier ALLOW rules \\(rule 'Admin' Statement\\.ByteMatchStatement\\.SearchString is .+AdminPath`))]);
  });

  test('GIVEN a web ACL whose only rule blocks, with a priority not known at synth WHEN judged THEN nothing: the rule order cannot shadow it', () => {
    const findings = webAcl([{ ...wafRule('Admin', 0, 'Block', startsWith('/admin')), Priority: { Ref: 'AdminPriority' } }]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN the same BLOCK rule in a web ACL where no rule allows WHEN judged THEN nothing: no ALLOW can take its requests, so the unknown string changes no verdict', () => {
    const findings = webAcl([wafRule('Admin', 0, 'Block', startsWith({ 'Fn::ImportValue': 'AdminPath' })), { ...wafRule('Count', 1, 'Block', startsWith('/x')), Action: { Count: {} } }]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });
});

describe('LayeredDefense-WafPathBypass on templates', () => {
  const PATH = 'LayeredDefense-WafPathBypass';
  const block = (statement: unknown, action: unknown = { Block: {} }) => ({ Name: 'Admin', Priority: 0, Action: action, VisibilityConfig: visibility('admin'), Statement: statement });
  const cannot = (findings: ReturnType<typeof judge>) =>
    ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${PATH} cannot verify`)).map((f) => f.message);

  test('GIVEN a regex pattern set on the raw path WHEN judged THEN the rule is reported naming the pattern set', () => {
    const findings = ofRule(webAcl([block({ RegexPatternSetReferenceStatement: { Arn: 'arn:aws:wafv2:us-east-1:111111111111:regional/regexpatternset/admin/1', FieldToMatch: { UriPath: {} }, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } })]), PATH);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/^rule 'Admin' \(BLOCK\) matches the URI path with regex pattern set /)]);
  });

  test.each([
    ['an action not known', block(startsWith('/admin'), { 'Fn::ImportValue': 'Action' }), /URI path matches of rule 'Admin' \(rule 'Admin' Action is \{"Fn::ImportValue":"Action"\}/],
    ['a statement not known inside an AND', block({ AndStatement: { Statements: [startsWith('/admin'), { 'Fn::ImportValue': 'Extra' }] } }), /URI path matches of rule 'Admin' \(.*Extra.*not known at synth\)/],
    ['a FieldToMatch not known', block({ ByteMatchStatement: { FieldToMatch: { 'Fn::ImportValue': 'Field' }, PositionalConstraint: 'STARTS_WITH', SearchString: '/admin', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }), /URI path matches of rule 'Admin' \(.*FieldToMatch is .*Field.*\)/],
  ])('GIVEN %s WHEN judged THEN the rule cannot be verified, naming the value', (_, rule, message) => {
    const findings = webAcl([rule]);
    expect(ofRule(findings, PATH)).toEqual([]);
    expect(cannot(findings)).toEqual([expect.stringMatching(message)]);
  });

  test('GIVEN a COUNT rule on the raw path WHEN judged THEN it decides nothing, so nothing is reported', () => {
    expect(ofRule(webAcl([block(startsWith('/admin'), { Count: {} })]), PATH)).toEqual([]);
  });

  test('GIVEN the raw and the normalized match as alternatives under an OR WHEN judged THEN the pair is not a bypass; under an AND it is', () => {
    const normalized = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/admin', TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }, { Priority: 2, Type: 'LOWERCASE' }] } };
    const decoded = { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/admin', TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'LOWERCASE' }] } };
    const or = ofRule(webAcl([block({ OrStatement: { Statements: [normalized, decoded] } })]), PATH);
    const and = ofRule(webAcl([block({ AndStatement: { Statements: [normalized, decoded] } })]), PATH);
    expect(and.length).toBeGreaterThan(or.length);
  });

  const pathMatch = (path: string, types: string[]) => ({
    ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: path, TextTransformations: types.map((Type, Priority) => ({ Priority, Type })) },
  });
  const messages = (rules: unknown[]) => ofRule(webAcl(rules), PATH).map((f) => f.message);

  test('GIVEN under an OR a raw match and a normalized match of ANOTHER path WHEN judged THEN the raw match is still a bypass', () => {
    expect(messages([block({ OrStatement: { Statements: [pathMatch('/admin', ['URL_DECODE', 'LOWERCASE']), pathMatch('/reports', ['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'])] } })])).toEqual([
      "rule 'Admin' (BLOCK) matches the URI path with STARTS_WITH '/admin' without NORMALIZE_PATH, so unnormalized paths such as //admin and /x/../admin slip past",
    ]);
  });

  test('GIVEN a match without URL_DECODE only WHEN reported THEN the examples are encoded paths, spelled from its own search string', () => {
    expect(messages([block(pathMatch('/reports', ['NORMALIZE_PATH', 'LOWERCASE']))])).toEqual([
      "rule 'Admin' (BLOCK) matches the URI path with STARTS_WITH '/reports' without URL_DECODE, so encoded paths such as /%72eports slip past",
    ]);
  });

  test.each<[string, string, string[], string | undefined]>([
    ['CONTAINS \'/admin\' decoded, not normalized', '/admin', ['URL_DECODE', 'LOWERCASE'], undefined],
    ['ENDS_WITH \'/admin\' decoded, not normalized', '/admin', ['URL_DECODE', 'LOWERCASE'], undefined],
    ['CONTAINS \'/api/admin\' decoded, not normalized', '/api/admin', ['URL_DECODE', 'LOWERCASE'], 'without NORMALIZE_PATH, so unnormalized paths such as /api/./admin slip past'],
    ['CONTAINS \'/admin\' raw', '/admin', ['LOWERCASE'], 'without URL_DECODE, so encoded paths such as /%61dmin slip past'],
    ['STARTS_WITH \'/_admin\' raw', '/_admin', ['LOWERCASE'], 'without URL_DECODE and NORMALIZE_PATH, so encoded or unnormalized paths such as /_%61dmin, //_admin and /x/../_admin slip past'],
  ])('GIVEN %s WHEN judged THEN only what can slip past is said', (what, path, types, expected) => {
    const constraint = what.split(' ')[0];
    const found = messages([block({ ByteMatchStatement: { ...pathMatch(path, types).ByteMatchStatement, PositionalConstraint: constraint } })]);
    expect(found).toEqual(expected === undefined ? [] : [`rule 'Admin' (BLOCK) matches the URI path with ${constraint} '${path}' ${expected}`]);
  });

  test('GIVEN a raw match that starts with (or contains) \'/\' WHEN judged THEN nothing: every path does, however it is written', () => {
    expect(messages([block(pathMatch('/', []))])).toEqual([]);
    expect(messages([block({ ByteMatchStatement: { ...pathMatch('/', []).ByteMatchStatement, PositionalConstraint: 'CONTAINS' } })])).toEqual([]);
    // '/' EXACTLY is one path: //, /x/.. and /%2F reach the same resource
    expect(messages([block({ ByteMatchStatement: { ...pathMatch('/', []).ByteMatchStatement, PositionalConstraint: 'EXACTLY' } })])).toHaveLength(1);
  });

  test('GIVEN under an OR two raw matches of one path WHEN judged THEN neither stands in for the normalized one: both are reported', () => {
    expect(messages([block({ OrStatement: { Statements: [pathMatch('/admin', ['URL_DECODE', 'LOWERCASE']), pathMatch('/admin', ['URL_DECODE', 'LOWERCASE'])] } })])).toHaveLength(2);
  });

  test('GIVEN under an OR a raw match and one that normalizes first, then decodes WHEN judged THEN only the order is wrong, and said', () => {
    // The normalized sibling's NORMALIZE_PATH is its first transformation (index 0): it still is a normalized match.
    expect(messages([block({ OrStatement: { Statements: [pathMatch('/admin', ['URL_DECODE', 'LOWERCASE']), pathMatch('/admin', ['NORMALIZE_PATH', 'URL_DECODE', 'LOWERCASE'])] } })])).toEqual([
      "rule 'Admin' (BLOCK) matches the URI path with STARTS_WITH '/admin' normalizes before URL-decoding, so an encoded traversal (/x/%2e%2e/admin) is decoded after normalization and slips past",
    ]);
  });

  test('GIVEN under an OR two normalized matches of one path, one normalizing before decoding WHEN judged THEN the other does not hide its order', () => {
    expect(messages([block({ OrStatement: { Statements: [pathMatch('/admin', ['NORMALIZE_PATH', 'URL_DECODE', 'LOWERCASE']), pathMatch('/admin', ['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'])] } })]))
      .toEqual([expect.stringMatching(/normalizes before URL-decoding/)]);
  });

  test('GIVEN two statements not known in one rule WHEN judged THEN the "cannot verify" names the first', () => {
    const findings = webAcl([block({ AndStatement: { Statements: [{ 'Fn::ImportValue': 'FirstStatement' }, { 'Fn::ImportValue': 'SecondStatement' }] } })]);
    expect(cannot(findings)).toEqual([expect.stringMatching(/^LayeredDefense-WafPathBypass cannot verify URI path matches of rule 'Admin' \([^)]*FirstStatement/)]);
  });

  const regexMatch = (regex: unknown, types: string[]) => ({
    RegexMatchStatement: {
      FieldToMatch: { UriPath: {} },
      RegexString: regex,
      TextTransformations: types.map((Type, Priority) => ({ Priority, Type })),
    },
  });
  const RAW = ['URL_DECODE', 'LOWERCASE'];
  const NORMALIZED = ['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'];

  test('GIVEN a raw match of a header, not the path WHEN judged THEN it is not a path match: nothing', () => {
    const header = { ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'x-admin' } }, PositionalConstraint: 'EXACTLY', SearchString: 'Yes', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } };
    expect(messages([block(header)])).toEqual([]);
  });

  test('GIVEN under an OR a raw regex and a normalized regex of ANOTHER pattern WHEN judged THEN the raw regex is still a bypass', () => {
    expect(messages([block({ OrStatement: { Statements: [regexMatch('^/admin', RAW), regexMatch('^/reports', NORMALIZED)] } })]))
      .toEqual([expect.stringMatching(/^rule 'Admin' \(BLOCK\) matches the URI path with regex '\^\/admin' without NORMALIZE_PATH/)]);
  });

  test('GIVEN under an OR a raw regex and a normalized byte match of the same text WHEN judged THEN they are not a pair: the regex is reported', () => {
    expect(messages([block({ OrStatement: { Statements: [regexMatch('/admin', RAW), pathMatch('/admin', NORMALIZED)] } })]))
      .toEqual([expect.stringMatching(/^rule 'Admin' \(BLOCK\) matches the URI path with regex '\/admin' without NORMALIZE_PATH/)]);
  });

  test('GIVEN the raw and the normalized match each under an OR of its own, both under an AND WHEN judged THEN they are not alternatives', () => {
    expect(messages([block({
      AndStatement: {
        Statements: [
          { OrStatement: { Statements: [pathMatch('/admin', RAW), pathMatch('/x', NORMALIZED)] } },
          { OrStatement: { Statements: [pathMatch('/admin', NORMALIZED), pathMatch('/y', NORMALIZED)] } },
        ],
      },
    })])).toEqual([expect.stringMatching(/^rule 'Admin' \(BLOCK\) matches the URI path with STARTS_WITH '\/admin' without NORMALIZE_PATH/)]);
  });

  test.each([
    ['the regex', regexMatch({ 'Fn::ImportValue': 'AdminRegex' }, NORMALIZED), 'AdminRegex'],
    ['the search string', pathMatch({ 'Fn::ImportValue': 'AdminPath' } as unknown as string, NORMALIZED), 'AdminPath'],
    ['the positional constraint', { ByteMatchStatement: { ...pathMatch('/admin', NORMALIZED).ByteMatchStatement, PositionalConstraint: { 'Fn::ImportValue': 'How' } } }, 'How'],
    ['the transformations', { ByteMatchStatement: { ...pathMatch('/admin', NORMALIZED).ByteMatchStatement, TextTransformations: { 'Fn::ImportValue': 'Steps' } } }, 'Steps'],
  ])('GIVEN a path match whose %s is not known WHEN judged THEN it cannot be verified, naming the value', (_, statement, name) => {
    const findings = webAcl([block(statement)]);
    expect(ofRule(findings, PATH)).toEqual([]);
    expect(cannot(findings)).toEqual([expect.stringMatching(new RegExp(`^LayeredDefense-WafPathBypass cannot verify URI path matches of rule 'Admin' \\(.*${name}`))]);
  });

  test.each([
    ['URL_DECODE', ['NORMALIZE_PATH', 'LOWERCASE'], 'encoded paths such as /%61dmin'],
    ['URL_DECODE and NORMALIZE_PATH', ['LOWERCASE'], 'encoded or unnormalized paths such as /%61dmin, //admin and /x/../admin'],
  ])('GIVEN a match missing %s WHEN judged THEN the message names what is missing, and only that', (missing, types, examples) => {
    expect(messages([block(pathMatch('/admin', types as string[]))])).toEqual([
      `rule 'Admin' (BLOCK) matches the URI path with STARTS_WITH '/admin' without ${missing}, so ${examples} slip past`,
    ]);
  });

  test.each([
    ['(?i) at the start', '(?i)^/admin', 0],
    ['(?si): flags before the i', '(?si)^/admin', 0],
    ['(?is): flags after the i', '(?is)^/admin', 0],
    ['(?i) only after the first segment', '^/admin/(?i)reports', 1],
  ])('GIVEN a normalized regex without LOWERCASE, %s WHEN judged THEN %i case finding(s)', (_, regex, count) => {
    const findings = messages([block(regexMatch(regex, ['URL_DECODE', 'NORMALIZE_PATH']))]);
    expect(findings.filter((m) => m.includes('without LOWERCASE'))).toHaveLength(count as number);
  });

  test('GIVEN a byte match whose search string looks like a case-insensitive regex WHEN judged THEN it is still case-sensitive: a byte match has no flags', () => {
    expect(messages([block(pathMatch('(?i)/admin', ['URL_DECODE', 'NORMALIZE_PATH']))])).toEqual([
      "rule 'Admin' (BLOCK) matches the URI path with STARTS_WITH '(?i)/admin' without LOWERCASE, so the match is case-sensitive and a re-cased path such as /ADMIN slips past",
    ]);
  });

  test.each([
    ['a named group', '^/(?<Section>admin)/', 0],
    ['a Python-style named group', '^/(?P<Section>admin)/', 0],
    ['flags with an uppercase one', '(?sU)^/admin', 0],
    ['a Unicode class', '^/\\p{Lu}dmin', 0],
    ['a literal capital', '^/Admin', 1],
  ])('GIVEN a normalized, lowercased regex with %s WHEN judged THEN %i uppercase finding(s): syntax is not text of the path', (_, regex, count) => {
    const findings = messages([block(regexMatch(regex, NORMALIZED))]);
    expect(findings.filter((m) => m.includes('uppercase letters after LOWERCASE'))).toHaveLength(count as number);
  });

  test('GIVEN a normalized regex pattern set without LOWERCASE WHEN judged THEN no case finding: its patterns are not in the template', () => {
    const set = {
      RegexPatternSetReferenceStatement: {
        Arn: 'arn:aws:wafv2:us-east-1:111111111111:regional/regexpatternset/admin/1',
        FieldToMatch: { UriPath: {} },
        TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }],
      },
    };
    expect(messages([block(set)])).toEqual([]);
  });

  test('GIVEN under an OR a raw regex pattern set and a normalized OTHER set WHEN judged THEN the raw set is still a bypass', () => {
    const set = (name: string, types: string[]) => ({
      RegexPatternSetReferenceStatement: {
        Arn: `arn:aws:wafv2:us-east-1:111111111111:regional/regexpatternset/${name}/1`,
        FieldToMatch: { UriPath: {} },
        TextTransformations: types.map((Type, Priority) => ({ Priority, Type })),
      },
    });
    expect(messages([block({ OrStatement: { Statements: [set('admin', ['URL_DECODE']), set('reports', ['URL_DECODE', 'NORMALIZE_PATH'])] } })]))
      .toEqual([expect.stringMatching(/^rule 'Admin' \(BLOCK\) matches the URI path with regex pattern set without NORMALIZE_PATH/)]);
    expect(messages([block({ OrStatement: { Statements: [set('admin', ['URL_DECODE']), set('admin', ['URL_DECODE', 'NORMALIZE_PATH'])] } })])).toEqual([]);
  });

  test('GIVEN URL_DECODE_UNI and NORMALIZE_PATH_WIN WHEN judged THEN they decode and normalize as URL_DECODE and NORMALIZE_PATH do: nothing', () => {
    expect(messages([block(pathMatch('/admin', ['URL_DECODE_UNI', 'NORMALIZE_PATH_WIN', 'LOWERCASE']))])).toEqual([]);
  });
});

describe(`${ID}: a BLOCK rule no sample reaches`, () => {
  test('GIVEN two ALLOW rules that between them take every request a BLOCK blocks WHEN judged THEN the finding names both', () => {
    const findings = ofRule(webAcl([
      wafRule('Reports', 0, 'Allow', startsWith('/api/admin/reports')),
      wafRule('Api', 1, 'Allow', startsWith('/api/admin')),
      wafRule('Admin', 2, 'Block', startsWith('/api/admin/reports')),
    ]), ID);
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/is allowed first by ALLOW rule 'Reports'$/)]);
    const both = ofRule(webAcl([
      wafRule('Exact', 0, 'Allow', { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'EXACTLY', SearchString: '/api/admin', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }),
      wafRule('Below', 1, 'Allow', startsWith('/api/admin/')),
      wafRule('Admin', 2, 'Block', startsWith('/api/admin')),
    ]), ID);
    expect(both.map((f) => f.message)).toEqual([expect.stringMatching(/is allowed first by ALLOW rule 'Exact', 'Below'$/)]);
  });

  test('GIVEN a BLOCK on a header no sample sends, after an ALLOW of everything WHEN judged THEN nothing: no request shows the shadow', () => {
    const secret = { ByteMatchStatement: { FieldToMatch: { SingleHeader: { Name: 'x-secret' } }, PositionalConstraint: 'EXACTLY', SearchString: 'open', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } };
    const findings = webAcl([wafRule('All', 0, 'Allow', startsWith('/')), wafRule('Secret', 1, 'Block', secret)]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });
});

describe(`${ID}: rule groups ahead of a BLOCK rule`, () => {
  // A terminating Allow inside a rule group ends the web ACL's evaluation, unless the reference's OverrideAction is
  // Count: https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
  const OUTSIDE_ARN = 'arn:aws:wafv2:us-east-1:111111111111:regional/rulegroup/shared/0a1b2c3d';
  const groupRule = (name: string, priority: number, action: string, statement: unknown) =>
    ({ Name: name, Priority: priority, Action: { [action]: {} }, VisibilityConfig: visibility(name), Statement: statement });
  const ruleGroup = (rules: unknown) => ({
    Type: 'AWS::WAFv2::RuleGroup',
    Properties: { Name: 'shared', Scope: 'REGIONAL', Capacity: 50, VisibilityConfig: visibility('shared'), Rules: rules },
  });
  const groupRef = (name: string, priority: number, override: unknown, statement: object) =>
    ({ Name: name, Priority: priority, OverrideAction: override, VisibilityConfig: visibility(name), Statement: statement });
  const reference = (name: string, priority: number, arn: unknown, override: unknown = { None: {} }, extra: object = {}) =>
    groupRef(name, priority, override, { RuleGroupReferenceStatement: { Arn: arn, ...extra } });
  const managed = (name: string, priority: number, statement: object) =>
    groupRef(name, priority, { None: {} }, { ManagedRuleGroupStatement: statement });
  const aclWith = (rules: unknown, groupRules?: unknown) => judge({
    Stack: {
      Resources: {
        ...(groupRules === undefined ? {} : { Group: ruleGroup(groupRules) }),
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'REGIONAL', DefaultAction: { Allow: {} }, VisibilityConfig: visibility('acl'), Rules: rules } },
      },
    },
  });
  const ALLOW_ALL = [groupRule('AllowEverything', 0, 'Allow', startsWith('/'))];
  const ONLY_BLOCKS = [groupRule('NoReports', 0, 'Block', startsWith('/reports')), groupRule('CountAll', 1, 'Count', startsWith('/'))];
  const GROUP_ARN = { 'Fn::GetAtt': ['Group', 'Arn'] };
  const blockAdmin = (priority: number) => wafRule('Admin', priority, 'Block', startsWith('/admin'));
  // The same BLOCK rule with a search string not known at synth: any evaluation of it is "cannot verify", so a web ACL
  // where it shows none proves the rule skipped the web ACL (nothing in it can allow).
  const blockUnknown = (priority: number) => wafRule('Admin', priority, 'Block', startsWith({ 'Fn::ImportValue': 'AdminPath' }));

  test('GIVEN a group of the templates with an allow-all rule before a BLOCK rule WHEN judged THEN the block never happens, naming the group and its rule', () => {
    const findings = aclWith([reference('Shared', 0, GROUP_ARN), blockAdmin(1)], ALLOW_ALL);
    expect(sites(ofRule(findings, ID))).toEqual([[ID, 'Stack/Acl']]);
    expect(ofRule(findings, ID)[0].message).toMatch(
      /^BLOCK rule 'Admin' never blocks: each of \d+ requests it blocks on its own \(for example \/admin\S* from \S+\) is allowed first by ALLOW rule 'AllowEverything' of rule group Stack\/Group \(referenced by rule 'Shared'\)$/);
    expect(ofRule(findings, ID)[0].fix).toMatch(/OverrideAction Count/);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN the same group referenced with OverrideAction Count WHEN judged THEN nothing: its allow only counts', () => {
    const findings = aclWith([reference('Shared', 0, GROUP_ARN, { Count: {} }), blockAdmin(1)], ALLOW_ALL);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
    // Nor does anything else in that web ACL allow: even a BLOCK rule that cannot be read is not judged.
    expect(cannotVerify(aclWith([reference('Shared', 0, GROUP_ARN, { Count: {} }), blockUnknown(1)], ALLOW_ALL))).toEqual([]);
  });

  test('GIVEN the group after the BLOCK rule WHEN judged THEN nothing: the BLOCK rule runs first', () => {
    const findings = aclWith([blockAdmin(0), reference('Shared', 1, GROUP_ARN)], ALLOW_ALL);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a group whose rules only block and count WHEN judged THEN no finding and no "cannot verify": it cannot allow', () => {
    const findings = aclWith([reference('Shared', 0, GROUP_ARN), blockAdmin(1)], ONLY_BLOCKS);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
    expect(cannotVerify(aclWith([reference('Shared', 0, GROUP_ARN), blockUnknown(1)], ONLY_BLOCKS))).toEqual([]);
  });

  test('GIVEN a group whose BLOCK has a lower priority number than its allow-all WHEN judged THEN nothing: the group blocks /admin itself', () => {
    const blockFirst = [groupRule('AllowEverything', 5, 'Allow', startsWith('/')), groupRule('NoAdmin', 1, 'Block', startsWith('/admin'))];
    expect(ofRule(aclWith([reference('Shared', 0, GROUP_ARN), blockAdmin(1)], blockFirst), ID)).toEqual([]);
  });

  test.each<[string, object]>([
    ['ExcludedRules counting the allow-all', { ExcludedRules: [{ Name: 'AllowEverything' }] }],
    ['RuleActionOverrides turning the allow-all into a count', { RuleActionOverrides: [{ Name: 'AllowEverything', ActionToUse: { Count: {} } }] }],
  ])('GIVEN a reference with %s WHEN judged THEN nothing: the group cannot allow', (_, extra) => {
    const findings = aclWith([reference('Shared', 0, GROUP_ARN, { None: {} }, extra), blockAdmin(1)], ALLOW_ALL);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
    expect(cannotVerify(aclWith([reference('Shared', 0, GROUP_ARN, { None: {} }, extra), blockUnknown(1)], ALLOW_ALL))).toEqual([]);
  });

  describe('BLOCK rules inside a group the web ACL runs in place', () => {
    const NO_ADMIN = groupRule('NoAdmin', 1, 'Block', startsWith('/admin'));
    const SHADOWED_NO_ADMIN = /^BLOCK rule 'NoAdmin' of rule group Stack\/Group \(referenced by rule 'Shared'\) never blocks: each of \d+ requests it blocks on its own \(for example \/admin\S* from \S+\) is allowed first by /;

    test('GIVEN the group\'s allow-all before its BLOCK /admin WHEN judged THEN the group\'s block never happens: one error on the web ACL', () => {
      const findings = ofRule(aclWith([reference('Shared', 0, GROUP_ARN)], [...ALLOW_ALL, NO_ADMIN]), ID);
      expect(sites(findings)).toEqual([[ID, 'Stack/Acl']]);
      expect(findings[0].message).toMatch(new RegExp(SHADOWED_NO_ADMIN.source + "ALLOW rule 'AllowEverything' of rule group Stack\\/Group \\(referenced by rule 'Shared'\\)$"));
    });

    test('GIVEN a web ACL ALLOW of /admin before the reference WHEN judged THEN the group\'s block never happens, allowed by the web ACL\'s rule', () => {
      const findings = ofRule(aclWith([wafRule('AdminOpen', 0, 'Allow', startsWith('/admin')), reference('Shared', 1, GROUP_ARN)], [NO_ADMIN]), ID);
      expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(new RegExp(SHADOWED_NO_ADMIN.source + "ALLOW rule 'AdminOpen'$"))]);
    });

    test.each<[string, unknown, object]>([
      ['the group counted (OverrideAction Count)', { Count: {} }, {}],
      ['the BLOCK rule excluded (counted)', { None: {} }, { ExcludedRules: [{ Name: 'NoAdmin' }] }],
    ])('GIVEN %s WHEN judged THEN nothing: the rule blocks nothing, so nothing shadows it', (_, override, extra) => {
      const findings = aclWith([wafRule('AdminOpen', 0, 'Allow', startsWith('/admin')), reference('Shared', 1, GROUP_ARN, override, extra)], [NO_ADMIN]);
      expect(ofRule(findings, ID)).toEqual([]);
      expect(cannotVerify(findings)).toEqual([]);
    });

    test('GIVEN a COUNT rule of the group overridden to Block by the reference WHEN judged THEN it is judged as the BLOCK it is there', () => {
      const counted = groupRule('NoAdmin', 1, 'Count', startsWith('/admin'));
      const override = { RuleActionOverrides: [{ Name: 'NoAdmin', ActionToUse: { Block: {} } }] };
      const findings = ofRule(aclWith([reference('Shared', 0, GROUP_ARN, { None: {} }, override)], [...ALLOW_ALL, counted]), ID);
      expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(SHADOWED_NO_ADMIN)]);
      // Without the override it counts: nothing to shadow
      expect(ofRule(aclWith([reference('Shared', 0, GROUP_ARN)], [...ALLOW_ALL, counted]), ID)).toEqual([]);
    });

    test('GIVEN the shadowing ALLOW inside the same group WHEN reported THEN the fix is the order inside the group, not the reference', () => {
      const [found] = ofRule(aclWith([reference('Shared', 0, GROUP_ARN)], [...ALLOW_ALL, NO_ADMIN]), ID);
      expect(found.fix).toMatch(/^Give the BLOCK rule a lower priority number than the ALLOW rule inside the rule group/);
    });

    test('GIVEN the shadowing ALLOW in the web ACL WHEN reported THEN the fix moves the reference', () => {
      const [found] = ofRule(aclWith([wafRule('AdminOpen', 0, 'Allow', startsWith('/admin')), reference('Shared', 1, GROUP_ARN)], [NO_ADMIN]), ID);
      expect(found.fix).toMatch(/^Give the rule group reference a lower priority number than the web ACL's ALLOW rule/);
    });

    test('GIVEN the reference\'s OverrideAction not known at synth WHEN judged THEN "cannot verify": under None the block never happens, under Count it blocks nothing', () => {
      const findings = aclWith([wafRule('AdminOpen', 0, 'Allow', startsWith('/admin')), reference('Shared', 1, GROUP_ARN, { 'Fn::ImportValue': 'SharedOverride' })], [NO_ADMIN]);
      expect(ofRule(findings, ID)).toEqual([]);
      expect(cannotVerify(findings)).toEqual([expect.stringMatching(new RegExp(`^${ID} cannot verify rule 'NoAdmin' of rule group Stack/Group \\(referenced by rule 'Shared'\\) `
        + 'against earlier ALLOW rules: rule \'Shared\' OverrideAction \\{"Fn::ImportValue":"SharedOverride"\\} is not known at synth; with OverrideAction None, '
        + "BLOCK rule 'NoAdmin' of rule group Stack/Group \\(referenced by rule 'Shared'\\) never blocks: .* is allowed first by ALLOW rule 'AdminOpen'$"))]);
      // With the BLOCK's group ahead of the ALLOW, None blocks /admin: nothing to say either way
      const ahead = aclWith([reference('Shared', 0, GROUP_ARN, { 'Fn::ImportValue': 'SharedOverride' }), wafRule('AdminOpen', 1, 'Allow', startsWith('/admin'))], [NO_ADMIN]);
      expect(ofRule(ahead, ID)).toEqual([]);
      expect(cannotVerify(ahead)).toEqual([]);
    });

    test('GIVEN the group\'s BLOCK before its allow-all WHEN judged THEN nothing', () => {
      const blockFirst = [groupRule('AllowEverything', 5, 'Allow', startsWith('/')), NO_ADMIN];
      expect(ofRule(aclWith([reference('Shared', 0, GROUP_ARN)], blockFirst), ID)).toEqual([]);
    });
  });

  test('GIVEN a group of blocks with the reference overriding one to Allow WHEN judged THEN it shadows the BLOCK rule', () => {
    const blocks = [groupRule('Everything', 0, 'Block', startsWith('/'))];
    const findings = aclWith([reference('Shared', 0, GROUP_ARN, { None: {} }, { RuleActionOverrides: [{ Name: 'Everything', ActionToUse: { Allow: {} } }] }), blockAdmin(1)], blocks);
    expect(ofRule(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(/is allowed first by ALLOW rule 'Everything' of rule group Stack\/Group/)]);
  });

  test('GIVEN the group in another stack, its ARN imported WHEN judged together THEN the shadow is found across the stacks', () => {
    const findings = judge({
      Shared: { Resources: { Group: ruleGroup(ALLOW_ALL) } },
      App: {
        Resources: {
          Acl: {
            Type: 'AWS::WAFv2::WebACL',
            Properties: {
              Scope: 'REGIONAL',
              DefaultAction: { Allow: {} },
              VisibilityConfig: visibility('acl'),
              Rules: [reference('Shared', 0, stackRef('Shared', GROUP_ARN)), blockAdmin(1)],
            },
          },
        },
      },
    });
    expect(ofRule(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(/of rule group Shared\/Group \(referenced by rule 'Shared'\)$/)]);
  });

  test('GIVEN an AWS managed group (the core rule set) before a BLOCK rule WHEN judged THEN no finding and no "cannot verify": its rules never allow', () => {
    const crs = managed('CRS', 0, { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    const findings = aclWith([crs, blockAdmin(1)]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
    expect(cannotVerify(aclWith([crs, blockUnknown(1)]))).toEqual([]);
  });

  test('GIVEN an AWS managed group with a rule overridden to Allow before a BLOCK rule WHEN judged THEN it cannot verify the BLOCK rule, naming the override', () => {
    const findings = aclWith([
      managed('Bots', 0, { VendorName: 'AWS', Name: 'AWSManagedRulesBotControlRuleSet', RuleActionOverrides: [{ Name: 'CategoryHttpLibrary', ActionToUse: { Allow: {} } }] }),
      blockAdmin(1),
    ]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify rule 'Admin' behind rule groups that may allow what it blocks (rule 'Bots' overrides rule 'CategoryHttpLibrary' of AWS managed rule group `
      + 'AWSManagedRulesBotControlRuleSet to Allow, and what that rule matches is not published): the value is not known',
    ]);
  });

  test('GIVEN a marketplace group before a BLOCK rule WHEN judged THEN it cannot verify the BLOCK rule, naming the group', () => {
    const findings = aclWith([managed('Vendor', 0, { VendorName: 'F5', Name: 'OWASP_Managed' }), blockAdmin(1)]);
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(/cannot verify rule 'Admin' behind rule groups .*rule 'Vendor' references F5's managed rule group OWASP_Managed/)]);
  });

  test('GIVEN a marketplace group whose scope-down matches none of the BLOCK rule\'s requests WHEN judged THEN nothing is unknown', () => {
    // GIVEN the group inspects only /api/ requests; the BLOCK rule's samples are /admin requests
    const scoped = managed('Vendor', 0, { VendorName: 'F5', Name: 'OWASP_Managed', ScopeDownStatement: startsWith('/api/') });
    // THEN the samples pass the group unseen: neither a finding nor "cannot verify"
    const findings = aclWith([scoped, blockAdmin(1)]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a group ARN from outside the templates before a BLOCK rule WHEN judged THEN it cannot verify the BLOCK rule, naming the group', () => {
    const findings = aclWith([reference('Shared', 0, OUTSIDE_ARN), blockAdmin(1)]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([
      `${ID} cannot verify rule 'Admin' behind rule groups that may allow what it blocks (rule 'Shared' references rule group "${OUTSIDE_ARN}", `
      + 'which names no AWS::WAFv2::RuleGroup of the templates judged: its rules may allow): the value is not known',
    ]);
  });

  test('GIVEN a group ARN from outside the templates after every BLOCK rule WHEN judged THEN nothing: it cannot take what they block', () => {
    const findings = aclWith([blockAdmin(0), wafRule('Reports', 1, 'Block', startsWith('/reports')), reference('Shared', 2, OUTSIDE_ARN)]);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN an ALLOW that takes everything before a group from outside before the BLOCK WHEN judged THEN the finding stands: whatever the group does, the BLOCK never blocks', () => {
    const findings = aclWith([wafRule('All', 0, 'Allow', startsWith('/')), reference('Shared', 1, OUTSIDE_ARN), blockAdmin(2)]);
    expect(ofRule(findings, ID).map((f) => f.message)).toEqual([expect.stringMatching(/is allowed first by ALLOW rule 'All'$/)]);
    expect(cannotVerify(findings)).toEqual([]);
  });

  test('GIVEN a group of the templates whose Rules are not known at synth WHEN judged THEN it cannot verify, naming the group', () => {
    const findings = aclWith([reference('Shared', 0, GROUP_ARN), blockAdmin(1)], { 'Fn::If': ['Strict', ALLOW_ALL, ONLY_BLOCKS] });
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(/cannot verify rule 'Admin' behind rule groups that may allow what it blocks \(rule group Stack\/Group: Rules is \{"Fn::If"/)]);
  });

  test('GIVEN an allow-all group referenced with an OverrideAction not known at synth WHEN judged THEN it cannot verify, naming the OverrideAction', () => {
    const findings = aclWith([reference('Shared', 0, GROUP_ARN, { 'Fn::If': ['Testing', { Count: {} }, { None: {} }] }), blockAdmin(1)], ALLOW_ALL);
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings)).toEqual([expect.stringMatching(/cannot verify rule 'Admin' behind rule groups .*rule 'Shared' OverrideAction \{"Fn::If".* is not known at synth/)]);
  });
});
