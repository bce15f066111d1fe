import { bigintToWords, wordsToBigint } from './format';
import { invalidCidrError, parseCidrOrReason, ParseOptions } from './parse';
import { sortIndicesByWords, sortUint32Pairs } from './radix-sort';
import { looksLikeIpv6, scanIpv4, scanIpv6, scanPrefixLength, scanSimpleIpv4, scanSimpleIpv6, simpleIpv4End } from './scan';
import { TextListWriter } from './text-list';
import { IpRange } from './types';
import {
  addPowerOfTwo,
  compareWords,
  copyWords,
  IPV6_HOST_MASKS,
  spanExponent,
  subtractWords,
  trailingZeroBits,
} from './uint128';
import { IpFamily } from '../../ip/family';

/*
 * Bulk exact merge of CIDR strings without BigInt: IPv4 as unsigned 32-bit numbers in typed arrays, IPv6 as four
 * 32-bit words. Entries go through the same scanners as the strict parser; only a bad entry pays for re-parsing
 * to build its error message.
 */

const WORD = 4294967296;

/** Host-bit masks of IPv4 prefixes: 2^(32 - prefix) - 1. */
const IPV4_HOST_MASKS = Array.from({ length: 33 }, (_, prefix) => 2 ** (32 - prefix) - 1);

/** Parsed entries, per family. IPv6 keeps four first-address words per entry and the prefix length. */
interface ScannedCidrs {
  v4Count: number;
  /** Whether every IPv4 entry is a single address (the common bulk input), so the sort can move keys only. */
  v4AllSingle: boolean;
  v4First: Uint32Array;
  /** Allocated at the first entry that is not a single address; until then each last address is its first. */
  v4Last: Uint32Array;
  v6Count: number;
  v6First: Uint32Array;
  v6Prefix: Uint8Array;
}

function rejectEntry(text: unknown, options: ParseOptions | undefined, index: number): never {
  const parsed = parseCidrOrReason(text, options);
  const reason = typeof parsed === 'string' ? parsed : 'was rejected by the bulk parser but not by the strict one (a bug; please report it)';
  throw invalidCidrError(text, reason, index);
}

function addV4Entry(text: string, value: number, slash: number, normalize: boolean, into: ScannedCidrs): boolean {
  const prefix = slash < 0 ? 32 : scanPrefixLength(text, slash + 1, text.length, 32);
  if (prefix < 0) {
    return false;
  }
  const hostMask = IPV4_HOST_MASKS[prefix];
  if ((value & hostMask) !== 0 && !normalize) {
    return false;
  }
  const first = (value & ~hostMask) >>> 0;
  into.v4First[into.v4Count] = first;
  if (prefix !== 32 && into.v4AllSingle) {
    into.v4AllSingle = false;
    into.v4Last = new Uint32Array(into.v4First.length);
    into.v4Last.set(into.v4First.subarray(0, into.v4Count));
  }
  if (!into.v4AllSingle) {
    into.v4Last[into.v4Count] = first + hostMask;
  }
  into.v4Count++;
  return true;
}

/**
 * Adds the IPv6 entry `text`. `simpleEnd` is what {@link scanSimpleIpv6} returned for it, already written to the
 * entry's slot: where a full or compressed address ends (at a '/': the caller takes a bare address itself), or -1
 * for any other form, which the strict scanner reads.
 */
function addV6Entry(text: string, simpleEnd: number, normalize: boolean, into: ScannedCidrs): boolean {
  const offset = into.v6Count * 4;
  let slash = simpleEnd;
  if (slash < 0) {
    slash = text.indexOf('/');
    if (!scanIpv6(text, 0, slash < 0 ? text.length : slash, into.v6First, offset)) {
      return false;
    }
  }
  const prefix = slash < 0 ? 128 : scanPrefixLength(text, slash + 1, text.length, 128);
  if (prefix < 0) {
    return false;
  }
  for (let word = prefix >>> 5; word < 4; word++) {
    const value = into.v6First[offset + word];
    const hostMask = IPV6_HOST_MASKS[prefix * 4 + word];
    if ((value & hostMask) !== 0) {
      if (!normalize) {
        return false;
      }
      into.v6First[offset + word] = (value & ~hostMask) >>> 0;
    }
  }
  into.v6Prefix[into.v6Count] = prefix;
  into.v6Count++;
  return true;
}

