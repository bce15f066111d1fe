import { isWafUnknown, WafInspectionNode, WafRuleNode, WafStatementNode, WafTransformationNode, walkWafStatement } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleContext, RuleFinding } from '../rule';

const DECODE = new Set(['URL_DECODE', 'URL_DECODE_UNI']);
const NORMALIZE = new Set(['NORMALIZE_PATH', 'NORMALIZE_PATH_WIN']);

/**
 * A URI path match that an attacker can step around. Text transformations run in ascending priority, so their
 * order matters: URL decoding must come before path normalization (else `/x/%2e%2e/admin` is decoded after
 * normalization) and before LOWERCASE (else `/%41dmin` is lowercased first and decodes to `/Admin`). Without
 * URL_DECODE then NORMALIZE_PATH (or NORMALIZE_PATH_WIN), `/%61dmin`, `//admin` and `/x/../admin` do not start
 * with `/admin`; without LOWERCASE any match on letters is case-sensitive, so `/ADMIN` slips past; with LOWERCASE,
 * a search string holding uppercase letters can never match. Checked on every path match in an ALLOW, BLOCK,
 * CAPTCHA or CHALLENGE rule (in an ALLOW rule the bypass lets requests skip later blocks; inside NOT it turns a
 * block into a pass). A rule whose statement, action or path match is not resolved at synth is "cannot verify".
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
 */
export const WafPathBypass: LayeredDefenseRule = {
  id: 'LayeredDefense-WafPathBypass',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A WAF URI path match lacks URL decoding before path normalization and LOWERCASE, is case-sensitive, or can never match, so encoded or re-cased paths bypass it.',
  why: 'WAF compares the path exactly as sent unless text transformations run first: /%61dmin, //admin, /x/../admin and /ADMIN reach the same handler as /admin on most servers but do not match a plain match on /admin.',
  fix: 'Give the path match the text transformations URL_DECODE (priority 0), NORMALIZE_PATH (priority 1) and LOWERCASE (priority 2), with a lowercase search string, as PathAllowlistWaf does',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    // A web ACL's own rules, and the rules of each rule group of the templates: a group's path match is a bypass in
    // every web ACL that uses it, judged once, on the group.
    for (const owner of model.wafRuleOwners()) {
      const rules = owner.rules;
      if (isWafUnknown(rules)) {
        context.cannotVerify(owner.resource, `URI path matches (${rules.what})`);
        continue;
      }
      for (const rule of rules) {
        findings.push(...judgeRule(owner.resource, context, rule));
      }
    }
    return findings;
  },
};

type PathMatchNode = Extract<WafInspectionNode, { type: 'ByteMatchStatement' | 'RegexMatchStatement' | 'RegexPatternSetReferenceStatement' }>;

/** A path match and the statements that contain it, outermost first. */
interface PathMatch {
  readonly node: PathMatchNode;
  /** What it matches, without its transformations: a normalized and an unnormalized match of one key pair up. */
  readonly key: string;
  readonly ancestors: readonly WafStatementNode[];
  readonly order: TransformationOrder;
}

function judgeRule(site: RuleFinding['resource'], context: RuleContext, rule: WafRuleNode): RuleFinding[] {
  const name = rule.name;
  const action = rule.action;
  if (isWafUnknown(action)) {
    context.cannotVerify(site, `URI path matches of rule '${name}' (${action.what})`);
    return [];
  }
  if (action === 'COUNT' || action === 'NONE') {
    return [];
  }
  const matches: PathMatch[] = [];
  const unknown = collectPathMatches(rule.statement, matches);
  if (unknown !== undefined) {
    context.cannotVerify(site, `URI path matches of rule '${name}' (${unknown})`);
    return [];
  }
  const findings: RuleFinding[] = [];
  for (const match of matches) {
    // A match of the decoded but unnormalized path next to the same match normalized (PathAllowlistWaf's guard
    // against origins that do not resolve '..') complements it, but only where the two are alternatives: both
    // under one OR, with nothing but ORs between. Under AND, //admin fails the unnormalized match and the pair.
    const normalizedSibling = match.order.lastNormalize < 0
      && matches.some((other) => other !== match && other.key === match.key && other.order.lastNormalize >= 0 && alternatives(match, other));
    const problems = bypasses(match, normalizedSibling);
    if (problems.length > 0) {
      const node = match.node;
      const what = node.type === 'ByteMatchStatement' ? `${node.positionalConstraint} '${node.searchString}'` : node.type === 'RegexMatchStatement' ? `regex '${node.regex}'` : 'regex pattern set';
      findings.push({ resource: site, message: `rule '${name}' (${action}) matches the URI path with ${what} ${problems.join(' and ')}` });
    }
  }
  return findings;
}

