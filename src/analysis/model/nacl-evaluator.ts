// Exact network ACL semantics over resolved `AWS::EC2::NetworkAclEntry` properties, as they appear in a
// synthesized template. Per direction and IP family, entries are evaluated in ascending rule number, the first
// match decides, and a packet nothing matches meets the implicit final deny (`*`). Addresses are compared as exact
// ranges through the IP core, never as strings.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
import { parseCidrNormalized } from './cidr-cache';
import { familyText, quoteValue } from './model-values';
import { IpFamily } from '../../ip/family';
import { invalidCidrError, IpRange, maxAddress, parseCidr } from '../../private/ip';

/** The properties of one `AWS::EC2::NetworkAclEntry`, resolved (`Stack.resolve` or a template's `Properties`). */
export interface NaclEntryProperties {
  readonly Egress?: boolean | string;
  readonly RuleNumber: number | string;
  readonly RuleAction: string;
  readonly Protocol: number | string;
  readonly CidrBlock?: unknown;
  readonly Ipv6CidrBlock?: unknown;
  readonly PortRange?: { readonly From?: number | string; readonly To?: number | string };
  readonly Icmp?: { readonly Type?: number | string; readonly Code?: number | string };
  readonly [other: string]: unknown;
}

export type NaclDirection = 'ingress' | 'egress';
export type NaclAction = 'allow' | 'deny';

