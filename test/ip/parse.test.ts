import * as fc from 'fast-check';
import { Cidr, IpFamily } from '../../src/ip';
import { formatCidr, mergeCidrStrings, parseAddress, parseCidr, parseCidrList, parseCidrOrReason, ParsedCidr } from '../../src/private/ip';

describe('strict CIDR parsing', () => {
  // Each bad value with the part of the message that must tell the author what is wrong.
  const badInputs: Array<[string, RegExp]> = [
    // IPv4: dotted decimal only, never octal, hex or shorthand
    ['010.0.0.1', /octet '010' with a leading zero, which some tools read as octal; write 10/],
    ['10.0.0.01', /octet '01' with a leading zero/],
    ['1.2.3', /has 3 octets; expected 4 dot-separated decimal octets/],
    ['1.2.3.4.5', /has 5 octets; expected 4/],
    ['127.1', /has 2 octets/],
    ['3232235777', /octet '3232235777', greater than 255/],
    ['12', /has 1 octet; expected 4/],
    ['0x7f.0.0.1', /octet '0x7f', which is not a decimal number/],
    ['0x7f000001', /octet '0x7f000001', which is not a decimal number/],
    ['256.0.0.0', /octet '256', greater than 255/],
    ['1.2.3.1000', /octet '1000', greater than 255/],
    ['1..2.3', /has an empty octet/],
    ['.1.2.3', /has an empty octet/],
    ['1.2.3.4.', /has an empty octet/],
    ['+1.2.3.4', /octet '\+1', which is not a decimal number/],
    ['-1.2.3.4', /octet '-1', which is not a decimal number/],
    ['1e2.0.0.0', /octet '1e2', which is not a decimal number/],
    ['１.2.3.4', /octet '１', which is not a decimal number/],
    ['localhost', /octet 'localhost', which is not a decimal number/],
    // whitespace anywhere is an error, never trimmed
    [' 10.0.0.0/8', /contains whitespace/],
    ['10.0.0.0/8 ', /contains whitespace/],
    ['10.0.0.0 /8', /contains whitespace/],
    ['10.0.0.0/\t8', /contains whitespace/],
    ['2001:db8::/32\n', /contains whitespace/],
    ['', /is empty/],
    // prefix length: decimal, no sign, no leading zero, in range, present after '/'
    ['10.0.0.0/08', /prefix length '08' with a leading zero/],
    ['10.0.0.0/00', /prefix length '00' with a leading zero/],
    ['10.0.0.0/33', /prefix length 33, out of range \(0-32 for IPv4\)/],
    ['10.0.0.0/999999999999', /out of range \(0-32 for IPv4\)/],
    ['2001:db8::/129', /prefix length 129, out of range \(0-128 for IPv6\)/],
    ['10.0.0.0/', /empty prefix length after '\/'/],
    ['10.0.0.0/+8', /prefix length '\+8', which is not a decimal number/],
    ['10.0.0.0/-8', /prefix length '-8', which is not a decimal number/],
    ['2001:db8::/0x20', /prefix length '0x20', which is not a decimal number/],
    ['10.0.0.0/8/8', /more than one '\/'/],
    ['/8', /has an empty octet/],
    // host bits: an error naming the network the author probably meant
    ['10.0.0.1/8', /has host bits set; the network is 10\.0\.0\.0\/8 \(write that, or 10\.0\.0\.1\/32 for the single address/],
    ['192.168.1.77/24', /the network is 192\.168\.1\.0\/24/],
    ['2001:db8::1/32', /the network is 2001:db8::\/32 \(write that, or 2001:db8::1\/128 for the single address/],
    ['255.255.255.255/0', /the network is 0\.0\.0\.0\/0/],
    // IPv6
    ['fe80::1%eth0', /IPv6 address has a zone id '%eth0'; zone ids name a link/],
    ['fe80::1%1/64', /zone id '%1\/64'|zone id '%1'/],
    ['1::2::3', /more than one '::'/],
    ['12345::', /group '12345' with more than 4 hex digits/],
    ['1:2:3:4:5:6:7:8:9', /more than 8 groups/],
    [':::', /has ':::'/],
    ['1:::2', /has ':::'/],
    [':1:2:3:4:5:6:7', /starts with a single ':'/],
    ['1:2:3:4:5:6:7:', /ends with a single ':'/],
    ['1:2:3:4:5:6:7', /has 7 groups; a full IPv6 address has 8/],
    ['1:2:3:4:5:6:7:8::', /has 8 groups and a '::', which must stand for at least one zero group/],
    ['::1:2:3:4:5:6:7:8', /has 8 groups and a '::'/],
    ['g::1', /invalid character 'g'/],
    ['2001:db8::g', /invalid character 'g'/],
    ['::ffff:1.2.3', /embedded IPv4 part '1\.2\.3' that has 3 octets/],
    ['::ffff:01.2.3.4', /embedded IPv4 part '01\.2\.3\.4' that has octet '01' with a leading zero/],
    ['::ffff:1.2.3.256', /embedded IPv4 part '1\.2\.3\.256' that has octet '256', greater than 255/],
    ['1:2:3:4:5:6:7:1.2.3.4', /too many groups before its embedded IPv4 part/],
    ['::1.2.3.4:5', /embedded IPv4 part '1\.2\.3\.4:5'/],
    ['1.2.3.4::', /octet '4::', which is not a decimal number/],
  ];

  test('the bad-input table is large enough to pin the grammar', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(40);
  });

  test.each(badInputs)('rejects %j', (text, message) => {
    // GIVEN a malformed CIDR  WHEN it is parsed  THEN the error names the value and what is wrong
    expect(() => Cidr.parse(text)).toThrow(`Invalid CIDR '${text}': `);
    expect(() => Cidr.parse(text)).toThrow(message);
  });

  test.each(badInputs)('the bulk merge rejects %j with the same message and its index', (text, message) => {
    // GIVEN the same value as the second entry of a list  WHEN the list is merged  THEN the message adds the index
    expect(() => mergeCidrStrings(['10.0.0.0/8', text])).toThrow(`Invalid CIDR '${text}' at index 1: `);
    expect(() => mergeCidrStrings(['10.0.0.0/8', text])).toThrow(message);
  });

  test.each([
    [null, /Invalid CIDR: expected a string, got null/],
    [undefined, /Invalid CIDR: expected a string, got undefined/],
    [42, /Invalid CIDR: expected a string, got number 42/],
    [{ cidr: '10.0.0.0/8' }, /Invalid CIDR: expected a string, got object \{"cidr":"10.0.0.0\/8"\}/],
  ])('rejects the non-string %j that a caller from another jsii language could pass', (value, message) => {
    // GIVEN a value that is not a string  WHEN it is parsed  THEN the error says so instead of crashing
    expect(() => Cidr.parse(value as unknown as string)).toThrow(message);
    expect(() => mergeCidrStrings([value as unknown as string])).toThrow(/at index 0: expected a string/);
  });

  test('the bulk merge prints IPv6 blocks of full width, longer than its first guess of the output size', () => {
    // GIVEN addresses whose canonical form has eight 4-digit groups (44 characters with '/128')
    const wide = ['2001:db8a:1111:2222:3333:4444:5555:6666', 'fd00:abcd:1111:2222:3333:4444:5555:6666', 'fe80:abcd:1111:2222:3333:4444:5555:6666'];
    // WHEN merged  THEN each comes back whole (the output buffer grows instead of cutting or overwriting text)
    expect(mergeCidrStrings(wide)).toEqual({ ipv4: [], ipv6: wide.map((address) => `${address}/128`) });
  });

  const goodInputs: Array<[string, string]> = [
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.0.2.1', '192.0.2.1/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['0.0.0.0', '0.0.0.0/32'],
    ['255.255.255.255/32', '255.255.255.255/32'],
    ['100.64.0.0/10', '100.64.0.0/10'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1/128'],
    // RFC 5952 4.2.3: of two equal zero runs, the first is shortened
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    // RFC 5952 4.2.3: the longest run is shortened, wherever it is
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3/128'],
    // RFC 5952 4.2.2: a single zero group is not shortened
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1/128'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0/128'],
    ['0:0:1::', '0:0:1::/128'],
    ['::', '::/128'],
    ['::/0', '::/0'],
    ['::1', '::1/128'],
    ['fe80::/10', 'fe80::/10'],
    ['FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'],
    // RFC 5952 section 5: IPv4-mapped addresses keep the dotted-decimal tail
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4/128'],
    ['::FFFF:102:304', '::ffff:1.2.3.4/128'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1/128'],
    ['::ffff:0:0/96', '::ffff:0.0.0.0/96'],
    // other embedded forms (NAT64 RFC 6052, deprecated IPv4-compatible) print as hex
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304/128'],
    ['64:ff9b::/96', '64:ff9b::/96'],
    ['::1.2.3.4', '::102:304/128'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304/128'],
  ];

  test.each(goodInputs)('parses %j to the canonical %j', (text, canonical) => {
    // GIVEN a valid CIDR or address  WHEN it is parsed  THEN it prints canonically, always with the prefix
    expect(Cidr.parse(text).toString()).toBe(canonical);
    expect(Cidr.parse(canonical).toString()).toBe(canonical);
  });

  test.each([
    ['10.0.0.1/8', '10.0.0.0/8'],
    ['192.168.1.77/24', '192.168.1.0/24'],
    ['255.255.255.255/0', '0.0.0.0/0'],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['::ffff:1.2.3.4/120', '::ffff:1.2.3.0/120'],
    ['10.0.0.0/8', '10.0.0.0/8'],
  ])('normalizeHostBits clears the host bits of %j to %j', (text, canonical) => {
    // GIVEN host bits set  WHEN parsed with normalizeHostBits  THEN they are cleared instead of rejected
    expect(Cidr.parse(text, { normalizeHostBits: true }).toString()).toBe(canonical);
    expect(mergeCidrStrings([text], { normalizeHostBits: true })).toEqual(
      canonical.includes(':') ? { ipv4: [], ipv6: [canonical] } : { ipv4: [canonical], ipv6: [] },
    );
  });

  test('a Cidr exposes its family, bounds and exact size', () => {
    // GIVEN an IPv4 and an IPv6 block  WHEN parsed  THEN their properties are exact
    const ipv4 = Cidr.parse('10.1.0.0/16');
    expect([ipv4.family, ipv4.prefixLength, ipv4.networkAddress, ipv4.lastAddress, ipv4.addressCount]).toEqual([
      IpFamily.IPV4, 16, '10.1.0.0', '10.1.255.255', '65536',
    ]);
    const everything = Cidr.parse('::/0');
    expect([everything.family, everything.lastAddress, everything.addressCount]).toEqual([
      IpFamily.IPV6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '340282366920938463463374607431768211456',
    ]);
  });

  test('parseCidrList parses every entry and names a bad one by index', () => {
    expect(parseCidrList(['10.0.0.0/8', '::1']).map(formatCidr)).toEqual(['10.0.0.0/8', '::1/128']);
    expect(() => parseCidrList(['10.0.0.0/8', '10.0.0.0/8 '])).toThrow(/^Invalid CIDR '10\.0\.0\.0\/8 ' at index 1: contains whitespace/);
    expect(() => parseCidrList('10.0.0.0/8' as unknown as string[])).toThrow(/expected an array of strings, got string "10\.0\.0\.0\/8"/);
  });

  test('a bare address must not carry a prefix length', () => {
    expect(parseAddress('2001:db8::1')).toEqual({ family: IpFamily.IPV6, value: 0x20010db8000000000000000000000001n });
    expect(() => parseAddress('10.0.0.0/8')).toThrow(/Invalid IP address '10\.0\.0\.0\/8': has a '\/'; expected a bare address/);
    expect(() => parseAddress('010.0.0.1')).toThrow(/Invalid IP address '010\.0\.0\.1': IPv4 address has octet '010'/);
  });
});

const ipv4Cidr: fc.Arbitrary<ParsedCidr> = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([address, prefixLength]) => {
    const hostMask = (1n << BigInt(32 - prefixLength)) - 1n;
    const first = BigInt(address) & ~hostMask;
    return { family: IpFamily.IPV4, first, last: first | hostMask, prefixLength };
  });

/** IPv6 values with zero groups often enough to exercise '::' placement and the IPv4-mapped form. */
const ipv6Value = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n));

