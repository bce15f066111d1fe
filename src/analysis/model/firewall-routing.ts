// The routing of VPCs that hold a Network Firewall, as the firewall's routing rules judge it: which subnets are the
// firewall's, which are protected by it, every route of both IP families with what it targets, which firewall
// endpoint (and so which Availability Zone) a route names, and the edge route tables of the internet gateways.
// Built on ./routing (subnets, route tables, gateways) and ./firewall-model; CDK-free.
//
// A *firewall subnet* is a subnet named in a firewall's `SubnetMappings`. A *protected subnet* is any other subnet of
// a VPC that holds a firewall of the app whose route table sends traffic toward the internet: a default route
// (0.0.0.0/0 or ::/0) to anything but the VPC itself or a connection that leaves it (peering, transit gateway, VPN),
// or a route of any destination to an internet gateway or an egress-only internet gateway. A subnet without such a
// route (an isolated tier) has nothing the firewall could inspect, and nothing to route around it. When the firewall
// sits in front of the NAT gateway (the firewall subnets route to a NAT gateway), the NAT gateway's subnet carries
// inspected traffic only and is not protected either.
// (The rules read routes and placements; the firewall as a hop of reachability is ../reachability's.)
// @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html
import { describeValue, isLiteralString, Json, literalInteger, STACK_REF, targetKey } from './model-values';
import type { FirewallModel, ModelResource, NetworkModel } from './network-model';
import { routingOf, InternetGatewayModel, RoutedSubnetModel, RouteTargetKind, RoutingModel } from './routing';
import { IpFamily } from '../../ip/family';
import { ParsedCidr, parseCidrOrReason } from '../../private/ip';

/** A value as written, with the stack it is read in (a cross-stack value is unwrapped to the exporting stack). */
export interface PlacedValue {
  readonly value: Json;
  readonly stackId: string;
}

/**
 * An Availability Zone as a template names it. Two AZs with the same `id` are the same; two with different ids in the
 * same `group` are different (two literal names, two `Fn::Select` indexes over the same `Fn::GetAZs`); anything else
 * cannot be compared at synth.
 */
export interface AzRef {
  readonly id: string;
  readonly group?: string;
  /** How a message names it: the AZ name, or the expression. */
  readonly label: string;
}

/** How a route names a firewall (or Gateway Load Balancer) endpoint. */
export type EndpointChoice =
  /** Picked by its AZ from `Fn::GetAtt Firewall.EndpointIds` (`Fn::Split` on `,<az>:`, then cut at the next comma). */
  | { readonly kind: 'by-az'; readonly firewallKey: string; readonly az: string }
  /** Picked by position from `EndpointIds` (`Fn::Select [i, ...]`), which AWS lists in no particular order. */
  | { readonly kind: 'by-position'; readonly firewallKey: string; readonly index: number }
  /** An `AWS::EC2::VPCEndpoint` of the app (a Gateway Load Balancer endpoint). */
  | { readonly kind: 'endpoint-resource'; readonly endpoint: ModelResource }
  /** A literal endpoint id: which AZ it is in is not in the template. */
  | { readonly kind: 'literal'; readonly id: string }
  | { readonly kind: 'unknown'; readonly description: string };

/** A route of either family, as the firewall's routing rules read it. */
export interface FirewallRoute {
  readonly resource: ModelResource;
  readonly routeTableKey: string;
  /** Undefined for a prefix-list destination or an unresolved one (see `destinationLabel`). */
  readonly family?: IpFamily;
  /** The exact destination, when literal. */
  readonly destination?: ParsedCidr;
  /** The destination as written (`DestinationCidrBlock`, `DestinationIpv6CidrBlock` or `DestinationPrefixListId`). */
  readonly destinationValue: PlacedValue;
  readonly destinationLabel: string;
  /** True for 0.0.0.0/0 and ::/0, false for another literal destination, undefined when not known. */
  readonly isDefault?: boolean;
  readonly targetKind: RouteTargetKind;
  readonly targetKey?: string;
  readonly targetLabel: string;
  /** For a route to a VPC endpoint: which endpoint. */
  readonly endpoint?: EndpointChoice;
}

