import { capacityUsed, FIREWALL_QUOTAS, ruleGroupContents } from '../../model/firewall-model';
import { literalInteger, quoteValue } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A rule group's capacity is fixed when it is created; a group too small for its rules fails to deploy, and one
 * without room must be replaced (a new group, a policy update) to add a single domain or signature.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/nwfw-rule-group-capacity.html
 */
export const FirewallRuleGroupCapacity: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallRuleGroupCapacity',
  level: 'warning',
  layer: 'network',
  summary: 'A Network Firewall rule group\'s capacity cannot hold its rules, or leaves less than 20% headroom over what they use.',
  why: 'Capacity is fixed at creation: a group that cannot hold its rules fails to deploy, and one without headroom must be replaced to add a domain or a signature.',
  fix: 'Raise the rule group\'s Capacity to at least 1.2 times what its rules use (one unit per stateful rule, per domain per target type)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const group of model.firewallRuleGroups) {
      const contents = ruleGroupContents(group);
      const used = capacityUsed(group, contents);
      const capacity = literalInteger(group.capacity);
      if (used === undefined || used === 0) {
        if (group.rulesSource !== undefined && used === undefined) {
          context.cannotVerify(group.resource, `the capacity its rules use (${contents.unknown ?? 'a rule string line or a domain list it cannot count'})`);
        }
        continue;
      }
      if (capacity === undefined) {
        context.cannotVerify(group.resource, `the capacity (Capacity ${quoteValue(group.capacity)})`);
        continue;
      }
      const name = `rule group ${group.resource.logicalId}`;
      if (capacity < used) {
        findings.push({ resource: group.resource, message: `${name} has Capacity ${capacity} but its rules use ${used} units: it cannot be created` });
      } else if (capacity < used * FIREWALL_QUOTAS.headroomFactor) {
        findings.push({ resource: group.resource, message: `${name} has Capacity ${capacity} for rules that use ${used} units, less than 20% headroom; capacity cannot be raised after creation` });
      }
    }
    return findings;
  },
};
