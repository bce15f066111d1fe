// What a change to security groups and network ACLs does to live connections, computed from two apps' templates,
// CDK-free. Security groups are stateful: removing or narrowing a rule stops new flows only; a tracked flow lasts
// until it has been idle for the network interface's timeout. A flow is untracked (and so cut at once) only when the
// rule that admitted it allows 0.0.0.0/0 or ::/0 and the other direction allows all traffic to 0.0.0.0/0 or ::/0;
// ICMP is always tracked, and flows through load balancers, NAT gateways and some other paths are tracked
// automatically. A network ACL is stateless: its changes apply to existing flows at once.
// @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html
import {
  ALL_PROTOCOLS, AppModel, Attachment, FULL, GroupKeys, GroupModel, ICMP, ICMPV6, NaclEntryModel, readAppModel, RuleModel, TCP, UDP,
} from './app-model';
import { AccessChange, CutOffAdvice, DiffDirection, DiffOptions, DiffResult, DiffStackInput, Json, RemovedAccess } from './types';
import { IpFamily } from '../../ip/family';
import { formatRangesAsCidrs, IpRange, mergeRanges, subtractRanges } from '../../private/ip';
import { describeValue, literalInteger } from '../model/model-values';

/** EC2's default idle timeouts (EC2 User Guide, "Connection tracking timeouts"). */
export const DEFAULT_TCP_ESTABLISHED_SECONDS = 432_000;
export const DEFAULT_UDP_STREAM_SECONDS = 180;
export const DEFAULT_UDP_SECONDS = 30;
/** Protocols other than TCP, UDP and ICMP: "within 600 seconds" (EC2 User Guide, "Security group connection tracking"). */
export const OTHER_PROTOCOL_SECONDS = 600;

/** A protocol slot: an IP protocol number, or every protocol no rule names. */
type Slot = number | 'other';

interface Item {
  readonly peer: string;
  readonly peerKind: RemovedAccess['peerKind'];
  readonly slot: Slot | 'unknown';
  readonly intervals: [number, number][];
  readonly tracked: boolean;
  readonly lingerSeconds: number | null;
  readonly family?: IpFamily;
  readonly unknown?: string;
}

/**
 * Compares two apps (each a list of stacks with their resolved templates) and reports, per security group and
 * direction, the access the change removes or narrows, how long established connections can linger, and how to
 * cut them now; NACL entry changes are reported as immediate.
 */
export function diffTemplates(before: readonly DiffStackInput[], after: readonly DiffStackInput[], options: DiffOptions = {}): DiffResult {
  const [beforeKeys, afterKeys] = pairStacks(before, after);
  const old = readAppModel(before, beforeKeys);
  const now = readAppModel(after, afterKeys);
  const changes: AccessChange[] = [];
  for (const group of old.groups.values()) {
    const next = now.groups.get(group.key);
    for (const direction of ['ingress', 'egress'] as const) {
      changes.push(...groupChanges(group, next, direction, [...old.attachments, ...now.attachments], options));
    }
  }
  changes.push(...naclChanges(old, now));
  return { changes };
}

/** Pairs the stacks of the two apps by id, then by stack name, then a lone stack with a lone stack. */
function pairStacks(before: readonly DiffStackInput[], after: readonly DiffStackInput[]): [GroupKeys, GroupKeys] {
  const beforeKeys = new Map<string, string>();
  const afterKeys = new Map<string, string>();
  const pair = (b: DiffStackInput, a: DiffStackInput) => {
    beforeKeys.set(b.stackId, `stack:${a.stackId}`);
    afterKeys.set(a.stackId, `stack:${a.stackId}`);
  };
  const unpairedAfter = () => after.filter((a) => !afterKeys.has(a.stackId));
  for (const b of before) {
    const a = after.find((s) => s.stackId === b.stackId);
    if (a) {
      pair(b, a);
    }
  }
  for (const b of before.filter((s) => !beforeKeys.has(s.stackId))) {
    const a = unpairedAfter().find((s) => s.stackName === b.stackName);
    if (a) {
      pair(b, a);
    }
  }
  const loneBefore = before.filter((s) => !beforeKeys.has(s.stackId));
  if (loneBefore.length === 1 && unpairedAfter().length === 1) {
    pair(loneBefore[0], unpairedAfter()[0]);
  }
  return [new GroupKeys(beforeKeys), new GroupKeys(afterKeys)];
}

