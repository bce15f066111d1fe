import { IpFamily } from '../../../ip/family';
import { formatRangesAsCidrs, IpRange, mergeRanges, ParsedCidr, subtractRanges } from '../../../private/ip';
import { isIntrinsic } from '../../cfn/json-object';
import { DEFAULT_TCP_ESTABLISHED_SECONDS } from '../../diff/diff';
import { describeValue, Json, literalInteger, targetKey } from '../../model/model-values';
import type { NetworkModel } from '../../model/network-model';
import type { ModelResource } from '../../model/resource';
import { routingOf, RoutingModel } from '../../model/routing';
import { describeProtocolPorts, SgRuleModel, TCP, withPrefixListsExpanded } from '../../model/sg-rules';
import { buildWorkloads, PublicAddress, WorkloadModel } from '../../model/workloads';
import { LayeredDefenseRule, RuleContext, RuleFinding } from '../rule';

/**
 * A workload whose own network interfaces take connections from outside its VPC (it has a public address, and its
 * security groups admit TCP from CIDRs outside the VPC) while their established-TCP idle timeout is EC2's default
 * (432,000 s) or above the checks' `maxTcpEstablishedTimeoutSeconds`. Security groups are stateful: revoking a
 * source's rule stops new connections only, and a tracked connection stays up until it has been idle that long.
 *
 * What is judged, from the EC2 User Guide ("Security group connection tracking"):
 * - TCP flows admitted by a rule for 0.0.0.0/0, on an interface whose outbound rules allow all traffic to 0.0.0.0/0,
 *   are untracked: revoking the rule cuts them at once, so they are not counted. A path AWS tracks automatically (a
 *   Network Firewall or Gateway Load Balancer endpoint on the subnet's default route) keeps them tracked.
 * - Load balancers, NAT gateways and other managed interfaces terminate or track the client's connection
 *   themselves: a workload reached only through them (its groups admit the load balancer's group or VPC addresses)
 *   is not exposed, and their own interfaces cannot take a timeout.
 * - The timeout is read where EC2 reads it: `ConnectionTrackingSpecification` of an `AWS::EC2::NetworkInterface` or
 *   of a launch template's primary network interface; an `AWS::EC2::Instance` cannot set one.
 *
 * IPv4 sources are judged (the workload model knows public IPv4 addresses, not IPv6 ones).
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html
 */
export const SgIdleTimeoutLong: LayeredDefenseRule = {
  id: 'LayeredDefense-SgIdleTimeoutLong',
  level: 'warning',
  layer: 'virtual firewall',
  hipaa: '164.312(a)(1)',
  summary: 'A workload admits sources from outside its VPC directly on its own network interfaces (a public address) while their established-TCP connection tracking idle timeout is EC2\'s default (5 days) or above the checks\' limit (1 hour by default).',
  why: 'Security groups are stateful: revoking a source\'s rule stops new connections only, and an established session (an SSH session to a bastion) stays up until it has been idle for the timeout, 432,000 s (5 days) by default.',
  fix: 'Bound the timeout with the ConnectionTrackingTimeouts aspect (for example tcpEstablished: Duration.hours(1)) on the workload\'s launch template or network interface, and cut a revoked source at once with a NACL deny (IpBlocklistNacl.addBlockedCidrs) kept longer than the timeout',
  evaluate(model, context) {
    // Only instances, auto scaling groups and network interfaces have interfaces of their own to judge: an app
    // without any needs no routing read (the model's other workloads are managed or reached through others).
    const byType = model.byType();
    if (!WORKLOAD_INTERFACE_TYPES.some((type) => (byType.get(type)?.length ?? 0) > 0)) {
      return [];
    }
    const routing = routingOf(model);
    const eips = elasticIpTargets(model);
    const findings: RuleFinding[] = [];
    for (const exposed of exposedInterfaces(model, routing, eips)) {
      const finding = judge(model, routing, context, exposed);
      if (finding) {
        findings.push(finding);
      }
    }
    return findings;
  },
};

