// What the firewall's routing rules say about subnets, routes and endpoints: names for messages, the AZ a route's
// endpoint is in, and the edge route that carries return traffic to a subnet.
import { IpFamily } from '../../../ip/family';
import { parseCidrOrReason } from '../../../private/ip';
import {
  AzRef, coverage, EndpointChoice, FirewallRoute, FirewallRouting, sameAz, subnetAz, subnetCidrValue,
} from '../../model/firewall-routing';
import { describeValue, targetKey } from '../../model/model-values';
import type { RoutedSubnetModel } from '../../model/routing';

/** `subnet <path> (<az>)`, for messages. */
export function subnetLabel(subnet: RoutedSubnetModel): string {
  const az = subnetAz(subnet);
  return `subnet ${subnet.resource.path} (${'unknown' in az ? 'AZ not known' : az.label})`;
}

/** The CIDR block of a subnet in a family, for messages. */
export function cidrLabel(subnet: RoutedSubnetModel, family: IpFamily): string {
  const value = subnetCidrValue(subnet, family);
  return value === undefined ? `(no ${family === IpFamily.IPV4 ? 'IPv4' : 'IPv6'} block)` : describeValue(value.value);
}

/** The AZ of the endpoint a route names: known, a finding to report, or a value that cannot be known. */
export type EndpointAz =
  | { readonly az: AzRef }
  | { readonly problem: string; readonly fix: string }
  | { readonly unknown: string };

/**
 * Which AZ an endpoint is in. By AZ: the AZ named, if the firewall has a subnet there (else `Fn::Select` fails the
 * deployment). By position: the one subnet's AZ of a single-AZ firewall; with more AZs the position is a finding,
 * since `EndpointIds` comes in no particular order. A Gateway Load Balancer endpoint of the app: its subnet's AZ.
 */
export function endpointAz(routing: FirewallRouting, choice: EndpointChoice): EndpointAz {
  switch (choice.kind) {
    case 'by-az': {
      const az: AzRef = { id: `az:${choice.az}`, group: 'az', label: choice.az };
      const mappings = routing.mappingsByFirewall.get(choice.firewallKey);
      const firewall = routing.label(choice.firewallKey, choice.firewallKey);
      if (mappings && mappings.length > 0) {
        const azs = mappings.map((m) => (m.subnet ? subnetAz(m.subnet) : undefined));
        const known = azs.filter((a): a is AzRef => a !== undefined && !('unknown' in a));
        if (known.length === azs.length && known.every((a) => sameAz(a, az) === false)) {
          return {
            problem: `names the endpoint of firewall ${firewall} in ${choice.az}, where the firewall has no subnet (its AZs: ${known.map((a) => a.label).join(', ')}): the Fn::Select finds no endpoint and the deployment fails`,
            fix: `Add a firewall subnet in ${choice.az} to the firewall's SubnetMappings, or route to the endpoint of an AZ the firewall has`,
          };
        }
      }
      return { az };
    }
    case 'by-position': {
      const mappings = routing.mappingsByFirewall.get(choice.firewallKey);
      const firewall = routing.label(choice.firewallKey, choice.firewallKey);
      if (mappings?.length === 1 && mappings[0].subnet) {
        const az = subnetAz(mappings[0].subnet);
        return 'unknown' in az ? az : { az };
      }
      if (mappings === undefined || mappings.length === 0) {
        return { unknown: `the Availability Zone of endpoint ${choice.index} of firewall ${firewall}'s EndpointIds (its SubnetMappings are not known)` };
      }
      return {
        problem: `picks the endpoint of firewall ${firewall} by its position (${choice.index}) in EndpointIds, which AWS lists in no particular order: on any deployment it may be the endpoint of another AZ`,
        fix: 'Pick the endpoint by AZ: Fn::Select [0, Fn::Split [",", Fn::Select [1, Fn::Split [",<az>:", Fn::Join ["", [",", Fn::Join [",", Fn::GetAtt [Firewall, EndpointIds]]]]]]]] (DomainAllowlistFirewall.endpointIdFor writes it)',
      };
    }
    case 'endpoint-resource': {
      const subnets = choice.endpoint.properties.SubnetIds;
      const only = Array.isArray(subnets) && subnets.length === 1 ? targetKey(subnets[0], choice.endpoint.stack.id) : undefined;
      const subnet = only !== undefined ? routing.routing.subnets.get(only) : undefined;
      if (!subnet) {
        return { unknown: `the Availability Zone of endpoint ${choice.endpoint.path} (SubnetIds ${describeValue(subnets)})` };
      }
      const az = subnetAz(subnet);
      return 'unknown' in az ? az : { az };
    }
    case 'literal':
      return { unknown: `the Availability Zone of endpoint ${choice.id} (a literal id: the template does not say which AZ it is in)` };
    default:
      return { unknown: `the Availability Zone of ${choice.description}` };
  }
}

/** The edge route that carries return traffic to a subnet (longest prefix), 'unknown', or undefined (the local route). */
export function edgeRouteFor(routes: readonly FirewallRoute[], subnet: RoutedSubnetModel, family: IpFamily): FirewallRoute | 'unknown' | undefined {
  let best: { route: FirewallRoute; weight: number } | undefined;
  let unknown = false;
  for (const route of routes) {
    const weight = coverage(route, subnet, family);
    if (weight === 'unknown') {
      unknown = true;
    } else if (weight !== undefined && (best === undefined || weight > best.weight)) {
      best = { route, weight };
    }
  }
  // A gateway route table takes one route per destination, so an exact match cannot be overridden by another route.
  const exact = best !== undefined && best.weight === exactWeight(subnet, family);
  if (unknown && !exact) {
    return 'unknown';
  }
  return best?.route;
}

/** The weight `coverage` gives a route for exactly the subnet's block. */
function exactWeight(subnet: RoutedSubnetModel, family: IpFamily): number {
  const value = subnetCidrValue(subnet, family);
  const parsed = value ? parseCidrOrReason(value.value, { normalizeHostBits: true }) : undefined;
  return parsed !== undefined && typeof parsed !== 'string' ? parsed.prefixLength : family === IpFamily.IPV4 ? 32 : 128;
}
