// Reading WAF rules structurally, and building sample requests from a rule's own statement for the evaluator
// (src/analysis/model/waf-evaluator.ts). Samples make the WAF rules exact where they say "this request passes"; their
// limit is that a finding needs a sample that shows it, so a rule whose matches no sample reaches is not judged.
import { formatAddress, parseCidrOrReason } from '../../../private/ip';
import { Json, referenceOf } from '../../model/model-values';
import type { WafRequest } from '../../model/waf-evaluator';

/** The action of a rule: ALLOW, BLOCK, COUNT, CAPTCHA, CHALLENGE, or NONE for a rule group's override. */
export function wafRuleAction(rule: Json): string | undefined {
  const action = rule?.Action ?? {};
  for (const [key, verdict] of [['Allow', 'ALLOW'], ['Block', 'BLOCK'], ['Count', 'COUNT'], ['Captcha', 'CAPTCHA'], ['Challenge', 'CHALLENGE']]) {
    if (action[key] !== undefined) {
      return verdict;
    }
  }
  return rule?.OverrideAction !== undefined ? 'NONE' : undefined;
}

/** Visits a statement and every nested statement (AND, OR, NOT, rate-based and managed scope-downs). */
export function walkStatements(statement: Json, visit: (type: string, body: Json) => void): void {
  if (!statement || typeof statement !== 'object') {
    return;
  }
  for (const [type, body] of Object.entries<Json>(statement)) {
    visit(type, body);
    for (const child of Array.isArray(body?.Statements) ? body.Statements : []) {
      walkStatements(child, visit);
    }
    walkStatements(body?.Statement, visit);
    walkStatements(body?.ScopeDownStatement, visit);
  }
}

/** Forwarded IP configurations in a statement tree (IP set references, geo and rate-based statements). */
export function forwardedIpHeaders(statement: Json): string[] {
  const headers: string[] = [];
  walkStatements(statement, (type, body) => {
    const config = type === 'IPSetReferenceStatement' ? body?.IPSetForwardedIPConfig : body?.ForwardedIPConfig;
    if (config && typeof config.HeaderName === 'string') {
      headers.push(config.HeaderName);
    }
  });
  return headers;
}

/** The search string of a byte match, decoded from `SearchStringBase64` when needed. */
export function searchString(body: Json): string | undefined {
  if (typeof body?.SearchString === 'string') {
    return body.SearchString;
  }
  if (typeof body?.SearchStringBase64 === 'string') {
    return Buffer.from(body.SearchStringBase64, 'base64').toString('latin1');
  }
  return undefined;
}

const TEST_ADDRESSES = ['192.0.2.77', '198.51.100.23', '2001:db8::77'];
const MAX_SAMPLES = 600;

/**
 * Requests that exercise a statement: URI paths built from its path matches (and `/`), source and forwarded
 * addresses from the IP sets it references (first address of their first blocks) and documentation ranges,
 * each with and without every forwarded IP header it inspects.
 */
export function sampleRequests(ipSets: Readonly<Record<string, readonly string[]>>, statement: Json): WafRequest[] {
  const paths = new Set<string>(['/']);
  const addresses = new Set<string>(TEST_ADDRESSES);
  const headers = new Set<string>(forwardedIpHeaders(statement));
  walkStatements(statement, (type, body) => {
    if ((type === 'ByteMatchStatement' || type === 'RegexMatchStatement') && body?.FieldToMatch?.UriPath !== undefined) {
      for (const p of pathsFor(type, body)) {
        paths.add(p);
      }
    }
    if (type === 'IPSetReferenceStatement') {
      const ref = referenceOf(body?.Arn);
      const list = ref ? ipSets[ref.logicalId] : undefined;
      for (const cidr of (list ?? []).slice(0, 3)) {
        const parsed = parseCidrOrReason(cidr, { normalizeHostBits: true });
        if (typeof parsed !== 'string') {
          addresses.add(formatAddress(parsed.family, parsed.first));
        }
      }
    }
  });
  const samples: WafRequest[] = [];
  for (const uriPath of paths) {
    for (const sourceIp of addresses) {
      samples.push({ uriPath, sourceIp });
      for (const header of headers) {
        for (const forwarded of addresses) {
          samples.push({ uriPath, sourceIp, headers: { [header]: forwarded } });
        }
      }
      if (samples.length >= MAX_SAMPLES) {
        return samples;
      }
    }
  }
  return samples;
}

function pathsFor(type: string, body: Json): string[] {
  if (type === 'RegexMatchStatement') {
    const regex = String(body.RegexString ?? '');
    const literal = /^\^?((?:[A-Za-z0-9/_.-]|\\[./-])*)/.exec(regex)?.[1]?.replace(/\\(.)/g, '$1');
    // The path segments the regex spells out (`/api` and `/admin` in PathAllowlistWaf's `^J(?:/api S J/admin)...`),
    // each alone and all in a row: character classes and groups around them are not path text.
    const segments = [...regex.replace(/\[(?:\\.|[^\]])*\]/g, '').matchAll(/\/((?:[A-Za-z0-9_]|\\[-.~])+)/g)]
      .map((m) => `/${m[1].replace(/\\(.)/g, '$1')}`);
    const candidates = [literal, ...segments, segments.length > 1 ? segments.join('') : undefined].filter((p): p is string => !!p && p !== '/');
    return [...new Set(candidates)].flatMap((p) => [p, `${p}${p.endsWith('/') ? '' : '/'}x`]);
  }
  const s = searchString(body);
  if (s === undefined) {
    return [];
  }
  switch (body.PositionalConstraint) {
    case 'EXACTLY':
      return [s];
    case 'STARTS_WITH':
      return [s, `${s}${s.endsWith('/') ? '' : '/'}x`];
    case 'ENDS_WITH':
      return [`/x${s.startsWith('/') ? '' : '/'}${s}`];
    default:
      return [`/x/${s}/y`, s];
  }
}
