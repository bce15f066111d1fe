// The decision contract every layer answers in: for one flow, allow, deny or unknown, with the resource and the entry
// or rule that decided, and why. A layer whose answer depends on the client's address answers with a judgement: the
// IPv4 space cut into pieces, each with its decision, so the engine can intersect layers exactly (no sampling).
// CDK-free.
import { IpFamily } from '../../ip/family';
import { formatAddress, formatRangesAsCidrs, maxAddress } from '../../private/ip';
import type { ModelResource } from '../model/resource';

export type FlowLayerName = 'placement' | 'route' | 'nacl' | 'security-group' | 'load-balancer' | 'waf' | 'firewall';
export type DecisionVerdict = 'allow' | 'deny' | 'unknown';

export interface Decision {
  readonly layer: FlowLayerName;
  readonly verdict: DecisionVerdict;
  /** A stable code: `NACL_INBOUND_DENY`, `SG_NO_INGRESS_RULE`, `NO_ROUTE`... */
  readonly code: string;
  /** The resource that decided; undefined when nothing of the app decides (the internet's side). */
  readonly resource?: ModelResource;
  /** The deciding entry or rule, as a reader would name it (`rule 100`, `ingress tcp 443 from 10.0.0.0/16`). */
  readonly entry?: string;
  readonly message: string;
  /** For an `unknown` decision that no value at deploy time settles: what to do instead (CannotVerify's fix otherwise). */
  readonly fix?: string;
}

export interface AddressInterval {
  readonly first: bigint;
  readonly last: bigint;
}

export interface Piece extends AddressInterval {
  readonly decision: Decision;
}

/**
 * Sorted, disjoint pieces that cover the address space of both families: IPv4 addresses as themselves, IPv6 addresses
 * shifted above the IPv4 space by {@link IPV6_BASE}, so one judgement answers for a client of either family (an IPv4
 * entry or rule never matches IPv6 traffic, and the reverse).
 */
export type Judgement = Piece[];

export const MAX_IPV4 = maxAddress(IpFamily.IPV4);
/** Where IPv6 addresses start in a judgement. */
export const IPV6_BASE = MAX_IPV4 + 1n;
/** The last address of a judgement: the last IPv6 address, shifted. */
export const MAX_ADDRESS = IPV6_BASE + maxAddress(IpFamily.IPV6);

/** An address range of either family, as a judgement places it. */
export function toSpace(range: { readonly family: IpFamily; readonly first: bigint; readonly last: bigint }): AddressInterval {
  const base = range.family === IpFamily.IPV6 ? IPV6_BASE : 0n;
  return { first: range.first + base, last: range.last + base };
}

/** The text of a judgement's address. */
export function formatSpaceAddress(address: bigint): string {
  return address >= IPV6_BASE ? formatAddress(IpFamily.IPV6, address - IPV6_BASE) : formatAddress(IpFamily.IPV4, address);
}

export function everywhere(decision: Decision): Judgement {
  return [{ first: 0n, last: MAX_ADDRESS, decision }];
}

/**
 * Paints `decision` over [first, last] where `replace` says the current decision gives way (an allow over a deny, for
 * a union of allows), keeping the pieces sorted and disjoint.
 */
export function paint(judgement: Judgement, first: bigint, last: bigint, decision: Decision, replace: (current: Decision) => boolean): Judgement {
  const result: Judgement = [];
  for (const piece of judgement) {
    if (piece.last < first || piece.first > last || !replace(piece.decision)) {
      result.push(piece);
      continue;
    }
    if (piece.first < first) {
      result.push({ first: piece.first, last: first - 1n, decision: piece.decision });
    }
    result.push({ first: piece.first > first ? piece.first : first, last: piece.last < last ? piece.last : last, decision });
    if (piece.last > last) {
      result.push({ first: last + 1n, last: piece.last, decision: piece.decision });
    }
  }
  return result;
}

