import { parseCidr } from './parse';
import { mergeRanges } from './ranges';
import { IpRange, ParsedCidr } from './types';

/** A range that carries a network's own traffic, never a source on the internet, and why. */
export interface NonPublicRange {
  readonly cidr: string;
  readonly block: ParsedCidr;
  readonly why: string;
}

/**
 * Ranges a blocklist must not deny by default: denying them cuts a VPC's own traffic (RFC 1918 and shared space
 * are what VPCs, EKS pods and carrier NAT use), or they never appear as a source on the internet, so a feed that
 * lists them (FireHOL level1 lists its bogons) does not mean an attacker. Documentation ranges (RFC 5737,
 * RFC 3849) are not here: examples and tests use them, and no network's own traffic does.
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry.xhtml
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/iana-ipv6-special-registry.xhtml
 */
export const NON_PUBLIC_RANGES: readonly NonPublicRange[] = [
  ['0.0.0.0/8', '"this network" (RFC 1122), never a source on the internet'],
  ['10.0.0.0/8', 'private address space (RFC 1918), which VPCs and on-premises networks use'],
  ['100.64.0.0/10', 'shared address space (RFC 6598), used by carrier-grade NAT and EKS custom networking'],
  ['127.0.0.0/8', 'loopback (RFC 1122)'],
  ['169.254.0.0/16', 'link-local (RFC 3927), where the instance metadata service and Amazon DNS live'],
  ['172.16.0.0/12', 'private address space (RFC 1918), which VPCs and on-premises networks use'],
  ['192.168.0.0/16', 'private address space (RFC 1918), which VPCs and on-premises networks use'],
  ['224.0.0.0/3', 'multicast (224.0.0.0/4) and reserved space (240.0.0.0/4, RFC 1112)'],
  ['::/128', 'the unspecified IPv6 address (RFC 4291)'],
  ['::1/128', 'the IPv6 loopback address (RFC 4291)'],
  ['fc00::/7', 'IPv6 unique local addresses (RFC 4193), the private space of IPv6 networks'],
  ['fe80::/10', 'IPv6 link-local addresses (RFC 4291), where the instance metadata service and Amazon DNS live'],
  ['ff00::/8', 'IPv6 multicast (RFC 4291)'],
].map(([cidr, why]) => ({ cidr, block: parseCidr(cidr), why }));

/** The non-public ranges as merged ranges, for range arithmetic. */
export const NON_PUBLIC_RANGE_LIST: readonly IpRange[] = mergeRanges(NON_PUBLIC_RANGES.map((r) => r.block));

/** The first non-public range the block overlaps, if any. */
export function nonPublicOverlap(block: IpRange): NonPublicRange | undefined {
  return NON_PUBLIC_RANGES.find((r) => r.block.family === block.family && r.block.first <= block.last && block.first <= r.block.last);
}
