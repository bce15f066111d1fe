// The rule groups a web ACL's rules reference, and what each can do to a request. A terminating Allow or Block inside
// a rule group ends the evaluation of the whole web ACL, as a web ACL rule's does ("This is true for rules that you add
// directly to the web ACL and rules that are inside an added rule group"), unless the reference's OverrideAction is
// Count ("Override the rule group evaluation result to count only"). So a group ahead of a BLOCK rule may take the
// requests it would block. This file says, from the templates alone, which groups can end evaluation with ALLOW, and
// hands the evaluator (./waf-evaluator) the rules of an `AWS::WAFv2::RuleGroup` of the templates to run in place.
// @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
// @see https://docs.aws.amazon.com/waf/latest/APIReference/API_OverrideAction.html
import { isLiteralString, Json, literalInteger, quoteValue, referenceOf, targetKey } from './model-values';
import type { ModelResource } from './resource';
import type { RuleGroupCapacityLookup } from './waf-capacity';
import type { WafLabelNamespace } from './waf-evaluator';
import { isWafUnknown, WafMaybe, WafRuleAction, WafRuleGroupTree, WafRuleNode, WafRuleOverrideNode } from './waf-statements-tree';

/** An `AWS::WAFv2::RuleGroup` of the templates. */
export interface WafRuleGroupModel {
  readonly resource: ModelResource;
  readonly key: string;
  /** Its rules, read once. */
  readonly tree: WafRuleGroupTree;
}

/** What the evaluator needs of a rule group of the templates to run its rules in place. */
export interface WafRuleGroupContent {
  /** How messages name the group: its path in the app. */
  readonly name: string;
  readonly rules: WafMaybe<readonly WafRuleNode[]>;
  /** The addresses of the IP sets its statements reference, keyed as the evaluator looks them up. */
  readonly ipSets: Readonly<Record<string, readonly string[]>>;
  /** Values WAF rejects in the group (InvalidValue reports them): the group, and the web ACL that uses it, never exist. */
  readonly invalid: readonly string[];
  /**
   * The prefix of the labels its rules add (`awswaf:<account>:rulegroup:<Name>:`).
   * @default - a rule group whose account and Name are not known at synth
   */
  readonly labelNamespace?: WafLabelNamespace;
}

/** The rule group of the templates a `RuleGroupReferenceStatement`'s `Arn` names, when it names one. */
export type WafRuleGroupResolver = (arn: Json) => WafRuleGroupContent | undefined;

/** A rule group of the templates as a reference runs it: its rules in place, with the reference's overrides. */
export interface WafGroupRules {
  readonly kind: 'rules';
  /** Whether some rule may end evaluation with ALLOW (else the group only blocks, counts or challenges). */
  readonly mayAllow: boolean;
  readonly group: WafRuleGroupContent;
  /** A rule's action inside this reference: the group's, unless the reference excludes or overrides it. */
  readonly actionOf: (rule: WafRuleNode) => WafMaybe<WafRuleAction>;
}

/** What a rule that references a rule group can do to a request, as far as the templates tell. */
export type WafGroupReach =
  /**
   * It never ends evaluation with ALLOW: every rule blocks, counts or challenges, or the reference counts. Under
   * OverrideAction Count, a group of the templates is `counted`: its rules still run and add their labels, and the
   * web ACL counts what they decide.
   */
  | {
    readonly kind: 'cannot-allow';
    readonly counted?: WafGroupRules;
    /**
     * Under OverrideAction Count, a group of the templates whose rules, `ExcludedRules` or `RuleActionOverrides` are
     * not known at synth: the labels it adds are not known either; says why.
     */
    readonly countedUnknown?: { readonly group: WafRuleGroupContent; readonly what: string };
  }
  /** WAF rejects the group as written: it never exists (InvalidValue says so), so it decides nothing. */
  | { readonly kind: 'rejected' }
  /** Its rules are in the templates: they run in place, with the reference's overrides. */
  | WafGroupRules
  /** It may allow, and what it allows is not known: `what` names the group and why. */
  | { readonly kind: 'unknown'; readonly what: string };

const CANNOT_ALLOW: WafGroupReach = { kind: 'cannot-allow' };
const REJECTED: WafGroupReach = { kind: 'rejected' };

/**
 * What a web ACL rule that references a rule group can do; undefined for a rule that references none.
 *
 * - OverrideAction Count: the group cannot allow (its result is counted).
 * - An AWS managed rule group (`VendorName: AWS`): its published rules block, count, or send a CAPTCHA or a challenge
 *   (the rule listings of the baseline, use-case, IP reputation, Bot Control, fraud control and anti-DDoS groups
 *   name no rule that allows), so it cannot allow unless a `RuleActionOverrides` entry sets `ActionToUse` Allow;
 *   that rule's statement is not published, so it is unknown. Another vendor's (AWS Marketplace) group is unknown.
 * - A `RuleGroupReferenceStatement` to an `AWS::WAFv2::RuleGroup` of the templates: its rules, with the reference's
 *   `ExcludedRules` (count) and `RuleActionOverrides` applied; when none can allow, the group cannot; otherwise its
 *   rules run in place. A group the templates do not hold (a literal ARN, an import, an ARN built with Fn::Sub) is
 *   unknown.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
 */
