// Reads what the diff needs from one app's templates, CDK-free: every security group's rules (inline and standalone,
// with the default egress rule AWS adds), where each group is attached (network interfaces, launch templates,
// instances, anything else that names it) with the connection tracking timeouts there, and NACL entries.
// @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
import { DiffDirection, DiffStackInput, Json } from './types';
import { IpFamily } from '../../ip/family';
import { IpRange, parseCidrOrReason } from '../../private/ip';
import { describeValue, literalInteger, referenceOf } from '../model/model-values';
import { protocolNumber } from '../model/sg-rules';

/** The synthetic cross-stack form the reader writes (ANALYSIS-CONTRACT.md). */
const STACK_REF = 'LayeredDefense::StackRef';

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
export const ICMPV6 = 58;
export const ALL_PROTOCOLS = -1;
/** Ports, or ICMP type*256+code, are encoded in 0..65535. */
export const FULL: readonly [number, number] = [0, 65535];


export type Peer =
  | { readonly kind: 'cidr'; readonly range: IpRange; readonly isWholeFamily: boolean; readonly text: string }
  | { readonly kind: 'securityGroup' | 'prefixList'; readonly key: string; readonly text: string }
  | { readonly kind: 'unknown'; readonly text: string };

export interface RuleModel {
  readonly direction: DiffDirection;
  /** The logical id of the resource that holds the rule. */
  readonly holder: string;
  /** IP protocol number; -1 for all; undefined when unknown at synth. */
  readonly protocol?: number;
  /** Inclusive interval in the protocol's port space (ICMP: type*256+code); undefined when unknown. */
  readonly ports?: readonly [number, number];
  readonly peer: Peer;
  /** Set when a value is not known at synth: the property and its value. */
  readonly unknown?: string;
  /** A canonical text of the rule as written, to compare rules with unknown values. */
  readonly text: string;
}

export interface GroupModel {
  /** Canonical key: `<stack key>|<logical id>`, or `<stack key>|<value>` for a group outside the templates. */
  readonly key: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly rules: RuleModel[];
}

/** One place a group is used, with the timeouts that apply to flows there (undefined: EC2's default). */
export interface Attachment {
  readonly groupKey: string;
  /** `AWS::EC2::Instance Bastion`: what the timeouts are read from. */
  readonly where: string;
  readonly tcpEstablished?: number;
  readonly udpStream?: number;
  readonly udp?: number;
  /** A timeout written as a value unknown at synth. */
  readonly unknown?: string;
  readonly subnets: string[];
}

export interface NaclEntryModel {
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly egress: boolean;
  readonly properties: Json;
}

export interface AppModel {
  readonly groups: Map<string, GroupModel>;
  readonly attachments: Attachment[];
  readonly naclEntries: Map<string, NaclEntryModel>;
}

/** Resolves how a value names a security group: a canonical key, or undefined when it names none we can tell. */
export class GroupKeys {
  /** `stackKeys` maps each stack id of the app to the key it shares with its counterpart in the other app. */
  constructor(private readonly stackKeys: Map<string, string>) {}

  public stackKey(stackId: string): string {
    return this.stackKeys.get(stackId) ?? `unpaired:${stackId}`;
  }

  /** The key of the group `value` names in stack `stackId`; literal ids are global (`literal:sg-...`). */
  public groupKey(value: Json, stackId: string): string | undefined {
    const crossStack = value?.[STACK_REF];
    if (crossStack !== undefined && typeof crossStack.stackId === 'string') {
      return this.groupKey(crossStack.value, crossStack.stackId);
    }
    const ref = referenceOf(value);
    if (ref !== undefined && (ref.attribute === undefined || ref.attribute === 'GroupId')) {
      return `${this.stackKey(stackId)}|${ref.logicalId}`;
    }
    if (typeof value === 'string') {
      return `literal:${value}`;
    }
    return undefined;
  }
}

function resourcesOf(template: Json): [string, Json][] {
  const resources = template?.Resources;
  return resources !== null && typeof resources === 'object' ? Object.entries(resources) : [];
}

