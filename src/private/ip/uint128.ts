/**
 * 128-bit unsigned arithmetic on four big-endian 32-bit words (`words[offset..offset+3]`), for the IPv6 bulk
 * merge: BigInt allocates on every operation, which costs more than the whole IPv4 merge on large inputs.
 */

const WORD = 4294967296;

/** Host-bit masks by prefix length: words `[4 * prefix, 4 * prefix + 4)` have the low `128 - prefix` bits set. */
export const IPV6_HOST_MASKS = new Uint32Array(129 * 4);
for (let prefix = 0; prefix <= 128; prefix++) {
  for (let word = 0; word < 4; word++) {
    const hostBitsInWord = Math.min(32, Math.max(0, 32 * word + 32 - prefix));
    IPV6_HOST_MASKS[prefix * 4 + word] = hostBitsInWord === 32 ? WORD - 1 : 2 ** hostBitsInWord - 1;
  }
}

/** -1, 0 or 1 as `a` is below, equal to or above `b`. */
export function compareWords(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number): number {
  for (let word = 0; word < 4; word++) {
    const x = a[aOffset + word];
    const y = b[bOffset + word];
    if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

export function copyWords(from: Uint32Array, fromOffset: number, to: Uint32Array, toOffset: number): void {
  to[toOffset] = from[fromOffset];
  to[toOffset + 1] = from[fromOffset + 1];
  to[toOffset + 2] = from[fromOffset + 2];
  to[toOffset + 3] = from[fromOffset + 3];
}

/** Adds 2^exponent in place; returns false when the sum does not fit 128 bits (the words are then garbage). */
export function addPowerOfTwo(words: Uint32Array, offset: number, exponent: number): boolean {
  if (exponent >= 128) {
    return false;
  }
  let word = 3 - (exponent >>> 5);
  // (1 << 31) is negative as an int32; >>> 0 reads it as 2^31. No `%` or `**`: both are float operations here.
  let carry = (1 << (exponent & 31)) >>> 0;
  while (carry !== 0) {
    if (word < 0) {
      return false;
    }
    const sum = words[offset + word] + carry;
    if (sum >= WORD) {
      words[offset + word] = sum - WORD;
      carry = 1;
    } else {
      words[offset + word] = sum;
      carry = 0;
    }
    word--;
  }
  return true;
}

/** `out = a - b`, for `a >= b`. */
export function subtractWords(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number, out: Uint32Array): void {
  let borrow = 0;
  for (let word = 3; word >= 0; word--) {
    let difference = a[aOffset + word] - b[bOffset + word] - borrow;
    borrow = difference < 0 ? 1 : 0;
    if (difference < 0) {
      difference += WORD;
    }
    out[word] = difference;
  }
}

/** Number of trailing zero bits (128 for zero): the largest block an address is aligned to. */
export function trailingZeroBits(words: Uint32Array, offset: number): number {
  for (let word = 3; word >= 0; word--) {
    const value = words[offset + word];
    if (value !== 0) {
      return (3 - word) * 32 + 31 - Math.clz32(value & -value);
    }
  }
  return 128;
}

/** floor(log2(value + 1)): the largest block exponent that fits in a span of `value + 1` addresses. */
export function spanExponent(value: Uint32Array): number {
  let bitLength = 0;
  for (let word = 0; word < 4; word++) {
    if (value[word] !== 0) {
      bitLength = (3 - word) * 32 + 32 - Math.clz32(value[word]);
      break;
    }
  }
  // value + 1 reaches the next power of two only when value is all ones below its bit length.
  const maskOffset = (128 - bitLength) * 4;
  for (let word = 0; word < 4; word++) {
    if (value[word] !== IPV6_HOST_MASKS[maskOffset + word]) {
      return bitLength - 1;
    }
  }
  return bitLength;
}