function groupChanges(
  group: GroupModel, next: GroupModel | undefined, direction: DiffDirection, attachments: Attachment[], options: DiffOptions,
): AccessChange[] {
  const beforeRules = group.rules.filter((r) => r.direction === direction);
  const afterRules = (next?.rules ?? []).filter((r) => r.direction === direction);
  const opposite = group.rules.filter((r) => r.direction !== direction);
  const afterTexts = new Set(afterRules.map((r) => r.text));
  const beforeTexts = new Set(beforeRules.map((r) => r.text));
  const timeouts = groupTimeouts(group.key, attachments);

  const known = (rules: RuleModel[]) => rules.filter((r) => r.unknown === undefined);
  const items = removedKnownAccess(known(beforeRules), known(afterRules), opposite, timeouts);
  for (const rule of beforeRules) {
    if (rule.unknown !== undefined && !afterTexts.has(rule.text)) {
      items.push({
        peer: rule.peer.text,
        peerKind: rule.peer.kind === 'unknown' ? 'unknown' : rule.peer.kind,
        slot: 'unknown',
        intervals: [],
        tracked: true,
        lingerSeconds: timeouts.tcp,
        unknown: rule.unknown,
      });
    }
  }
  if (items.length === 0) {
    return [];
  }
  const unknown = afterRules.filter((r) => r.unknown !== undefined && !beforeTexts.has(r.text))
    .map((r) => `the new rule ${r.text} on ${r.holder} has a value unknown at synth or one EC2 rejects (${r.unknown}); the access it keeps is not subtracted`);
  const changedHolders = [...new Set(beforeRules.filter((r) => !afterTexts.has(r.text)).map((r) => r.holder))];
  const resources = changedHolders.length > 0 ? changedHolders : [group.logicalId];
  const changes: AccessChange[] = [];
  for (const tracked of [true, false]) {
    const subset = items.filter((i) => i.tracked === tracked);
    if (subset.length > 0) {
      changes.push(buildChange(group, next === undefined, direction, resources, collapse(subset), tracked, timeouts, unknown, options));
    }
  }
  return changes;
}

/** The slots the rules name: TCP, UDP, ICMP and ICMPv6 always (their tracking differs), named protocols, the rest. */
function slotsOf(rules: RuleModel[]): Slot[] {
  const common = [TCP, UDP, ICMP, ICMPV6];
  const named = new Set<number>();
  for (const rule of rules) {
    if (rule.protocol !== undefined && rule.protocol !== ALL_PROTOCOLS && !common.includes(rule.protocol)) {
      named.add(rule.protocol);
    }
  }
  return [...common, ...[...named].sort((a, b) => a - b), 'other'];
}

function contributes(rule: RuleModel, slot: Slot): readonly [number, number] | undefined {
  if (rule.protocol === ALL_PROTOCOLS) {
    return FULL;
  }
  return rule.protocol === slot ? rule.ports : undefined;
}

/**
 * The exact access of `before` not in `after`, per protocol slot: ports are split at every rule's boundary, so within
 * each elementary interval the peers are a plain set difference (exact ranges for CIDRs, keys for groups and lists).
 */
