// Who can reach each data store: the internet, and every other workload group (workloads that share one set of
// security groups), on which ports and protocols, and which layer decides. Built on `ReachabilityModel.explain`: the
// ports are cut where any rule that judges the pair (the groups' rules, the NACL entries, the listeners) starts or
// ends, so one explained port stands for every port of its range. CDK-free.
import { Decision } from './decision';
import { FlowAnswer, FlowAnswerVerdict, FlowSource, isPrivateRange, privateToInternet, ReachabilityModel, ReachabilityOptions } from './explain';
import { naclOfSubnet } from './nacl-layer';
import { describeRoute, longestPrefixMatch } from './route-layer';
import { groupPortBoundaries, groupsOf, judgeGroups } from './security-group-layer';
import { IpFamily } from '../../ip/family';
import { MAX_EXACT_ENTRIES, scopeEntryCount } from '../model/model-nacl';
import { describeKey, Json } from '../model/model-values';
import type { NaclModel, NetworkModel } from '../model/network-model';
import type { RoutedSubnetModel } from '../model/routing';
import type { WorkloadKind, WorkloadModel } from '../model/workloads';

/**
 * The tag that marks any workload as holding e-PHI (an instance running a database, a service with a cache), so the
 * exposure analysis and its rules treat it as a data store. The value is compared without regard to case.
 */
export const DATA_CLASSIFICATION_TAG_KEY = 'cdk-layered-defense:data-classification';
export const E_PHI_TAG_VALUE = 'e-PHI';

/** The workload kinds that are data stores whatever their tags say. */
const STORE_KINDS: Partial<Record<WorkloadKind, string>> = {
  'rds-instance': 'an RDS DB instance',
  'rds-cluster': 'an RDS DB cluster',
  'elasticache': 'an ElastiCache cluster',
  'opensearch-domain': 'an OpenSearch domain',
  'efs-mount-target': 'an EFS mount target',
};

const TCP = 6;
const UDP = 17;
const MAX_PORT = 65535;

export interface DataStore {
  readonly workload: WorkloadModel;
  /** Why it is a data store: `an RDS DB instance`, `tagged cdk-layered-defense:data-classification=e-PHI`. */
  readonly reason: string;
}

/** Workloads that share one set of security groups. */
export interface WorkloadGroup {
  /** The sorted group keys, `default:<vpc>` for a VPC's default group, or `none:`/`unknown:` and a workload's key. */
  readonly key: string;
  /** The security groups' keys (a VPC's key stands for its default group). */
  readonly groupKeys: readonly string[];
  readonly members: readonly WorkloadModel[];
  /** The groups' names: `security group App/AppGroup`, `App/Nlb (no security group)`. */
  readonly description: string;
}

/** One range of ports of one protocol over which a source gets the same answer. */
export interface ExposureRange {
  readonly protocol: number;
  readonly fromPort: number;
  readonly toPort: number;
  readonly verdict: FlowAnswerVerdict;
  /**
   * What decides: every blocker (BLOCKED), every value unknown at synth (UNKNOWN), the destination's rule that admits
   * (REACHABLE: its security group's, or every allowing hop when no group judges it).
   */
  readonly decisions: readonly Decision[];
  /**
   * `explain`'s answer for the range's first port. Undefined when the source's subnets have no route to the data
   * store's (another VPC): the route decides, and `explain` lists every other blocker.
   */
  readonly answer?: FlowAnswer;
}

export interface SourceExposure {
  /** Undefined for the internet. */
  readonly group?: WorkloadGroup;
  readonly description: string;
  /** REACHABLE when some range is, else UNKNOWN when some range is, else BLOCKED. */
  readonly verdict: FlowAnswerVerdict;
  readonly ranges: readonly ExposureRange[];
}

export interface DataStoreExposure {
  readonly store: DataStore;
  /** The internet first, then every workload group other than the data store itself. */
  readonly sources: readonly SourceExposure[];
}

export interface ExposureOptions {
  /**
   * The protocols judged, by number.
   * @default [6, 17] (TCP and UDP)
   */
  readonly protocols?: readonly number[];
}

/** Every data store of the model: the data-store kinds of workloads, and every workload tagged as holding e-PHI. */
export function dataStoresOf(model: ReachabilityModel): DataStore[] {
  const stores: DataStore[] = [];
  for (const workload of model.workloads) {
    const kind = STORE_KINDS[workload.kind];
    const tag = classification(workload.resource.properties?.Tags);
    if (kind !== undefined) {
      stores.push({ workload, reason: kind });
    } else if (tag !== undefined) {
      stores.push({ workload, reason: tag });
    }
  }
  return stores;
}

