// Exact analysis of one NACL direction and family: which entry decides which (address x traffic) piece.
//
// The traffic dimension is split into classes that every entry either matches completely or not at all (protocols
// named by some entry plus "any other protocol"; TCP/UDP port intervals cut at every entry's bounds; ICMP
// type x code pairs named by some entry plus "any other"), and for each class the address space is split in
// rule-number order (first match wins, implicit final deny), as ./nacl-evaluator does. So "entry X is shadowed"
// and "responses to these peers are dropped" are exact statements, never samples.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
import { AddressCells, CellSplit, DecidedPiece, entryMatchesTraffic, firstMatchPieces, NaclDirection, NaclTraffic, NormalizedNaclEntry, orderedEntries } from './nacl-evaluator';
import type { NaclEntryModel, NaclModel } from './network-model';
import { IpFamily } from '../../ip/family';
import { formatCidr, IpRange, maxAddress, mergeRanges, rangeToCidrs, rangesContainSpan, subtractRanges, intersectRanges } from '../../private/ip';

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
const ALL = -1;

/** A set of packets every entry treats alike, with one representative packet. */
export interface TrafficClass {
  readonly traffic: NaclTraffic;
  /** Last port of the class's port interval (TCP/UDP), for descriptions. */
  readonly portTo?: number;
  readonly label: string;
}

/** True when the entry can never match a packet of its family (e.g. ICMP on an IPv6 entry, ports From > To). */
export function neverMatchesReason(entry: NormalizedNaclEntry): string | undefined {
  if (entry.ports && entry.ports.from > entry.ports.to) {
    return `its PortRange ${entry.ports.from}-${entry.ports.to} is empty (From > To)`;
  }
  if (entry.protocol === ICMP && entry.range.family === IpFamily.IPV6) {
    return 'protocol 1 (ICMP) never occurs in IPv6 traffic; IPv6 uses protocol 58 (ICMPv6)';
  }
  if (entry.protocol === ICMPV6 && entry.range.family === IpFamily.IPV4) {
    return 'protocol 58 (ICMPv6) never occurs in IPv4 traffic; IPv4 uses protocol 1 (ICMP)';
  }
  return undefined;
}

/** Traffic classes for a set of entries (which should share a direction and family). */
export function trafficClasses(entries: readonly NormalizedNaclEntry[]): TrafficClass[] {
  // Every scope of the app passes here, most naming one protocol or none: a short sorted list, not a set and a sort.
  const protocols: number[] = [];
  for (const e of entries) {
    if (e.protocol !== ALL && !protocols.includes(e.protocol)) {
      insertSorted(protocols, e.protocol);
    }
  }
  const classes: TrafficClass[] = [];
  for (const protocol of protocols) {
    if (protocol === TCP || protocol === UDP) {
      addPortClasses(classes, entries, protocol, 0, 65535);
    } else if (protocol === ICMP || protocol === ICMPV6) {
      classes.push(...icmpClasses(entries.filter((e) => e.protocol === protocol), protocol));
    } else {
      classes.push({ traffic: { protocol }, label: `protocol ${protocol}` });
    }
  }
  let other = 253; // RFC 3692 experimentation: a protocol no entry names stands for "any other protocol"
  while (protocols.includes(other)) {
    other = (other + 1) % 256;
  }
  classes.push({ traffic: { protocol: other }, label: protocols.length === 0 ? 'all traffic' : 'any other protocol' });
  return classes;
}

/** The port classes of one protocol inside [from, to], cut at every entry's bounds. */
export function portClasses(entries: readonly NormalizedNaclEntry[], protocol: number, from: number, to: number): TrafficClass[] {
  return addPortClasses([], entries, protocol, from, to);
}

/** {@link portClasses}, added to `into`. */
function addPortClasses(into: TrafficClass[], entries: readonly NormalizedNaclEntry[], protocol: number, from: number, to: number): TrafficClass[] {
  // The cuts in ascending order, each once: a few per scope, kept sorted as they come.
  const cuts = [from, to + 1];
  const add = (cut: number) => {
    if (cut > from && cut <= to && !cuts.includes(cut)) {
      insertSorted(cuts, cut);
    }
  };
  for (const e of entries) {
    if (e.protocol === protocol && e.ports && e.ports.from <= e.ports.to) {
      add(e.ports.from);
      add(e.ports.to + 1);
    }
  }
  for (let i = 0; i + 1 < cuts.length; i++) {
    into.push(new PortClass(protocol, cuts[i], cuts[i + 1] - 1));
  }
  return into;
}

