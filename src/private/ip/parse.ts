import { formatAddress, formatCidr, wordsToBigint } from './format';
import { hasSecondSlash, lastScanFailure, LOOKS_LIKE_IPV6, scanIpv4, scanIpv6, scanPrefixLength } from './scan';
import { blockSize, familyBits, ParsedCidr } from './types';
import { IpFamily } from '../../ip/family';

/** Options of the strict parser (the public `CidrParseOptions`). */
export interface ParseOptions {
  /** Clear host bits instead of rejecting them. */
  readonly normalizeHostBits?: boolean;
}

/** A single address: a family and its value. */
export interface ParsedAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

const WORDS = new Uint32Array(4);
const WHITESPACE = /\s/;

function describeValue(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}

/** The first problem common to addresses and CIDRs: empty, or whitespace (never trimmed silently). */
function describeTextProblem(text: string): string | undefined {
  if (text.length === 0) {
    return 'is empty';
  }
  if (WHITESPACE.test(text)) {
    return 'contains whitespace; remove it (values are not trimmed, so a stray space cannot hide a typo)';
  }
  return undefined;
}

function quoteValue(text: unknown): string {
  return typeof text === 'string' ? ` '${text}'` : '';
}

/** Scans an address in `text[0, end)`; returns the address or the reason it is invalid. */
function scanAddress(text: string, end: number): ParsedAddress | string {
  const value = scanIpv4(text, 0, end);
  if (value !== LOOKS_LIKE_IPV6) {
    return value < 0 ? `IPv4 address ${lastScanFailure()}` : { family: IpFamily.IPV4, value: BigInt(value) };
  }
  return scanIpv6(text, 0, end, WORDS, 0)
    ? { family: IpFamily.IPV6, value: wordsToBigint(WORDS, 0) }
    : `IPv6 address ${lastScanFailure()}`;
}

/**
 * Parses a CIDR, or returns why it is invalid (without the `Invalid CIDR '<value>': ` lead-in, so callers can add
 * the list index). A bare address is a single-address block (/32 or /128). /0 is valid here; constructs that must
 * refuse it do so themselves.
 */
export function parseCidrOrReason(text: unknown, options?: ParseOptions): ParsedCidr | string {
  if (typeof text !== 'string') {
    return `expected a string, got ${describeValue(text)}`;
  }
  const problem = describeTextProblem(text);
  if (problem !== undefined) {
    return problem;
  }
  const slash = text.indexOf('/');
  if (hasSecondSlash(text, slash)) {
    return "has more than one '/'";
  }
  const address = scanAddress(text, slash < 0 ? text.length : slash);
  if (typeof address === 'string') {
    return address;
  }
  const bits = familyBits(address.family);
  const prefixLength = slash < 0 ? bits : scanPrefixLength(text, slash + 1, text.length, bits);
  if (prefixLength < 0) {
    return lastScanFailure();
  }
  const hostMask = blockSize(bits - prefixLength) - 1n;
  const first = address.value & ~hostMask;
  if (first !== address.value && options?.normalizeHostBits !== true) {
    const network = formatCidr({ family: address.family, first, last: first | hostMask, prefixLength });
    const single = `${formatAddress(address.family, address.value)}/${bits}`;
    return `has host bits set; the network is ${network} (write that, or ${single} for the single address, or set normalizeHostBits to clear host bits)`;
  }
  return { family: address.family, first, last: first | hostMask, prefixLength };
}

/** The error thrown for an invalid CIDR; `position` names the entry of a list. */
export function invalidCidrError(text: unknown, reason: string, position?: number): Error {
  const where = position === undefined ? '' : ` at index ${position}`;
  return new Error(`Invalid CIDR${quoteValue(text)}${where}: ${reason}`);
}

/** Strict parse of a CIDR (`10.0.0.0/8`, `2001:db8::/32`) or bare address; throws an Error naming the value. */
export function parseCidr(text: string, options?: ParseOptions): ParsedCidr {
  const parsed = parseCidrOrReason(text, options);
  if (typeof parsed === 'string') {
    throw invalidCidrError(text, parsed);
  }
  return parsed;
}

/** Strict parse of every entry of a list; errors name the entry and its index. */
export function parseCidrList(texts: readonly string[], options?: ParseOptions): ParsedCidr[] {
  if (!Array.isArray(texts)) {
    throw new Error(`Invalid CIDR list: expected an array of strings, got ${describeValue(texts)}`);
  }
  return texts.map((text, index) => {
    const parsed = parseCidrOrReason(text, options);
    if (typeof parsed === 'string') {
      throw invalidCidrError(text, parsed, index);
    }
    return parsed;
  });
}

function parseAddressOrReason(text: unknown): ParsedAddress | string {
  if (typeof text !== 'string') {
    return `expected a string, got ${describeValue(text)}`;
  }
  const problem = describeTextProblem(text) ?? (text.includes('/') ? "has a '/'; expected a bare address" : undefined);
  return problem ?? scanAddress(text, text.length);
}

/** Strict parse of a bare address (no prefix length); throws an Error naming the value. */
export function parseAddress(text: string): ParsedAddress {
  const address = parseAddressOrReason(text);
  if (typeof address === 'string') {
    throw new Error(`Invalid IP address${quoteValue(text)}: ${address}`);
  }
  return address;
}
