/**
 * Radix sorts for the bulk merge. On this machine `TypedArray.prototype.sort` takes 4-7 ms for 100,000 keys and a
 * comparator sort of objects several times that; LSD counting passes take about 1 ms. The histograms of every digit
 * are counted in one pass, and a digit that is the same for every key is skipped.
 */

/** How an LSD sort splits a 32-bit key: `digits` digits of `bits` bits, least significant first. */
interface DigitLayout {
  readonly bits: number;
  readonly digits: number;
}

/** Three 11-bit digits: small histograms, for lists where clearing and scanning 2 x 65,536 counters would dominate. */
const SMALL_LAYOUT: DigitLayout = { bits: 11, digits: 3 };
/** Two 16-bit digits: one scatter pass fewer, which pays for the larger histograms on long lists. */
const LARGE_LAYOUT: DigitLayout = { bits: 16, digits: 2 };
/** From this many keys on the sort uses {@link LARGE_LAYOUT} (measured: 0.9 ms against 1.3 ms at 100,000 keys). */
export const LARGE_LAYOUT_MIN_KEYS = 16384;

/**
 * Turns the histogram at `counts[base, base + buckets)` into bucket start offsets. Returns false (and leaves it)
 * when one bucket holds all `count` keys, so the pass would not move anything.
 */
function toOffsets(counts: Uint32Array, base: number, buckets: number, count: number): boolean {
  let offset = 0;
  for (let bucket = base; bucket < base + buckets; bucket++) {
    const size = counts[bucket];
    if (size === count) {
      return false;
    }
    counts[bucket] = offset;
    offset += size;
  }
  return true;
}

/** Counts every digit of every key in one pass: digit `d` of the layout lands in `counts[d * 2^bits + value]`. */
function countDigits(keys: Uint32Array, count: number, layout: DigitLayout): Uint32Array {
  const buckets = 1 << layout.bits;
  const counts = new Uint32Array(layout.digits * buckets);
  if (layout === LARGE_LAYOUT) {
    for (let i = 0; i < count; i++) {
      const key = keys[i];
      counts[key & 0xffff]++;
      counts[buckets + (key >>> 16)]++;
    }
  } else {
    const mask = buckets - 1;
    for (let i = 0; i < count; i++) {
      const key = keys[i];
      counts[key & mask]++;
      counts[buckets + ((key >>> 11) & mask)]++;
      counts[2 * buckets + (key >>> 22)]++;
    }
  }
  return counts;
}

/**
 * Sorts `keys[0, count)` ascending and permutes `values` (when given) along with them. Returns the arrays holding
 * the result: the inputs or new arrays (the passes ping-pong between two sets).
 */
export function sortUint32Pairs(
  keys: Uint32Array,
  values: Uint32Array | undefined,
  count: number,
): { keys: Uint32Array; values: Uint32Array | undefined } {
  const layout = count >= LARGE_LAYOUT_MIN_KEYS ? LARGE_LAYOUT : SMALL_LAYOUT;
  const buckets = 1 << layout.bits;
  const mask = buckets - 1;
  const counts = countDigits(keys, count, layout);
  let sourceKeys = keys;
  let sourceValues = values;
  let targetKeys: Uint32Array | undefined;
  let targetValues: Uint32Array | undefined;
  for (let digit = 0; digit < layout.digits; digit++) {
    const base = digit * buckets;
    if (!toOffsets(counts, base, buckets, count)) {
      continue;
    }
    const shift = digit * layout.bits;
    targetKeys ??= new Uint32Array(count);
    if (sourceValues === undefined) {
      for (let i = 0; i < count; i++) {
        const key = sourceKeys[i];
        targetKeys[counts[base + ((key >>> shift) & mask)]++] = key;
      }
    } else {
      targetValues ??= new Uint32Array(count);
      for (let i = 0; i < count; i++) {
        const key = sourceKeys[i];
        const position = counts[base + ((key >>> shift) & mask)]++;
        targetKeys[position] = key;
        targetValues[position] = sourceValues[i];
      }
      [sourceValues, targetValues] = [targetValues, sourceValues];
    }
    [sourceKeys, targetKeys] = [targetKeys, sourceKeys];
  }
  return { keys: sourceKeys, values: sourceValues };
}

const MSD_DIGITS_PER_WORD = 4;
const MSD_BUCKETS = 256;
/** Below this many keys a range is finished by insertion sort. */
const INSERTION_SORT_LIMIT = 24;

