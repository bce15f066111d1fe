// Where workloads sit: for each resource that owns network interfaces in a VPC, its subnets, its security groups and
// whether it gets a public address. Read from the network model's resources; CDK-free.
import { describeValue, Json, literalInteger, targetKey } from './model-values';
import type { NetworkModel } from './network-model';
import type { ModelResource } from './resource';
import { RoutedSubnetModel, routingOf, RoutingModel } from './routing';

export type WorkloadKind =
  | 'load-balancer'
  | 'instance'
  | 'auto-scaling-group'
  | 'ecs-service'
  | 'lambda-function'
  | 'rds-instance'
  | 'rds-cluster'
  | 'elasticache'
  | 'opensearch-domain'
  | 'efs-mount-target'
  | 'interface-endpoint';

/** Whether a workload's interfaces get a public address: yes, no, or not known at synth (the value). */
export type PublicAddress = { readonly public: boolean; readonly elasticIp?: boolean } | { readonly unknown: string };

export interface WorkloadModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly kind: WorkloadKind;
  /** Subnet keys (`id:<stackId>/<logicalId>`, or `literal:subnet-...` for an imported subnet). */
  readonly subnetKeys: string[];
  /**
   * Security group keys. Empty means the VPC's default security group (EC2 uses it for an interface created without
   * groups), except for a network load balancer created without groups, which has none.
   */
  readonly groupKeys: string[];
  readonly publicAddress: PublicAddress;
  /** The listeners' ports, for a load balancer. */
  readonly listenerPorts?: Array<number | undefined>;
  /** A load balancer's `Type`: application (default), network or gateway. */
  readonly lbType?: string;
  /** Set when the workload's placement cannot be read: names the value. */
  readonly unknown?: string;
  /** True for a load balancer created without security groups (an NLB): no group judges its interfaces. */
  readonly noGroups?: boolean;
}

const NOT_PUBLIC: PublicAddress = { public: false };

