import { describeValue, isLiteralString } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * In a Network Firewall domain list, a target with a leading dot matches the domain and all its subdomains. A target
 * of one label after the dot (`.com`, `.io`) therefore admits every domain of a top-level domain, which anyone can
 * register for a few dollars: an egress allowlist with it lets a compromised workload reach an attacker's
 * `exfil-123.com` as easily as `api.example.com`.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
 */
export const FirewallAllowlistTopLevelDomain: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallAllowlistTopLevelDomain',
  level: 'warning',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A Network Firewall domain allowlist admits a whole top-level domain (a target such as .com), which anyone can register under.',
  why: 'A leading dot admits the domain and every subdomain, so .com lets egress reach any .com domain, including one an attacker registers to receive exfiltrated data.',
  fix: 'List the domains the workload needs (.amazonaws.com, api.example.com) instead of a top-level domain',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const group of model.firewallRuleGroups) {
      const list = group.rulesSource?.RulesSourceList;
      if (list === undefined || list === null || typeof list !== 'object') {
        continue;
      }
      const type = list.GeneratedRulesType;
      if (!isLiteralString(type)) {
        context.cannotVerify(group.resource, `whether the domain list is an allowlist (GeneratedRulesType ${describeValue(type)})`);
        continue;
      }
      if (type !== 'ALLOWLIST') {
        continue;
      }
      const targets = list.Targets;
      if (!Array.isArray(targets)) {
        context.cannotVerify(group.resource, `which domains the allowlist admits (Targets ${describeValue(targets)})`);
        continue;
      }
      const unknown = targets.filter((t) => !isLiteralString(t));
      if (unknown.length > 0) {
        context.cannotVerify(group.resource, `which domains the allowlist admits (${unknown.map(describeValue).join(', ')})`);
      }
      const whole = targets.filter((t): t is string => isLiteralString(t) && t.startsWith('.') && !t.slice(1).includes('.'));
      if (whole.length > 0) {
        findings.push({
          resource: group.resource,
          message: `the domain allowlist of rule group ${group.resource.logicalId} admits every domain under ${whole.map((t) => `'${t}'`).join(', ')}, `
            + 'which anyone can register',
        });
      }
    }
    return findings;
  },
};
