// Who can reach what, answered from templates: a flow from a source (the internet, an address, a workload) to a
// workload, judged layer by layer (placement, routes, NACLs, security groups, the load balancer's listener, WAF),
// with every layer's deciding resource and entry. Every blocker is listed, not only the first. CDK-free.
import {
  AddressInterval, collapse, combinedVerdict, Decision, decisionKey, describeRanges, everywhere, Judgement, MAX_IPV4, overlay, paint, toSpace,
} from './decision';
import { firewallOfRoute, firewallSubnetKey, judgeFirewall } from './firewall-layer';
import { invalidValueNotes } from './invalid-notes';
import { judgeNacl, naclOfSubnet, PortRange, protocolName } from './nacl-layer';
import { describeRoute, judgeRoutes, longestPrefixMatch } from './route-layer';
import { groupsOf, judgeGroups } from './security-group-layer';
import { judgeWaf } from './waf-layer';
import { IpFamily } from '../../ip/family';
import { ParsedCidr, parseCidrOrReason } from '../../private/ip';
import { readEndpointChoice } from '../model/firewall-routing';
import { describeKey } from '../model/model-values';
import { buildNetworkModel, FirewallModel, NetworkModel, StackInput } from '../model/network-model';
import { routingOf, RoutedSubnetModel, RouteModel, RoutingModel } from '../model/routing';
import { buildLoadBalancerForwards, buildWorkloads, ipv6AddressOf, LoadBalancerForward, WorkloadModel } from '../model/workloads';

export type FlowSource =
  /** Some public IPv4 address; with `ipv6`, some global unicast IPv6 address (2000::/3) instead. */
  | { readonly kind: 'internet'; readonly ipv6?: boolean }
  | { readonly kind: 'address'; readonly cidr: string }
  | { readonly kind: 'workloads'; readonly keys: readonly string[]; readonly description: string };

export interface FlowQuerySpec {
  readonly from: FlowSource;
  /** The destination workloads' keys (`id:<stackId>/<logicalId>`), and how to name them. */
  readonly to: { readonly keys: readonly string[]; readonly description: string };
  readonly port: number;
  /** 6 (TCP) or 17 (UDP). */
  readonly protocol: number;
  readonly httpPath?: string;
  /**
   * The TLS SNI or HTTP Host the client sends, for Network Firewall domain lists on the path.
   * @default - not known: a domain list on the path makes the answer UNKNOWN
   */
  readonly domain?: string;
}

/** A flow from a workload (or an address inside a subnet of the app) to the internet or an address outside the app. */
export interface EgressQuerySpec {
  readonly from: FlowSource;
  /** Some public address of the internet, or one address or CIDR outside the app's subnets. */
  readonly to: { readonly kind: 'internet'; readonly ipv6?: boolean } | { readonly kind: 'address'; readonly cidr: string };
  readonly port: number;
  /** 6 (TCP) or 17 (UDP). */
  readonly protocol: number;
  /**
   * The TLS SNI or HTTP Host the client sends, for Network Firewall domain lists on the path.
   * @default - not known: a domain list on the path makes the answer UNKNOWN
   */
  readonly domain?: string;
}

export interface ReachabilityOptions {
  /**
   * The client's ephemeral ports, to which responses return through stateless NACLs.
   * @default 1024-65535, as the VPC guide recommends for any client
   */
  readonly ephemeralPorts?: PortRange;
}

export type FlowAnswerVerdict = 'REACHABLE' | 'BLOCKED' | 'UNKNOWN';

export interface FlowAnswer {
  readonly verdict: FlowAnswerVerdict;
  /** Every decision that denies the flow (for every placement judged), deduplicated. */
  readonly blockers: Decision[];
  /** Every decision that could not be made at synth, deduplicated. */
  readonly unknowns: Decision[];
  /** For REACHABLE: the allowing decisions of one path, in order. */
  readonly hops: Decision[];
  readonly notes: string[];
  /** One line: `tcp 5432 from the internet to Data/Db`. */
  readonly flow: string;
}

/**
 * The addresses of the internet: IPv4 outside the private, shared, loopback, link-local, multicast and reserved blocks
 * (RFC 6890).
 */
const NON_PUBLIC = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/3'];

/** A query the engine cannot answer as asked (a destination address inside the app): the asker's mistake, not a bug. */
export class FlowQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowQueryError';
  }
}

/** A model for reachability: the network model, its routing and its workloads, built once per app. */
export class ReachabilityModel {
  public static fromStacks(stacks: readonly StackInput[], options: ReachabilityOptions = {}): ReachabilityModel {
    return ReachabilityModel.fromNetworkModel(buildNetworkModel(stacks), options);
  }

  /**
   * On a network model already built (the checks' own): only workloads are read, and routing when first asked for
   * (the rules that ask of an app without workloads never need it).
   */
  public static fromNetworkModel(network: NetworkModel, options: ReachabilityOptions = {}): ReachabilityModel {
    return new ReachabilityModel(network, undefined, buildWorkloads(network), options);
  }

  private readonly byKey: Map<string, WorkloadModel>;
  /** Every listener -> target group -> target forward of the app. */
  public readonly forwards: readonly LoadBalancerForward[];
  private routingModel?: RoutingModel;

  /** `routing`: the network model's routing (read from it when first asked for by default). */
  constructor(
    public readonly network: NetworkModel,
    routing: RoutingModel | undefined,
    public readonly workloads: readonly WorkloadModel[],
    private readonly options: ReachabilityOptions = {},
  ) {
    this.routingModel = routing;
    this.byKey = new Map(workloads.map((w) => [w.key, w]));
    this.forwards = buildLoadBalancerForwards(network, workloads);
  }

  /** The network model's routing. */
  public get routing(): RoutingModel {
    return (this.routingModel ??= routingOf(this.network));
  }

  public workload(key: string): WorkloadModel | undefined {
    return this.byKey.get(key);
  }

  public explain(query: FlowQuerySpec): FlowAnswer {
    const flow = `${protocolName(query.protocol)} ${query.port}${query.httpPath !== undefined ? ` (HTTP path ${query.httpPath})` : ''} from ${describeSource(query.from)} to ${query.to.description}`;
    const notes: string[] = [];
    const sources = this.sourcePlacements(query.from);
    const destinations = query.to.keys.map((k) => this.byKey.get(k)).filter((w): w is WorkloadModel => w !== undefined)
      .flatMap((w) => this.placements(w));
    if (destinations.length === 0) {
      throw new Error(`${query.to.description} holds no workload the model knows (a load balancer, instance, auto scaling group, ECS service, `
        + 'Lambda function in a VPC, RDS instance or cluster, ElastiCache, OpenSearch domain in a VPC, EFS mount target, interface endpoint)');
    }
    const answers: FlowAnswer[] = [];
    for (const source of sources) {
      for (const destination of destinations) {
        answers.push(this.judgePair(query, source, destination, flow, notes));
        answers.push(...this.throughLoadBalancers(query, source, destination, flow, notes));
      }
    }
    return this.withInvalidNotes(anyOf(answers, notes, flow), sourceKeys(query.from), query.to.keys);
  }

  /**
   * An answer that is not REACHABLE, with a note for each security group rule or NACL entry that CloudFormation or
   * EC2 rejects (the model leaves it out) on what blocked it or left it unknown, or on the groups of the workloads at
   * its ends: without the note, a rule the author wrote to allow the flow would just be missing from the answer.
   */
  private withInvalidNotes(answer: FlowAnswer, sources: readonly string[], destinations: readonly string[]): FlowAnswer {
    if (answer.verdict === 'REACHABLE') {
      return answer;
    }
    const groupKeysOf = (keys: readonly string[]) => keys.flatMap((key) => this.byKey.get(key)?.groupKeys ?? []);
    const extra = invalidValueNotes(this.network, [...answer.blockers, ...answer.unknowns], {
      sourceGroupKeys: groupKeysOf(sources),
      destinationGroupKeys: groupKeysOf(destinations),
    });
    return extra.length === 0 ? answer : { ...answer, notes: [...new Set([...answer.notes, ...extra])] };
  }

