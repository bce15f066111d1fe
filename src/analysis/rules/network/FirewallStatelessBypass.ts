import { literalStringList, ruleGroupContents } from '../../model/firewall-model';
import { quoteValue } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

const FORWARD = 'aws:forward_to_sfe';

/**
 * The stateless engine runs first; what it passes or drops never reaches the stateful engine, and stateless decisions
 * are never logged. AWS's guide: no stateless rules, and `aws:forward_to_sfe` as the default for full and fragmented
 * packets.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateless-default-actions.html
 */
export const FirewallStatelessBypass: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallStatelessBypass',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A firewall policy\'s stateless default does not forward to the stateful engine, its fragment default is aws:pass, or a stateless rule group has pass rules.',
  why: 'Traffic the stateless engine passes skips the stateful engine (domain allowlist, threat signatures) and is never logged; a stateless default other than forwarding decides without inspection.',
  fix: 'Set StatelessDefaultActions and StatelessFragmentDefaultActions to [aws:forward_to_sfe] and move pass decisions into strict-order stateful rules',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const policy of model.firewallPolicies) {
      const name = `firewall policy ${policy.resource.logicalId}`;
      const full = literalStringList(policy.body?.StatelessDefaultActions);
      if (!full) {
        context.cannotVerify(policy.resource, `the stateless default actions (StatelessDefaultActions ${quoteValue(policy.body?.StatelessDefaultActions)})`);
      } else if (!full.includes(FORWARD)) {
        findings.push({ resource: policy.resource, message: `${name} has stateless default actions [${full.join(', ')}], which do not forward to the stateful engine: packets no stateless rule matches are decided without inspection or logging` });
      }
      const fragments = literalStringList(policy.body?.StatelessFragmentDefaultActions);
      if (!fragments) {
        context.cannotVerify(policy.resource, `the stateless fragment default actions (StatelessFragmentDefaultActions ${quoteValue(policy.body?.StatelessFragmentDefaultActions)})`);
      } else if (fragments.includes('aws:pass')) {
        findings.push({ resource: policy.resource, message: `${name} passes fragmented packets without inspection (StatelessFragmentDefaultActions [${fragments.join(', ')}])` });
      }
    }
    for (const group of model.firewallRuleGroups) {
      if (group.type !== 'STATELESS') {
        continue;
      }
      const contents = ruleGroupContents(group);
      if (contents.unknown !== undefined) {
        context.cannotVerify(group.resource, contents.unknown);
      }
      const passing = contents.stateless.filter((r) => r.actions?.includes('aws:pass')).length;
      if (passing > 0) {
        findings.push({ resource: group.resource, message: `stateless rule group ${group.resource.logicalId} has ${passing} rule${passing > 1 ? 's' : ''} with aws:pass: what ${passing > 1 ? 'they match skips' : 'it matches skips'} the stateful engine and is never logged` });
      }
      if (contents.stateless.some((r) => r.actions === undefined)) {
        context.cannotVerify(group.resource, 'the actions of a stateless rule (RuleDefinition.Actions is not a literal list)');
      }
    }
    return findings;
  },
};