const DOT = 46;

/** Whether `text` has a '.' at index 3, 2 or 1 (checked in that order: most first octets have three digits). */
export function startsLikeIpv4(text: string): boolean {
  const length = text.length;
  return (length > 3 && text.charCodeAt(3) === DOT) || (length > 2 && text.charCodeAt(2) === DOT) || (length > 1 && text.charCodeAt(1) === DOT);
}

/** Parses every entry strictly; a bad entry throws with its value and index. */
function scanCidrs(texts: readonly string[], options: ParseOptions | undefined): ScannedCidrs {
  if (!Array.isArray(texts)) {
    throw new Error(`Invalid CIDR list: expected an array of strings, got ${texts === null ? 'null' : typeof texts}`);
  }
  const normalize = options?.normalizeHostBits === true;
  const empty = new Uint32Array(0);
  const scanned: ScannedCidrs = {
    v4Count: 0,
    v4AllSingle: true,
    v4First: new Uint32Array(texts.length),
    v4Last: empty,
    v6Count: 0,
    v6First: empty,
    v6Prefix: new Uint8Array(0),
  };
  const v4First = scanned.v4First;
  for (let index = 0; index < texts.length; index++) {
    const text = texts[index];
    if (typeof text !== 'string') {
      rejectEntry(text, options, index);
    }
    // Every valid IPv4 entry has a '.' at index 1, 2 or 3 (after its first octet); an IPv6 one never does. So an
    // IPv6 list does not pay for an IPv4 attempt on each entry, and an IPv4 one pays one or two character reads.
    let value = startsLikeIpv4(text) ? scanSimpleIpv4(text) : -1;
    if (value >= 0) {
      const addressEnd = simpleIpv4End();
      if (addressEnd === text.length) {
        // A bare canonical address, the bulk of a blocklist: a /32, so there are no host bits to check.
        const at = scanned.v4Count++;
        v4First[at] = value;
        if (!scanned.v4AllSingle) {
          scanned.v4Last[at] = value;
        }
        continue;
      }
      if (!addV4Entry(text, value, addressEnd, normalize, scanned)) {
        rejectEntry(text, options, index);
      }
      continue;
    }
    // scanSimpleIpv4 accepts the address of every valid IPv4 entry, so this one is IPv6 or bad. An IPv6 address in
    // full or compressed form is read here; the strict scanners decide the rest (embedded IPv4, errors), and a bad
    // entry gets the strict parser's message.
    if (scanned.v6Prefix.length === 0) {
      scanned.v6First = new Uint32Array((texts.length - index) * 4);
      scanned.v6Prefix = new Uint8Array(texts.length - index);
    }
    const v6End = scanSimpleIpv6(text, scanned.v6First, scanned.v6Count * 4);
    if (v6End === text.length) {
      // A bare address: a /128, so there are no host bits to check.
      scanned.v6Prefix[scanned.v6Count++] = 128;
      continue;
    }
    let accepted: boolean;
    if (v6End >= 0 || looksLikeIpv6(text)) {
      accepted = addV6Entry(text, v6End, normalize, scanned);
    } else {
      const slash = text.indexOf('/');
      value = scanIpv4(text, 0, slash < 0 ? text.length : slash);
      accepted = value >= 0 && addV4Entry(text, value, slash, normalize, scanned);
    }
    if (!accepted) {
      rejectEntry(text, options, index);
    }
  }
  return scanned;
}

/**
 * The merged IPv4 ranges in ascending order, overlapping and adjacent entries joined: range `i` is
 * `[firsts[i], lasts[i]]`. The arrays may be the scanned ones, reused.
 */