/** A firewall's `SubnetMappings` entry. */
export interface FirewallMapping {
  readonly firewall: FirewallModel;
  readonly subnetKey: string;
  /** The subnet, when it is a subnet of the app. */
  readonly subnet?: RoutedSubnetModel;
  readonly value: Json;
}

/** A VPC that holds at least one Network Firewall of the app. */
export interface FirewalledVpc {
  readonly vpcKey: string;
  readonly firewalls: FirewallModel[];
  readonly mappings: FirewallMapping[];
  /** Set when a firewall's `SubnetMappings` is not a literal list: names it. */
  readonly unknownMappings: Array<{ readonly firewall: FirewallModel; readonly what: string }>;
  readonly firewallSubnetKeys: ReadonlySet<string>;
  /**
   * The VPC's subnets of the app that are neither firewall subnets nor the subnets of NAT gateways the firewall
   * subnets route to (the firewall in front of the NAT gateway).
   */
  readonly otherSubnets: RoutedSubnetModel[];
  readonly protectedSubnets: RoutedSubnetModel[];
  /** Internet gateways attached to the VPC (not egress-only). */
  readonly internetGateways: InternetGatewayModel[];
}

const TARGET_PROPERTIES: ReadonlyArray<readonly [string, RouteTargetKind, string]> = [
  ['NatGatewayId', 'nat-gateway', 'NAT gateway'],
  ['EgressOnlyInternetGatewayId', 'egress-only-internet-gateway', 'egress-only internet gateway'],
  ['VpcEndpointId', 'vpc-endpoint', 'endpoint'],
  ['NetworkInterfaceId', 'network-interface', 'network interface'],
  ['InstanceId', 'instance', 'instance'],
  ['VpcPeeringConnectionId', 'leaves-vpc', 'peering connection'],
  ['TransitGatewayId', 'leaves-vpc', 'transit gateway'],
  ['CarrierGatewayId', 'leaves-vpc', 'carrier gateway'],
  ['LocalGatewayId', 'leaves-vpc', 'local gateway'],
  ['CoreNetworkArn', 'leaves-vpc', 'core network'],
];

/** Targets whose default route sends traffic toward the internet from this VPC. */
const TOWARD_INTERNET: ReadonlySet<RouteTargetKind> = new Set<RouteTargetKind>([
  'internet-gateway', 'egress-only-internet-gateway', 'nat-gateway', 'vpc-endpoint', 'network-interface', 'instance', 'unknown',
]);

/** The firewall routing of an app; build it with {@link firewallRouting}. */
export class FirewallRouting {
  public readonly vpcs: FirewalledVpc[] = [];
  /** Every route of the app (both families), by route table key. */
  public readonly routesByTable = new Map<string, FirewallRoute[]>();
  /** The subnets associated with each route table. */
  public readonly subnetsByTable = new Map<string, RoutedSubnetModel[]>();
  public readonly firewallsByKey = new Map<string, FirewallModel>();
  public readonly mappingsByFirewall = new Map<string, FirewallMapping[]>();

  constructor(public readonly model: NetworkModel, public readonly routing: RoutingModel) {}

  /** The routes of a subnet's route table (the main route table holds only local routes). */
  public routesOf(subnet: RoutedSubnetModel): FirewallRoute[] {
    return subnet.routeTableKey !== undefined ? this.routesByTable.get(subnet.routeTableKey) ?? [] : [];
  }

  /** The edge route tables (`AWS::EC2::GatewayRouteTableAssociation`) of a gateway. */
  public edgeTablesOf(gatewayKey: string): string[] {
    return this.routing.gatewayRouteTables.get(gatewayKey) ?? [];
  }

  /** How a message names a resource key: its path when it is in the app. */
  public label(key: string | undefined, fallback: string): string {
    const r = key !== undefined ? this.model.resolveKey(key) : undefined;
    return r ? r.path : fallback;
  }
}

const cache = new WeakMap<NetworkModel, FirewallRouting>();

/** The firewall routing of a model, read once per model (the model is read-only once built). */
export function firewallRouting(model: NetworkModel): FirewallRouting {
  let built = cache.get(model);
  if (!built) {
    built = buildFirewallRouting(model);
    cache.set(model, built);
  }
  return built;
}

