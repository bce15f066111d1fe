import { describeValue, isLiteralString } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * Network Firewall logs nothing unless a `LoggingConfiguration` sends its logs somewhere: ALERT logs record the
 * packets drop, reject and alert rules matched (the blocked exfiltration attempts), FLOW logs every flow the
 * stateful engine saw (the audit trail of what left). One configuration per firewall.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-logging.html
 */
export const FirewallLogging: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallLogging',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(b)',
  summary: 'A Network Firewall has no logging configuration that sends both ALERT and FLOW logs.',
  why: 'Without ALERT logs the drops leave no record; without FLOW logs there is no record of which connections left the VPC, the audit trail HIPAA asks for.',
  fix: 'Add an AWS::NetworkFirewall::LoggingConfiguration for the firewall with LogDestinationConfigs of LogType ALERT and FLOW (as DomainAllowlistFirewall does)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const firewall of model.firewalls) {
      const name = `firewall ${firewall.resource.logicalId}`;
      if (firewall.loggingConfigurations.length === 0) {
        findings.push({ resource: firewall.resource, message: `${name} has no AWS::NetworkFirewall::LoggingConfiguration in the app, so it logs neither ALERT nor FLOW` });
        continue;
      }
      const logged = new Set<string>();
      let unknown: string | undefined;
      for (const logging of firewall.loggingConfigurations) {
        const configs = logging.properties.LoggingConfiguration?.LogDestinationConfigs;
        if (!Array.isArray(configs)) {
          unknown = `the log destinations (LogDestinationConfigs ${describeValue(configs)})`;
          continue;
        }
        for (const config of configs) {
          if (isLiteralString(config?.LogType)) {
            logged.add(config.LogType.toUpperCase());
          } else {
            unknown = `a log type (LogType ${describeValue(config?.LogType)})`;
          }
        }
      }
      const missing = ['ALERT', 'FLOW'].filter((t) => !logged.has(t));
      if (missing.length === 0) {
        continue;
      }
      if (unknown !== undefined) {
        context.cannotVerify(firewall.loggingConfigurations[0], unknown);
        continue;
      }
      findings.push({ resource: firewall.loggingConfigurations[0], message: `the logging configuration of ${name} does not log ${missing.join(' or ')} (it logs ${[...logged].join(', ') || 'nothing'})` });
    }
    return findings;
  },
};