/**
 * Whether a resource's tags mark it as holding e-PHI: a reason, or undefined. A value unknown at synth counts as e-PHI
 * (a data store judged for nothing would be a silent pass).
 */
function classification(tags: Json): string | undefined {
  let value: Json;
  if (Array.isArray(tags)) {
    value = tags.find((t: Json) => t?.Key === DATA_CLASSIFICATION_TAG_KEY)?.Value;
  } else if (tags !== null && typeof tags === 'object') {
    value = tags[DATA_CLASSIFICATION_TAG_KEY];
  }
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value.toLowerCase() === E_PHI_TAG_VALUE.toLowerCase() ? `tagged ${DATA_CLASSIFICATION_TAG_KEY}=${E_PHI_TAG_VALUE}` : undefined;
  }
  return `tagged ${DATA_CLASSIFICATION_TAG_KEY} with a value not known at synth (taken as ${E_PHI_TAG_VALUE})`;
}

/** The app's workloads grouped by their security groups. */
export function workloadGroupsOf(model: ReachabilityModel): WorkloadGroup[] {
  const byKey = new Map<string, { groupKeys: string[]; members: WorkloadModel[]; description: string }>();
  for (const w of model.workloads) {
    const { key, groupKeys, description } = groupKeyOf(model, w);
    const entry = byKey.get(key);
    if (entry) {
      entry.members.push(w);
    } else {
      byKey.set(key, { groupKeys, members: [w], description });
    }
  }
  return [...byKey.entries()].map(([key, g]) => ({ key, ...g }));
}

function groupKeyOf(model: ReachabilityModel, w: WorkloadModel): { key: string; groupKeys: string[]; description: string } {
  if (w.unknown !== undefined) {
    return { key: `unknown:${w.key}`, groupKeys: [], description: `${w.resource.path} (placement not known at synth)` };
  }
  if (w.noGroups) {
    return { key: `none:${w.key}`, groupKeys: [], description: `${w.resource.path} (no security group)` };
  }
  const vpcKey = w.subnetKeys.map((k) => model.routing.subnets.get(k)?.vpcKey).find((k) => k !== undefined);
  const keys = [...groupsOf(model.network, w, vpcKey).keys].sort();
  if (keys.length === 0) {
    return { key: `unknown:${w.key}`, groupKeys: [], description: `${w.resource.path} (security groups not known at synth)` };
  }
  const names = keys.map((k) => groupName(model.network, k));
  return { key: keys.join('\u0000'), groupKeys: keys, description: `security group${keys.length > 1 ? 's' : ''} ${names.join(' + ')}` };
}

/** How a report names a security group key (a VPC's key names its default group). */
export function groupName(network: NetworkModel, key: string): string {
  const group = network.securityGroup(key);
  if (group) {
    return group.resource.path;
  }
  const vpc = network.vpcs.find((v) => v.key === key);
  return vpc ? `the default security group of ${vpc.resource.path}` : describeKey(key);
}

/** Who can reach each data store, on which ports, and which layer decides. */
export function analyzeExposure(model: ReachabilityModel, options: ExposureOptions = {}): DataStoreExposure[] {
  const analysis = new ExposureAnalysis(model, options.protocols ?? [TCP, UDP]);
  const groups = workloadGroupsOf(model);
  return dataStoresOf(model).map((store) => ({
    store,
    sources: [
      analysis.fromInternet(store.workload),
      ...groups.flatMap((group) => {
        if (!group.members.includes(store.workload)) {
          return [analysis.fromGroup(group, store.workload)];
        }
        const members = group.members.filter((m) => m !== store.workload);
        return members.length > 0 ? [analysis.fromGroup({ ...group, members }, store.workload)] : [];
      }),
    ],
  }));
}

/** Who on the internet can reach one workload, port range by port range. */
export function internetExposure(model: ReachabilityModel, workload: WorkloadModel, options: ExposureOptions = {}): SourceExposure {
  return new ExposureAnalysis(model, options.protocols ?? [TCP, UDP]).fromInternet(workload);
}

