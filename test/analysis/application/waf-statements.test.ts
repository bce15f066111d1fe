// The sample requests the WAF rules evaluate (src/analysis/rules/application/waf-statements.ts): which URI paths a
// statement's path matches give, which addresses its IP sets give, and the forwarded IP headers it reads. Each case
// is computed by hand from the statement.
import { parseWafStatement } from '../../../src/analysis/model/waf-statements-tree';
import { forwardedIpHeaders, readsForwardedIp, sampleRequests } from '../../../src/analysis/rules/application/waf-statements';

const uri = { UriPath: {} };
const none = [{ Priority: 0, Type: 'NONE' }];
const byteMatch = (constraint: string, search: unknown, field: unknown = uri) =>
  ({ ByteMatchStatement: { FieldToMatch: field, PositionalConstraint: constraint, SearchString: search, TextTransformations: none } });
const regexMatch = (regex: unknown) => ({ RegexMatchStatement: { FieldToMatch: uri, RegexString: regex, TextTransformations: none } });
const DOCUMENTATION = ['192.0.2.77', '198.51.100.23', '2001:db8::77'];

/** The distinct URI paths of a statement's samples, in order. */
function paths(statement: unknown, ipSets: Record<string, string[]> = {}): string[] {
  return [...new Set(sampleRequests(ipSets, parseWafStatement(statement as never, 'Statement')).map((r) => r.uriPath))];
}

function sources(statement: unknown, ipSets: Record<string, string[]>): string[] {
  return [...new Set(sampleRequests(ipSets, parseWafStatement(statement as never, 'Statement')).map((r) => r.sourceIp))];
}

describe('sample paths from byte matches', () => {
  test.each([
    ['EXACTLY', '/admin', ['/', '/admin']],
    ['STARTS_WITH', '/admin', ['/', '/admin', '/admin/x']],
    ['STARTS_WITH', '/admin/', ['/', '/admin/', '/admin/x']],
    ['ENDS_WITH', '/login', ['/', '/x/login']],
    ['ENDS_WITH', '.php', ['/', '/x/.php']],
    ['CONTAINS', 'admin', ['/', '/x/admin/y', 'admin']],
    ['CONTAINS_WORD', 'admin', ['/', '/x/admin/y', 'admin']],
  ])('GIVEN %s %j WHEN sampled THEN the paths are %j', (constraint, search, expected) => {
    expect(paths(byteMatch(constraint, search))).toEqual(expected);
  });

  test('GIVEN a search string or a field not known, or a header match WHEN sampled THEN only /', () => {
    expect(paths(byteMatch('STARTS_WITH', { 'Fn::ImportValue': 'Path' }))).toEqual(['/']);
    expect(paths(byteMatch('STARTS_WITH', '/admin', { 'Fn::ImportValue': 'Field' }))).toEqual(['/']);
    expect(paths(byteMatch('STARTS_WITH', '/admin', { SingleHeader: { Name: 'x-path' } }))).toEqual(['/']);
  });
});

describe('sample paths from regexes', () => {
  test.each([
    ['a literal prefix', '^/admin', ['/', '/admin', '/admin/x']],
    ['escaped slashes and dots', '^\\/api\\/v1\\.0', ['/', '/api/v1.0', '/api/v1.0/x', '/api', '/api/x', '/v1.0', '/v1.0/x']],
    ['segments inside groups', '^(?:/api|/admin)(?:$|/)', ['/', '/api', '/api/x', '/admin', '/admin/x', '/api/admin', '/api/admin/x']],
    ['a character class, not a segment', '^/[a-z]+/admin', ['/', '/admin', '/admin/x']],
    ['no path text', '(?:foo|bar)', ['/']],
    ['no caret, a trailing slash', '/admin/', ['/', '/admin/', '/admin/x', '/admin']],
    ['a class of separators (left out of the segments)', '^/api[/_]v1', ['/', '/api', '/api/x', '/apiv1', '/apiv1/x']],
  ])('GIVEN %s WHEN sampled THEN the paths are the spelled-out segments, each alone and all in a row', (_, regex, expected) => {
    expect(paths(regexMatch(regex))).toEqual(expected);
  });

  test('GIVEN a regex not known WHEN sampled THEN only /', () => {
    expect(paths(regexMatch({ 'Fn::ImportValue': 'Regex' }))).toEqual(['/']);
  });
});

