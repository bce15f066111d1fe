// Who can reach what, answered from templates: a flow from a source (the internet, an address, a workload) to a
// workload, judged layer by layer (placement, routes, NACLs, security groups, the load balancer's listener, WAF),
// with every layer's deciding resource and entry. Every blocker is listed, not only the first. CDK-free.
import {
  AddressInterval, collapse, combinedVerdict, Decision, decisionKey, describeRanges, everywhere, Judgement, MAX_IPV4, overlay,
} from './decision';
import { judgeNacl, naclOfSubnet, PortRange, protocolName } from './nacl-layer';
import { describeRoute, judgeRoutes } from './route-layer';
import { groupsOf, judgeGroups } from './security-group-layer';
import { judgeWaf } from './waf-layer';
import { IpFamily } from '../../ip/family';
import { parseCidrOrReason } from '../../private/ip';
import { describeKey } from '../model/model-values';
import { buildNetworkModel, NetworkModel, StackInput } from '../model/network-model';
import { buildRoutingModel, RoutedSubnetModel, RouteModel, RoutingModel } from '../model/routing';
import { buildWorkloads, WorkloadModel } from '../model/workloads';

export type FlowSource =
  | { readonly kind: 'internet' }
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

/** A model for reachability: the network model, its routing and its workloads, built once per app. */
export class ReachabilityModel {
  public static fromStacks(stacks: readonly StackInput[], options: ReachabilityOptions = {}): ReachabilityModel {
    return ReachabilityModel.fromNetworkModel(buildNetworkModel(stacks), options);
  }

  /** On a network model already built (the checks' own): only routing and workloads are read. */
  public static fromNetworkModel(network: NetworkModel, options: ReachabilityOptions = {}): ReachabilityModel {
    const routing = buildRoutingModel(network);
    return new ReachabilityModel(network, routing, buildWorkloads(network, routing), options);
  }

  private readonly byKey: Map<string, WorkloadModel>;