function removedKnownAccess(before: RuleModel[], after: RuleModel[], opposite: RuleModel[], timeouts: GroupTimeouts): Item[] {
  const items: Item[] = [];
  for (const slot of slotsOf([...before, ...after])) {
    const beforeHere = before.map((rule) => ({ rule, ports: contributes(rule, slot) })).filter((c) => c.ports !== undefined);
    if (beforeHere.length === 0) {
      continue;
    }
    const afterHere = after.map((rule) => ({ rule, ports: contributes(rule, slot) })).filter((c) => c.ports !== undefined);
    const cuts = new Set<number>([0, 65536]);
    for (const { ports } of [...beforeHere, ...afterHere]) {
      cuts.add(ports![0]);
      cuts.add(ports![1] + 1);
    }
    const bounds = [...cuts].sort((a, b) => a - b);
    for (let index = 0; index + 1 < bounds.length; index++) {
      const first = bounds[index];
      const last = bounds[index + 1] - 1;
      const covering = (list: typeof beforeHere) => list.filter((c) => c.ports![0] <= first && c.ports![1] >= last).map((c) => c.rule);
      const was = covering(beforeHere);
      const is = covering(afterHere);
      const removedRanges = subtractRanges(cidrRanges(was), cidrRanges(is));
      for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
        const cidrs = formatRangesAsCidrs(removedRanges, family);
        if (cidrs.length === 0) {
          continue;
        }
        const untracked = (slot === TCP || slot === UDP)
          && was.some((r) => r.peer.kind === 'cidr' && r.peer.isWholeFamily && r.peer.range.family === family)
          && allowsAllTraffic(opposite, family, slot);
        for (const cidr of cidrs) {
          items.push({
            peer: cidr,
            peerKind: 'cidr',
            slot,
            intervals: [[first, last]],
            family,
            tracked: !untracked,
            lingerSeconds: untracked ? 0 : lingerFor(slot, timeouts),
          });
        }
      }
      const isKeys = new Set(is.map(peerKey));
      for (const rule of was) {
        if (rule.peer.kind !== 'securityGroup' && rule.peer.kind !== 'prefixList') {
          continue;
        }
        if (!isKeys.has(peerKey(rule))) {
          items.push({
            peer: rule.peer.text,
            peerKind: rule.peer.kind,
            slot,
            intervals: [[first, last]],
            tracked: true,
            lingerSeconds: lingerFor(slot, timeouts),
          });
        }
      }
    }
  }
  return items;
}

function peerKey(rule: RuleModel): string {
  return rule.peer.kind === 'securityGroup' || rule.peer.kind === 'prefixList' ? `${rule.peer.kind}:${rule.peer.key}` : '';
}

function cidrRanges(rules: RuleModel[]): IpRange[] {
  return mergeRanges(rules.flatMap((r) => (r.peer.kind === 'cidr' ? [r.peer.range] : [])));
}

/** The other direction allows all response traffic to the whole family: all protocols, or the slot on every port. */
function allowsAllTraffic(rules: RuleModel[], family: IpFamily, slot: Slot): boolean {
  return rules.some((r) => r.unknown === undefined && r.peer.kind === 'cidr' && r.peer.isWholeFamily && r.peer.range.family === family
    && (r.protocol === ALL_PROTOCOLS || (r.protocol === slot && r.ports?.[0] === 0 && r.ports?.[1] === 65535)));
}

/** Merges the items of one peer, protocol and tracking into one item with all their ports. */
function collapse(items: Item[]): Item[] {
  const merged = new Map<string, Item>();
  for (const item of items) {
    const key = `${item.peerKind}\u0000${item.peer}\u0000${item.slot}\u0000${item.unknown ?? ''}`;
    const existing = merged.get(key);
    merged.set(key, existing === undefined ? item : { ...existing, intervals: [...existing.intervals, ...item.intervals] });
  }
  return [...merged.values()].map((item) => ({ ...item, intervals: mergeIntervals(item.intervals) }));
}

function mergeIntervals(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [first, last] of sorted) {
    const previous = out[out.length - 1];
    if (previous !== undefined && first <= previous[1] + 1) {
      previous[1] = Math.max(previous[1], last);
    } else {
      out.push([first, last]);
    }
  }
  return out;
}

interface GroupTimeouts {
  readonly tcp: number;
  readonly udp: number;
  readonly tcpSource: string;
  readonly udpSource: string;
  readonly subnets: string[];
}