/** Reads one app. */
export function readAppModel(stacks: readonly DiffStackInput[], keys: GroupKeys): AppModel {
  const groups = new Map<string, GroupModel>();
  const naclEntries = new Map<string, NaclEntryModel>();
  const standalone: [DiffStackInput, string, Json][] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of resourcesOf(stack.template)) {
      const properties = resource?.Properties ?? {};
      switch (resource?.Type) {
        case 'AWS::EC2::SecurityGroup':
          groups.set(`${keys.stackKey(stack.stackId)}|${logicalId}`, {
            key: `${keys.stackKey(stack.stackId)}|${logicalId}`,
            stackId: stack.stackId,
            stackName: stack.stackName,
            logicalId,
            resourceType: 'AWS::EC2::SecurityGroup',
            rules: inlineRules(stack, logicalId, properties, keys),
          });
          break;
        case 'AWS::EC2::SecurityGroupIngress':
        case 'AWS::EC2::SecurityGroupEgress':
          standalone.push([stack, logicalId, resource]);
          break;
        case 'AWS::EC2::NetworkAclEntry':
          naclEntries.set(`${keys.stackKey(stack.stackId)}|${logicalId}`, {
            stackId: stack.stackId, stackName: stack.stackName, logicalId, egress: isTrue(properties.Egress), properties,
          });
          break;
        default:
          break;
      }
    }
  }
  for (const [stack, logicalId, resource] of standalone) {
    const properties = resource.Properties ?? {};
    const direction: DiffDirection = resource.Type === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : 'egress';
    const groupValue = properties.GroupId ?? properties.GroupName;
    const key = keys.groupKey(groupValue, stack.stackId) ?? `${keys.stackKey(stack.stackId)}|${describeValue(groupValue)}`;
    let group = groups.get(key);
    if (group === undefined) {
      // A group outside the templates (an imported id): its rules here are all the diff can see.
      group = {
        key,
        stackId: stack.stackId,
        stackName: stack.stackName,
        logicalId: describeValue(groupValue),
        resourceType: 'AWS::EC2::SecurityGroup (outside the templates)',
        rules: [],
      };
      groups.set(key, group);
    }
    group.rules.push(readRule(stack, logicalId, direction, properties, keys));
  }
  return { groups, attachments: readAttachments(stacks, keys), naclEntries };
}

function inlineRules(stack: DiffStackInput, logicalId: string, properties: Json, keys: GroupKeys): RuleModel[] {
  const rules: RuleModel[] = [];
  for (const [direction, list] of [['ingress', properties.SecurityGroupIngress], ['egress', properties.SecurityGroupEgress]] as const) {
    if (Array.isArray(list)) {
      for (const rule of list) {
        rules.push(readRule(stack, logicalId, direction, rule, keys));
      }
    } else if (list !== undefined) {
      rules.push(unknownRule(logicalId, direction, `SecurityGroup${direction === 'ingress' ? 'Ingress' : 'Egress'} ${describeValue(list)}`));
    }
  }
  const egress = properties.SecurityGroupEgress;
  if (egress === undefined || (Array.isArray(egress) && egress.length === 0)) {
    // Without egress rules in the group, EC2 adds one that allows all IPv4 traffic out; specifying any removes it.
    // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
    rules.push(readRule(stack, logicalId, 'egress', { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }, keys, ' (EC2 default egress)'));
  }
  return rules;
}

function unknownRule(holder: string, direction: DiffDirection, text: string): RuleModel {
  return { direction, holder, peer: { kind: 'unknown', text }, unknown: text, text };
}

function readRule(stack: DiffStackInput, holder: string, direction: DiffDirection, rule: Json, keys: GroupKeys, note = ''): RuleModel {
  const unknowns: string[] = [];
  const protocol = readProtocol(rule?.IpProtocol);
  if (protocol === undefined) {
    unknowns.push(`IpProtocol ${describeValue(rule?.IpProtocol)}`);
  }
  let ports: readonly [number, number] | undefined = FULL;
  if (protocol === TCP || protocol === UDP) {
    ports = portInterval(rule?.FromPort, rule?.ToPort);
  } else if (protocol === ICMP || protocol === ICMPV6) {
    ports = icmpInterval(rule?.FromPort, rule?.ToPort);
  }
  if (ports === undefined) {
    unknowns.push(`FromPort/ToPort ${describeValue(rule?.FromPort)}/${describeValue(rule?.ToPort)}`);
  }
  const peer = readPeer(rule, direction, stack.stackId, keys);
  if (peer.kind === 'unknown') {
    unknowns.push(`peer ${peer.text}`);
  }
  const { Description: _description, ...written } = rule ?? {};
  return {
    direction,
    holder,
    protocol,
    ports,
    peer,
    unknown: unknowns.length > 0 ? unknowns.join(', ') : undefined,
    text: `${describeValue(canonical(written))}${note}`,
  };
}

