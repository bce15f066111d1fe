/**
 * Strict, allocation-free scanners for addresses and prefix lengths. They are shared by the strict parser (which
 * turns a failure into an error message) and the bulk merge fast path (which only pays for a message when an
 * entry is bad), so both accept exactly the same language.
 *
 * Each scanner returns a sentinel on failure and records why in {@link lastScanFailure}.
 */

const DOT = 46;
const COLON = 58;
const ZERO = 48;
const NINE = 57;
const PERCENT = 37;
const SLASH = 47;

/**
 * Hex digit value by UTF-16 code unit, -1 for anything else. RFC 4291 section 2.2: hex is case-insensitive. Every
 * code unit has an entry (64 KB) so the bulk scanner's inner loop indexes it with no range check, which costs about
 * a sixth of scanning a full-form address.
 */
const HEX_VALUE = new Int8Array(65536).fill(-1);
for (let digit = 0; digit < 10; digit++) {
  HEX_VALUE[ZERO + digit] = digit;
}
for (let digit = 0; digit < 6; digit++) {
  HEX_VALUE[97 + digit] = 10 + digit;
  HEX_VALUE[65 + digit] = 10 + digit;
}

/** Scratch for the eight 16-bit groups of the IPv6 address being scanned. */
const GROUPS = new Uint32Array(8);

let failureReason = '';

/** Why the last scanner call failed. Only meaningful right after a scanner returned its failure sentinel. */
export function lastScanFailure(): string {
  return failureReason;
}

function failNumber(reason: string): number {
  failureReason = reason;
  return -1;
}

function failBoolean(reason: string): boolean {
  failureReason = reason;
  return false;
}

type ScannedFamily = 4 | 6;

/**
 * The family of the address in `text[start, end)`, decided by its first separator: an IPv6 address has a colon
 * within its first five characters and before any dot (an embedded IPv4 part always follows a colon), an IPv4
 * address has a dot first. Text with neither is scanned as IPv4 and fails there with a message about octets.
 */
function detectFamily(text: string, start: number, end: number): ScannedFamily {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === COLON) {
      return 6;
    }
    if (code === DOT) {
      return 4;
    }
  }
  return 4;
}

/** Whether {@link detectFamily} calls the whole of `text` IPv6 (its first separator is a colon). */
export function looksLikeIpv6(text: string): boolean {
  return detectFamily(text, 0, text.length) === 6;
}

/** True when `text` has a second '/' after `firstSlash`. */
export function hasSecondSlash(text: string, firstSlash: number): boolean {
  return firstSlash >= 0 && text.indexOf('/', firstSlash + 1) >= 0;
}

function octetText(text: string, octetStart: number, end: number): string {
  const dot = text.indexOf('.', octetStart);
  return text.slice(octetStart, dot < 0 || dot > end ? end : dot);
}

function countOctets(text: string, start: number, end: number): number {
  let dots = 0;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === DOT) {
      dots++;
    }
  }
  return dots + 1;
}

/** Returned by {@link scanIpv4} when the text is not IPv4 at all: its first separator is ':' (see detectFamily). */
export const LOOKS_LIKE_IPV6 = -2;

/**
 * Scans strict dotted-decimal IPv4 in `text[start, end)`: exactly four octets of 1-3 decimal digits, 0-255, no
 * leading zeros. `inet_aton` would read `010` as octal 8 and `1.2.3` as `1.2.0.3`; a blocklist must not guess, so
 * those forms are errors. Returns the address as an unsigned 32-bit number, -1 when invalid, or
 * {@link LOOKS_LIKE_IPV6} when {@link detectFamily} would call the text IPv6 (so callers need no separate pass).
 */
export function scanIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let octets = 0;
  let octet = 0;
  let octetStart = start;
  for (let i = start; i <= end; i++) {
    const code = i < end ? text.charCodeAt(i) : DOT;
    if (code >= ZERO && code <= NINE) {
      octet = octet * 10 + (code - ZERO);
      continue;
    }
    if (code !== DOT) {
      if (octets === 0 && detectFamily(text, i, end) === 6) {
        return LOOKS_LIKE_IPV6;
      }
      return failNumber(`has octet '${octetText(text, octetStart, end)}', which is not a decimal number (only dotted decimal is accepted: no hex, octal or signs)`);
    }
    const digits = i - octetStart;
    if (digits === 0) {
      return failNumber('has an empty octet (expected 4 dot-separated decimal octets)');
    }
    if (digits > 1 && text.charCodeAt(octetStart) === ZERO) {
      return failNumber(`has octet '${text.slice(octetStart, i)}' with a leading zero, which some tools read as octal; write ${String(octet)}`);
    }
    if (octet > 255) {
      return failNumber(`has octet '${text.slice(octetStart, i)}', greater than 255`);
    }
    if (++octets > 4) {
      return failNumber(`has ${countOctets(text, start, end)} octets; expected 4 dot-separated decimal octets`);
    }
    value = value * 256 + octet;
    octet = 0;
    octetStart = i + 1;
  }
  if (octets !== 4) {
    return failNumber(`has ${octets} octet${octets === 1 ? '' : 's'}; expected 4 dot-separated decimal octets`);
  }
  return value;
}

