import { groupReach, WafGroupReach, WafGroupRules, WafRuleGroupContent, WafRuleGroupResolver } from './waf-rule-groups';
import {
  forwardedIpConfigs, isWafUnknown, known, OWN_ACCOUNT, unknownStatements, WafByteMatchNode, WafForwardedIpNode, WafInspectionNode, WafIpSetNode,
  labelKeyText, WafLabelMatchNode, WafMaybe, WafRateBasedNode, WafRegexMatchNode, WafRuleAction, WafRuleNode, WafSizeConstraintNode, WafStatementNode,
  WafUnknown, WafVerdict, WafWebAclTree,
} from './waf-statements-tree';
import { applyTransformationTypes, CannotEvaluateError } from './waf-transformations';
import { parseAddress as parseIpAddress, parseCidr, ParsedAddress, ParsedCidr } from '../../private/ip';

export { CannotEvaluateError } from './waf-transformations';

/**
 * An evaluator of AWS WAF web ACL semantics over the statement tree of an `AWS::WAFv2::WebACL`
 * (./waf-statements-tree), read from the resolved CloudFormation `Properties` (of `Template.fromStack(stack).toJSON()`
 * or of a synthesized template) when it is given those.
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
 * - rule groups (./waf-rule-groups): a terminating Allow or Block inside a group ends the web ACL's evaluation, unless
 *   the reference's OverrideAction is Count (web-acl-rule-actions.html). The rules of an `AWS::WAFv2::RuleGroup` of
 *   the templates (`ruleGroups`) that may allow run in place, at the referencing rule's priority, in their own
 *   priority order, with the reference's `ExcludedRules` and `RuleActionOverrides`.
 * - labels (API_LabelMatchStatement): a rule's `RuleLabels` name is prefixed with `awswaf:<account>:webacl:<Name>:`
 *   (`...:rulegroup:<Name>:` in a rule group, see `labelNamespace`); a Key without the `awswaf:` prefix searches only
 *   the labels of its own web ACL or rule group, one with it is compared with the whole label. A match that depends
 *   on an account or a Name not known at synth throws `CannotEvaluateError`.
 * Other rule group statements (managed, custom groups outside the templates or that cannot allow), and rate-based
 * statements for a request without `requestsInWindow`, are opaque: they do not match by default, or make the
 * evaluator throw `CannotEvaluateError` with `opaqueStatements: 'CANNOT_EVALUATE'`. An opaque group that may allow
 * (outside the templates, a marketplace group, a managed rule overridden to Allow) is named in `unknownGroups` of
 * every request that passes it: had it allowed the request, the verdict would have been ALLOW.
 * Anything else it does not model (an unknown statement, field or transformation, an unresolved token) throws
 * `CannotEvaluateError` naming it, so a check can report "cannot verify" instead of guessing. An AND or OR whose
 * children are not all known is still decided by a known child with the deciding value (one false under AND,
 * one true under OR); a rule with a statement that cannot be read at all throws as soon as a request reaches it.
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

export type { WafVerdict } from './waf-statements-tree';

export interface WafEvaluation {
  /** What happens to the request: ALLOW (it reaches the resource) or BLOCK. */
  readonly action: WafVerdict;
  /** The rule that ended evaluation; absent when the default action applied. */
  readonly terminatingRule?: string;
  /** When a rule group's rule ended evaluation: that rule's name inside the group (e.g. `SizeRestrictions_BODY`). */
  readonly terminatingGroupRule?: string;
  /** When a rule of a rule group of the templates ended evaluation: the group, as messages name it (its path). */
  readonly terminatingGroup?: string;
  /** The terminating rule's own action (ALLOW, BLOCK, CAPTCHA or CHALLENGE); absent for the default action. */
  readonly terminatingAction?: string;
  /** Every rule whose statement matched, in evaluation order, COUNT rules included. */
  readonly matchedRules: string[];
  /** Rules not applied because their forwarded IP header was missing. */
  readonly skippedRules: string[];
  /** Labels added by matching rules (`RuleLabels`), in order. */
  readonly labels: string[];
  /**
   * The rule groups the request passed as not matching whose rules the model cannot see and which may end evaluation
   * with ALLOW, each described (the rule, the group, why it may allow). Absent when there are none.
   */
  readonly unknownGroups?: readonly string[];
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
  /**
   * The rule group of the templates a `RuleGroupReferenceStatement`'s `Arn` names (./waf-rule-groups): a group
   * whose rules may allow runs in place.
   * @default - none: every custom rule group reference is opaque
   */
  readonly ruleGroups?: WafRuleGroupResolver;
  /**
   * Where the labels its rules add live: WAF prefixes a rule's `RuleLabels` name with
   * `awswaf:<account>:webacl:<web ACL Name>:` (`...:rulegroup:<rule group Name>:` for a rule group's rule). A
   * `LabelMatchStatement` Key without the `awswaf:` prefix matches only the labels added in its own web ACL or rule
   * group; a Key with it is compared with the whole label.
   * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_LabelMatchStatement.html
   * @default - a web ACL whose account and Name are not known at synth
   */
  readonly labelNamespace?: WafLabelNamespace;
}

