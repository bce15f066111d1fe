// Cheap exact tests that settle a NACL scope without its exact analysis (./model-nacl NaclDirectionAnalysis).
//
// Each test answers one rule's question with "surely nothing to report" or "cannot tell" (never a wrong "nothing"):
// a rule asks it first, and builds the analysis only when it cannot tell. On the NACLs people write (DENY entries for
// a blocklist, then ALLOW all) every answer is "nothing to report", so no scope of theirs is split into cells.
// Each test is held to the analysis by a property test (test/analysis/model/nacl-quick.test.ts).
//
// All of them take a scope's entries in evaluation order (`NaclScope.ordered`: rule number, then position) and pass
// over entries that can never match a packet of their family, as the analysis does.
import { neverMatchesReason } from './model-nacl';
import type { NormalizedNaclEntry } from './nacl-evaluator';
import { IpFamily } from '../../ip/family';

const ALL = -1;
const TCP = 6;
const UDP = 17;

function live(entry: NormalizedNaclEntry): boolean {
  return neverMatchesReason(entry) === undefined;
}

function rangesOverlap(a: NormalizedNaclEntry, b: NormalizedNaclEntry): boolean {
  return a.range.first <= b.range.last && b.range.first <= a.range.last;
}

/** Whether some packet may match both entries (true when it cannot be ruled out from protocol, ports and ICMP). */
export function mayMatchSameTraffic(a: NormalizedNaclEntry, b: NormalizedNaclEntry): boolean {
  if (a.protocol === ALL || b.protocol === ALL) {
    return true;
  }
  if (a.protocol !== b.protocol) {
    return false;
  }
  if (a.ports !== undefined && b.ports !== undefined) {
    return a.ports.from <= b.ports.to && b.ports.from <= a.ports.to;
  }
  if (a.icmp !== undefined && b.icmp !== undefined) {
    const types = a.icmp.type === -1 || b.icmp.type === -1 || a.icmp.type === b.icmp.type;
    const codes = a.icmp.code === -1 || b.icmp.code === -1 || a.icmp.code === b.icmp.code;
    return types && codes;
  }
  return true;
}

/**
 * False when no DENY of the scope has a lower-numbered ALLOW that matches some of the same packets: then no DENY is
 * shadowed (every summary's `overtakenByAllow` is 0), and NaclDenyShadowed has nothing to report.
 */
