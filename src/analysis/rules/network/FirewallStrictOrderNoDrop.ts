import { LayeredDefenseRule, RuleFinding } from '../rule';
import { strictOrderDefaults } from './firewall-groups';

/**
 * Under `STRICT_ORDER` a packet no rule matched gets the stateful default actions; without a drop action among them
 * it passes. So a strict-order policy without a drop default allows everything its rules do not drop.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html
 */
export const FirewallStrictOrderNoDrop: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallStrictOrderNoDrop',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A STRICT_ORDER firewall policy has no drop action among its stateful default actions, so everything no rule drops is allowed.',
  why: 'Under strict order, traffic that matches no rule gets the default actions; without aws:drop_established (or another drop default) it passes, and a domain allowlist creates no drop rules of its own.',
  fix: 'Add StatefulDefaultActions [aws:drop_established, aws:alert_established] to the firewall policy',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const { policy, actions, drops } of strictOrderDefaults(model, context)) {
      if (drops.length === 0) {
        findings.push({
          resource: policy.resource,
          message: `firewall policy ${policy.resource.logicalId} uses STRICT_ORDER with stateful default actions [${actions.join(', ')}], none of which drops: `
            + 'every flow its rules do not drop is allowed',
        });
      }
    }
    return findings;
  },
};