  /**
   * A flow that leaves the app: from a workload to the internet (some public address) or to an address outside the
   * app, over every route it takes: an internet gateway (the workload needs a public address), a NAT gateway (which
   * translates the source to its own address in its subnet and routes on from there), a Network Firewall endpoint
   * (whose policy judges the flow, then the firewall subnet routes on). Responses must come back the same way: an
   * internet gateway's edge route table must send them through the firewall the requests took, and only through it.
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html
   */
  public explainToInternet(query: EgressQuerySpec): FlowAnswer {
    const destination = query.to.kind === 'internet' ? `the internet${query.to.ipv6 ? ' over IPv6' : ''}` : query.to.cidr;
    const flow = `${protocolName(query.protocol)} ${query.port}${query.domain !== undefined ? ` (${query.domain})` : ''} from ${describeSource(query.from)} to ${destination}`;
    let targets: AddressInterval[];
    if (query.to.kind === 'internet' && query.to.ipv6) {
      const unknown: Decision = { layer: 'route', verdict: 'unknown', code: 'IPV6_NOT_MODELLED', message: 'IPv6 egress flows (to the internet over IPv6) are not modelled yet' };
      return { verdict: 'UNKNOWN', blockers: [], unknowns: [unknown], hops: [], notes: [], flow };
    }
    if (query.to.kind === 'internet') {
      targets = publicSpace();
    } else {
      const parsed = parseCidrOrReason(query.to.cidr, { normalizeHostBits: true });
      if (typeof parsed === 'string') {
        throw new FlowQueryError(`'${query.to.cidr}' is not an IP address or CIDR: ${parsed}`);
      }
      if (parsed.family !== IpFamily.IPV4) {
        const unknown: Decision = { layer: 'route', verdict: 'unknown', code: 'IPV6_NOT_MODELLED', message: `IPv6 egress flows (to ${query.to.cidr}) are not modelled yet` };
        return { verdict: 'UNKNOWN', blockers: [], unknowns: [unknown], hops: [], notes: [], flow };
      }
      const inside = [...this.routing.subnets.values()].find((sub) => sub.cidr && sub.cidr.first <= parsed.last && parsed.first <= sub.cidr.last);
      if (inside) {
        throw new FlowQueryError(`${query.to.cidr} ${parsed.first >= inside.cidr!.first && parsed.last <= inside.cidr!.last ? 'is inside' : 'overlaps'} subnet `
          + `${inside.resource.path} of the app: a flow to the app's own addresses ends at a workload, so name the workload there as the destination`);
      }
      targets = [{ first: parsed.first, last: parsed.last }];
    }
    const notes: string[] = [];
    const answers: FlowAnswer[] = [];
    for (const source of this.sourcePlacements(query.from)) {
      const early = earlyUnknown([source], flow);
      if (early) {
        answers.push(early);
        continue;
      }
      if (!source.subnet) {
        throw new Error(`an egress flow starts at a workload or at an address inside a subnet of the app, not at ${source.description}`);
      }
      answers.push(...this.egressFrom(query, source, targets, destination, flow, notes));
    }
    return this.withInvalidNotes(anyOf(answers, notes, flow), sourceKeys(query.from), []);
  }

  private egressFrom(
    query: EgressQuerySpec, source: Placement, targets: AddressInterval[], destination: string, flow: string, notes: string[],
  ): FlowAnswer[] {
    const subnet = source.subnet!;
    const ephemeral = this.options.ephemeralPorts ?? { from: 1024, to: 65535 };
    const common: Judgement[] = [];
    if (source.workload && !source.workload.noGroups) {
      const groups = groupsOf(this.network, source.workload, subnet.vpcKey);
      common.push(judgeGroups(this.network, source.workload.resource, groups, 'egress', query.protocol, query.port, { groupKeys: [], description: destination }));
    }
    const nacl = naclOfSubnet(this.network, subnet);
    common.push(judgeNacl(nacl, 'egress', query.protocol, { from: query.port, to: query.port }, 'request'));
    common.push(judgeNacl(nacl, 'ingress', query.protocol, ephemeral, 'return'));
    const start: EgressState = { source, natted: false, firewalls: [], entries: [], destination };
    const paths = this.followEgress(query, subnet, source.ranges[0], targets, start, notes, 0);
    return paths.map((p) => judgeSegments(overlay([...common, ...p.judgements], p.ranges), true, flow));
  }