function buildFirewallRouting(model: NetworkModel): FirewallRouting {
  // Without a firewall there is nothing to judge: the routing of such an app is never read.
  if (model.firewalls.length === 0) {
    return new FirewallRouting(model, new RoutingModel());
  }
  const routing = routingOf(model);
  const result = new FirewallRouting(model, routing);
  for (const r of model.ofType('AWS::EC2::Route')) {
    const route = readRoute(r, routing, model);
    result.routesByTable.set(route.routeTableKey, [...(result.routesByTable.get(route.routeTableKey) ?? []), route]);
  }
  for (const subnet of routing.subnets.values()) {
    if (subnet.routeTableKey !== undefined) {
      result.subnetsByTable.set(subnet.routeTableKey, [...(result.subnetsByTable.get(subnet.routeTableKey) ?? []), subnet]);
    }
  }
  const byVpc = new Map<string, FirewallModel[]>();
  for (const firewall of model.firewalls) {
    result.firewallsByKey.set(firewall.key, firewall);
    byVpc.set(firewall.vpcKey, [...(byVpc.get(firewall.vpcKey) ?? []), firewall]);
  }
  for (const [vpcKey, firewalls] of byVpc) {
    const mappings: FirewallMapping[] = [];
    const unknownMappings: FirewalledVpc['unknownMappings'] = [];
    for (const firewall of firewalls) {
      const list = firewall.resource.properties.SubnetMappings;
      if (!Array.isArray(list)) {
        unknownMappings.push({ firewall, what: `the subnets of firewall ${firewall.resource.path} (SubnetMappings ${describeValue(list)})` });
        continue;
      }
      const own = list.map((m: Json) => {
        const subnetKey = targetKey(m?.SubnetId, firewall.resource.stack.id);
        return { firewall, subnetKey, subnet: routing.subnets.get(subnetKey), value: m?.SubnetId };
      });
      result.mappingsByFirewall.set(firewall.key, own);
      mappings.push(...own);
    }
    const firewallSubnetKeys = new Set(mappings.map((m) => m.subnetKey));
    // With the firewall before the NAT gateway, the firewall subnets route to a NAT gateway whose subnet then routes
    // to the internet gateway: that subnet carries traffic already inspected, and is not protected itself.
    const natSubnets = new Map(model.natGateways.map((n) => [n.resource.key, n.subnetKey]));
    const afterFirewall = new Set(mappings.flatMap((m) => (m.subnet ? result.routesOf(m.subnet) : []))
      .filter((r) => r.targetKind === 'nat-gateway' && r.targetKey !== undefined && natSubnets.has(r.targetKey))
      .map((r) => natSubnets.get(r.targetKey!)!));
    const otherSubnets = [...routing.subnets.values()]
      .filter((s) => s.vpcKey === vpcKey && !firewallSubnetKeys.has(s.key) && !afterFirewall.has(s.key));
    result.vpcs.push({
      vpcKey,
      firewalls,
      mappings,
      unknownMappings,
      firewallSubnetKeys,
      otherSubnets,
      protectedSubnets: otherSubnets.filter((s) => result.routesOf(s).some(towardInternet)),
      internetGateways: [...routing.internetGateways.values()].filter((g) => !g.egressOnly && g.attachedVpcKeys.includes(vpcKey)),
    });
  }
  return result;
}

/** Whether a route sends traffic toward the internet (see the definition of a protected subnet at the top). */
export function towardInternet(route: FirewallRoute): boolean {
  if (route.targetKind === 'internet-gateway' || route.targetKind === 'egress-only-internet-gateway') {
    return true;
  }
  return route.isDefault !== false && TOWARD_INTERNET.has(route.targetKind);
}