/** A packet as a NACL sees it: the remote address (source for ingress, destination for egress). */
export interface NaclPacket {
  readonly direction: NaclDirection;
  readonly address: string;
  /** IP protocol number: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, or any other. */
  readonly protocol: number;
  /** Destination port of a TCP or UDP packet (for return traffic, the client's ephemeral port). */
  readonly port?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

/** The traffic part of a packet, without the address. */
export type NaclTraffic = Omit<NaclPacket, 'address' | 'direction'>;

export interface NaclVerdict {
  readonly action: NaclAction;
  /** The deciding entry's rule number, or `*` for the implicit final deny. */
  readonly ruleNumber: number | '*';
}

/** One piece of an address space and the verdict every address in it gets. */
export interface NaclDecisionInterval extends NaclVerdict {
  readonly first: bigint;
  readonly last: bigint;
}

/** An entry in a form that can be matched: what the properties say, checked once. */
export interface NormalizedNaclEntry {
  readonly direction: NaclDirection;
  readonly ruleNumber: number;
  readonly action: NaclAction;
  readonly protocol: number;
  readonly range: IpRange;
  readonly ports?: { readonly from: number; readonly to: number };
  readonly icmp?: { readonly type: number; readonly code: number };
  /** Position in the input, the tie-break for duplicate rule numbers (which EC2 itself would reject). */
  readonly index: number;
}

const ALL_PROTOCOLS = -1;
const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

/**
 * Check and normalize entries. Throws an `Error` naming the entry for a value the evaluator cannot judge exactly:
 * an unresolved token, a malformed CIDR, a TCP/UDP entry without `PortRange` or an ICMP entry without `Icmp` (both
 * of which CloudFormation requires).
 */
export function normalizeNaclEntries(entries: readonly NaclEntryProperties[]): NormalizedNaclEntry[] {
  return entries.map((e, index) => normalizeNaclEntry(e, index));
}

/** One entry of {@link normalizeNaclEntries}: `index` is its position, and `#index` names it in an error. */
export function normalizeNaclEntry(e: NaclEntryProperties, index: number): NormalizedNaclEntry {
  // Every entry of the app passes here: its description is written only for an error, and no closure is made to
  // write it (one per value read was most of what this function allocated).
  const ruleNumber = toInteger(e.RuleNumber, e, index, 'RuleNumber');
  const protocol = toInteger(e.Protocol, e, index, 'Protocol');
  const written = e.RuleAction;
  const action = written === 'allow' || written === 'deny' ? written : typeof written === 'string' ? written.toLowerCase() : undefined;
  if (action !== 'allow' && action !== 'deny') {
    throw new Error(`${entryName(e, index)}: RuleAction ${quoteValue(e.RuleAction)} is not 'allow' or 'deny'`);
  }
  const egress = naclEgress(e.Egress);
  if (egress === undefined) {
    throw new Error(`${entryName(e, index)}: Egress ${quoteValue(e.Egress)} is not true or false (an unresolved value cannot be evaluated)`);
  }
  const cidrText = e.CidrBlock ?? e.Ipv6CidrBlock;
  if (typeof cidrText !== 'string' || (e.CidrBlock !== undefined && e.Ipv6CidrBlock !== undefined)) {
    throw new Error(`${entryName(e, index)}: needs exactly one literal CidrBlock or Ipv6CidrBlock, got ${quoteValue(cidrText)}`);
  }
  const parsed = parseCidrNormalized(cidrText);
  if (typeof parsed === 'string') {
    throw invalidCidrError(cidrText, parsed);
  }
  const expected = e.CidrBlock !== undefined ? IpFamily.IPV4 : IpFamily.IPV6;
  if (parsed.family !== expected) {
    throw new Error(`${entryName(e, index)}: '${cidrText}' is not an ${familyText(expected)} CIDR`);
  }
  let ports: NormalizedNaclEntry['ports'];
  if (protocol === TCP || protocol === UDP) {
    if (e.PortRange === undefined) {
      throw new Error(`${entryName(e, index)}: protocol ${protocol} needs a PortRange`);
    }
    ports = { from: toInteger(e.PortRange.From, e, index, 'PortRange.From'), to: toInteger(e.PortRange.To, e, index, 'PortRange.To') };
  }
  let icmp: NormalizedNaclEntry['icmp'];
  if (protocol === ICMP || protocol === ICMPV6) {
    if (e.Icmp === undefined) {
      throw new Error(`${entryName(e, index)}: protocol ${protocol} needs Icmp (use Type -1 and Code -1 for all)`);
    }
    icmp = { type: toInteger(e.Icmp.Type ?? -1, e, index, 'Icmp.Type'), code: toInteger(e.Icmp.Code ?? -1, e, index, 'Icmp.Code') };
  }
  return {
    direction: egress ? 'egress' : 'ingress',
    ruleNumber,
    action,
    protocol,
    range: { family: parsed.family, first: parsed.first, last: parsed.last },
    ports,
    icmp,
    index,
  };
}

/**
 * The direction of an entry: `Egress` true or 'true' is outbound; false, 'false' or absent (CloudFormation's
 * default) is inbound; anything else (a parameter, a condition) is unknown, never guessed.
 */
export function naclEgress(value: unknown): boolean | undefined {
  if (value === undefined || value === false || value === 'false') {
    return false;
  }
  if (value === true || value === 'true') {
    return true;
  }
  return undefined;
}

/** Whether an entry's protocol, ports and ICMP type/code match the traffic (the address is matched separately). */
export function entryMatchesTraffic(entry: NormalizedNaclEntry, traffic: NaclTraffic): boolean {
  if (entry.protocol === ALL_PROTOCOLS) {
    return true;
  }
  if (entry.protocol !== traffic.protocol) {
    return false;
  }
  if (entry.ports) {
    if (traffic.port === undefined) {
      throw new Error(`A protocol ${traffic.protocol} packet needs a port to be evaluated`);
    }
    return entry.ports.from <= traffic.port && traffic.port <= entry.ports.to;
  }
  if (entry.icmp) {
    const typeOk = entry.icmp.type === -1 || entry.icmp.type === traffic.icmpType;
    const codeOk = entry.icmp.code === -1 || entry.icmp.code === traffic.icmpCode;
    return typeOk && codeOk;
  }
  return true;
}

/** The entries that apply to a direction and family, in evaluation order (rule number, then input order). */
export function orderedEntries(entries: readonly NormalizedNaclEntry[], direction: NaclDirection, family: IpFamily): NormalizedNaclEntry[] {
  const own = entries.filter((e) => e.direction === direction && e.range.family === family);
  // The model hands entries over in rule-number order already: sorting is needed only when they are not.
  for (let i = 1; i < own.length; i++) {
    if (evaluationOrder(own[i - 1], own[i]) > 0) {
      return own.sort(evaluationOrder);
    }
  }
  return own;
}

function evaluationOrder(a: NormalizedNaclEntry, b: NormalizedNaclEntry): number {
  return a.ruleNumber - b.ruleNumber || a.index - b.index;
}

/** The verdict a NACL gives one packet: ascending rule number, first match wins, implicit final deny. */
export function evaluateNaclPacket(entries: readonly NaclEntryProperties[], packet: NaclPacket): NaclVerdict {
  const address = parseCidr(packet.address);
  if (address.first !== address.last) {
    throw new Error(`'${packet.address}' is not a single address`);
  }
  for (const entry of orderedEntries(normalizeNaclEntries(entries), packet.direction, address.family)) {
    if (entry.range.first <= address.first && address.first <= entry.range.last && entryMatchesTraffic(entry, packet)) {
      return { action: entry.action, ruleNumber: entry.ruleNumber };
    }
  }
  return { action: 'deny', ruleNumber: '*' };
}

/** A piece of address space and the entry that decides it (undefined for the implicit final deny). */
export interface DecidedPiece {
  readonly first: bigint;
  readonly last: bigint;
  readonly decider?: NormalizedNaclEntry;
}

/**
 * The deciding entry of every address for one kind of traffic: sorted, disjoint pieces covering the family's
 * address space, found by splitting it in the order of `ordered` (evaluation order, see `orderedEntries`): first
 * match wins, and what no entry matches falls to the implicit final deny.
 */
export function firstMatchPieces(ordered: readonly NormalizedNaclEntry[], family: IpFamily, traffic: NaclTraffic): DecidedPiece[] {
  const matching = ordered.filter((entry) => entryMatchesTraffic(entry, traffic));
  return new AddressCells(matching, family).split(matching).pieces as DecidedPiece[];
}

/** The pieces one set of matching entries splits a family into, and the piece that holds each cell. */
export interface CellSplit {
  /** In address order, each beginning where the one before ends. */
  readonly pieces: readonly DecidedPiece[];
  readonly pieceOfCell: readonly number[];
}

/**
 * A family cut into cells at every bound of some entries (each one's first address, and the address after its last):
 * each entry spans a run of whole cells, and a first-match split works on cell numbers, small integers, instead of
 * 128-bit addresses. In a split, each matching entry, in evaluation order, takes the cells of its run that no earlier
 * entry took, and what none takes meets the implicit final deny. A piece is a run of neighbouring cells with one
 * decider: the same pieces as splitting the addresses themselves, as two pieces of one entry are never neighbours
 * (an earlier entry decides what lies between them).
 */
export class AddressCells {
  /** Cell c spans the addresses from starts[c] to ends[c]; the cells are sorted and cover the family. */
  private readonly starts: bigint[] = [];
  private readonly ends: bigint[] = [];
  /**
   * The first and last cell of each entry the cells were cut for, by the entry's `index` (which `cellEntry` holds, so
   * that another entry with the same index is not taken for it).
   */
  private readonly cellEntry: NormalizedNaclEntry[] = [];
  private readonly cellLo: number[] = [];
  private readonly cellHi: number[] = [];