function mergeV4(scanned: ScannedCidrs): { count: number; firsts: Uint32Array; lasts: Uint32Array } {
  const sorted = sortUint32Pairs(scanned.v4First, scanned.v4AllSingle ? undefined : scanned.v4Last, scanned.v4Count);
  const keys = sorted.keys;
  const entryLasts = sorted.values ?? keys;
  // Range i is written after entry i has been read (count <= index), so the sorted arrays are reused in place. When
  // every entry is a single address the keys are their lasts too, so the ranges' lasts need an array of their own.
  const firsts = keys;
  const lasts = sorted.values ?? new Uint32Array(scanned.v4Count);
  let count = 0;
  let currentLast = -2;
  for (let index = 0; index < scanned.v4Count; index++) {
    const entryFirst = keys[index];
    const entryLast = entryLasts[index];
    if (entryFirst <= currentLast + 1) {
      if (entryLast > currentLast) {
        currentLast = entryLast;
        lasts[count - 1] = entryLast;
      }
      continue;
    }
    firsts[count] = entryFirst;
    lasts[count] = entryLast;
    currentLast = entryLast;
    count++;
  }
  return { count, firsts, lasts };
}

/** Whether `a` is `b + 1` (false when `b` is the last address, which has no successor). */
function isSuccessor(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number): boolean {
  let word = 3;
  while (word >= 0 && b[bOffset + word] === WORD - 1) {
    if (a[aOffset + word] !== 0) {
      return false;
    }
    word--;
  }
  if (word < 0 || a[aOffset + word] !== b[bOffset + word] + 1) {
    return false;
  }
  for (let higher = word - 1; higher >= 0; higher--) {
    if (a[aOffset + higher] !== b[bOffset + higher]) {
      return false;
    }
  }
  return true;
}

const ENTRY_LAST = new Uint32Array(4);

function mergeV6(scanned: ScannedCidrs): { count: number; words: Uint32Array } {
  const order = sortIndicesByWords(scanned.v6First, 4, scanned.v6Count);
  const words = new Uint32Array(scanned.v6Count * 8);
  let count = 0;
  for (let position = 0; position < scanned.v6Count; position++) {
    const entry = order[position];
    const entryOffset = entry * 4;
    const maskOffset = scanned.v6Prefix[entry] * 4;
    for (let word = 0; word < 4; word++) {
      ENTRY_LAST[word] = (scanned.v6First[entryOffset + word] | IPV6_HOST_MASKS[maskOffset + word]) >>> 0;
    }
    if (count > 0) {
      const lastOffset = count * 8 - 4;
      const joins = compareWords(scanned.v6First, entryOffset, words, lastOffset) <= 0
        || isSuccessor(scanned.v6First, entryOffset, words, lastOffset);
      if (joins) {
        if (compareWords(ENTRY_LAST, 0, words, lastOffset) > 0) {
          copyWords(ENTRY_LAST, 0, words, lastOffset);
        }
        continue;
      }
    }
    copyWords(scanned.v6First, entryOffset, words, count * 8);
    copyWords(ENTRY_LAST, 0, words, count * 8 + 4);
    count++;
  }
  return { count, words };
}

/** Writes the fewest IPv4 blocks exactly covering `[first, last]`, largest aligned block first. */
function writeV4Blocks(first: number, last: number, out: TextListWriter): void {
  if (first === last) {
    out.addIpv4Cidr(first | 0, 32);
    return;
  }
  let cursor = first;
  while (cursor <= last) {
    const alignment = cursor === 0 ? WORD : (cursor & -cursor) >>> 0;
    const span = last - cursor + 1;
    const fitting = span >= WORD ? WORD : 2 ** (31 - Math.clz32(span));
    const block = alignment < fitting ? alignment : fitting;
    out.addIpv4Cidr(cursor | 0, block === WORD ? 0 : 32 - (31 - Math.clz32(block)));
    cursor += block;
  }
}

const CURSOR = new Uint32Array(4);
const REMAINING = new Uint32Array(4);