/** Reads every workload of the model. */
export function buildWorkloads(model: NetworkModel, routingModel?: RoutingModel): WorkloadModel[] {
  // Read only when a workload needs it (an instance's subnet, an RDS instance's VPC): most rules ask of apps that
  // have no such workload.
  const routing = (): RoutingModel => routingModel ?? routingOf(model);
  const workloads: WorkloadModel[] = [];
  const keys = (r: ModelResource, value: Json): string[] => (Array.isArray(value) ? value.map((v) => targetKey(v, r.stack.id)) : []);
  const add = (
    r: ModelResource, kind: WorkloadKind, subnets: Json, groups: Json, publicAddress: PublicAddress, extra: Partial<WorkloadModel> = {},
  ) => {
    const unknown = !Array.isArray(subnets) ? `the subnets of ${r.path} (${describeValue(subnets)})`
      : groups !== undefined && !Array.isArray(groups) ? `the security groups of ${r.path} (${describeValue(groups)})` : undefined;
    workloads.push({ resource: r, key: r.key, kind, subnetKeys: keys(r, subnets), groupKeys: keys(r, groups), publicAddress, unknown, ...extra });
  };
  const subnetGroups = new Map<string, Json>();
  for (const type of ['AWS::RDS::DBSubnetGroup', 'AWS::ElastiCache::SubnetGroup']) {
    for (const r of model.ofType(type)) {
      subnetGroups.set(r.key, r.properties.SubnetIds);
    }
  }
  const subnetsOfGroup = (r: ModelResource, name: Json): Json => {
    if (name === undefined) {
      return 'no subnet group (the default VPC\'s subnets)';
    }
    const group = subnetGroups.get(targetKey(name, r.stack.id));
    return group ?? `subnet group ${describeValue(name)}`;
  };
  const flag = (value: Json, what: string): PublicAddress => (value === true || value === 'true' ? { public: true }
    : value === undefined || value === false || value === 'false' ? NOT_PUBLIC : { unknown: `${what} ${describeValue(value)}` });

  for (const lb of model.loadBalancers) {
    const r = lb.resource;
    const mappings = r.properties.SubnetMappings;
    const subnets = r.properties.Subnets ?? (Array.isArray(mappings) ? mappings.map((m: Json) => m?.SubnetId) : mappings);
    const scheme = lb.scheme;
    // `dualstack-without-public-ipv4`: an internet-facing load balancer reached over IPv6 only.
    // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#ip-address-type
    const ipv4Public = r.properties.IpAddressType !== 'dualstack-without-public-ipv4';
    const publicAddress: PublicAddress = scheme === 'internet-facing' ? { public: ipv4Public } : scheme === 'internal' ? NOT_PUBLIC : { unknown: `Scheme ${describeValue(scheme)} of ${r.path}` };
    const lbType = typeof lb.lbType === 'string' ? lb.lbType : 'application';
    add(r, 'load-balancer', subnets, r.properties.SecurityGroups, publicAddress, {
      listenerPorts: lb.listeners.map((l) => l.port),
      lbType,
      noGroups: lbType === 'network' && r.properties.SecurityGroups === undefined,
    });
  }
  // An elastic IP associated with an instance or with its primary network interface gives it a public address (a NAT
  // gateway's elastic IP gives nothing behind it one: the NAT gateway only translates outbound flows).
  // @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-eips.html
  const elastic = new Set<string>();
  for (const r of model.ofType('AWS::EC2::EIP')) {
    if (r.properties.InstanceId !== undefined) {
      elastic.add(targetKey(r.properties.InstanceId, r.stack.id));
    }
  }
  for (const r of model.ofType('AWS::EC2::EIPAssociation')) {
    for (const value of [r.properties.InstanceId, r.properties.NetworkInterfaceId]) {
      if (value !== undefined) {
        elastic.add(targetKey(value, r.stack.id));
      }
    }
  }
  const interfaces = new Map(model.ofType('AWS::EC2::NetworkInterface').map((r) => [r.key, r]));
  for (const r of model.ofType('AWS::EC2::Instance')) {
    const p = r.properties;
    const nic = Array.isArray(p.NetworkInterfaces) ? p.NetworkInterfaces.find((n: Json) => String(n?.DeviceIndex ?? '0') === '0') : undefined;
    const eniKey = nic?.NetworkInterfaceId !== undefined ? targetKey(nic.NetworkInterfaceId, r.stack.id) : undefined;
    const eni = eniKey !== undefined ? interfaces.get(eniKey) : undefined;
    const subnet = eni ? eni.properties.SubnetId : nic?.SubnetId ?? p.SubnetId;
    const groups = eni ? eni.properties.GroupSet : nic ? nic.GroupSet : p.SecurityGroupIds;
    const publicAddress = elastic.has(r.key) || (eniKey !== undefined && elastic.has(eniKey))
      ? { public: true, elasticIp: true }
      : instancePublic(nic?.AssociatePublicIpAddress, subnet, r, routing(), flag);
    if (eniKey !== undefined && !eni) {
      add(r, 'instance', `the network interface ${describeValue(nic.NetworkInterfaceId)}`, groups, publicAddress);
      continue;
    }
    add(r, 'instance', subnet === undefined ? 'no SubnetId (the default VPC)' : [subnet], groups, publicAddress);
  }
  const templates = new Map(model.ofType('AWS::EC2::LaunchTemplate').map((r) => [r.key, r]));
  for (const r of model.ofType('AWS::AutoScaling::AutoScalingGroup')) {
    const ref = r.properties.LaunchTemplate ?? r.properties.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    const template = ref ? templates.get(targetKey(ref.LaunchTemplateId ?? ref.LaunchTemplateName, r.stack.id)) : undefined;
    const data = template?.properties.LaunchTemplateData;
    const nic = Array.isArray(data?.NetworkInterfaces) ? data.NetworkInterfaces.find((n: Json) => String(n?.DeviceIndex ?? '0') === '0') : undefined;
    const groups = template ? nic?.Groups ?? data?.SecurityGroupIds ?? [] : `the launch template ${describeValue(ref)}`;
    const subnets = r.properties.VPCZoneIdentifier;
    const first = Array.isArray(subnets) ? subnets[0] : undefined;
    add(r, 'auto-scaling-group', subnets, groups, instancePublic(nic?.AssociatePublicIpAddress, first, r, routing(), flag));
  }
  for (const r of model.ofType('AWS::ECS::Service')) {
    const vpc = r.properties.NetworkConfiguration?.AwsvpcConfiguration;
    if (!vpc) {
      continue; // bridge or host networking: the tasks sit on their container instances
    }
    const assign = vpc.AssignPublicIp;
    add(r, 'ecs-service', vpc.Subnets, vpc.SecurityGroups, assign === 'ENABLED' ? { public: true } : assign === undefined || assign === 'DISABLED' ? NOT_PUBLIC : { unknown: `AssignPublicIp ${describeValue(assign)}` });
  }
  for (const r of model.ofType('AWS::Lambda::Function')) {
    const vpc = r.properties.VpcConfig;
    if (vpc?.SubnetIds !== undefined) {
      // A function's interfaces never get public addresses.
      // @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
      add(r, 'lambda-function', vpc.SubnetIds, vpc.SecurityGroupIds, NOT_PUBLIC);
    }
  }
  const clusters = new Map(model.ofType('AWS::RDS::DBCluster').map((r) => [r.key, r]));
  // A cluster member is placed in its cluster's subnet group when it names none itself.
  const placedBy = (i: ModelResource): ModelResource => (
    i.properties.DBSubnetGroupName === undefined && i.properties.DBClusterIdentifier !== undefined
      ? clusters.get(targetKey(i.properties.DBClusterIdentifier, i.stack.id)) ?? i : i);
  const dbPublic = (i: ModelResource): PublicAddress => {
    if (i.properties.PubliclyAccessible !== undefined) {
      return flag(i.properties.PubliclyAccessible, 'PubliclyAccessible');
    }
    const owner = placedBy(i);
    return rdsDefaultPublic(owner, owner.properties.DBSubnetGroupName, subnetsOfGroup(owner, owner.properties.DBSubnetGroupName), model, routing());
  };
  for (const r of model.ofType('AWS::RDS::DBInstance')) {
    const p = r.properties;
    if (p.DBClusterIdentifier !== undefined && p.VPCSecurityGroups === undefined) {
      // An Aurora instance takes its cluster's groups; the cluster is the workload.
      continue;
    }
    add(r, 'rds-instance', subnetsOfGroup(r, p.DBSubnetGroupName), p.VPCSecurityGroups, dbPublic(r));
  }
  for (const r of model.ofType('AWS::RDS::DBCluster')) {
    const p = r.properties;
    const members = model.ofType('AWS::RDS::DBInstance').filter((i) => targetKey(i.properties.DBClusterIdentifier, i.stack.id) === r.key);
    const open = members.map(dbPublic);
    const publicAddress = open.find((o) => 'public' in o && o.public) ?? open.find((o) => 'unknown' in o) ?? NOT_PUBLIC;
    add(r, 'rds-cluster', subnetsOfGroup(r, p.DBSubnetGroupName), p.VpcSecurityGroupIds, publicAddress);
  }
  for (const r of model.ofType('AWS::ElastiCache::CacheCluster')) {
    add(r, 'elasticache', subnetsOfGroup(r, r.properties.CacheSubnetGroupName), r.properties.VpcSecurityGroupIds, NOT_PUBLIC);
  }
  for (const r of model.ofType('AWS::ElastiCache::ReplicationGroup')) {
    add(r, 'elasticache', subnetsOfGroup(r, r.properties.CacheSubnetGroupName), r.properties.SecurityGroupIds, NOT_PUBLIC);
  }
  for (const r of model.ofType('AWS::OpenSearchService::Domain')) {
    const vpc = r.properties.VPCOptions;
    if (vpc !== undefined) {
      add(r, 'opensearch-domain', vpc.SubnetIds, vpc.SecurityGroupIds, NOT_PUBLIC);
    }
  }
  for (const r of model.ofType('AWS::EFS::MountTarget')) {
    add(r, 'efs-mount-target', [r.properties.SubnetId], r.properties.SecurityGroups, NOT_PUBLIC);
  }
  for (const r of model.ofType('AWS::EC2::VPCEndpoint')) {
    if (r.properties.VpcEndpointType === 'Interface') {
      add(r, 'interface-endpoint', r.properties.SubnetIds, r.properties.SecurityGroupIds, NOT_PUBLIC);
    }
  }
  return workloads;
}

