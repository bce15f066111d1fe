import { formatIpv4 } from './format';
import { ParsedCidr } from './types';
import { IpFamily } from '../../ip/family';

const IPV4_MAPPED_PREFIX = 0xffffn << 32n; // ::ffff:0:0/96 (RFC 4291 section 2.5.5.2)
const LOW_32_BITS = 0xffffffffn;

/**
 * Why an IPv6 CIDR that embeds IPv4 addresses must not stand in an IP rule, or undefined when it does not embed
 * them: an IPv4-mapped range (`::ffff:0:0/96`) or an IPv4-compatible one (`::/96`, deprecated by RFC 4291 section
 * 2.5.5.1). NACL entries and WAF IP sets match by the packet's family, so such an entry never matches the IPv4
 * traffic its author plainly meant; the reason names the IPv4 CIDR to write instead. `::` and `::1` are not IPv4.
 */
export function embeddedIpv4Reason(cidr: ParsedCidr): string | undefined {
  if (cidr.family !== IpFamily.IPV6 || cidr.prefixLength < 96) {
    return undefined;
  }
  const high = cidr.first >> 32n;
  const mapped = high === IPV4_MAPPED_PREFIX >> 32n;
  const compatible = high === 0n && cidr.last > 1n;
  if (!mapped && !compatible) {
    return undefined;
  }
  const ipv4 = `${formatIpv4(Number(cidr.first & LOW_32_BITS))}/${cidr.prefixLength - 96}`;
  const kind = mapped ? 'IPv4-mapped' : 'IPv4-compatible';
  return `is an ${kind} IPv6 range: IPv6 rules never match IPv4 traffic, so it would block or allow nothing you `
    + `meant; write the IPv4 CIDR '${ipv4}' instead`;
}