  /**
   * Where a subnet's route table sends traffic to each remote address, followed through NAT gateways and firewall
   * endpoints to an internet gateway: one path per route, each with its checks (judgements of the remote address).
   */
  private followEgress(
    query: EgressQuerySpec, subnet: RoutedSubnetModel, inside: AddressInterval, ranges: AddressInterval[], state: EgressState,
    notes: string[], depth: number,
  ): Array<{ ranges: AddressInterval[]; judgements: Judgement[] }> {
    const paths: Array<{ ranges: AddressInterval[]; judgements: Judgement[] }> = [];
    const purpose = `traffic to ${state.destination}`;
    const route = (decision: Decision) => everywhere(decision);
    if (depth > 4) {
      return [{ ranges, judgements: [route({ layer: 'route', verdict: 'unknown', code: 'ROUTE_LOOP', resource: subnet.resource, message: `${purpose} passes more than four hops from subnet ${subnet.resource.path}: the model stops following it` })] }];
    }
    const byRoute = new Map<RouteModel | undefined, AddressInterval[]>();
    for (const piece of longestPrefixMatch(this.routing.routesOf(subnet))) {
      const key = piece.unknown ?? piece.route;
      for (const r of ranges) {
        const first = r.first > piece.first ? r.first : piece.first;
        const last = r.last < piece.last ? r.last : piece.last;
        if (first <= last) {
          byRoute.set(key, [...(byRoute.get(key) ?? []), { first, last }]);
        }
      }
    }
    const ephemeral = this.options.ephemeralPorts ?? { from: 1024, to: 65535 };
    for (const [r, sub] of byRoute) {
      if (!r) {
        paths.push({ ranges: sub, judgements: [route({ layer: 'route', verdict: 'deny', code: 'NO_ROUTE', resource: subnet.resource, message: `subnet ${subnet.resource.path} has no route for ${purpose}` })] });
        continue;
      }
      const entry = describeRoute(r);
      if (!r.destination || (r.unknown !== undefined && r.targetKind === 'unknown')) {
        paths.push({ ranges: sub, judgements: [route({ layer: 'route', verdict: 'unknown', code: 'ROUTE_UNKNOWN', resource: r.resource, message: `the route table of subnet ${subnet.resource.path} has a route not known at synth (${r.unknown}), which may decide ${purpose}` })] });
        continue;
      }
      const via = (code: string, what: string): Decision => ({ layer: 'route', verdict: 'allow', code, resource: r.resource, entry, message: `subnet ${subnet.resource.path} routes ${purpose} ${what} by "${entry}"` });
      if (r.targetKind === 'internet-gateway') {
        paths.push({ ranges: sub, judgements: this.leaveByInternetGateway(r, subnet, inside, state, via) });
      } else if (r.targetKind === 'nat-gateway') {
        const nat = this.network.natGateways.find((n) => n.resource.key === r.targetKey);
        const natSubnet = nat ? this.routing.subnets.get(nat.subnetKey) : undefined;
        if (!nat || !natSubnet?.cidr || state.natted) {
          const message = state.natted ? `${purpose} reaches a second NAT gateway (${entry}): the model does not follow chained NAT`
            : `NAT gateway ${r.targetText} or its subnet is not in the app (or its CIDR is not known at synth)`;
          paths.push({ ranges: sub, judgements: [route({ layer: 'route', verdict: 'unknown', code: 'NAT_GATEWAY_UNKNOWN', resource: r.resource, entry, message })] });
          continue;
        }
        const judgements: Judgement[] = [route(via('ROUTE_TO_NAT_GATEWAY', `to NAT gateway ${nat.resource.path}, which sends it from its own address in subnet ${natSubnet.resource.path}`))];
        if (nat.resource.properties.ConnectivityType === 'private') {
          // A private NAT gateway has no public address: an internet gateway drops what it sends.
          // @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html#nat-gateway-basics
          judgements.push(route({ layer: 'route', verdict: 'deny', code: 'NAT_GATEWAY_PRIVATE', resource: nat.resource, message: `NAT gateway ${nat.resource.path} is private (ConnectivityType private): it cannot reach the internet` }));
        }
        const what = `subnet ${subnet.resource.path}`;
        const natNacl = naclOfSubnet(this.network, natSubnet);
        if (natSubnet.key !== subnet.key) {
          judgements.push(everywhere(collapse(judgeNacl(natNacl, 'ingress', query.protocol, { from: query.port, to: query.port }, 'request'), inside, what)));
          judgements.push(everywhere(collapse(judgeNacl(natNacl, 'egress', query.protocol, ephemeral, 'return'), inside, what)));
        }
        // The NAT gateway's own connections use source ports 1024-65535.
        // @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
        judgements.push(judgeNacl(natNacl, 'egress', query.protocol, { from: query.port, to: query.port }, 'request'));
        judgements.push(judgeNacl(natNacl, 'ingress', query.protocol, { from: 1024, to: 65535 }, 'return'));
        const natRange = { first: natSubnet.cidr.first, last: natSubnet.cidr.last };
        for (const next of this.followEgress(query, natSubnet, natRange, sub, { ...state, natted: true }, notes, depth + 1)) {
          paths.push({ ranges: next.ranges, judgements: [...judgements, ...next.judgements] });
        }
      } else if (r.targetKind === 'vpc-endpoint') {
        const found = firewallOfRoute(this.network, r)!;
        const firewall = found.firewall;
        const firewallSubnet = firewall ? this.routing.subnets.get(firewallSubnetKey(firewall, this.routing, subnet.availabilityZone) ?? '') : undefined;
        if (!firewall || !firewallSubnet) {
          const message = found.unknown ?? `the subnet of firewall ${firewall!.resource.path}'s endpoint in the AZ of subnet ${subnet.resource.path} is not known at synth`;
          paths.push({ ranges: sub, judgements: [route({ layer: 'route', verdict: 'unknown', code: 'ROUTE_THROUGH_APPLIANCE', resource: r.resource, entry, message: `subnet ${subnet.resource.path} routes ${purpose} to ${message}` })] });
          continue;
        }
        const verdict = judgeFirewall(this.network, this.routing, firewall, { protocol: query.protocol, port: query.port, direction: 'outbound', inside, domain: query.domain });
        notes.push(...verdict.notes);
        const judgements: Judgement[] = [route(via('ROUTE_TO_FIREWALL', `to an endpoint of firewall ${firewall.resource.path}`)), verdict.judgement];
        if (firewallSubnet.key !== subnet.key) {
          const fwNacl = naclOfSubnet(this.network, firewallSubnet);
          const what = `subnet ${subnet.resource.path}`;
          judgements.push(everywhere(collapse(judgeNacl(fwNacl, 'ingress', query.protocol, { from: query.port, to: query.port }, 'request'), inside, what)));
          judgements.push(everywhere(collapse(judgeNacl(fwNacl, 'egress', query.protocol, ephemeral, 'return'), inside, what)));
          judgements.push(judgeNacl(fwNacl, 'egress', query.protocol, { from: query.port, to: query.port }, 'request'));
          judgements.push(judgeNacl(fwNacl, 'ingress', query.protocol, ephemeral, 'return'));
        }
        const through = { ...state, firewalls: [...state.firewalls, firewall], entries: [...state.entries, r] };
        for (const next of this.followEgress(query, firewallSubnet, inside, sub, through, notes, depth + 1)) {
          paths.push({ ranges: next.ranges, judgements: [...judgements, ...next.judgements] });
        }
      } else if (r.targetKind === 'local') {
        paths.push({ ranges: sub, judgements: [route({ layer: 'route', verdict: 'deny', code: 'ROUTE_LOCAL', resource: r.resource, entry, message: `subnet ${subnet.resource.path} routes ${purpose} inside its VPC by "${entry}": it does not leave` })] });
      } else if (r.targetKind === 'egress-only-internet-gateway') {
        paths.push({ ranges: sub, judgements: [route({ layer: 'route', verdict: 'deny', code: 'ROUTE_WRONG_TARGET', resource: r.resource, entry, message: `subnet ${subnet.resource.path} routes ${purpose} to an egress-only internet gateway, which carries IPv6 only` })] });
      } else {
        paths.push({ ranges: sub, judgements: [route({ layer: 'route', verdict: 'unknown', code: 'ROUTE_NOT_FOLLOWED', resource: r.resource, entry, message: `subnet ${subnet.resource.path} routes ${purpose} by "${entry}", through something the model does not follow yet` })] });
      }
    }
    return paths;
  }

  /**
   * The last hop out: an internet gateway attached to the VPC, a public source address (the workload's own, or the
   * NAT gateway's), and responses that come back the way the requests went (the gateway's edge route table sends the
   * inside address to the firewall the requests took, or to none when they took none).
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html
   */
  private leaveByInternetGateway(
    r: RouteModel, subnet: RoutedSubnetModel, inside: AddressInterval, state: EgressState, via: (code: string, what: string) => Decision,
  ): Judgement[] {
    const judgements: Judgement[] = [];
    const gateway = r.targetKey ? this.routing.internetGateways.get(r.targetKey) : undefined;
    if (gateway && !gateway.attachedVpcKeys.includes(subnet.vpcKey)) {
      return [everywhere({ layer: 'route', verdict: 'deny', code: 'INTERNET_GATEWAY_NOT_ATTACHED', resource: gateway.resource, message: `internet gateway ${gateway.resource.path} is not attached to the VPC of subnet ${subnet.resource.path}` })];
    }
    judgements.push(everywhere(via('ROUTE_TO_INTERNET_GATEWAY', 'to an internet gateway')));
    const workload = state.source.workload;
    if (!state.natted) {
      const pub = workload?.publicAddress;
      judgements.push(everywhere(!workload || !pub ? { layer: 'route', verdict: 'unknown', code: 'PUBLIC_ADDRESS_UNKNOWN', resource: subnet.resource, message: `whether ${state.source.description} has a public address is not known` }
        : 'unknown' in pub ? { layer: 'route', verdict: 'unknown', code: 'PUBLIC_ADDRESS_UNKNOWN', resource: workload.resource, message: `whether ${workload.resource.path} gets a public address: ${pub.unknown} is not known at synth` }
          : pub.public ? { layer: 'route', verdict: 'allow', code: 'PUBLIC_ADDRESS', resource: workload.resource, message: `${workload.resource.path} has a public address` }
            : { layer: 'route', verdict: 'deny', code: 'NO_PUBLIC_ADDRESS', resource: workload.resource, message: `${workload.resource.path} has no public address, and an internet gateway carries only traffic from public addresses` }));
    }
    const edgeTables = gateway ? this.routing.gatewayRouteTables.get(gateway.key) ?? [] : [];
    const edgeRoutes = edgeTables.flatMap((k) => this.routing.routeTables.get(k)?.routes ?? []);
    const back = longestPrefixMatch(edgeRoutes).filter((p) => p.last >= inside.first && p.first <= inside.last);
    const firewallsBack = new Set<FirewallModel | undefined>(
      back.map((p) => (p.route ? firewallOfRoute(this.network, p.route)?.firewall : undefined)));
    const took = state.firewalls[state.firewalls.length - 1];
    const entered = state.entries[state.entries.length - 1];
    // One firewall is not enough: each AZ's endpoint keeps its own flow state, so responses must come back through the
    // endpoint the requests took.
    const sameEndpoints = took ? back.map((p) => (p.route ? sameEndpoint(this.network, entered, p.route) : false)) : [];
    if (firewallsBack.size === 1 && [...firewallsBack][0] === took && took && sameEndpoints.some((same) => same !== true)) {
      const differs = sameEndpoints.includes(false);
      judgements.push(everywhere({
        layer: 'route',
        verdict: 'unknown',
        code: 'ASYMMETRIC_ROUTE',
        resource: gateway?.resource ?? r.resource,
        entry: describeRoute(back[0].route!),
        message: differs
          ? `requests go out through one endpoint of firewall ${took.resource.path} (${describeRoute(entered)}), but the edge route table of internet gateway ${gateway?.resource.path ?? r.targetText} sends responses back through another: each endpoint keeps its own flow state, and Network Firewall does not support asymmetric routing`
          : `whether the edge route table of internet gateway ${gateway?.resource.path ?? r.targetText} sends responses back through the endpoint of firewall ${took.resource.path} the requests took (${describeRoute(entered)}) is not known at synth`,
      }));
    } else if (firewallsBack.size === 1 && [...firewallsBack][0] === took) {
      if (took) {
        judgements.push(everywhere({ layer: 'route', verdict: 'allow', code: 'RETURN_THROUGH_FIREWALL', resource: back[0].route!.resource, entry: describeRoute(back[0].route!), message: `the edge route table of ${gateway!.resource.path} sends responses back through firewall ${took.resource.path}` }));
      }
    } else {
      const message = took
        ? `requests go out through firewall ${took.resource.path}, but the edge route table of internet gateway ${gateway?.resource.path ?? r.targetText} does not send all responses back through it: Network Firewall does not support asymmetric routing`
        : `responses come back from internet gateway ${gateway?.resource.path ?? r.targetText} through a firewall endpoint the requests did not take: Network Firewall does not support asymmetric routing`;
      judgements.push(everywhere({ layer: 'route', verdict: 'unknown', code: 'ASYMMETRIC_ROUTE', resource: gateway?.resource ?? r.resource, message }));
    }
    return judgements;
  }