function readRoute(r: ModelResource, routing: RoutingModel, model: NetworkModel): FirewallRoute {
  const p = r.properties;
  const stackId = r.stack.id;
  const [property, family] = p.DestinationCidrBlock !== undefined ? ['DestinationCidrBlock', IpFamily.IPV4]
    : p.DestinationIpv6CidrBlock !== undefined ? ['DestinationIpv6CidrBlock', IpFamily.IPV6] : ['DestinationPrefixListId', undefined];
  const destinationValue = placed(p[property], stackId);
  const parsed = family !== undefined ? parseCidrOrReason(destinationValue.value, { normalizeHostBits: true }) : undefined;
  const destination = parsed !== undefined && typeof parsed !== 'string' && parsed.family === family ? parsed : undefined;
  const literal = isLiteralString(destinationValue.value);
  let targetKind: RouteTargetKind = 'unknown';
  let key: string | undefined;
  let what = 'target';
  let value: Json;
  if (p.GatewayId !== undefined) {
    value = p.GatewayId;
    key = targetKey(value, stackId);
    const gateway = routing.internetGateways.get(key);
    const text = isLiteralString(value) ? value : '';
    targetKind = gateway ? (gateway.egressOnly ? 'egress-only-internet-gateway' : 'internet-gateway')
      : text.startsWith('igw-') ? 'internet-gateway'
        : text.startsWith('vgw-') || (key.startsWith('id:') && model.resolveKey(key) !== undefined) ? 'leaves-vpc' : 'unknown';
    what = targetKind === 'internet-gateway' ? 'internet gateway' : 'gateway';
  } else {
    const found = TARGET_PROPERTIES.find(([name]) => p[name] !== undefined);
    if (found) {
      [, targetKind, what] = found;
      value = p[found[0]];
      key = targetKey(value, stackId);
    }
  }
  const endpoint = targetKind === 'vpc-endpoint' ? readEndpointChoice(value, stackId, model) : undefined;
  const targetLabel = endpoint ? endpointLabel(endpoint, model)
    : `${what} ${key !== undefined && model.resolveKey(key) ? model.resolveKey(key)!.path : describeValue(value)}`;
  return {
    resource: r,
    routeTableKey: targetKey(p.RouteTableId, stackId),
    family,
    destination,
    destinationValue,
    destinationLabel: describeValue(destinationValue.value),
    isDefault: destination ? destination.prefixLength === 0 : literal && family !== undefined ? false : undefined,
    targetKind,
    targetKey: key,
    targetLabel,
    endpoint,
  };
}

/** How a message names the endpoint a route targets. */
function endpointLabel(choice: EndpointChoice, model: NetworkModel): string {
  const firewall = (key: string) => model.describeKey(key);
  switch (choice.kind) {
    case 'by-az':
      return `the endpoint of firewall ${firewall(choice.firewallKey)} in ${choice.az}`;
    case 'by-position':
      return `endpoint ${choice.index} of firewall ${firewall(choice.firewallKey)}'s EndpointIds`;
    case 'endpoint-resource':
      return `endpoint ${choice.endpoint.path}`;
    case 'literal':
      return `endpoint ${choice.id}`;
    default:
      return choice.description;
  }
}

/** A value with any cross-stack wrapper taken off, read in the stack it was written in. */
export function placed(value: Json, stackId: string): PlacedValue {
  let v = value;
  let s = stackId;
  while (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v[STACK_REF]?.stackId === 'string') {
    s = v[STACK_REF].stackId;
    v = v[STACK_REF].value;
  }
  return { value: v, stackId: s };
}

/** A stable text for comparing two values structurally (the same expression in the same stack). */
export function sameValueKey(value: PlacedValue): string {
  return `${value.stackId}\u0000${JSON.stringify(unwrapAll(value.value, value.stackId))}`;
}

function unwrapAll(value: Json, stackId: string): Json {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => unwrapAll(v, stackId));
  }
  const inner = placed(value, stackId);
  if (inner.value !== value) {
    return { [STACK_REF]: inner.stackId, value: unwrapAll(inner.value, inner.stackId) };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapAll(v, stackId)]));
}

/** The one-key intrinsic `name` of a value, or undefined. */
function intrinsic(value: Json, name: string): Json[] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length !== 1) {
    return undefined;
  }
  const arg = value[name];
  return Array.isArray(arg) ? arg : undefined;
}

