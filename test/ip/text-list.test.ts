import { formatCidr, parseCidr } from '../../src/private/ip';
import { scanIpv6, scanSimpleIpv6 } from '../../src/private/ip/scan';
import { longestZeroRun, TextListWriter } from '../../src/private/ip/text-list';

// The merge writes its output CIDRs as bytes into one buffer and decodes them at the end; the buffer must grow
// before any item could overflow it, whatever the writer was told to expect.

function words(address: string): Uint32Array {
  const out = new Uint32Array(4);
  if (!scanIpv6(address, 0, address.length, out, 0)) {
    throw new Error(address);
  }
  return out;
}

describe('TextListWriter', () => {
  test('GIVEN a writer told to expect no items WHEN items are added THEN every one comes back', () => {
    const writer = new TextListWriter(0);
    writer.addIpv4Cidr(0xc0000200, 24);
    writer.addIpv6Cidr(words('2001:db8::'), 0, 32);
    expect(writer.toStrings()).toEqual(['192.0.2.0/24', '2001:db8::/32']);
  });

  test('GIVEN a writer told to expect one item WHEN thousands of the longest items are added THEN none is cut (it grows in time)', () => {
    // GIVEN the longest IPv6 text (8 full groups and /128) and the longest IPv4 text, alternating
    const writer = new TextListWriter(1);
    const longest6 = words('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe');
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 0) {
        writer.addIpv4Cidr(0xffffffff, 32);
        expected.push('255.255.255.255/32');
      } else {
        writer.addIpv6Cidr(longest6, 0, 128);
        expected.push('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128');
      }
    }
    // WHEN / THEN
    expect(writer.toStrings()).toEqual(expected);
  });

  test('GIVEN no items WHEN read THEN the list is empty', () => {
    expect(new TextListWriter(10).toStrings()).toEqual([]);
  });

  test.each([
    '::', '::1', '1::', '2001:db8::1:0:0:1', '2001:0:0:1::1', '1:0:0:2:0:0:0:3', '::ffff:0:0', '1:2:3:4:5:6:7:8', '0:1:0:1:0:1:0:1',
  ])('GIVEN %s WHEN written THEN it is the RFC 5952 text the strict formatter writes', (address) => {
    const writer = new TextListWriter(1);
    writer.addIpv6Cidr(words(address), 0, 128);
    expect(writer.toStrings()).toEqual([formatCidr(parseCidr(`${address}/128`))]);
  });
});

describe('longestZeroRun', () => {
  test.each([
    ['no zero group', [1, 2, 3, 4, 5, 6, 7, 8], -1],
    ['a single zero group is not a run', [1, 0, 3, 0, 5, 0, 7, 0], -1],
    ['the longest run', [0, 0, 3, 0, 0, 0, 7, 8], 3 * 16 + 3],
    ['the first of two equal runs', [1, 0, 0, 4, 0, 0, 7, 8], 1 * 16 + 2],
    ['a run to the end', [1, 2, 3, 4, 5, 0, 0, 0], 5 * 16 + 3],
    ['all zeros', [0, 0, 0, 0, 0, 0, 0, 0], 8],
  ])('GIVEN %s WHEN looked for THEN start * 16 + length is %i', (_, groups, expected) => {
    expect(longestZeroRun(Uint32Array.from(groups))).toBe(expected);
  });
});

describe('the IPv6 scanners write exactly four words at their offset', () => {
  test.each(['1:2:3:4:5:6:7:8', '1::8', '::', '::ffff:1.2.3.4'])('GIVEN %s WHEN scanned into a shared buffer THEN the words around it are untouched', (address) => {
    const strict = new Uint32Array(12).fill(0xdeadbeef);
    expect(scanIpv6(address, 0, address.length, strict, 4)).toBe(true);
    expect([...strict.slice(0, 4), ...strict.slice(8)]).toEqual(new Array(8).fill(0xdeadbeef));
    if (!address.includes('.')) {
      const simple = new Uint32Array(12).fill(0xdeadbeef);
      expect(scanSimpleIpv6(address, simple, 4)).toBe(address.length);
      expect([...simple.slice(0, 4), ...simple.slice(8)]).toEqual(new Array(8).fill(0xdeadbeef));
      expect(simple.slice(4, 8)).toEqual(strict.slice(4, 8));
    }
  });
});
