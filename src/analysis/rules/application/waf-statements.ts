// Reading WAF rules structurally, and building sample requests from a rule's own statement for the evaluator
// (src/analysis/model/waf-evaluator.ts). Samples make the WAF rules exact where they say "this request passes"; their
// limit is that a finding needs a sample that shows it, so a rule whose matches no sample reaches is not judged.
import { formatAddress, parseCidrOrReason } from '../../../private/ip';
import type { WafRequest } from '../../model/waf-evaluator';
import { forwardedIpConfigs, isWafUnknown, WafByteMatchNode, WafRegexMatchNode, WafStatementNode, walkWafStatement } from '../../model/waf-statements-tree';

/** The forwarded IP headers a statement tree reads, those whose name is known. */
export function forwardedIpHeaders(statement: WafStatementNode): string[] {
  const headers: string[] = [];
  for (const config of forwardedIpConfigs(statement)) {
    if (!isWafUnknown(config) && !isWafUnknown(config.headerName)) {
      headers.push(config.headerName);
    }
  }
  return headers;
}

/** True when a statement tree reads a forwarded IP header (whether or not its name is known). */
export function readsForwardedIp(statement: WafStatementNode): boolean {
  return forwardedIpConfigs(statement).length > 0;
}

const TEST_ADDRESSES = ['192.0.2.77', '198.51.100.23', '2001:db8::77'];
const MAX_SAMPLES = 600;

/**
 * Requests that exercise a statement: URI paths built from its path matches (and `/`), source and forwarded
 * addresses from the IP sets it references (first address of their first blocks) and documentation ranges,
 * each with and without every forwarded IP header it inspects.
 */
export function sampleRequests(ipSets: Readonly<Record<string, readonly string[]>>, statement: WafStatementNode): WafRequest[] {
  const paths = new Set<string>(['/']);
  const addresses = new Set<string>(TEST_ADDRESSES);
  const headers = new Set<string>(forwardedIpHeaders(statement));
  walkWafStatement(statement, (node) => {
    if ((node.type === 'ByteMatchStatement' || node.type === 'RegexMatchStatement') && !isWafUnknown(node.field) && node.field.component === 'UriPath') {
      for (const p of pathsFor(node)) {
        paths.add(p);
      }
    }
    if (node.type === 'IPSetReferenceStatement') {
      const list = isWafUnknown(node.ipSetKey) ? undefined : ipSets[node.ipSetKey];
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

function pathsFor(node: WafByteMatchNode | WafRegexMatchNode): string[] {
  if (node.type === 'RegexMatchStatement') {
    if (isWafUnknown(node.regex)) {
      return [];
    }
    const regex = node.regex;
    const literal = /^\^?((?:[A-Za-z0-9/_.-]|\\[./-])*)/.exec(regex)?.[1]?.replace(/\\(.)/g, '$1');
    // The path segments the regex spells out (`/api` and `/admin` in PathAllowlistWaf's `^J(?:/api S J/admin)...`),
    // each alone and all in a row: character classes and groups around them are not path text.
    const segments = [...regex.replace(/\[(?:\\.|[^\]])*\]/g, '').matchAll(/\/((?:[A-Za-z0-9_]|\\[-.~])+)/g)]
      .map((m) => `/${m[1].replace(/\\(.)/g, '$1')}`);
    const candidates = [literal, ...segments, segments.length > 1 ? segments.join('') : undefined].filter((p): p is string => !!p && p !== '/');
    return [...new Set(candidates)].flatMap((p) => [p, `${p}${p.endsWith('/') ? '' : '/'}x`]);
  }
  const s = node.searchString;
  if (isWafUnknown(s)) {
    return [];
  }
  switch (node.positionalConstraint) {
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