interface RoutePiece {
  readonly first: bigint;
  readonly last: bigint;
  readonly decide?: (target: WorkloadModel) => Decision;
  /** The route carries the traffic, or its target is one the engine answers UNKNOWN for: explain must judge. */
  readonly open: boolean;
  /** A route to an internet gateway: it carries nothing to a private address. */
  readonly privateOnly?: boolean;
}

class ExposureAnalysis {
  /** Longest-prefix-match pieces of each subnet's routes, for the cross-VPC shortcut. */
  private readonly routePieces = new Map<string, RoutePiece[]>();
  /** For each pair of subnets, the route piece that cuts them apart (undefined: nothing does). */
  private readonly cuts = new Map<RoutedSubnetModel, Map<RoutedSubnetModel, RoutePiece | undefined>>();
  /** Whether a target's groups deny every address, by target, protocol, port and peer groups. */
  private readonly denies = new Map<string, boolean>();
  private readonly placed = new Map<string, RoutedSubnetModel[] | undefined>();
  /** One array per distinct list of subnets, so cuts can be cached by it. */
  private readonly interned = new Map<string, RoutedSubnetModel[]>();
  private readonly groupCuts = new Map<WorkloadGroup, Map<RoutedSubnetModel[], RoutePiece[] | undefined>>();

  constructor(private readonly model: ReachabilityModel, private readonly protocols: readonly number[]) {}

  public fromInternet(target: WorkloadModel): SourceExposure {
    return this.judge({ kind: 'internet' }, 'the internet', undefined, target);
  }

  public fromGroup(group: WorkloadGroup, target: WorkloadModel): SourceExposure {
    const pieces = this.routeCut(group, target);
    if (pieces) {
      // The route decisions are built only when read: most pairs of a large app are cut, and few are ever shown.
      const ranges = this.protocols.map((protocol) => new RouteCutRange(protocol, pieces, target));
      return { group, description: group.description, verdict: 'BLOCKED', ranges };
    }
    const source: FlowSource = { kind: 'workloads', keys: group.members.map((m) => m.key), description: group.description };
    return this.judge(source, group.description, group, target);
  }

  private judge(source: FlowSource, description: string, group: WorkloadGroup | undefined, target: WorkloadModel): SourceExposure {
    const ranges: ExposureRange[] = [];
    const to = { keys: [target.key], description: target.resource.path };
    for (const protocol of this.protocols) {
      const cuts = this.portCuts(group?.members ?? [], target, protocol);
      let previous: { range: ExposureRange; signature: string } | undefined;
      const push = (range: ExposureRange, signature: string) => {
        if (previous && previous.signature === signature) {
          // Merging keeps a lazy range lazy (a spread would read its getters).
          const merged: ExposureRange = previous.range instanceof GroupsDenyRange
            ? previous.range.extendedTo(range.toPort)
            : { ...previous.range, toPort: range.toPort };
          previous.range = merged;
          ranges[ranges.length - 1] = merged;
          return;
        }
        ranges.push(range);
        previous = { range, signature };
      };
      for (let i = 0; i < cuts.length; i++) {
        const fromPort = cuts[i];
        const toPort = i + 1 < cuts.length ? cuts[i + 1] - 1 : MAX_PORT;
        if (this.groupsDenyAll(group, target, protocol, fromPort)) {
          // The data store's groups admit no address of the source on these ports: BLOCKED whatever the other layers
          // say. `explain` lists every blocker, when the decisions are read.
          push(new GroupsDenyRange(protocol, fromPort, toPort, () => this.model.explain({ from: source, to, port: fromPort, protocol })), 'groups deny all');
          continue;
        }
        const answer = this.model.explain({ from: source, to, port: fromPort, protocol });
        const decisions = deciding(answer);
        push({ protocol, fromPort, toPort, verdict: answer.verdict, decisions, answer },
          [answer.verdict, ...decisions.map((d) => [d.layer, d.code, d.resource?.key ?? '', d.entry ?? ''].join('|')).sort()].join('\u0000'));
      }
    }
    const verdict: FlowAnswerVerdict = ranges.some((r) => r.verdict === 'REACHABLE') ? 'REACHABLE'
      : ranges.some((r) => r.verdict === 'UNKNOWN') ? 'UNKNOWN' : 'BLOCKED';
    return { group, description, verdict, ranges };
  }

