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
 * Regexes (each within the 512-character limit) that together match the canonical paths with the boundary of
 * the match type. Regex rather than an OR of byte matches: one regex costs 3 WCU + transformations, where
 * EXACTLY `/admin` OR STARTS_WITH `/admin/` OR STARTS_WITH `/admin;` ... would cost 2 WCU + transformations each.
 *
 * PREFIX: `^(?:/admin|/internal)(?:$|[^a-z0-9_-])`: the path, then the end or a character that cannot continue a
 * segment name (`/`, `;`, `.`, `%`, NUL, ...), so `/administrator` stays outside.
 * EXACT: `^(?:/admin)/?(?:$|[^a-z0-9_/-])`: the path, an optional trailing slash, then the end or a suffix such as
 * `;jsessionid` or `.json` that frameworks strip, but not a further segment.
 */
export function pathRegexes(paths: readonly string[], matchType: PathMatchType): string[] {
  const tail = matchType === PathMatchType.EXACT ? '/?(?:$|[^a-z0-9_/-])' : '(?:$|[^a-z0-9_-])';
  const bodies = paths.map(escapeRegex);
  const regexes: string[] = [];
  let group: string[] = [];
  const render = (g: string[]) => `^(?:${g.join('|')})${tail}`;
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

/** The statement "the request path is one of the protected paths", on the normalized and on the decoded path. */
export function pathMatchStatement(paths: readonly string[], matchType: PathMatchType, style: OriginPathStyle): CfnStatement {
  const statements: CfnStatement[] = [];
  for (const transformationsOf of [normalizedPathTransformations(style), decodedPathTransformations()]) {
    for (const regex of pathRegexes(paths, matchType)) {
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
