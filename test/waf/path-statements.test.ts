import { App, Lazy, Stack } from 'aws-cdk-lib';
import {
  anyOf,
  canonicalProtectedPath,
  decodedPathTransformations,
  MAX_REGEX_LENGTH,
  normalizedPathTransformations,
  pathMatchStatement,
  pathRegexes,
  pathRegexLength,
} from '../../src/waf/private/path-statements';
import { OriginPathStyle, PathMatchType } from '../../src/waf/types';

// Unit tests of the path regexes, evaluated with JS RegExp on paths as WAF sees them after its transformations
// (decoded, normalized or not, lowercased). requests.test.ts checks the same through a synthesized web ACL.
const { PREFIX, EXACT } = PathMatchType;
const { POSIX, WINDOWS } = OriginPathStyle;

/** Whether any of the regexes matches the (already transformed) path. */
function matches(paths: string[], matchType: PathMatchType, style: OriginPathStyle, request: string): boolean {
  return pathRegexes(paths, matchType, style).some((r) => new RegExp(r).test(request));
}

describe('transformations', () => {
  test('decode twice, normalize for the origin, lowercase, in that order', () => {
    expect(normalizedPathTransformations(POSIX)).toEqual([
      { Priority: 0, Type: 'URL_DECODE_UNI' },
      { Priority: 1, Type: 'URL_DECODE' },
      { Priority: 2, Type: 'NORMALIZE_PATH' },
      { Priority: 3, Type: 'LOWERCASE' },
    ]);
    expect(normalizedPathTransformations(WINDOWS)[2]).toEqual({ Priority: 2, Type: 'NORMALIZE_PATH_WIN' });
    expect(decodedPathTransformations()).toEqual([
      { Priority: 0, Type: 'URL_DECODE_UNI' },
      { Priority: 1, Type: 'URL_DECODE' },
      { Priority: 2, Type: 'LOWERCASE' },
    ]);
  });
});

describe('canonicalProtectedPath', () => {
  const scope = () => new Stack(new App(), 'Stack');

  test('lowercases and drops a trailing slash; "/" protects everything', () => {
    expect(canonicalProtectedPath(scope(), '/Admin/')).toBe('/admin');
    expect(canonicalProtectedPath(scope(), '/api/Admin')).toBe('/api/admin');
    expect(canonicalProtectedPath(scope(), '/')).toBe('');
  });

  test.each([
    ['/admin?x=1', /Stack: protected path '\/admin\?x=1' holds '\?': give the decoded path only/],
    ['/admin#top', /holds '#'/],
    ['/%61dmin', /holds '%'/],
    ['/a\\b', /holds '\\'/],
    ['admin', /Stack: protected path 'admin' must start with '\/' \(for example '\/admin'\)/],
    ['/ad min', /may only hold printable ASCII without spaces/],
    ['/admïn', /may only hold printable ASCII without spaces/],
    ['/a//b', /is not in normalized form \(empty, '\.' or '\.\.' segment\); write it as the origin resolves it, e\.g\. '\/a\/b'/],
    ['/a/./b', /not in normalized form.*'\/a\/b'/],
    ['/a/../b/', /not in normalized form.*'\/a\/b'/],
    ['//', /not in normalized form/],
  ])('refuses %s', (path, message) => {
    expect(() => canonicalProtectedPath(scope(), path)).toThrow(message);
  });

  test('refuses a token', () => {
    const token = Lazy.string({ produce: () => '/admin' });
    expect(() => canonicalProtectedPath(scope(), token)).toThrow(/is a token; the path rule is built at synth, so give the path as a literal string/);
  });

  test('200 characters fit, 201 do not', () => {
    const fits = `/${'a'.repeat(199)}`;
    expect(canonicalProtectedPath(scope(), fits)).toBe(fits);
    expect(() => canonicalProtectedPath(scope(), `/${'a'.repeat(200)}`))
      .toThrow(new RegExp(`protected path '/${'a'.repeat(39)}\\.\\.\\.' is 201 characters; at most 200 fit a WAF regex statement`));
  });
});

