// Security group rules as the model sees them: one record per rule, inline (`SecurityGroupIngress`/`Egress` of an
// `AWS::EC2::SecurityGroup`) or standalone (`AWS::EC2::SecurityGroupIngress`/`Egress`), with the peer parsed into
// an exact range. A security group is a union of allows: there is no order and no deny.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
import { parseCidrNormalized } from './cidr-cache';
import { describeValue, isLiteralString, Json, literalInteger, referenceOf, resourceKey, targetKey } from './model-values';
import type { ModelResource } from './resource';
import type { ParsedCidr } from '../../private/ip';

export type SgDirection = 'ingress' | 'egress';

/** Who a rule allows: an exact CIDR, another group, a managed prefix list, or a value unknown at synth. */
export interface SgPeer {
  readonly kind: 'cidr' | 'group' | 'prefixList' | 'unknown';
  /** The exact range of a `cidr` peer. */
  readonly cidr?: ParsedCidr;
  /** The target key of a `group` peer (`id:<stackId>/<logicalId>` for a group of the app). */
  readonly groupKey?: string;
  /** The target key of a `prefixList` peer (`id:<stackId>/<logicalId>` for an `AWS::EC2::PrefixList` of the app). */
  readonly prefixListKey?: string;
  /** How the template wrote the peer. */
  readonly text: string;
}

export interface SgRuleModel {
  /** The resource that holds the rule: the group itself (inline) or the standalone rule resource. */
  readonly resource: ModelResource;
  readonly direction: SgDirection;
  /** The target key of the group the rule belongs to. */
  readonly groupKey: string;
  /** IP protocol number, -1 for all protocols; undefined when unresolved. */
  readonly protocol?: number;
  /** TCP/UDP ports the rule opens (inclusive); all ports for other protocols. */
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: SgPeer;
  readonly description?: string;
  /** Set when a value of the rule cannot be known at synth: names the property and the value. */
  readonly unknown?: string;
}

// A Map, not an object literal: a protocol written 'constructor' or 'toString' must not find Object's methods.
const PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map([['tcp', 6], ['udp', 17], ['icmp', 1], ['icmpv6', 58], ['all', -1]]);
/**
 * The protocol number an `IpProtocol` names: a name EC2 knows (any case), or an integer (a number or a string of
 * digits, not checked against 0-255); undefined for anything else.
 */
export function protocolNumber(value: Json): number | undefined {
  if (typeof value !== 'string') {
    return literalInteger(value);
  }
  // Written in lower case nearly always: looked up as written first (lower-casing makes a string per rule).
  return PROTOCOL_NUMBERS.get(value) ?? PROTOCOL_NUMBERS.get(value.toLowerCase()) ?? literalInteger(value);
}

export const TCP = 6;
export const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

/**
 * Reads one rule (inline item or standalone properties), one record per peer it names: a rule that names more than
 * one source (CloudFormation takes exactly one, but a template can write several) is judged on every one of them.
 * `direction` decides which peer keys apply. The records are added to `into` (a new list by default), which is returned.
 */
export function readSgRules(resource: ModelResource, groupKey: string, direction: SgDirection, rule: Json, into: SgRuleModel[] = []): SgRuleModel[] {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    const text = `the rule ${describeValue(rule)}, which is not an object`;
    into.push({ resource, direction, groupKey, fromPort: 0, toPort: 65535, peer: { kind: 'unknown', text }, unknown: text });
    return into;
  }
  // Every rule of every group of the app passes here: the lists of unknown values are made only when there is one.
  let unknowns: string[] | undefined;
  const rawProtocol = rule.IpProtocol;
  const protocol = protocolNumber(rawProtocol);
  if (protocol === undefined) {
    (unknowns ??= []).push(`IpProtocol ${describeValue(rawProtocol)}`);
  }
  let fromPort = 0;
  let toPort = 65535;
  if (protocol === TCP || protocol === UDP) {
    const from = literalInteger(rule.FromPort);
    const to = literalInteger(rule.ToPort);
    if (from === undefined || to === undefined) {
      (unknowns ??= []).push(`FromPort/ToPort ${describeValue(rule.FromPort)}/${describeValue(rule.ToPort)}`);
    } else if (from !== -1) {
      fromPort = from;
      toPort = to;
    }
  }
  const description = typeof rule.Description === 'string' ? rule.Description : undefined;
  // One list, refilled for each rule (every rule of the app passes here; readPeers calls nothing that comes back
  // here): its first `count` places hold this rule's peers.
  const count = readPeers(rule, direction, resource.stack.id);
  for (let i = 0; i < count; i++) {
    const peer = PEERS[i];
    const own = peer.kind === 'unknown' ? [...(unknowns ?? []), `peer ${peer.text}`] : unknowns;
    into.push({
      resource,
      direction,
      groupKey,
      protocol,
      fromPort,
      toPort,
      peer,
      description,
      unknown: own !== undefined && own.length > 0 ? own.join(', ') : undefined,
    });
  }
  return into;
}

