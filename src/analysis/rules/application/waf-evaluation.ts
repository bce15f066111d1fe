import type { NetworkModel, WebAclModel } from '../../model/network-model';
import { CannotEvaluateError, WafEvaluator } from '../../model/waf-evaluator';
import { ruleGroupResolver } from '../../model/waf-rule-groups';
import { known, WafRuleNode, WafWebAclTree } from '../../model/waf-statements-tree';
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