/** The prefix WAF gives the labels a web ACL's or a rule group's rules add. */
export interface WafLabelNamespace {
  readonly kind: 'webacl' | 'rulegroup';
  /** The account it is deployed to, when known at synth. */
  readonly account?: string;
  /** Its `Name`, when known at synth. */
  readonly name?: string;
  /**
   * The stack that holds it: a Key that spells `${AWS::AccountId}` names the account of the stack it is written in,
   * which is this one's when the stacks are the same, whether or not the account is known.
   * @default - not known: such a Key is compared with nothing it could equal
   */
  readonly stackId?: string;
}

type Json = any;

const FORWARDED_ANY_MAX_ADDRESSES = 10;
/** The core rule set's SizeRestrictions_BODY blocks bodies over 8 KB (8,192 bytes). */
const CRS_BODY_SIZE_LIMIT = 8192;

/** Evaluates one request against a web ACL's resolved `Properties` (or its tree, read once). */
export function evaluateWebAcl(webAcl: Json, request: WafRequest, options: WafEvaluatorOptions = {}): WafEvaluation {
  return new WafEvaluator(webAcl, options).evaluate(request);
}

export class WafEvaluator {
  private readonly rules: readonly WafRuleNode[];
  private readonly defaultAction: WafVerdict;
  private readonly ipSetRanges = new Map<string, ParsedCidr[]>();
  private readonly regexCache = new Map<string, RegExp>();
  /** Per rule: its forwarded IP configurations, or what in its statement cannot be read (a rule that cannot be run). */
  private readonly ruleFacts = new Map<WafRuleNode, RuleFacts>();
  /** Per rule that runs a rule group's rules in place: an evaluator of those rules, made on first use. */
  private readonly groupEvaluators = new Map<WafRuleNode, WafEvaluator>();
  /** The context of the labels its rules add and of its label match statements (see WafEvaluatorOptions.labelNamespace). */
  private readonly namespace: WafLabelNamespace;
  /** The fully qualified prefix of its labels: `awswaf`, account, kind, Name (a part not known at synth as such). */
  private readonly labelPrefix: readonly LabelPart[];

  /**
   * @param webAcl a web ACL's resolved `Properties`, or the tree the network model read from them
   * @throws CannotEvaluateError when the rules, a priority or the default action is not known
   */
  constructor(webAcl: Json | WafWebAclTree, private readonly options: WafEvaluatorOptions = {}) {
    const tree = webAcl instanceof WafWebAclTree ? webAcl : WafWebAclTree.parse(webAcl);
    const rules = known(tree.rules);
    const priorities = new Map(rules.map((r) => [r, known(r.priority)]));
    this.rules = [...rules].sort((a, b) => priorities.get(a)! - priorities.get(b)!);
    this.defaultAction = known(tree.defaultAction);
    this.namespace = options.labelNamespace ?? { kind: 'webacl' };
    this.labelPrefix = prefixOf(this.namespace);
    for (const rule of this.rules) {
      this.ruleFacts.set(rule, {
        forwarded: forwardedIpConfigs(rule.statement),
        unreadable: unknownStatements(rule.statement)[0],
        group: groupReach(rule, options.ruleGroups),
      });
    }
  }

