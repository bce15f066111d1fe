// Routing as reachability needs it, read from the network model's resources: subnets with their CIDR, AZ and VPC,
// route tables with their routes and associations, and what each route leads to. Anything that leaves the VPC
// (peering, transit gateway, VPN) is a leaf: the model does not follow it. CDK-free.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html
import { describeValue, familyText, Json, referenceOf, targetKey } from './model-values';
import type { NetworkModel } from './network-model';
import type { ModelResource } from './resource';
import { IpFamily } from '../../ip/family';
import { ParsedCidr, parseCidrOrReason } from '../../private/ip';

/** Where a route sends traffic. */
export type RouteTargetKind =
  | 'local'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'nat-gateway'
  | 'vpc-endpoint'
  | 'network-interface'
  | 'instance'
  /** Peering, transit gateway, VPN or carrier/local gateways: the traffic leaves the VPC. */
  | 'leaves-vpc'
  | 'unknown';

export interface RouteModel {
  /** The `AWS::EC2::Route`, or for the local route the VPC (or its `AWS::EC2::VPCCidrBlock`). */
  readonly resource: ModelResource;
  readonly routeTableKey: string;
  /** The exact destination; undefined when unresolved (see `unknown`). */
  readonly destination?: ParsedCidr;
  readonly targetKind: RouteTargetKind;
  /** The target's key (`id:<stackId>/<logicalId>` for a resource of the app). */
  readonly targetKey?: string;
  /** The property that names the target (`GatewayId`, `NatGatewayId`...), or `local`. */
  readonly targetProperty: string;
  /**
   * How messages name the target: the resource's path (`Stack/LogicalId`, or its construct path) when it is in the
   * app, else what the template wrote (`igw-0abc`, an import).
   */
  readonly targetText?: string;
  readonly unknown?: string;
  /**
   * True for the local route of a VPC's IPv6 block whose CIDR is not known at synth (Amazon assigns it): it holds no
   * address outside the VPC.
   */
  readonly ownIpv6Block?: boolean;
}

export interface RouteTableModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly vpcKey: string;
  readonly routes: RouteModel[];
}

export interface RoutedSubnetModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly vpcKey: string;
  /** The subnet's IPv4 block; undefined when unresolved (see `unknownCidr`). */
  readonly cidr?: ParsedCidr;
  readonly unknownCidr?: string;
  readonly availabilityZone: Json;
  /** `MapPublicIpOnLaunch`: true, false, or undefined when unresolved. */
  readonly mapPublicIpOnLaunch?: boolean;
  /** Whether the subnet has an IPv6 block (`Ipv6CidrBlock`, `Ipv6CidrBlocks` or `Ipv6Native`), even one not known at synth. */
  readonly ipv6: boolean;
  /** `AssignIpv6AddressOnCreation`: true, false, or undefined when unresolved. */
  readonly assignIpv6OnCreation?: boolean;
  /** The explicitly associated route table's key; undefined means the VPC's main route table (local routes only). */
  readonly routeTableKey?: string;
}

export interface InternetGatewayModel {
  readonly resource: ModelResource;
  readonly key: string;
  /** The VPCs the gateway is attached to (`AWS::EC2::VPCGatewayAttachment`). */
  readonly attachedVpcKeys: string[];
  readonly egressOnly: boolean;
}

/** The routing of an app, built from a network model. */
export class RoutingModel {
  public readonly subnets = new Map<string, RoutedSubnetModel>();
  public readonly routeTables = new Map<string, RouteTableModel>();
  public readonly internetGateways = new Map<string, InternetGatewayModel>();
  /** The local routes of each VPC, one per IPv4 block. */
  public readonly localRoutes = new Map<string, RouteModel[]>();
  /** Route tables associated with a gateway (an IGW edge association), by gateway key. */
  public readonly gatewayRouteTables = new Map<string, string[]>();

  /**
   * The routes a subnet's traffic follows: its route table's, or the main route table's when it has no association
   * (a VPC that CloudFormation creates gets a main table with only the local route, and a template cannot change it).
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#RouteTables
   */
  public routesOf(subnet: RoutedSubnetModel): RouteModel[] {
    const local = this.localRoutes.get(subnet.vpcKey) ?? [];
    const table = subnet.routeTableKey !== undefined ? this.routeTables.get(subnet.routeTableKey) : undefined;
    return [...local, ...(table?.routes ?? [])];
  }

  /** The VPC's IPv4 blocks, as its local routes cover them. */
  public vpcCidrs(vpcKey: string): ParsedCidr[] {
    return (this.localRoutes.get(vpcKey) ?? []).flatMap((r) => (r.destination ? [r.destination] : []));
  }
}