/**
 * An instance's primary interface gets a public address when `AssociatePublicIpAddress` says so, else when its
 * subnet maps public addresses on launch.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html#subnet-public-ip
 */
function instancePublic(
  associate: Json, subnet: Json, r: ModelResource, routing: RoutingModel, flag: (value: Json, what: string) => PublicAddress,
): PublicAddress {
  if (associate !== undefined) {
    return flag(associate, 'AssociatePublicIpAddress');
  }
  const routed = subnet !== undefined ? routing.subnets.get(targetKey(subnet, r.stack.id)) : undefined;
  if (!routed) {
    return subnet === undefined ? NOT_PUBLIC : { unknown: `whether subnet ${describeValue(subnet)} maps public addresses on launch` };
  }
  return routed.mapPublicIpOnLaunch === undefined ? { unknown: `MapPublicIpOnLaunch of subnet ${routed.resource.path}` } : { public: routed.mapPublicIpOnLaunch };
}

/**
 * Whether a DB instance that does not set `PubliclyAccessible` is public. RDS decides by the VPC it lands in: with a
 * DB subnet group, public when the subnets' VPC has an internet gateway attached, private otherwise; without one, the
 * default VPC's gateway decides, and the default VPC is never in the app.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (PubliclyAccessible, "Default")
 */
