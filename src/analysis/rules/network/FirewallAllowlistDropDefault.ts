import { dropActions, ruleOrderOf, statefulDefaults, STRICT_ORDER } from '../../model/firewall-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';
import { groupName, groupPasses } from './firewall-groups';

/**
 * Under strict order a domain allowlist only generates pass rules for its domains: the policy's drop default is what
 * drops the rest. It must be an "established" drop: `aws:drop_strict` drops every packet no rule matched, the TCP
 * handshake included, so the TLS SNI or HTTP Host is never seen and the allowlist's pass rules never match.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
 */
export const FirewallAllowlistDropDefault: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallAllowlistDropDefault',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A STRICT_ORDER policy with a domain allowlist has no drop-established default, or drops with aws:drop_strict.',
  why: 'Under strict order a domain allowlist drops nothing itself: without a drop-established default every other domain is allowed, and aws:drop_strict drops the TCP handshake so the allowlisted domains are blocked too.',
  fix: 'Use StatefulDefaultActions [aws:drop_established, aws:alert_established] (or the _app_layer variants) on the policy',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const policy of model.firewallPolicies) {
      if (ruleOrderOf(policy) !== STRICT_ORDER) {
        continue;
      }
      const allowlists = policy.statefulGroups.filter((g) => groupPasses(g).allowlist).map(groupName);
      if (allowlists.length === 0) {
        continue;
      }
      const { actions, unknown } = statefulDefaults(policy);
      if (!actions) {
        context.cannotVerify(policy.resource, unknown!);
        continue;
      }
      const drops = dropActions(actions);
      const where = `firewall policy ${policy.resource.logicalId} (domain allowlist ${allowlists.join(', ')})`;
      if (drops.includes('aws:drop_strict')) {
        findings.push({ resource: policy.resource, message: `${where} drops by default with aws:drop_strict, which drops the TCP handshake: the TLS SNI and HTTP Host are never seen, so the allowlisted domains are blocked too` });
      } else if (!drops.some((d) => d.startsWith('aws:drop_established'))) {
        findings.push({ resource: policy.resource, message: `${where} has no drop-established default (stateful default actions [${actions.join(', ')}]): under strict order the allowlist drops nothing, so every other domain is allowed` });
      }
    }
    return findings;
  },
};
