// Which traffic a security group admits from every address of a family. A group is a union of allows, so
// "open to the internet" means the union of its CIDR rules covers the whole address space for some traffic; that
// catches 0.0.0.0/0 and ::/0 as well as the same space split into pieces (0.0.0.0/1 + 128.0.0.0/1).
import { SgRuleModel, TCP, UDP } from './sg-rules';
import { IpFamily } from '../../ip/family';
import { countAddresses, IpRange, maxAddress, mergeRanges } from '../../private/ip';

/** Traffic open to everyone: protocol -1 (all traffic), TCP/UDP with a port interval, or another protocol. */
export interface OpenTraffic {
  readonly protocol: number;
  readonly from: number;
  readonly to: number;
}

/** The rules with an exact CIDR peer of the family and a resolved protocol and ports. */
export function cidrRules(rules: readonly SgRuleModel[], family: IpFamily): SgRuleModel[] {
  return rules.filter((r) => isOwnCidrRule(r, family));
}

/** The union of the rules' peer ranges (merged). */
export function peerUnion(rules: readonly SgRuleModel[]): IpRange[] {
  return mergeRanges(rules.map((r) => r.peer.cidr!));
}

/**
 * The traffic the rules admit from every address of the family, with adjacent port intervals merged. Every group of
 * the app is judged, so this avoids merging ranges where it can: a set of rules covers the whole space when one of
 * them is the whole space (0.0.0.0/0, ::/0), and no subset of rules covers it when all of them together do not.
 */
export function openToEveryone(rules: readonly SgRuleModel[], family: IpFamily): readonly OpenTraffic[] {
  const max = maxAddress(family);
  // Most groups hold one rule from everywhere (0.0.0.0/0 on 443) and a few from smaller blocks that do not add up to
  // the whole space. Then traffic is open exactly where a whole-space rule admits it: any set of rules admitting
  // some traffic without one of those is a subset of the smaller blocks, whose union leaves an address out.
  // Counted first, listed only when needed: every group of the app passes here, twice (IPv4 and IPv6).
  let wholeCount = 0;
  let firstWhole: SgRuleModel | undefined;
  let partialCount = 0;
  for (const r of rules) {
    if (isOwnCidrRule(r, family)) {
      if (isWholeSpace(r, max)) {
        wholeCount++;
        firstWhole ??= r;
      } else {
        partialCount++;
      }
    }
  }
  if (partialCount <= 1 || countAddresses(peerUnion(rules.filter((r) => isOwnCidrRule(r, family) && !isWholeSpace(r, max))), family) !== max + 1n) {
    return wholeCount === 0 ? NOTHING_OPEN
      : wholeCount === 1 ? ruleTraffic(firstWhole!) : trafficOf(rules.filter((r) => isOwnCidrRule(r, family) && isWholeSpace(r, max)));
  }
  const whole = max + 1n;
  const own = cidrRules(rules, family);
  const isWhole = (r: SgRuleModel) => r.peer.cidr!.first === 0n && r.peer.cidr!.last === max;
  // One range covers the space only if it is the whole space; more are merged only when none of them is.
  const covers = (rs: readonly SgRuleModel[]) => rs.length > 0
    && (rs.some(isWhole) || (rs.length > 1 && countAddresses(peerUnion(rs), family) === whole));
  const allProtocols = own.filter((r) => r.protocol === -1);
  const withAllProtocols = (rs: SgRuleModel[]) => (allProtocols.length === 0 ? rs : allProtocols.concat(rs));
  if (covers(allProtocols)) {
    return [{ protocol: -1, from: 0, to: 65535 }];
  }
  // From here on the all-protocols rules alone leave an address out, so none of them is the whole space.
  const open: OpenTraffic[] = [];
  for (const protocol of [TCP, UDP]) {
    const rs = own.filter((r) => r.protocol === protocol);
    if (rs.length === 0 || !covers(withAllProtocols(rs))) {
      continue;
    }
    const cuts = [0, 65536];
    for (const r of rs) {
      insertSorted(cuts, Math.max(0, Math.min(65536, r.fromPort)));
      insertSorted(cuts, Math.max(0, Math.min(65536, r.toPort + 1)));
    }
    for (let i = 0; i + 1 < cuts.length; i++) {
      const from = cuts[i];
      const to = cuts[i + 1] - 1;
      let inside = false;
      let wholeInside = false;
      for (const r of rs) {
        if (r.fromPort <= from && to <= r.toPort) {
          inside = true;
          if (isWhole(r)) {
            wholeInside = true;
            break;
          }
        }
      }
      // Without a rule of this protocol on these ports, only the all-protocols rules are left, and they do not cover.
      if (!wholeInside && (!inside || !covers(withAllProtocols(rs.filter((r) => r.fromPort <= from && to <= r.toPort))))) {
        continue;
      }
      const last = open[open.length - 1];
      if (last && last.protocol === protocol && last.to + 1 === from) {
        open[open.length - 1] = { protocol, from: last.from, to };
      } else {
        open.push({ protocol, from, to });
      }
    }
  }
  let others: Set<number> | undefined;
  for (const r of own) {
    if (r.protocol !== -1 && r.protocol !== TCP && r.protocol !== UDP) {
      (others ??= new Set()).add(r.protocol!);
    }
  }
  for (const protocol of others === undefined ? [] : [...others].sort((a, b) => a - b)) {
    if (covers([...allProtocols, ...own.filter((r) => r.protocol === protocol)])) {
      open.push({ protocol, from: 0, to: 65535 });
    }
  }
  return open;
}