  /**
   * True when the target's security groups deny every address on `port`, whatever the source's (the internet, or a
   * group whose security groups are known): no rule admits its groups and no CIDR rule admits any address.
   */
  private groupsDenyAll(group: WorkloadGroup | undefined, target: WorkloadModel, protocol: number, port: number): boolean {
    if (target.unknown !== undefined || target.noGroups || (group !== undefined && group.key.startsWith('unknown:'))) {
      return false;
    }
    const peer = group?.groupKeys ?? [];
    const key = `${target.key}\u0000${protocol}\u0000${port}\u0000${peer.join(',')}`;
    let result = this.denies.get(key);
    if (result === undefined) {
      const vpcKeys = [...new Set(this.subnetsOf(target).map((s) => s.vpcKey))];
      result = (target.groupKeys.length > 0 || vpcKeys.length > 0) && (vpcKeys.length > 0 ? vpcKeys : [undefined]).every((vpcKey) =>
        judgeGroups(this.model.network, target.resource, groupsOf(this.model.network, target, vpcKey), 'ingress', protocol, port, { groupKeys: peer, description: '' })
          .every((p) => p.decision.verdict === 'deny'));
      this.denies.set(key, result);
    }
    return result;
  }

  /**
   * The first port of every range over which no rule that judges the pair changes: 0, and each bound of the
   * destination's inbound and the sources' outbound security group rules, of the NACL entries the request crosses,
   * and of a load balancer's listeners. The response crosses the NACLs on the client's ephemeral ports, which do not
   * depend on the port asked for.
   */
  private portCuts(sources: readonly WorkloadModel[], target: WorkloadModel, protocol: number): number[] {
    const network = this.model.network;
    const cuts = new Set<number>([0]);
    const add = (from: number, to: number) => {
      cuts.add(from);
      cuts.add(to + 1);
    };
    const sides: Array<[WorkloadModel, 'ingress' | 'egress']> = [[target, 'ingress'], ...sources.map((s): [WorkloadModel, 'egress'] => [s, 'egress'])];
    for (const [w, direction] of sides) {
      const subnets = this.subnetsOf(w);
      if (!w.noGroups && (w.groupKeys.length > 0 || subnets.length > 0)) {
        for (const vpcKey of new Set(subnets.length > 0 ? subnets.map((s) => s.vpcKey) : [undefined])) {
          groupPortBoundaries(network, groupsOf(network, w, vpcKey), direction, protocol).forEach((p) => cuts.add(p));
        }
      }
      for (const subnet of subnets) {
        const nacl = naclOfSubnet(network, subnet).nacl;
        if (nacl !== undefined) {
          for (const cut of naclPortCuts(nacl, direction, protocol)) {
            cuts.add(cut);
          }
        }
      }
    }
    for (const port of target.listenerPorts ?? []) {
      if (port !== undefined) {
        add(port, port);
      }
    }
    return [...cuts].filter((p) => p >= 0 && p <= MAX_PORT).sort((a, b) => a - b);
  }

  private subnetsOf(w: WorkloadModel): RoutedSubnetModel[] {
    return w.subnetKeys.map((k) => this.model.routing.subnets.get(k)).filter((s): s is RoutedSubnetModel => s !== undefined);
  }

  /**
   * When every source placement sits in a VPC other than every placement of the target, and its routes carry
   * nothing to the target's subnets (no route, or only its own VPC's local route, as with overlapping VPC blocks), the
   * route decides for every port and protocol: the decisions `explain` makes for that route. Undefined when anything
   * else may carry the traffic (peering, a transit gateway, an unresolved route) or a placement is not known.
   */
  private routeCut(group: WorkloadGroup, target: WorkloadModel): RoutePiece[] | undefined {
    const targets = this.placedSubnets(target);
    if (!targets) {
      return undefined;
    }
    // Per group and set of target subnets: data stores that share subnets share the answer.
    let byTargets = this.groupCuts.get(group);
    if (!byTargets) {
      byTargets = new Map();
      this.groupCuts.set(group, byTargets);
    }
    if (byTargets.has(targets)) {
      return byTargets.get(targets);
    }
    let cutting: RoutePiece[] | undefined = [];
    for (const source of group.members) {
      const subnets = this.placedSubnets(source);
      if (!subnets) {
        cutting = undefined;
        break;
      }
      for (const sub of subnets) {
        for (const d of targets) {
          const piece = this.cutBetween(sub, d);
          if (!piece) {
            cutting = undefined;
            break;
          }
          if (!cutting.includes(piece)) {
            cutting.push(piece);
          }
        }
        if (!cutting) {
          break;
        }
      }
      if (!cutting) {
        break;
      }
    }
    byTargets.set(targets, cutting);
    return cutting;
  }