/** The resource types whose own network interfaces the rule judges (see exposedInterfaces). */
const WORKLOAD_INTERFACE_TYPES = ['AWS::EC2::Instance', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EC2::NetworkInterface'];

/** The timeout in effect: seconds and where they come from, or the value that is not known at synth. */
type Timeout = { readonly seconds: number; readonly source: string } | { readonly unknown: string };

/** One workload's own network interfaces, as the rule judges them. */
interface ExposedInterfaces {
  readonly resource: ModelResource;
  readonly what: string;
  readonly groupKeys: string[];
  /** Set when the groups cannot be read. */
  readonly groupsUnknown?: string;
  readonly subnetKeys: string[];
  readonly publicAddress: PublicAddress;
  /** How the address is public, for the message. */
  readonly publicHow: string;
  readonly timeout: Timeout;
  /** Where the fix sets the timeout. */
  readonly fixWhere: string;
}

function exposedInterfaces(model: NetworkModel, routing: RoutingModel, eips: Map<string, ModelResource>): ExposedInterfaces[] {
  const result: ExposedInterfaces[] = [];
  const enis = new Map(model.ofType('AWS::EC2::NetworkInterface').map((r) => [r.key, r]));
  const templates = new Map(model.ofType('AWS::EC2::LaunchTemplate').map((r) => [r.key, r]));
  /** Network interfaces of the app that an instance launches with as its primary one, to the instance's key. */
  const primaryOf = new Map<string, string>();
  for (const workload of buildWorkloads(model, routing)) {
    const r = workload.resource;
    if (workload.kind === 'instance') {
      const nics = r.properties.NetworkInterfaces;
      const primary = Array.isArray(nics) ? nics.find((n: Json) => String(n?.DeviceIndex ?? '0') === '0') : undefined;
      if (primary?.NetworkInterfaceId !== undefined) {
        const eniKey = targetKey(primary.NetworkInterfaceId, r.stack.id);
        if (enis.has(eniKey)) {
          primaryOf.set(eniKey, r.key);
          continue; // the interface is judged below, with its own groups and timeouts
        }
      }
      const eip = eips.get(r.key);
      result.push({
        ...placement(workload, eip),
        what: `instance ${r.path}`,
        timeout: instanceTimeout(r, primary, templates),
        fixWhere: 'a launch template the instance launches from (an AWS::EC2::Instance cannot set ConnectionTrackingSpecification), or an AWS::EC2::NetworkInterface attached as its primary interface',
      });
    } else if (workload.kind === 'auto-scaling-group') {
      const ref = r.properties.LaunchTemplate ?? r.properties.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
      const configurationName = r.properties.LaunchConfigurationName;
      if (ref === undefined && configurationName !== undefined) {
        result.push(launchConfigurationGroup(workload, configurationName, model));
        continue;
      }
      result.push({
        ...placement(workload, undefined),
        what: `auto scaling group ${r.path}`,
        timeout: templateTimeout(templates.get(targetKey(ref?.LaunchTemplateId ?? ref?.LaunchTemplateName, r.stack.id)), ref),
        fixWhere: 'its launch template\'s network interfaces',
      });
    }
  }
  for (const eni of enis.values()) {
    const p = eni.properties;
    const eip = eips.get(eni.key) ?? eips.get(primaryOf.get(eni.key) ?? '');
    const groups = p.GroupSet;
    result.push({
      resource: eni,
      what: `network interface ${eni.path}`,
      groupKeys: Array.isArray(groups) ? groups.map((g: Json) => targetKey(g, eni.stack.id)) : [],
      groupsUnknown: groups !== undefined && !Array.isArray(groups) ? `GroupSet ${describeValue(groups)} of ${eni.path}` : undefined,
      subnetKeys: p.SubnetId !== undefined ? [targetKey(p.SubnetId, eni.stack.id)] : [],
      // EC2 gives an existing interface no public IPv4 address at launch: only an Elastic IP makes it public.
      publicAddress: { public: eip !== undefined },
      publicHow: eip ? `Elastic IP ${eip.path}` : '',
      timeout: specTimeout(p.ConnectionTrackingSpecification, `network interface ${eni.path}`),
      fixWhere: 'the network interface',
    });
  }
  return result;
}

/**
 * An auto scaling group launched from a launch configuration (what aws-cdk-lib's AutoScalingGroup creates without a
 * launch template): its groups and public address are the configuration's, and it cannot set the timeouts.
 */
function launchConfigurationGroup(workload: WorkloadModel, name: Json, model: NetworkModel): ExposedInterfaces {
  const r = workload.resource;
  const configuration = model.resolveKey(targetKey(name, r.stack.id));
  const p = configuration?.properties ?? {};
  const groups = p.SecurityGroups;
  const associate = p.AssociatePublicIpAddress;
  const publicAddress: PublicAddress = associate === undefined ? workload.publicAddress
    : associate === true || associate === 'true' ? { public: true }
      : associate === false || associate === 'false' ? { public: false } : { unknown: `AssociatePublicIpAddress ${describeValue(associate)} of ${configuration!.path}` };
  return {
    resource: r,
    what: `auto scaling group ${r.path}`,
    groupKeys: Array.isArray(groups) ? groups.map((g: Json) => targetKey(g, r.stack.id)) : [],
    groupsUnknown: configuration === undefined ? `the security groups of launch configuration ${describeValue(name)} (not in the templates)`
      : groups !== undefined && !Array.isArray(groups) ? `SecurityGroups ${describeValue(groups)} of ${configuration.path}` : undefined,
    subnetKeys: workload.subnetKeys,
    publicAddress,
    publicHow: 'a public IPv4 address',
    timeout: { seconds: DEFAULT_TCP_ESTABLISHED_SECONDS, source: 'EC2\'s default: a launch configuration cannot set ConnectionTrackingSpecification' },
    fixWhere: 'a launch template instead of its launch configuration',
  };
}

function placement(workload: WorkloadModel, eip: ModelResource | undefined): Pick<ExposedInterfaces, 'resource' | 'groupKeys' | 'groupsUnknown' | 'subnetKeys' | 'publicAddress' | 'publicHow'> {
  const groupsUnknown = workload.unknown?.startsWith('the security groups') ? workload.unknown : undefined;
  const publicAddress: PublicAddress = eip ? { public: true } : workload.publicAddress;
  return {
    resource: workload.resource,
    groupKeys: workload.groupKeys,
    groupsUnknown,
    subnetKeys: workload.subnetKeys,
    publicAddress,
    publicHow: eip ? `Elastic IP ${eip.path}` : 'a public IPv4 address',
  };
}

/** Instances and network interfaces an Elastic IP is associated with (`AWS::EC2::EIP` or `AWS::EC2::EIPAssociation`), by key. */
function elasticIpTargets(model: NetworkModel): Map<string, ModelResource> {
  const targets = new Map<string, ModelResource>();
  for (const r of [...model.ofType('AWS::EC2::EIP'), ...model.ofType('AWS::EC2::EIPAssociation')]) {
    for (const property of ['InstanceId', 'NetworkInterfaceId']) {
      const value = r.properties[property];
      if (value !== undefined) {
        targets.set(targetKey(value, r.stack.id), r);
      }
    }
  }
  return targets;
}

/** EC2 reads the timeouts of an instance from the interface it launches with; an inline one cannot carry them. */
function instanceTimeout(instance: ModelResource, primary: Json, templates: Map<string, ModelResource>): Timeout {
  if (primary?.NetworkInterfaceId !== undefined) {
    return { unknown: `the connection tracking timeouts of network interface ${describeValue(primary.NetworkInterfaceId)} (not in the templates)` };
  }
  const ref = instance.properties.LaunchTemplate;
  if (primary === undefined && ref !== undefined) {
    return templateTimeout(templates.get(targetKey(ref.LaunchTemplateId ?? ref.LaunchTemplateName, instance.stack.id)), ref);
  }
  return { seconds: DEFAULT_TCP_ESTABLISHED_SECONDS, source: 'EC2\'s default: an AWS::EC2::Instance cannot set ConnectionTrackingSpecification' };
}

/** The primary network interface of a launch template carries the timeouts its instances get. */
function templateTimeout(template: ModelResource | undefined, ref: Json): Timeout {
  if (template === undefined) {
    return { unknown: `the connection tracking timeouts of launch template ${describeValue(ref?.LaunchTemplateId ?? ref?.LaunchTemplateName ?? ref)} (not in the templates)` };
  }
  const nics = template.properties.LaunchTemplateData?.NetworkInterfaces;
  if (nics !== undefined && !Array.isArray(nics)) {
    return { unknown: `NetworkInterfaces ${describeValue(nics)} of launch template ${template.path}` };
  }
  const primary = (nics ?? []).find((n: Json) => String(n?.DeviceIndex ?? '0') === '0');
  return specTimeout(primary?.ConnectionTrackingSpecification, `launch template ${template.path}`);
}

function specTimeout(spec: Json, where: string): Timeout {
  const value = spec?.TcpEstablishedTimeout;
  if (value === undefined) {
    if (spec !== undefined && (spec === null || typeof spec !== 'object' || Array.isArray(spec) || isIntrinsic(spec))) {
      return { unknown: `ConnectionTrackingSpecification ${describeValue(spec)} of ${where}` };
    }
    return { seconds: DEFAULT_TCP_ESTABLISHED_SECONDS, source: `EC2's default: ${where} sets no TcpEstablishedTimeout` };
  }
  const seconds = literalInteger(value);
  return seconds === undefined ? { unknown: `TcpEstablishedTimeout ${describeValue(value)} of ${where}` } : { seconds, source: `TcpEstablishedTimeout of ${where}` };
}


/** TCP traffic the interfaces admit from outside the VPC on tracked flows: ports and source CIDRs. */
interface Exposure {
  readonly from: number;
  readonly to: number;
  readonly cidrs: string[];
}

function judge(model: NetworkModel, routing: RoutingModel, context: RuleContext, exposed: ExposedInterfaces): RuleFinding | undefined {
  const address = exposed.publicAddress;
  if ('public' in address && !address.public) {
    return undefined;
  }
  const timeout = exposed.timeout;
  if ('seconds' in timeout && timeout.seconds <= context.maxTcpEstablishedTimeoutSeconds) {
    return undefined;
  }
  const { exposures, unknown: sourcesUnknown } = outsideSources(model, routing, context, exposed);
  if (exposures.length === 0 && sourcesUnknown.length === 0) {
    return undefined;
  }
  const unknown = [
    ...('unknown' in address ? [`whether it has a public address (${address.unknown})`] : []),
    ...('unknown' in timeout ? [`its established-TCP idle timeout (${timeout.unknown})`] : []),
    ...(exposures.length === 0 ? sourcesUnknown : []),
  ];
  if (unknown.length > 0) {
    context.cannotVerify(exposed.resource, `whether revoking access to ${exposed.what} from outside its VPC leaves sessions up longer than `
      + `${context.maxTcpEstablishedTimeoutSeconds} s: ${unknown.join('; ')}`);
    return undefined;
  }
  const seconds = (timeout as { seconds: number; source: string }).seconds;
  const admitted = exposures.map((e) => `${describeProtocolPorts(TCP, e.from, e.to)} from ${e.cidrs.join(', ')}`).join('; ');
  const cidrs = [...new Set(exposures.flatMap((e) => e.cidrs))];
  const subnets = exposed.subnetKeys.map((key) => model.describeKey(key));
  return {
    resource: exposed.resource,
    message: `${exposed.what} has ${exposed.publicHow} and its security groups admit ${admitted} (outside its VPC) on its own network interfaces, `
      + `whose established-TCP idle timeout is ${describeSeconds(seconds)} (${(timeout as { source: string }).source}), above the `
      + `${describeSeconds(context.maxTcpEstablishedTimeoutSeconds)} the checks accept: revoking that access leaves established sessions up until `
      + `they have been idle for ${describeSeconds(seconds)}`,
    fix: `Bound the timeout on ${exposed.fixWhere} with the ConnectionTrackingTimeouts aspect (tcpEstablished at most `
      + `${describeSeconds(context.maxTcpEstablishedTimeoutSeconds)}), and to cut a revoked source at once add a NACL deny `
      + `(IpBlocklistNacl.addBlockedCidrs(['${cidrs[0]}'])) on ${subnets.length > 0 ? `subnet ${subnets.join(', ')}` : 'its subnets'}, kept longer than the timeout`,
  };
}

/**
 * The TCP the workload's groups admit from IPv4 sources outside its VPC on tracked flows, split at every rule's port
 * boundary so each interval's sources are an exact union minus the VPC's blocks; and the values that keep it from
 * being known.
 */
function outsideSources(
  model: NetworkModel, routing: RoutingModel, context: RuleContext, exposed: ExposedInterfaces,
): { exposures: Exposure[]; unknown: string[] } {
  const unknown: string[] = [];
  if (exposed.groupsUnknown) {
    return { exposures: [], unknown: [exposed.groupsUnknown] };
  }
  const subnet = exposed.subnetKeys.map((key) => routing.subnets.get(key)).find((s) => s !== undefined);
  const vpcKey = subnet?.vpcKey ?? exposed.groupKeys.map((key) => model.securityGroup(key)?.vpcKey).find((k) => k !== undefined);
  const ingress: SgRuleModel[] = [];
  const egress: SgRuleModel[] = [];
  let defaultEgress = false;
  if (exposed.groupKeys.length === 0) {
    // No groups: EC2 puts the interface in its VPC's default group, which admits only its own members unless rules
    // are added, and allows all egress unless restricted.
    const vpc = model.vpcs.find((v) => v.key === vpcKey);
    if (vpc === undefined) {
      return { exposures: [], unknown: [`the rules of the default security group of ${exposed.what}'s VPC (not in the templates)`] };
    }
    ingress.push(...vpc.defaultGroupRules.filter((r) => r.direction === 'ingress'));
    egress.push(...vpc.defaultGroupRules.filter((r) => r.direction === 'egress'));
    defaultEgress = vpc.defaultGroupRestrictions.length === 0;
  }
  for (const key of exposed.groupKeys) {
    const group = model.securityGroup(key);
    if (group) {
      ingress.push(...group.ingress);
      egress.push(...group.egress);
      const inline = group.resource.properties.SecurityGroupEgress;
      // Without egress rules of its own, EC2 gives a group one that allows all IPv4 traffic out.
      // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
      defaultEgress ||= inline === undefined || (Array.isArray(inline) && inline.length === 0);
    } else {
      ingress.push(...model.straySgRules.filter((r) => r.direction === 'ingress' && r.groupKey === key));
      unknown.push(`the rules of security group ${model.describeKey(key)} (not in the templates)`);
    }
  }
  const expanded = withPrefixListsExpanded(ingress, (key) => model.resolveKey(key), context.cannotVerify);
  const tcp = (r: SgRuleModel) => r.protocol === TCP || r.protocol === -1;
  for (const r of expanded) {
    if (r.peer.kind === 'group' || r.peer.cidr?.family === IpFamily.IPV6) {
      continue; // group members sit in this VPC or a peered one; IPv6 sources are not judged (see above)
    }
    if (r.unknown !== undefined && (r.protocol === undefined || tcp(r))) {
      unknown.push(`an ingress rule of ${r.resource.path} (${r.unknown})`);
    } else if (r.peer.kind === 'prefixList' && tcp(r)) {
      unknown.push(`the entries of prefix list ${r.peer.text} (not in the templates)`);
    }
  }
  const known = expanded.filter((r) => r.unknown === undefined && r.peer.kind === 'cidr' && r.peer.cidr!.family === IpFamily.IPV4 && tcp(r));
  const vpcBlocks = vpcKey !== undefined ? routing.localRoutes.get(vpcKey) : undefined;
  const vpcRanges: IpRange[] = (vpcBlocks ?? []).flatMap((route) => (route.destination ? [route.destination] : []));
  const vpcUnknown = vpcBlocks === undefined || vpcBlocks.length === 0 ? `the address blocks of ${exposed.what}'s VPC (not in the templates)`
    : vpcBlocks.find((route) => route.unknown !== undefined)?.unknown;
  const untrackedPossible = !autoTracked(routing, exposed.subnetKeys) && (defaultEgress || egress.some(allowsAllTcpOut));
  const cuts = new Set<number>([0, 65536]);
  for (const r of known) {
    cuts.add(r.fromPort);
    cuts.add(r.toPort + 1);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const exposures: Exposure[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i];
    const to = bounds[i + 1] - 1;
    const covering = known.filter((r) => r.fromPort <= from && to <= r.toPort);
    if (covering.length === 0 || (untrackedPossible && covering.some((r) => r.peer.cidr!.prefixLength === 0))) {
      continue; // nothing admitted, or untracked flows that a revoked rule cuts at once
    }
    const union = mergeRanges(covering.map((r) => r.peer.cidr!));
    if (vpcUnknown !== undefined) {
      // Any VPC IPv4 block is at most a /16: a wider source is partly outside whatever the blocks are.
      if (!covering.some((r) => r.peer.cidr!.prefixLength < 16)) {
        unknown.push(vpcUnknown);
        continue;
      }
    }
    const outside = subtractRanges(union, vpcRanges);
    const cidrs = formatRangesAsCidrs(outside, IpFamily.IPV4);
    if (cidrs.length === 0) {
      continue;
    }
    const last = exposures[exposures.length - 1];
    if (last && last.to + 1 === from && last.cidrs.join() === cidrs.join()) {
      exposures[exposures.length - 1] = { ...last, to };
    } else {
      exposures.push({ from, to, cidrs });
    }
  }
  return { exposures, unknown: [...new Set(unknown)] };
}

/** An outbound rule that lets all TCP response traffic out to every IPv4 address: what makes 0.0.0.0/0 flows untracked. */
function allowsAllTcpOut(rule: SgRuleModel): boolean {
  const cidr: ParsedCidr | undefined = rule.peer.cidr;
  return rule.unknown === undefined && cidr !== undefined && cidr.family === IpFamily.IPV4 && cidr.prefixLength === 0
    && (rule.protocol === -1 || (rule.protocol === TCP && rule.fromPort === 0 && rule.toPort === 65535));
}

/**
 * Flows through a Network Firewall or Gateway Load Balancer endpoint are tracked automatically, whatever the rules:
 * a subnet whose default route leads to a VPC endpoint is read as such a path.
 */
function autoTracked(routing: RoutingModel, subnetKeys: string[]): boolean {
  return subnetKeys.some((key) => {
    const subnet = routing.subnets.get(key);
    return subnet !== undefined && routing.routesOf(subnet).some((route) => route.targetKind === 'vpc-endpoint' && route.destination?.prefixLength === 0);
  });
}

/** `432000 s (5 days)`, `3600 s (1 hour)`, `90 s`. */
export function describeSeconds(seconds: number): string {
  const units: Array<[number, string]> = [[86_400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${seconds} s (${n} ${name}${n === 1 ? '' : 's'})`;
    }
  }
  return `${seconds} s`;
}
