import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { entry, naclStack } from './nacl-support';
import { check, ofRule } from './support';
import { isReturnEntry } from '../../src/analysis/rules/subnet/NaclReturnTraffic';

// LayeredDefense-NaclReturnTraffic on its own file, so its mutation group runs only these tests (see build-tools/mutation.ts).
describe('LayeredDefense-NaclReturnTraffic', () => {
  const RULE = 'LayeredDefense-NaclReturnTraffic';

  test('Noncompliant: inbound HTTPS allowed, responses on the ephemeral range not allowed outbound', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Nacl/AllowHttps/Resource' })]);
    expect(found[0].text).toMatch(/admits 0\.0\.0\.0\/0, but outbound tcp 1024-65535 to 0\.0\.0\.0\/0 is not allowed/);
  });

  test('Noncompliant: the outbound ALLOW covers only the Linux range, not what ELB and NAT use', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'EphOut', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(32768, 65535), { egress: true });
    expect(ofRule(check(stack), RULE)).toHaveLength(1);
    // ... unless the option says which range to expect
    const again = naclStack();
    entry(again.nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    entry(again.nacl, 'EphOut', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(32768, 65535), { egress: true });
    expect(ofRule(check(again.stack, { ephemeralPortRange: { from: 32768, to: 65535 } }), RULE)).toEqual([]);
  });

  test('Noncompliant (mirror): outbound HTTPS allowed, responses not allowed inbound', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'OutHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443), { egress: true });
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ path: '/Stack/Nacl/OutHttps/Resource' })]);
  });

  test('Noncompliant: outbound denies part of the peers on the ephemeral range', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'DenyOut', 100, ec2.AclCidr.ipv4('198.51.100.0/24'), ec2.AclTraffic.allTraffic(), { egress: true, deny: true });
    entry(nacl, 'EphOut', 200, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    expect(ofRule(check(stack), RULE)[0].text).toMatch(/to 198\.51\.100\.0\/24 is not allowed/);
  });

  test('Noncompliant: all traffic allowed inbound, only TCP responses allowed outbound (UDP replies dropped)', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowVpn', 100, ec2.AclCidr.ipv4('10.0.0.0/8'), ec2.AclTraffic.allTraffic());
    entry(nacl, 'EphOut', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ level: 'error', path: '/Stack/Nacl/AllowVpn/Resource' })]);
    expect(found[0].text).toMatch(/rule 100 \(ALLOW 10\.0\.0\.0\/8 all traffic\) admits 10\.0\.0\.0\/8, but outbound udp 1024-65535 to 10\.0\.0\.0\/8 is not allowed/);
  });

  test('Compliant: a blocklist NACL (deny both ways, then allow all both ways)', () => {
    const { stack, nacl } = naclStack();
    for (const egress of [false, true]) {
      entry(nacl, `Deny${egress}`, 100, ec2.AclCidr.ipv4('203.0.113.0/24'), ec2.AclTraffic.allTraffic(), { egress, deny: true });
      entry(nacl, `Allow${egress}`, 200, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic(), { egress });
    }
    expect(check(stack)).toEqual([]);
  });

  test('Compliant: HTTPS in, ephemeral out', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'EphOut', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('isReturnEntry: which ALLOWs are responses for the other direction, not services', () => {
  const DEFAULT = { ephemeralFrom: 1024, ephemeralTo: 65535 };
  const ports = (from: number, to: number) => ({ ports: { from, to } });

  test('an entry without ports (all traffic, ICMP) is never a return entry', () => {
    expect(isReturnEntry({ ports: undefined }, DEFAULT)).toBe(false);
  });

  test('the configured ephemeral range, or a wider one, is a return entry', () => {
    expect(isReturnEntry(ports(1024, 65535), DEFAULT)).toBe(true);
    // a narrow configured range: only its own bounds (or wider) make a return entry, one port less does not
    const narrow = { ephemeralFrom: 5000, ephemeralTo: 6000 };
    expect(isReturnEntry(ports(5000, 6000), narrow)).toBe(true);
    expect(isReturnEntry(ports(4999, 6001), narrow)).toBe(true);
    expect(isReturnEntry(ports(5001, 6000), narrow)).toBe(false);
    expect(isReturnEntry(ports(5000, 5999), narrow)).toBe(false);
  });

  test('a span of 10,000 ports from 1024 up is a return entry; 9,999 ports is a service range', () => {
    expect(isReturnEntry(ports(20000, 29999), DEFAULT)).toBe(true);
    expect(isReturnEntry(ports(20000, 29998), DEFAULT)).toBe(false);
    expect(isReturnEntry(ports(32768, 60999), DEFAULT)).toBe(true); // Linux
    expect(isReturnEntry(ports(49152, 65535), DEFAULT)).toBe(true); // Windows
  });

  test('a range that starts below 1024 holds well-known service ports, however wide', () => {
    expect(isReturnEntry(ports(0, 65535), DEFAULT)).toBe(false);
    expect(isReturnEntry(ports(1023, 65535), DEFAULT)).toBe(false);
    expect(isReturnEntry(ports(1023, 65535), { ephemeralFrom: 1023, ephemeralTo: 65535 })).toBe(false);
    expect(isReturnEntry(ports(1024, 11023), { ephemeralFrom: 32768, ephemeralTo: 65535 })).toBe(true);
  });
});

describe('LayeredDefense-NaclReturnTraffic: services and return entries', () => {
  const RULE = 'LayeredDefense-NaclReturnTraffic';

  test('Noncompliant: inbound PostgreSQL from the VPC with no outbound ALLOW at all', () => {
    // GIVEN
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowPg', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPort(5432));
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Nacl/AllowPg/Resource' })]);
    expect(found[0].text).toContain('inbound IPv4 rule 100 (ALLOW 10.0.0.0/16 tcp 5432) admits 10.0.0.0/16, '
      + 'but outbound tcp 1024-65535 to 10.0.0.0/16 is not allowed, so the responses are dropped');
  });

  test('Noncompliant: an inbound ALLOW of tcp 0-65535 is a service range (it starts below 1024)', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowAllTcp', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(0, 65535));
    expect(ofRule(check(stack), RULE)).toEqual([expect.objectContaining({ path: '/Stack/Nacl/AllowAllTcp/Resource' })]);
  });

  test('Compliant: an inbound ALLOW of 10,000 high ports is the return path of outbound connections', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'OutHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443), { egress: true });
    entry(nacl, 'ReturnIn', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 65535));
    entry(nacl, 'Wide', 110, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.udpPortRange(20000, 29999));
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Noncompliant: 9,999 high ports are a service range, and its UDP responses are named', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'Media', 110, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.udpPortRange(20000, 29998));
    const found = ofRule(check(stack), RULE);
    expect(found).toEqual([expect.objectContaining({ path: '/Stack/Nacl/Media/Resource' })]);
    expect(found[0].text).toMatch(/inbound IPv4 rule 110 \(ALLOW 0\.0\.0\.0\/0 udp 20000-29998\) admits 0\.0\.0\.0\/0, but outbound udp 1024-65535 to 0\.0\.0\.0\/0 is not allowed/);
  });

  test('Noncompliant (mirror): the message names the inbound direction and the peers it comes from', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'OutDns', 100, ec2.AclCidr.ipv4('10.0.0.2/32'), ec2.AclTraffic.udpPort(53), { egress: true });
    entry(nacl, 'InTcp', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPortRange(1024, 65535));
    const found = ofRule(check(stack), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].text).toMatch(/outbound IPv4 rule 100 \(ALLOW 10\.0\.0\.2\/32 udp 53\) admits 10\.0\.0\.2\/32, but inbound udp 1024-65535 from 10\.0\.0\.2\/32 is not allowed/);
  });

  test('Compliant: an ALLOW that decides nothing (an earlier DENY takes it all) needs no responses', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyAll', 50, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.allTraffic(), { deny: true });
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Compliant: an ICMP ALLOW has no ephemeral-port responses', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'Ping', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.icmp({ type: 8, code: -1 }));
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Noncompliant: an all-traffic ALLOW next to a TCP entry still needs its UDP responses', () => {
    // GIVEN inbound: tcp 22 denied, then everything from the VPC allowed; outbound: TCP responses only
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenySsh', 90, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(22), { deny: true });
    entry(nacl, 'AllowVpc', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.allTraffic());
    entry(nacl, 'EphOut', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    // WHEN
    const found = ofRule(check(stack), RULE);
    // THEN only UDP is missing; TCP responses to what rule 100 admits are allowed
    expect(found.map((m) => /outbound (tcp|udp)/.exec(m.text)![1])).toEqual(['udp']);
  });

  test('Compliant: responses allowed only to the peers the ALLOW actually admits after an earlier DENY', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyHalf', 90, ec2.AclCidr.ipv4('10.0.0.0/17'), ec2.AclTraffic.tcpPort(443), { deny: true });
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'EphOut', 100, ec2.AclCidr.ipv4('10.0.128.0/17'), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });
});