/** `Fn::Select [index, list]` with a literal index. */
function select(value: Json): { readonly index: number; readonly list: Json } | undefined {
  const arg = intrinsic(value, 'Fn::Select');
  const index = arg?.length === 2 ? literalInteger(arg[0]) : undefined;
  return index !== undefined ? { index, list: arg![1] } : undefined;
}

/** `Fn::Split [delimiter, text]` with a literal delimiter. */
function split(value: Json): { readonly delimiter: string; readonly text: Json } | undefined {
  const arg = intrinsic(value, 'Fn::Split');
  return arg?.length === 2 && typeof arg[0] === 'string' ? { delimiter: arg[0], text: arg[1] } : undefined;
}

/** The firewall whose `EndpointIds` a value is exactly (`Fn::GetAtt [Firewall, EndpointIds]`). */
function endpointIdsOf(value: Json, stackId: string): string | undefined {
  const v = placed(value, stackId);
  const arg = intrinsic(v.value, 'Fn::GetAtt');
  const dotted = typeof v.value?.['Fn::GetAtt'] === 'string' ? String(v.value['Fn::GetAtt']).split('.') : undefined;
  const [logicalId, attribute] = arg ?? dotted ?? [];
  return typeof logicalId === 'string' && attribute === 'EndpointIds' ? targetKey({ Ref: logicalId }, v.stackId) : undefined;
}

/** The firewalls whose `EndpointIds` appear anywhere inside a value (through `Fn::Join`, cross-stack values). */
function endpointIdsInside(value: Json, stackId: string, into: Set<string> = new Set()): Set<string> {
  const v = placed(value, stackId);
  const direct = endpointIdsOf(v.value, v.stackId);
  if (direct) {
    into.add(direct);
  } else if (v.value !== null && typeof v.value === 'object') {
    for (const child of Object.values(v.value)) {
      endpointIdsInside(child, v.stackId, into);
    }
  }
  return into;
}

/**
 * Which endpoint a `VpcEndpointId` names. Two forms over `Fn::GetAtt Firewall.EndpointIds` (a list of
 * `"<az>:vpce-..."` "not listed in any particular order") are read: the pick by AZ that DomainAllowlistFirewall writes
 * (`Fn::Select [0, Fn::Split [",", Fn::Select [1, Fn::Split [",<az>:", <the ids joined>]]]]`), and the pick by position
 * (`Fn::Select [1, Fn::Split [":", Fn::Select [i, EndpointIds]]]`). Anything else over `EndpointIds` is unknown.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-networkfirewall-firewall.html#aws-resource-networkfirewall-firewall-return-values
 */
export function readEndpointChoice(value: Json, stackId: string, model: NetworkModel): EndpointChoice {
  const v = placed(value, stackId);
  if (isLiteralString(v.value)) {
    return { kind: 'literal', id: v.value };
  }
  const key = targetKey(v.value, v.stackId);
  const resource = model.resolveKey(key);
  if (resource?.type === 'AWS::EC2::VPCEndpoint') {
    return { kind: 'endpoint-resource', endpoint: resource };
  }
  const outer = select(v.value);
  const outerSplit = outer ? split(placed(outer.list, v.stackId).value) : undefined;
  if (outer && outerSplit) {
    const inner = select(placed(outerSplit.text, v.stackId).value);
    const innerSplit = inner ? split(placed(inner.list, v.stackId).value) : undefined;
    // By AZ: cut after ",<az>:" and before the next ",".
    const az = /^,?([^,:]+):$/.exec(innerSplit?.delimiter ?? '')?.[1];
    if (outer.index === 0 && outerSplit.delimiter === ',' && inner?.index === 1 && innerSplit && az !== undefined) {
      const firewalls = endpointIdsInside(innerSplit.text, v.stackId);
      if (firewalls.size === 1) {
        return { kind: 'by-az', firewallKey: [...firewalls][0], az };
      }
    }
    // By position: the id after the colon of the i-th "<az>:vpce-..." entry.
    const firewallKey = inner ? endpointIdsOf(inner.list, v.stackId) : undefined;
    if (outer.index === 1 && outerSplit.delimiter === ':' && inner && firewallKey !== undefined) {
      return { kind: 'by-position', firewallKey, index: inner.index };
    }
  }
  return { kind: 'unknown', description: `the endpoint ${describeValue(v.value)}` };
}