let simpleEnd = 0;

/** Where the address {@link scanSimpleIpv4} last accepted ends: the text's length, or the position of its '/'. */
export function simpleIpv4End(): number {
  return simpleEnd;
}

/**
 * The bulk merge's fast path: the address at the start of `text` when it is plain canonical dotted decimal (four
 * octets `0` or `[1-9][0-9]{0,2}` of at most 255) followed by the end or '/'; -1 for anything else, which the
 * caller hands to {@link scanIpv4}. It accepts a subset of what scanIpv4 accepts, with the same value, so the
 * language stays the strict scanner's; it is faster for skipping the separate search for '/' and the failure
 * bookkeeping. Every `charCodeAt` is guarded by `i < length`: past the end it would give NaN and turn the
 * arithmetic into doubles.
 */
export function scanSimpleIpv4(text: string): number {
  const length = text.length;
  let value = 0;
  let i = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (i >= length || text.charCodeAt(i) !== DOT) {
        return -1;
      }
      i++;
    }
    if (i >= length) {
      return -1;
    }
    let number = text.charCodeAt(i) - ZERO;
    if (number < 0 || number > 9) {
      return -1;
    }
    i++;
    if (number !== 0 && i < length) {
      const second = text.charCodeAt(i) - ZERO;
      if (second >= 0 && second <= 9) {
        number = number * 10 + second;
        i++;
        if (i < length) {
          const third = text.charCodeAt(i) - ZERO;
          if (third >= 0 && third <= 9) {
            number = number * 10 + third;
            i++;
            if (number > 255) {
              return -1;
            }
          }
        }
      }
    }
    value = value * 256 + number;
  }
  if (i < length && text.charCodeAt(i) !== SLASH) {
    return -1;
  }
  simpleEnd = i;
  return value;
}

/**
 * The IPv6 fast path: when `text` starts with an address of 1-4 digit hex groups separated by single colons, with
 * at most one `::` (full or compressed form, no embedded IPv4), followed by the end or '/', writes the address's four
 * words to `out[offset..offset+3]` and returns where the address ends; -1 for anything else, which the caller hands
 * to {@link scanIpv6}. A subset of scanIpv6's language with the same value, as for {@link scanSimpleIpv4}: it skips
 * the search for '/' and the failure bookkeeping.
 */
export function scanSimpleIpv6(text: string, out: Uint32Array, offset: number): number {
  const length = text.length;
  let count = 0;
  let gapAt = -1;
  let value = 0;
  let digits = 0;
  let i = 0;
  // One pass, one character at a time: a hex digit extends the group, a ':' ends it, and a ':' right after a ':' (or
  // a leading '::') marks the gap.
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    const digit = HEX_VALUE[code];
    if (digit >= 0) {
      if (++digits > 4) {
        return -1;
      }
      value = value * 16 + digit;
      continue;
    }
    if (code !== COLON) {
      break;
    }
    if (digits > 0) {
      if (count === 8) {
        return -1;
      }
      GROUPS[count++] = value;
      value = 0;
      digits = 0;
    } else if (gapAt >= 0) {
      return -1; // a second '::', or ':::'
    } else if (i > 0) {
      gapAt = count;
    } else if (i + 1 < length && text.charCodeAt(i + 1) === COLON) {
      gapAt = 0;
      i++;
    } else {
      return -1; // a leading single ':'
    }
  }
  if (i < length && text.charCodeAt(i) !== SLASH) {
    return -1;
  }
  if (digits > 0) {
    if (count === 8) {
      return -1;
    }
    GROUPS[count++] = value;
  } else if (gapAt !== count) {
    return -1; // empty, or a trailing single ':'
  }
  if (gapAt < 0 ? count !== 8 : count > 7) {
    return -1;
  }
  writeWords(count, gapAt, out, offset);
  return i;
}

function describeCharacter(text: string, index: number): string {
  if (text.charCodeAt(index) === PERCENT) {
    return `has a zone id '${text.slice(index)}'; zone ids name a link, not a network, and are not allowed in a CIDR`;
  }
  return `has an invalid character '${text.charAt(index)}'`;
}

/** The digit's value, or -1; also -1 for NaN (`charCodeAt` past the end). */
function hexValue(code: number): number {
  return code < 65536 ? HEX_VALUE[code] : -1;
}