  public evaluate(request: WafRequest): WafEvaluation {
    const matchedRules: string[] = [];
    const skippedRules: string[] = [];
    const labels: string[] = [];
    const ctx: EvalContext = { request, labels, added: [] };
    const end = this.firstTerminating(ctx, matchedRules, skippedRules, webAclRuleAction);
    if (end === undefined) {
      return {
        action: this.defaultAction,
        terminatingRule: undefined,
        terminatingAction: undefined,
        matchedRules,
        skippedRules,
        labels,
        unknownGroups: ctx.unknownGroups,
      };
    }
    const verdict: WafVerdict = end.action === 'ALLOW' ? 'ALLOW' : 'BLOCK';
    return {
      action: verdict,
      terminatingRule: end.rule,
      terminatingGroupRule: end.group?.rule,
      terminatingGroup: end.group?.group,
      terminatingAction: end.action,
      matchedRules,
      skippedRules,
      labels,
      unknownGroups: ctx.unknownGroups,
    };
  }

  /**
   * Runs the rules in ascending priority until one ends evaluation, sharing `ctx` (labels, unknown groups) with the
   * caller: the web ACL's rules for a request, or a rule group's rules in place. `actionOf` is a rule's action here
   * (a group's rule after the reference's overrides).
   */
  private firstTerminating(ctx: EvalContext, matchedRules: string[] | undefined, skippedRules: string[] | undefined,
    actionOf: (rule: WafRuleNode) => WafMaybe<WafRuleAction>): Termination | undefined {
    for (const rule of this.rules) {
      const name = rule.name;
      const facts = this.ruleFacts.get(rule)!;
      if (facts.unreadable) {
        // A statement that cannot be read may hold anything, a forwarded IP header that makes WAF skip the rule too.
        throw new CannotEvaluateError(facts.unreadable.what);
      }
      if (missingForwardedHeader(facts.forwarded, ctx.request)) {
        skippedRules?.push(name);
        continue;
      }
      let group: GroupMatch | undefined;
      if (facts.group !== undefined) {
        group = this.groupRule(rule, facts.group, ctx);
        if (group === undefined) {
          continue;
        }
      } else if (!this.statement(rule.statement, ctx)) {
        continue;
      }
      matchedRules?.push(name);
      if (group !== undefined) {
        // A managed group's label, written in full (a group run in place has added its rules' labels already).
        for (const label of group.labels) {
          ctx.labels.push(label);
          ctx.added.push({ full: label.split(':') });
        }
      } else {
        for (const label of known(rule.labels)) {
          ctx.labels.push(label);
          const local = label.split(':');
          ctx.added.push({ context: this.namespace, local, full: [...this.labelPrefix, ...local] });
        }
      }
      const action = group?.action ?? known(actionOf(rule));
      if (action === 'COUNT' || action === 'NONE') {
        continue;
      }
      return { rule: name, action, group };
    }
    return undefined;
  }

  /** A rule that references a rule group, by what the group can do: the group's rule that ended evaluation, if one did. */
  private groupRule(rule: WafRuleNode, reach: WafGroupReach, ctx: EvalContext): GroupMatch | undefined {
    if (reach.kind === 'rules') {
      return this.groupInPlace(rule, reach, ctx);
    }
    if (reach.kind === 'cannot-allow' && reach.counted !== undefined) {
      this.countedInPlace(rule, reach.counted, ctx);
      return undefined;
    }
    if (reach.kind === 'cannot-allow' && reach.countedUnknown !== undefined) {
      const group = reach.countedUnknown.group;
      (ctx.unknownLabels ??= []).push({ group, what: `the labels of rule group ${group.name} (counted by rule '${rule.name}'): ${reach.countedUnknown.what}` });
      return undefined;
    }
    const modelled = this.modelledGroupRule(rule, ctx);
    if (reach.kind === 'unknown') {
      if (this.outsideScopeDown(rule, ctx)) {
        return undefined;
      }
      if (modelled === undefined && this.options.opaqueStatements === 'CANNOT_EVALUATE') {
        throw new CannotEvaluateError(`${rule.statement.type} is opaque to the model: ${reach.what}`);
      }
      (ctx.unknownGroups ??= []).push(reach.what);
      return modelled;
    }
    if (modelled === undefined) {
      // Opaque: no match, or CannotEvaluateError under opaqueStatements CANNOT_EVALUATE.
      this.statement(rule.statement, ctx);
    }
    return modelled;
  }