  constructor(
    public readonly network: NetworkModel,
    public readonly routing: RoutingModel,
    public readonly workloads: readonly WorkloadModel[],
    private readonly options: ReachabilityOptions = {},
  ) {
    this.byKey = new Map(workloads.map((w) => [w.key, w]));
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
      }
    }
    const reachable = answers.find((a) => a.verdict === 'REACHABLE');
    const dedupe = (lists: Decision[][]) => {
      const seen = new Map<string, Decision>();
      lists.flat().forEach((d) => seen.set(decisionKey(d), d));
      return [...seen.values()];
    };
    const blockers = dedupe(answers.map((a) => a.blockers));
    const unknowns = dedupe(answers.map((a) => a.unknowns));
    const verdict: FlowAnswerVerdict = reachable ? 'REACHABLE' : answers.every((a) => a.verdict === 'BLOCKED') ? 'BLOCKED' : 'UNKNOWN';
    const hops = reachable?.hops ?? [];
    return { verdict, blockers: reachable ? [] : blockers, unknowns: reachable ? [] : unknowns, hops, notes: [...new Set(notes)], flow };
  }

  private sourcePlacements(source: FlowSource): Placement[] {
    if (source.kind === 'internet') {
      return [{ ranges: publicSpace(), existential: true, description: 'the internet' }];
    }
    if (source.kind === 'address') {
      const parsed = parseCidrOrReason(source.cidr, { normalizeHostBits: true });
      if (typeof parsed === 'string') {
        throw new Error(`'${source.cidr}' is not an IP address or CIDR: ${parsed}`);
      }
      if (parsed.family !== IpFamily.IPV4) {
        return [{ ranges: [], existential: true, description: source.cidr, unknown: `IPv6 flows (${source.cidr}) are not modelled yet` }];
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

  private judgePair(query: FlowQuerySpec, source: Placement, destination: Placement, flow: string, notes: string[]): FlowAnswer {
    const unknownOf = (p: Placement): Decision | undefined => (p.unknown !== undefined
      ? { layer: 'placement', verdict: 'unknown', code: 'PLACEMENT_UNKNOWN', resource: p.workload?.resource, message: p.unknown }
      : undefined);
    const early = [unknownOf(source), unknownOf(destination)].filter((d): d is Decision => d !== undefined);
    if (early.length > 0) {
      return this.judgeUnplaced(query, source, destination, early, flow);
    }
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
    if (external) {
      const pub = target.publicAddress;
      constant('unknown' in pub
        ? { layer: 'route', verdict: 'unknown', code: 'PUBLIC_ADDRESS_UNKNOWN', resource: target.resource, message: `whether ${target.resource.path} gets a public address: ${pub.unknown} is not known at synth` }
        : pub.public
          ? { layer: 'route', verdict: 'allow', code: 'PUBLIC_ADDRESS', resource: target.resource, message: `${target.resource.path} has a public address` }
          : { layer: 'route', verdict: 'deny', code: 'NO_PUBLIC_ADDRESS', resource: target.resource, message: `${target.resource.path} has no public address, so nothing outside its VPC can address it from the internet` });
      judgements.push(judgeRoutes(this.routing, dSubnet, `the response to ${source.description}`, (route) => {
        if (route.targetKind === 'internet-gateway') {
          const gateway = route.targetKey ? this.routing.internetGateways.get(route.targetKey) : undefined;
          if (gateway && !gateway.attachedVpcKeys.includes(dSubnet.vpcKey)) {
            return { layer: 'route', verdict: 'deny', code: 'INTERNET_GATEWAY_NOT_ATTACHED', resource: gateway.resource, message: `internet gateway ${gateway.resource.path} is not attached to the VPC of subnet ${dSubnet.resource.path}` };
          }
          return { layer: 'route', verdict: 'allow', code: 'ROUTE_TO_INTERNET_GATEWAY', resource: route.resource, message: `subnet ${dSubnet.resource.path} routes responses to ${source.description} to an internet gateway by "${describeRoute(route)}"` };
        }
        if (route.targetKind === 'leaves-vpc' || route.targetKind === 'vpc-endpoint' || route.targetKind === 'network-interface' || route.targetKind === 'instance' || route.targetKind === 'unknown') {
          return { layer: 'route', verdict: 'unknown', code: 'ROUTE_NOT_FOLLOWED', resource: route.resource, message: `subnet ${dSubnet.resource.path} routes responses to ${source.description} by "${describeRoute(route)}", through something the model does not follow yet` };
        }
        return undefined;
      }, { layer: 'route', verdict: 'deny', code: 'NO_ROUTE_TO_INTERNET_GATEWAY', resource: dSubnet.resource, message: `subnet ${dSubnet.resource.path} has no route to an internet gateway for ${source.description}, so responses cannot return` }));
    } else {
      const sSubnet = source.subnet!;
      const sameVpc = sSubnet.vpcKey === dSubnet.vpcKey;
      const inside = (purpose: string, from: RoutedSubnetModel) => (route: RouteModel): Decision | undefined => {
        if (route.targetKind === 'local' && sameVpc) {
          return { layer: 'route', verdict: 'allow', code: 'ROUTE_LOCAL', resource: route.resource, message: `subnet ${from.resource.path} routes ${purpose} by the local route ${describeRoute(route)}` };
        }
        if (route.targetKind === 'local') {
          return undefined;
        }
        return { layer: 'route', verdict: 'unknown', code: 'ROUTE_NOT_FOLLOWED', resource: route.resource, message: `subnet ${from.resource.path} routes ${purpose} by "${describeRoute(route)}", through something the model does not follow yet` };
      };
      const noRoute = (from: RoutedSubnetModel, purpose: string): Decision => ({ layer: 'route', verdict: 'deny', code: 'NO_ROUTE', resource: from.resource, message: `subnet ${from.resource.path} has no route for ${purpose}` });
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

    return judgeSegments(overlay(judgements, source.ranges), source.existential, flow);
  }

  /**
   * A pair where a placement is not known at synth: the layers that do not depend on it (the load balancer's
   * listener, the security groups, judged for every address the unknown side may have) still decide when they deny
   * outright, since the unknown value cannot change that; otherwise the answer is UNKNOWN, naming the value.
   */
  private judgeUnplaced(query: FlowQuerySpec, source: Placement, destination: Placement, early: Decision[], flow: string): FlowAnswer {
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
}

interface Placement {
  readonly ranges: AddressInterval[];
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
  segments.forEach((s) => s.decisions.forEach((d, i) => {
    if (d.verdict === 'deny' && listed.includes(i)) {
      seen.set(decisionKey(d), d);
    } else if (d.verdict === 'unknown') {
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