  constructor(entries: readonly NormalizedNaclEntry[], family: IpFamily) {
    const max = maxAddress(family);
    const bounds: bigint[] = [0n];
    for (const e of entries) {
      bounds.push(e.range.first);
      if (e.range.last < max) {
        bounds.push(e.range.last + 1n);
      }
    }
    sortStable(bounds, compareAddresses);
    for (let i = 0; i < bounds.length; i++) {
      if (i === 0 || bounds[i] !== bounds[i - 1]) {
        if (this.starts.length > 0) {
          this.ends.push(bounds[i] - 1n);
        }
        this.starts.push(bounds[i]);
      }
    }
    this.ends.push(max);
    for (const e of entries) {
      this.cellEntry[e.index] = e;
      this.cellLo[e.index] = this.cellAt(e.range.first);
      this.cellHi[e.index] = this.cellAt(e.range.last);
    }
  }

  /** The cell that holds an address. */
  public cellAt(address: bigint): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.starts[middle] <= address) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /** The first cell an entry's range reaches (for an entry the cells were cut for, its first cell). */
  public firstCellOf(entry: NormalizedNaclEntry): number {
    return this.cellEntry[entry.index] === entry ? this.cellLo[entry.index] : this.cellAt(entry.range.first);
  }

  /** The last cell an entry's range reaches. */
  public lastCellOf(entry: NormalizedNaclEntry): number {
    return this.cellEntry[entry.index] === entry ? this.cellHi[entry.index] : this.cellAt(entry.range.last);
  }