  /** The route piece that stops traffic from subnet `s` to subnet `d` of another VPC, or undefined when none does. */
  private cutBetween(s: RoutedSubnetModel, d: RoutedSubnetModel): RoutePiece | undefined {
    let fromS = this.cuts.get(s);
    if (!fromS) {
      fromS = new Map();
      this.cuts.set(s, fromS);
    }
    if (fromS.has(d)) {
      return fromS.get(d);
    }
    let result: RoutePiece | undefined;
    if (s.vpcKey !== d.vpcKey) {
      const overlapping = this.piecesOf(s).filter((p) => p.last >= d.cidr!.first && p.first <= d.cidr!.last);
      result = overlapping.some((p) => p.open || (p.privateOnly && !isPrivateRange(d.cidr!))) ? undefined : overlapping[0];
    }
    fromS.set(d, result);
    return result;
  }

  private placedSubnets(w: WorkloadModel): RoutedSubnetModel[] | undefined {
    if (this.placed.has(w.key)) {
      return this.placed.get(w.key);
    }
    let result: RoutedSubnetModel[] | undefined;
    if (w.unknown === undefined && w.subnetKeys.length > 0) {
      const subnets = this.subnetsOf(w);
      if (subnets.length === w.subnetKeys.length && subnets.every((s) => s.cidr !== undefined)) {
        const key = w.subnetKeys.join('\u0000');
        result = this.interned.get(key) ?? subnets;
        this.interned.set(key, result);
      }
    }
    this.placed.set(w.key, result);
    return result;
  }

  /** A subnet's routes by destination address, as the route layer's longest prefix match reads them. */
  private piecesOf(subnet: RoutedSubnetModel): RoutePiece[] {
    let pieces = this.routePieces.get(subnet.key);
    if (!pieces) {
      const path = subnet.resource.path;
      const purpose = (target: WorkloadModel) => `traffic to ${target.resource.path}`;
      pieces = longestPrefixMatch(this.model.routing.routesOf(subnet)).map((p): RoutePiece => {
        if (p.unknown) {
          return { first: p.first, last: p.last, open: true };
        }
        const route = p.route;
        if (!route) {
          return {
            first: p.first,
            last: p.last,
            open: false,
            decide: (t) => ({ layer: 'route', verdict: 'deny', code: 'NO_ROUTE', resource: subnet.resource, message: `subnet ${path} has no route for ${purpose(t)}` }),
          };
        }
        if (route.targetKind === 'internet-gateway') {
          // Closed only for a private destination, as explain judges it.
          return { first: p.first, last: p.last, open: false, privateOnly: true, decide: (t) => privateToInternet(route, subnet, t.resource.path) };
        }
        if (route.targetKind !== 'local') {
          return { first: p.first, last: p.last, open: true };
        }
        // The local route of the source's own VPC: it does not carry traffic to another VPC.
        const entry = describeRoute(route);
        return {
          first: p.first,
          last: p.last,
          open: false,
          decide: (t) => ({
            layer: 'route',
            verdict: 'deny',
            code: 'ROUTE_WRONG_TARGET',
            resource: route.resource,
            entry,
            message: `subnet ${path} routes ${purpose(t)} by "${entry}", which does not carry it`,
          }),
        };
      });
      this.routePieces.set(subnet.key, pieces);
    }
    return pieces;
  }
}

/** A range blocked by routing between VPCs, for every port of a protocol; its decisions are built when read. */
class RouteCutRange implements ExposureRange {
  public readonly fromPort = 0;
  public readonly toPort = MAX_PORT;
  public readonly verdict = 'BLOCKED' as const;
  private built?: Decision[];

  constructor(public readonly protocol: number, private readonly pieces: readonly RoutePiece[], private readonly target: WorkloadModel) {}

  public get decisions(): Decision[] {
    if (!this.built) {
      const decisions = new Map<string, Decision>();
      for (const piece of this.pieces) {
        const decision = piece.decide!(this.target);
        decisions.set(`${decision.code}\u0000${decision.resource?.key}\u0000${decision.entry ?? ''}`, decision);
      }
      this.built = [...decisions.values()];
    }
    return this.built;
  }
}