/**
 * What EC2 rejects in one rule's literal values: a protocol that is neither a name it knows (tcp, udp, icmp,
 * icmpv6) nor a number from -1 (all) to 255; for TCP and UDP a missing FromPort or ToPort, a port outside
 * 0-65535 (-1, "every type or code", is for ICMP only) or a FromPort above the ToPort; for ICMP and ICMPv6 what
 * {@link invalidIcmpTypeAndCode} says. `problem` says what is wrong; `value` is how the rule's readers name the value in their "cannot verify"
 * (see {@link readSgRules}), so that the engine does not repeat it as unknown. Values not known at synth are left to
 * the rules.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-security-group-rule.html
 */
export function invalidSgRule(rule: Json): { readonly problem: string; readonly value: string } | undefined {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    return undefined;
  }
  const raw = rule.IpProtocol;
  const number = protocolNumber(raw);
  if (number === undefined) {
    if (typeof raw === 'string' && isLiteralString(raw) || typeof raw === 'number' || typeof raw === 'boolean') {
      return { problem: `IpProtocol ${quoted(raw)} is not a protocol (tcp, udp, icmp, icmpv6, or a number from -1 for all to 255): EC2 rejects the rule`, value: `IpProtocol ${describeValue(raw)}` };
    }
    return undefined;
  }
  if (number < -1 || number > 255) {
    return { problem: `IpProtocol ${quoted(raw)} is not a protocol number (-1 for all, 0-255): EC2 rejects the rule`, value: `IpProtocol ${describeValue(raw)}` };
  }
  if (number === ICMP || number === ICMPV6) {
    return invalidIcmpTypeAndCode(rule, number);
  }
  if (number !== TCP && number !== UDP) {
    return undefined;
  }
  // Every TCP and UDP rule of the app passes here: the texts are written only for a rule EC2 rejects (no closure
  // is made to write them).
  const name = number === TCP ? 'tcp' : 'udp';
  if (rule.FromPort === undefined || rule.ToPort === undefined) {
    return { problem: `a ${name} rule needs FromPort and ToPort (${portsText(rule)}): EC2 rejects the rule`, value: portsText(rule) };
  }
  const from = literalInteger(rule.FromPort);
  const to = literalInteger(rule.ToPort);
  if (from === undefined || to === undefined) {
    return undefined; // a port not known at synth is the rules' to name
  }
  // -1 means every type or code for ICMP only: for TCP and UDP it is out of range.
  if (from < 0 || from > 65535 || to < 0 || to > 65535 || from > to) {
    const outside = from < 0 || from > 65535 || to < 0 || to > 65535;
    const what = outside ? 'a port is outside 0-65535 (-1, every type or code, is for ICMP only)' : 'FromPort is above ToPort';
    return { problem: `${portsText(rule)} of a ${name} rule: ${what}: EC2 rejects the rule`, value: portsText(rule) };
  }
  return undefined;
}

/**
 * What EC2 rejects in an ICMP rule's type (FromPort) and code (ToPort): ICMP needs both (ICMPv6 may leave both out,
 * for every type and code), each is -1 (all) or 0-255, and all types (-1) take all codes (-1).
 */
