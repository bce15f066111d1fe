// Where workloads sit: for each resource that owns network interfaces in a VPC, its subnets, its security groups and
// whether it gets a public address. Read from the network model's resources; CDK-free.
import { describeValue, Json, targetKey } from './model-values';
import type { NetworkModel } from './network-model';
import type { ModelResource } from './resource';
import type { RoutingModel } from './routing';

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
export type PublicAddress = { readonly public: boolean } | { readonly unknown: string };

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
export function buildWorkloads(model: NetworkModel, routing: RoutingModel): WorkloadModel[] {
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
    const publicAddress: PublicAddress = scheme === 'internet-facing' ? { public: true } : scheme === 'internal' ? NOT_PUBLIC : { unknown: `Scheme ${describeValue(scheme)} of ${r.path}` };
    const lbType = typeof lb.lbType === 'string' ? lb.lbType : 'application';
    add(r, 'load-balancer', subnets, r.properties.SecurityGroups, publicAddress, {
      listenerPorts: lb.listeners.map((l) => l.port),
      lbType,
      noGroups: lbType === 'network' && r.properties.SecurityGroups === undefined,
    });
  }
  for (const r of model.ofType('AWS::EC2::Instance')) {
    const p = r.properties;
    const nic = Array.isArray(p.NetworkInterfaces) ? p.NetworkInterfaces.find((n: Json) => String(n?.DeviceIndex ?? '0') === '0') : undefined;
    const subnet = nic?.SubnetId ?? p.SubnetId;
    const groups = nic ? nic.GroupSet : p.SecurityGroupIds;
    add(r, 'instance', subnet === undefined ? 'no SubnetId (the default VPC)' : [subnet], groups, instancePublic(nic?.AssociatePublicIpAddress, subnet, r, routing, flag));
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
    add(r, 'auto-scaling-group', subnets, groups, instancePublic(nic?.AssociatePublicIpAddress, first, r, routing, flag));
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
  for (const r of model.ofType('AWS::RDS::DBInstance')) {
    const p = r.properties;
    if (p.DBClusterIdentifier !== undefined && p.VPCSecurityGroups === undefined) {
      // An Aurora instance takes its cluster's groups; the cluster is the workload.
      continue;
    }
    add(r, 'rds-instance', subnetsOfGroup(r, p.DBSubnetGroupName), p.VPCSecurityGroups, flag(p.PubliclyAccessible, 'PubliclyAccessible'));
  }
  for (const r of model.ofType('AWS::RDS::DBCluster')) {
    const p = r.properties;
    const members = model.ofType('AWS::RDS::DBInstance').filter((i) => targetKey(i.properties.DBClusterIdentifier, i.stack.id) === r.key);
    const open = members.map((i) => flag(i.properties.PubliclyAccessible, 'PubliclyAccessible'));
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