/** The longest timeouts among the places the group is used (in either app), and where they come from. */
function groupTimeouts(groupKey: string, attachments: Attachment[]): GroupTimeouts {
  const used = attachments.filter((a) => a.groupKey === groupKey);
  const subnets = [...new Set(used.flatMap((a) => a.subnets))].sort();
  if (used.length === 0) {
    const none = 'no network interface, launch template or instance in the templates uses the group';
    return {
      tcp: DEFAULT_TCP_ESTABLISHED_SECONDS,
      udp: DEFAULT_UDP_STREAM_SECONDS,
      tcpSource: `EC2's default TcpEstablishedTimeout (${none}; 350 s on Nitro v6 instance types)`,
      udpSource: `EC2's default UdpStreamTimeout (${none})`,
      subnets,
    };
  }
  const pick = (value: (a: Attachment) => number | undefined, fallback: number, key: string) => {
    let best = { seconds: -1, source: '' };
    for (const attachment of used) {
      const set = value(attachment);
      const seconds = set ?? fallback;
      if (seconds > best.seconds) {
        const unknown = attachment.unknown !== undefined ? `; ${attachment.unknown} is unknown at synth, so the default is assumed` : '';
        best = {
          seconds,
          source: set !== undefined
            ? `${key} on ${attachment.where}`
            : `EC2's default ${key} (no ConnectionTrackingSpecification on ${attachment.where}${unknown}${key === 'TcpEstablishedTimeout' ? '; 350 s on Nitro v6 instance types' : ''})`,
        };
      }
    }
    return best;
  };
  const tcp = pick((a) => a.tcpEstablished, DEFAULT_TCP_ESTABLISHED_SECONDS, 'TcpEstablishedTimeout');
  const udp = pick((a) => maxDefined(a.udpStream, a.udp), DEFAULT_UDP_STREAM_SECONDS, 'UdpStreamTimeout');
  return { tcp: tcp.seconds, udp: udp.seconds, tcpSource: tcp.source, udpSource: udp.source, subnets };
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined && b === undefined) {
    return undefined;
  }
  return Math.max(a ?? DEFAULT_UDP_STREAM_SECONDS, b ?? DEFAULT_UDP_SECONDS);
}

/** ICMP is always tracked but EC2 documents no idle timeout for it: null, never a guess. */
function lingerFor(slot: Slot, timeouts: GroupTimeouts): number | null {
  if (slot === TCP) {
    return timeouts.tcp;
  }
  if (slot === UDP) {
    return timeouts.udp;
  }
  if (slot === ICMP || slot === ICMPV6) {
    return null;
  }
  return OTHER_PROTOCOL_SECONDS;
}

function lingerSource(slot: Slot | 'unknown', timeouts: GroupTimeouts): string {
  if (slot === TCP || slot === 'unknown') {
    return timeouts.tcpSource;
  }
  if (slot === UDP) {
    return timeouts.udpSource;
  }
  if (slot === ICMP || slot === ICMPV6) {
    return 'EC2 documents no idle timeout for ICMP';
  }
  return `EC2 tracks protocols other than TCP, UDP and ICMP for ${OTHER_PROTOCOL_SECONDS} s`;
}

function protocolName(slot: Slot | 'unknown'): string {
  switch (slot) {
    case TCP: return 'tcp';
    case UDP: return 'udp';
    case ICMP: return 'icmp';
    case ICMPV6: return 'icmpv6';
    case 'other': return 'other';
    case 'unknown': return 'unknown';
    default: return `protocol ${slot}`;
  }
}

function portsText(slot: Slot | 'unknown', intervals: [number, number][]): string {
  if (slot === 'unknown') {
    return 'unknown';
  }
  if (intervals.length === 1 && intervals[0][0] === FULL[0] && intervals[0][1] === FULL[1]) {
    return 'all';
  }
  if (slot === ICMP || slot === ICMPV6) {
    return intervals.map(([first, last]) => icmpText(first, last)).join(', ');
  }
  return intervals.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(', ');
}

function icmpText(first: number, last: number): string {
  const type = (value: number) => Math.floor(value / 256);
  const code = (value: number) => value % 256;
  if (code(first) === 0 && code(last) === 255) {
    return type(first) === type(last) ? `type ${type(first)}` : `types ${type(first)}-${type(last)}`;
  }
  if (type(first) === type(last)) {
    return code(first) === code(last) ? `type ${type(first)} code ${code(first)}` : `type ${type(first)} codes ${code(first)}-${code(last)}`;
  }
  return `type ${type(first)} code ${code(first)} to type ${type(last)} code ${code(last)}`;
}

