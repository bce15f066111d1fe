import { EndpointChoice, FirewallRoute, firewallRouting } from '../../model/firewall-routing';
import type { ModelResource } from '../../model/network-model';
import type { RoutedSubnetModel } from '../../model/routing';
import { LayeredDefenseRule, RuleFinding } from '../rule';
import { cidrLabel, edgeRouteFor, subnetLabel } from './firewall-routes';
import { IpFamily } from '../../../ip/family';

/**
 * Network Firewall does not support asymmetric routing: both directions of a flow must pass the same endpoint. When a
 * subnet's default route goes to a firewall endpoint and out through the internet gateway, the responses come back to
 * the gateway, which delivers them straight to the subnet (the VPC's local route) unless an edge route table
 * (`AWS::EC2::GatewayRouteTableAssociation`) sends the subnet's CIDR to the same endpoint. Return traffic then skips
 * inspection, and the stateful engine, having seen one direction only, may drop the flow.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/asymmetric-routing.html
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html
 */
export const FirewallAsymmetricReturn: LayeredDefenseRule = {
  id: 'LayeredDefense-FirewallAsymmetricReturn',
  level: 'error',
  layer: 'network',
  hipaa: '164.312(e)(1)',
  summary: 'A subnet routes its internet traffic through a firewall endpoint, but the internet gateway has no edge route table sending the subnet\'s CIDR back through that endpoint.',
  why: 'Without the edge route the responses go from the internet gateway straight to the subnet: inbound traffic is never inspected, and a firewall that sees only one direction of a flow cannot judge it (asymmetric routing is unsupported).',
  fix: 'Associate a route table with the internet gateway (AWS::EC2::GatewayRouteTableAssociation) that routes each such subnet\'s CIDR to the firewall endpoint of its AZ, the one its default route uses',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const routing = firewallRouting(model);
    for (const vpc of routing.vpcs) {
      // The families in which the firewall subnets send traffic straight to an internet gateway: the subnets' own
      // addresses then reach the gateway, and their responses come back to it (behind a NAT gateway they do not).
      // Firewall subnets outside the templates: their routes are not known, so both families are judged.
      const known = vpc.mappings.filter((m) => m.subnet !== undefined);
      const outToGateway = known.length === 0 ? new Set([IpFamily.IPV4, IpFamily.IPV6])
        : new Set(known.flatMap((m) => routing.routesOf(m.subnet!)).filter((r) => r.targetKind === 'internet-gateway' && r.isDefault !== false).map((r) => r.family));
      const needs: Array<{ subnet: RoutedSubnetModel; family: IpFamily; egress: FirewallRoute }> = [];
      for (const subnet of vpc.protectedSubnets) {
        for (const egress of routing.routesOf(subnet)) {
          if (egress.endpoint !== undefined && egress.isDefault === true && egress.family !== undefined && outToGateway.has(egress.family)) {
            needs.push({ subnet, family: egress.family, egress });
          }
        }
      }
      if (needs.length === 0) {
        continue;
      }
      // The gateways the firewall subnets send traffic out through: the VPC's own, or an imported one (a literal id).
      const gateways = new Map<string, ModelResource | undefined>(vpc.internetGateways.map((g) => [g.key, g.resource]));
      for (const mapping of vpc.mappings) {
        for (const route of mapping.subnet ? routing.routesOf(mapping.subnet) : []) {
          if (route.targetKind === 'internet-gateway' && route.targetKey !== undefined && !gateways.has(route.targetKey)) {
            gateways.set(route.targetKey, route.resource);
          }
        }
      }
      for (const [gatewayKey, site] of gateways) {
        const tables = routing.edgeTablesOf(gatewayKey);
        const gateway = routing.label(gatewayKey, model.describeKey(gatewayKey));
        const listed = needs.map((n) => `${subnetLabel(n.subnet)} ${cidrLabel(n.subnet, n.family)}`);
        if (tables.length === 0) {
          findings.push({
            resource: site ?? vpc.firewalls[0].resource,
            message: `internet gateway ${gateway} has no edge route table (AWS::EC2::GatewayRouteTableAssociation), so return traffic to ${[...new Set(listed)].join(', ')} `
              + 'goes from the gateway straight to the subnet, around the firewall endpoint its egress takes',
          });
          continue;
        }
        const routes = tables.flatMap((t) => routing.routesByTable.get(t) ?? []);
        const table = routing.model.resolveKey(tables[0]);
        for (const need of needs) {
          const back = edgeRouteFor(routes, need.subnet, need.family);
          const where = `edge route table ${routing.label(tables[0], tables[0])} of internet gateway ${gateway}`;
          if (back === 'unknown') {
            context.cannotVerify(table ?? need.egress.resource, `which route of ${where} carries return traffic to ${subnetLabel(need.subnet)} (${cidrLabel(need.subnet, need.family)}): a destination is not known`);
          } else if (back === undefined || back.endpoint === undefined) {
            findings.push({
              resource: back?.resource ?? table ?? need.egress.resource,
              message: `${where} sends return traffic for ${subnetLabel(need.subnet)} (${cidrLabel(need.subnet, need.family)}) `
                + `${back ? `to ${back.targetLabel}` : 'over the local route, straight to the subnet'}, while the subnet's ${need.egress.destinationLabel} goes to ${need.egress.targetLabel}: `
                + 'the firewall sees one direction only',
              fix: `Add a route for ${cidrLabel(need.subnet, need.family)} to the same endpoint as the subnet's default route in the edge route table`,
            });
          } else if (differentEndpoints(back.endpoint, need.egress.endpoint!)) {
            findings.push({
              resource: back.resource,
              message: `${where} sends return traffic for ${subnetLabel(need.subnet)} to ${back.targetLabel}, but the subnet's ${need.egress.destinationLabel} goes to ${need.egress.targetLabel}: `
                + 'the two directions of a flow take different endpoints',
              fix: 'Use the same endpoint id for the subnet\'s default route and its edge route',
            });
          }
        }
      }
    }
    return findings;
  },
};

/**
 * True when two routes name endpoints known to differ and FirewallEndpointCrossAz cannot tell it by AZ: two literal
 * ids, or two Gateway Load Balancer endpoints of the app.
 */
function differentEndpoints(a: EndpointChoice, b: EndpointChoice): boolean {
  if (a.kind === 'literal' && b.kind === 'literal') {
    return a.id !== b.id;
  }
  if (a.kind === 'endpoint-resource' && b.kind === 'endpoint-resource') {
    return a.endpoint.key !== b.endpoint.key;
  }
  if (a.kind === 'by-az' && b.kind === 'by-az') {
    // The same AZ of two firewalls; different AZs are FirewallEndpointCrossAz's.
    return a.az === b.az && a.firewallKey !== b.firewallKey;
  }
  return false;
}