/**
 * Collects the URI path matches of a statement tree. Returns what is unresolved (an intrinsic where a statement,
 * a statement list or a path match's values should be) instead: such a rule cannot be judged.
 */
function collectPathMatches(statement: WafStatementNode, into: PathMatch[]): string | undefined {
  let unknown: string | undefined;
  walkWafStatement(statement, (node, ancestors) => {
    if (unknown !== undefined) {
      return;
    }
    if (node.type === 'Unknown') {
      unknown = node.unknown.what;
      return;
    }
    if (node.type !== 'ByteMatchStatement' && node.type !== 'RegexMatchStatement' && node.type !== 'RegexPatternSetReferenceStatement') {
      return;
    }
    if (isWafUnknown(node.field)) {
      unknown = node.field.what;
      return;
    }
    if (node.field.component !== 'UriPath') {
      return;
    }
    const unresolved = [
      node.transformations,
      ...(node.type === 'ByteMatchStatement' ? [node.searchString, node.positionalConstraint] : node.type === 'RegexMatchStatement' ? [node.regex] : []),
    ].find(isWafUnknown);
    if (unresolved !== undefined) {
      unknown = unresolved.what;
      return;
    }
    into.push({
      node,
      key: JSON.stringify(node.type === 'ByteMatchStatement' ? [node.type, node.positionalConstraint, node.searchString]
        : node.type === 'RegexMatchStatement' ? [node.type, node.regex] : [node.type, node.arn]),
      ancestors,
      order: transformationOrder(node.transformations as readonly WafTransformationNode[]),
    });
  });
  return unknown;
}

/** True when the lowest statement containing both is an OR and only ORs lie between it and each of them. */
function alternatives(a: PathMatch, b: PathMatch): boolean {
  let common = 0;
  while (common < a.ancestors.length && common < b.ancestors.length && a.ancestors[common] === b.ancestors[common]) {
    common++;
  }
  if (common === 0) {
    return false;
  }
  const below = [...a.ancestors.slice(common - 1), ...b.ancestors.slice(common)];
  return below.every((s) => s.type === 'OrStatement');
}

interface TransformationOrder {
  readonly types: string[];
  /** Index of the last transformation of each kind, in priority order; -1 when there is none. */
  readonly lastDecode: number;
  readonly lastNormalize: number;
  readonly lastLowercase: number;
}

function transformationOrder(transformations: readonly WafTransformationNode[]): TransformationOrder {
  const types = transformations.map((t) => t.type);
  const last = (wanted: (t: string) => boolean) => types.reduce((found, t, i) => (wanted(t) ? i : found), -1);
  return { types, lastDecode: last((t) => DECODE.has(t)), lastNormalize: last((t) => NORMALIZE.has(t)), lastLowercase: last((t) => t === 'LOWERCASE') };
}