function toRemoved(item: Item): RemovedAccess {
  const removed: RemovedAccess = {
    peer: item.peer,
    peerKind: item.peerKind,
    protocol: protocolName(item.slot),
    ports: portsText(item.slot, item.intervals),
    lingerSeconds: item.lingerSeconds,
  };
  return item.unknown !== undefined ? { ...removed, unknown: item.unknown } : removed;
}

/** `tcp 22 from 198.51.100.7/32`. */
function accessText(removed: RemovedAccess, direction: DiffDirection): string {
  const what = removed.protocol === 'unknown'
    ? `a rule with a value unknown at synth (${removed.unknown})`
    : removed.protocol === 'other' ? 'every other protocol'
      : removed.ports === 'all' ? `${removed.protocol} (all ${removed.protocol.startsWith('icmp') ? 'types' : 'ports'})`
        : `${removed.protocol} ${removed.ports}`;
  return `${what} ${direction === 'ingress' ? 'from' : 'to'} ${removed.peer}`;
}

export function durationText(seconds: number | null): string {
  if (seconds === null) {
    return 'an idle timeout EC2 does not document';
  }
  const units: [number, string][] = [[86_400, 'day'], [3_600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${seconds} s (${count} ${name}${count === 1 ? '' : 's'})`;
    }
  }
  return `${seconds} s`;
}

function buildChange(
  group: GroupModel, groupDeleted: boolean, direction: DiffDirection, resources: string[], items: Item[], tracked: boolean,
  timeouts: GroupTimeouts, unknown: string[], options: DiffOptions,
): AccessChange {
  const removed = items.map(toRemoved);
  const summary = removed.map((r) => accessText(r, direction)).join('; ');
  const lead = `${groupDeleted ? 'The group is deleted: removed' : 'Removed'} ${summary}.`;
  const base = {
    stackName: group.stackName,
    stackId: group.stackId,
    logicalId: group.logicalId,
    resourceType: group.resourceType,
    resources,
    direction,
    removed,
    ...(unknown.length > 0 ? { unknown } : {}),
  };
  if (!tracked) {
    const opposite = direction === 'ingress' ? 'outbound' : 'inbound';
    return {
      ...base,
      lingerSeconds: 0,
      timeoutSource: 'none: untracked flows',
      tracked: false,
      message: `${lead} Cut at once: these flows are untracked (the rule admitted 0.0.0.0/0 or ::/0 and the ${opposite} `
        + 'rules allow all traffic to 0.0.0.0/0 or ::/0), unless they come through a path AWS tracks automatically (a '
        + 'load balancer, NAT gateway or other), where they last until idle.',
    };
  }
  // The longest documented timeout bounds the change; ICMP alone has none (null, never a guess).
  let longest: Item | undefined;
  for (const item of items) {
    if (longest === undefined || (item.lingerSeconds ?? -1) > (longest.lingerSeconds ?? -1)) {
      longest = item;
    }
  }
  const lingerSeconds = longest?.lingerSeconds ?? null;
  const timeoutSource = lingerSource(longest?.slot ?? 'unknown', timeouts);
  const cutOff = cutOffAdvice(removed, lingerSeconds, timeouts.subnets, options);
  return {
    ...base,
    lingerSeconds,
    timeoutSource,
    tracked: true,
    cutOff,
    message: `${lead} Security groups are stateful: connections already established stay up until idle for `
      + `${durationText(lingerSeconds)} (${timeoutSource}). ${cutOff.advice}`,
  };
}

function cutOffAdvice(removed: RemovedAccess[], lingerSeconds: number | null, subnets: string[], options: DiffOptions): CutOffAdvice {
  const cidrs = [...new Set(removed.filter((r) => r.peerKind === 'cidr').map((r) => r.peer))];
  const deniable = cidrs.filter((c) => !c.endsWith('/0'));
  const whole = cidrs.filter((c) => c.endsWith('/0'));
  const others = removed.filter((r) => r.peerKind !== 'cidr').map((r) => r.peer);
  const where = subnets.length > 0 ? `the subnets ${subnets.join(', ')}` : "the subnets of the group's network interfaces";
  const keep = lingerSeconds === null ? 'until the sessions are gone' : `longer than ${durationText(lingerSeconds)}`;
  const code = deniable.length > 0
    ? `${options.blocklistVariable ?? 'blocklist'}.addBlockedCidrs([${deniable.map((c) => `'${c}'`).join(', ')}])` : undefined;
  const parts: string[] = [];
  if (code !== undefined) {
    parts.push(`To cut them now, deny ${deniable.join(', ')} with a NACL on ${where} (${code}) and keep the deny ${keep}, `
      + 'or the sessions resume.');
  }
  if (whole.length > 0) {
    parts.push(`A NACL deny of ${whole.join(', ')} would cut all traffic of those subnets: restart the sessions instead.`);
  }
  if (others.length > 0) {
    parts.push(`A NACL cannot name ${[...new Set(others)].join(', ')}: deny their members' addresses on ${where}, or restart the sessions.`);
  }
  return { naclDenyCidrs: deniable, keepLongerThanSeconds: lingerSeconds, subnets, ...(code !== undefined ? { code } : {}), advice: parts.join(' ') };
}

function naclChanges(old: AppModel, now: AppModel): AccessChange[] {
  const changes: AccessChange[] = [];
  const report = (entry: NaclEntryModel, what: string, removed: RemovedAccess[]) => changes.push({
    stackName: entry.stackName,
    stackId: entry.stackId,
    logicalId: entry.logicalId,
    resourceType: 'AWS::EC2::NetworkAclEntry',
    resources: [entry.logicalId],
    direction: entry.egress ? 'egress' : 'ingress',
    removed,
    lingerSeconds: 0,
    timeoutSource: 'none: network ACLs are stateless',
    tracked: false,
    message: `${what}. Network ACLs are stateless: the change applies to established connections at once.`,
  });
  for (const [key, entry] of old.naclEntries) {
    const next = now.naclEntries.get(key);
    if (next === undefined) {
      report(entry, `NACL entry ${naclText(entry.properties)} removed`, [naclRemoved(entry.properties)]);
    } else if (describeValue(withSortedKeys(entry.properties)) !== describeValue(withSortedKeys(next.properties))) {
      report(entry, `NACL entry ${naclText(entry.properties)} changed to ${naclText(next.properties)}`, [naclRemoved(entry.properties)]);
    }
  }
  for (const [key, entry] of now.naclEntries) {
    if (!old.naclEntries.has(key)) {
      report(entry, `NACL entry ${naclText(entry.properties)} added`, []);
    }
  }
  return changes;
}

function withSortedKeys(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(withSortedKeys);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, withSortedKeys(value[key])]));
  }
  return value;
}

