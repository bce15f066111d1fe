import { IpFamily } from '../../ip/family';

/** An inclusive range of addresses of one family, as unsigned integers. */
export interface IpRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

/** An aligned CIDR block: `first` is the network address, `last` the broadcast/last address. */
export interface ParsedCidr extends IpRange {
  readonly prefixLength: number;
}

export const IPV4_BITS = 32;
export const IPV6_BITS = 128;

/** Address width in bits: 32 for IPv4, 128 for IPv6. */
export function familyBits(family: IpFamily): number {
  return family === IpFamily.IPV4 ? IPV4_BITS : IPV6_BITS;
}

/** Number of addresses in a block with `hostBits` host bits (2^hostBits). */
export function blockSize(hostBits: number): bigint {
  return 2n ** BigInt(hostBits);
}

const MAX_IPV4 = (1n << 32n) - 1n;
const MAX_IPV6 = (1n << 128n) - 1n;

/** Largest address of the family (all ones). */
export function maxAddress(family: IpFamily): bigint {
  // Asked for on every range operation: two constants instead of a power and a subtraction each time.
  return family === IpFamily.IPV4 ? MAX_IPV4 : MAX_IPV6;
}

/** Sort order used everywhere: IPv4 before IPv6, then ascending first address, then ascending last address. */
export function compareRanges(a: IpRange, b: IpRange): number {
  if (a.family !== b.family) {
    return a.family === IpFamily.IPV4 ? -1 : 1;
  }
  if (a.first !== b.first) {
    return a.first < b.first ? -1 : 1;
  }
  if (a.last !== b.last) {
    return a.last < b.last ? -1 : 1;
  }
  return 0;
}
