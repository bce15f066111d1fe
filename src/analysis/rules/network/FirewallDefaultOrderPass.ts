import { DEFAULT_ACTION_ORDER, ruleOrderOf } from '../../model/firewall-model';
import { quoteValue } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';
import { groupName, groupPasses } from './firewall-groups';

/**
 * Under `DEFAULT_ACTION_ORDER` the stateful engine runs every pass rule first, then drop, reject and alert rules,
 * whatever their position or group priority: a pass (and the pass rules a domain allowlist generates) ends inspection
 * of the flow, so threat signatures and later drops never see it. AWS recommends `STRICT_ORDER`.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html
 */
export const FirewallDefaultOrderPass: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallDefaultOrderPass',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A firewall policy uses the default action order (DEFAULT_ACTION_ORDER) with pass rules or a domain allowlist in its stateful rule groups.',
  why: 'Under the default action order every pass rule runs before any drop or alert, whatever the group priorities, so an allowlisted or passed flow skips the threat signatures and drop rules.',
  fix: 'Set FirewallPolicy.StatefulEngineOptions.RuleOrder to STRICT_ORDER (and the groups\' StatefulRuleOptions.RuleOrder), with aws:drop_established and aws:alert_established as stateful defaults',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const policy of model.firewallPolicies) {
      const order = ruleOrderOf(policy);
      if (order === undefined) {
        context.cannotVerify(policy.resource, `the stateful rule order (StatefulEngineOptions.RuleOrder ${quoteValue(policy.body?.StatefulEngineOptions?.RuleOrder)})`);
        continue;
      }
      if (order !== DEFAULT_ACTION_ORDER) {
        continue;
      }
      const passing: string[] = [];
      let unknown: string | undefined;
      for (const reference of policy.statefulGroups) {
        const passes = groupPasses(reference);
        if (passes.allowlist || passes.passRules) {
          passing.push(`${groupName(reference)} (${passes.allowlist ? 'domain allowlist' : 'pass rules'})`);
        } else if (passes.unknown !== undefined) {
          unknown = unknown ?? passes.unknown;
        }
      }
      if (passing.length > 0) {
        findings.push({
          resource: policy.resource,
          message: `firewall policy ${policy.resource.logicalId} uses DEFAULT_ACTION_ORDER${policy.body?.StatefulEngineOptions?.RuleOrder === undefined ? ' (RuleOrder not set)' : ''}, `
            + `so the pass rules of ${passing.join(', ')} run before every drop and alert rule and the flows they pass are never inspected further`,
        });
      } else if (unknown !== undefined) {
        context.cannotVerify(policy.resource, `whether the DEFAULT_ACTION_ORDER policy holds pass rules: ${unknown}`);
      }
    }
    return findings;
  },
};