function bypasses(match: PathMatch, normalizedSibling: boolean): string[] {
  const node = match.node;
  const { lastDecode, lastLowercase } = match.order;
  const lastNormalize = normalizedSibling ? Number.MAX_SAFE_INTEGER : match.order.lastNormalize;
  const problems: string[] = [];
  if (matchesEveryPath(node)) {
    return problems; // every path starts with (and contains) '/', however it is written: nothing slips past
  }
  // Without NORMALIZE_PATH a prefix or whole-path match misses //admin and /x/../admin; a CONTAINS or ENDS_WITH match
  // only misses a path where a self-reference splits its text (/api/./admin for '/api/admin'), so only one whose text
  // holds an inner '/'.
  const unnormalized = lastNormalize < 0 && normalizationMatters(node);
  if (lastDecode < 0 || unnormalized) {
    const missing = [lastDecode < 0 ? 'URL_DECODE' : undefined, unnormalized ? 'NORMALIZE_PATH' : undefined].filter(Boolean).join(' and ');
    const kind = lastDecode < 0 && unnormalized ? 'encoded or unnormalized' : lastDecode < 0 ? 'encoded' : 'unnormalized';
    const examples = slipping(node, lastDecode < 0, unnormalized);
    problems.push(`without ${missing}, so ${kind} paths${examples.length > 0 ? ` such as ${listed(examples)}` : ''} slip past`);
  } else if (lastNormalize >= 0 && lastNormalize < lastDecode) {
    problems.push('normalizes before URL-decoding, so an encoded traversal (/x/%2e%2e/admin) is decoded after normalization and slips past');
  }
  const text = literalText(node);
  const caseInsensitiveRegex = node.type === 'RegexMatchStatement' && /^\^?\(\?[a-z]*i[a-z]*\)/.test(String(node.regex));
  if (!/[A-Za-z]/.test(text) || caseInsensitiveRegex) {
    return problems;
  }
  if (lastLowercase < 0) {
    problems.push('without LOWERCASE, so the match is case-sensitive and a re-cased path such as /ADMIN slips past');
  } else if (lastDecode > lastLowercase) {
    problems.push('lowercases before URL-decoding, so an encoded capital (/%41dmin) decodes to /Admin after LOWERCASE and slips past');
  } else if (/[A-Z]/.test(text)) {
    problems.push(node.type === 'ByteMatchStatement'
      ? 'that holds uppercase letters after LOWERCASE, so the match can never succeed and every request passes it'
      : 'that holds uppercase letters after LOWERCASE, which can never match');
  }
  return problems;
}

/** A byte match of '/' that starts with it or contains it: every URI path does. */
function matchesEveryPath(node: PathMatchNode): boolean {
  return node.type === 'ByteMatchStatement' && node.searchString === '/'
    && (node.positionalConstraint === 'STARTS_WITH' || node.positionalConstraint === 'CONTAINS');
}

/** Whether a path that only normalization would bring into the match can miss it (see {@link bypasses}). */
function normalizationMatters(node: PathMatchNode): boolean {
  if (node.type !== 'ByteMatchStatement' || (node.positionalConstraint !== 'CONTAINS' && node.positionalConstraint !== 'ENDS_WITH')) {
    return true;
  }
  return String(node.searchString).indexOf('/', 1) > 0;
}

/**
 * Paths that slip past a match missing URL_DECODE (`encoded`) or NORMALIZE_PATH (`unnormalized`), spelled from the
 * byte match's own search string when it is a path (`/admin`: /%61dmin, //admin, /x/../admin; `/api/admin` in a
 * CONTAINS match: /api/./admin), and from `/admin` otherwise (a regex, a pattern set, a search string that is not a
 * path).
 */
function slipping(node: PathMatchNode, encoded: boolean, unnormalized: boolean): string[] {
  const searched = node.type === 'ByteMatchStatement' ? String(node.searchString) : '';
  const text = searched.startsWith('/') ? searched : '/admin';
  const examples: string[] = [];
  const letter = text.search(/[A-Za-z0-9]/);
  if (encoded && letter >= 0) {
    examples.push(`${text.slice(0, letter)}%${text.charCodeAt(letter).toString(16).toUpperCase().padStart(2, '0')}${text.slice(letter + 1)}`);
  }
  if (unnormalized) {
    const inner = text.indexOf('/', 1);
    if (node.type === 'ByteMatchStatement' && (node.positionalConstraint === 'CONTAINS' || node.positionalConstraint === 'ENDS_WITH')) {
      examples.push(`${text.slice(0, inner)}/.${text.slice(inner)}`);
    } else {
      examples.push(`/${text}`, `/x/..${text}`);
    }
  }
  return examples;
}

function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * The letters a match compares literally: a byte match's search string; a regex without escapes (`\d`, `\/`,
 * `\p{Lu}`), character classes and group syntax (`(?:`, `(?<name>`), which are not text of the path.
 */
function literalText(node: PathMatchNode): string {
  if (node.type === 'ByteMatchStatement') {
    return String(node.searchString);
  }
  if (node.type === 'RegexMatchStatement') {
    return String(node.regex)
      .replace(/\\[pP]\{[^}]*\}/g, '')
      .replace(/\\./g, '')
      .replace(/\[[^\]]*\]/g, '')
      .replace(/\(\?(?:P?<[^>]*>|[a-zA-Z]*[:)]|[=!]|<[=!])/g, '');
  }
  return '';
}
