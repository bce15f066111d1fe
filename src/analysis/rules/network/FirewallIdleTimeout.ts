import { FIREWALL_QUOTAS } from '../../model/firewall-model';
import { literalInteger, quoteValue } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A NAT gateway forgets an idle TCP connection after 350 s. If the firewall keeps it longer, the next packet of the
 * connection is translated as a new one that the firewall sees mid-stream, and the endpoints hang instead of
 * getting a reset. Network Firewall's TCP idle timeout (60-6000 s, default 350) must stay at most 350 s.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stream-exception-policy.html
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html
 */
export const FirewallIdleTimeout: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallIdleTimeout',
  level: 'warning',
  layer: 'network',
  summary: 'A firewall policy keeps idle TCP flows longer than 350 s while a NAT gateway sits in the firewall\'s VPC.',
  why: 'A NAT gateway forgets idle TCP connections after 350 s; a firewall that keeps them longer sees the next packet mid-stream, and the connection hangs instead of being reset.',
  fix: 'Set StatefulEngineOptions.FlowTimeouts.TcpIdleTimeoutSeconds to 350 or less',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const natVpcs = new Map<string, string>();
    for (const nat of model.natGateways) {
      const vpcKey = model.vpcOfSubnet(nat.subnetKey);
      if (vpcKey !== undefined && !natVpcs.has(vpcKey)) {
        natVpcs.set(vpcKey, nat.resource.logicalId);
      }
    }
    for (const policy of model.firewallPolicies) {
      const value = policy.body?.StatefulEngineOptions?.FlowTimeouts?.TcpIdleTimeoutSeconds;
      const seconds = value === undefined ? FIREWALL_QUOTAS.defaultTcpIdleTimeout : literalInteger(value);
      if (seconds !== undefined && seconds <= FIREWALL_QUOTAS.natGatewayIdleTimeout) {
        continue;
      }
      const withNat = policy.firewalls.filter((f) => natVpcs.has(f.vpcKey));
      if (withNat.length === 0) {
        continue;
      }
      if (seconds === undefined) {
        context.cannotVerify(policy.resource, `the TCP idle timeout (FlowTimeouts.TcpIdleTimeoutSeconds ${quoteValue(value)}) of a firewall whose VPC has NAT gateway ${natVpcs.get(withNat[0].vpcKey)}`);
        continue;
      }
      findings.push({
        resource: policy.resource,
        message: `firewall policy ${policy.resource.logicalId} keeps idle TCP flows ${seconds} s, longer than the ${FIREWALL_QUOTAS.natGatewayIdleTimeout} s of NAT gateway ${natVpcs.get(withNat[0].vpcKey)} in the VPC of firewall ${withNat[0].resource.logicalId}`,
      });
    }
    return findings;
  },
};
