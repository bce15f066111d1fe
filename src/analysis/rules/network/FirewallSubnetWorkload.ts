import { FirewallMapping, firewallRouting } from '../../model/firewall-routing';
import { describeKey, targetKey } from '../../model/model-values';
import type { ModelResource } from '../../model/network-model';
import { buildWorkloads } from '../../model/workloads';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A firewall subnet holds the firewall's endpoint and nothing else: its route table sends traffic to the internet
 * gateway, so anything else placed there (an instance, a network interface, a load balancer, a NAT gateway, a
 * function, an interface endpoint...) reaches the internet without passing the firewall, and the subnets that route
 * to it with it. The workloads are the reachability model's (src/analysis/model/workloads.ts), plus NAT gateways and
 * network interfaces created on their own.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config-subnets.html
 */
export const FirewallSubnetWorkload: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallSubnetWorkload',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A workload (instance, network interface, load balancer, NAT gateway, function, database, endpoint...) is placed in a firewall subnet.',
  why: 'A firewall subnet routes to the internet gateway and the firewall never inspects traffic of its own subnet, so a workload there (and anything that routes through it, like the subnets behind a NAT gateway) talks to the internet uninspected.',
  fix: 'Move it to a protected subnet of its Availability Zone, and keep the firewall subnets for the firewall endpoints only',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    if (model.firewalls.length === 0) {
      return findings;
    }
    const routing = firewallRouting(model);
    const firewallSubnets = new Map<string, FirewallMapping>();
    for (const vpc of routing.vpcs) {
      vpc.mappings.forEach((m) => firewallSubnets.set(m.subnetKey, m));
      vpc.unknownMappings.forEach((u) => context.cannotVerify(u.firewall.resource, `${u.what}, so whether workloads sit in them`));
    }
    const place = (resource: ModelResource, what: string, subnetKeys: readonly string[]) => {
      for (const key of subnetKeys) {
        const mapping = firewallSubnets.get(key);
        if (mapping) {
          const subnet = mapping.subnet?.resource.path ?? describeKey(key);
          findings.push({
            resource,
            message: `${what} ${resource.path} sits in firewall subnet ${subnet} of firewall ${mapping.firewall.resource.path}: its traffic leaves through the internet gateway without passing the firewall`,
          });
          return;
        }
      }
      const unknown = subnetKeys.find((k) => !routing.routing.subnets.has(k) && !k.startsWith('literal:'));
      if (unknown !== undefined) {
        context.cannotVerify(resource, `whether ${what} ${resource.path} sits in a firewall subnet: its subnet ${describeKey(unknown)} is not a subnet of the templates judged together`);
      }
    };
    for (const workload of buildWorkloads(model, routing.routing)) {
      // Placement is judged whenever the subnets are known, even when something else of the workload is not (an
      // auto scaling group whose launch template is outside the templates still launches into its VPCZoneIdentifier).
      if (workload.subnetKeys.length > 0) {
        place(workload.resource, workload.kind.replace(/-/g, ' '), workload.subnetKeys);
      }
    }
    for (const nat of model.natGateways) {
      place(nat.resource, 'NAT gateway', [nat.subnetKey]);
    }
    for (const eni of model.ofType('AWS::EC2::NetworkInterface')) {
      place(eni, 'network interface', [targetKey(eni.properties.SubnetId, eni.stack.id)]);
    }
    return findings;
  },
};