function invalidIcmpTypeAndCode(rule: Json, protocol: number): { readonly problem: string; readonly value: string } | undefined {
  const name = protocol === ICMP ? 'icmp' : 'icmpv6';
  if (rule.FromPort === undefined && rule.ToPort === undefined) {
    return protocol === ICMP ? { problem: `an icmp rule needs FromPort (the type) and ToPort (the code), -1 for all (${portsText(rule)}): EC2 rejects the rule`, value: portsText(rule) } : undefined;
  }
  if (rule.FromPort === undefined || rule.ToPort === undefined) {
    return { problem: `an ${name} rule needs both FromPort (the type) and ToPort (the code) (${portsText(rule)}): EC2 rejects the rule`, value: portsText(rule) };
  }
  const type = literalInteger(rule.FromPort);
  const code = literalInteger(rule.ToPort);
  if (type === undefined || code === undefined) {
    return undefined; // not known at synth: the rules' to name
  }
  if (type < -1 || type > 255 || code < -1 || code > 255) {
    return { problem: `${portsText(rule)} of an ${name} rule: an ICMP type or code is outside -1-255: EC2 rejects the rule`, value: portsText(rule) };
  }
  if (type === -1 && code !== -1) {
    return { problem: `${portsText(rule)} of an ${name} rule: all types (-1) take all codes (-1): EC2 rejects the rule`, value: portsText(rule) };
  }
  return undefined;
}

/** `FromPort/ToPort <from>/<to>`, as the rule's values are named in messages. */
function portsText(rule: Json): string {
  return `FromPort/ToPort ${describeValue(rule.FromPort)}/${describeValue(rule.ToPort)}`;
}

/** A literal as the model's messages quote it: `'text'` for a string, the value itself otherwise. */
function quoted(value: Json): string {
  return typeof value === 'string' ? `'${value}'` : describeValue(value);
}

/**
 * The peers of the rule read last, in its first places: never emptied (an array set to length 0 drops its storage,
 * and the next rule would allocate it again), only overwritten.
 */
const PEERS: SgPeer[] = [];

/** Writes every peer a rule names (one `unknown` peer when it names none) into {@link PEERS}; returns how many. */
function readPeers(rule: Json, direction: SgDirection, stackId: string): number {
  const peers = PEERS;
  let count = 0;
  for (let i = 0; i < CIDR_PROPERTIES.length; i++) {
    const name = CIDR_PROPERTIES[i];
    const cidrValue = rule[name];
    if (cidrValue === undefined) {
      continue;
    }
    const parsed = parseCidrNormalized(cidrValue);
    peers[count++] = typeof parsed === 'string' ? { kind: 'unknown', text: `${name} ${describeValue(cidrValue)}` } : cidrPeer(cidrValue, parsed);
  }
  let groupValue: Json;
  const groupProperties = direction === 'ingress' ? INGRESS_GROUP_PROPERTIES : EGRESS_GROUP_PROPERTIES;
  for (let i = 0; i < groupProperties.length && groupValue === undefined; i++) {
    groupValue = rule[groupProperties[i]];
  }
  if (groupValue !== undefined) {
    peers[count++] = { kind: 'group', groupKey: targetKey(groupValue, stackId), text: describeValue(groupValue) };
  }
  const prefixList = direction === 'ingress' ? rule.SourcePrefixListId : rule.DestinationPrefixListId;
  if (prefixList !== undefined) {
    peers[count++] = { kind: 'prefixList', prefixListKey: targetKey(prefixList, stackId), text: describeValue(prefixList) };
  }
  if (count === 0) {
    peers[count++] = NO_PEER;
  }
  return count;
}

/**
 * The peer of a CIDR text: one per text, shared by every rule that writes it (nothing modifies a peer), as an app
 * repeats its CIDRs (0.0.0.0/0 in every group) and the model keeps a peer per rule. Bounded, like ./cidr-cache.
 */
