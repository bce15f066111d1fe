// WAF on a path: an HTTP request to a resource a web ACL protects, judged by ../model/waf-evaluator for each client
// address (cut at every boundary of the IP sets the ACL can reference, between which its IP rules answer alike).
// Managed rule groups and groups outside the templates judge content and reputation the model cannot see: a request no
// modelled rule blocks is allowed, with a note naming the groups that may still block it. A rule group of the templates
// runs in place; a request blocked after a group that may allow and whose rules are not known (../model/waf-rule-groups)
// is unknown, not blocked.
// @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-list.html
import { Decision, formatSpaceAddress, IPV6_BASE, Judgement, MAX_ADDRESS, toSpace } from './decision';
import { parseCidrOrReason } from '../../private/ip';
import { targetKey } from '../model/model-values';
import type { NetworkModel } from '../model/network-model';
import { CannotEvaluateError, WafEvaluator } from '../model/waf-evaluator';
import { labelNamespaceOf, ruleGroupResolver } from '../model/waf-rule-groups';
import type { WorkloadModel } from '../model/workloads';

export function judgeWaf(model: NetworkModel, target: WorkloadModel, httpPath: string): { judgement: Judgement; notes: string[] } | undefined {
  const acl = model.webAcls.find((a) => a.associations.some((r) => targetKey(r.properties.ResourceArn, r.stack.id) === target.key));
  if (!acl) {
    return undefined;
  }
  const ipSets = model.ipSetsFor(acl.resource);
  const ruleGroups = ruleGroupResolver(model, acl.resource);
  const rules: any[] = Array.isArray(acl.resource.properties.Rules) ? acl.resource.properties.Rules : [];
  // A rule group of the templates runs in place: only the others are not seen.
  const groups = rules.filter((r) => r?.Statement?.ManagedRuleGroupStatement
    || (r?.Statement?.RuleGroupReferenceStatement && ruleGroups(r.Statement.RuleGroupReferenceStatement.Arn) === undefined))
    .map((r) => `'${String(r.Name)}'`);
  const notes = groups.length > 0
    ? [`web ACL ${acl.resource.path}: the rule group${groups.length > 1 ? 's' : ''} of rule${groups.length > 1 ? 's' : ''} ${groups.join(', ')} `
      + `${groups.length > 1 ? 'judge' : 'judges'} content and reputation the model cannot see, and may still block the request`]
    : [];
  const cuts = new Set<bigint>([0n, IPV6_BASE]);
  for (const addresses of Object.values(ipSets)) {
    for (const text of addresses) {
      const cidr = parseCidrOrReason(text, { normalizeHostBits: true });
      if (typeof cidr !== 'string') {
        const range = toSpace(cidr);
        cuts.add(range.first);
        if (range.last < MAX_ADDRESS) {
          cuts.add(range.last + 1n);
        }
      }
    }
  }
  const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let evaluator: WafEvaluator | undefined;
  let failure: string | undefined;
  try {
    evaluator = new WafEvaluator(acl.resource.properties, { ipSets, ruleGroups, labelNamespace: labelNamespaceOf(acl.resource, 'webacl') });
  } catch (e) {
    failure = (e as Error).message;
  }
  const judgement: Judgement = starts.map((first, i) => {
    const last = i + 1 < starts.length ? starts[i + 1] - 1n : MAX_ADDRESS;
    return { first, last, decision: decide(acl.resource, evaluator, failure, httpPath, formatSpaceAddress(first)) };
  });
  return { judgement, notes };
}

function decide(resource: Decision['resource'], evaluator: WafEvaluator | undefined, failure: string | undefined, httpPath: string, sourceIp: string): Decision {
  const name = `web ACL ${resource!.path}`;
  if (!evaluator) {
    return { layer: 'waf', verdict: 'unknown', code: 'WAF_UNKNOWN', resource, message: `${name} cannot be evaluated: ${failure}` };
  }
  try {
    const result = evaluator.evaluate({ uriPath: httpPath, sourceIp, method: 'GET' });
    const by = result.terminatingGroupRule !== undefined
      ? `rule '${result.terminatingGroupRule}' of rule group ${result.terminatingGroup ?? 'outside the templates'} (referenced by rule '${result.terminatingRule}')`
      : result.terminatingRule !== undefined ? `rule '${result.terminatingRule}'` : 'its default action';
    if (result.action === 'BLOCK' && result.unknownGroups !== undefined) {
      const message = `${name} blocks a request to ${httpPath} by ${by}, unless a rule group before it allows it: ${result.unknownGroups.join('; ')}`;
      return { layer: 'waf', verdict: 'unknown', code: 'WAF_UNKNOWN', resource, message };
    }
    return result.action === 'BLOCK'
      ? { layer: 'waf', verdict: 'deny', code: 'WAF_BLOCK', resource, entry: by, message: `${name} blocks a request to ${httpPath} by ${by}` }
      : { layer: 'waf', verdict: 'allow', code: 'WAF_ALLOW', resource, entry: by, message: `${name} allows a request to ${httpPath} by ${by}` };
  } catch (e) {
    if (e instanceof CannotEvaluateError) {
      return { layer: 'waf', verdict: 'unknown', code: 'WAF_UNKNOWN', resource, message: `${name} cannot judge a request to ${httpPath}: ${e.message}` };
    }
    throw e;
  }
}
