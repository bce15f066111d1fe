import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { constructError } from '../../private/errors';
import { OriginPathStyle, PathMatchType } from '../types';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A statement in the resolved CloudFormation shape of `AWS::WAFv2::WebACL` (PascalCase), as the model reads it. */
export type CfnStatement = Record<string, any>;

/** AWS WAF's limit on `RegexString` (API_RegexMatchStatement). */
export const MAX_REGEX_LENGTH = 512;

/**
 * The transformations of the path statements, in this order (order matters):
 * 1. URL_DECODE_UNI, then URL_DECODE: two decoding passes, so a double-encoded `/%2561dmin` and the IIS form
 *    `/%u0061dmin` become `/admin`. Origins that decode twice (a proxy and then the app) exist; a second pass can
 *    only make more requests match a protected path, never fewer.
 * 2. NORMALIZE_PATH (or NORMALIZE_PATH_WIN for a Windows origin): `//admin`, `/./admin`, `/x/../admin` become
 *    `/admin`. It runs after decoding so `/x/%2e%2e/admin` is resolved too.
 * 3. LOWERCASE: `/ADMIN` becomes `/admin`; the protected paths are lowercased at synth to match.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
 */
export function normalizedPathTransformations(style: OriginPathStyle): CfnStatement[] {
  return transformations(['URL_DECODE_UNI', 'URL_DECODE', style === OriginPathStyle.WINDOWS ? 'NORMALIZE_PATH_WIN' : 'NORMALIZE_PATH', 'LOWERCASE']);
}

/**
 * The same without path normalization. WAF's NORMALIZE_PATH resolves `..`, but an origin that does not
 * (many routers match the raw path) routes `/admin/..` or `/admin/../x` into the protected tree while the
 * normalized form, `/` or `/x`, is outside it. Matching the decoded, unnormalized path as well closes that gap;
 * browsers resolve dot segments before sending, so no legitimate request is caught by it.
 */
export function decodedPathTransformations(): CfnStatement[] {
  return transformations(['URL_DECODE_UNI', 'URL_DECODE', 'LOWERCASE']);
}

function transformations(types: string[]): CfnStatement[] {
  return types.map((type, priority) => ({ Priority: priority, Type: type }));
}

/**
 * Validates a protected path and returns its matching form: lowercased, without a trailing slash (the boundary
 * rule covers it; `/` itself becomes the empty prefix, which protects every path).
 */
