import { applyTextTransformations, CannotEvaluateError, WafTextTransformation } from './waf-transformations';
import { parseAddress as parseIpAddress, parseCidr, ParsedAddress, ParsedCidr } from '../../private/ip';

export { CannotEvaluateError } from './waf-transformations';

/**
 * An evaluator of AWS WAF web ACL semantics over the resolved CloudFormation JSON of an `AWS::WAFv2::WebACL`
 * (the `Properties` object of `Template.fromStack(stack).toJSON()` or of a synthesized template).
 *
 * What it models, each from the AWS WAF Developer Guide:
 * - rules run in ascending `Priority`; ALLOW and BLOCK end evaluation, COUNT does not; the web ACL's default
 *   action applies when no rule terminated (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-action.html);
 * - CAPTCHA and CHALLENGE end evaluation for a request without a valid token, which the request model never
 *   carries, so both are reported as `BLOCK` with the rule action kept in `terminatingAction`;
 * - text transformations run in ascending priority before the component is inspected (./waf-transformations);
 * - a request without the inspected component does not match the statement ("Unless otherwise noted, if a web
 *   request doesn't have the request component that's specified in the rule statement, AWS WAF evaluates the
 *   request as not matching", waf-rule-statement-fields-list.html), so `NOT` of it matches;
 * - forwarded IP: "If the specified header isn't present in the request, AWS WAF doesn't apply the rule to the
 *   web request at all" (API_IPSetForwardedIPConfig): the whole rule is skipped, whatever the statement
 *   around the IP set reference; a header without a valid address in the chosen position takes the
 *   `FallbackBehavior` (MATCH or NO_MATCH); position ANY looks at the last 10 addresses;
 * - IP containment uses the IP core's exact ranges, never string comparison.
 * - the one managed rule whose effect the request model can know: the core rule set's `SizeRestrictions_BODY`
 *   (`AWSManagedRulesCommonRuleSet`), which blocks a body over 8 KB (8,192 bytes) and labels it
 *   `awswaf:managed:aws:core-rule-set:SizeRestrictions_Body` (aws-managed-rule-groups-baseline.html), for a request
 *   with `bodySize`; with the group's `ExcludedRules` (count), `RuleActionOverrides`, rule-level `OverrideAction`
 *   Count and `ScopeDownStatement` (a request it does not match skips the group) applied;
 * - a rate-based statement, for a request that says how many requests of its aggregation key reached the rule in
 *   the evaluation window (`requestsInWindow`): it matches when the scope-down matches and the count is over
 *   `Limit` (waf-rule-statement-type-rate-based.html); a request without the custom key header is not counted.
 * Other rule group statements (managed, custom), and rate-based statements for a request without
 * `requestsInWindow`, are opaque: they do not match by default, or make the evaluator throw
 * `CannotEvaluateError` with `opaqueStatements: 'CANNOT_EVALUATE'`.
 * Anything else it does not model (an unknown statement, field or transformation, an unresolved token) throws
 * `CannotEvaluateError` naming it, so a check can report "cannot verify" instead of guessing.
 */

/** A web request as the client sent it. */
export interface WafRequest {
  /** The URI path exactly as sent (not decoded, not normalized), without the query string. */
  readonly uriPath: string;
  /** The address the request came from (the connection's source as the protected resource sees it). */
  readonly sourceIp: string;
  /** Header names are matched without regard to case; a header listed with `''` is present and empty. */
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly queryString?: string;
  /** The size of the request body in bytes. @default - unknown: managed rules on the body are opaque */
  readonly bodySize?: number;
  /**
   * How many requests with this request's aggregation key (this one included) reached a rate-based rule within its
   * evaluation window. @default - unknown: rate-based statements are opaque
   */
  readonly requestsInWindow?: number;
}

export type WafVerdict = 'ALLOW' | 'BLOCK';