export function groupReach(rule: WafRuleNode, resolve: WafRuleGroupResolver | undefined): WafGroupReach | undefined {
  const s = rule.statement;
  if (s.type !== 'ManagedRuleGroupStatement' && s.type !== 'RuleGroupReferenceStatement') {
    return undefined;
  }
  if (rule.overrideAction === 'COUNT') {
    // The group's rules still run: "Count ... doesn't affect how the rules in the rule group are evaluated", so
    // they add their labels (web-acl-rule-group-override-options.html).
    if (s.type !== 'RuleGroupReferenceStatement') {
      return CANNOT_ALLOW;
    }
    const group = resolveGroup(s.arn, resolve);
    const counted = group !== undefined ? customGroupReach(group, s.excludedRules, s.ruleActionOverrides) : undefined;
    if (counted?.kind === 'rules') {
      return { kind: 'cannot-allow', counted };
    }
    return counted?.kind === 'unknown' ? { kind: 'cannot-allow', countedUnknown: { group: group!, what: counted.what } } : CANNOT_ALLOW;
  }
  let reach: WafGroupReach;
  if (s.type === 'ManagedRuleGroupStatement') {
    reach = managedGroupReach(rule.name, s.vendorName, s.name, s.ruleActionOverrides);
  } else {
    const group = resolveGroup(s.arn, resolve);
    if (group === undefined) {
      return {
        kind: 'unknown',
        what: `rule '${rule.name}' references rule group ${quoteValue(s.arn)}, which names no AWS::WAFv2::RuleGroup of the templates judged: its rules may allow`,
      };
    }
    reach = customGroupReach(group, s.excludedRules, s.ruleActionOverrides);
  }
  // A group of the templates that cannot allow runs in place under OverrideAction None; under one not known at synth
  // (or not written: InvalidValue reports that) it stays opaque, as it may be Count.
  if (reach.kind === 'rules' && !reach.mayAllow && rule.overrideAction !== 'NONE') {
    return CANNOT_ALLOW;
  }
  // A group that may allow does so under OverrideAction None (Count returned above); one not known at synth, or not
  // written (InvalidValue reports that), may be None.
  if ((reach.kind === 'rules' || reach.kind === 'unknown') && rule.overrideAction !== 'NONE') {
    const override = isWafUnknown(rule.action) ? rule.action.what : `rule '${rule.name}' has no OverrideAction None or Count`;
    return { kind: 'unknown', what: reach.kind === 'unknown' ? `${reach.what}; ${override}` : override };
  }
  return reach;
}

function managedGroupReach(ruleName: string, vendor: WafMaybe<string>, name: WafMaybe<string>,
  overrides: WafMaybe<readonly WafRuleOverrideNode[]>): WafGroupReach {
  if (isWafUnknown(vendor)) {
    return { kind: 'unknown', what: `${vendor.what}, so the managed rule group may be one whose rules allow` };
  }
  const groupName = isWafUnknown(name) ? '(its Name not known)' : name;
  if (vendor !== 'AWS') {
    return { kind: 'unknown', what: `rule '${ruleName}' references ${vendor}'s managed rule group ${groupName}, whose rules are not published: they may allow` };
  }
  if (isWafUnknown(overrides)) {
    return { kind: 'unknown', what: overrides.what };
  }
  for (const override of overrides) {
    if (isWafUnknown(override.action)) {
      return { kind: 'unknown', what: override.action.what };
    }
    if (override.action === 'ALLOW') {
      return {
        kind: 'unknown',
        what: `rule '${ruleName}' overrides rule '${override.name}' of AWS managed rule group ${groupName} to Allow, and what that rule matches is not published`,
      };
    }
  }
  return CANNOT_ALLOW;
}

function customGroupReach(group: WafRuleGroupContent, excluded: WafMaybe<readonly string[]>,
  overrides: WafMaybe<readonly WafRuleOverrideNode[]>): WafGroupReach {
  if (group.invalid.length > 0) {
    return REJECTED;
  }
  if (isWafUnknown(group.rules)) {
    return { kind: 'unknown', what: `rule group ${group.name}: ${group.rules.what}` };
  }
  if (isWafUnknown(excluded) || isWafUnknown(overrides)) {
    return { kind: 'unknown', what: isWafUnknown(excluded) ? excluded.what : (overrides as { readonly what: string }).what };
  }
  const byName = new Map<string, WafMaybe<WafRuleAction>>();
  for (const name of excluded) {
    byName.set(name, 'COUNT');
  }
  for (const override of overrides) {
    byName.set(override.name, override.action);
  }
  const actionOf = (r: WafRuleNode): WafMaybe<WafRuleAction> => (byName.has(r.name) ? byName.get(r.name)! : r.action);
  // An action not known may be Allow: the evaluator names it when a request reaches the rule. A group that cannot
  // allow still runs in place: its BLOCK rules decide requests (explain, the samples of the other rules).
  const mayAllow = group.rules.some((r) => { const a = actionOf(r); return a === 'ALLOW' || isWafUnknown(a); });
  return { kind: 'rules', mayAllow, group, actionOf };
}

