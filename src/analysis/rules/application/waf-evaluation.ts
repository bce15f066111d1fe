import { readsForwardedIp } from './waf-statements';
import type { NetworkModel, WebAclModel } from '../../model/network-model';
import { CannotEvaluateError, WafEvaluation, WafEvaluator } from '../../model/waf-evaluator';
import { groupReach, labelNamespaceOf, ruleGroupResolver } from '../../model/waf-rule-groups';
import { isWafUnknown, known, WafMaybe, WafRuleAction, WafRuleNode, WafWebAclTree } from '../../model/waf-statements-tree';
import type { RuleContext } from '../rule';

/**
 * An evaluator for the web ACL (or the tree given), or undefined after reporting why it cannot be evaluated. The rule
 * groups of the templates its rules reference run in place (../../model/waf-rule-groups).
 */
export function evaluatorFor(model: NetworkModel, acl: WebAclModel, context: RuleContext, what: string,
  tree?: WafWebAclTree): WafEvaluator | undefined {
  return orCannotVerify(acl, context, what, () => new WafEvaluator(tree ?? acl.tree, {
    ipSets: model.ipSetsFor(acl.resource),
    ruleGroups: ruleGroupResolver(model, acl.resource),
    labelNamespace: labelNamespaceOf(acl.resource, 'webacl'),
  }));
}

/** Runs `fn`, turning a CannotEvaluateError (an unresolved or unmodelled value) into a "cannot verify". */
export function orCannotVerify<T>(acl: WebAclModel, context: RuleContext, what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CannotEvaluateError) {
      context.cannotVerify(acl.resource, `${what} (${e.message})`, undefined, e.fix);
      return undefined;
    }
    throw e;
  }
}

/** A rule that reads a forwarded IP header, where a web ACL runs it. */
export interface ForwardedIpRule {
  readonly rule: WafRuleNode;
  /** Its action where it runs: a group's rule after the reference's `ExcludedRules` and `RuleActionOverrides`. */
  readonly action: WafMaybe<WafRuleAction>;
  /** How messages name it: `rule 'X'`, or `rule 'X' of rule group G (referenced by rule 'R')`. */
  readonly label: string;
  /** The IP sets its statement's references are looked up in (the group's, for a group's rule). */
  readonly ipSets: Readonly<Record<string, readonly string[]>>;
  /** For a group's rule: the web ACL's rule that references the group. */
  readonly reference?: WafRuleNode;
  /** Whether an evaluation ended at this rule (for a group's rule: inside this reference to the group). */
  endsAt(result: WafEvaluation): boolean;
}

/** What a web ACL's rules, and the rule groups of the templates they reference, do with forwarded IP headers. */
export interface ForwardedIpReaders {
  /** The web ACL's rules that read one, and those of the groups it runs in place (OverrideAction None). */
  readonly rules: ForwardedIpRule[];
  /**
   * References whose OverrideAction is not known at synth (None or Count), to a group of the templates whose rules
   * read one: under Count they act on nothing, under None they run in place (a caller may judge that case alone).
   */
  readonly undecided: WafRuleNode[];
  /**
   * Groups of the templates whose rules read one (or may: their `Rules` are not known) under a reference whose
   * `ExcludedRules` or `RuleActionOverrides` are not known at synth, or whose rules are not known: each says why.
   */
  readonly unsure: string[];
  /**
   * How messages name every rule that reads one, wherever it runs (a group under OverrideAction Count included: its
   * rules still run, and add labels, though their actions count): the web ACL's own, then the groups'.
   */
  readonly everyReader: string[];
  /** Groups of the templates the web ACL references whose rules are not known: they may read one. */
  readonly unknownGroups: string[];
  /** Every rule of the groups of the templates the web ACL references, whatever the reference's OverrideAction. */
  readonly groupRules: WafRuleNode[];
}