const TARGETS: ReadonlyArray<readonly [string, RouteTargetKind]> = [
  ['NatGatewayId', 'nat-gateway'],
  ['EgressOnlyInternetGatewayId', 'egress-only-internet-gateway'],
  ['VpcEndpointId', 'vpc-endpoint'],
  ['NetworkInterfaceId', 'network-interface'],
  ['InstanceId', 'instance'],
  ['VpcPeeringConnectionId', 'leaves-vpc'],
  ['TransitGatewayId', 'leaves-vpc'],
  ['CarrierGatewayId', 'leaves-vpc'],
  ['LocalGatewayId', 'leaves-vpc'],
  ['CoreNetworkArn', 'leaves-vpc'],
];

const routingCache = new WeakMap<NetworkModel, { readonly size: number; readonly routing: RoutingModel }>();

/**
 * The routing of a model, read once per model: the rules that need it (SgIdleTimeoutLong, the firewall routing
 * rules) and the reachability model each asked for it afresh. Read again if resources were added since (as
 * `NetworkModel.ofType` does). Read-only: nothing may change what it returns.
 */
export function routingOf(model: NetworkModel): RoutingModel {
  const cached = routingCache.get(model);
  if (cached !== undefined && cached.size === model.resources.size) {
    return cached.routing;
  }
  const routing = buildRoutingModel(model);
  routingCache.set(model, { size: model.resources.size, routing });
  return routing;
}

/** Reads routing from the model's resources (keys as the network model's: `id:<stackId>/<logicalId>`). */
export function buildRoutingModel(model: NetworkModel): RoutingModel {
  const routing = new RoutingModel();
  const target = (r: ModelResource, value: Json) => targetKey(value, r.stack.id);

  for (const r of model.ofType('AWS::EC2::VPC')) {
    routing.localRoutes.set(r.key, [localRoute(r, r.key, r.properties.CidrBlock)]);
  }
  for (const r of model.ofType('AWS::EC2::VPCCidrBlock')) {
    const p = r.properties;
    const vpcKey = target(r, p.VpcId);
    if (p.CidrBlock !== undefined) {
      routing.localRoutes.get(vpcKey)?.push(localRoute(r, vpcKey, p.CidrBlock));
    } else if ([p.Ipv6CidrBlock, p.AmazonProvidedIpv6CidrBlock, p.Ipv6Pool, p.Ipv6IpamPoolId].some((v) => v !== undefined)) {
      const parsed = parseCidrOrReason(p.Ipv6CidrBlock, { normalizeHostBits: true });
      routing.localRoutes.get(vpcKey)?.push(typeof parsed !== 'string' && parsed.family === IpFamily.IPV6
        ? { resource: r, routeTableKey: vpcKey, destination: parsed, targetKind: 'local', targetProperty: 'local' }
        : { resource: r, routeTableKey: vpcKey, targetKind: 'local', targetProperty: 'local', ownIpv6Block: true });
    }
  }
  for (const type of ['AWS::EC2::InternetGateway', 'AWS::EC2::EgressOnlyInternetGateway']) {
    for (const r of model.ofType(type)) {
      const egressOnly = type === 'AWS::EC2::EgressOnlyInternetGateway';
      const attachedVpcKeys = egressOnly ? [target(r, r.properties.VpcId)] : [];
      routing.internetGateways.set(r.key, { resource: r, key: r.key, attachedVpcKeys, egressOnly });
    }
  }
  for (const r of model.ofType('AWS::EC2::VPCGatewayAttachment')) {
    if (r.properties.InternetGatewayId !== undefined) {
      routing.internetGateways.get(target(r, r.properties.InternetGatewayId))?.attachedVpcKeys.push(target(r, r.properties.VpcId));
    }
  }
  for (const r of model.ofType('AWS::EC2::RouteTable')) {
    routing.routeTables.set(r.key, { resource: r, key: r.key, vpcKey: target(r, r.properties.VpcId), routes: [] });
  }
  for (const r of model.ofType('AWS::EC2::Route')) {
    const route = readRoute(r, routing, model);
    if (route) {
      routing.routeTables.get(route.routeTableKey)?.routes.push(route);
    }
  }
  const associations = new Map<string, string>();
  for (const r of model.ofType('AWS::EC2::SubnetRouteTableAssociation')) {
    associations.set(target(r, r.properties.SubnetId), target(r, r.properties.RouteTableId));
  }
  for (const r of model.ofType('AWS::EC2::GatewayRouteTableAssociation')) {
    const gateway = target(r, r.properties.GatewayId);
    routing.gatewayRouteTables.set(gateway, [...(routing.gatewayRouteTables.get(gateway) ?? []), target(r, r.properties.RouteTableId)]);
  }
  for (const r of model.ofType('AWS::EC2::Subnet')) {
    const parsed = parseIpv4(r.properties.CidrBlock);
    const map = r.properties.MapPublicIpOnLaunch;
    routing.subnets.set(r.key, {
      resource: r,
      key: r.key,
      vpcKey: target(r, r.properties.VpcId),
      cidr: typeof parsed === 'string' ? undefined : parsed,
      unknownCidr: typeof parsed === 'string' ? `the CIDR block of subnet ${r.path} (${describeValue(r.properties.CidrBlock)})` : undefined,
      availabilityZone: r.properties.AvailabilityZone,
      mapPublicIpOnLaunch: map === undefined || map === false || map === 'false' ? false : map === true || map === 'true' ? true : undefined,
      ipv6: r.properties.Ipv6CidrBlock !== undefined || r.properties.Ipv6CidrBlocks !== undefined || r.properties.Ipv6Native === true || r.properties.Ipv6Native === 'true',
      assignIpv6OnCreation: flagOf(r.properties.AssignIpv6AddressOnCreation),
      routeTableKey: associations.get(r.key),
    });
  }
  return routing;
}