export interface WafEvaluation {
  /** What happens to the request: ALLOW (it reaches the resource) or BLOCK. */
  readonly action: WafVerdict;
  /** The rule that ended evaluation; absent when the default action applied. */
  readonly terminatingRule?: string;
  /** When a rule group's rule ended evaluation: that rule's name inside the group (e.g. `SizeRestrictions_BODY`). */
  readonly terminatingGroupRule?: string;
  /** The terminating rule's own action (ALLOW, BLOCK, CAPTCHA or CHALLENGE); absent for the default action. */
  readonly terminatingAction?: string;
  /** Every rule whose statement matched, in evaluation order, COUNT rules included. */
  readonly matchedRules: string[];
  /** Rules not applied because their forwarded IP header was missing. */
  readonly skippedRules: string[];
  /** Labels added by matching rules (`RuleLabels`), in order. */
  readonly labels: string[];
}

export interface WafEvaluatorOptions {
  /**
   * The addresses of each IP set the rules reference, keyed by what the template says in `Arn`: the IP set's
   * logical id (for `{ "Fn::GetAtt": [id, "Arn"] }` or `{ "Ref": id }`) or the literal ARN string.
   * `ipSetsFromTemplate` builds this from a template.
   */
  readonly ipSets?: Record<string, readonly string[]>;
  /**
   * How managed or custom rule group references and rate-based statements evaluate.
   * @default 'NO_MATCH'
   */
  readonly opaqueStatements?: 'NO_MATCH' | 'CANNOT_EVALUATE';
}

type Json = any;

const FORWARDED_ANY_MAX_ADDRESSES = 10;
/** The core rule set's SizeRestrictions_BODY blocks bodies over 8 KB (8,192 bytes). */
const CRS_BODY_SIZE_LIMIT = 8192;

/** Evaluates one request against a web ACL's resolved `Properties`. */
export function evaluateWebAcl(webAcl: Json, request: WafRequest, options: WafEvaluatorOptions = {}): WafEvaluation {
  return new WafEvaluator(webAcl, options).evaluate(request);
}

export class WafEvaluator {
  private readonly rules: Json[];
  private readonly defaultAction: WafVerdict;
  private readonly ipSetRanges = new Map<string, ParsedCidr[]>();
  private readonly regexCache = new Map<string, RegExp>();

  constructor(webAcl: Json, private readonly options: WafEvaluatorOptions = {}) {
    if (!webAcl || typeof webAcl !== 'object') {
      throw new CannotEvaluateError(`not a web ACL: ${describe(webAcl)}`);
    }
    const rules = webAcl.Rules ?? [];
    if (!Array.isArray(rules)) {
      throw new CannotEvaluateError(`web ACL Rules is not a resolved list: ${describe(rules)}`);
    }
    rules.forEach(priorityOf);
    this.rules = [...rules].sort((a, b) => priorityOf(a) - priorityOf(b));
    const da = webAcl.DefaultAction ?? {};
    if (da.Allow !== undefined) {
      this.defaultAction = 'ALLOW';
    } else if (da.Block !== undefined) {
      this.defaultAction = 'BLOCK';
    } else {
      throw new CannotEvaluateError(`web ACL DefaultAction is neither Allow nor Block: ${describe(da)}`);
    }
  }

  public evaluate(request: WafRequest): WafEvaluation {
    const matchedRules: string[] = [];
    const skippedRules: string[] = [];
    const labels: string[] = [];
    const ctx: EvalContext = { request, labels };
    for (const rule of this.rules) {
      const name = String(rule.Name);
      if (this.missingForwardedHeader(rule.Statement, request)) {
        skippedRules.push(name);
        continue;
      }
      const group = this.modelledGroupRule(rule, ctx);
      if (group === undefined && !this.statement(rule.Statement, ctx)) {
        continue;
      }
      matchedRules.push(name);
      for (const label of group?.labels ?? rule.RuleLabels?.map((l: Json) => l.Name) ?? []) {
        labels.push(String(label));
      }
      const action = group?.action ?? ruleAction(rule);
      if (action === 'COUNT' || action === 'NONE') {
        continue;
      }
      const verdict: WafVerdict = action === 'ALLOW' ? 'ALLOW' : 'BLOCK';
      return {
        action: verdict, terminatingRule: name, terminatingGroupRule: group?.rule, terminatingAction: action, matchedRules, skippedRules, labels,
      };
    }
    return { action: this.defaultAction, terminatingRule: undefined, terminatingAction: undefined, matchedRules, skippedRules, labels };
  }