describe('sample addresses and headers', () => {
  const office = (config?: unknown) => ({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Office', 'Arn'] }, ...(config ? { IPSetForwardedIPConfig: config } : {}) } });

  test('GIVEN an IP set of four blocks, one with host bits WHEN sampled THEN the first address of each of its first three joins the documentation addresses', () => {
    expect(sources(office(), { Office: ['198.51.100.7/24', '203.0.113.0/25', '2001:db8:1::/48', '10.0.0.0/8'] }))
      .toEqual([...DOCUMENTATION, '198.51.100.0', '203.0.113.0', '2001:db8:1::']);
  });

  test('GIVEN an IP set whose addresses are not given, or an entry that is no CIDR WHEN sampled THEN those add nothing', () => {
    expect(sources(office(), {})).toEqual(DOCUMENTATION);
    expect(sources(office(), { Office: ['not-a-cidr', '203.0.113.9/32'] })).toEqual([...DOCUMENTATION, '203.0.113.9']);
  });

  test('GIVEN a forwarded IP config WHEN sampled THEN each path and source comes without the header and with it for every address', () => {
    const statement = parseWafStatement(office({ HeaderName: 'X-Forwarded-For', Position: 'LAST', FallbackBehavior: 'NO_MATCH' }) as never, 'Statement');
    const samples = sampleRequests({ Office: ['203.0.113.0/24'] }, statement);
    const addresses = [...DOCUMENTATION, '203.0.113.0'];
    expect(samples).toHaveLength(addresses.length * (1 + addresses.length));
    expect(samples.slice(0, 1 + addresses.length)).toEqual([
      { uriPath: '/', sourceIp: '192.0.2.77' },
      ...addresses.map((a) => ({ uriPath: '/', sourceIp: '192.0.2.77', headers: { 'X-Forwarded-For': a } })),
    ]);
    expect(forwardedIpHeaders(statement)).toEqual(['X-Forwarded-For']);
    expect(readsForwardedIp(statement)).toBe(true);
  });

  test('GIVEN a forwarded IP config whose header name is not known WHEN read THEN it reads a forwarded IP, under no header the samples can name', () => {
    const statement = parseWafStatement(office({ HeaderName: { 'Fn::ImportValue': 'Header' }, Position: 'LAST', FallbackBehavior: 'NO_MATCH' }) as never, 'Statement');
    expect(readsForwardedIp(statement)).toBe(true);
    expect(forwardedIpHeaders(statement)).toEqual([]);
    expect(readsForwardedIp(parseWafStatement(office() as never, 'Statement'))).toBe(false);
  });

  test.each([
    [40, ['203.0.113.0/24', '203.0.114.0/24', '203.0.115.0/24'], 602],
    [40, ['203.0.113.0/24'], 600],
  ])('GIVEN %i more paths, the addresses of %j and a header WHEN sampled THEN the samples stop at the first whole source at or past 600: %i', (count, set, expected) => {
    const statements: unknown[] = Array.from({ length: count as number }, (_, i) => byteMatch('EXACTLY', `/p${i}`));
    statements.push(office({ HeaderName: 'X-Forwarded-For', Position: 'LAST', FallbackBehavior: 'NO_MATCH' }));
    const samples = sampleRequests({ Office: set as string[] }, parseWafStatement({ OrStatement: { Statements: statements } } as never, 'Statement'));
    // Each source gives 1 + (addresses) samples: 7 with six addresses (602 = 86 x 7), 5 with four (600 = 120 x 5).
    expect(samples).toHaveLength(expected as number);
  });
});