function cidrPeer(text: string, cidr: ParsedCidr): SgPeer {
  let peer = cidrPeers.get(text);
  if (peer === undefined) {
    if (cidrPeers.size >= MAX_CIDR_PEERS) {
      cidrPeers.clear();
    }
    peer = Object.freeze({ kind: 'cidr', cidr, text });
    cidrPeers.set(text, peer);
  }
  return peer;
}

const cidrPeers = new Map<string, SgPeer>();
const NO_PEER: SgPeer = Object.freeze({ kind: 'unknown', text: 'no peer' });
const MAX_CIDR_PEERS = 8192;

const CIDR_PROPERTIES = ['CidrIp', 'CidrIpv6'] as const;
/** The properties that name a group, in the order they are read (the first one set is the peer). */
const INGRESS_GROUP_PROPERTIES = ['SourceSecurityGroupId', 'SourceSecurityGroupName'] as const;
const EGRESS_GROUP_PROPERTIES = ['DestinationSecurityGroupId'] as const;

/** The VPC's key when a `GroupId` is `Fn::GetAtt [vpc, DefaultSecurityGroup]` (written in stack `stackId`). */
export function defaultGroupVpcKey(groupId: Json, stackId: string): string | undefined {
  const ref = referenceOf(groupId);
  return ref?.attribute === 'DefaultSecurityGroup' ? resourceKey(ref.stackId ?? stackId, ref.logicalId) : undefined;
}

/** A short description of the traffic a rule allows: `tcp 22`, `udp 1000-2000`, `all traffic`, `protocol 47`. */
export function describeSgTraffic(rule: SgRuleModel): string {
  return describeProtocolPorts(rule.protocol, rule.fromPort, rule.toPort);
}

export function describeProtocolPorts(protocol: number | undefined, from: number, to: number): string {
  if (protocol === undefined) {
    return 'an unresolved protocol';
  }
  if (protocol === -1) {
    return 'all traffic';
  }
  const name = protocol === TCP ? 'tcp' : protocol === UDP ? 'udp' : protocol === 1 ? 'icmp' : protocol === 58 ? 'icmpv6' : `protocol ${protocol}`;
  if (protocol !== TCP && protocol !== UDP) {
    return name;
  }
  if (from === 0 && to === 65535) {
    return `${name} all ports`;
  }
  return from === to ? `${name} ${from}` : `${name} ${from}-${to}`;
}

/**
 * The rules with each peer that is a customer-managed prefix list of this stack (`AWS::EC2::PrefixList`) replaced
 * by one CIDR rule per entry, so a list that holds `0.0.0.0/0` counts as open. Lists outside the stack (AWS-managed
 * lists such as CloudFront's origin-facing one, or imported ids) stay as they are. An entry that is not known at
 * synth is reported through `cannotVerify`.
 */
export function withPrefixListsExpanded(
  rules: readonly SgRuleModel[],
  resolveKey: (key: string) => ModelResource | undefined,
  cannotVerify: (resource: ModelResource, what: string) => void,
): readonly SgRuleModel[] {
  if (!rules.some((rule) => rule.peer.kind === 'prefixList')) {
    return rules; // the usual group: nothing to expand, and no copy
  }
  const expanded: SgRuleModel[] = [];
  for (const rule of rules) {
    const list = rule.peer.kind === 'prefixList' && rule.peer.prefixListKey ? resolveKey(rule.peer.prefixListKey) : undefined;
    if (list?.type !== 'AWS::EC2::PrefixList') {
      expanded.push(rule);
      continue;
    }
    const entries: Json = list.properties?.Entries;
    if (entries === undefined) {
      continue; // an empty list admits nobody
    }
    if (!Array.isArray(entries)) {
      cannotVerify(list, `the entries of prefix list ${list.path} (${describeValue(entries)})`);
      continue;
    }
    for (const entry of entries) {
      const parsed = parseCidrNormalized(entry?.Cidr);
      if (typeof parsed === 'string') {
        cannotVerify(list, `prefix list entry Cidr ${describeValue(entry?.Cidr)}`);
        continue;
      }
      expanded.push({ ...rule, peer: { kind: 'cidr', cidr: parsed, text: `${String(entry.Cidr)} (prefix list ${list.path})` } });
    }
  }
  return expanded;
}