  /**
   * For a managed rule group rule whose matching rule the model knows (the core rule set's body size limit, for a
   * request with `bodySize`): that rule, its action after the group's overrides and the rule's OverrideAction, and
   * its labels. Undefined when the group is not modelled for this request or no modelled rule of it matches.
   */
  private modelledGroupRule(rule: Json, ctx: EvalContext): { rule: string; action: string; labels: string[] } | undefined {
    const group = rule.Statement?.ManagedRuleGroupStatement;
    if (!group || group.VendorName !== 'AWS' || group.Name !== 'AWSManagedRulesCommonRuleSet' || ctx.request.bodySize === undefined) {
      return undefined;
    }
    if (!(ctx.request.bodySize > CRS_BODY_SIZE_LIMIT)) {
      return undefined;
    }
    if (group.ScopeDownStatement !== undefined && !this.statement(group.ScopeDownStatement, ctx)) {
      return undefined;
    }
    const ruleName = 'SizeRestrictions_BODY';
    let action = 'BLOCK';
    const excluded = group.ExcludedRules ?? [];
    const overrides = group.RuleActionOverrides ?? [];
    if (!Array.isArray(excluded) || !Array.isArray(overrides)) {
      throw new CannotEvaluateError(`rule '${rule.Name}': ExcludedRules or RuleActionOverrides is not a resolved list`);
    }
    if (excluded.some((e: Json) => e?.Name === ruleName)) {
      action = 'COUNT';
    }
    const override = overrides.find((o: Json) => o?.Name === ruleName);
    if (override) {
      action = actionOf(override.ActionToUse, `the override of ${ruleName} in rule '${rule.Name}'`);
    }
    if (rule.OverrideAction?.Count !== undefined) {
      action = 'COUNT';
    } else if (rule.OverrideAction?.None === undefined) {
      throw new CannotEvaluateError(`rule '${rule.Name}' has neither OverrideAction None nor Count: ${describe(rule.OverrideAction)}`);
    }
    return { rule: ruleName, action, labels: ['awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'] };
  }

  /** True when the statement tree inspects a forwarded IP header that the request lacks. */
  private missingForwardedHeader(statement: Json, request: WafRequest): boolean {
    for (const config of forwardedIpConfigs(statement)) {
      if (headerValue(request, config.HeaderName) === undefined) {
        return true;
      }
    }
    return false;
  }

  private statement(s: Json, ctx: EvalContext): boolean {
    if (!s || typeof s !== 'object') {
      throw new CannotEvaluateError(`not a statement: ${describe(s)}`);
    }
    const keys = Object.keys(s);
    if (keys.length !== 1) {
      throw new CannotEvaluateError(`a statement must have exactly one type, found: ${keys.join(', ') || 'none'}`);
    }
    const type = keys[0];
    const body = s[type];
    switch (type) {
      case 'AndStatement':
        return statementList(body, type).every((child) => this.statement(child, ctx));
      case 'OrStatement':
        return statementList(body, type).some((child) => this.statement(child, ctx));
      case 'NotStatement':
        return !this.statement(body.Statement, ctx);
      case 'ByteMatchStatement':
        return this.byteMatch(body, ctx.request);
      case 'RegexMatchStatement':
        return this.regexMatch(body, ctx.request);
      case 'SizeConstraintStatement':
        return this.sizeConstraint(body, ctx.request);
      case 'IPSetReferenceStatement':
        return this.ipSetReference(body, ctx.request);
      case 'LabelMatchStatement':
        return labelMatch(body, ctx.labels);
      case 'RateBasedStatement':
        if (ctx.request.requestsInWindow !== undefined) {
          return this.rateBased(body, ctx);
        }
        if (this.options.opaqueStatements === 'CANNOT_EVALUATE') {
          throw new CannotEvaluateError(`${type} is opaque to the model without requestsInWindow`);
        }
        return false;
      case 'ManagedRuleGroupStatement':
      case 'RuleGroupReferenceStatement':
        if (this.options.opaqueStatements === 'CANNOT_EVALUATE') {
          throw new CannotEvaluateError(`${type} is opaque to the model`);
        }
        return false;
      default:
        throw new CannotEvaluateError(`statement type '${type}' is not modelled`);
    }
  }

