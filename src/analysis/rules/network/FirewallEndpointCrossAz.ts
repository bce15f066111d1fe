import { FirewallRoute, firewallRouting, sameAz, subnetAz } from '../../model/firewall-routing';
import type { RoutedSubnetModel } from '../../model/routing';
import { LayeredDefenseRule, RuleContext, RuleFinding } from '../rule';
import { cidrLabel, edgeRouteFor, endpointAz, subnetLabel } from './firewall-routes';
import { IpFamily } from '../../../ip/family';

/**
 * `Fn::GetAtt Firewall.EndpointIds` lists `"<az>:vpce-..."` "not listed in any particular order", so a route that
 * takes an endpoint by position points at another AZ's endpoint on some deployments. A subnet routed to another AZ's
 * endpoint pays cross-AZ traffic, loses its egress when that AZ fails, and unless its return route (the internet
 * gateway's edge route) takes the same endpoint, the firewall sees one direction only, which Network Firewall does not
 * support. The endpoint's AZ is read from the route: the AZ a pick-by-AZ expression names, the one AZ of a single-AZ
 * firewall, a Gateway Load Balancer endpoint's subnet; a literal endpoint id is "cannot verify".
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/asymmetric-routing.html
 */
export const FirewallEndpointCrossAz: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallEndpointCrossAz',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A route sends a subnet\'s traffic (or the internet gateway\'s return traffic to it) to a firewall endpoint in another Availability Zone, or picks the endpoint by its position in EndpointIds.',
  why: 'EndpointIds come in no particular order, so a pick by position lands on another AZ\'s endpoint; cross-AZ routing is billed, fails with the other AZ, and breaks the symmetry the firewall needs to inspect both directions.',
  fix: 'Route each subnet, and its edge route, to the endpoint of its own AZ, picked by AZ from EndpointIds (DomainAllowlistFirewall.endpointIdFor)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const routing = firewallRouting(model);
    const judged = new Set<string>();
    const judge = (route: FirewallRoute, subnet: RoutedSubnetModel, what: string) => {
      const once = `${route.resource.key}\u0000${subnet.key}`;
      if (judged.has(once) || route.endpoint === undefined) {
        return;
      }
      judged.add(once);
      const endpoint = endpointAz(routing, route.endpoint);
      if ('problem' in endpoint) {
        if (!judged.has(route.resource.key)) {
          judged.add(route.resource.key);
          findings.push({ resource: route.resource, message: `route ${route.resource.path} ${endpoint.problem}`, fix: endpoint.fix });
        }
        return;
      }
      if ('unknown' in endpoint) {
        context.cannotVerify(route.resource, `${endpoint.unknown}, which must be the AZ of ${subnetLabel(subnet)}`);
        return;
      }
      const az = subnetAz(subnet);
      if ('unknown' in az) {
        context.cannotVerify(route.resource, `${az.unknown}, which must be the AZ of the endpoint it is routed to (${endpoint.az.label})`);
        return;
      }
      const same = sameAz(az, endpoint.az);
      if (same === undefined) {
        context.cannotVerify(route.resource, `whether the AZ of ${subnetLabel(subnet)} (${az.label}) is the AZ of the endpoint ${route.targetLabel} (${endpoint.az.label})`);
      } else if (!same) {
        findings.push({
          resource: route.resource,
          message: `${what} to the firewall endpoint in ${endpoint.az.label}, but the subnet is in ${az.label}: the traffic crosses AZs, stops when ${endpoint.az.label} fails, `
            + 'and the firewall needs both directions of a flow on one endpoint',
          fix: `Route it to the endpoint of ${az.label}, picked by AZ: Fn::Select [0, Fn::Split [",", Fn::Select [1, Fn::Split [",${az.label}:", Fn::Join ["", [",", Fn::Join [",", Fn::GetAtt [Firewall, EndpointIds]]]]]]]]`,
        });
      }
    };
    for (const vpc of routing.vpcs) {
      for (const subnet of vpc.otherSubnets) {
        const table = routing.label(subnet.routeTableKey, String(subnet.routeTableKey));
        for (const route of routing.routesOf(subnet)) {
          judge(route, subnet, `route table ${table} of ${subnetLabel(subnet)} sends ${route.destinationLabel}`);
        }
      }
      // Return traffic from the internet gateway comes back only to subnets that send their traffic out through an
      // endpoint; a subnet behind a NAT gateway gets its responses through the NAT gateway's subnet.
      const throughEndpoint = vpc.otherSubnets.filter((s) => routing.routesOf(s).some((r) => r.endpoint !== undefined));
      judgeEdgeRoutes(vpc.internetGateways.map((g) => g.key), throughEndpoint, routing, judge, context);
    }
    return findings;
  },
};

/** Every edge route to an endpoint, against the subnets whose return traffic it carries. */
function judgeEdgeRoutes(
  gateways: readonly string[], subnets: readonly RoutedSubnetModel[], routing: ReturnType<typeof firewallRouting>,
  judge: (route: FirewallRoute, subnet: RoutedSubnetModel, what: string) => void, context: RuleContext,
): void {
  for (const gateway of gateways) {
    for (const tableKey of routing.edgeTablesOf(gateway)) {
      const routes = routing.routesByTable.get(tableKey) ?? [];
      const table = routing.label(tableKey, tableKey);
      const matched = new Set<FirewallRoute>();
      for (const subnet of subnets) {
        for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
          const route = edgeRouteFor(routes, subnet, family);
          if (route !== undefined && route !== 'unknown') {
            matched.add(route);
            judge(route, subnet, `edge route table ${table} of ${routing.label(gateway, gateway)} sends return traffic for ${subnetLabel(subnet)} (${cidrLabel(subnet, family)})`);
          }
        }
      }
      for (const route of routes) {
        if (route.endpoint !== undefined && route.destination === undefined && !matched.has(route)) {
          context.cannotVerify(route.resource, `which subnet the edge route's destination ${route.destinationLabel} is (the endpoint ${route.targetLabel} must be in that subnet's AZ)`);
        }
      }
    }
  }
}