/**
 * The rules a web ACL runs that read a forwarded IP header: its own, and those of each `AWS::WAFv2::RuleGroup` of the
 * templates that its rules reference (../../model/waf-rule-groups `groupReach`), sorted by what the templates say of
 * the reference (see {@link ForwardedIpReaders}). `tree` stands for the web ACL's own (a caller's assumption).
 * Throws CannotEvaluateError when the web ACL's `Rules` are not known.
 */
export function forwardedIpRules(model: NetworkModel, acl: WebAclModel, tree: WafWebAclTree = acl.tree): ForwardedIpReaders {
  const resolver = ruleGroupResolver(model, acl.resource);
  let own: Readonly<Record<string, readonly string[]>> | undefined;
  const result = {
    rules: [] as ForwardedIpRule[],
    undecided: [] as WafRuleNode[],
    unsure: [] as string[],
    everyReader: [] as string[],
    unknownGroups: [] as string[],
    groupRules: [] as WafRuleNode[],
  };
  const groupReaders: string[] = [];
  for (const rule of known(tree.rules)) {
    if (readsForwardedIp(rule.statement)) {
      const name = rule.name;
      result.rules.push({
        rule,
        action: rule.action,
        label: `rule '${name}'`,
        get ipSets() {
          return (own ??= model.ipSetsFor(acl.resource));
        },
        endsAt: (evaluation) => evaluation.terminatingRule === name && evaluation.terminatingGroupRule === undefined,
      });
      result.everyReader.push(`rule '${name}'`);
    }
    if (rule.statement.type !== 'RuleGroupReferenceStatement') {
      continue;
    }
    const group = resolver(rule.statement.arn);
    if (group === undefined) {
      continue; // outside the templates: judged where it may allow (the evaluator's unknown groups)
    }
    const labelOf = (inner: WafRuleNode) => `rule '${inner.name}' of rule group ${group.name} (referenced by rule '${rule.name}')`;
    if (isWafUnknown(group.rules)) {
      result.unknownGroups.push(`rule group ${group.name}: ${group.rules.what}`);
      if (rule.overrideAction !== 'COUNT') {
        result.unsure.push(`rule group ${group.name} (referenced by rule '${rule.name}') may read a forwarded IP header: ${group.rules.what}`);
      }
      continue;
    }
    const readers = group.rules.filter((inner) => readsForwardedIp(inner.statement));
    groupReaders.push(...readers.map(labelOf));
    result.groupRules.push(...group.rules);
    const reach = groupReach(rule, resolver);
    if (reach?.kind === 'rules' && rule.overrideAction === 'NONE') {
      for (const inner of readers) {
        result.rules.push({
          rule: inner,
          action: reach.actionOf(inner),
          label: labelOf(inner),
          ipSets: group.ipSets,
          reference: rule,
          endsAt: (evaluation) => evaluation.terminatingRule === rule.name && evaluation.terminatingGroupRule === inner.name
            && evaluation.terminatingGroup === group.name,
        });
      }
    } else if (readers.length > 0 && rule.overrideAction === undefined) {
      // Neither None nor Count as far as the templates say (groupReach calls a group that cannot allow "cannot allow"
      // then, and the evaluator passes it by): under None its rules would act.
      result.undecided.push(rule);
    } else if (readers.length > 0 && rule.overrideAction === 'NONE' && reach?.kind === 'unknown') {
      result.unsure.push(`${readers.map(labelOf).join(', ')} read${readers.length > 1 ? '' : 's'} a forwarded IP header, and ${reach.what}`);
    }
  }
  result.everyReader.push(...groupReaders);
  return result;
}

/**
 * The web ACL's tree with one rule group reference's OverrideAction taken as None: what the web ACL does in that case,
 * for a reference whose OverrideAction is not known at synth.
 */
export function withOverrideNone(tree: WafWebAclTree, reference: WafRuleNode): WafWebAclTree {
  const rules = known(tree.rules).map((r) => (r === reference ? { ...r, action: 'NONE' as const, overrideAction: 'NONE' as const } : r));
  return new WafWebAclTree(rules, tree.defaultAction, tree.invalid);
}