function rdsDefaultPublic(r: ModelResource, groupName: Json, subnets: Json, model: NetworkModel, routing: RoutingModel): PublicAddress {
  const unset = 'PubliclyAccessible is not set and';
  if (groupName === undefined) {
    return { unknown: `${unset} whether the default VPC (no DBSubnetGroupName) has an internet gateway` };
  }
  if (!Array.isArray(subnets)) {
    return { unknown: `${unset} whether the VPC of ${describeValue(subnets)} has an internet gateway` };
  }
  // Any internet gateway attachment counts, an imported gateway's too (the routing model keeps the app's gateways only).
  const withGateway = new Set<string>();
  for (const gateway of routing.internetGateways.values()) {
    if (!gateway.egressOnly) {
      gateway.attachedVpcKeys.forEach((k) => withGateway.add(k));
    }
  }
  for (const a of model.ofType('AWS::EC2::VPCGatewayAttachment')) {
    if (a.properties.InternetGatewayId !== undefined) {
      withGateway.add(targetKey(a.properties.VpcId, a.stack.id));
    }
  }
  let unknown: string | undefined;
  for (const subnet of subnets) {
    const routed = routing.subnets.get(targetKey(subnet, r.stack.id));
    if (!routed) {
      unknown ??= `${unset} whether the VPC of subnet ${describeValue(subnet)} has an internet gateway`;
    } else if (withGateway.has(routed.vpcKey)) {
      return { public: true };
    } else if (!routing.localRoutes.has(routed.vpcKey)) {
      unknown ??= `${unset} whether VPC ${describeValue(routed.resource.properties.VpcId)} has an internet gateway`;
    }
  }
  return unknown !== undefined ? { unknown } : NOT_PUBLIC;
}

/** Whether an NLB target group hands its targets the client's address: yes, no, or not known at synth (the value). */
export type ClientIpPreservation = { readonly preserved: boolean } | { readonly unknown: string };

/**
 * One way a load balancer forwards a client's flow: a listener (or one of its rules) on a port, forwarding to a target
 * group, which holds a workload as a target on a port.
 */
export interface LoadBalancerForward {
  readonly loadBalancerKey: string;
  /** The listener's port; undefined when it is not known at synth. */
  readonly listenerPort?: number;
  /** The listener, or the listener rule, whose action forwards. */
  readonly via: ModelResource;
  readonly targetGroup: ModelResource;
  /** `instance` (CloudFormation's default), `ip`, `lambda` or `alb`; the value as written when it is not literal. */
  readonly targetType: string;
  readonly targetKey: string;
  /** The port the target receives on; undefined when it is not known at synth. */
  readonly targetPort?: number;
  /** For a network load balancer's target group: whether the target sees the client's address. */
  readonly clientIp: ClientIpPreservation;
}

/**
 * Every listener -> target group -> target forward of the app: `DefaultActions` and listener rules' `Actions` of
 * type `forward` (`TargetGroupArn` or `ForwardConfig.TargetGroups`), and the targets a target group holds: its own
 * `Targets` (instances, addresses of workloads, Lambda functions), ECS services' `LoadBalancers` and auto scaling
 * groups' `TargetGroupARNs`.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-targetgroup.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticloadbalancingv2-listener-action.html
 */