export function canonicalProtectedPath(scope: IConstruct, path: string): string {
  if (Token.isUnresolved(path)) {
    throw constructError(scope, `protected path '${path}' is a token; the path rule is built at synth, so give the path as a literal string`);
  }
  if (!path.startsWith('/')) {
    throw constructError(scope, `protected path '${path}' must start with '/' (for example '/${path}')`);
  }
  if (!/^[\x21-\x7e]+$/.test(path)) {
    throw constructError(scope, `protected path '${path}' may only hold printable ASCII without spaces; give the decoded path in ASCII`);
  }
  const forbidden = /[?#%\\]/.exec(path);
  if (forbidden) {
    throw constructError(scope, `protected path '${path}' holds '${forbidden[0]}': give the decoded path only, without query string, fragment, percent-encoding or backslashes`);
  }
  const segments = path.split('/').slice(1);
  const trimmed = path.endsWith('/') ? segments.slice(0, -1) : segments;
  if (trimmed.some((s) => s === '' || s === '.' || s === '..')) {
    throw constructError(scope, `protected path '${path}' is not in normalized form (empty, '.' or '..' segment); write it as the origin resolves it, e.g. '/${trimmed.filter((s) => s !== '' && s !== '.' && s !== '..').join('/')}'`);
  }
  if (path.length > 200) {
    throw constructError(scope, `protected path '${path.slice(0, 40)}...' is ${path.length} characters; at most 200 fit a WAF regex statement`);
  }
  const withoutSlash = path.endsWith('/') ? path.slice(0, -1) : path;
  return withoutSlash.toLowerCase();
}

/**
 * The regex pieces that let a protected path match the forms origins resolve to it, beyond what WAF's own
 * decoding and normalization handle. Only constructs that JS RegExp and PCRE read alike (the model evaluates
 * with JS; AWS WAF uses the PCRE syntax without backreferences, capturing groups or atomic groups): non-capturing
 * groups, classes, `?`, `*`, `{0,2}`, `^`, `$`. `[\s\S]` (any byte, newline included) instead of `.`, whose
 * newline handling depends on engine options. PCRE's `$` also matches before a final newline, JS's does not; every
 * `$` here is an alternative to a class that matches a newline itself, so the verdict is the same. No `*` stands
 * inside another `*` (AWS WAF refuses "excessive nested repeated patterns"). JS backtracks on these patterns, so
 * the model slows down on long adversarial paths (seconds for 3,600 characters of `..;` segments).
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-regex-pattern-support.html
 */
interface PathPieces {
  /**
   * What may follow a protected segment other than the last and still name the same segment:
   * - `;params` (`/api;jsessionid=1/admin`): Tomcat, Jetty and Spring strip path parameters from every segment;
   * - on a Windows origin also trailing dots and spaces and an NTFS stream suffix (`/api./admin`, `/api%20/admin`,
   *   `/api::$INDEX_ALLOCATION/admin`, `/api:$i30:$index_allocation/admin`), which Windows drops from a name.
   */
  readonly suffix: string;
  /**
   * Segments an origin may resolve away before a protected segment while WAF's NORMALIZE_PATH keeps them: any
   * segments ending in one that is empty, `.` or `..` once `;params` are stripped (`/;x/admin`, `/.;/admin`,
   * `/x/..;/admin`), or a plain `..` (`/x/..;/../admin`: WAF's normalization removes `..;` with the `..`); on
   * Windows any segment that starts with `;`, or is a dot alone or followed by a dot, space, `:` or `;` (`/x/.. /admin`,
   * `/x/..::$INDEX_ALLOCATION/admin`), as Windows drops trailing dots and spaces and reads stream suffixes. The segments
   * before it are not counted against the `..`: a superset, so `/a/b/..;/admin` is caught although Tomcat
   * resolves it to `/a/admin`. Clients that browse do not send such paths.
   */
  readonly junk: string;
}

const PARAMS = '(?:;[^/]*)?';
const WINDOWS_NAME_TAIL = '[. ]*(?::[^/:]*:\\$[a-z_]+)?';

function pathPieces(style: OriginPathStyle): PathPieces {
  if (style === OriginPathStyle.WINDOWS) {
    return {
      suffix: `${WINDOWS_NAME_TAIL}${PARAMS}`,
      junk: '(?:/(?:[\\s\\S]*/)?(?:;[^/]*|\\.(?:[. :;][^/]*)?))?',
    };
  }
  return {
    suffix: PARAMS,
    junk: '(?:/(?:[\\s\\S]*/)?(?:\\.{0,2};[^/]*|\\.\\.))?',
  };
}

/**
 * Regexes (each within the 512-character limit) that together match the canonical paths with the boundary of
 * the match type. Regex rather than an OR of byte matches: one regex costs 3 WCU + transformations, where
 * EXACTLY `/admin` OR STARTS_WITH `/admin/` OR STARTS_WITH `/admin;` ... would cost 2 WCU + transformations each.
 *
 * Shape, with J the junk segments and S the segment suffix of `PathPieces` (POSIX origin):
 * - J = `(?:/(?:[\s\S]*\/)?(?:\.{0,2};[^/]*|\.\.))?`, S = `(?:;[^/]*)?`
 * - PREFIX: `^J(?:/admin|/api S J/admin)(?:$|[^a-z0-9_-])`: after the last segment the end or a character that
 *   cannot continue a segment name (`/`, `;`, `.`, `%`, NUL, ...), so `/administrator` stays outside.
 * - EXACT: `^J(?:/admin S|/api S J/admin S)J/?(?:$|[^a-z0-9_/-])`: an optional trailing slash, then the end or a
 *   suffix such as `;jsessionid` or `.json` that frameworks strip, but not a further segment.
 * For example PREFIX `/api/admin` on a POSIX origin:
 * `^(?:/(?:[\s\S]*\/)?(?:\.{0,2};[^/]*|\.\.))?(?:/api(?:;[^/]*)?(?:/(?:[\s\S]*\/)?(?:\.{0,2};[^/]*|\.\.))?/admin)(?:$|[^a-z0-9_-])`
 */
export function pathRegexes(paths: readonly string[], matchType: PathMatchType, style: OriginPathStyle): string[] {
  const { junk } = pathPieces(style);
  const exact = matchType === PathMatchType.EXACT;
  const tail = exact ? `${junk}/?(?:$|[^a-z0-9_/-])` : '(?:$|[^a-z0-9_-])';
  const bodies = paths.map((p) => pathBody(p, matchType, style));
  const regexes: string[] = [];
  let group: string[] = [];
  const render = (g: string[]) => `^${junk}(?:${g.join('|')})${tail}`;
  for (const body of bodies) {
    if (group.length > 0 && render([...group, body]).length > MAX_REGEX_LENGTH) {
      regexes.push(render(group));
      group = [];
    }
    group.push(body);
  }
  if (group.length > 0) {
    regexes.push(render(group));
  }
  return regexes;
}

/** The length of the regex that matches one canonical path alone: it must fit MAX_REGEX_LENGTH. */
export function pathRegexLength(path: string, matchType: PathMatchType, style: OriginPathStyle): number {
  return pathRegexes([path], matchType, style)[0].length;
}

/** One canonical path's alternative: its segments, junk before every segment but the first, suffixes after. */
function pathBody(path: string, matchType: PathMatchType, style: OriginPathStyle): string {
  if (path === '') {
    return '';
  }
  const { suffix, junk } = pathPieces(style);
  const segments = path.split('/').slice(1);
  const last = segments.length - 1;
  // After the last segment of a PREFIX path the boundary already admits `;`, `.`, ` ` and `:`.
  const suffixAfter = (i: number) => (i < last || matchType === PathMatchType.EXACT ? suffix : '');
  return segments.map((segment, i) => `${i > 0 ? junk : ''}/${escapeRegex(segment)}${suffixAfter(i)}`).join('');
}

/** The statement "the request path is one of the protected paths", on the normalized and on the decoded path. */
export function pathMatchStatement(paths: readonly string[], matchType: PathMatchType, style: OriginPathStyle): CfnStatement {
  const statements: CfnStatement[] = [];
  for (const transformationsOf of [normalizedPathTransformations(style), decodedPathTransformations()]) {
    for (const regex of pathRegexes(paths, matchType, style)) {
      statements.push({
        RegexMatchStatement: {
          FieldToMatch: { UriPath: {} },
          RegexString: regex,
          TextTransformations: transformationsOf,
        },
      });
    }
  }
  return anyOf(statements);
}

export function anyOf(statements: CfnStatement[]): CfnStatement {
  return statements.length === 1 ? statements[0] : { OrStatement: { Statements: statements } };
}

/** Escapes every character but letters, digits and `/`: a backslash before a non-alphanumeric is literal in PCRE and JS. */
function escapeRegex(path: string): string {
  return path.replace(/[^a-z0-9/]/g, (c) => `\\${c}`);
}