/** Inserts a number into an ascending list, in place (without `splice`, which makes a list of what it removes). */
function insertSorted(list: number[], value: number): void {
  let at = list.length;
  list.push(value);
  while (at > 0 && list[at - 1] > value) {
    list[at] = list[at - 1];
    at--;
  }
  list[at] = value;
}

/** A TCP or UDP port interval: its description is written only when a message asks for it. */
class PortClass implements TrafficClass {
  public readonly traffic: NaclTraffic;

  constructor(protocol: number, first: number, public readonly portTo: number) {
    this.traffic = { protocol, port: first };
  }

  public get label(): string {
    const name = this.traffic.protocol === TCP ? 'tcp' : 'udp';
    const first = this.traffic.port!;
    return first === this.portTo ? `${name} ${first}` : `${name} ${first}-${this.portTo}`;
  }
}

function icmpClasses(entries: readonly NormalizedNaclEntry[], protocol: number): TrafficClass[] {
  const types = new Set<number>();
  const codes = new Set<number>();
  for (const e of entries) {
    if (e.icmp && e.icmp.type !== -1) {
      types.add(e.icmp.type);
    }
    if (e.icmp && e.icmp.code !== -1) {
      codes.add(e.icmp.code);
    }
  }
  const unused = (set: Set<number>) => {
    let n = 255;
    while (set.has(n)) {
      n--;
    }
    return n;
  };
  const name = protocol === ICMP ? 'icmp' : 'icmpv6';
  const classes: TrafficClass[] = [];
  const otherType = unused(types);
  const otherCode = unused(codes);
  for (const type of [...types, otherType]) {
    for (const code of [...codes, otherCode]) {
      const typeLabel = type === otherType ? 'other types' : `type ${type}`;
      const codeLabel = code === otherCode ? (codes.size > 0 ? ' other codes' : '') : ` code ${code}`;
      classes.push({ traffic: { protocol, icmpType: type, icmpCode: code }, label: `${name} ${typeLabel}${codeLabel}` });
    }
  }
  return classes;
}

/**
 * The deciding entry of every address for one kind of traffic: sorted, disjoint pieces covering the family's
 * address space. `ordered` must be in evaluation order (see `orderedEntries`). Entries that can never match a packet
 * of their family (see `neverMatchesReason`) are passed over, as AWS never sees such a packet.
 */
export function decidePieces(ordered: readonly NormalizedNaclEntry[], family: IpFamily, traffic: NaclTraffic): DecidedPiece[] {
  return firstMatchPieces(ordered.filter((entry) => neverMatchesReason(entry) === undefined), family, traffic);
}

/** Where an earlier entry takes traffic that an entry also matches. */
export interface Overtaking {
  readonly by: NormalizedNaclEntry;
  readonly range: IpRange;
  readonly traffic: TrafficClass;
}

/** What happens to each entry of one direction and family. */
export interface EntryFate {
  readonly entry: NormalizedNaclEntry;
  /** Pieces (per traffic class) this entry decides. */
  readonly decides: Array<{ readonly range: IpRange; readonly traffic: TrafficClass }>;
  /** Pieces the entry matches that an earlier entry decides. */
  readonly overtaken: Overtaking[];
}

/** How many pieces of an entry's fate there are of each kind (see {@link EntryFate}). */
export interface EntrySummary {
  readonly entry: NormalizedNaclEntry;
  /** Pieces (over all traffic classes) the entry decides. */
  readonly decides: number;
  /** Pieces the entry matches that an earlier entry decides. */
  readonly overtaken: number;
  /** Of those, the pieces an ALLOW decides. */
  readonly overtakenByAllow: number;
}

/**
 * One direction and family of one NACL, analysed exactly. The family is cut into cells once, at the bounds of every
 * entry that can match (./nacl-evaluator `AddressCells`), and each set of matching entries splits those cells.
 */
export class NaclDirectionAnalysis {
  public readonly ordered: NormalizedNaclEntry[];
  public readonly classes: TrafficClass[];
  /** Each class's split; classes that the same entries match share one (never changed once made). */
  private readonly splitByClass: readonly CellSplit[];
  private summaryCache?: EntrySummary[];
  /** The entries of `ordered` that can match some packet, in evaluation order. */
  private readonly live: readonly NormalizedNaclEntry[];
  /** The family cut into cells at the live entries' bounds. */
  private readonly cells: AddressCells;
  private readonly allowedCache: Array<{
    readonly protocol: number;
    readonly from: number;
    readonly to: number;
    readonly allowed: readonly IpRange[];
  }> = [];