  /**
   * Whether a managed group's scope-down statement surely does not match the request: the group then passes it unseen,
   * whatever its rules are. A scope-down the model cannot evaluate (a geo match) decides nothing.
   */
  private outsideScopeDown(rule: WafRuleNode, ctx: EvalContext): boolean {
    const statement = rule.statement;
    if (statement.type !== 'ManagedRuleGroupStatement' || statement.scopeDown === undefined) {
      return false;
    }
    try {
      return !this.statement(statement.scopeDown, ctx);
    } catch (e) {
      if (e instanceof CannotEvaluateError) {
        return false;
      }
      throw e;
    }
  }

  /** Runs a rule group of the templates in place: its rules in their priority order, with the reference's overrides. */
  private groupInPlace(rule: WafRuleNode, reach: Extract<WafGroupReach, { kind: 'rules' }>, ctx: EvalContext): GroupMatch | undefined {
    const group = reach.group;
    try {
      const end = this.groupEvaluator(rule, group).firstTerminating(ctx, undefined, undefined, reach.actionOf);
      // OverrideAction Count never gets here (a counted group runs in countedInPlace): None leaves the action alone.
      return end === undefined ? undefined : { rule: end.rule, group: group.name, action: end.action, labels: NO_LABELS };
    } catch (e) {
      if (e instanceof CannotEvaluateError) {
        throw new CannotEvaluateError(`rule group ${group.name} (referenced by rule '${rule.name}'): ${e.message}`, e.fix);
      }
      throw e;
    }
  }

  /**
   * A rule group of the templates under OverrideAction Count: its rules run in place, as far as one that ends the
   * group's evaluation, and add their labels; the web ACL counts the result and goes on. What cannot be evaluated in
   * it leaves the labels it may add unknown (ctx.unknownLabels), which a later label match that finds none names.
   */
  private countedInPlace(rule: WafRuleNode, reach: WafGroupRules, ctx: EvalContext): void {
    try {
      this.groupEvaluator(rule, reach.group).firstTerminating(ctx, undefined, undefined, reach.actionOf);
    } catch (e) {
      if (!(e instanceof CannotEvaluateError)) {
        throw e;
      }
      (ctx.unknownLabels ??= []).push({ group: reach.group, what: `the labels of rule group ${reach.group.name} (counted by rule '${rule.name}'): ${e.message}` });
    }
  }

  private groupEvaluator(rule: WafRuleNode, group: WafRuleGroupContent): WafEvaluator {
    let evaluator = this.groupEvaluators.get(rule);
    if (evaluator === undefined) {
      evaluator = new WafEvaluator(new WafWebAclTree(group.rules, 'ALLOW'), {
        ipSets: group.ipSets,
        opaqueStatements: this.options.opaqueStatements,
        labelNamespace: groupNamespace(group),
      });
      this.groupEvaluators.set(rule, evaluator);
    }
    return evaluator;
  }

  /**
   * For a managed rule group rule whose matching rule the model knows (the core rule set's body size limit, for a
   * request with `bodySize`): that rule, its action after the group's overrides and the rule's OverrideAction, and
   * its labels. Undefined when the group is not modelled for this request or no modelled rule of it matches.
   */
  private modelledGroupRule(rule: WafRuleNode, ctx: EvalContext): GroupMatch | undefined {
    const group = rule.statement;
    if (group.type !== 'ManagedRuleGroupStatement' || ctx.request.bodySize === undefined) {
      return undefined;
    }
    if (known(group.vendorName) !== 'AWS' || known(group.name) !== 'AWSManagedRulesCommonRuleSet' || !(ctx.request.bodySize > CRS_BODY_SIZE_LIMIT)) {
      return undefined;
    }
    if (group.scopeDown !== undefined && !this.statement(group.scopeDown, ctx)) {
      return undefined;
    }
    const ruleName = 'SizeRestrictions_BODY';
    let action: WafRuleAction = 'BLOCK';
    if (known(group.excludedRules).includes(ruleName)) {
      action = 'COUNT';
    }
    const override = known(group.ruleActionOverrides).find((o) => o.name === ruleName);
    if (override) {
      action = known(override.action);
    }
    if (rule.overrideAction === undefined) {
      throw new CannotEvaluateError(`rule '${rule.name}' references a rule group but has no OverrideAction None or Count`);
    }
    if (rule.overrideAction === 'COUNT') {
      action = 'COUNT';
    }
    return { rule: ruleName, action, labels: ['awswaf:managed:aws:core-rule-set:SizeRestrictions_Body'] };
  }