  private sourcePlacements(source: FlowSource): Placement[] {
    if (source.kind === 'internet') {
      return source.ipv6
        ? [{ ranges: [toSpace(parseCidrOrReason('2000::/3') as ParsedCidr)], existential: true, description: 'the internet over IPv6', family: IpFamily.IPV6 }]
        : [{ ranges: publicSpace(), existential: true, description: 'the internet' }];
    }
    if (source.kind === 'address') {
      const parsed = parseCidrOrReason(source.cidr, { normalizeHostBits: true });
      if (typeof parsed === 'string') {
        throw new Error(`'${source.cidr}' is not an IP address or CIDR: ${parsed}`);
      }
      if (parsed.family !== IpFamily.IPV4) {
        // An IPv6 address is judged as a client outside the app: the subnets' IPv6 blocks are rarely known at synth.
        return [{ ranges: [toSpace(parsed)], existential: true, description: source.cidr, family: IpFamily.IPV6 }];
      }
      const subnet = [...this.routing.subnets.values()].find((s) => s.cidr && s.cidr.first <= parsed.first && parsed.last <= s.cidr.last);
      return [{ ranges: [{ first: parsed.first, last: parsed.last }], existential: true, subnet, description: source.cidr }];
    }
    const workloads = source.keys.map((k) => this.byKey.get(k)).filter((w): w is WorkloadModel => w !== undefined);
    if (workloads.length === 0) {
      throw new Error(`${source.description} holds no workload the model knows`);
    }
    return workloads.flatMap((w) => this.placements(w));
  }

  /** Where a workload's interfaces may sit: one placement per subnet. */
  private placements(workload: WorkloadModel): Placement[] {
    const description = workload.resource.path;
    if (workload.unknown) {
      return [{ ranges: [], existential: false, workload, description, unknown: `${workload.unknown} ${isLiteralSubnets(workload.unknown) ? '' : 'is not known at synth'}`.trim() }];
    }
    return workload.subnetKeys.map((key) => {
      const subnet = this.routing.subnets.get(key);
      if (!subnet) {
        return { ranges: [], existential: false, workload, description, unknown: `subnet ${describeKey(key)} of ${workload.resource.path} is not in the app: its CIDR, route table and NACL are not known at synth` };
      }
      if (!subnet.cidr) {
        return { ranges: [], existential: false, workload, subnet, description, unknown: subnet.unknownCidr };
      }
      // The workload's address is somewhere in its subnet; which one, the template does not say.
      return { ranges: [{ first: subnet.cidr.first, last: subnet.cidr.last }], existential: false, workload, subnet, description };
    });
  }

  private judgePair(query: LegQuery, source: Placement, destination: Placement, flow: string, notes: string[]): FlowAnswer {
    const early = earlyUnknown([source, destination], flow);
    return (early ? this.judgeUnplaced(query, source, destination, early.unknowns, flow) : undefined)
      ?? judgeSegments(overlay(this.legJudgements(query, source, destination, notes), source.ranges), source.existential, flow);
  }

  /**
   * The other way a client reaches a load balancer's target: through the load balancer, on a listener port that
   * forwards to a target group holding it. The load balancer ends the client's flow and starts one of its own to the
   * target (both legs are judged), except a network load balancer that preserves the client's address: then the
   * target's NACL and security groups see the client, and the load balancer's groups (a rule that references them
   * admits the flow whether or not the address is preserved).
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
   */
  private throughLoadBalancers(query: FlowQuerySpec, source: Placement, destination: Placement, flow: string, notes: string[]): FlowAnswer[] {
    const target = destination.workload;
    if (!target) {
      return [];
    }
    const answers: FlowAnswer[] = [];
    for (const forward of this.forwards) {
      const lb = this.byKey.get(forward.loadBalancerKey);
      const otherPort = forward.listenerPort !== undefined && forward.listenerPort !== query.port;
      if (forward.targetKey !== target.key || !lb || lb.key === source.workload?.key || otherPort) {
        continue;
      }
      const group = forward.targetGroup.path;
      const hop: Decision = forward.listenerPort === undefined
        ? { layer: 'load-balancer', verdict: 'unknown', code: 'LB_LISTENER_UNKNOWN', resource: forward.via, message: `the port of ${forward.via.path} is not known at synth: whether it forwards port ${query.port} to ${group} cannot be told` }
        : forward.targetType !== 'lambda' && forward.targetPort === undefined
          ? { layer: 'load-balancer', verdict: 'unknown', code: 'LB_TARGET_PORT_UNKNOWN', resource: forward.targetGroup, message: `the port target group ${group} sends ${target.resource.path} is not known at synth` }
          : {
            layer: 'load-balancer',
            verdict: 'allow',
            code: 'LB_FORWARD',
            resource: forward.targetGroup,
            entry: `${forward.via.path} -> ${group}${forward.targetPort !== undefined ? ` port ${forward.targetPort}` : ''}`,
            message: `${lb.resource.path} forwards port ${query.port} by ${forward.via.path} to target group ${group}, which holds ${target.resource.path}${forward.targetPort !== undefined ? ` on port ${forward.targetPort}` : ''}`,
          };
      for (const front of this.placements(lb)) {
        const early = earlyUnknown([source, front, destination], flow);
        if (early) {
          answers.push(early);
          continue;
        }
        const leg1 = [...this.legJudgements(query, source, front, notes), everywhere(hop)];
        if (forward.targetType === 'lambda' || hop.verdict !== 'allow') {
          if (forward.targetType === 'lambda') {
            notes.push(`${lb.resource.path} invokes ${target.resource.path} through the Lambda service: no network path to the function is judged`);
          }
          answers.push(judgeSegments(overlay(leg1, source.ranges), source.existential, flow));
          continue;
        }
        const second: LegQuery = { port: forward.targetPort!, protocol: query.protocol };
        const clientIp = forward.clientIp;
        if ('unknown' in clientIp) {
          leg1.push(everywhere({ layer: 'load-balancer', verdict: 'unknown', code: 'LB_CLIENT_IP_UNKNOWN', resource: forward.targetGroup, message: `whether ${lb.resource.path} preserves the client's address for ${target.resource.path}: ${clientIp.unknown} is not known at synth` }));
        }
        // An IPv6 client of an IPv4 target: the target sees the load balancer's IPv4 address.
        // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
        if ('preserved' in clientIp && clientIp.preserved && source.family !== IpFamily.IPV6) {
          notes.push(`${lb.resource.path} preserves the client's address: ${target.resource.path}'s NACL and security groups judge ${source.description}; responses return through the load balancer`);
          const leg2 = this.preservedLeg(second, source, front, destination, lb);
          answers.push(judgeSegments(overlay([...leg1, ...leg2], source.ranges), source.existential, flow));
          continue;
        }
        const first = judgeSegments(overlay(leg1, source.ranges), source.existential, flow);
        const then = this.judgePair(second, front, destination, flow, notes);
        answers.push(bothLegs(first, then, flow));
      }
    }
    return answers;
  }

