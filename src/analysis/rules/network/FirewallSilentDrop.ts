import { DROP_TO_ALERT } from '../../model/firewall-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';
import { strictOrderDefaults } from './firewall-groups';

/**
 * A stateful drop default writes no ALERT log entry of its own: only its alert counterpart (`aws:alert_established`
 * for `aws:drop_established`, ...) logs what the default drops. A policy takes at most one drop default.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-policy-stateful-default-actions.html
 */
export const FirewallSilentDrop: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallSilentDrop',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(b)',
  summary: 'A firewall policy drops by default without the matching alert default (silent drops), or names more than one drop default.',
  why: 'A drop default writes nothing to the ALERT log unless its alert counterpart is set too, so blocked exfiltration attempts leave no audit record; Network Firewall takes only one drop default.',
  fix: 'Pair the one drop default with its alert action: aws:drop_established with aws:alert_established (aws:drop_strict with aws:alert_strict, and so on)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const { policy, actions, drops } of strictOrderDefaults(model, context)) {
      const name = `firewall policy ${policy.resource.logicalId}`;
      if (drops.length > 1) {
        findings.push({ resource: policy.resource, message: `${name} names ${drops.length} drop defaults (${drops.join(', ')}); a policy takes at most one` });
      }
      for (const drop of drops) {
        const alert = DROP_TO_ALERT[drop];
        if (alert !== undefined && !actions.includes(alert)) {
          findings.push({ resource: policy.resource, message: `${name} drops by default with ${drop} but does not set ${alert}, so the packets it drops leave no ALERT log entry`, fix: `Add ${alert} to StatefulDefaultActions` });
        }
      }
    }
    return findings;
  },
};