export function mayShadowADeny(ordered: readonly NormalizedNaclEntry[]): boolean {
  for (let i = 0; i < ordered.length; i++) {
    const deny = ordered[i];
    if (deny.action !== 'deny' || !live(deny)) {
      continue;
    }
    for (let j = 0; j < i; j++) {
      const allow = ordered[j];
      if (allow.action === 'allow' && live(allow) && rangesOverlap(allow, deny) && mayMatchSameTraffic(allow, deny)) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Whether `earlier` matches the one packet chosen to stand for `entry`'s traffic: for an all-protocols entry, a
 * protocol no entry names; for TCP/UDP, the first port of its range; for ICMP, its type and code (a type or code no
 * entry names where it takes all); otherwise its protocol. Every entry matches that packet's whole class of traffic
 * or none of it, as the analysis splits the traffic.
 */
function matchesStandIn(earlier: NormalizedNaclEntry, entry: NormalizedNaclEntry): boolean {
  if (earlier.protocol === ALL) {
    return true;
  }
  if (entry.protocol === ALL || earlier.protocol !== entry.protocol) {
    return false;
  }
  if (entry.ports !== undefined) {
    return earlier.ports === undefined || (earlier.ports.from <= entry.ports.from && entry.ports.from <= earlier.ports.to);
  }
  if (entry.icmp !== undefined) {
    if (earlier.icmp === undefined) {
      return true;
    }
    const type = earlier.icmp.type === -1 || (entry.icmp.type !== -1 && earlier.icmp.type === entry.icmp.type);
    const code = earlier.icmp.code === -1 || (entry.icmp.code !== -1 && earlier.icmp.code === entry.icmp.code);
    return type && code;
  }
  return true;
}

/**
 * A lower bound on how many addresses the entry at `index` decides for the packet chosen to stand for its traffic
 * (see {@link matchesStandIn}): its range, less what every earlier entry matching that packet could take. 0 for an
 * entry that can never match.
 */
export function decidedAtLeast(ordered: readonly NormalizedNaclEntry[], index: number): bigint {
  const entry = ordered[index];
  if (!live(entry)) {
    return 0n;
  }
  if (entry.range.family === IpFamily.IPV4) {
    return BigInt(decidedAtLeastIpv4(ordered, index));
  }
  let left = entry.range.last - entry.range.first + 1n;
  for (let j = 0; j < index && left > 0n; j++) {
    const earlier = ordered[j];
    if (!live(earlier) || !rangesOverlap(earlier, entry) || !matchesStandIn(earlier, entry)) {
      continue;
    }
    const first = earlier.range.first > entry.range.first ? earlier.range.first : entry.range.first;
    const last = earlier.range.last < entry.range.last ? earlier.range.last : entry.range.last;
    left -= last - first + 1n;
  }
  return left > 0n ? left : 0n;
}

/**
 * {@link decidedAtLeast} for a live IPv4 entry, in numbers: every IPv4 count (at most 2^32, and sums of at most a few
 * hundred of them) is exact in a double, and every entry of every scope passes here, where BigInt arithmetic would
 * allocate on each step.
 */
function decidedAtLeastIpv4(ordered: readonly NormalizedNaclEntry[], index: number): number {
  const entry = ordered[index];
  const entryFirst = Number(entry.range.first);
  const entryLast = Number(entry.range.last);
  let left = entryLast - entryFirst + 1;
  for (let j = 0; j < index && left > 0; j++) {
    const earlier = ordered[j];
    if (!live(earlier) || !rangesOverlap(earlier, entry) || !matchesStandIn(earlier, entry)) {
      continue;
    }
    left -= Math.min(Number(earlier.range.last), entryLast) - Math.max(Number(earlier.range.first), entryFirst) + 1;
  }
  return left > 0 ? left : 0;
}

/**
 * True when every entry that can match decides some packet: NaclDeadEntry then reports only the entries that can
 * never match, which need no analysis.
 */
export function everyLiveEntryDecides(ordered: readonly NormalizedNaclEntry[]): boolean {
  for (let i = 0; i < ordered.length; i++) {
    const entry = ordered[i];
    if (!live(entry)) {
      continue;
    }
    const decides = entry.range.family === IpFamily.IPV4 ? decidedAtLeastIpv4(ordered, i) > 0 : decidedAtLeast(ordered, i) > 0n;
    if (!decides) {
      return false;
    }
  }
  return true;
}

/**
 * True when an inbound scope surely is no allowlist (NaclAllowlist): no ALLOW that is not return traffic can match,
 * or one of them alone decides at least half the family's addresses for some traffic. `isReturn` is the rule's own
 * test for return-traffic entries.
 */
export function surelyNoAllowlist(ordered: readonly NormalizedNaclEntry[], half: bigint, isReturn: (entry: NormalizedNaclEntry) => boolean): boolean {
  let serviceAllow = false;
  for (let i = 0; i < ordered.length; i++) {
    const entry = ordered[i];
    if (entry.action !== 'allow' || !live(entry) || isReturn(entry)) {
      continue;
    }
    serviceAllow = true;
    if (decidedAtLeast(ordered, i) >= half) {
      return true;
    }
  }
  return !serviceAllow;
}

/** Whether `x` matches every `protocol` packet `entry` matches (TCP or UDP, `entry` all-protocols or of that protocol). */
function takesAllOf(x: NormalizedNaclEntry, entry: NormalizedNaclEntry, protocol: number): boolean {
  if (x.protocol === ALL) {
    return true;
  }
  if (x.protocol !== protocol || x.ports === undefined) {
    return false;
  }
  const from = entry.ports?.from ?? 0;
  const to = entry.ports?.to ?? 65535;
  return x.ports.from <= from && x.ports.to >= to;
}

/**
 * True when the responses to what the ALLOW at `index` admits (its `protocol` traffic, TCP or UDP) surely pass the
 * other direction (`back`, the same NACL's other direction and family, in evaluation order) on every port of
 * [from, to], as NaclReturnTraffic asks. Shown with the first ALLOW of `back` that matches every such packet from
 * every address of the entry's range: each earlier entry of `back` that could take some of those packets covers,
 * within the entry's range, only addresses that one earlier entry of the entry's own direction takes from the entry
 * for all its `protocol` traffic (so the entry admits none of them). At most |back| + |back| x |ordered| steps;
 * NaclReturnTraffic asks it only of scopes of at most {@link MAX_QUICK_PAIRS} pairs of entries.
 */
export function returnsSurelyAllowed(
  ordered: readonly NormalizedNaclEntry[], index: number, protocol: number, back: readonly NormalizedNaclEntry[], from: number, to: number,
): boolean {
  const entry = ordered[index];
  if (protocol !== TCP && protocol !== UDP) {
    return false;
  }
  let a = 0;
  for (; a < back.length; a++) {
    const allow = back[a];
    const all = allow.protocol === ALL
      || (allow.protocol === protocol && allow.ports !== undefined && allow.ports.from <= from && allow.ports.to >= to);
    if (allow.action === 'allow' && all && live(allow) && allow.range.first <= entry.range.first && allow.range.last >= entry.range.last) {
      break;
    }
  }
  if (a === back.length) {
    return false;
  }
  for (let b = 0; b < a; b++) {
    const before = back[b];
    const mayTake = before.protocol === ALL
      || (before.protocol === protocol && before.ports !== undefined && before.ports.from <= to && before.ports.to >= from);
    if (!mayTake || !live(before) || !rangesOverlap(before, entry)) {
      continue;
    }
    const first = before.range.first > entry.range.first ? before.range.first : entry.range.first;
    const last = before.range.last < entry.range.last ? before.range.last : entry.range.last;
    let covered = false;
    for (let f = 0; f < index && !covered; f++) {
      const own = ordered[f];
      covered = live(own) && own.range.first <= first && own.range.last >= last && takesAllOf(own, entry, protocol);
    }
    if (!covered) {
      return false;
    }
  }
  return true;
}

/**
 * The most pairs of entries (one direction's times the other's) for which NaclReturnTraffic tries
 * {@link returnsSurelyAllowed} before the exact analysis: a blocklist of 18 DENYs each way and a few ALLOWs is far
 * below it, and past it the test could take longer than the analysis it spares.
 */
export const MAX_QUICK_PAIRS = 2_500;