  /**
   * The second leg of a network load balancer that preserves the client's address: the packet leaves the load
   * balancer's interface in its subnet with the client's address as its source.
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
   */
  private preservedLeg(query: LegQuery, client: Placement, front: Placement, destination: Placement, lb: WorkloadModel): Judgement[] {
    const judgements: Judgement[] = [];
    const target = destination.workload!;
    const lbSubnet = front.subnet!;
    const dSubnet = destination.subnet!;
    const dRange = destination.ranges[0];
    const what = `subnet ${dSubnet.resource.path}`;
    const ephemeral = this.options.ephemeralPorts ?? { from: 1024, to: 65535 };
    const forward = `traffic to ${target.resource.path}`;
    const local = localRoute(forward, lbSubnet, lbSubnet.vpcKey === dSubnet.vpcKey);
    judgements.push(everywhere(collapse(judgeRoutes(this.routing, lbSubnet, forward, local, noRouteFor(lbSubnet, forward)), dRange, what)));
    if (lbSubnet.key !== dSubnet.key) {
      const lbNacl = naclOfSubnet(this.network, lbSubnet);
      judgements.push(everywhere(collapse(judgeNacl(lbNacl, 'egress', query.protocol, { from: query.port, to: query.port }, 'request'), dRange, what)));
      judgements.push(everywhere(collapse(judgeNacl(lbNacl, 'ingress', query.protocol, ephemeral, 'return'), dRange, what)));
      const dNacl = naclOfSubnet(this.network, dSubnet);
      judgements.push(judgeNacl(dNacl, 'ingress', query.protocol, { from: query.port, to: query.port }, 'request'));
      judgements.push(judgeNacl(dNacl, 'egress', query.protocol, ephemeral, 'return'));
    }
    const lbGroups = lb.noGroups ? undefined : groupsOf(this.network, lb, lbSubnet.vpcKey);
    if (!target.noGroups) {
      const peer = { groupKeys: lbGroups?.keys ?? [], description: `${client.description} (its address preserved by ${lb.resource.path})` };
      judgements.push(judgeGroups(this.network, target.resource, groupsOf(this.network, target, dSubnet.vpcKey), 'ingress', query.protocol, query.port, peer));
    }
    if (lbGroups) {
      const destinationGroups = target.noGroups ? [] : groupsOf(this.network, target, dSubnet.vpcKey).keys;
      const egress = judgeGroups(this.network, lb.resource, lbGroups, 'egress', query.protocol, query.port, { groupKeys: destinationGroups, description: target.resource.path });
      judgements.push(everywhere(collapse(egress, dRange, what)));
    }
    return judgements;
  }

  /**
   * A flow from the internet to a subnet whose responses route to a firewall endpoint (AWS's distributed model: the
   * internet gateway's edge route table sends the subnet's CIDR to the endpoint in its AZ, the firewall subnet routes
   * to the internet gateway). The firewall's policy judges the flow; its subnet must route on to the internet gateway;
   * the edge route table must bring the requests through the same firewall, or the routing is asymmetric, which
   * Network Firewall does not support.
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html
   */
  private inboundThroughFirewall(
    query: LegQuery, firewall: FirewallModel, dSubnet: RoutedSubnetModel, dRange: AddressInterval, client: string, notes: string[],
  ): Judgement[] {
    const judgements: Judgement[] = [];
    const verdict = judgeFirewall(this.network, this.routing, firewall, { protocol: query.protocol, port: query.port, direction: 'inbound', inside: dRange, domain: query.domain });
    notes.push(...verdict.notes);
    judgements.push(verdict.judgement);
    const subnetKey = firewallSubnetKey(firewall, this.routing, dSubnet.availabilityZone);
    const firewallSubnet = subnetKey !== undefined ? this.routing.subnets.get(subnetKey) : undefined;
    if (!firewallSubnet) {
      judgements.push(everywhere({ layer: 'route', verdict: 'unknown', code: 'ROUTE_THROUGH_APPLIANCE', resource: firewall.resource, message: `the subnet of firewall ${firewall.resource.path}'s endpoint in the AZ of subnet ${dSubnet.resource.path} is not known at synth` }));
      return judgements;
    }
    const gateways: string[] = [];
    judgements.push(judgeRoutes(this.routing, firewallSubnet, `the response to ${client}`, (route) => {
      const gateway = route.targetKind === 'internet-gateway' && route.targetKey ? this.routing.internetGateways.get(route.targetKey) : undefined;
      if (route.targetKind !== 'internet-gateway' || (gateway && !gateway.attachedVpcKeys.includes(firewallSubnet.vpcKey))) {
        return undefined;
      }
      gateways.push(route.targetKey!);
      return { layer: 'route', verdict: 'allow', code: 'ROUTE_TO_INTERNET_GATEWAY', resource: route.resource, message: `firewall subnet ${firewallSubnet.resource.path} routes responses to ${client} to an internet gateway by "${describeRoute(route)}"` };
    }, { layer: 'route', verdict: 'deny', code: 'NO_ROUTE_TO_INTERNET_GATEWAY', resource: firewallSubnet.resource, message: `firewall subnet ${firewallSubnet.resource.path} has no route to an internet gateway for ${client}` }));
    const edge = [...new Set(gateways)]
      .flatMap((g) => (this.routing.gatewayRouteTables.get(g) ?? []).flatMap((k) => this.routing.routeTables.get(k)?.routes ?? []));
    const back = longestPrefixMatch(edge).filter((p) => p.last >= dRange.first && p.first <= dRange.last);
    if (gateways.length > 0 && back.every((p) => p.route !== undefined && firewallOfRoute(this.network, p.route)?.firewall === firewall)) {
      judgements.push(everywhere({ layer: 'route', verdict: 'allow', code: 'EDGE_ROUTE_TO_FIREWALL', resource: back[0].route!.resource, entry: describeRoute(back[0].route!), message: `the internet gateway's edge route table sends requests to subnet ${dSubnet.resource.path} through firewall ${firewall.resource.path}` }));
    } else if (gateways.length > 0) {
      judgements.push(everywhere({ layer: 'route', verdict: 'unknown', code: 'ASYMMETRIC_ROUTE', resource: firewall.resource, message: `responses from subnet ${dSubnet.resource.path} go out through firewall ${firewall.resource.path}, but the internet gateway's edge route table does not send the requests through it: Network Firewall does not support asymmetric routing` }));
    }
    const ephemeral = this.options.ephemeralPorts ?? { from: 1024, to: 65535 };
    if (firewallSubnet.key !== dSubnet.key) {
      const nacl = naclOfSubnet(this.network, firewallSubnet);
      const what = `subnet ${dSubnet.resource.path}`;
      judgements.push(judgeNacl(nacl, 'ingress', query.protocol, { from: query.port, to: query.port }, 'request'));
      judgements.push(judgeNacl(nacl, 'egress', query.protocol, ephemeral, 'return'));
      judgements.push(everywhere(collapse(judgeNacl(nacl, 'egress', query.protocol, { from: query.port, to: query.port }, 'request'), dRange, what)));
      judgements.push(everywhere(collapse(judgeNacl(nacl, 'ingress', query.protocol, ephemeral, 'return'), dRange, what)));
    }
    return judgements;
  }

