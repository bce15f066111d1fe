import * as fc from 'fast-check';
import { hasSecondSlash, lastScanFailure, scanIpv4, scanIpv6, scanSimpleIpv4, scanSimpleIpv6, simpleIpv4End } from '../../src/private/ip/scan';

// The bulk merge reads IPv6 with scanSimpleIpv6 and hands whatever it refuses to the strict scanIpv6, so the fast
// scanner must accept only addresses the strict one accepts, with the same value, and must not refuse the common forms.

const group = fc.integer({ min: 0, max: 0xffff }).chain((value) => fc.constantFrom(value.toString(16), value.toString(16).toUpperCase(), value.toString(16).padStart(4, '0')));
const fullForm = fc.array(group, { minLength: 8, maxLength: 8 }).map((groups) => groups.join(':'));
/** `::` standing for one or more groups anywhere, as RFC 4291 allows (and RFC 5952 writes). */
const compressed = fc.tuple(fc.array(group, { minLength: 8, maxLength: 8 }), fc.nat({ max: 7 }), fc.integer({ min: 1, max: 8 }))
  .map(([groups, start, gap]) => `${groups.slice(0, start).join(':')}::${groups.slice(Math.min(8, start + gap)).join(':')}`);
const withPrefix = (address: fc.Arbitrary<string>) => fc.tuple(address, fc.option(fc.nat({ max: 128 }), { nil: undefined }))
  .map(([text, prefix]) => (prefix === undefined ? text : `${text}/${prefix}`));
/** Near misses: a character inserted, dropped or replaced somewhere, including ':', '.', '%' and a fifth digit. */
const mutated = fc.tuple(fc.oneof(fullForm, compressed), fc.nat(), fc.constantFrom(':', '::', '.', '%', 'g', '0', '1.2.3.4', ' ', ''), fc.nat({ max: 2 }))
  .map(([text, at, insert, how]) => {
    const position = at % (text.length + 1);
    const removed = how === 0 ? 0 : how;
    return text.slice(0, position) + insert + text.slice(position + removed);
  });

/** What the strict scanner makes of the address part (before any '/'): its four words, or undefined. */
function strict(text: string): number[] | undefined {
  const slash = text.indexOf('/');
  const words = new Uint32Array(4);
  return scanIpv6(text, 0, slash < 0 ? text.length : slash, words, 0) ? Array.from(words) : undefined;
}

