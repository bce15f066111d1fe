import { IpFamily } from './family';
import {
  countAddresses,
  formatAddress,
  formatCidr,
  formatRangesAsCidrs,
  intersectRanges,
  IpRange,
  lossyCover,
  mergeCidrStringsToRanges,
  mergeRanges,
  parseAddress,
  parseCidr,
  ParsedCidr,
  rangesContain,
  rangesOverlap,
  rangeToCidrs,
  subtractRanges,
} from '../private/ip';

export { IpFamily } from './family';

/**
 * Options for parsing CIDR blocks.
 */
export interface CidrParseOptions {
  /**
   * Accept a CIDR whose host bits are set and clear them (`10.0.0.1/8` -> `10.0.0.0/8`).
   *
   * @default false - host bits set is an error, because `10.0.0.1/8` usually means the author meant a /32 or a
   * different prefix
   */
  readonly normalizeHostBits?: boolean;
}

function requireFamily(family: IpFamily): IpFamily {
  if (family !== IpFamily.IPV4 && family !== IpFamily.IPV6) {
    throw new Error(`Invalid IP family ${String(family)}: expected IpFamily.IPV4 or IpFamily.IPV6`);
  }
  return family;
}

/**
 * One IPv4 or IPv6 CIDR block, parsed strictly.
 *
 * IPv4 is dotted decimal only (no octal `010`, hex `0x7f` or shorthand `1.2.3`, which `inet_aton` reads
 * differently); IPv6 follows RFC 4291 and is printed per RFC 5952. A bare address is a /32 or /128 block, and /0
 * is valid (constructs that must refuse it, such as a WAF IP set, do so themselves).
 *
 * @see https://www.rfc-editor.org/rfc/rfc4632 (CIDR notation)
 * @see https://www.rfc-editor.org/rfc/rfc5952 (IPv6 text representation)
 */
export class Cidr {
  /**
   * Parses a CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or bare address (`192.0.2.1`, `2001:db8::1`).
   *
   * Throws an Error naming the value and what is wrong: bad octets or groups, a zone id, a prefix out of range or
   * with a leading zero, whitespace, or host bits set (unless `normalizeHostBits`).
   *
   * @param text the CIDR block or address
   * @param options parse options
   */
  public static parse(text: string, options?: CidrParseOptions): Cidr {
    return new Cidr(parseCidr(text, options));
  }

  private static blockOf(other: Cidr): ParsedCidr {
    if (!(other instanceof Cidr)) {
      throw new Error(`Expected a Cidr (from Cidr.parse), got ${other === null ? 'null' : typeof other}`);
    }
    return other.block;
  }

  /** The address family. */
  public readonly family: IpFamily;
  /** The prefix length: 0-32 for IPv4, 0-128 for IPv6. */
  public readonly prefixLength: number;
  /** The first address of the block, in canonical form. */
  public readonly networkAddress: string;
  /** The last address of the block, in canonical form. */
  public readonly lastAddress: string;
  /** The number of addresses in the block, as an exact decimal string (a /0 of IPv6 holds 2^128). */
  public readonly addressCount: string;

  private readonly block: ParsedCidr;
  private readonly text: string;

  private constructor(block: ParsedCidr) {
    this.block = block;
    this.family = block.family;
    this.prefixLength = block.prefixLength;
    this.networkAddress = formatAddress(block.family, block.first);
    this.lastAddress = formatAddress(block.family, block.last);
    this.addressCount = (block.last - block.first + 1n).toString();
    this.text = formatCidr(block);
  }

  /** The canonical `network/prefix` text, always with the prefix (`192.0.2.1/32`, `2001:db8::/32`). */
  public toString(): string {
    return this.text;
  }

  /**
   * Whether every address of `other` is in this block. Always false across families.
   *
   * @param other the block to test
   */
  public contains(other: Cidr): boolean {
    const block = Cidr.blockOf(other);
    return block.family === this.family && block.first >= this.block.first && block.last <= this.block.last;
  }

  /**
   * Whether this block and `other` share at least one address. Always false across families.
   *
   * @param other the block to test
   */
  public overlaps(other: Cidr): boolean {
    const block = Cidr.blockOf(other);
    return block.family === this.family && block.first <= this.block.last && this.block.first <= block.last;
  }

  /**
   * Whether the address is in this block. The address is parsed strictly and must be bare (no prefix length).
   * Always false across families.
   *
   * @param address an IPv4 or IPv6 address
   */
  public containsAddress(address: string): boolean {
    const parsed = parseAddress(address);
    return parsed.family === this.family && parsed.value >= this.block.first && parsed.value <= this.block.last;
  }

}

/**
 * The result of {@link CidrSet.coverWithin}: a bounded list of CIDR blocks covering a set, and what it costs.
 */
export interface LossyCover {
  /** The family of the blocks. */
  readonly family: IpFamily;
  /** At most `maxBlocks` canonical CIDR blocks, ascending, covering every address of the set in this family. */
  readonly cidrs: string[];
  /**
   * How many addresses the blocks cover that the set does not contain, as an exact decimal string. For a
   * blocklist these are addresses blocked by accident.
   */
  readonly extraAddresses: string;
  /** Whether the blocks cover exactly the set (`extraAddresses` is `'0'`). */
  readonly isExact: boolean;
}