  constructor(entries: readonly NormalizedNaclEntry[], public readonly direction: NaclDirection, public readonly family: IpFamily) {
    this.ordered = orderedEntries(entries, direction, family);
    // What decidePieces does for each class, done once: the entries that can match a packet of their family (nearly
    // always all of them: the same list then).
    const canMatch = (e: NormalizedNaclEntry) => neverMatchesReason(e) === undefined;
    this.live = this.ordered.every(canMatch) ? this.ordered : this.ordered.filter(canMatch);
    this.classes = trafficClasses(this.live);
    this.cells = new AddressCells(this.live, family);
    // Classes that the same entries match are split alike (the blocklist DENYs and the ALLOW-all match every port
    // class and "any other protocol"): each set of matching entries is split once, and its pieces shared.
    // Found by a hash of the matching entries' positions: ICMP entries naming many types and codes make thousands of
    // classes, and a list searched per class took seconds for one scope.
    // Most scopes have a few classes: their splits are found in a list; past a few, by the hash in a map.
    const made: Array<{ readonly hash: number; readonly matching: readonly NormalizedNaclEntry[]; readonly split: CellSplit }> = [];
    let byHash: Map<number, Array<{ readonly matching: readonly NormalizedNaclEntry[]; readonly split: CellSplit }>> | undefined;
    const splitByClass: CellSplit[] = new Array(this.classes.length);
    for (let c = 0; c < this.classes.length; c++) {
      const traffic = this.classes[c].traffic;
      let hash = 17;
      let count = 0;
      for (let i = 0; i < this.live.length; i++) {
        if (entryMatchesTraffic(this.live[i], traffic)) {
          count++;
          hash = (hash * 31 + i + 1) % 2_147_483_647;
        }
      }
      // A class every entry matches (all-protocols entries only, "any other protocol") splits the live list itself.
      const matching = count === this.live.length ? this.live : this.live.filter((e) => entryMatchesTraffic(e, traffic));
      let same: CellSplit | undefined;
      const candidates = byHash !== undefined ? byHash.get(hash) ?? [] : made;
      for (let k = 0; k < candidates.length && same === undefined; k++) {
        if ((byHash !== undefined || made[k].hash === hash) && sameEntries(candidates[k].matching, matching)) {
          same = candidates[k].split;
        }
      }
      if (same === undefined) {
        same = this.cells.split(matching);
        if (byHash !== undefined) {
          byHash.set(hash, [...candidates, { matching, split: same }]);
        } else {
          made.push({ hash, matching, split: same });
          if (made.length > SPLITS_SEARCHED) {
            byHash = new Map();
            for (const m of made) {
              byHash.set(m.hash, [...byHash.get(m.hash) ?? [], m]);
            }
          }
        }
      }
      splitByClass[c] = same;
    }
    this.splitByClass = splitByClass;
  }

  /**
   * For every entry (in evaluation order): what it decides, and which earlier entries take traffic it matches.
   * Built afresh on each call: the rules read {@link summaries} and ask {@link fateOf} only for an entry they report.
   */
  public fates(): EntryFate[] {
    return this.ordered.map((entry) => this.fateOf(entry));
  }

  /** One entry's fate: the pieces it decides and those an earlier entry takes, class by class, in address order. */
  public fateOf(entry: NormalizedNaclEntry): EntryFate {
    const fate: EntryFate = { entry, decides: [], overtaken: [] };
    this.eachMatchedPiece(entry, (piece, i) => {
      if (piece.decider === entry) {
        fate.decides.push({ range: this.clipped(piece, entry), traffic: this.classes[i] });
      } else if (piece.decider !== undefined) {
        fate.overtaken.push({ by: piece.decider, range: this.clipped(piece, entry), traffic: this.classes[i] });
      }
    });
    return fate;
  }