export function buildLoadBalancerForwards(model: NetworkModel, workloads: readonly WorkloadModel[]): LoadBalancerForward[] {
  const known = new Set(workloads.map((w) => w.key));
  const members = new Map<string, Array<{ key: string; port: Json }>>();
  const addMember = (groupKey: string, key: string, port: Json) => {
    if (known.has(key)) {
      members.set(groupKey, [...(members.get(groupKey) ?? []), { key, port }]);
    }
  };
  const groups = new Map(model.ofType('AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => [r.key, r]));
  for (const group of groups.values()) {
    for (const target of Array.isArray(group.properties.Targets) ? group.properties.Targets : []) {
      addMember(group.key, targetKey(target?.Id, group.stack.id), target?.Port ?? group.properties.Port);
    }
  }
  for (const r of model.ofType('AWS::ECS::Service')) {
    for (const lb of Array.isArray(r.properties.LoadBalancers) ? r.properties.LoadBalancers : []) {
      // ECS registers each task with its container port, whatever port the target group names.
      addMember(targetKey(lb?.TargetGroupArn, r.stack.id), r.key, lb?.ContainerPort);
    }
  }
  for (const r of model.ofType('AWS::AutoScaling::AutoScalingGroup')) {
    for (const arn of Array.isArray(r.properties.TargetGroupARNs) ? r.properties.TargetGroupARNs : []) {
      const groupKey = targetKey(arn, r.stack.id);
      addMember(groupKey, r.key, groups.get(groupKey)?.properties.Port);
    }
  }
  const forwards: LoadBalancerForward[] = [];
  const forwardTargets = (actions: Json, stackId: string): string[] => (Array.isArray(actions) ? actions : []).flatMap((a: Json) => {
    if (a?.Type !== 'forward') {
      return [];
    }
    const weighted = Array.isArray(a.ForwardConfig?.TargetGroups) ? a.ForwardConfig.TargetGroups.map((t: Json) => t?.TargetGroupArn) : [];
    const arns = a.TargetGroupArn !== undefined ? [a.TargetGroupArn] : weighted;
    return arns.map((arn: Json) => targetKey(arn, stackId));
  });
  const listeners = new Map<string, { lbKey: string; port?: number; lbType: Json }>();
  for (const lb of model.loadBalancers) {
    for (const l of lb.listeners) {
      listeners.set(l.resource.key, { lbKey: lb.key, port: l.port, lbType: lb.lbType });
    }
  }
  const sources: Array<{ via: ModelResource; listener?: { lbKey: string; port?: number; lbType: Json }; groupKeys: string[] }> = [];
  for (const lb of model.loadBalancers) {
    for (const l of lb.listeners) {
      sources.push({ via: l.resource, listener: listeners.get(l.resource.key), groupKeys: forwardTargets(l.defaultActions, l.resource.stack.id) });
    }
  }
  for (const r of model.ofType('AWS::ElasticLoadBalancingV2::ListenerRule')) {
    const listener = listeners.get(targetKey(r.properties.ListenerArn, r.stack.id));
    sources.push({ via: r, listener, groupKeys: forwardTargets(r.properties.Actions, r.stack.id) });
  }
  for (const source of sources) {
    if (!source.listener) {
      continue;
    }
    for (const groupKey of source.groupKeys) {
      const group = groups.get(groupKey);
      if (!group) {
        continue;
      }
      const targetType = group.properties.TargetType ?? 'instance';
      for (const member of members.get(groupKey) ?? []) {
        forwards.push({
          loadBalancerKey: source.listener.lbKey,
          listenerPort: source.listener.port,
          via: source.via,
          targetGroup: group,
          targetType: typeof targetType === 'string' ? targetType : describeValue(targetType),
          targetKey: member.key,
          targetPort: literalInteger(member.port),
          clientIp: clientIpPreservation(group, source.listener.lbType),
        });
      }
    }
  }
  return forwards;
}

/**
 * An application load balancer is a proxy: its targets see its own addresses. A network load balancer preserves the
 * client's address for instance targets, and for ip targets of UDP, TCP_UDP, QUIC and TCP_QUIC (neither can be turned
 * off); for ip targets of TCP and TLS it does not, unless the target group's `preserve_client_ip.enabled` says so.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
 */
function clientIpPreservation(group: ModelResource, lbType: Json): ClientIpPreservation {
  if (lbType !== 'network') {
    return typeof lbType === 'string' || lbType === undefined ? { preserved: false } : { unknown: `the Type of the load balancer of ${group.path} (${describeValue(lbType)})` };
  }
  const attributes = Array.isArray(group.properties.TargetGroupAttributes) ? group.properties.TargetGroupAttributes : [];
  const attribute = attributes.find((a: Json) => a?.Key === 'preserve_client_ip.enabled');
  const type = group.properties.TargetType ?? 'instance';
  const protocol = group.properties.Protocol;
  if (type === 'instance' || (type === 'ip' && ['UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC'].includes(protocol))) {
    if (type === 'instance' && attribute !== undefined) {
      return attribute.Value === 'true' || attribute.Value === true ? { preserved: true } : attribute.Value === 'false' || attribute.Value === false ? { preserved: false }
        : { unknown: `preserve_client_ip.enabled of ${group.path} (${describeValue(attribute.Value)})` };
    }
    return { preserved: true };
  }
  if (type === 'ip') {
    if (typeof protocol !== 'string') {
      return { unknown: `the Protocol of ${group.path} (${describeValue(protocol)})` };
    }
    if (attribute === undefined) {
      return { preserved: false };
    }
    return attribute.Value === 'true' || attribute.Value === true ? { preserved: true } : attribute.Value === 'false' || attribute.Value === false ? { preserved: false }
      : { unknown: `preserve_client_ip.enabled of ${group.path} (${describeValue(attribute.Value)})` };
  }
  return typeof type === 'string' ? { preserved: false } : { unknown: `the TargetType of ${group.path} (${describeValue(type)})` };
}

/** Whether a workload's interfaces in a subnet get an IPv6 address: yes, no, or not known at synth (the value). */
export type Ipv6Address = { readonly ipv6: boolean } | { readonly unknown: string };

/**
 * Whether a workload has an IPv6 address in a subnet. A subnet without an IPv6 block gives none. A load balancer has
 * one when its `IpAddressType` is dual stack; an instance when it asks for one (`Ipv6AddressCount`, `Ipv6Addresses`)
 * or its subnet assigns one on creation; a database when its `NetworkType` is `DUAL`. For the rest (ECS tasks depend
 * on an account setting) the answer is not known at synth.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html
 */
export function ipv6AddressOf(workload: WorkloadModel, subnet: RoutedSubnetModel): Ipv6Address {
  const p = workload.resource.properties;
  if (workload.kind === 'load-balancer') {
    const type = p.IpAddressType ?? 'ipv4';
    return type === 'dualstack' || type === 'dualstack-without-public-ipv4' ? { ipv6: true } : type === 'ipv4' ? { ipv6: false }
      : { unknown: `IpAddressType ${describeValue(type)} of ${workload.resource.path}` };
  }
  if (!subnet.ipv6) {
    return { ipv6: false };
  }
  if (workload.kind === 'instance') {
    const nics = Array.isArray(p.NetworkInterfaces) ? p.NetworkInterfaces : [];
    const asks = [p, ...nics].some((n: Json) => (literalInteger(n?.Ipv6AddressCount) ?? 0) > 0
      || (Array.isArray(n?.Ipv6Addresses) && n.Ipv6Addresses.length > 0));
    return asks || subnet.assignIpv6OnCreation === true ? { ipv6: true }
      : subnet.assignIpv6OnCreation === undefined ? { unknown: `AssignIpv6AddressOnCreation of subnet ${subnet.resource.path}` } : { ipv6: false };
  }
  if (workload.kind === 'rds-instance' || workload.kind === 'rds-cluster') {
    return p.NetworkType === 'DUAL' ? { ipv6: true } : p.NetworkType === undefined || p.NetworkType === 'IPV4' ? { ipv6: false } : { unknown: `NetworkType ${describeValue(p.NetworkType)} of ${workload.resource.path}` };
  }
  if (workload.kind === 'lambda-function') {
    return { ipv6: p.VpcConfig?.Ipv6AllowedForDualStack === true || p.VpcConfig?.Ipv6AllowedForDualStack === 'true' };
  }
  return { unknown: `whether ${workload.resource.path} gets an IPv6 address in dual-stack subnet ${subnet.resource.path}` };
}