  /** Over the limit within the window, among the requests the scope-down admits and the custom keys can count. */
  private rateBased(body: Json, ctx: EvalContext): boolean {
    const limit = body.Limit;
    if (typeof limit !== 'number') {
      throw new CannotEvaluateError(`RateBasedStatement Limit is not a resolved number: ${describe(limit)}`);
    }
    if (body.ScopeDownStatement !== undefined && !this.statement(body.ScopeDownStatement, ctx)) {
      return false;
    }
    for (const key of body.CustomKeys ?? []) {
      const header = key?.Header?.Name;
      if (header === undefined) {
        throw new CannotEvaluateError(`rate-based custom key ${describe(key)} is not modelled`);
      }
      if (headerValue(ctx.request, header) === undefined) {
        return false;
      }
    }
    return (ctx.request.requestsInWindow ?? 0) > limit;
  }

  private byteMatch(body: Json, request: WafRequest): boolean {
    const value = inspected(body, request);
    if (value === undefined) {
      return false;
    }
    const search = body.SearchString !== undefined
      ? requireString(body.SearchString, 'SearchString')
      : Buffer.from(requireString(body.SearchStringBase64, 'SearchStringBase64'), 'base64').toString('latin1');
    switch (body.PositionalConstraint) {
      case 'EXACTLY':
        return value === search;
      case 'STARTS_WITH':
        return value.startsWith(search);
      case 'ENDS_WITH':
        return value.endsWith(search);
      case 'CONTAINS':
        return value.includes(search);
      case 'CONTAINS_WORD':
        return containsWord(value, search);
      default:
        throw new CannotEvaluateError(`PositionalConstraint '${describe(body.PositionalConstraint)}' is not modelled`);
    }
  }

  private regexMatch(body: Json, request: WafRequest): boolean {
    const value = inspected(body, request);
    if (value === undefined) {
      return false;
    }
    const pattern = requireString(body.RegexString, 'RegexString');
    let re = this.regexCache.get(pattern);
    if (!re) {
      try {
        re = new RegExp(pattern);
      } catch (e) {
        throw new CannotEvaluateError(`RegexString '${pattern}' cannot be compiled: ${(e as Error).message}`);
      }
      this.regexCache.set(pattern, re);
    }
    return re.test(value);
  }

  private sizeConstraint(body: Json, request: WafRequest): boolean {
    const value = inspected(body, request);
    if (value === undefined) {
      return false;
    }
    const size = value.length;
    const limit = Number(body.Size);
    switch (body.ComparisonOperator) {
      case 'EQ': return size === limit;
      case 'NE': return size !== limit;
      case 'LE': return size <= limit;
      case 'LT': return size < limit;
      case 'GE': return size >= limit;
      case 'GT': return size > limit;
      default:
        throw new CannotEvaluateError(`ComparisonOperator '${describe(body.ComparisonOperator)}' is not modelled`);
    }
  }

  private ipSetReference(body: Json, request: WafRequest): boolean {
    const ranges = this.ipSet(body.Arn ?? body.ARN);
    const config = body.IPSetForwardedIPConfig;
    if (!config) {
      const ip = parseAddress(request.sourceIp);
      if (!ip) {
        throw new CannotEvaluateError(`request sourceIp '${request.sourceIp}' is not an IP address`);
      }
      return inRanges(ip, ranges);
    }
    // The rule was skipped earlier when the header is missing, so it is present here.
    const header = headerValue(request, config.HeaderName) ?? '';
    const candidates = forwardedCandidates(header, config.Position);
    const addresses = candidates.map(parseAddress).filter((a): a is ParsedAddress => a !== undefined);
    if (addresses.length === 0) {
      return fallback(config.FallbackBehavior);
    }
    return addresses.some((ip) => inRanges(ip, ranges));
  }