  private statement(s: WafStatementNode, ctx: EvalContext): boolean {
    switch (s.type) {
      case 'AndStatement':
        return threeValued(s.statements, (child) => this.statement(child, ctx), false);
      case 'OrStatement':
        return threeValued(s.statements, (child) => this.statement(child, ctx), true);
      case 'NotStatement':
        return !this.statement(s.statement, ctx);
      case 'ByteMatchStatement':
        return this.byteMatch(s, ctx.request);
      case 'RegexMatchStatement':
        return this.regexMatch(s, ctx.request);
      case 'SizeConstraintStatement':
        return this.sizeConstraint(s, ctx.request);
      case 'IPSetReferenceStatement':
        return this.ipSetReference(s, ctx.request);
      case 'LabelMatchStatement':
        return labelMatch(s, ctx, this.namespace);
      case 'RateBasedStatement':
        if (ctx.request.requestsInWindow !== undefined) {
          return this.rateBased(s, ctx);
        }
        if (this.options.opaqueStatements === 'CANNOT_EVALUATE') {
          throw new CannotEvaluateError(`${s.type} is opaque to the model without requestsInWindow`);
        }
        return false;
      case 'ManagedRuleGroupStatement':
      case 'RuleGroupReferenceStatement':
        if (this.options.opaqueStatements === 'CANNOT_EVALUATE') {
          throw new CannotEvaluateError(`${s.type} is opaque to the model`);
        }
        return false;
      case 'Unknown':
        throw new CannotEvaluateError(s.unknown.what);
      default:
        throw new CannotEvaluateError(`statement type '${s.type}' is not modelled`);
    }
  }

  /** Over the limit within the window, among the requests the scope-down admits and the custom keys can count. */
  private rateBased(s: WafRateBasedNode, ctx: EvalContext): boolean {
    const limit = known(s.limit);
    if (s.scopeDown !== undefined && !this.statement(s.scopeDown, ctx)) {
      return false;
    }
    for (const key of known(s.customKeys)) {
      if (key.kind !== 'Header' || key.headerName === undefined) {
        throw new CannotEvaluateError(`rate-based custom key ${key.kind} is not modelled`);
      }
      if (headerValue(ctx.request, known(key.headerName)) === undefined) {
        return false;
      }
    }
    return (ctx.request.requestsInWindow ?? 0) > limit;
  }

  private byteMatch(s: WafByteMatchNode, request: WafRequest): boolean {
    const value = inspected(s, request);
    if (value === undefined) {
      return false;
    }
    const search = known(s.searchString);
    switch (known(s.positionalConstraint)) {
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
    }
  }