describe('pathRegexes', () => {
  test('the documented shape of PREFIX /api/admin on a POSIX origin', () => {
    expect(pathRegexes(['/api/admin'], PREFIX, POSIX)).toEqual([
      '^(?:/(?:[\\s\\S]*/)?(?:\\.{0,2};[^/]*|\\.\\.))?(?:/api(?:;[^/]*)?(?:/(?:[\\s\\S]*/)?(?:\\.{0,2};[^/]*|\\.\\.))?/admin)(?:$|[^a-z0-9_-])',
    ]);
  });

  test('EXACT on a Windows origin: suffix after every segment, junk and an optional slash at the end', () => {
    const junk = '(?:/(?:[\\s\\S]*/)?(?:;[^/]*|\\.(?:[. :;][^/]*)?))?';
    const suffix = '[. ]*(?::[^/:]*:\\$[a-z_]+)?(?:;[^/]*)?';
    expect(pathRegexes(['/a-b'], EXACT, WINDOWS)).toEqual([`^${junk}(?:/a\\-b${suffix})${junk}/?(?:$|[^a-z0-9_/-])`]);
  });

  test('PREFIX: the path and everything under it, not a longer segment name', () => {
    const yes = ['/admin', '/admin/', '/admin/users', '/admin;jsessionid=1', '/admin.json', '/;x/admin', '/x/..;/admin', '/x/../admin', '/.;/admin'];
    const no = ['/administrator', '/admin-console', '/admin_old', '/public', '/x/admin', '/adm', ''];
    for (const p of yes) expect([p, matches(['/admin'], PREFIX, POSIX, p)]).toEqual([p, true]);
    for (const p of no) expect([p, matches(['/admin'], PREFIX, POSIX, p)]).toEqual([p, false]);
  });

  test('PREFIX of a nested path: parameters and resolved-away segments between its segments', () => {
    for (const p of ['/api/admin', '/api;v=1/admin', '/api/x/..;/admin', '/api/;/admin', '/api/admin/x']) {
      expect([p, matches(['/api/admin'], PREFIX, POSIX, p)]).toEqual([p, true]);
    }
    for (const p of ['/api', '/apix/admin', '/api/adminx', '/api./admin', '/api::$index_allocation/admin']) {
      expect([p, matches(['/api/admin'], PREFIX, POSIX, p)]).toEqual([p, false]);
    }
  });

  test('Windows: trailing dots and spaces, stream suffixes and dot segments name the same segment', () => {
    for (const p of ['/api./admin', '/api /admin', '/api::$index_allocation/admin', '/api:$i30:$index_allocation/admin', '/x/.. /api/admin', '/api/x/..::$index_allocation/admin', '/;x/api/admin', '/api/x/./admin']) {
      expect([p, matches(['/api/admin'], PREFIX, WINDOWS, p)]).toEqual([p, true]);
    }
    expect(matches(['/api/admin'], PREFIX, WINDOWS, '/apix/admin')).toBe(false);
  });

  test('EXACT: the path with a trailing slash or a stripped suffix, not a further segment', () => {
    for (const p of ['/admin', '/admin/', '/admin;x', '/admin.json', '/admin/..;']) {
      expect([p, matches(['/admin'], EXACT, POSIX, p)]).toEqual([p, true]);
    }
    for (const p of ['/admin/users', '/admin//', '/admins', '/admin-x', '/admin_x']) {
      expect([p, matches(['/admin'], EXACT, POSIX, p)]).toEqual([p, false]);
    }
  });

  test('"/" (the empty prefix) protects every path', () => {
    for (const p of ['/', '/anything', '']) {
      expect(matches([''], PREFIX, POSIX, p)).toBe(true);
    }
  });

  test('characters other than letters, digits and "/" are literal', () => {
    expect(matches(['/a.b'], PREFIX, POSIX, '/a.b')).toBe(true);
    expect(matches(['/a.b'], PREFIX, POSIX, '/axb')).toBe(false);
    expect(matches(['/a+b'], PREFIX, POSIX, '/aab')).toBe(false);
    expect(matches(['/a+b'], PREFIX, POSIX, '/a+b')).toBe(true);
  });

  test('several paths share one regex while it fits', () => {
    const regexes = pathRegexes(['/admin', '/internal'], PREFIX, POSIX);
    expect(regexes).toHaveLength(1);
    expect(regexes[0]).toContain('(?:/admin|/internal)');
    expect(pathRegexes([], PREFIX, POSIX)).toEqual([]);
  });

  test('splits into regexes of at most 512 characters, each path in exactly one, none left out', () => {
    // GIVEN 30 paths of about 50 characters: about 1,500 characters of alternatives
    const paths = Array.from({ length: 30 }, (_, i) => `/section-${String(i).padStart(2, '0')}/${'x'.repeat(30)}`);

    // WHEN
    const regexes = pathRegexes(paths, PREFIX, POSIX);

    // THEN
    expect(regexes.length).toBeGreaterThanOrEqual(3);
    for (const r of regexes) {
      expect(r.length).toBeLessThanOrEqual(MAX_REGEX_LENGTH);
    }
    for (const p of paths) {
      expect([p, regexes.filter((r) => new RegExp(r).test(`${p}/page`)).length]).toEqual([p, 1]);
    }
  });

  test('a regex of exactly 512 characters is kept whole; one more character splits it', () => {
    // GIVEN two paths, the first one grown until the pair's regex reaches the limit
    const pair = (n: number) => pathRegexes([`/${'a'.repeat(n)}`, '/b'], PREFIX, POSIX);
    let n = 1;
    while (pair(n + 1).length === 1) {
      n++;
    }
    // THEN the largest single regex is exactly the limit, and the next size needs two regexes
    expect(pair(n)).toHaveLength(1);
    expect(pair(n)[0].length).toBe(MAX_REGEX_LENGTH);
    expect(pair(n + 1)).toHaveLength(2);
    expect(pair(n + 1)).toEqual([pathRegexes([`/${'a'.repeat(n + 1)}`], PREFIX, POSIX)[0], pathRegexes(['/b'], PREFIX, POSIX)[0]]);
  });

  test('a path whose regex alone is over the limit stays one regex, so the caller can measure and refuse it', () => {
    // 30 segments: each brings its own junk pattern, about 1,500 characters in all
    const long = '/a'.repeat(30);
    const regexes = pathRegexes([long], PREFIX, POSIX);
    expect(regexes).toHaveLength(1);
    expect(pathRegexLength(long, PREFIX, POSIX)).toBe(regexes[0].length);
    expect(regexes[0].length).toBeGreaterThan(MAX_REGEX_LENGTH);
    // never an empty alternative, which would match every path
    expect(pathRegexes([long, '/b'], PREFIX, POSIX).every((r) => !r.includes('(?:)'))).toBe(true);
  });

  test('pathRegexLength is the length of the one-path regex', () => {
    expect(pathRegexLength('/admin', PREFIX, POSIX)).toBe(pathRegexes(['/admin'], PREFIX, POSIX)[0].length);
    expect(pathRegexLength('/admin', EXACT, POSIX)).toBeGreaterThan(pathRegexLength('/admin', PREFIX, POSIX));
  });
});

describe('pathMatchStatement', () => {
  test('one regex on the normalized path OR the same regex on the decoded path', () => {
    const [regex] = pathRegexes(['/admin'], PREFIX, WINDOWS);
    expect(pathMatchStatement(['/admin'], PREFIX, WINDOWS)).toEqual({
      OrStatement: {
        Statements: [
          { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: regex, TextTransformations: normalizedPathTransformations(WINDOWS) } },
          { RegexMatchStatement: { FieldToMatch: { UriPath: {} }, RegexString: regex, TextTransformations: decodedPathTransformations() } },
        ],
      },
    });
  });

  test('every split regex is matched on both forms of the path', () => {
    const paths = Array.from({ length: 30 }, (_, i) => `/section-${i}/${'x'.repeat(30)}`);
    const count = pathRegexes(paths, EXACT, POSIX).length;
    expect(pathMatchStatement(paths, EXACT, POSIX).OrStatement.Statements).toHaveLength(2 * count);
  });

  test('anyOf: one statement stands alone', () => {
    expect(anyOf([{ A: 1 }])).toEqual({ A: 1 });
    expect(anyOf([{ A: 1 }, { B: 2 }])).toEqual({ OrStatement: { Statements: [{ A: 1 }, { B: 2 }] } });
  });
});