const NOTHING_OPEN: readonly OpenTraffic[] = Object.freeze([]);

/** A rule {@link cidrRules} keeps: known, with an exact CIDR peer of the family and a resolved protocol. */
export function isOwnCidrRule(r: SgRuleModel, family: IpFamily): boolean {
  return r.unknown === undefined && r.peer.kind === 'cidr' && r.peer.cidr!.family === family && r.protocol !== undefined;
}

function isWholeSpace(r: SgRuleModel, max: bigint): boolean {
  return r.peer.cidr!.first === 0n && r.peer.cidr!.last === max;
}

/** The traffic some of the rules admit (their union), in the order {@link openToEveryone} gives it. */
function trafficOf(rules: readonly SgRuleModel[]): readonly OpenTraffic[] {
  if (rules.some((r) => r.protocol === -1)) {
    return [{ protocol: -1, from: 0, to: 65535 }];
  }
  if (rules.length === 1) {
    return ruleTraffic(rules[0]);
  }
  const open: OpenTraffic[] = [];
  for (const protocol of [TCP, UDP]) {
    const intervals: Array<{ from: number; to: number }> = [];
    for (const r of rules) {
      // The same clamping as the cuts of the general case: a port outside 0-65535 opens nothing beyond it.
      const from = Math.max(0, Math.min(65536, r.fromPort));
      const to = Math.max(0, Math.min(65536, r.toPort + 1)) - 1;
      if (r.protocol === protocol && from <= to) {
        intervals.push({ from, to });
      }
    }
    if (intervals.length > 1) {
      intervals.sort((a, b) => a.from - b.from);
    }
    for (const { from, to } of intervals) {
      const last = open[open.length - 1];
      if (last !== undefined && last.protocol === protocol && from <= last.to + 1) {
        if (to > last.to) {
          open[open.length - 1] = { protocol, from: last.from, to };
        }
      } else {
        open.push({ protocol, from, to });
      }
    }
  }
  let others: number[] | undefined;
  for (const r of rules) {
    if (r.protocol !== TCP && r.protocol !== UDP && !(others ??= []).includes(r.protocol!)) {
      others.push(r.protocol!);
    }
  }
  for (const protocol of others === undefined ? [] : others.sort((a, b) => a - b)) {
    open.push({ protocol, from: 0, to: 65535 });
  }
  return open;
}

/** The traffic one rule admits (the usual group: one rule from everywhere, for HTTPS). */
function ruleTraffic(r: SgRuleModel): readonly OpenTraffic[] {
  if (r.protocol === -1) {
    return ALL_TRAFFIC;
  }
  if (r.protocol !== TCP && r.protocol !== UDP) {
    return [{ protocol: r.protocol!, from: 0, to: 65535 }];
  }
  const from = Math.max(0, Math.min(65536, r.fromPort));
  const to = Math.max(0, Math.min(65536, r.toPort + 1)) - 1;
  if (r.protocol === TCP && from === to) {
    // The usual group's one rule from everywhere (tcp 443): every group asks, and the answer is read, never changed.
    let one = singleTcpPorts.get(from);
    if (one === undefined) {
      one = Object.freeze([Object.freeze({ protocol: TCP, from, to })]);
      singleTcpPorts.set(from, one);
    }
    return one;
  }
  return from <= to ? [{ protocol: r.protocol, from, to }] : [];
}

const ALL_TRAFFIC: readonly OpenTraffic[] = Object.freeze([Object.freeze({ protocol: -1, from: 0, to: 65535 })]);
/** At most one entry per port (65,536). */
const singleTcpPorts = new Map<number, readonly OpenTraffic[]>();

/** Adds a value to an ascending list of distinct values (a few port cuts per rule: no sort, no set). */
function insertSorted(sorted: number[], value: number): void {
  let i = sorted.length;
  while (i > 0 && sorted[i - 1] > value) {
    i--;
  }
  if (i > 0 && sorted[i - 1] === value) {
    return;
  }
  sorted.splice(i, 0, value);
}

/** Removes single TCP ports (443, and 80 where allowed) from open traffic. */
export function withoutTcpPorts(open: readonly OpenTraffic[], ports: readonly number[]): OpenTraffic[] {
  let result = [...open];
  for (const port of ports) {
    const next: OpenTraffic[] = [];
    for (const o of result) {
      if (o.protocol !== TCP || port < o.from || port > o.to) {
        next.push(o);
        continue;
      }
      if (o.from < port) {
        next.push({ ...o, to: port - 1 });
      }
      if (port < o.to) {
        next.push({ ...o, from: port + 1 });
      }
    }
    result = next;
  }
  return result;
}