  /**
   * A pair where a placement is not known at synth: the layers that do not depend on it (the load balancer's
   * listener, the security groups, judged for every address the unknown side may have) still decide when they deny
   * outright, since the unknown value cannot change that; otherwise the answer is UNKNOWN, naming the value.
   */
  private judgeUnplaced(query: LegQuery, source: Placement, destination: Placement, early: Decision[], flow: string): FlowAnswer {
    const judgements: Judgement[] = early.map((d) => everywhere(d));
    const target = destination.workload!;
    const outright = (judgement: Judgement): Decision | undefined => (judgement.every((p) => p.decision.verdict === 'deny') ? judgement[0].decision : undefined);
    if (target.kind === 'load-balancer' && !(target.listenerPorts ?? []).includes(query.port) && !(target.listenerPorts ?? []).includes(undefined)) {
      judgements.push(everywhere({ layer: 'load-balancer', verdict: 'deny', code: 'LB_NO_LISTENER', resource: target.resource, message: `load balancer ${target.resource.path} has no listener on port ${query.port} (it listens on ${(target.listenerPorts ?? []).join(', ') || 'no port'})` }));
    }
    const pub = target.publicAddress;
    if (!source.workload && source.unknown === undefined && source.subnet === undefined && 'public' in pub && !pub.public) {
      judgements.push(everywhere({ layer: 'route', verdict: 'deny', code: 'NO_PUBLIC_ADDRESS', resource: target.resource, message: `${target.resource.path} has no public address, so nothing outside its VPC can address it from the internet` }));
    }
    // A workload's groups are known when it names them, or when its subnet (hence its VPC's default group) is.
    const knownGroups = (w: WorkloadModel, p: Placement) => !w.unknown && !w.noGroups && (w.groupKeys.length > 0 || p.subnet !== undefined);
    const sourceGroups = source.workload && knownGroups(source.workload, source)
      ? groupsOf(this.network, source.workload, source.subnet?.vpcKey) : undefined;
    const groupsOfSourceKnown = !source.workload || source.workload.noGroups || sourceGroups !== undefined;
    if (knownGroups(target, destination) && groupsOfSourceKnown) {
      const ingress = judgeGroups(this.network, target.resource, groupsOf(this.network, target, destination.subnet?.vpcKey), 'ingress', query.protocol, query.port,
        { groupKeys: sourceGroups?.keys ?? [], description: source.description });
      // Judged by the source's address when it is known (the internet, an address, a placed workload), else only an
      // outright deny counts.
      const deny = outright(ingress);
      if (source.unknown === undefined) {
        judgements.push(ingress);
      } else if (deny) {
        judgements.push(everywhere(deny));
      }
    }
    if (source.workload && sourceGroups && knownGroups(target, destination)) {
      const destinationGroups = groupsOf(this.network, target, destination.subnet?.vpcKey).keys;
      const deny = outright(judgeGroups(this.network, source.workload.resource, sourceGroups, 'egress', query.protocol, query.port, { groupKeys: destinationGroups, description: target.resource.path }));
      if (deny) {
        judgements.push(everywhere(deny));
      }
    }
    const ranges = source.unknown === undefined && source.ranges.length > 0 ? source.ranges : [{ first: 0n, last: MAX_IPV4 }];
    return judgeSegments(overlay(judgements, ranges), source.unknown === undefined ? source.existential : true, flow);
  }

  /** The checks of one leg, from a placed source to a placed destination, each a judgement of the source's address. */
  private legJudgements(query: LegQuery, source: Placement, destination: Placement, notes: string[]): Judgement[] {
    const target = destination.workload!;
    const dSubnet = destination.subnet!;
    const dRange = destination.ranges[0];
    const external = source.subnet === undefined;
    const judgements: Judgement[] = [];
    const constant = (d: Decision) => judgements.push(everywhere(d));
    const protocol = query.protocol;
    const port = query.port;
    const ephemeral = this.options.ephemeralPorts ?? { from: 1024, to: 65535 };

    // The load balancer ends the client's flow: it must listen on the port.
    if (target.kind === 'load-balancer') {
      const ports = target.listenerPorts ?? [];
      constant(ports.includes(port)
        ? { layer: 'load-balancer', verdict: 'allow', code: 'LB_LISTENER', resource: target.resource, entry: `listener on port ${port}`, message: `load balancer ${target.resource.path} listens on port ${port}; it ends the client's flow and starts a new one to its targets` }
        : ports.includes(undefined)
          ? { layer: 'load-balancer', verdict: 'unknown', code: 'LB_LISTENER_UNKNOWN', resource: target.resource, message: `a listener port of load balancer ${target.resource.path} is not known at synth` }
          : { layer: 'load-balancer', verdict: 'deny', code: 'LB_NO_LISTENER', resource: target.resource, message: `load balancer ${target.resource.path} has no listener on port ${port} (it listens on ${ports.join(', ') || 'no port'})` });
    }

    // Routes.
    if (external && source.family === IpFamily.IPV6) {
      // Every IPv6 address is global: what the client needs is an IPv6 address on the destination (an IPv4-only
      // resource is not reachable over IPv6), and an internal load balancer stays internal.
      // @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html
      const v6 = ipv6AddressOf(target, dSubnet);
      constant('unknown' in v6
        ? { layer: 'route', verdict: 'unknown', code: 'IPV6_ADDRESS_UNKNOWN', resource: target.resource, message: `whether ${target.resource.path} has an IPv6 address: ${v6.unknown} is not known at synth` }
        : !v6.ipv6
          ? { layer: 'route', verdict: 'deny', code: 'NO_IPV6_ADDRESS', resource: target.resource, message: `${target.resource.path} has no IPv6 address (it is IPv4-only in subnet ${dSubnet.resource.path}), so ${source.description} cannot address it` }
          : target.kind === 'load-balancer' && target.publicAddress !== undefined && 'public' in target.publicAddress && !target.publicAddress.public && target.resource.properties.Scheme === 'internal'
            ? { layer: 'route', verdict: 'deny', code: 'NO_PUBLIC_ADDRESS', resource: target.resource, message: `${target.resource.path} is an internal load balancer: the internet cannot reach it over IPv6 either` }
            : { layer: 'route', verdict: 'allow', code: 'IPV6_ADDRESS', resource: target.resource, message: `${target.resource.path} has an IPv6 address, which is global` });
    }
    if (external) {
      const pub = target.publicAddress;
      if (source.family !== IpFamily.IPV6) {
        constant('unknown' in pub
          ? { layer: 'route', verdict: 'unknown', code: 'PUBLIC_ADDRESS_UNKNOWN', resource: target.resource, message: `whether ${target.resource.path} gets a public address: ${pub.unknown} is not known at synth` }
          : pub.public
            ? { layer: 'route', verdict: 'allow', code: 'PUBLIC_ADDRESS', resource: target.resource, message: `${target.resource.path} has a public address${'elasticIp' in pub && pub.elasticIp ? ' (an elastic IP is associated with it)' : ''}` }
            : { layer: 'route', verdict: 'deny', code: 'NO_PUBLIC_ADDRESS', resource: target.resource, message: `${target.resource.path} has no public address, so nothing outside its VPC can address it from the internet` });
      }
      const throughFirewall = new Map<string, FirewallModel>();
      const responses = judgeRoutes(this.routing, dSubnet, `the response to ${source.description}`, (route) => {
        const firewall = firewallOfRoute(this.network, route)?.firewall;
        if (firewall) {
          const decision: Decision = { layer: 'route', verdict: 'allow', code: 'ROUTE_TO_FIREWALL', resource: route.resource, message: `subnet ${dSubnet.resource.path} routes responses to ${source.description} to an endpoint of firewall ${firewall.resource.path} by "${describeRoute(route)}"` };
          throughFirewall.set(route.resource.key, firewall);
          return decision;
        }
        if (route.targetKind === 'internet-gateway') {
          const gateway = route.targetKey ? this.routing.internetGateways.get(route.targetKey) : undefined;
          if (gateway && !gateway.attachedVpcKeys.includes(dSubnet.vpcKey)) {
            return { layer: 'route', verdict: 'deny', code: 'INTERNET_GATEWAY_NOT_ATTACHED', resource: gateway.resource, message: `internet gateway ${gateway.resource.path} is not attached to the VPC of subnet ${dSubnet.resource.path}` };
          }
          return { layer: 'route', verdict: 'allow', code: 'ROUTE_TO_INTERNET_GATEWAY', resource: route.resource, message: `subnet ${dSubnet.resource.path} routes responses to ${source.description} to an internet gateway by "${describeRoute(route)}"` };
        }
        if (route.targetKind === 'egress-only-internet-gateway') {
          // An egress-only internet gateway carries IPv6 connections the VPC starts, and their responses, only.
          // @see https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html
          return { layer: 'route', verdict: 'deny', code: 'EGRESS_ONLY_INTERNET_GATEWAY', resource: route.resource, message: `subnet ${dSubnet.resource.path} routes responses to ${source.description} to an egress-only internet gateway by "${describeRoute(route)}", which lets no connection from the internet in` };
        }
        if (route.targetKind === 'leaves-vpc' || route.targetKind === 'vpc-endpoint' || route.targetKind === 'network-interface' || route.targetKind === 'instance' || route.targetKind === 'unknown') {
          return { layer: 'route', verdict: 'unknown', code: 'ROUTE_NOT_FOLLOWED', resource: route.resource, message: `subnet ${dSubnet.resource.path} routes responses to ${source.description} by "${describeRoute(route)}", through something the model does not follow yet` };
        }
        return undefined;
      }, { layer: 'route', verdict: 'deny', code: 'NO_ROUTE_TO_INTERNET_GATEWAY', resource: dSubnet.resource, message: `subnet ${dSubnet.resource.path} has no route to an internet gateway for ${source.description}, so responses cannot return` });
      judgements.push(responses);
      for (const firewall of new Set(throughFirewall.values())) {
        const pieces = responses.filter((p) => p.decision.code === 'ROUTE_TO_FIREWALL' && throughFirewall.get(p.decision.resource!.key) === firewall);
        judgements.push(...this.inboundThroughFirewall(query, firewall, dSubnet, dRange, source.description, notes).map((j) => restrict(j, pieces)));
      }
    } else {
      const sSubnet = source.subnet!;
      const sameVpc = sSubnet.vpcKey === dSubnet.vpcKey;
      const inside = (purpose: string, from: RoutedSubnetModel) => localRoute(purpose, from, sameVpc);
      const noRoute = noRouteFor;
      const forward = `traffic to ${target.resource.path}`;
      const forwardAccept = (route: RouteModel): Decision | undefined => (route.targetKind === 'internet-gateway' && isPrivateRange(dRange)
        ? privateToInternet(route, sSubnet, target.resource.path)
        : inside(forward, sSubnet)(route));
      judgements.push(everywhere(collapse(judgeRoutes(this.routing, sSubnet, forward, forwardAccept, noRoute(sSubnet, forward)), dRange, `subnet ${dSubnet.resource.path}`)));
      const back = `responses to ${source.description}`;
      judgements.push(judgeRoutes(this.routing, dSubnet, back, inside(back, dSubnet), noRoute(dSubnet, back)));
    }

    // NACLs: none within one subnet.
    if (!external && source.subnet!.key === dSubnet.key) {
      notes.push(`${source.description} and ${target.resource.path} share subnet ${dSubnet.resource.path}: traffic within a subnet crosses no NACL`);
    } else {
      if (!external) {
        const sNacl = naclOfSubnet(this.network, source.subnet!);
        const what = `subnet ${dSubnet.resource.path}`;
        judgements.push(everywhere(collapse(judgeNacl(sNacl, 'egress', protocol, { from: port, to: port }, 'request'), dRange, what)));
        judgements.push(everywhere(collapse(judgeNacl(sNacl, 'ingress', protocol, ephemeral, 'return'), dRange, what)));
      }
      const dNacl = naclOfSubnet(this.network, dSubnet);
      judgements.push(judgeNacl(dNacl, 'ingress', protocol, { from: port, to: port }, 'request'));
      judgements.push(judgeNacl(dNacl, 'egress', protocol, ephemeral, 'return'));
    }

    // Security groups: the initiator's outbound rules, the destination's inbound rules.
    const sourceGroups = source.workload && !source.workload.noGroups ? groupsOf(this.network, source.workload, source.subnet?.vpcKey) : undefined;
    if (!target.noGroups) {
      const peer = { groupKeys: sourceGroups?.keys ?? [], description: source.description };
      judgements.push(judgeGroups(this.network, target.resource, groupsOf(this.network, target, dSubnet.vpcKey), 'ingress', protocol, port, peer));
    }
    if (source.workload && sourceGroups) {
      const destinationGroups = target.noGroups ? [] : groupsOf(this.network, target, dSubnet.vpcKey).keys;
      const egress = judgeGroups(this.network, source.workload.resource, sourceGroups, 'egress', protocol, port, { groupKeys: destinationGroups, description: target.resource.path });
      judgements.push(everywhere(collapse(egress, dRange, `subnet ${dSubnet.resource.path}`)));
    }

    // WAF, for an HTTP request to an associated resource.
    if (query.httpPath !== undefined) {
      const waf = judgeWaf(this.network, target, query.httpPath);
      if (waf) {
        judgements.push(waf.judgement);
        notes.push(...waf.notes);
      } else {
        notes.push(`no web ACL is associated with ${target.resource.path}: the HTTP path is not judged`);
      }
    }

    return judgements;
  }
}

