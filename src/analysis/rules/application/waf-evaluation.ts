import { readsForwardedIp } from './waf-statements';
import type { NetworkModel, WebAclModel } from '../../model/network-model';
import { CannotEvaluateError, WafEvaluation, WafEvaluator } from '../../model/waf-evaluator';
import { groupReach, ruleGroupResolver } from '../../model/waf-rule-groups';
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
  }));
}

/** Runs `fn`, turning a CannotEvaluateError (an unresolved or unmodelled value) into a "cannot verify". */
export function orCannotVerify<T>(acl: WebAclModel, context: RuleContext, what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CannotEvaluateError) {
      context.cannotVerify(acl.resource, `${what} (${e.message})`);
      return undefined;
    }
    throw e;
  }
}

/** The web ACL's rules; throws CannotEvaluateError when `Rules` is not a resolved list (an `Fn::If`, say). */
export function aclRules(acl: WebAclModel): readonly WafRuleNode[] {
  return known(acl.tree.rules);
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
  /** Whether an evaluation ended at this rule (for a group's rule: inside this reference to the group). */
  endsAt(result: WafEvaluation): boolean;
}

/**
 * The rules a web ACL runs that read a forwarded IP header: its own, and those of each `AWS::WAFv2::RuleGroup` of the
 * templates that one of its rules runs in place (OverrideAction None: ../../model/waf-rule-groups `groupReach`). A
 * group of the templates whose rules read one, under a reference that may or may not let them act (an
 * OverrideAction not known at synth, or none written), is in `unsure`, saying why. A group under OverrideAction
 * Count only counts: its rules judge nobody. Throws CannotEvaluateError when the web ACL's `Rules` are not known.
 */
export function forwardedIpRules(model: NetworkModel, acl: WebAclModel): {
  readonly rules: ForwardedIpRule[];
  readonly unsure: string[];
  /** Every rule of the groups run in place, whether or not it reads a forwarded IP header. */
  readonly inPlace: WafRuleNode[];
} {
  const resolver = ruleGroupResolver(model, acl.resource);
  let own: Readonly<Record<string, readonly string[]>> | undefined;
  const rules: ForwardedIpRule[] = [];
  const unsure: string[] = [];
  const inPlace: WafRuleNode[] = [];
  for (const rule of aclRules(acl)) {
    if (readsForwardedIp(rule.statement)) {
      const name = rule.name;
      rules.push({
        rule,
        action: rule.action,
        label: `rule '${name}'`,
        get ipSets() {
          return (own ??= model.ipSetsFor(acl.resource));
        },
        endsAt: (result) => result.terminatingRule === name && result.terminatingGroupRule === undefined,
      });
    }
    const reach = groupReach(rule, resolver);
    if (reach?.kind === 'rules' && rule.overrideAction === 'NONE' && !isWafUnknown(reach.group.rules)) {
      const group = reach.group;
      for (const inner of group.rules as readonly WafRuleNode[]) {
        inPlace.push(inner);
        if (readsForwardedIp(inner.statement)) {
          rules.push({
            rule: inner,
            action: reach.actionOf(inner),
            label: `rule '${inner.name}' of rule group ${group.name} (referenced by rule '${rule.name}')`,
            ipSets: group.ipSets,
            endsAt: (result) => result.terminatingRule === rule.name && result.terminatingGroupRule === inner.name
              && result.terminatingGroup === group.name,
          });
        }
      }
    } else if (rule.overrideAction === undefined && rule.statement.type === 'RuleGroupReferenceStatement') {
      // Neither None nor Count as far as the templates say (groupReach calls such a group that cannot allow "cannot
      // allow", and the evaluator passes it by): under None its rules would act.
      const group = resolver(rule.statement.arn);
      const inner = group !== undefined && !isWafUnknown(group.rules) ? group.rules.filter((r) => readsForwardedIp(r.statement)) : [];
      if (inner.length > 0) {
        const override = isWafUnknown(rule.action) ? rule.action.what : `rule '${rule.name}' has no OverrideAction None or Count`;
        unsure.push(`rule group ${group!.name} reads a forwarded IP header (${inner.map((r) => `rule '${r.name}'`).join(', ')}), and ${override}`);
      }
    }
  }
  return { rules, unsure, inPlace };
}