/** Writes the fewest IPv6 blocks exactly covering the range at `words[offset..offset+7]`. */
function writeV6Blocks(words: Uint32Array, offset: number, out: TextListWriter): void {
  const lastOffset = offset + 4;
  if (compareWords(words, offset, words, lastOffset) === 0) {
    out.addIpv6Cidr(words, offset, 128);
    return;
  }
  copyWords(words, offset, CURSOR, 0);
  for (;;) {
    subtractWords(words, lastOffset, CURSOR, 0, REMAINING);
    const alignment = trailingZeroBits(CURSOR, 0);
    const fitting = spanExponent(REMAINING);
    const hostBits = alignment < fitting ? alignment : fitting;
    out.addIpv6Cidr(CURSOR, 0, 128 - hostBits);
    if (!addPowerOfTwo(CURSOR, 0, hostBits) || compareWords(CURSOR, 0, words, lastOffset) > 0) {
      return;
    }
  }
}

/**
 * Exact merge of CIDR strings, parsed strictly (errors name the entry and its index): the minimal list of blocks
 * covering exactly the union, per family, ascending. The fast path for large lists.
 */
export function mergeCidrStrings(texts: readonly string[], options?: ParseOptions): { ipv4: string[]; ipv6: string[] } {
  const scanned = scanCidrs(texts, options);
  const v4 = mergeV4(scanned);
  const ipv4 = new TextListWriter(v4.count);
  for (let index = 0; index < v4.count; index++) {
    // Compared and passed as int32 bit patterns: an unsigned value of 2^31 or more would be boxed as a heap number
    // at each call, half of all addresses.
    const first = v4.firsts[index] | 0;
    if (first === (v4.lasts[index] | 0)) {
      ipv4.addIpv4Cidr(first, 32);
    } else {
      writeV4Blocks(v4.firsts[index], v4.lasts[index], ipv4);
    }
  }
  const v6 = mergeV6(scanned);
  const ipv6 = new TextListWriter(v6.count * 2);
  for (let index = 0; index < v6.count; index++) {
    writeV6Blocks(v6.words, index * 8, ipv6);
  }
  return { ipv4: ipv4.toStrings(), ipv6: ipv6.toStrings() };
}

/** Strict parse and exact merge of CIDR strings into ranges (IPv4 first, each family ascending, disjoint). */
export function mergeCidrStringsToRanges(texts: readonly string[], options?: ParseOptions): IpRange[] {
  const scanned = scanCidrs(texts, options);
  const ranges: IpRange[] = [];
  const v4 = mergeV4(scanned);
  for (let index = 0; index < v4.count; index++) {
    ranges.push({ family: IpFamily.IPV4, first: BigInt(v4.firsts[index]), last: BigInt(v4.lasts[index]) });
  }
  const v6 = mergeV6(scanned);
  for (let index = 0; index < v6.count; index++) {
    const offset = index * 8;
    ranges.push({ family: IpFamily.IPV6, first: wordsToBigint(v6.words, offset), last: wordsToBigint(v6.words, offset + 4) });
  }
  return ranges;
}

const RANGE_WORDS = new Uint32Array(8);

/**
 * The minimal CIDR blocks of disjoint, ascending ranges of one family, as canonical text: the formatting half of
 * the bulk merge, for sets that keep BigInt ranges (such as CidrSet).
 */
export function formatRangesAsCidrs(ranges: readonly IpRange[], family: IpFamily): string[] {
  const out = new TextListWriter(ranges.length);
  for (const range of ranges) {
    if (range.family !== family) {
      continue;
    }
    if (family === IpFamily.IPV4) {
      writeV4Blocks(Number(range.first), Number(range.last), out);
    } else {
      bigintToWords(range.first, RANGE_WORDS, 0);
      bigintToWords(range.last, RANGE_WORDS, 4);
      writeV6Blocks(RANGE_WORDS, 0, out);
    }
  }
  return out.toStrings();
}
