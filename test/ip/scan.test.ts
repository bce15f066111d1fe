import * as fc from 'fast-check';
import { scanIpv6, scanSimpleIpv6 } from '../../src/private/ip/scan';

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