describe('LayeredDefense-NaclReturnTraffic: families, unknown entries and all-protocol ALLOWs', () => {
  const RULE = 'LayeredDefense-NaclReturnTraffic';

  test('Compliant: IPv6 responses are allowed by an IPv6 entry (the IPv4 side of the other direction does not count)', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'InV6', 100, ec2.AclCidr.anyIpv6(), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'OutV6', 100, ec2.AclCidr.anyIpv6(), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Noncompliant: IPv4 responses are not allowed by an IPv6 entry', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'InV4', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    entry(nacl, 'OutV6', 100, ec2.AclCidr.anyIpv6(), ec2.AclTraffic.tcpPortRange(1024, 65535), { egress: true });
    const found = ofRule(check(stack), RULE);
    expect(found.map((m) => m.path)).toEqual(['/Stack/Nacl/InV4/Resource']);
  });

  test('Token: with an unresolved entry in the other direction, the rule says it cannot verify instead of judging', () => {
    // GIVEN an inbound service, and an outbound entry whose CIDR is imported at deploy time
    const { stack, nacl } = naclStack();
    entry(nacl, 'AllowHttps', 100, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443));
    new ec2.CfnNetworkAclEntry(stack, 'OutImported', {
      networkAclId: nacl.networkAclId, ruleNumber: 100, protocol: -1, ruleAction: 'allow', egress: true, cidrBlock: Fn.importValue('PeerCidr'),
    });
    // WHEN
    const messages = check(stack);
    // THEN
    expect(ofRule(messages, RULE)).toEqual([]);
    const cannot = ofRule(messages, 'LayeredDefense-CannotVerify').filter((m) => /LayeredDefense-NaclReturnTraffic/.test(m.text));
    expect(cannot.map((m) => m.path)).toEqual(['/Stack/OutImported']);
    expect(cannot[0].text).toMatch(/LayeredDefense-NaclReturnTraffic cannot verify return traffic of egress IPv4 entries \(/);
  });

  test('Compliant: an all-traffic ALLOW whose TCP is all denied first needs only its UDP responses', () => {
    // GIVEN inbound: all TCP from the VPC denied, then everything from the VPC allowed; outbound: UDP responses
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyTcp', 90, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.tcpPortRange(0, 65535), { deny: true });
    entry(nacl, 'AllowVpc', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.allTraffic());
    entry(nacl, 'UdpOut', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.udpPortRange(1024, 65535), { egress: true });
    // THEN the ALLOW admits no TCP, so no TCP responses are needed
    expect(ofRule(check(stack), RULE)).toEqual([]);
  });

  test('Noncompliant: the TCP an all-traffic ALLOW admits is what counts, not what other protocols reach', () => {
    const { stack, nacl } = naclStack();
    entry(nacl, 'DenyTcp', 90, ec2.AclCidr.ipv4('10.0.0.0/17'), ec2.AclTraffic.tcpPortRange(0, 65535), { deny: true });
    entry(nacl, 'AllowVpc', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.allTraffic());
    entry(nacl, 'UdpOut', 100, ec2.AclCidr.ipv4('10.0.0.0/16'), ec2.AclTraffic.udpPortRange(1024, 65535), { egress: true });
    const found = ofRule(check(stack), RULE);
    expect(found).toHaveLength(1);
    expect(found[0].text).toContain('admits 10.0.128.0/17, but outbound tcp 1024-65535 to 10.0.128.0/17 is not allowed');
  });
});
