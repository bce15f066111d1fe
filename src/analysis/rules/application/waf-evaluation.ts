import { describeValue, Json } from '../../model/model-values';
import type { NetworkModel, WebAclModel } from '../../model/network-model';
import { CannotEvaluateError, WafEvaluator } from '../../model/waf-evaluator';
import type { RuleContext } from '../rule';

/** An evaluator for the web ACL, or undefined after reporting why it cannot be evaluated. */
export function evaluatorFor(model: NetworkModel, acl: WebAclModel, context: RuleContext, what: string, properties?: Json): WafEvaluator | undefined {
  try {
    return new WafEvaluator(properties ?? acl.resource.properties, { ipSets: model.ipSetsFor(acl.resource) });
  } catch (e) {
    if (e instanceof CannotEvaluateError) {
      context.cannotVerify(acl.resource, `${what} (${e.message})`);
      return undefined;
    }
    throw e;
  }
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
export function aclRules(acl: WebAclModel): Json[] {
  const rules = acl.resource.properties.Rules;
  if (rules !== undefined && !Array.isArray(rules)) {
    throw new CannotEvaluateError(`Rules is not a resolved list: ${describeValue(rules)}`);
  }
  return rules ?? [];
}