  /**
   * For every entry (in evaluation order), how many pieces of its fate there are of each kind: what the rules decide
   * on. Counting allocates one small object per entry where the fates allocate two per piece, and the counts are all
   * that most entries need (only an entry that is reported needs its fate, see {@link fateOf}).
   */
  public summaries(): readonly EntrySummary[] {
    if (this.summaryCache) {
      return this.summaryCache;
    }
    // Classes that share their pieces count alike (an entry matches all of them or none): each split is read once and
    // counted once per class that shares it. Every entry of every scope passes here: no closure or list per entry.
    // A scope usually has one or two distinct splits: a list searched from its end (where the class before usually
    // left its split) finds them without a map; past a few (ICMP entries naming many types and codes make thousands
    // of classes), a map.
    const splits: Array<{ readonly split: CellSplit; readonly traffic: NaclTraffic; classes: number }> = [];
    let counted: Map<CellSplit, { classes: number }> | undefined;
    for (let i = 0; i < this.classes.length; i++) {
      const split = this.splitByClass[i];
      let known: { classes: number } | undefined;
      if (counted !== undefined) {
        known = counted.get(split);
      } else {
        for (let k = splits.length - 1; k >= 0 && known === undefined; k--) {
          known = splits[k].split === split ? splits[k] : undefined;
        }
      }
      if (known !== undefined) {
        known.classes++;
        continue;
      }
      const fresh = { split, traffic: this.classes[i].traffic, classes: 1 };
      splits.push(fresh);
      if (counted !== undefined) {
        counted.set(split, fresh);
      } else if (splits.length > SPLITS_SEARCHED) {
        counted = new Map(splits.map((x) => [x.split, x]));
      }
    }
    const summaries: EntrySummary[] = new Array(this.ordered.length);
    for (let e = 0; e < this.ordered.length; e++) {
      const entry = this.ordered[e];
      let decides = 0;
      let overtaken = 0;
      let overtakenByAllow = 0;
      if (neverMatchesReason(entry) === undefined) {
        const firstCell = this.cells.firstCellOf(entry);
        const lastCell = this.cells.lastCellOf(entry);
        for (let k = 0; k < splits.length; k++) {
          const split = splits[k].split;
          const classes = splits[k].classes;
          if (!entryMatchesTraffic(entry, splits[k].traffic)) {
            continue;
          }
          const pieces = split.pieces;
          for (let p = split.pieceOfCell[firstCell]; p <= split.pieceOfCell[lastCell]; p++) {
            const decider = pieces[p].decider;
            if (decider === entry) {
              decides += classes;
            } else if (decider !== undefined) {
              overtaken += classes;
              if (decider.action === 'allow') {
                overtakenByAllow += classes;
              }
            }
          }
        }
      }
      summaries[e] = { entry, decides, overtaken, overtakenByAllow };
    }
    this.summaryCache = summaries;
    return summaries;
  }

  /**
   * The addresses `entry` decides in the classes `applies` picks, merged: the ranges of its fate's `decides` there.
   * Classes that share their pieces are read once (an entry matches all of them or none).
   */
  public decidedRanges(entry: NormalizedNaclEntry, applies: (traffic: TrafficClass, index: number) => boolean): IpRange[] {
    const ranges: IpRange[] = [];
    this.eachMatchedPiece(entry, (piece) => {
      if (piece.decider === entry) {
        ranges.push(this.clipped(piece, entry));
      }
    }, (i) => applies(this.classes[i], i), true);
    return mergeRanges(ranges);
  }

  /**
   * Whether every address `entry` decides in the classes `applies` picks lies inside one of `merged` (the output of
   * mergeRanges): what {@link decidedRanges} would say, without making the ranges. True when it decides nothing there.
   */
  public decidesOnlyWithin(
    entry: NormalizedNaclEntry, applies: (traffic: TrafficClass, index: number) => boolean, merged: readonly IpRange[],
  ): boolean {
    let within = true;
    this.eachMatchedPiece(entry, (piece) => {
      if (within && piece.decider === entry) {
        const first = piece.first > entry.range.first ? piece.first : entry.range.first;
        const last = piece.last < entry.range.last ? piece.last : entry.range.last;
        within = rangesContainSpan(merged, this.family, first, last);
      }
    }, (i) => applies(this.classes[i], i), true);
    return within;
  }

  /**
   * Visits the pieces an entry matches, class by class (the classes `pick` chooses, all by default), each class's in
   * address order; with `oncePerSplit`, classes that share their pieces are visited once. An entry that can never
   * match a packet of its family visits nothing.
   */
  private eachMatchedPiece(
    entry: NormalizedNaclEntry,
    visit: (piece: DecidedPiece, classIndex: number) => void,
    pick?: (classIndex: number) => boolean,
    oncePerSplit = false,
  ): void {
    if (neverMatchesReason(entry) !== undefined || entry.range.family !== this.family) {
      return; // an entry of the other family matches no address of this one
    }
    // A set: ICMP entries naming many types and codes make thousands of classes.
    const seen: SplitsSeen | undefined = oncePerSplit ? new SplitsSeen() : undefined;
    const firstCell = this.cells.firstCellOf(entry);
    const lastCell = this.cells.lastCellOf(entry);
    for (let i = 0; i < this.classes.length; i++) {
      const split = this.splitByClass[i];
      if (seen?.has(split) || (pick !== undefined && !pick(i)) || !entryMatchesTraffic(entry, this.classes[i].traffic)) {
        continue;
      }
      seen?.add(split);
      // The pieces that hold the cells the entry's range reaches, in address order.
      for (let p = split.pieceOfCell[firstCell]; p <= split.pieceOfCell[lastCell]; p++) {
        visit(split.pieces[p], i);
      }
    }
  }