  /**
   * First match over the cells, `matching` in evaluation order. The free cells are found through `next` (the first
   * free cell at or after each cell, with paths shortened as they are walked), so a template with tens of thousands
   * of entries is split in near-linear time, where splitting piece by piece took time quadratic in the entries.
   */
  public split(matching: readonly NormalizedNaclEntry[]): CellSplit {
    const cells = this.starts.length;
    const owner: Array<NormalizedNaclEntry | undefined> = new Array(cells).fill(undefined);
    const next: number[] = [];
    for (let c = 0; c <= cells; c++) {
      next.push(c);
    }
    let free = cells;
    for (const entry of matching) {
      if (free === 0) {
        break;
      }
      const last = this.lastCellOf(entry);
      for (let c = freeCell(next, this.firstCellOf(entry)); c <= last; c = freeCell(next, c + 1)) {
        owner[c] = entry;
        next[c] = c + 1;
        free--;
      }
    }
    const pieces: DecidedPiece[] = [];
    const pieceOfCell: number[] = [];
    let start = 0;
    for (let c = 1; c <= cells; c++) {
      if (c === cells || owner[c] !== owner[start]) {
        pieces.push({ first: this.starts[start], last: this.ends[c - 1], decider: owner[start] });
        for (let x = start; x < c; x++) {
          pieceOfCell.push(pieces.length - 1);
        }
        start = c;
      }
    }
    return { pieces, pieceOfCell };
  }
}

/** The first free cell at or after `cell` (see {@link AddressCells.split}); shortens the path it walks. */
function freeCell(next: number[], cell: number): number {
  let root = cell;
  while (next[root] !== root) {
    root = next[root];
  }
  while (next[cell] !== root) {
    const after = next[cell];
    next[cell] = root;
    cell = after;
  }
  return root;
}

function compareAddresses(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts in place, keeping equal items in their order (as `Array.prototype.sort` does): by insertion up to 64 items (a
 * NACL's entries, which EC2 caps at 40 per direction and family; a scope's cell bounds, twice its entries), else with
 * the built-in sort, which copies its input into a work list first (more than sorting a few costs).
 */
export function sortStable<T>(items: T[], compare: (a: T, b: T) => number): void {
  if (items.length > 64) {
    items.sort(compare);
    return;
  }
  for (let i = 1; i < items.length; i++) {
    const item = items[i];
    let at = i;
    while (at > 0 && compare(items[at - 1], item) > 0) {
      items[at] = items[at - 1];
      at--;
    }
    items[at] = item;
  }
}

/**
 * The verdict for every address of a family, for one direction and kind of traffic: sorted, disjoint intervals
 * that cover the whole address space (interval splitting in rule-number order). This is what shadowing and
 * coverage analyses need: e.g. "the denied part of the IPv4 space is exactly the blocklist".
 */
export function naclDecisionIntervals(
  entries: readonly NaclEntryProperties[],
  direction: NaclDirection,
  family: IpFamily,
  traffic: NaclTraffic,
): NaclDecisionInterval[] {
  return firstMatchPieces(orderedEntries(normalizeNaclEntries(entries), direction, family), family, traffic).map(({ first, last, decider }) => (
    decider ? { first, last, action: decider.action, ruleNumber: decider.ruleNumber } : { first, last, action: 'deny', ruleNumber: '*' }
  ));
}

/** `NACL entry #<index> (RuleNumber <n>)`: how errors name an entry. */
function entryName(e: NaclEntryProperties, index: number): string {
  return `NACL entry #${index} (RuleNumber ${quoteValue(e.RuleNumber)})`;
}

/** An integer value of entry `e` (the `property` named in the error when it is none). */
function toInteger(value: unknown, e: NaclEntryProperties, index: number, property: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) {
    throw new Error(`${entryName(e, index)}: ${property} is ${quoteValue(value)}, not an integer (an unresolved value cannot be evaluated)`);
  }
  return n;
}