/** What one leg of a flow needs: the port and protocol the destination receives, an HTTP path for WAF, a domain. */
interface LegQuery {
  readonly port: number;
  readonly protocol: number;
  readonly httpPath?: string;
  readonly domain?: string;
}

interface EgressState {
  readonly source: Placement;
  /** True once a NAT gateway translated the source address. */
  readonly natted: boolean;
  /** The firewalls the requests went through, in order. */
  readonly firewalls: readonly FirewallModel[];
  /** The routes by which the requests entered them (which endpoint), in the same order. */
  readonly entries: readonly RouteModel[];
  readonly destination: string;
}

/**
 * Whether two routes to a firewall name the same endpoint: the same literal id, the same pick by AZ or by position
 * over one firewall's `EndpointIds`, or the same value; false when both are picks of one firewall that differ;
 * undefined when the template cannot tell.
 */
function sameEndpoint(network: NetworkModel, a: RouteModel, b: RouteModel): boolean | undefined {
  const ca = readEndpointChoice(a.resource.properties.VpcEndpointId, a.resource.stack.id, network);
  const cb = readEndpointChoice(b.resource.properties.VpcEndpointId, b.resource.stack.id, network);
  if (ca.kind === 'literal' && cb.kind === 'literal') {
    return ca.id === cb.id;
  }
  if (ca.kind === 'by-az' && cb.kind === 'by-az' && ca.firewallKey === cb.firewallKey) {
    return ca.az === cb.az;
  }
  if (ca.kind === 'by-position' && cb.kind === 'by-position' && ca.firewallKey === cb.firewallKey) {
    return ca.index === cb.index;
  }
  if (ca.kind === 'endpoint-resource' && cb.kind === 'endpoint-resource') {
    return ca.endpoint.key === cb.endpoint.key;
  }
  return a.resource.stack.id === b.resource.stack.id
    && JSON.stringify(a.resource.properties.VpcEndpointId) === JSON.stringify(b.resource.properties.VpcEndpointId) ? true : undefined;
}

/** A judgement that applies only on some pieces of the address space (a route's): elsewhere it has no say. */
function restrict(judgement: Judgement, pieces: readonly AddressInterval[]): Judgement {
  let result = everywhere({ layer: 'route', verdict: 'allow', code: 'NOT_ON_PATH', message: '' });
  for (const piece of judgement) {
    for (const p of pieces) {
      const first = piece.first > p.first ? piece.first : p.first;
      const last = piece.last < p.last ? piece.last : p.last;
      if (first <= last) {
        result = paint(result, first, last, piece.decision, () => true);
      }
    }
  }
  return result;
}

/** The workloads a flow starts at, when it starts at workloads. */
function sourceKeys(from: FlowSource): readonly string[] {
  return from.kind === 'workloads' ? from.keys : [];
}

/** Alternatives (placements, paths): reachable if one is, blocked if all are, else unknown. */
function anyOf(answers: readonly FlowAnswer[], notes: readonly string[], flow: string): FlowAnswer {
  const reachable = answers.find((a) => a.verdict === 'REACHABLE');
  const dedupe = (lists: Decision[][]) => {
    const seen = new Map<string, Decision>();
    // Keyed once per object: the same decision recurs in many answers, and a key joins long messages.
    const keyed = new Set<Decision>();
    for (const list of lists) {
      for (const d of list) {
        if (!keyed.has(d)) {
          keyed.add(d);
          seen.set(decisionKey(d), d);
        }
      }
    }
    return [...seen.values()];
  };
  const blockers = dedupe(answers.map((a) => a.blockers));
  const unknowns = dedupe(answers.map((a) => a.unknowns));
  const verdict: FlowAnswerVerdict = reachable ? 'REACHABLE' : answers.length > 0 && answers.every((a) => a.verdict === 'BLOCKED') ? 'BLOCKED' : 'UNKNOWN';
  const hops = reachable?.hops ?? [];
  return { verdict, blockers: reachable ? [] : blockers, unknowns: reachable ? [] : unknowns, hops, notes: [...new Set(notes)], flow };
}

function localRoute(purpose: string, from: RoutedSubnetModel, sameVpc: boolean) {
  return (route: RouteModel): Decision | undefined => {
    if (route.targetKind === 'local' && sameVpc) {
      return { layer: 'route', verdict: 'allow', code: 'ROUTE_LOCAL', resource: route.resource, message: `subnet ${from.resource.path} routes ${purpose} by the local route ${describeRoute(route)}` };
    }
    if (route.targetKind === 'local') {
      return undefined;
    }
    return { layer: 'route', verdict: 'unknown', code: 'ROUTE_NOT_FOLLOWED', resource: route.resource, message: `subnet ${from.resource.path} routes ${purpose} by "${describeRoute(route)}", through something the model does not follow yet` };
  };
}