  /** The part of a piece inside an entry's range. */
  private clipped(piece: DecidedPiece, entry: NormalizedNaclEntry): IpRange {
    return {
      family: this.family,
      first: piece.first > entry.range.first ? piece.first : entry.range.first,
      last: piece.last < entry.range.last ? piece.last : entry.range.last,
    };
  }

  /**
   * The addresses to which every port in [from, to] of `protocol` is allowed (merged ranges). Used for return
   * traffic: responses must be allowed on the whole ephemeral range.
   */
  public allowedForAllPorts(protocol: number, from: number, to: number): readonly IpRange[] {
    // NaclReturnTraffic asks once per ALLOW of the other direction, always for the same ephemeral range: the answer
    // is made once and shared (read-only). A few questions per scope: a list, not a map keyed by a string made per ask.
    for (const cached of this.allowedCache) {
      if (cached.protocol === protocol && cached.from === from && cached.to === to) {
        return cached.allowed;
      }
    }
    const allowed = Object.freeze(this.computeAllowedForAllPorts(protocol, from, to));
    this.allowedCache.push({ protocol, from, to, allowed });
    return allowed;
  }

  private computeAllowedForAllPorts(protocol: number, from: number, to: number): IpRange[] {
    if ((protocol === TCP || protocol === UDP) && 0 <= from && from <= to && to <= 65535) {
      return this.allowedFromClasses(protocol, from, to);
    }
    return this.allowedByPortClasses(protocol, from, to);
  }

  /**
   * The same as {@link allowedByPortClasses}, from the pieces the constructor already decided. Its classes of
   * `protocol` cut the ports at every bound of every entry that can match, so each port class of [from, to] is a
   * part of exactly one of them, decided alike (an entry matches all of a class or none of it). A protocol no entry
   * names is decided by the all-protocols entries alone, as the last class ("any other protocol") is.
   */
  private allowedFromClasses(protocol: number, from: number, to: number): IpRange[] {
    const named = this.classes.some((c) => c.traffic.protocol === protocol);
    let allowed: IpRange[] | undefined;
    // Classes that share their pieces allow the same addresses: intersecting them again changes nothing.
    const seen = new SplitsSeen();
    for (let i = 0; i < this.classes.length; i++) {
      const c = this.classes[i];
      const applies = named
        ? c.traffic.protocol === protocol && c.traffic.port! <= to && c.portTo! >= from
        : i === this.classes.length - 1;
      if (!applies || seen.has(this.splitByClass[i])) {
        continue;
      }
      seen.add(this.splitByClass[i]);
      const own = allowedPieces(this.splitByClass[i].pieces, this.family);
      allowed = allowed === undefined ? own : intersectRanges(allowed, own);
      if (allowed.length === 0) {
        break;
      }
    }
    return allowed ?? [{ family: this.family, first: 0n, last: maxAddress(this.family) }];
  }

  /** The addresses allowed on every port in [from, to], each port class decided afresh. */
  private allowedByPortClasses(protocol: number, from: number, to: number): IpRange[] {
    const classes = portClasses(this.ordered, protocol, from, to);
    let allowed: IpRange[] = [{ family: this.family, first: 0n, last: maxAddress(this.family) }];
    for (const c of classes) {
      const pieces = decidePieces(this.ordered, this.family, c.traffic)
        .filter((p) => p.decider?.action === 'allow')
        .map((p) => ({ family: this.family, first: p.first, last: p.last }));
      allowed = intersectRanges(allowed, mergeRanges(pieces));
      if (allowed.length === 0) {
        break;
      }
    }
    return allowed;
  }

  /** The decision for a given traffic class index: pieces with their deciders. */
  public piecesOf(classIndex: number): readonly DecidedPiece[] {
    return this.splitByClass[classIndex].pieces;
  }
}

