// Routes on a path: longest prefix match in the route table of a subnet, as a judgement of the address routed to.
// The internet reaches only public addresses, in subnets whose response to the client routes to an internet gateway
// attached to their VPC; traffic inside a VPC follows the local route; a route that leaves the VPC (peering, transit
// gateway, VPN) is not followed.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html
// @see https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
import { Decision, everywhere, Judgement, paint, toSpace } from './decision';
import { formatCidr } from '../../private/ip';
import type { RouteModel, RoutedSubnetModel, RoutingModel } from '../model/routing';

/** The route that decides each address (longest prefix first); `undefined` where no route matches. */
export function longestPrefixMatch(routes: readonly RouteModel[]): Array<{ first: bigint; last: bigint; route?: RouteModel; unknown?: RouteModel }> {
  const none: Decision = { layer: 'route', verdict: 'deny', code: 'NO_ROUTE', message: '' };
  let judgement: Judgement = everywhere(none);
  const byRoute = new Map<Decision, RouteModel>();
  // Longest prefix within a family: an IPv4 /0 and an IPv6 /0 cover different halves of the space.
  const known = routes.filter((r) => r.destination).sort((a, b) => a.destination!.prefixLength - b.destination!.prefixLength);
  for (const route of known) {
    const marker: Decision = { ...none, code: 'ROUTE' };
    byRoute.set(marker, route);
    const range = toSpace(route.destination!);
    judgement = paint(judgement, range.first, range.last, marker, () => true);
  }
  // The VPC's own IPv6 block is rarely known at synth (Amazon assigns it), and holds no address outside the VPC: it
  // leaves the addresses a query names to the other routes.
  const unresolved = routes.find((r) => !r.destination && !r.ownIpv6Block);
  return judgement.map((p) => ({ first: p.first, last: p.last, route: byRoute.get(p.decision), unknown: unresolved }));
}

function describeRoute(route: RouteModel): string {
  const dest = route.destination ? formatCidr(route.destination) : '?';
  return `${dest} -> ${route.targetKind === 'local' ? 'local' : `${route.targetProperty} ${route.targetText ?? ''}`}`;
}

/**
 * How a subnet routes traffic to each address, judged by `accept`: which target kinds carry this flow. A route table
 * entry not known at synth makes every address unknown (it may be more specific than any other).
 */
export function judgeRoutes(
  routing: RoutingModel, subnet: RoutedSubnetModel, purpose: string, accept: (route: RouteModel) => Decision | undefined, noRoute: Decision,
): Judgement {
  let judgement: Judgement = [];
  for (const piece of longestPrefixMatch(routing.routesOf(subnet))) {
    let decision: Decision;
    if (piece.unknown) {
      decision = {
        layer: 'route',
        verdict: 'unknown',
        code: 'ROUTE_UNKNOWN',
        resource: piece.unknown.resource,
        message: `the route table of subnet ${subnet.resource.path} has a route not known at synth (${piece.unknown.unknown}), which may decide ${purpose}`,
      };
    } else if (!piece.route) {
      decision = noRoute;
    } else {
      const route = piece.route;
      decision = accept(route) ?? {
        layer: 'route',
        verdict: 'deny',
        code: 'ROUTE_WRONG_TARGET',
        resource: route.resource,
        entry: describeRoute(route),
        message: `subnet ${subnet.resource.path} routes ${purpose} by "${describeRoute(route)}", which does not carry it`,
      };
      if (decision.entry === undefined) {
        decision = { ...decision, entry: describeRoute(route) };
      }
    }
    judgement.push({ first: piece.first, last: piece.last, decision });
  }
  return judgement;
}

export { describeRoute };
