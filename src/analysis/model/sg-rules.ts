// Security group rules as the model sees them: one record per rule, inline (`SecurityGroupIngress`/`Egress` of an
// `AWS::EC2::SecurityGroup`) or standalone (`AWS::EC2::SecurityGroupIngress`/`Egress`), with the peer parsed into
// an exact range. A security group is a union of allows: there is no order and no deny.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
import { parseCidrNormalized } from './cidr-cache';
import { describeValue, Json, literalInteger, referenceOf, resourceKey, targetKey } from './model-values';
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

const PROTOCOL_NUMBERS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58, all: -1 };
export const TCP = 6;
export const UDP = 17;

/**
 * Reads one rule (inline item or standalone properties), one record per peer it names: a rule that names more than
 * one source (CloudFormation takes exactly one, but a template can write several) is judged on every one of them.
 * `direction` decides which peer keys apply.
 */
export function readSgRules(resource: ModelResource, groupKey: string, direction: SgDirection, rule: Json): SgRuleModel[] {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    const text = `the rule ${describeValue(rule)}, which is not an object`;
    return [{ resource, direction, groupKey, fromPort: 0, toPort: 65535, peer: { kind: 'unknown', text }, unknown: text }];
  }
  const unknowns: string[] = [];
  let protocol: number | undefined;
  const rawProtocol = rule?.IpProtocol;
  if (typeof rawProtocol === 'string' && PROTOCOL_NUMBERS[rawProtocol.toLowerCase()] !== undefined) {
    protocol = PROTOCOL_NUMBERS[rawProtocol.toLowerCase()];
  } else if (literalInteger(rawProtocol) !== undefined) {
    protocol = literalInteger(rawProtocol);
  } else {
    unknowns.push(`IpProtocol ${describeValue(rawProtocol)}`);
  }
  let fromPort = 0;
  let toPort = 65535;
  if (protocol === TCP || protocol === UDP) {
    const from = literalInteger(rule?.FromPort);
    const to = literalInteger(rule?.ToPort);
    if (from === undefined || to === undefined) {
      unknowns.push(`FromPort/ToPort ${describeValue(rule?.FromPort)}/${describeValue(rule?.ToPort)}`);
    } else if (from !== -1) {
      fromPort = from;
      toPort = to;
    }
  }
  const description = typeof rule?.Description === 'string' ? rule.Description : undefined;
  return readPeers(rule, direction, resource.stack.id).map((peer) => {
    const own = peer.kind === 'unknown' ? [...unknowns, `peer ${peer.text}`] : unknowns;
    return {
      resource,
      direction,
      groupKey,
      protocol,
      fromPort,
      toPort,
      peer,
      description,
      unknown: own.length > 0 ? own.join(', ') : undefined,
    };
  });
}

/** Every peer a rule names; one `unknown` peer when it names none. */
function readPeers(rule: Json, direction: SgDirection, stackId: string): SgPeer[] {
  const peers: SgPeer[] = [];
  for (const name of ['CidrIp', 'CidrIpv6'] as const) {
    const cidrValue = rule?.[name];
    if (cidrValue === undefined) {
      continue;
    }
    const parsed = parseCidrNormalized(cidrValue);
    peers.push(typeof parsed === 'string'
      ? { kind: 'unknown', text: `${name} ${describeValue(cidrValue)}` }
      : { kind: 'cidr', cidr: parsed, text: cidrValue });
  }
  const groupNames = direction === 'ingress' ? ['SourceSecurityGroupId', 'SourceSecurityGroupName'] : ['DestinationSecurityGroupId'];
  const groupValue = groupNames.map((name) => rule?.[name]).find((v) => v !== undefined);
  if (groupValue !== undefined) {
    peers.push({ kind: 'group', groupKey: targetKey(groupValue, stackId), text: describeValue(groupValue) });
  }
  const prefixList = direction === 'ingress' ? rule?.SourcePrefixListId : rule?.DestinationPrefixListId;
  if (prefixList !== undefined) {
    peers.push({ kind: 'prefixList', prefixListKey: targetKey(prefixList, stackId), text: describeValue(prefixList) });
  }
  return peers.length > 0 ? peers : [{ kind: 'unknown', text: 'no peer' }];
}

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
): SgRuleModel[] {
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