function naclRemoved(properties: Json): RemovedAccess {
  const protocol = literalInteger(properties.Protocol);
  const slot: Slot | 'unknown' = protocol === undefined ? 'unknown' : protocol === ALL_PROTOCOLS ? 'other' : protocol;
  let intervals: [number, number][] = [[FULL[0], FULL[1]]];
  if ((protocol === TCP || protocol === UDP) && properties.PortRange !== undefined) {
    const from = literalInteger(properties.PortRange?.From);
    const to = literalInteger(properties.PortRange?.To);
    intervals = from !== undefined && to !== undefined ? [[from, to]] : intervals;
  }
  return {
    peer: describeValue(properties.CidrBlock ?? properties.Ipv6CidrBlock),
    peerKind: 'naclEntry',
    protocol: protocol === ALL_PROTOCOLS ? 'all' : protocolName(slot),
    ports: slot === 'unknown' ? describeValue(properties.Protocol) : portsText(slot, intervals),
    lingerSeconds: 0,
  };
}

function naclText(properties: Json): string {
  const removed = naclRemoved(properties);
  return `${describeValue(properties.RuleNumber)} ${describeValue(properties.RuleAction)} ${removed.protocol}`
    + `${removed.ports === 'all' ? '' : ` ${removed.ports}`} ${removed.peer}`;
}
