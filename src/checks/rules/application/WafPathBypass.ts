import { searchString, wafRuleAction, walkStatements } from './waf-statements';
import { Json } from '../../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../../rule';

const DECODE = new Set(['URL_DECODE', 'URL_DECODE_UNI']);
const NORMALIZE = new Set(['NORMALIZE_PATH', 'NORMALIZE_PATH_WIN']);

/**
 * A URI path match that an attacker can step around. Without URL_DECODE then NORMALIZE_PATH (or
 * NORMALIZE_PATH_WIN), `/%61dmin`, `//admin` and `/x/../admin` do not start with `/admin`; without LOWERCASE, a
 * lowercase search string misses `/Admin`, which many servers route to the same handler. Checked on every path
 * match in an ALLOW, BLOCK, CAPTCHA or CHALLENGE rule (in an ALLOW rule the bypass lets requests skip later
 * blocks; inside NOT it turns a block into a pass).
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
 */
export const WafPathBypass: LayeredDefenseRule = {
  id: 'LayeredDefense-WafPathBypass',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A WAF URI path match lacks URL decoding and path normalization (in that order), or is case-sensitive for a lowercase path, so encoded or re-cased paths bypass it.',
  why: 'WAF compares the path exactly as sent unless text transformations run first: /%61dmin, //admin, /x/../admin and /Admin reach the same handler as /admin on most servers but do not match a plain match on /admin.',
  fix: 'Give the path match the text transformations URL_DECODE (priority 0), NORMALIZE_PATH (priority 1) and LOWERCASE (priority 2), as PathAllowlistWaf does',
  evaluate(model) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      const rules: Json[] = Array.isArray(acl.resource.properties.Rules) ? acl.resource.properties.Rules : [];
      for (const rule of rules) {
        const action = wafRuleAction(rule);
        if (action === 'COUNT' || action === 'NONE' || action === undefined) {
          continue;
        }
        const matches: Array<{ type: string; body: Json; key: string }> = [];
        walkStatements(rule.Statement, (type, body) => {
          if ((type === 'ByteMatchStatement' || type === 'RegexMatchStatement' || type === 'RegexPatternSetReferenceStatement') && body?.FieldToMatch?.UriPath !== undefined) {
            matches.push({ type, body, key: JSON.stringify([type, body.PositionalConstraint, searchString(body), body.RegexString, body.Arn]) });
          }
        });
        // A match of the decoded but unnormalized path next to the same match normalized (PathAllowlistWaf's
        // guard against origins that do not resolve '..') complements it: only the pair as a whole is judged.
        const normalizedKeys = new Set(matches.filter((m) => transformationOrder(m.body).normalizeAt >= 0).map((m) => m.key));
        for (const { type, body, key } of matches) {
          const problems = bypasses(type, body, normalizedKeys.has(key));
          if (problems.length > 0) {
            const what = type === 'ByteMatchStatement' ? `${body.PositionalConstraint} '${searchString(body)}'` : type === 'RegexMatchStatement' ? `regex '${body.RegexString}'` : 'regex pattern set';
            findings.push({
              resource: acl.resource,
              message: `rule '${rule.Name}' (${action}) matches the URI path with ${what} ${problems.join(' and ')}`,
            });
          }
        }
      }
    }
    return findings;
  },
};

function transformationOrder(body: Json): { types: string[]; decodeAt: number; normalizeAt: number } {
  const transformations: Json[] = Array.isArray(body.TextTransformations) ? [...body.TextTransformations] : [];
  transformations.sort((a, b) => Number(a?.Priority) - Number(b?.Priority));
  const types = transformations.map((t) => String(t?.Type));
  return { types, decodeAt: types.findIndex((t) => DECODE.has(t)), normalizeAt: types.findIndex((t) => NORMALIZE.has(t)) };
}

function bypasses(type: string, body: Json, normalizedSibling: boolean): string[] {
  const { types, decodeAt, normalizeAt: ownNormalizeAt } = transformationOrder(body);
  const normalizeAt = ownNormalizeAt < 0 && normalizedSibling ? Number.MAX_SAFE_INTEGER : ownNormalizeAt;
  const problems: string[] = [];
  if (decodeAt < 0 || normalizeAt < 0) {
    const missing = [decodeAt < 0 ? 'URL_DECODE' : undefined, normalizeAt < 0 ? 'NORMALIZE_PATH' : undefined].filter(Boolean).join(' and ');
    problems.push(`without ${missing}, so encoded or unnormalized paths such as /%61dmin, //admin and /x/../admin slip past`);
  } else if (normalizeAt < decodeAt) {
    problems.push('normalizes before URL-decoding, so an encoded traversal (/x/%2e%2e/admin) is decoded after normalization and slips past');
  }
  const text = type === 'ByteMatchStatement' ? searchString(body) ?? '' : type === 'RegexMatchStatement' ? String(body.RegexString ?? '').replace(/\\./g, '') : '';
  const caseInsensitiveRegex = type === 'RegexMatchStatement' && text.startsWith('(?i)');
  if (/[a-z]/.test(text) && !/[A-Z]/.test(text) && !types.includes('LOWERCASE') && !caseInsensitiveRegex) {
    problems.push('without LOWERCASE, so a re-cased path such as /Admin slips past');
  }
  return problems;
}