describe('scanSimpleIpv6 (the bulk merge fast path)', () => {
  test('GIVEN full and compressed addresses, with or without a prefix, WHEN scanned THEN it reads them as the strict scanner does', () => {
    fc.assert(
      fc.property(withPrefix(fc.oneof(fullForm, compressed)), (text) => {
        const words = new Uint32Array(4);
        const end = scanSimpleIpv6(text, words, 0);
        const slash = text.indexOf('/');
        expect(end).toBe(slash < 0 ? text.length : slash);
        expect(Array.from(words)).toEqual(strict(text));
      }),
      { numRuns: 2000 },
    );
  });

  test('GIVEN near misses WHEN scanned THEN it accepts only what the strict scanner accepts, with the same value', () => {
    fc.assert(
      fc.property(withPrefix(mutated), (text) => {
        const words = new Uint32Array(4);
        const end = scanSimpleIpv6(text, words, 0);
        if (end >= 0) {
          expect(Array.from(words)).toEqual(strict(text));
          expect(end === text.length || text.charCodeAt(end) === 47).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test.each([
    ['::', [0, 0, 0, 0], 2],
    ['::/0', [0, 0, 0, 0], 2],
    ['::1', [0, 0, 0, 1], 3],
    ['2001:db8::', [0x20010db8, 0, 0, 0], 10],
    ['2001:db8::/32', [0x20010db8, 0, 0, 0], 10],
    ['1::2:3:4:5:6:7', [0x10000, 0x20003, 0x40005, 0x60007], 14],
  ])('GIVEN %s WHEN scanned THEN it reads the address and where it ends', (text, expected, end) => {
    const words = new Uint32Array(4);
    expect(scanSimpleIpv6(text, words, 0)).toBe(end);
    expect(Array.from(words)).toEqual(expected);
  });

  test.each([
    ':', ':1', '1:', '1::2::3', ':::', '1:::2', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9:0', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::8', '12345::',
    '::ffff:1.2.3.4', 'fe80::1%eth0', '1:2:3:4:5:6:7:8 ', 'g::', '1:/64',
  ])('GIVEN %s WHEN scanned THEN it is left to the strict scanner', (text) => {
    expect(scanSimpleIpv6(text, new Uint32Array(4), 0)).toBe(-1);
  });
});

// The same contract for IPv4: scanSimpleIpv4 reads canonical dotted decimal at the start of the text, followed by the
// end or '/', and refuses (-1) everything else, which the bulk merge hands to the strict scanIpv4.
const octet = fc.integer({ min: 0, max: 255 });
const dotted = fc.array(octet, { minLength: 4, maxLength: 4 }).map((octets) => octets.join('.'));
const dottedWithPrefix = fc.tuple(dotted, fc.option(fc.nat({ max: 40 }), { nil: undefined }))
  .map(([text, prefix]) => (prefix === undefined ? text : `${text}/${prefix}`));
/** Near misses of dotted decimal: a character inserted, dropped or replaced, including a leading zero and a fourth digit. */
const dottedMutated = fc.tuple(dotted, fc.nat(), fc.constantFrom('.', '..', '0', '9', '/', 'x', ' ', ':', ''), fc.nat({ max: 2 }))
  .map(([text, at, insert, removed]) => {
    const position = at % (text.length + 1);
    return text.slice(0, position) + insert + text.slice(position + removed);
  });

/** What the strict scanner makes of the address part (before any '/'): its value, or -1. */
function strictIpv4(text: string): number {
  const slash = text.indexOf('/');
  return scanIpv4(text, 0, slash < 0 ? text.length : slash);
}

describe('scanSimpleIpv4 (the bulk merge fast path)', () => {
  test('GIVEN canonical dotted decimal, with or without a prefix, WHEN scanned THEN it reads it as the strict scanner does, and says where it ends', () => {
    fc.assert(
      fc.property(dottedWithPrefix, (text) => {
        const value = scanSimpleIpv4(text);
        const slash = text.indexOf('/');
        expect(value).toBe(strictIpv4(text));
        expect(value).toBeGreaterThanOrEqual(0);
        expect(simpleIpv4End()).toBe(slash < 0 ? text.length : slash);
      }),
      { numRuns: 2000 },
    );
  });

  test('GIVEN near misses WHEN scanned THEN it accepts only what the strict scanner accepts, with the same value', () => {
    fc.assert(
      fc.property(dottedMutated, (text) => {
        const value = scanSimpleIpv4(text);
        if (value >= 0) {
          expect(value).toBe(strictIpv4(text));
          const end = simpleIpv4End();
          expect(end === text.length || text.charCodeAt(end) === 47).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test.each([
    ['0.0.0.0', 0, 7],
    ['255.255.255.255', 0xffffffff, 15],
    ['10.0.0.1/8', 0x0a000001, 8],
    ['1.2.3.4/', 0x01020304, 7],
    ['9.99.199.200', (9 * 2 ** 24) + (99 * 2 ** 16) + (199 * 2 ** 8) + 200, 12],
  ])('GIVEN %s WHEN scanned THEN it reads the address and where it ends', (text, expected, end) => {
    expect(scanSimpleIpv4(text)).toBe(expected);
    expect(simpleIpv4End()).toBe(end);
  });

  test.each([
    '', '1', '1.', '1.2.3', '1.2.3.', '.1.2.3', '1..2.3', '1.2.3.4.', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '256.0.0.0', '1.2.3.256',
    '1000.0.0.0', '1.2.3.4 ', '1.2.3.4x', '1.2.3.4:80', '1:2.3.4', 'a.b.c.d', '1.2.3.-4', ' 1.2.3.4',
  ])('GIVEN %j WHEN scanned THEN it is left to the strict scanner', (text) => {
    expect(scanSimpleIpv4(text)).toBe(-1);
  });
});

describe('scanIpv4 messages name the octet as written', () => {
  test.each([
    ['1.2.3.4x', "has octet '4x', which is not a decimal number"],
    ['1.2.x3.4', "has octet 'x3', which is not a decimal number"],
    ['x1.2.3.4', "has octet 'x1', which is not a decimal number"],
  ])('GIVEN %s WHEN scanned THEN it fails naming the bad octet', (text, message) => {
    expect(scanIpv4(text, 0, text.length)).toBe(-1);
    expect(lastScanFailure()).toContain(message);
  });

  test.each([
    ['1.2.3.4x/24', "has octet '4x'"],
    // A dot after the end belongs to the rest of the text (here a malformed prefix), not to the octet.
    ['1.2.3.4x/2.4', "has octet '4x'"],
  ])('GIVEN %s scanned up to its slash WHEN its last octet is bad THEN the octet stops at the end of the address', (text, message) => {
    expect(scanIpv4(text, 0, text.indexOf('/'))).toBe(-1);
    expect(lastScanFailure()).toContain(message);
  });

  test.each([
    // The count is of the whole address, and stops before a fifth octet's bad digits would be judged.
    ['1.2.3.4.5.999', 13, 'has 6 octets; expected 4 dot-separated decimal octets'],
    ['1.2.3.4.5', 9, 'has 5 octets; expected 4 dot-separated decimal octets'],
    // A dot just past the end is not counted.
    ['1.2.3.4.5.', 9, 'has 5 octets; expected 4 dot-separated decimal octets'],
  ])('GIVEN %s scanned to %i WHEN it has too many octets THEN it says how many', (text, end, message) => {
    expect(scanIpv4(text, 0, end)).toBe(-1);
    expect(lastScanFailure()).toBe(message);
  });
});

describe('scanIpv6 messages', () => {
  test.each([
    // After eight groups, a character that starts no group is named as such, not counted as a ninth group.
    ['1:2:3:4:5:6:7:8:g', "has an invalid character 'g'"],
    ['1:2:3:4:5:6:7:8:9', 'has more than 8 groups'],
    ['1:2:3:4:5:6:7:g', "has an invalid character 'g'"],
    ['fe80::1%eth0', "has a zone id '%eth0'; zone ids name a link, not a network, and are not allowed in a CIDR"],
    // A second '::' after a leading one (the gap at group 0) is still a second one.
    ['::1::2', "has more than one '::'"],
  ])('GIVEN %s WHEN scanned THEN it fails saying it %s', (text, message) => {
    expect(scanIpv6(text, 0, text.length, new Uint32Array(4), 0)).toBe(false);
    expect(lastScanFailure()).toBe(message);
  });
});

describe('hasSecondSlash', () => {
  test.each([
    ['/1/2', 0, true],
    ['10.0.0.0/8/8', 8, true],
    ['10.0.0.0/8', 8, false],
    ['10.0.0.0', -1, false],
  ])('GIVEN %j with its first slash at %i WHEN asked THEN %s', (text, firstSlash, expected) => {
    expect(hasSecondSlash(text, firstSlash)).toBe(expected);
  });
});
