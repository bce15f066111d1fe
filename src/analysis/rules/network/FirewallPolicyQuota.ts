import { FIREWALL_QUOTAS } from '../../model/firewall-model';
import { describeValue, literalInteger } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A firewall policy references at most 20 stateful rule groups, and their capacities add up to at most 30,000; a
 * policy above either fails to deploy (or to update, leaving the old rules in place).
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/quotas.html
 */
export const FirewallPolicyQuota: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallPolicyQuota',
  level: 'error',
  layer: 'network',
  summary: 'A firewall policy references more than 20 stateful rule groups, or stateful groups whose capacities add up to more than 30,000.',
  why: 'Network Firewall rejects a policy above its quotas, so the firewall keeps its old rules or is never created.',
  fix: 'Merge stateful rule groups, or lower their capacities, to stay within 20 groups and 30,000 capacity per policy',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const policy of model.firewallPolicies) {
      const name = `firewall policy ${policy.resource.logicalId}`;
      const count = policy.statefulGroups.length;
      if (count > FIREWALL_QUOTAS.maxStatefulRuleGroups) {
        findings.push({ resource: policy.resource, message: `${name} references ${count} stateful rule groups; a policy takes at most ${FIREWALL_QUOTAS.maxStatefulRuleGroups}` });
      }
      // AWS managed groups' capacities are AWS's and not in the templates: the sum is of the app's groups.
      let total = 0;
      let unknown: string | undefined;
      for (const reference of policy.statefulGroups) {
        if (reference.awsManaged) {
          continue;
        }
        const capacity = reference.group ? literalInteger(reference.group.capacity) : undefined;
        if (capacity === undefined) {
          unknown = unknown ?? (reference.group
            ? `the capacity of rule group ${reference.group.resource.logicalId} (Capacity ${describeValue(reference.group.capacity)})`
            : `the capacity of rule group ${describeValue(reference.resourceArn)} (not a rule group of the templates judged together)`);
          continue;
        }
        total += capacity;
      }
      if (total > FIREWALL_QUOTAS.maxStatefulCapacity) {
        findings.push({ resource: policy.resource, message: `${name}'s stateful rule groups add up to ${total} capacity units; a policy takes at most ${FIREWALL_QUOTAS.maxStatefulCapacity.toLocaleString('en-US')}` });
      } else if (unknown !== undefined) {
        context.cannotVerify(policy.resource, `the policy's total stateful capacity: ${unknown}`);
      }
    }
    return findings;
  },
};