function compareKeys(words: Uint32Array, stride: number, a: number, b: number): number {
  for (let word = 0; word < stride; word++) {
    const x = words[a * stride + word];
    const y = words[b * stride + word];
    if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function insertionSort(words: Uint32Array, stride: number, order: Uint32Array, low: number, high: number): void {
  for (let i = low + 1; i < high; i++) {
    const index = order[i];
    let j = i - 1;
    while (j >= low && compareKeys(words, stride, order[j], index) > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = index;
  }
}

/** Per digit level: 257 bucket cursors, then 257 bucket starts (recursion goes one level deeper per digit). */
const LEVEL_SIZE = 2 * (MSD_BUCKETS + 1);
const MSD_COUNTS = new Uint32Array(16 * LEVEL_SIZE);

/**
 * MSD radix sort of `order[low, high)` by 8-bit digits from `firstDigit` on. Random keys separate after a digit
 * or two and finish in tiny insertion sorts; keys sharing a prefix skip the digits they share without moving.
 */
function msdSort(words: Uint32Array, stride: number, order: Uint32Array, scratch: Uint32Array, low: number, high: number, firstDigit: number): void {
  const digits = stride * MSD_DIGITS_PER_WORD;
  for (let digit = firstDigit; digit < digits; digit++) {
    if (high - low <= INSERTION_SORT_LIMIT) {
      insertionSort(words, stride, order, low, high);
      return;
    }
    const word = digit >>> 2;
    const shift = 24 - 8 * (digit & 3);
    const cursors = digit * LEVEL_SIZE;
    const starts = cursors + MSD_BUCKETS + 1;
    MSD_COUNTS.fill(0, cursors, cursors + MSD_BUCKETS + 1);
    for (let i = low; i < high; i++) {
      MSD_COUNTS[cursors + ((words[order[i] * stride + word] >>> shift) & 255) + 1]++;
    }
    let shared = false;
    for (let bucket = 1; bucket <= MSD_BUCKETS; bucket++) {
      shared ||= MSD_COUNTS[cursors + bucket] === high - low;
      MSD_COUNTS[cursors + bucket] += MSD_COUNTS[cursors + bucket - 1];
      MSD_COUNTS[starts + bucket] = MSD_COUNTS[cursors + bucket];
    }
    if (shared) {
      continue;
    }
    MSD_COUNTS[starts] = 0;
    for (let i = low; i < high; i++) {
      const index = order[i];
      scratch[low + MSD_COUNTS[cursors + ((words[index * stride + word] >>> shift) & 255)]++] = index;
    }
    for (let i = low; i < high; i++) {
      order[i] = scratch[i];
    }
    for (let bucket = 0; bucket < MSD_BUCKETS; bucket++) {
      const bucketLow = low + MSD_COUNTS[starts + bucket];
      const bucketHigh = low + MSD_COUNTS[starts + bucket + 1];
      if (bucketHigh - bucketLow > 1) {
        msdSort(words, stride, order, scratch, bucketLow, bucketHigh, digit + 1);
      }
    }
    return;
  }
}

/** From this many keys on, {@link sortIndicesByWords} splits by the top 16 bits first (one pass over 65,536 buckets). */
export const WIDE_FIRST_DIGIT_MIN_KEYS = 4096;
const WIDE_BUCKETS = 65536;

/**
 * The permutation that sorts `count` multi-word keys ascending. Key `i` is `words[i * stride, i * stride + stride)`,
 * most significant word first.
 */
export function sortIndicesByWords(words: Uint32Array, stride: number, count: number): Uint32Array {
  const order = new Uint32Array(count);
  const scratch = new Uint32Array(count);
  const sortFrom = (firstDigit: number): Uint32Array => {
    for (let i = 0; i < count; i++) {
      order[i] = i;
    }
    msdSort(words, stride, order, scratch, 0, count, firstDigit);
    return order;
  };
  if (count < WIDE_FIRST_DIGIT_MIN_KEYS) {
    return sortFrom(0);
  }
  // A long list of random keys is split by its first 16 bits in one counting pass (8-bit digits would take a pass
  // over 256 buckets and then one per bucket); each bucket is finished by the 8-bit sort from the third digit on.
  const starts = new Uint32Array(WIDE_BUCKETS + 1);
  for (let i = 0; i < count; i++) {
    starts[(words[i * stride] >>> 16) + 1]++;
  }
  let shared = false;
  for (let bucket = 1; bucket <= WIDE_BUCKETS; bucket++) {
    shared ||= starts[bucket] === count;
    starts[bucket] += starts[bucket - 1];
  }
  if (shared) {
    return sortFrom(2);
  }
  // Scattering advances each bucket's start to its end, which is the next bucket's start.
  for (let i = 0; i < count; i++) {
    order[starts[words[i * stride] >>> 16]++] = i;
  }
  let low = 0;
  for (let bucket = 0; bucket < WIDE_BUCKETS; bucket++) {
    const high = starts[bucket];
    if (high - low > 1) {
      msdSort(words, stride, order, scratch, low, high, 2);
    }
    low = high;
  }
  return order;
}