/** The pieces of several judgements cut at every boundary of any of them, each with every judgement's decision. */
export function overlay(judgements: readonly Judgement[], within: readonly AddressInterval[]): Array<AddressInterval & { decisions: Decision[] }> {
  const cuts = new Set<bigint>();
  for (const range of within) {
    cuts.add(range.first);
    cuts.add(range.last + 1n);
  }
  for (const judgement of judgements) {
    for (const piece of judgement) {
      cuts.add(piece.first);
      cuts.add(piece.last + 1n);
    }
  }
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const segments: Array<AddressInterval & { decisions: Decision[] }> = [];
  // The segments come in address order and each judgement's pieces are sorted: one cursor per judgement walks its
  // pieces once (a search per segment was quadratic in the pieces of a large NACL's judgement).
  const cursors = judgements.map(() => 0);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const first = sorted[i];
    const last = sorted[i + 1] - 1n;
    if (!within.some((r) => r.first <= first && last <= r.last)) {
      continue;
    }
    const decisions: Decision[] = [];
    for (let j = 0; j < judgements.length; j++) {
      const judgement = judgements[j];
      let at = cursors[j];
      while (at < judgement.length && judgement[at].last < first) {
        at++;
      }
      cursors[j] = at;
      decisions.push(at < judgement.length && judgement[at].first <= first ? judgement[at].decision : decisionAt(judgement, first));
    }
    segments.push({ first, last, decisions });
  }
  return segments;
}

export function decisionAt(judgement: Judgement, address: bigint): Decision {
  const piece = judgement.find((p) => p.first <= address && address <= p.last);
  if (!piece) {
    throw new Error(`internal: a judgement does not cover ${formatSpaceAddress(address)}`);
  }
  return piece.decision;
}

/**
 * One decision for a whole range of the judged address (the destination's subnet, whose exact address the template
 * does not fix): the shared verdict when every address gets the same, else unknown, naming the range.
 */
export function collapse(judgement: Judgement, range: AddressInterval, what: string): Decision {
  const pieces = judgement.filter((p) => p.last >= range.first && p.first <= range.last);
  const verdicts = new Set(pieces.map((p) => p.decision.verdict));
  if (verdicts.size === 1) {
    return pieces[0].decision;
  }
  const first = pieces.find((p) => p.decision.verdict !== 'allow')!.decision;
  return {
    ...first,
    verdict: 'unknown',
    code: `${first.code}_DEPENDS_ON_ADDRESS`,
    message: `${first.message}, but only for some addresses of ${what} (${describeRanges([range])}): which one it gets is not known at synth`,
  };
}

export function describeRanges(ranges: readonly AddressInterval[]): string {
  const v4 = ranges.filter((r) => r.first < IPV6_BASE)
    .map((r) => ({ family: IpFamily.IPV4, first: r.first, last: r.last < IPV6_BASE ? r.last : MAX_IPV4 }));
  const v6 = ranges.filter((r) => r.last >= IPV6_BASE)
    .map((r) => ({ family: IpFamily.IPV6, first: (r.first >= IPV6_BASE ? r.first : IPV6_BASE) - IPV6_BASE, last: r.last - IPV6_BASE }));
  const cidrs = [...formatRangesAsCidrs(v4, IpFamily.IPV4), ...formatRangesAsCidrs(v6, IpFamily.IPV6)];
  return cidrs.length > 4 ? `${cidrs.slice(0, 4).join(', ')} and ${cidrs.length - 4} more` : cidrs.join(', ');
}

/** The verdict of several decisions on one packet: any deny blocks, else any unknown leaves it open, else allow. */
export function combinedVerdict(decisions: readonly Decision[]): DecisionVerdict {
  return decisions.some((d) => d.verdict === 'deny') ? 'deny' : decisions.some((d) => d.verdict === 'unknown') ? 'unknown' : 'allow';
}

export function decisionKey(d: Decision): string {
  return [d.layer, d.code, d.resource?.key ?? '', d.entry ?? '', d.message].join('\u0000');
}