  private ipSet(arn: Json): ParsedCidr[] {
    const key = ipSetKey(arn);
    const cached = this.ipSetRanges.get(key);
    if (cached) {
      return cached;
    }
    const addresses = this.options.ipSets?.[key];
    if (!addresses) {
      throw new CannotEvaluateError(`no addresses given for the IP set ${describe(arn)} (key '${key}')`);
    }
    const ranges = addresses.map((a) => {
      try {
        return parseCidr(requireString(a, 'IP set address'), { normalizeHostBits: true });
      } catch (e) {
        throw new CannotEvaluateError(`IP set '${key}' address ${describe(a)} cannot be read: ${(e as Error).message}`);
      }
    });
    this.ipSetRanges.set(key, ranges);
    return ranges;
  }
}

interface EvalContext {
  readonly request: WafRequest;
  readonly labels: string[];
}

/**
 * The addresses of every `AWS::WAFv2::IPSet` in a template, keyed by logical id, for `ipSets`.
 * An IP set whose addresses are not a resolved list of strings is left out (so referencing it cannot be evaluated).
 */
export function ipSetsFromTemplate(template: Json): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [id, resource] of Object.entries<Json>(template?.Resources ?? {})) {
    if (resource?.Type !== 'AWS::WAFv2::IPSet') {
      continue;
    }
    const addresses = resource.Properties?.Addresses;
    if (Array.isArray(addresses) && addresses.every((a) => typeof a === 'string')) {
      result[id] = addresses;
    }
  }
  return result;
}

/** The `Properties` of every `AWS::WAFv2::WebACL` in a template, keyed by logical id. */
export function webAclsFromTemplate(template: Json): Record<string, Json> {
  const result: Record<string, Json> = {};
  for (const [id, resource] of Object.entries<Json>(template?.Resources ?? {})) {
    if (resource?.Type === 'AWS::WAFv2::WebACL') {
      result[id] = resource.Properties ?? {};
    }
  }
  return result;
}

function priorityOf(rule: Json): number {
  const p = rule?.Priority;
  if (typeof p !== 'number') {
    throw new CannotEvaluateError(`rule ${describe(rule?.Name)} has no resolved numeric Priority: ${describe(p)}`);
  }
  return p;
}

function actionOf(action: Json, what: string): string {
  for (const [key, verdict] of [['Allow', 'ALLOW'], ['Block', 'BLOCK'], ['Count', 'COUNT'], ['Captcha', 'CAPTCHA'], ['Challenge', 'CHALLENGE']]) {
    if (action?.[key] !== undefined) {
      return verdict;
    }
  }
  throw new CannotEvaluateError(`${what} has an action the model does not know: ${describe(action)}`);
}

function ruleAction(rule: Json): string {
  const action = rule.Action;
  if (action) {
    return actionOf(action, `rule '${rule.Name}'`);
  }
  const override = rule.OverrideAction;
  if (override?.Count !== undefined || override?.None !== undefined) {
    // A rule group reference: its own rules decide, which the model does not see; the statement only
    // "matches" when the caller asked for that, and then counts as non-terminating.
    return 'NONE';
  }
  throw new CannotEvaluateError(`rule '${rule.Name}' has neither Action nor OverrideAction`);
}

function statementList(body: Json, type: string): Json[] {
  const list = body?.Statements;
  if (!Array.isArray(list)) {
    throw new CannotEvaluateError(`${type}.Statements is not a resolved list: ${describe(list)}`);
  }
  return list;
}

/** Forwarded IP configurations anywhere in a statement tree (IP set references, geo, rate-based, scope-downs). */
function forwardedIpConfigs(statement: Json): Json[] {
  const found: Json[] = [];
  const visit = (s: Json) => {
    if (!s || typeof s !== 'object') {
      return;
    }
    const ip = s.IPSetReferenceStatement?.IPSetForwardedIPConfig;
    if (ip) {
      found.push(ip);
    }
    const geo = s.GeoMatchStatement?.ForwardedIPConfig;
    if (geo) {
      found.push(geo);
    }
    const rate = s.RateBasedStatement;
    if (rate?.ForwardedIPConfig) {
      found.push(rate.ForwardedIPConfig);
    }
    // An unresolved list is left to the evaluation, which reports it as CannotEvaluateError.
    for (const list of [s.AndStatement?.Statements, s.OrStatement?.Statements]) {
      for (const child of Array.isArray(list) ? list : []) {
        visit(child);
      }
    }
    visit(s.NotStatement?.Statement);
    visit(rate?.ScopeDownStatement);
    visit(s.ManagedRuleGroupStatement?.ScopeDownStatement);
  };
  visit(statement);
  return found;
}

