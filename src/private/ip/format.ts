import { longestZeroRun, wordsToGroups } from './text-list';
import { ParsedCidr } from './types';
import { IpFamily } from '../../ip/family';

const OCTET = Array.from({ length: 256 }, (_, value) => String(value));
const OCTET_DOT = OCTET.map((octet) => `${octet}.`);
const BYTE_HEX = Array.from({ length: 256 }, (_, value) => value.toString(16));
const BYTE_HEX_PADDED = BYTE_HEX.map((hex) => hex.padStart(2, '0'));

/** Dotted-decimal form of an unsigned 32-bit address. */
export function formatIpv4(value: number): string {
  return OCTET_DOT[value >>> 24] + OCTET_DOT[(value >>> 16) & 255] + OCTET_DOT[(value >>> 8) & 255] + OCTET[value & 255];
}

/** RFC 5952 section 4.1: a 16-bit group in lowercase hex without leading zeros. */
function formatGroup(group: number): string {
  return group < 256 ? BYTE_HEX[group] : BYTE_HEX[group >>> 8] + BYTE_HEX_PADDED[group & 255];
}

/** Scratch for the eight groups of the address being formatted. */
const GROUPS = new Uint32Array(8);

/**
 * RFC 5952 canonical text of the IPv6 address held in `words[offset..offset+3]` (big-endian 32-bit words):
 * lowercase, no leading zeros, the longest run of two or more zero groups (the first on a tie) shortened to `::`
 * (section 4.2), and IPv4-mapped addresses (`::ffff:0:0/96`) with a dotted-decimal tail (section 5).
 */
export function formatIpv6Words(words: Uint32Array, offset: number): string {
  if (words[offset] === 0 && words[offset + 1] === 0 && words[offset + 2] === 0xffff) {
    return `::ffff:${formatIpv4(words[offset + 3])}`;
  }
  wordsToGroups(words, offset, GROUPS);
  const run = longestZeroRun(GROUPS);
  if (run < 0) {
    return joinGroups(0, 8);
  }
  const runStart = run >>> 4;
  return `${joinGroups(0, runStart)}::${joinGroups(runStart + (run & 15), 8)}`;
}

function joinGroups(from: number, to: number): string {
  let text = '';
  for (let group = from; group < to; group++) {
    text += group === from ? formatGroup(GROUPS[group]) : `:${formatGroup(GROUPS[group])}`;
  }
  return text;
}

const WORDS = new Uint32Array(4);
const WORD_MASK = 0xffffffffn;

/** Splits a 128-bit value into four big-endian 32-bit words at `out[offset..offset+3]`. */
export function bigintToWords(value: bigint, out: Uint32Array, offset: number): void {
  out[offset] = Number((value >> 96n) & WORD_MASK);
  out[offset + 1] = Number((value >> 64n) & WORD_MASK);
  out[offset + 2] = Number((value >> 32n) & WORD_MASK);
  out[offset + 3] = Number(value & WORD_MASK);
}

/** The 128-bit value of the four big-endian 32-bit words at `words[offset..offset+3]`. */
export function wordsToBigint(words: Uint32Array, offset: number): bigint {
  return (BigInt(words[offset]) << 96n) | (BigInt(words[offset + 1]) << 64n) | (BigInt(words[offset + 2]) << 32n) | BigInt(words[offset + 3]);
}

/** Canonical text of an address: dotted decimal for IPv4, RFC 5952 for IPv6. */
export function formatAddress(family: IpFamily, value: bigint): string {
  if (family === IpFamily.IPV4) {
    return formatIpv4(Number(value));
  }
  bigintToWords(value, WORDS, 0);
  return formatIpv6Words(WORDS, 0);
}

/** Canonical `network/prefix` text of a block, always with the prefix. */
export function formatCidr(cidr: ParsedCidr): string {
  return `${formatAddress(cidr.family, cidr.first)}/${cidr.prefixLength}`;
}