  private regexMatch(s: WafRegexMatchNode, request: WafRequest): boolean {
    const value = inspected(s, request);
    if (value === undefined) {
      return false;
    }
    const pattern = known(s.regex);
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

  private sizeConstraint(s: WafSizeConstraintNode, request: WafRequest): boolean {
    const value = inspected(s, request);
    if (value === undefined) {
      return false;
    }
    const size = value.length;
    const limit = known(s.size);
    switch (known(s.comparisonOperator)) {
      case 'EQ': return size === limit;
      case 'NE': return size !== limit;
      case 'LE': return size <= limit;
      case 'LT': return size < limit;
      case 'GE': return size >= limit;
      case 'GT': return size > limit;
    }
  }

  private ipSetReference(s: WafIpSetNode, request: WafRequest): boolean {
    const ranges = this.ipSet(known(s.ipSetKey), s.arn);
    if (s.forwardedIp === undefined) {
      const ip = parseAddress(request.sourceIp);
      if (!ip) {
        throw new CannotEvaluateError(`request sourceIp '${request.sourceIp}' is not an IP address`);
      }
      return inRanges(ip, ranges);
    }
    const config = known(s.forwardedIp);
    // The rule was skipped earlier when the header is missing, so it is present here.
    const header = headerValue(request, known(config.headerName)) ?? '';
    const candidates = forwardedCandidates(header, known(config.position!));
    const addresses = candidates.map(parseAddress).filter((a): a is ParsedAddress => a !== undefined);
    if (addresses.length === 0) {
      return known(config.fallbackBehavior) === 'MATCH';
    }
    return addresses.some((ip) => inRanges(ip, ranges));
  }

  private ipSet(key: string, arn: Json): ParsedCidr[] {
    const cached = this.ipSetRanges.get(key);
    if (cached) {
      return cached;
    }
    const sets = this.options.ipSets;
    const addresses = sets !== undefined && Object.prototype.hasOwnProperty.call(sets, key) ? sets[key] : undefined;
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

/**
 * AND (`any` false) and OR (`any` true) over statements whose value may not be known: one child with the deciding
 * value decides, whatever the others; otherwise a child that could not be evaluated makes the whole unknown.
 */
function threeValued(children: readonly WafStatementNode[], value: (child: WafStatementNode) => boolean, any: boolean): boolean {
  let unknown: CannotEvaluateError | undefined;
  for (const child of children) {
    try {
      if (value(child) === any) {
        return any;
      }
    } catch (e) {
      if (!(e instanceof CannotEvaluateError)) {
        throw e;
      }
      unknown ??= e;
    }
  }
  if (unknown) {
    throw unknown;
  }
  return !any;
}

interface RuleFacts {
  readonly forwarded: ReadonlyArray<WafMaybe<WafForwardedIpNode>>;
  readonly unreadable?: WafUnknown;
  /** For a rule that references a rule group: what the group can do. */
  readonly group?: WafGroupReach;
}

interface EvalContext {
  readonly request: WafRequest;
  readonly labels: string[];
  /** The same labels, each with where it was added, for label match statements. */
  readonly added: AddedLabel[];
  /** Labels that may have been added, though which is not known (a counted rule group that cannot be evaluated). */
  unknownLabels?: UnknownLabels[];
  /** The opaque groups that may allow which the request passed (see WafEvaluation.unknownGroups). */
  unknownGroups?: string[];
}

/** The rule that ended evaluation, its action, and for a rule group reference the group's rule. */
interface Termination {
  readonly rule: string;
  readonly action: WafRuleAction;
  readonly group?: GroupMatch;
}

/** A rule group's rule that ended evaluation: its name, the group's (when it is one of the templates), its action. */
interface GroupMatch {
  readonly rule: string;
  readonly group?: string;
  readonly action: WafRuleAction;
  /** Labels to add for the match (a group run in place has added its rules' labels already). */
  readonly labels: readonly string[];
}

const NO_LABELS: readonly string[] = [];

function webAclRuleAction(rule: WafRuleNode): WafMaybe<WafRuleAction> {
  return rule.action;
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

/** True when the rule inspects a forwarded IP header that the request lacks: WAF then skips the whole rule. */
function missingForwardedHeader(configs: ReadonlyArray<WafMaybe<WafForwardedIpNode>>, request: WafRequest): boolean {
  return configs.some((config) => headerValue(request, known(known(config).headerName)) === undefined);
}

function headerValue(request: WafRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === wanted) {
      return value;
    }
  }
  return undefined;
}

/** The transformed request component, or undefined when the request lacks it. */
function inspected(s: WafInspectionNode, request: WafRequest): string | undefined {
  const field = known(s.field);
  let raw: string | undefined;
  switch (field.component) {
    case 'UriPath':
      raw = request.uriPath;
      break;
    case 'SingleHeader':
      raw = headerValue(request, known(field.headerName!));
      break;
    case 'Method':
      raw = request.method;
      break;
    case 'QueryString':
      raw = request.queryString;
      break;
    default:
      throw new CannotEvaluateError(`FieldToMatch ${field.component} is not modelled`);
  }
  if (raw === undefined) {
    return undefined;
  }
  return applyTransformationTypes(raw, known(s.transformations).map((t) => t.type));
}

function forwardedCandidates(header: string, position: 'FIRST' | 'LAST' | 'ANY'): string[] {
  const parts = header.split(',').map((p) => p.trim());
  switch (position) {
    case 'FIRST':
      return [parts[0]];
    case 'LAST':
      return [parts[parts.length - 1]];
    case 'ANY':
      return parts.slice(-FORWARDED_ANY_MAX_ADDRESSES);
  }
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

/** The labels a counted rule group may have added, which the model cannot tell: `what` says why. */
interface UnknownLabels {
  readonly group: WafRuleGroupContent;
  readonly what: string;
}

/** A part of a label's prefix not known at synth: the account of its stack, or its web ACL's or rule group's Name. */
interface UnknownPart {
  readonly unknown: 'account' | 'Name';
  /** What the part belongs to, for messages. */
  readonly of: 'web ACL' | 'rule group';
  readonly stackId?: string;
}

type LabelPart = string | UnknownPart;

/** A label added to the request. */
interface AddedLabel {
  /** The web ACL or rule group whose rule added it; undefined for a managed rule group's. */
  readonly context?: WafLabelNamespace;
  /** As the rule names it (`RuleLabels`): its namespaces and name, without the prefix. */
  readonly local?: readonly string[];
  /** Its fully qualified components. */
  readonly full: readonly LabelPart[];
}

/** What an account looks like (12 digits), and a web ACL's or rule group's Name (1 to 128 letters, digits, _ and -). */
const ACCOUNT = /^\d{12}$/;
const NAME = /^[\w-]{1,128}$/;

/**
 * A `LabelMatchStatement` (API_LabelMatchStatement): a Key that starts with `awswaf:` is compared with the fully
 * qualified labels (LABEL: the whole label; NAMESPACE: the start of its namespace); any other Key searches only the
 * labels added in the statement's own web ACL or rule group (`context`), by the names their rules give them (LABEL:
 * the name, with any number of the namespaces before it; NAMESPACE: a run of its namespaces). A comparison that meets
 * a part of the prefix not known at synth (the account, a Name) and decides the match throws.
 */
function labelMatch(s: WafLabelMatchNode, ctx: EvalContext, context: WafLabelNamespace): boolean {
  const labels = ctx.added;
  const key = known(s.key);
  const namespace = known(s.scope) === 'NAMESPACE';
  const wanted = (namespace && key.endsWith(':') ? key.slice(0, -1) : key).split(':');
  const qualified = wanted[0] === 'awswaf';
  let undecided: UnknownPart | undefined;
  for (const label of labels) {
    let match: boolean | UnknownPart;
    if (qualified) {
      // LABEL: every component; NAMESPACE: the first ones, short of the name.
      const parts = label.full;
      match = (namespace ? wanted.length < parts.length : wanted.length === parts.length) && componentsMatch(wanted, parts, 0, context);
    } else if (label.context !== context || label.local === undefined) {
      continue;
    } else if (namespace) {
      match = false;
      for (let at = 0; at + wanted.length < label.local.length && match === false; at++) {
        match = componentsMatch(wanted, label.local, at, context);
      }
    } else {
      match = wanted.length <= label.local.length && componentsMatch(wanted, label.local, label.local.length - wanted.length, context);
    }
    if (match === true) {
      return true;
    }
    if (match !== false) {
      undecided ??= match;
    }
  }
  if (undecided !== undefined) {
    const owner = `the ${undecided.unknown} of the ${undecided.of} that adds it`;
    throw new CannotEvaluateError(`${s.at}.Key '${labelKeyText(key)}' names a label${namespace ? ' namespace' : ''} in full, and ${owner} is not known at synth`,
      'Write the Key without its awswaf:<account>:<webacl|rulegroup>:<Name>: prefix when the label comes from the same web ACL or rule group (the short form '
      + 'searches only there); otherwise name the web ACL or rule group (Name) and deploy the stack to a known account (a CDK stack\'s env, which cdk.out '
      + 'records; a template file checked alone has none)');
  }
  // A counted group the model cannot run may have added labels: news only to a Key that could name one of them.
  const unsure = ctx.unknownLabels?.find((u) => mayNameGroupLabel(s, u.group, context));
  if (unsure !== undefined) {
    throw new CannotEvaluateError(`${s.at}.Key '${labelKeyText(key)}' may name one of ${unsure.what}`);
  }
  return false;
}

/**
 * Whether a label match could name a label that a rule group adds, the group's rules not run: any of its rules'
 * labels (any label at all when they are not known), under the group's prefix.
 */
function mayNameGroupLabel(s: WafLabelMatchNode, group: WafRuleGroupContent, context: WafLabelNamespace): boolean {
  const namespace = groupNamespace(group);
  const rules = group.rules;
  const names = isWafUnknown(rules) || rules.some((r) => isWafUnknown(r.labels)) ? undefined
    : rules.flatMap((r) => r.labels as readonly string[]);
  if (names === undefined) {
    // Nothing known of its labels but their prefix: a full Key that could reach it, or a Key inside the group.
    const key = known(s.key);
    const scopeNamespace = known(s.scope) === 'NAMESPACE';
    const wanted = (scopeNamespace && key.endsWith(':') ? key.slice(0, -1) : key).split(':');
    if (wanted[0] !== 'awswaf') {
      return context === namespace;
    }
    const n = Math.min(wanted.length, 4);
    return (scopeNamespace || wanted.length > 4) && componentsMatch(wanted.slice(0, n), prefixOf(namespace).slice(0, n), 0, context) !== false;
  }
  return names.some((name) => labelMatchSees(s, context, name, namespace));
}

/** The label prefix of a rule group given without one: one per group, so that its rules and its statements share it. */
const groupNamespaces = new WeakMap<WafRuleGroupContent, WafLabelNamespace>();

function groupNamespace(group: WafRuleGroupContent): WafLabelNamespace {
  if (group.labelNamespace !== undefined) {
    return group.labelNamespace;
  }
  let namespace = groupNamespaces.get(group);
  if (namespace === undefined) {
    namespace = { kind: 'rulegroup' };
    groupNamespaces.set(group, namespace);
  }
  return namespace;
}

/** The fully qualified prefix of the labels of a web ACL or rule group: `awswaf`, account, kind, Name. */
function prefixOf(ns: WafLabelNamespace): LabelPart[] {
  const of = ns.kind === 'webacl' ? 'web ACL' : 'rule group';
  return ['awswaf', ns.account ?? { unknown: 'account', of, stackId: ns.stackId }, ns.kind, ns.name ?? { unknown: 'Name', of, stackId: ns.stackId }];
}

/**
 * Whether a label match statement, in the web ACL or rule group `statementIn`, matches (or may match, as far as synth
 * can tell) the label `name` that a rule of `addedIn` adds. `statementIn` and `addedIn` are the same object for the
 * same web ACL or rule group (a Key without the `awswaf:` prefix sees only its own).
 */
export function labelMatchSees(s: WafLabelMatchNode, statementIn: WafLabelNamespace, name: string, addedIn: WafLabelNamespace): boolean {
  const local = name.split(':');
  const ctx: EvalContext = { request: { uriPath: '/', sourceIp: '0.0.0.0' }, labels: [name], added: [{ context: addedIn, local, full: [...prefixOf(addedIn), ...local] }] };
  try {
    return labelMatch(s, ctx, statementIn);
  } catch (e) {
    if (e instanceof CannotEvaluateError) {
      return true;
    }
    throw e;
  }
}

/**
 * Whether `wanted` equals `parts` from `at` on: true, false, or the first part not known at synth that the match
 * depends on (every other component equal). A part not known equals only what it could be (an account is 12 digits, a
 * Name letters, digits, _ and -); the Key's own account (`${AWS::AccountId}`) equals the account of a label from a web
 * ACL or rule group of the same stack.
 */
function componentsMatch(wanted: readonly string[], parts: readonly LabelPart[], at: number, context: WafLabelNamespace): boolean | UnknownPart {
  let depends: UnknownPart | undefined;
  for (let i = 0; i < wanted.length; i++) {
    const part = parts[at + i];
    const want = wanted[i];
    if (want === OWN_ACCOUNT) {
      if (typeof part !== 'string' && part.unknown === 'account' && part.stackId !== undefined && part.stackId === context.stackId) {
        continue; // the same stack's account, whatever it is
      }
      if (typeof part === 'string' ? !ACCOUNT.test(part) : part.unknown !== 'account') {
        return false; // an account is never anything else
      }
      depends ??= typeof part === 'string' ? { unknown: 'account', of: context.kind === 'webacl' ? 'web ACL' : 'rule group', stackId: context.stackId } : part;
    } else if (typeof part === 'string') {
      if (part !== want) {
        return false;
      }
    } else if ((part.unknown === 'account' ? ACCOUNT : NAME).test(want)) {
      depends ??= part;
    } else {
      return false;
    }
  }
  return depends ?? true;
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