/**
 * Scans an IPv6 address in `text[start, end)` (RFC 4291 section 2.2: full, `::`-compressed, or with an embedded
 * dotted-decimal IPv4 tail) and writes its four 32-bit words, most significant first, to `out[offset..offset+3]`.
 * Returns false on failure.
 */
export function scanIpv6(text: string, start: number, end: number, out: Uint32Array, offset: number): boolean {
  let count = 0;
  let gapAt = -1;
  let i = start;
  if (text.charCodeAt(i) === COLON) {
    if (i + 1 >= end || text.charCodeAt(i + 1) !== COLON) {
      return failBoolean("starts with a single ':' (a leading colon is only valid as part of '::')");
    }
    gapAt = 0;
    i += 2;
    if (i < end && text.charCodeAt(i) === COLON) {
      return failBoolean("has ':::'");
    }
  }
  while (i < end) {
    const groupStart = i;
    let group = 0;
    let digit = hexValue(text.charCodeAt(i));
    while (digit >= 0) {
      group = group * 16 + digit;
      if (++i === end) {
        break;
      }
      digit = hexValue(text.charCodeAt(i));
    }
    if (i < end && text.charCodeAt(i) === DOT) {
      if (count > 6) {
        return failBoolean('has too many groups before its embedded IPv4 part (which stands for the last 2 of 8 groups)');
      }
      // The group before the dot held only hex digits, so this scan cannot see a ':' first.
      const embedded = scanIpv4(text, groupStart, end);
      if (embedded < 0) {
        return failBoolean(`has an embedded IPv4 part '${text.slice(groupStart, end)}' that ${failureReason}`);
      }
      GROUPS[count++] = embedded >>> 16;
      GROUPS[count++] = embedded & 0xffff;
      break;
    }
    if (i === groupStart) {
      return failBoolean(describeCharacter(text, i));
    }
    if (i - groupStart > 4) {
      return failBoolean(`has group '${text.slice(groupStart, i)}' with more than 4 hex digits`);
    }
    if (count === 8) {
      return failBoolean('has more than 8 groups');
    }
    GROUPS[count++] = group;
    if (i === end) {
      break;
    }
    if (text.charCodeAt(i) !== COLON) {
      return failBoolean(describeCharacter(text, i));
    }
    if (++i === end) {
      return failBoolean("ends with a single ':' (a trailing colon is only valid as part of '::')");
    }
    if (text.charCodeAt(i) === COLON) {
      if (gapAt >= 0) {
        return failBoolean("has more than one '::'");
      }
      gapAt = count;
      if (++i < end && text.charCodeAt(i) === COLON) {
        return failBoolean("has ':::'");
      }
    }
  }
  if (gapAt < 0 && count !== 8) {
    return failBoolean(`has ${count} groups; a full IPv6 address has 8 (use '::' for a run of zero groups)`);
  }
  if (gapAt >= 0 && count > 7) {
    return failBoolean("has 8 groups and a '::', which must stand for at least one zero group");
  }
  writeWords(count, gapAt, out, offset);
  return true;
}

/** Expands the scanned groups around the '::' gap and packs them into four big-endian 32-bit words. */
function writeWords(count: number, gapAt: number, out: Uint32Array, offset: number): void {
  if (gapAt < 0) {
    for (let word = 0; word < 4; word++) {
      out[offset + word] = GROUPS[2 * word] * 0x10000 + GROUPS[2 * word + 1];
    }
    return;
  }
  const zeros = 8 - count;
  for (let word = 0; word < 4; word++) {
    const high = groupAt(2 * word, gapAt, zeros);
    const low = groupAt(2 * word + 1, gapAt, zeros);
    out[offset + word] = high * 0x10000 + low;
  }
}

function groupAt(position: number, gapAt: number, zeros: number): number {
  if (position < gapAt) {
    return GROUPS[position];
  }
  return position < gapAt + zeros ? 0 : GROUPS[position - zeros];
}

/**
 * Scans the prefix length in `text[start, end)` (the part after '/'): decimal, no sign, no leading zeros, at most
 * `maxBits`. Returns it, or -1.
 */
export function scanPrefixLength(text: string, start: number, end: number, maxBits: number): number {
  if (start === end) {
    return failNumber("has an empty prefix length after '/'");
  }
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < ZERO || code > NINE) {
      return failNumber(`has prefix length '${text.slice(start, end)}', which is not a decimal number`);
    }
    value = value * 10 + (code - ZERO);
  }
  if (end - start > 1 && text.charCodeAt(start) === ZERO) {
    return failNumber(`has prefix length '${text.slice(start, end)}' with a leading zero`);
  }
  if (value > maxBits) {
    return failNumber(`has prefix length ${text.slice(start, end)}, out of range (0-${maxBits} for ${maxBits === 32 ? 'IPv4' : 'IPv6'})`);
  }
  return value;
}
