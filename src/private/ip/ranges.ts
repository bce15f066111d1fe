import { blockSize, compareRanges, familyBits, IpRange, ParsedCidr } from './types';
import { IpFamily } from '../../ip/family';

/**
 * Sorts and merges ranges per family: overlapping and adjacent ranges become one. Mixed families are allowed;
 * the result lists IPv4 first, then IPv6, each ascending and disjoint with gaps between neighbours.
 */
export function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  if (isMerged(ranges)) {
    // The usual input of the set operations below is the output of another: nothing to sort.
    return ranges.map(toRange);
  }
  const sorted = ranges.map(toRange).sort(compareRanges);
  const merged: IpRange[] = [];
  let current: IpRange | undefined;
  for (const range of sorted) {
    if (current !== undefined && current.family === range.family && range.first <= current.last + 1n) {
      if (range.last > current.last) {
        current = { family: current.family, first: current.first, last: range.last };
      }
      continue;
    }
    if (current !== undefined) {
      merged.push(current);
    }
    current = range;
  }
  if (current !== undefined) {
    merged.push(current);
  }
  return merged;
}

/** True when the ranges are already what {@link mergeRanges} returns: valid, ascending, with gaps between neighbours. */
function isMerged(ranges: readonly IpRange[]): boolean {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i];
    if (range.first > range.last) {
      return false;
    }
    const previous = i > 0 ? ranges[i - 1] : undefined;
    if (previous === undefined) {
      continue;
    }
    if (previous.family === range.family ? range.first <= previous.last + 1n : range.family === IpFamily.IPV4) {
      return false;
    }
  }
  return true;
}

function toRange(range: IpRange): IpRange {
  return { family: range.family, first: range.first, last: range.last };
}

const TWO_TO_32 = 4294967296n;

function bitLength(value: bigint): number {
  if (value < TWO_TO_32) {
    return 32 - Math.clz32(Number(value));
  }
  return value.toString(2).length;
}

function trailingZeros(value: bigint, bits: number): number {
  if (value === 0n) {
    return bits;
  }
  if (value < TWO_TO_32) {
    const low = Number(value);
    return 31 - Math.clz32(low & -low);
  }
  let zeros = 0;
  while (((value >> BigInt(zeros)) & 1n) === 0n) {
    zeros++;
  }
  return zeros;
}

/**
 * Splits a range into the fewest CIDR blocks: from the left, each block is the largest one aligned at the current
 * address that stays inside the range. This greedy split is the unique minimal exact cover of an interval.
 */
export function rangeToCidrs(range: IpRange): ParsedCidr[] {
  const bits = familyBits(range.family);
  if (range.first === range.last) {
    return [{ family: range.family, first: range.first, last: range.last, prefixLength: bits }];
  }
  const blocks: ParsedCidr[] = [];
  let first = range.first;
  while (first <= range.last) {
    const remaining = range.last - first + 1n;
    const hostBits = Math.min(trailingZeros(first, bits), bitLength(remaining) - 1);
    const last = first + blockSize(hostBits) - 1n;
    blocks.push({ family: range.family, first, last, prefixLength: bits - hostBits });
    first = last + 1n;
  }
  return blocks;
}

/** The exact set difference `a - b` (per family), merged and ascending. */
export function subtractRanges(a: readonly IpRange[], b: readonly IpRange[]): IpRange[] {
  const base = mergeRanges(a);
  const removed = mergeRanges(b);
  const result: IpRange[] = [];
  let cursor = 0;
  for (const range of base) {
    let first = range.first;
    while (cursor < removed.length && compareEnds(removed[cursor], range.family, first) < 0) {
      cursor++;
    }
    for (let index = cursor; index < removed.length && first <= range.last; index++) {
      const hole = removed[index];
      if (hole.family !== range.family || hole.first > range.last) {
        break;
      }
      if (hole.first > first) {
        result.push({ family: range.family, first, last: hole.first - 1n });
      }
      first = hole.last + 1n;
    }
    if (first <= range.last) {
      result.push({ family: range.family, first, last: range.last });
    }
  }
  return result;
}

/** Negative when `hole` lies entirely before address `first` of `family` (families ordered IPv4 first). */
function compareEnds(hole: IpRange, family: IpFamily, first: bigint): number {
  if (hole.family !== family) {
    return hole.family === IpFamily.IPV4 ? -1 : 1;
  }
  return hole.last < first ? -1 : 1;
}

/** The exact intersection of two range lists (per family), merged and ascending. */
export function intersectRanges(a: readonly IpRange[], b: readonly IpRange[]): IpRange[] {
  const left = mergeRanges(a);
  const right = mergeRanges(b);
  const result: IpRange[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const x = left[i];
    const y = right[j];
    if (x.family !== y.family) {
      if (x.family === IpFamily.IPV4) {
        i++;
      } else {
        j++;
      }
      continue;
    }
    const first = x.first > y.first ? x.first : y.first;
    const last = x.last < y.last ? x.last : y.last;
    if (first <= last) {
      result.push({ family: x.family, first, last });
    }
    if (x.last < y.last) {
      i++;
    } else {
      j++;
    }
  }
  return result;
}

/** Index of the merged range of `family` that could hold `address`: the last one starting at or before it. */
function findCandidate(merged: readonly IpRange[], family: IpFamily, address: bigint): number {
  let low = 0;
  let high = merged.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const range = merged[middle];
    const before = range.family !== family ? range.family === IpFamily.IPV4 : range.first <= address;
    if (before) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found >= 0 && merged[found].family === family ? found : -1;
}

/** True when every address of `range` is in `merged` (the output of {@link mergeRanges}). */
export function rangesContain(merged: readonly IpRange[], range: IpRange): boolean {
  return rangesContainSpan(merged, range.family, range.first, range.last);
}

/** {@link rangesContain} for the addresses `first`-`last` of `family`, without a range object. */
export function rangesContainSpan(merged: readonly IpRange[], family: IpFamily, first: bigint, last: bigint): boolean {
  const index = findCandidate(merged, family, first);
  return index >= 0 && merged[index].last >= last;
}

/** True when some address of `range` is in `merged` (the output of {@link mergeRanges}). */
export function rangesOverlap(merged: readonly IpRange[], range: IpRange): boolean {
  const atFirst = findCandidate(merged, range.family, range.first);
  if (atFirst >= 0 && merged[atFirst].last >= range.first) {
    return true;
  }
  // No range starts at or before range.first inside it, so overlap means the next range starts inside it.
  const next = atFirst >= 0 ? merged[atFirst + 1] : firstOfFamily(merged, range.family);
  return next !== undefined && next.family === range.family && next.first <= range.last;
}

function firstOfFamily(merged: readonly IpRange[], family: IpFamily): IpRange | undefined {
  return merged.find((range) => range.family === family);
}

/** Number of addresses of `family` in the ranges (which must not overlap). */
export function countAddresses(ranges: readonly IpRange[], family: IpFamily): bigint {
  let count = 0n;
  for (const range of ranges) {
    if (range.family === family) {
      count += range.last - range.first + 1n;
    }
  }
  return count;
}
