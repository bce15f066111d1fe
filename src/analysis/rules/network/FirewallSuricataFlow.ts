import { ruleGroupContents } from '../../model/firewall-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/** Protocols whose rules match the first packet of a flow unless `flow:` says otherwise. */
const LOW_LEVEL = new Set(['tcp', 'udp', 'ip']);

/**
 * A Suricata `tcp`, `udp` or `ip` rule without `flow:` matches the first packet (the SYN) and decides the whole
 * connection there, before an application-layer rule (`tls.sni`, `http.host`) can see the data: the usual cause of
 * "rules run out of order" under strict order. Alert rules decide nothing, so only deciding actions are judged.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html
 */
export const FirewallSuricataFlow: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallSuricataFlow',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A stateful rule on tcp, udp or ip passes, drops or rejects without a flow: keyword, so it decides the connection on its first packet.',
  why: 'Without flow:, a tcp/udp/ip rule matches the SYN and decides the whole connection before later application-layer rules (TLS SNI, HTTP Host) see any data, so rules run out of the written order.',
  fix: 'Add flow:to_server (or flow:established,to_server) to every tcp, udp and ip rule that passes, drops or rejects',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const group of model.firewallRuleGroups) {
      if (group.type === 'STATELESS') {
        continue;
      }
      const contents = ruleGroupContents(group);
      if (contents.unknown !== undefined) {
        context.cannotVerify(group.resource, contents.unknown);
      }
      for (const line of contents.unreadable) {
        context.cannotVerify(group.resource, `the rule string line '${line}' (not a Suricata rule this reader understands)`);
      }
      const offending = contents.suricata.filter((r) => r.action !== 'alert' && LOW_LEVEL.has(r.protocol) && !r.keywords.has('flow'));
      for (const rule of offending) {
        findings.push({ resource: group.resource, message: `rule group ${group.resource.logicalId} has a ${rule.action} rule on ${rule.protocol} without flow:, which decides the connection on its first packet: ${rule.text.length > 140 ? `${rule.text.slice(0, 137)}...` : rule.text}` });
      }
    }
    return findings;
  },
};