/**
 * An exact set of IPv4 and IPv6 addresses, kept as the minimal list of CIDR blocks per family.
 *
 * Entries are parsed strictly and merged exactly: overlapping and adjacent blocks are combined, so
 * `10.0.0.0/25` and `10.0.0.128/25` become `10.0.0.0/24`. Use {@link CidrSet.coverWithin} when the blocks must fit a
 * quota, such as the rules of a network ACL (20 per direction by default, at most 40).
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
 */
export class CidrSet {
  /**
   * Parses every entry strictly (an error names the entry and its index) and merges them exactly per family.
   *
   * @param cidrs CIDR blocks or bare addresses, either family, in any order; duplicates and overlaps are fine
   * @param options parse options
   */
  public static fromCidrs(cidrs: string[], options?: CidrParseOptions): CidrSet {
    return new CidrSet(mergeCidrStringsToRanges(cidrs, options));
  }

  /** The set with no addresses. */
  public static empty(): CidrSet {
    return new CidrSet([]);
  }

  private static rangesOf(other: CidrSet): readonly IpRange[] {
    if (!(other instanceof CidrSet)) {
      throw new Error(`Expected a CidrSet (from CidrSet.fromCidrs), got ${other === null ? 'null' : typeof other}`);
    }
    return other.ranges;
  }

  /** The minimal exact list of IPv4 blocks, ascending, in canonical form. */
  public readonly ipv4Cidrs: string[];
  /** The minimal exact list of IPv6 blocks, ascending, in canonical form. */
  public readonly ipv6Cidrs: string[];
  /** Whether the set holds no address. */
  public readonly isEmpty: boolean;

  /** Merged, disjoint, non-adjacent ranges: IPv4 first, then IPv6, each ascending. */
  private readonly ranges: readonly IpRange[];

  private constructor(mergedRanges: readonly IpRange[]) {
    this.ranges = mergedRanges;
    this.ipv4Cidrs = formatRangesAsCidrs(mergedRanges, IpFamily.IPV4);
    this.ipv6Cidrs = formatRangesAsCidrs(mergedRanges, IpFamily.IPV6);
    this.isEmpty = mergedRanges.length === 0;
  }

  /** All blocks: the IPv4 ones, then the IPv6 ones. */
  public toCidrs(): string[] {
    return [...this.ipv4Cidrs, ...this.ipv6Cidrs];
  }

  /**
   * Whether every address of `cidr` is in the set.
   *
   * @param cidr a CIDR block or bare address, parsed strictly
   */
  public contains(cidr: string): boolean {
    return rangesContain(this.ranges, parseCidr(cidr));
  }

  /**
   * Whether at least one address of `cidr` is in the set.
   *
   * @param cidr a CIDR block or bare address, parsed strictly
   */
  public overlaps(cidr: string): boolean {
    return rangesOverlap(this.ranges, parseCidr(cidr));
  }

  /**
   * The number of addresses of `family` in the set, as an exact decimal string.
   *
   * @param family the family to count
   */
  public addressCount(family: IpFamily): string {
    return countAddresses(this.ranges, requireFamily(family)).toString();
  }

  /**
   * The addresses in this set or `other`.
   *
   * @param other the set to add
   */
  public union(other: CidrSet): CidrSet {
    return new CidrSet(mergeRanges([...this.ranges, ...CidrSet.rangesOf(other)]));
  }

  /**
   * The addresses in this set and not in `other`.
   *
   * @param other the set to remove
   */
  public subtract(other: CidrSet): CidrSet {
    return new CidrSet(subtractRanges(this.ranges, CidrSet.rangesOf(other)));
  }

  /**
   * The addresses in both this set and `other`.
   *
   * @param other the set to intersect with
   */
  public intersect(other: CidrSet): CidrSet {
    return new CidrSet(intersectRanges(this.ranges, CidrSet.rangesOf(other)));
  }

  /**
   * A bounded lossy cover: at most `maxBlocks` CIDR blocks of `family` that cover every address of the set in that
   * family and, among all such lists, cover the fewest addresses outside the set (an optimal answer, not a greedy
   * one). If the exact blocks already fit, they are returned with `extraAddresses` `'0'`.
   *
   * Use it to fit a blocklist into a quota, for example the deny rules left in a network ACL, and report
   * `extraAddresses` so the author sees what over-blocking costs.
   *
   * @param family the family to cover
   * @param maxBlocks the most blocks allowed, an integer of at least 1
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
   */
  public coverWithin(family: IpFamily, maxBlocks: number): LossyCover {
    const cover = lossyCover(requireFamily(family), this.blocksOf(family), maxBlocks);
    return {
      family,
      cidrs: cover.blocks.map(formatCidr),
      extraAddresses: cover.extra.toString(),
      isExact: cover.extra === 0n,
    };
  }

  private blocksOf(family: IpFamily): ParsedCidr[] {
    return this.ranges.filter((range) => range.family === family).flatMap(rangeToCidrs);
  }
}