function noRouteFor(from: RoutedSubnetModel, purpose: string): Decision {
  return { layer: 'route', verdict: 'deny', code: 'NO_ROUTE', resource: from.resource, message: `subnet ${from.resource.path} has no route for ${purpose}` };
}

/** An answer for placements of which one is not known at synth: UNKNOWN, naming what. */
function earlyUnknown(placements: readonly Placement[], flow: string): FlowAnswer | undefined {
  const unknowns: Decision[] = placements.filter((p) => p.unknown !== undefined)
    .map((p) => ({ layer: 'placement', verdict: 'unknown', code: 'PLACEMENT_UNKNOWN', resource: p.workload?.resource, message: p.unknown! }));
  return unknowns.length > 0 ? { verdict: 'UNKNOWN', blockers: [], unknowns, hops: [], notes: [], flow } : undefined;
}

/** Two legs one after the other: blocked if either is, reachable if both are, else unknown. */
function bothLegs(first: FlowAnswer, second: FlowAnswer, flow: string): FlowAnswer {
  const legs = [first, second];
  if (legs.some((a) => a.verdict === 'BLOCKED')) {
    return { verdict: 'BLOCKED', blockers: legs.filter((a) => a.verdict === 'BLOCKED').flatMap((a) => a.blockers), unknowns: [], hops: [], notes: [], flow };
  }
  if (legs.every((a) => a.verdict === 'REACHABLE')) {
    return { verdict: 'REACHABLE', blockers: [], unknowns: [], hops: [...first.hops, ...second.hops], notes: [], flow };
  }
  return { verdict: 'UNKNOWN', blockers: legs.flatMap((a) => a.blockers), unknowns: legs.flatMap((a) => a.unknowns), hops: [], notes: [], flow };
}

interface Placement {
  /** The addresses, as a judgement places them ({@link toSpace}). */
  readonly ranges: AddressInterval[];
  /** IPv6 for a client of the internet or an IPv6 address; otherwise IPv4. */
  readonly family?: IpFamily;
  /** True when some address of the ranges reaching is enough (the internet, a CIDR); false for a workload's one address. */
  readonly existential: boolean;
  readonly description: string;
  readonly workload?: WorkloadModel;
  readonly subnet?: RoutedSubnetModel;
  readonly unknown?: string;
}

function judgeSegments(segments: ReturnType<typeof overlay>, existential: boolean, flow: string): FlowAnswer {
  const verdicts = segments.map((s) => combinedVerdict(s.decisions));
  // A check that denies every address of the source stops the flow on its own: those are the blockers. Only when no
  // check does (each stops part of the source, together all of it) is every partial deny listed.
  const checks = segments[0]?.decisions.length ?? 0;
  const whole = [...Array(checks).keys()].filter((i) => segments.every((s) => s.decisions[i].verdict === 'deny'));
  const listed = whole.length > 0 ? whole : [...Array(checks).keys()];
  const seen = new Map<string, Decision>();
  const unknowns = new Map<string, Decision>();
  // One decision spans many segments: each object is keyed once (keys join long messages).
  const keyed = new Set<Decision>();
  const listedChecks = new Set(listed);
  segments.forEach((s) => s.decisions.forEach((d, i) => {
    if (d.verdict === 'deny' && listedChecks.has(i)) {
      if (!keyed.has(d)) {
        keyed.add(d);
        seen.set(decisionKey(d), d);
      }
    } else if (d.verdict === 'unknown' && !keyed.has(d)) {
      keyed.add(d);
      unknowns.set(decisionKey(d), d);
    }
  }));
  const reaching = segments.filter((_, i) => verdicts[i] === 'allow');
  let verdict: FlowAnswerVerdict;
  if (existential) {
    verdict = reaching.length > 0 ? 'REACHABLE' : verdicts.every((v) => v === 'deny') ? 'BLOCKED' : 'UNKNOWN';
  } else {
    verdict = verdicts.length > 0 && verdicts.every((v) => v === 'allow') ? 'REACHABLE' : verdicts.every((v) => v === 'deny') ? 'BLOCKED' : 'UNKNOWN';
  }
  if (!existential && verdict === 'UNKNOWN' && reaching.length > 0) {
    unknowns.set('address', {
      layer: 'placement',
      verdict: 'unknown',
      code: 'SOURCE_ADDRESS_DEPENDS',
      message: `only some addresses of the source's subnet get through (${describeRanges(reaching)}): which one the workload gets is not known at synth`,
    });
  }
  const hops = verdict === 'REACHABLE' ? reaching[0].decisions.filter((d) => d.message !== '') : [];
  return { verdict, blockers: [...seen.values()], unknowns: [...unknowns.values()], hops, notes: [], flow };
}

let publicRanges: AddressInterval[] | undefined;

function publicSpace(): AddressInterval[] {
  publicRanges ??= computePublicSpace();
  return publicRanges;
}

function computePublicSpace(): AddressInterval[] {
  let ranges: AddressInterval[] = [{ first: 0n, last: MAX_IPV4 }];
  for (const text of NON_PUBLIC) {
    const cidr = parseCidrOrReason(text);
    if (typeof cidr === 'string') {
      continue;
    }
    ranges = ranges.flatMap((r) => {
      if (cidr.last < r.first || cidr.first > r.last) {
        return [r];
      }
      const out: AddressInterval[] = [];
      if (r.first < cidr.first) {
        out.push({ first: r.first, last: cidr.first - 1n });
      }
      if (cidr.last < r.last) {
        out.push({ first: cidr.last + 1n, last: r.last });
      }
      return out;
    });
  }
  return ranges;
}

/** The private address blocks (RFC 1918 and the shared block of RFC 6598), which the internet does not route. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((text) => parseCidrOrReason(text))
  .filter((c): c is Exclude<typeof c, string> => typeof c !== 'string');

export function isPrivateRange(range: AddressInterval): boolean {
  return PRIVATE.some((c) => c.first <= range.first && range.last <= c.last);
}

/**
 * A route to an internet gateway for a private address of another workload: the internet gateway sends it to the
 * internet, which does not route private addresses, so it never arrives.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
 */
export function privateToInternet(route: RouteModel, from: RoutedSubnetModel, targetPath: string): Decision {
  return {
    layer: 'route',
    verdict: 'deny',
    code: 'ROUTE_WRONG_TARGET',
    resource: route.resource,
    entry: describeRoute(route),
    message: `subnet ${from.resource.path} routes traffic to ${targetPath} by "${describeRoute(route)}" to the internet, which does not route the private addresses of its subnet`,
  };
}

function describeSource(source: FlowSource): string {
  return source.kind === 'internet' ? 'the internet' : source.kind === 'address' ? source.cidr : source.description;
}

function isLiteralSubnets(text: string): boolean {
  return text.includes('no subnet group') || text.includes('default VPC');
}

/** The text of an answer, as `assert*` throws it and a reviewer reads it. */
export function formatAnswer(answer: FlowAnswer): string {
  const lines = [`${answer.verdict}: ${answer.flow}`];
  const site = (d: Decision) => (d.resource ? ` [${d.resource.stack.stackName} ${d.resource.logicalId}${d.resource.cdkPath ? ` at ${d.resource.cdkPath}` : ''}${d.entry ? `, ${d.entry}` : ''}]` : d.entry ? ` [${d.entry}]` : '');
  if (answer.blockers.length > 0) {
    lines.push('Blocked by:');
    answer.blockers.forEach((d) => lines.push(`  - ${d.layer} ${d.code}: ${d.message}${site(d)}`));
  }
  if (answer.unknowns.length > 0) {
    lines.push('Not known at synth:');
    answer.unknowns.forEach((d) => lines.push(`  - ${d.layer} ${d.code}: ${d.message}${site(d)}`));
  }
  if (answer.hops.length > 0) {
    lines.push('Path:');
    answer.hops.forEach((d) => lines.push(`  - ${d.layer}: ${d.message}${site(d)}`));
  }
  answer.notes.forEach((n) => lines.push(`Note: ${n}`));
  return lines.join('\n');
}