/** How many distinct splits a scope's walks search in a list before they keep a map or a set. */
const SPLITS_SEARCHED = 8;

/**
 * The splits a walk over a scope's classes has visited: a scope has one or two (a list, searched), thousands of
 * classes only for ICMP entries naming many types and codes (past a few splits, a set).
 */
class SplitsSeen {
  private readonly list: CellSplit[] = [];
  private set?: Set<CellSplit>;

  public has(split: CellSplit): boolean {
    return this.set !== undefined ? this.set.has(split) : this.list.includes(split);
  }

  public add(split: CellSplit): void {
    if (this.set !== undefined) {
      this.set.add(split);
      return;
    }
    this.list.push(split);
    if (this.list.length > SPLITS_SEARCHED) {
      this.set = new Set(this.list);
    }
  }
}

/** Whether two lists hold the same entries in the same order. */
function sameEntries(a: readonly NormalizedNaclEntry[], b: readonly NormalizedNaclEntry[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

/**
 * The pieces an ALLOW decides, as merged ranges. The pieces of a split cover the family in order, each beginning where
 * the one before ends: allowed pieces next to each other in the list are neighbours, joined in one pass.
 */
function allowedPieces(pieces: readonly DecidedPiece[], family: IpFamily): IpRange[] {
  const merged: IpRange[] = [];
  let first: bigint | undefined;
  let last = 0n;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p];
    if (piece.decider?.action !== 'allow') {
      if (first !== undefined) {
        merged.push({ family, first, last });
        first = undefined;
      }
      continue;
    }
    first ??= piece.first;
    last = piece.last;
  }
  if (first !== undefined) {
    merged.push({ family, first, last });
  }
  return merged;
}

/** The addresses in `wanted` that are not in `allowed` (both merged or not). */
export function missingRanges(wanted: readonly IpRange[], allowed: readonly IpRange[]): IpRange[] {
  return subtractRanges(mergeRanges(wanted), mergeRanges(allowed));
}

/** `10.0.0.0/8`, or `10.0.0.0/8 and 3 more blocks` for a range that is not one CIDR. */
export function describeRanges(ranges: readonly IpRange[]): string {
  const cidrs = ranges.flatMap((r) => rangeToCidrs(r));
  if (cidrs.length === 0) {
    return 'no addresses';
  }
  const first = formatCidr(cidrs[0]);
  return cidrs.length === 1 ? first : `${first} and ${cidrs.length - 1} more block${cidrs.length > 2 ? 's' : ''}`;
}

/** `tcp 22`, `all traffic`, `icmp type 8 code 0`: the traffic an entry matches. */
export function describeEntryTraffic(entry: NormalizedNaclEntry): string {
  if (entry.protocol === ALL) {
    return 'all traffic';
  }
  if (entry.ports) {
    const name = entry.protocol === TCP ? 'tcp' : 'udp';
    return entry.ports.from === entry.ports.to ? `${name} ${entry.ports.from}` : `${name} ${entry.ports.from}-${entry.ports.to}`;
  }
  if (entry.icmp) {
    const name = entry.protocol === ICMP ? 'icmp' : 'icmpv6';
    const type = entry.icmp.type === -1 ? 'all types' : `type ${entry.icmp.type}`;
    const code = entry.icmp.code === -1 ? '' : ` code ${entry.icmp.code}`;
    return `${name} ${type}${code}`;
  }
  return `protocol ${entry.protocol}`;
}

/** `rule 100 (ALLOW 10.0.0.0/8 tcp 443)`. */
export function describeEntry(entry: NormalizedNaclEntry): string {
  const cidr = describeRanges([entry.range]);
  return `rule ${entry.ruleNumber} (${entry.action.toUpperCase()} ${cidr} ${describeEntryTraffic(entry)})`;
}