/** The AZ of a subnet, or a description of why it cannot be known. */
export function subnetAz(subnet: RoutedSubnetModel): AzRef | { readonly unknown: string } {
  const p = subnet.resource.properties;
  if (p.AvailabilityZone === undefined && isLiteralString(p.AvailabilityZoneId)) {
    return { id: `azid:${p.AvailabilityZoneId}`, group: 'azid', label: p.AvailabilityZoneId };
  }
  if (p.AvailabilityZone === undefined) {
    return { unknown: `the Availability Zone of subnet ${subnet.resource.path} (not set: EC2 picks one)` };
  }
  return azOfValue(placed(p.AvailabilityZone, subnet.resource.stack.id));
}

/** An AZ named by a value: a literal name, `Fn::Select [i, Fn::GetAZs ...]`, or another expression. */
export function azOfValue(value: PlacedValue): AzRef {
  if (isLiteralString(value.value)) {
    return { id: `az:${value.value}`, group: 'az', label: value.value };
  }
  const pick = select(value.value);
  const getAzs = pick ? placed(pick.list, value.stackId).value : undefined;
  if (pick && getAzs !== null && typeof getAzs === 'object' && !Array.isArray(getAzs) && Object.keys(getAzs).length === 1 && 'Fn::GetAZs' in getAzs) {
    // Fn::GetAZs lists distinct AZs of one region: two indexes over the same call in one stack are two AZs.
    const group = `getazs:${value.stackId}:${JSON.stringify(getAzs['Fn::GetAZs'])}`;
    return { id: `${group}#${pick.index}`, group, label: describeValue(value.value) };
  }
  return { id: `expr:${sameValueKey(value)}`, label: describeValue(value.value) };
}

/** Whether two AZs are the same: true, false, or undefined when the template cannot tell. */
export function sameAz(a: AzRef, b: AzRef): boolean | undefined {
  if (a.id === b.id) {
    return true;
  }
  return a.group !== undefined && a.group === b.group ? false : undefined;
}

/** The CIDR block of a subnet in one family, as written (IPv6: `Ipv6CidrBlock`). */
export function subnetCidrValue(subnet: RoutedSubnetModel, family: IpFamily): PlacedValue | undefined {
  const value = family === IpFamily.IPV4 ? subnet.resource.properties.CidrBlock : subnet.resource.properties.Ipv6CidrBlock;
  return value === undefined ? undefined : placed(value, subnet.resource.stack.id);
}

/**
 * How a route's destination covers a subnet's block, for longest-prefix matching: a weight (the prefix length for
 * literal blocks; longer wins), 'unknown' when the template cannot tell, or undefined when it does not cover it.
 * Literal blocks are compared exactly; otherwise the same expression is the same block (the whole address width),
 * and a block CDK carves with `Fn::Select [i, Fn::Cidr [base, ...]]` lies inside `base` (one less).
 */
export function coverage(route: FirewallRoute, subnet: RoutedSubnetModel, family: IpFamily): number | 'unknown' | undefined {
  if (route.family !== family) {
    return route.family === undefined ? 'unknown' : undefined;
  }
  const block = subnetCidrValue(subnet, family);
  if (block === undefined) {
    return undefined;
  }
  if (route.destination?.prefixLength === 0) {
    return 0;
  }
  const parsed = parseCidrOrReason(block.value, { normalizeHostBits: true });
  if (route.destination && typeof parsed !== 'string') {
    return route.destination.first <= parsed.first && parsed.last <= route.destination.last ? route.destination.prefixLength : undefined;
  }
  const maxBits = family === IpFamily.IPV4 ? 32 : 128;
  if (sameValueKey(route.destinationValue) === sameValueKey(block)) {
    return maxBits;
  }
  const carved = select(block.value);
  const cidr = carved ? intrinsic(placed(carved.list, block.stackId).value, 'Fn::Cidr') : undefined;
  if (cidr && sameValueKey(placed(cidr[0], block.stackId)) === sameValueKey(route.destinationValue)) {
    return maxBits - 1;
  }
  return 'unknown';
}