function headerValue(request: WafRequest, name: Json): string | undefined {
  const wanted = requireString(name, 'header name').toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === wanted) {
      return value;
    }
  }
  return undefined;
}

/** The transformed request component, or undefined when the request lacks it. */
function inspected(body: Json, request: WafRequest): string | undefined {
  const field = body.FieldToMatch ?? {};
  let raw: string | undefined;
  if (field.UriPath !== undefined) {
    raw = request.uriPath;
  } else if (field.SingleHeader !== undefined) {
    raw = headerValue(request, field.SingleHeader.Name);
  } else if (field.Method !== undefined) {
    raw = request.method;
  } else if (field.QueryString !== undefined) {
    raw = request.queryString;
  } else {
    throw new CannotEvaluateError(`FieldToMatch ${describe(field)} is not modelled`);
  }
  if (raw === undefined) {
    return undefined;
  }
  return applyTextTransformations(raw, (body.TextTransformations ?? []) as WafTextTransformation[]);
}

function forwardedCandidates(header: string, position: Json): string[] {
  const parts = header.split(',').map((p) => p.trim());
  switch (position) {
    case 'FIRST':
      return [parts[0]];
    case 'LAST':
      return [parts[parts.length - 1]];
    case 'ANY':
      return parts.slice(-FORWARDED_ANY_MAX_ADDRESSES);
    default:
      throw new CannotEvaluateError(`forwarded IP Position '${describe(position)}' is not modelled`);
  }
}

function fallback(behavior: Json): boolean {
  if (behavior === 'MATCH') {
    return true;
  }
  if (behavior === 'NO_MATCH') {
    return false;
  }
  throw new CannotEvaluateError(`forwarded IP FallbackBehavior '${describe(behavior)}' is not modelled`);
}

/** A bare IPv4 or IPv6 address, or undefined when the text is not one (the IP core's strict parser). */
function parseAddress(text: string): ParsedAddress | undefined {
  try {
    return parseIpAddress(text);
  } catch {
    return undefined;
  }
}

function inRanges(ip: ParsedAddress, ranges: readonly ParsedCidr[]): boolean {
  return ranges.some((r) => r.family === ip.family && r.first <= ip.value && ip.value <= r.last);
}

function ipSetKey(arn: Json): string {
  if (typeof arn === 'string') {
    return arn;
  }
  const getAtt = arn?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof arn?.Ref === 'string') {
    return arn.Ref;
  }
  throw new CannotEvaluateError(`IP set reference ${describe(arn)} cannot be resolved to an IP set`);
}

function labelMatch(body: Json, labels: readonly string[]): boolean {
  const key = requireString(body.Key, 'LabelMatchStatement.Key');
  if (body.Scope === 'NAMESPACE') {
    const ns = key.endsWith(':') ? key : `${key}:`;
    return labels.some((l) => l.startsWith(ns) || l.includes(`:${ns}`));
  }
  return labels.some((l) => l === key || l.endsWith(`:${key}`));
}

/** CONTAINS_WORD: the search string appears with a non-word character (or the edge) on each side. */
function containsWord(value: string, word: string): boolean {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let from = 0;
  for (;;) {
    const at = value.indexOf(word, from);
    if (at < 0) {
      return false;
    }
    if (!isWord(value[at - 1]) && !isWord(value[at + word.length])) {
      return true;
    }
    from = at + 1;
  }
}

function requireString(value: Json, what: string): string {
  if (typeof value !== 'string') {
    throw new CannotEvaluateError(`${what} is not a resolved string: ${describe(value)}`);
  }
  return value;
}

function describe(value: Json): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
