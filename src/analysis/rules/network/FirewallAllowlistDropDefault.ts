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
      const groups = policy.statefulGroups.map((g) => ({ name: groupName(g), passes: groupPasses(g) }));
      const allowlists = groups.filter((g) => g.passes.allowlist).map((g) => g.name);
      // A group that cannot be read may be an allowlist: judged "cannot verify" below when the defaults would be wrong.
      const unknown = groups.find((g) => !g.passes.allowlist && g.passes.unknown !== undefined)?.passes.unknown;
      if (allowlists.length === 0 && unknown === undefined) {
        continue;
      }
      const defaults = statefulDefaults(policy);
      if (!defaults.actions) {
        context.cannotVerify(policy.resource, defaults.unknown!);
        continue;
      }
      const actions = defaults.actions;
      const drops = dropActions(actions);
      const strict = drops.includes('aws:drop_strict');
      const established = drops.some((d) => d.startsWith('aws:drop_established'));
      if (!strict && established) {
        continue;
      }
      if (allowlists.length === 0) {
        context.cannotVerify(policy.resource, `whether the policy holds a domain allowlist (its defaults [${actions.join(', ')}] would break one): ${unknown}`);
        continue;
      }
      const where = `firewall policy ${policy.resource.logicalId} (domain allowlist ${allowlists.join(', ')})`;
      if (strict) {
        findings.push({ resource: policy.resource, message: `${where} drops by default with aws:drop_strict, which drops the TCP handshake: the TLS SNI and HTTP Host are never seen, so the allowlisted domains are blocked too` });
      } else {
        findings.push({ resource: policy.resource, message: `${where} has no drop-established default (stateful default actions [${actions.join(', ')}]): under strict order the allowlist drops nothing, so every other domain is allowed` });
      }
    }
    return findings;
  },
};