/** One direction and family of a NACL, ready to judge, or the entries that keep it from being judged exactly. */
export interface NaclScope {
  readonly nacl: NaclModel;
  readonly direction: NaclDirection;
  readonly family: IpFamily;
  /**
   * False when some entry of this direction (and family, or of unknown family) is unresolved, or when the scope has
   * more entries than {@link MAX_EXACT_ENTRIES}: then {@link analysis} is undefined.
   */
  readonly analysable: boolean;
  /**
   * The scope's resolved entries in evaluation order (rule number, then position), as `analysis.ordered` lists
   * them, without building the analysis: the rules' cheap exact tests (./nacl-quick) read them first.
   */
  readonly ordered: readonly NormalizedNaclEntry[];
  /**
   * The exact analysis, built on first use (most scopes are settled by ./nacl-quick without it). Undefined when
   * the scope is not {@link analysable}.
   */
  readonly analysis?: NaclDirectionAnalysis;
  readonly unknownEntries: readonly NaclEntryModel[];
  /** How many entries the scope has, when that is more than {@link MAX_EXACT_ENTRIES} (and it is not analysed). */
  readonly tooManyEntries?: number;
  /**
   * Rule numbers two entries of this direction share (IPv4 and IPv6 share the numbers). EC2 rejects the second
   * entry, and which one it keeps depends on the order CloudFormation creates them in, so no verdict on the
   * scope's order is sound until they are renumbered.
   */
  readonly duplicateRuleNumbers: ReadonlySet<number>;
  /** The model entry of a normalized entry of `analysis`. */
  siteOf(entry: NormalizedNaclEntry): NaclEntryModel;
}

/** A scope whose exact analysis is built when a rule first asks for it. */
class LazyScope implements NaclScope {
  public readonly analysable: boolean;
  public readonly ordered: readonly NormalizedNaclEntry[];
  public readonly tooManyEntries?: number;
  private built?: NaclDirectionAnalysis;

  constructor(
    public readonly nacl: NaclModel,
    public readonly direction: NaclDirection,
    public readonly family: IpFamily,
    private readonly normalized: readonly NormalizedNaclEntry[],
    private readonly sites: readonly NaclEntryModel[],
    public readonly unknownEntries: readonly NaclEntryModel[],
    tooManyEntries: number | undefined,
    public readonly duplicateRuleNumbers: ReadonlySet<number>,
  ) {
    if (tooManyEntries !== undefined) {
      this.tooManyEntries = tooManyEntries;
    }
    this.analysable = unknownEntries.length === 0 && tooManyEntries === undefined;
    // The model lists a NACL's entries in rule-number order, and the scope keeps that order: a copy is made only
    // for a NACL model made otherwise.
    this.ordered = !this.analysable ? NO_ENTRIES : inEvaluationOrder(normalized) ? normalized : orderedEntries(normalized, direction, family);
  }

  public get analysis(): NaclDirectionAnalysis | undefined {
    if (!this.analysable) {
      return undefined;
    }
    this.built ??= this.normalized.length === 0 ? emptyAnalysis(this.direction, this.family)
      : new NaclDirectionAnalysis(this.normalized, this.direction, this.family);
    return this.built;
  }

  public siteOf(entry: NormalizedNaclEntry): NaclEntryModel {
    return (this.normalized[entry.index] === entry ? this.sites[entry.index] : undefined)!;
  }
}

const NO_ENTRIES: readonly NormalizedNaclEntry[] = Object.freeze([]);
const NO_SITES: readonly NaclEntryModel[] = Object.freeze([]);

/** Whether a scope's entries are in evaluation order (rule number, then index) already. */
function inEvaluationOrder(entries: readonly NormalizedNaclEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1];
    const b = entries[i];
    if (a.ruleNumber > b.ruleNumber || (a.ruleNumber === b.ruleNumber && a.index > b.index)) {
      return false;
    }
  }
  return true;
}

const scopeCache = new WeakMap<NaclModel, NaclScope[]>();

/**
 * The most entries of one scope analysed exactly. EC2 takes at most 40 per direction and family (20 unless the quota
 * is raised), so this is five times anything deployable; the exact analysis grows with entries times traffic classes,
 * and a template with thousands of entries in one NACL (which NaclEntryQuota reports) would take seconds per NACL.
 */
export const MAX_EXACT_ENTRIES = 200;

/**
 * The fix of a "cannot verify" for a NACL direction with more entries than the analysis judges exactly: what
 * NaclEntryQuota asks (a literal value, CannotVerify's fix, would not help). The order rules and the paths through
 * such a NACL give it.
 */
export const OVER_CAP_FIX = 'Bring the NACL within EC2\'s quota of entries per direction and family (LayeredDefense-NaclEntryQuota reports it): merge CIDRs (IpBlocklistNacl '
  + 'merges and covers them within the quota), or move the surplus to a WAF IP set; then this analysis judges the order of its entries';

/**
 * How many entries of a NACL may sit in one direction and family: those that do, and those whose direction or
 * family is not known (they may). Compared with {@link MAX_EXACT_ENTRIES} by the rules and by the paths alike.
 */