/** The group an `Arn` names: a `Ref` or `Fn::GetAtt [X, Arn]` (in this stack or another the model links). */
function resolveGroup(arn: Json, resolve: WafRuleGroupResolver | undefined): WafRuleGroupContent | undefined {
  const ref = referenceOf(arn);
  if (resolve === undefined || (ref !== undefined && ref.attribute !== undefined && ref.attribute !== 'Arn')) {
    return undefined;
  }
  return resolve(arn);
}

/** Reads the app's `AWS::WAFv2::RuleGroup` resources; what WAF rejects in them goes to `into.invalid`. */
export function readWafRuleGroups(groups: readonly ModelResource[], into: {
  readonly wafRuleGroups: Map<string, WafRuleGroupModel>;
  readonly invalid: Array<{ readonly resource: ModelResource; readonly problem: string; readonly value?: string }>;
}): void {
  for (const resource of groups) {
    const tree = WafRuleGroupTree.parse(resource.properties);
    into.wafRuleGroups.set(resource.key, { resource, key: resource.key, tree });
    for (const problem of tree.invalid) {
      into.invalid.push({ resource, problem: `${problem}: WAF rejects the rule group`, value: problem });
    }
  }
}

/** What a resolver needs of the network model. */
export interface WafRuleGroupSource {
  readonly wafRuleGroups: ReadonlyMap<string, WafRuleGroupModel>;
  ipSetsFor(resource: ModelResource): Record<string, string[]>;
}

/** Content per group, made on first use (a group's IP sets are looked up once, whatever the web ACLs using it). */
const contents = new WeakMap<WafRuleGroupModel, WafRuleGroupContent>();

/**
 * The prefix of the labels a web ACL's or rule group's rules add: its stack's account (from the stack's environment,
 * `aws://<account>/<region>`) and its `Name`, each when known at synth. Without a `Name`, CloudFormation generates one.
 */
export function labelNamespaceOf(resource: ModelResource, kind: WafLabelNamespace['kind']): WafLabelNamespace {
  const account = /^aws:\/\/(\d{12})\//.exec(resource.stack.environment ?? '')?.[1];
  const name = resource.properties?.Name;
  return {
    kind,
    stackId: resource.stack.id,
    ...(account !== undefined ? { account } : {}),
    ...(isLiteralString(name) ? { name } : {}),
  };
}

/** The rule groups of the app as a web ACL's rules name them (`Arn` read in the web ACL's stack). */
export function ruleGroupResolver(model: WafRuleGroupSource, acl: ModelResource): WafRuleGroupResolver {
  return (arn) => {
    if (model.wafRuleGroups.size === 0) {
      return undefined;
    }
    const group = model.wafRuleGroups.get(targetKey(arn, acl.stack.id));
    if (group === undefined) {
      return undefined;
    }
    let content = contents.get(group);
    if (content === undefined) {
      content = {
        name: group.resource.path,
        rules: group.tree.rules,
        ipSets: model.ipSetsFor(group.resource),
        invalid: group.tree.invalid,
        labelNamespace: labelNamespaceOf(group.resource, 'rulegroup'),
      };
      contents.set(group, content);
    }
    return content;
  };
}

/**
 * The capacity of a rule group of the templates a `RuleGroupReferenceStatement` (its body as written) names: the
 * group's `Capacity`, which WAF fixes when the group is created and charges to each web ACL that references it;
 * undefined for anything else (a managed group, a group outside the templates, a capacity not known at synth).
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
 */
export function ruleGroupCapacityLookup(model: Pick<WafRuleGroupSource, 'wafRuleGroups'>, acl: ModelResource): RuleGroupCapacityLookup {
  return (statement, type) => {
    if (type !== 'RuleGroupReferenceStatement' || model.wafRuleGroups.size === 0) {
      return undefined;
    }
    const arn = statement?.Arn;
    const ref = referenceOf(arn);
    if (ref === undefined || (ref.attribute !== undefined && ref.attribute !== 'Arn')) {
      return undefined;
    }
    return literalInteger(model.wafRuleGroups.get(targetKey(arn, acl.stack.id))?.resource.properties.Capacity);
  };
}