/** A range the data store's security groups deny outright; `explain` at its first port is run when it is read. */
class GroupsDenyRange implements ExposureRange {
  public readonly verdict = 'BLOCKED' as const;
  private explained?: FlowAnswer;

  constructor(
    public readonly protocol: number,
    public readonly fromPort: number,
    public readonly toPort: number,
    private readonly explainFirst: () => FlowAnswer,
  ) {}

  public get answer(): FlowAnswer {
    this.explained ??= this.explainFirst();
    return this.explained;
  }

  public get decisions(): Decision[] {
    return deciding(this.answer);
  }

  public extendedTo(toPort: number): GroupsDenyRange {
    return new GroupsDenyRange(this.protocol, this.fromPort, toPort, this.explainFirst);
  }
}

/** The decisions a reader needs to know what decides an answer (see {@link ExposureRange.decisions}). */
function deciding(answer: FlowAnswer): Decision[] {
  if (answer.verdict === 'BLOCKED') {
    return answer.blockers;
  }
  if (answer.verdict === 'UNKNOWN') {
    return answer.unknowns;
  }
  const admitting = answer.hops.filter((h) => h.code === 'SG_INGRESS_ALLOW');
  return admitting.length > 0 ? admitting : answer.hops;
}

/** `tcp 5432`, `tcp 0-65535`, `udp 53`. */
export function describePorts(range: Pick<ExposureRange, 'protocol' | 'fromPort' | 'toPort'>): string {
  const name = range.protocol === TCP ? 'tcp' : range.protocol === UDP ? 'udp' : `protocol ${range.protocol}`;
  return range.fromPort === range.toPort ? `${name} ${range.fromPort}` : `${name} ${range.fromPort}-${range.toPort}`;
}

/** The port ranges of a source with a verdict, as one phrase: `tcp 5432, tcp 8000-8080`. */
export function describeRanges(source: SourceExposure, verdict: FlowAnswerVerdict): string {
  return source.ranges.filter((r) => r.verdict === verdict).map(describePorts).join(', ');
}

const models = new WeakMap<NetworkModel, Map<string, { model: ReachabilityModel; exposure?: DataStoreExposure[] }>>();

/**
 * One reachability model (and one exposure analysis) per network model and ephemeral range: the rules that read
 * paths share it, so the checks build it once per app.
 */
export function sharedReachability(
  network: NetworkModel, options: ReachabilityOptions = {},
): { model: ReachabilityModel; exposure: () => DataStoreExposure[] } {
  let byOptions = models.get(network);
  if (!byOptions) {
    byOptions = new Map();
    models.set(network, byOptions);
  }
  const key = options.ephemeralPorts ? `${options.ephemeralPorts.from}-${options.ephemeralPorts.to}` : '';
  let entry = byOptions.get(key);
  if (!entry) {
    entry = { model: ReachabilityModel.fromNetworkModel(network, options) };
    byOptions.set(key, entry);
  }
  const shared = entry;
  return { model: shared.model, exposure: () => (shared.exposure ??= analyzeExposure(shared.model)) };
}

/**
 * The port bounds a NACL's entries of one direction and protocol cut, read once per NACL (every pair of data store and
 * source that crosses it asks). A direction and family with more entries than the analysis judges exactly is unknown
 * on every port (./nacl-layer): its bounds cut nothing.
 */
function naclPortCuts(nacl: NaclModel, direction: 'ingress' | 'egress', protocol: number): readonly number[] {
  let byKey = naclCuts.get(nacl);
  if (byKey === undefined) {
    byKey = new Map();
    naclCuts.set(nacl, byKey);
  }
  const key = `${direction} ${protocol}`;
  let cuts = byKey.get(key);
  if (cuts === undefined) {
    const judged = (family: IpFamily) => scopeEntryCount(nacl, direction, family) <= MAX_EXACT_ENTRIES;
    const judgedFamilies = { [IpFamily.IPV4]: judged(IpFamily.IPV4), [IpFamily.IPV6]: judged(IpFamily.IPV6) };
    const found = new Set<number>();
    for (const entry of nacl.entries) {
      const e = entry.normalized;
      if (e !== undefined && judgedFamilies[e.range.family] && e.direction === direction && e.protocol === protocol && e.ports) {
        found.add(e.ports.from);
        found.add(e.ports.to + 1);
      }
    }
    cuts = [...found];
    byKey.set(key, cuts);
  }
  return cuts;
}

const naclCuts = new WeakMap<NaclModel, Map<string, readonly number[]>>();
