import { embeddedIpv4Reason, parseCidr } from '../../src/private/ip';

describe('embeddedIpv4Reason', () => {
  test.each([
    ['::ffff:203.0.113.0/120', /IPv4-mapped IPv6 range.*'203\.0\.113\.0\/24'/],
    ['::ffff:1.2.3.4', /IPv4-mapped IPv6 range.*'1\.2\.3\.4\/32'/],
    ['::ffff:0:0/96', /IPv4-mapped IPv6 range.*'0\.0\.0\.0\/0'/],
    ['::203.0.113.9', /IPv4-compatible IPv6 range.*'203\.0\.113\.9\/32'/],
    ['::2/127', /IPv4-compatible IPv6 range.*'0\.0\.0\.2\/31'/],
    ['::/96', /IPv4-compatible IPv6 range.*'0\.0\.0\.0\/0'/],
  ])('%s embeds IPv4 addresses and names the IPv4 CIDR to write', (text, reason) => {
    // GIVEN an IPv6 CIDR inside ::ffff:0:0/96 or ::/96 WHEN judged THEN the reason names the IPv4 equivalent
    expect(embeddedIpv4Reason(parseCidr(text))).toMatch(reason);
  });

  test.each(['::', '::1', '::/127', '::/64', '::fffe:0:0/95', '2001:db8::/32', '64:ff9b::/96', '10.0.0.0/8', '0.0.0.0/0'])(
    '%s does not embed IPv4 addresses',
    (text) => {
      // GIVEN the unspecified and loopback addresses, wider ranges, other IPv6 and IPv4 WHEN judged THEN no reason
      expect(embeddedIpv4Reason(parseCidr(text))).toBeUndefined();
    },
  );
});