function readProtocol(value: Json): number | undefined {
  const number = protocolNumber(value);
  return number !== undefined && number >= -1 && number <= 255 ? number : undefined;
}

function portInterval(from: Json, to: Json): readonly [number, number] | undefined {
  const first = literalInteger(from);
  const last = literalInteger(to);
  if (first === undefined || last === undefined) {
    return undefined;
  }
  // -1 means "every type or code" for ICMP only: EC2 rejects it for TCP and UDP, so it is no interval here either
  // (as in the checks, where such a rule is InvalidValue).
  return first <= last && first >= 0 && last <= 65535 ? [first, last] : undefined;
}

/** ICMP rules use FromPort as the type and ToPort as the code (-1: all); as one interval of type*256+code. */
function icmpInterval(from: Json, to: Json): readonly [number, number] | undefined {
  const type = from === undefined ? -1 : literalInteger(from);
  const code = to === undefined ? -1 : literalInteger(to);
  if (type === undefined || code === undefined || type > 255 || code > 255) {
    return undefined;
  }
  if (type < 0) {
    return FULL;
  }
  return code < 0 ? [type * 256, type * 256 + 255] : [type * 256 + code, type * 256 + code];
}

function readPeer(rule: Json, direction: DiffDirection, stackId: string, keys: GroupKeys): Peer {
  const cidr = rule?.CidrIp ?? rule?.CidrIpv6;
  if (cidr !== undefined) {
    const parsed = parseCidrOrReason(cidr, { normalizeHostBits: true });
    if (typeof parsed === 'string') {
      return { kind: 'unknown', text: `${rule?.CidrIp !== undefined ? 'CidrIp' : 'CidrIpv6'} ${describeValue(cidr)}` };
    }
    return {
      kind: 'cidr',
      range: { family: parsed.family, first: parsed.first, last: parsed.last },
      isWholeFamily: parsed.prefixLength === 0,
      text: String(cidr),
    };
  }
  const group = direction === 'ingress' ? rule?.SourceSecurityGroupId ?? rule?.SourceSecurityGroupName : rule?.DestinationSecurityGroupId;
  if (group !== undefined) {
    const key = keys.groupKey(group, stackId);
    return key === undefined ? { kind: 'unknown', text: `security group ${describeValue(group)}` } : { kind: 'securityGroup', key, text: groupText(group) };
  }
  const prefixList = direction === 'ingress' ? rule?.SourcePrefixListId : rule?.DestinationPrefixListId;
  if (prefixList !== undefined) {
    const key = keys.groupKey(prefixList, stackId);
    return key === undefined ? { kind: 'unknown', text: `prefix list ${describeValue(prefixList)}` } : { kind: 'prefixList', key, text: groupText(prefixList) };
  }
  return { kind: 'unknown', text: 'no peer' };
}

/** How a message names a referenced group or list: its logical id, or the value as written. */
export function groupText(value: Json): string {
  const crossStack = value?.[STACK_REF];
  if (crossStack !== undefined) {
    return `${groupText(crossStack.value)} (stack ${crossStack.stackId})`;
  }
  const ref = referenceOf(value);
  return ref !== undefined ? ref.logicalId : describeValue(value);
}

function canonical(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  }
  return value;
}

function isTrue(value: Json): boolean {
  return value === true || value === 'true';
}