function localRoute(resource: ModelResource, vpcKey: string, cidrValue: Json): RouteModel {
  const parsed = parseIpv4(cidrValue);
  return typeof parsed === 'string'
    ? { resource, routeTableKey: vpcKey, targetKind: 'local', targetProperty: 'local', unknown: `the VPC's CIDR block ${describeValue(cidrValue)}` }
    : { resource, routeTableKey: vpcKey, destination: parsed, targetKind: 'local', targetProperty: 'local' };
}

function readRoute(r: ModelResource, routing: RoutingModel, model: NetworkModel): RouteModel | undefined {
  const p = r.properties;
  if (p.DestinationCidrBlock === undefined && p.DestinationIpv6CidrBlock === undefined) {
    // Prefix-list destinations (gateway endpoints, managed lists) are not modelled yet.
    return undefined;
  }
  const routeTableKey = targetKey(p.RouteTableId, r.stack.id);
  const ipv6 = p.DestinationCidrBlock === undefined;
  const parsed = ipv6 ? parseFamily(p.DestinationIpv6CidrBlock, IpFamily.IPV6) : parseIpv4(p.DestinationCidrBlock);
  const unknowns: string[] = typeof parsed === 'string'
    ? [ipv6 ? `DestinationIpv6CidrBlock ${describeValue(p.DestinationIpv6CidrBlock)}` : `DestinationCidrBlock ${describeValue(p.DestinationCidrBlock)}`] : [];
  let targetKind: RouteTargetKind = 'unknown';
  let targetProperty = 'none';
  let key: string | undefined;
  if (p.GatewayId !== undefined) {
    targetProperty = 'GatewayId';
    key = targetKey(p.GatewayId, r.stack.id);
    const ref = referenceOf(p.GatewayId);
    if (routing.internetGateways.has(key)) {
      targetKind = 'internet-gateway';
    } else if (typeof p.GatewayId === 'string' && p.GatewayId.startsWith('igw-')) {
      targetKind = 'internet-gateway';
    } else if (ref || (typeof p.GatewayId === 'string' && p.GatewayId.startsWith('vgw-'))) {
      // A virtual private gateway (VPN) or a gateway endpoint: traffic leaves the VPC.
      targetKind = 'leaves-vpc';
    } else {
      unknowns.push(`GatewayId ${describeValue(p.GatewayId)}`);
    }
  } else {
    for (const [property, kind] of TARGETS) {
      if (p[property] !== undefined) {
        targetProperty = property;
        targetKind = kind;
        key = targetKey(p[property], r.stack.id);
        break;
      }
    }
  }
  if (targetKind === 'unknown' && unknowns.length === 0) {
    unknowns.push('a target');
  }
  return {
    resource: r,
    routeTableKey,
    destination: typeof parsed === 'string' ? undefined : parsed,
    targetKind,
    targetKey: key,
    targetProperty,
    targetText: key === undefined ? undefined : model.describeKey(key),
    unknown: unknowns.length > 0 ? `route ${r.path}: ${unknowns.join(', ')}` : undefined,
  };
}

function parseIpv4(value: Json): ParsedCidr | string {
  return parseFamily(value, IpFamily.IPV4);
}

function parseFamily(value: Json, family: IpFamily): ParsedCidr | string {
  const parsed = parseCidrOrReason(value, { normalizeHostBits: true });
  if (typeof parsed === 'string') {
    return parsed;
  }
  return parsed.family === family ? parsed : `${describeValue(value)} is not an ${familyText(family)} CIDR`;
}

function flagOf(value: Json): boolean | undefined {
  return value === undefined || value === false || value === 'false' ? false : value === true || value === 'true' ? true : undefined;
}
