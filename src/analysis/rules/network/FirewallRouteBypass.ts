import { firewallRouting } from '../../model/firewall-routing';
import { LayeredDefenseRule, RuleFinding } from '../rule';
import { subnetLabel } from './firewall-routes';

/**
 * Network Firewall inspects only what is routed through its endpoints. In the distributed model the protected subnets
 * send their internet traffic to the endpoint of their AZ, and only the firewall subnets route to the internet gateway;
 * private subnets reach the internet through a NAT gateway in a protected subnet, so their traffic is inspected after
 * NAT. A protected subnet (see src/analysis/model/firewall-routing.ts) with a route straight to an internet gateway or
 * an egress-only internet gateway takes that traffic, and its return, out of inspection.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html
 */
export const FirewallRouteBypass: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallRouteBypass',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A protected subnet (in a VPC with a Network Firewall, not a firewall subnet, with a route toward the internet) routes traffic straight to an internet gateway or egress-only internet gateway, around the firewall.',
  why: 'Network Firewall sees only traffic routed through its endpoints: a route from a protected subnet straight to the internet gateway takes that traffic and its return out of inspection, so the domain allowlist and the threat signatures never see it.',
  fix: 'Route the subnet\'s 0.0.0.0/0 (and ::/0) to the firewall endpoint of its Availability Zone, and keep routes to the internet gateway in the firewall subnets only',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const routing = firewallRouting(model);
    const natSubnets = new Map(model.natGateways.map((n) => [n.resource.key, n.subnetKey]));
    for (const vpc of routing.vpcs) {
      const firewalls = vpc.firewalls.map((f) => f.resource.path).join(', ');
      for (const subnet of vpc.protectedSubnets) {
        const table = routing.label(subnet.routeTableKey, String(subnet.routeTableKey));
        for (const route of routing.routesOf(subnet)) {
          const where = `${subnetLabel(subnet)}: route table ${table} sends ${route.destinationLabel}`;
          if (route.targetKind === 'internet-gateway' || route.targetKind === 'egress-only-internet-gateway') {
            findings.push({
              resource: route.resource,
              message: `${where} straight to ${route.targetLabel}, around firewall ${firewalls}: that traffic and its return are never inspected`,
            });
            continue;
          }
          if (route.isDefault === false) {
            continue;
          }
          if (route.targetKind === 'nat-gateway') {
            const natSubnet = route.targetKey !== undefined ? natSubnets.get(route.targetKey) : undefined;
            if (natSubnet === undefined) {
              context.cannotVerify(route.resource, `whether ${route.targetLabel} (not a NAT gateway of the templates judged together) sends the traffic of ${subnetLabel(subnet)} through the firewall`);
            } else if (!vpc.firewallSubnetKeys.has(natSubnet) && !routing.routing.subnets.has(natSubnet)) {
              context.cannotVerify(route.resource, `whether the subnet of ${route.targetLabel} (${model.describeKey(natSubnet)}, not a subnet of the templates judged together) routes through the firewall`);
            }
            // A NAT gateway in a subnet of the app: that subnet's own routes are judged (a NAT gateway in a firewall
            // subnet is FirewallSubnetWorkload's).
          } else if (route.targetKind === 'instance' || route.targetKind === 'network-interface') {
            context.cannotVerify(route.resource, `whether ${route.targetLabel}, the target of ${route.destinationLabel} in route table ${table} of ${subnetLabel(subnet)}, forwards that traffic through the firewall (an appliance the model does not follow)`);
          } else if (route.targetKind === 'unknown') {
            context.cannotVerify(route.resource, `the target of route ${route.resource.path} (${route.targetLabel}), which could be an internet gateway`);
          }
        }
      }
    }
    return findings;
  },
};