/** Every place a group is named outside security group rules, with the timeouts that apply there. */
function readAttachments(stacks: readonly DiffStackInput[], keys: GroupKeys): Attachment[] {
  const attachments: Attachment[] = [];
  for (const stack of stacks) {
    const resources = resourcesOf(stack.template);
    const templateSubnets = autoScalingSubnetsByTemplate(resources);
    for (const [logicalId, resource] of resources) {
      const type = resource?.Type;
      const properties = resource?.Properties ?? {};
      if (typeof type !== 'string' || type.startsWith('AWS::EC2::SecurityGroup')) {
        continue;
      }
      const where = `${type} ${logicalId}`;
      const add = (groupValues: Json, spec: Json, subnets: Json[]) => {
        for (const groupKey of namedGroups(groupValues, stack.stackId, keys)) {
          attachments.push({ groupKey, where, ...timeouts(spec), subnets: subnets.filter((s) => s !== undefined).map(subnetText) });
        }
      };
      if (type === 'AWS::EC2::NetworkInterface') {
        add(properties.GroupSet, properties.ConnectionTrackingSpecification, [properties.SubnetId]);
      } else if (type === 'AWS::EC2::LaunchTemplate') {
        const data = properties.LaunchTemplateData ?? {};
        const subnets = templateSubnets.get(logicalId) ?? [];
        add(data.SecurityGroupIds, undefined, subnets);
        for (const networkInterface of Array.isArray(data.NetworkInterfaces) ? data.NetworkInterfaces : []) {
          add(networkInterface?.Groups, networkInterface?.ConnectionTrackingSpecification, [networkInterface?.SubnetId, ...subnets]);
        }
      } else if (type === 'AWS::EC2::Instance') {
        add(properties.SecurityGroupIds, undefined, [properties.SubnetId]);
        for (const networkInterface of Array.isArray(properties.NetworkInterfaces) ? properties.NetworkInterfaces : []) {
          add(networkInterface?.GroupSet, undefined, [networkInterface?.SubnetId]);
        }
      } else {
        // Load balancers, databases, functions, endpoints...: their managed network interfaces use EC2's defaults.
        add(collectGroupReferences(properties), undefined, []);
      }
    }
  }
  return attachments;
}

function namedGroups(values: Json, stackId: string, keys: GroupKeys): string[] {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return list.map((value) => keys.groupKey(value, stackId)).filter((key): key is string => key !== undefined);
}

/** Values under keys that name security groups anywhere in a resource's properties. */
function collectGroupReferences(value: Json, into: Json[] = []): Json[] {
  if (Array.isArray(value)) {
    value.forEach((item) => collectGroupReferences(item, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (/SecurityGroup/.test(key)) {
        into.push(...(Array.isArray(child) ? child : [child]));
      } else {
        collectGroupReferences(child, into);
      }
    }
  }
  return into;
}

function timeouts(spec: Json): Pick<Attachment, 'tcpEstablished' | 'udpStream' | 'udp' | 'unknown'> {
  if (spec === undefined) {
    return {};
  }
  const unknown: string[] = [];
  const read = (key: string) => {
    const value = spec?.[key];
    if (value === undefined) {
      return undefined;
    }
    const seconds = literalInteger(value);
    if (seconds === undefined) {
      unknown.push(`${key} ${describeValue(value)}`);
    }
    return seconds;
  };
  return {
    tcpEstablished: read('TcpEstablishedTimeout'),
    udpStream: read('UdpStreamTimeout'),
    udp: read('UdpTimeout'),
    unknown: unknown.length > 0 ? unknown.join(', ') : undefined,
  };
}

/** The subnets of the auto scaling groups that launch each launch template (by the template's logical id). */
function autoScalingSubnetsByTemplate(resources: [string, Json][]): Map<string, Json[]> {
  const byTemplate = new Map<string, Json[]>();
  for (const [, resource] of resources) {
    if (resource?.Type !== 'AWS::AutoScaling::AutoScalingGroup') {
      continue;
    }
    const properties = resource.Properties ?? {};
    const spec = properties.LaunchTemplate ?? properties.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    const template = referenceOf(spec?.LaunchTemplateId)?.logicalId;
    const subnets = properties.VPCZoneIdentifier;
    if (template !== undefined && subnets !== undefined) {
      byTemplate.set(template, [...(byTemplate.get(template) ?? []), ...(Array.isArray(subnets) ? subnets : [subnets])]);
    }
  }
  return byTemplate;
}

function subnetText(value: Json): string {
  return groupText(value);
}

export function familyOf(peer: Peer): IpFamily | undefined {
  return peer.kind === 'cidr' ? peer.range.family : undefined;
}