const ipv6Cidr: fc.Arbitrary<ParsedCidr> = fc.tuple(ipv6Value, fc.integer({ min: 0, max: 128 })).map(([address, prefixLength]) => {
  const hostMask = (1n << BigInt(128 - prefixLength)) - 1n;
  const first = address & ~hostMask;
  return { family: IpFamily.IPV6, first, last: first | hostMask, prefixLength };
});

describe('parse and format properties', () => {
  test('parse(format(x)) is x, for both families', () => {
    // GIVEN any aligned block  WHEN formatted and parsed back  THEN nothing changes
    fc.assert(
      fc.property(fc.oneof(ipv4Cidr, ipv6Cidr), (cidr) => {
        expect(parseCidr(formatCidr(cidr))).toEqual(cidr);
      }),
      { numRuns: 1000 },
    );
  });

  test('the uncompressed IPv6 form parses to the same block as the canonical one', () => {
    fc.assert(
      fc.property(ipv6Cidr, (cidr) => {
        const groups = Array.from({ length: 8 }, (_, index) => ((cidr.first >> BigInt(112 - 16 * index)) & 0xffffn).toString(16).padStart(4, '0'));
        expect(parseCidr(`${groups.join(':').toUpperCase()}/${cidr.prefixLength}`)).toEqual(cidr);
      }),
      { numRuns: 500 },
    );
  });

  /** The bulk merge accepts `candidate` exactly when the strict parser does, with the same block or message. */
  function expectBulkAgreesWithStrict(candidate: string, normalizeHostBits: boolean): void {
    const strict = parseCidrOrReason(candidate, { normalizeHostBits });
    let bulk: string[] | Error;
    try {
      const merged = mergeCidrStrings([candidate], { normalizeHostBits });
      bulk = [...merged.ipv4, ...merged.ipv6];
    } catch (error) {
      bulk = error as Error;
    }
    if (typeof strict === 'string') {
      expect(bulk).toBeInstanceOf(Error);
      expect((bulk as Error).message).toBe(`Invalid CIDR '${candidate}' at index 0: ${strict}`);
    } else {
      expect(bulk).toEqual([formatCidr(strict)]);
    }
  }

  test('near valid text, where the bulk fast paths decide, both parsers still agree', () => {
    // GIVEN valid text (dotted decimal, or eight full IPv6 groups, the forms the fast scanners take), then one edit
    const uncompressed = ipv6Cidr.map((cidr) => {
      const groups = Array.from({ length: 8 }, (_, index) => ((cidr.first >> BigInt(112 - 16 * index)) & 0xffffn).toString(16));
      return `${groups.join(':')}/${cidr.prefixLength}`;
    });
    const valid = fc.oneof(ipv4Cidr.map(formatCidr), ipv4Cidr.map((cidr) => formatCidr(cidr).replace('/32', '')), uncompressed,
      uncompressed.map((text) => text.replace(/\/\d+$/, '')));
    const edit = fc.tuple(valid, fc.nat(), fc.constantFrom(...'0123456789aAfF.:/% ;', '00', '::'), fc.constantFrom('insert', 'delete', 'replace', 'none'));
    fc.assert(
      fc.property(edit, fc.boolean(), ([text, at, character, kind], normalizeHostBits) => {
        const position = at % (text.length + 1);
        const candidate = kind === 'none' ? text
          : text.slice(0, position) + (kind === 'delete' ? '' : character) + text.slice(kind === 'insert' ? position : position + 1);
        // WHEN both parse it  THEN they agree on validity, the block and the reason
        expectBulkAgreesWithStrict(candidate, normalizeHostBits);
      }),
      { numRuns: 5000 },
    );
  });

  test.each([
    '1.2.3.4', '0.0.0.0', '255.255.255.255/32', '256.1.1.1', '1.2.3.04', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4/', '1.2.3.4/032',
    '1.2.3.4 ', '1.2.3.4/24', '1234.1.1.1', '1.2.3.4:80', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7',
    '12345:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8%eth0', '1:2:3:4:5:6:1.2.3.4', 'A:B:C:D:E:F:0:0', '1:2:3:4:5:6:7:', '1:2:3:4:5:6:7:8/',
    '0:0:0:0:0:ffff:c000:201', '1:2:3:4:5:6:7:8/129', 'g:2:3:4:5:6:7:8',
  ])('the bulk fast paths and the strict parser agree on %j', (candidate) => {
    expectBulkAgreesWithStrict(candidate, false);
    expectBulkAgreesWithStrict(candidate, true);
  });

  test('the strict parser and the bulk merge accept exactly the same strings, with the same values', () => {
    // GIVEN arbitrary short strings over the characters CIDRs are made of
    const text = fc
      .array(fc.constantFrom(...'0123456789abcdefF.:/%x -+'.split(''), '::', '1.2.3.4', '255', '10.0.0.0/8', 'ffff:'), { maxLength: 12 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.boolean(), (candidate, normalizeHostBits) => {
        // WHEN both parse it  THEN they agree on validity, the block and the reason
        expectBulkAgreesWithStrict(candidate, normalizeHostBits);
      }),
      { numRuns: 3000 },
    );
  });
});