export function scopeEntryCount(nacl: NaclModel, direction: NaclDirection, family: IpFamily): number {
  const egress = direction === 'egress';
  let count = 0;
  for (const e of nacl.entries) {
    if ((e.egress === undefined || e.egress === egress) && (e.family === undefined || e.family === family)) {
      count++;
    }
  }
  return count;
}

/**
 * The analysis of a scope without entries (the IPv6 side of most NACLs): everything meets the implicit final deny.
 * It depends only on direction and family, and nothing changes an analysis once made, so one per pair is shared.
 */
const emptyAnalyses = new Map<string, NaclDirectionAnalysis>();

function emptyAnalysis(direction: NaclDirection, family: IpFamily): NaclDirectionAnalysis {
  const key = `${direction}:${family}`;
  let analysis = emptyAnalyses.get(key);
  if (analysis === undefined) {
    analysis = new NaclDirectionAnalysis([], direction, family);
    emptyAnalyses.set(key, analysis);
  }
  return analysis;
}

/** The four scopes (ingress/egress x IPv4/IPv6) of a NACL, made once and cached (each analysed on first use). */
export function naclScopes(nacl: NaclModel): NaclScope[] {
  const cached = scopeCache.get(nacl);
  if (cached) {
    return cached;
  }
  const scopes: NaclScope[] = [];
  // Every NACL of the app passes here: one walk over its entries per scope, no intermediate lists.
  for (const direction of DIRECTIONS) {
    const egress = direction === 'egress';
    const duplicateRuleNumbers = duplicatesOf(nacl.entries, egress);
    for (const family of FAMILIES) {
      // An entry of unknown direction or family may belong here: it is unknown in every scope it may belong to.
      // The lists are made only for a scope that has entries (most NACLs have no IPv6 entry).
      let unknownEntries: NaclEntryModel[] | undefined;
      let normalized: NormalizedNaclEntry[] | undefined;
      let sites: NaclEntryModel[] | undefined;
      for (const e of nacl.entries) {
        if ((e.egress !== undefined && e.egress !== egress) || (e.family !== undefined && e.family !== family)) {
          continue;
        }
        if (e.normalized === undefined) {
          (unknownEntries ??= []).push(e);
        } else {
          // The index is the entry's place among this scope's entries: the tie-break of a duplicate rule number. The
          // model numbers its entries so (network-model numberWithinScopes); a NACL model made otherwise gets copies.
          normalized ??= [];
          sites ??= [];
          const index = normalized.length;
          normalized.push(e.normalized.index === index ? e.normalized : { ...e.normalized, index });
          sites.push(e);
        }
      }
      const count = (normalized?.length ?? 0) + (unknownEntries?.length ?? 0);
      const tooMany = count > MAX_EXACT_ENTRIES ? count : undefined;
      scopes.push(new LazyScope(
        nacl, direction, family, normalized ?? NO_ENTRIES, sites ?? NO_SITES, unknownEntries ?? NO_SITES, tooMany, duplicateRuleNumbers,
      ));
    }
  }
  scopeCache.set(nacl, scopes);
  return scopes;
}

/**
 * The rule numbers two entries of one direction share. The model lists a NACL's entries in rule-number order, so a
 * duplicate is the number of the entry before in that direction, and no set is made for a NACL without one.
 */
function duplicatesOf(entries: readonly NaclEntryModel[], egress: boolean): ReadonlySet<number> {
  let duplicates: Set<number> | undefined;
  let previous: number | undefined;
  for (const e of entries) {
    if (e.ruleNumber === undefined || e.egress !== egress) {
      continue;
    }
    if (previous !== undefined && e.ruleNumber < previous) {
      return duplicatesBySet(entries, egress); // not in order (a NACL model made elsewhere)
    }
    if (e.ruleNumber === previous) {
      (duplicates ??= new Set()).add(e.ruleNumber);
    }
    previous = e.ruleNumber;
  }
  return duplicates ?? NO_DUPLICATES;
}

function duplicatesBySet(entries: readonly NaclEntryModel[], egress: boolean): ReadonlySet<number> {
  const duplicates = new Set<number>();
  const numbers = new Set<number>();
  for (const e of entries) {
    if (e.ruleNumber !== undefined && e.egress === egress) {
      (numbers.has(e.ruleNumber) ? duplicates : numbers).add(e.ruleNumber);
    }
  }
  return duplicates;
}

const NO_DUPLICATES: ReadonlySet<number> = new Set();

const DIRECTIONS: readonly NaclDirection[] = ['ingress', 'egress'];
const FAMILIES: readonly IpFamily[] = [IpFamily.IPV4, IpFamily.IPV6];
