import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IpFamily } from '../../src/ip/family';
import { mergeRanges, parseCidr } from '../../src/private/ip';
import { HipaaSecureVpc } from '../../src/vpc';
import { PathAllowlistWaf } from '../../src/waf';

// The template is judged for what it blocks, not its schema; CDK's built-in validation is slow on large IP sets.
process.env.CDK_VALIDATION = 'false';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** 319 distinct public ranges that do not merge: what a user pasted from a feed. */
const RANGES_319 = Array.from({ length: 319 }, (_, i) => `45.${Math.floor(i / 100)}.${(i % 100) * 2}.0/24`);

function denyEntries(stack: Stack): string[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::EC2::NetworkAclEntry'))
    .map((r) => r.Properties)
    .filter((p) => p.RuleAction === 'deny' && p.Egress !== true)
    .map((p) => p.CidrBlock ?? p.Ipv6CidrBlock);
}

describe('HipaaSecureVpc blocklist options', () => {
  test('the 319-range blocklist: without options, synth fails naming options the VPC takes', () => {
    const stack = newStack();
    new HipaaSecureVpc(stack, 'Network', { blockedCidrs: RANGES_319 });
    expect(() => Template.fromStack(stack)).toThrow(/blockedCidrs hold 319 IPv4 ranges .*set blocklistOptions\.maxEntriesPerDirection to match.*set blocklistOptions\.maxCollateralIpv4Addresses to at least \d+.*set blocklistOptions\.overflowWaf to a PathAllowlistWaf, or blocklistOverflowToWaf: true with protectPaths/s);
  });

  test('the 319-range blocklist with blocklistOverflowToWaf: 18 NACL entries, the other 301 ranges at the protectPaths web ACL', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new HipaaSecureVpc(stack, 'Network', { blockedCidrs: RANGES_319, blocklistOverflowToWaf: true });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    // WHEN
    const waf = vpc.protectPaths('Admin', alb, { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] });
    // THEN
    const nacl = denyEntries(stack);
    expect(nacl).toHaveLength(18);
    const wafAddresses = waf.blockedSourcesIpSets.flatMap((s) => s.addresses ?? []);
    expect(wafAddresses).toHaveLength(301);
    expect(mergeRanges([...nacl, ...wafAddresses].map((c) => parseCidr(c)))).toEqual(mergeRanges(RANGES_319.map((c) => parseCidr(c))));
  });

  test('protectPaths before the blocklist exists works too, and every protectPaths web ACL takes the overflow', () => {
    const stack = newStack();
    const vpc = new HipaaSecureVpc(stack, 'Network', { blocklistOverflowToWaf: true });
    const first = vpc.protectPaths('First', new elbv2.ApplicationLoadBalancer(stack, 'Alb1', { vpc, internetFacing: true }), { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'] });
    vpc.addBlockedCidrs(RANGES_319.slice(0, 30));
    const second = vpc.protectPaths('Second', new elbv2.ApplicationLoadBalancer(stack, 'Alb2', { vpc, internetFacing: true }), { protectedPaths: ['/ops'], allowedCidrs: ['198.51.100.0/24'] });
    expect(vpc.blocklist!.overflowCidrs).toHaveLength(12);
    for (const waf of [first, second]) {
      expect(waf.blockedSourcesIpSets.flatMap((s) => s.addresses ?? [])).toHaveLength(12);
    }
  });

  test('blocklistOptions pass through: quota, reserved entries, collateral budget, host bits, non-public ranges, overflowWaf', () => {
    const stack = newStack();
    const waf = new PathAllowlistWaf(stack, 'Waf', { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'], managedRuleGroups: [] });
    const vpc = new HipaaSecureVpc(stack, 'Network', {
      blockedCidrs: [...RANGES_319.slice(0, 40), '192.168.0.0/16', '203.0.113.9/24'],
      blocklistOptions: { maxEntriesPerDirection: 40, reservedEntries: 10, allowNonPublicRanges: true, normalizeHostBits: true, overflowWaf: waf, networkAclName: 'edge' },
    });
    const blocklist = vpc.blocklist!;
    // 40 - 2 - 10 = 28 deny entries; 42 ranges: 14 overflow
    expect(blocklist.plannedDenyCidrs(IpFamily.IPV4)).toHaveLength(28);
    expect(blocklist.overflowCidrs).toHaveLength(14);
    expect(blocklist.blockedCidrs).toContain('203.0.113.0/24');
    expect(blocklist.blockedCidrs).toContain('192.168.0.0/16');
    const budget = new HipaaSecureVpc(newStack(), 'Network', {
      blockedCidrs: Array.from({ length: 19 }, (_, i) => `45.0.0.${2 * i + 1}`),
      blocklistOptions: { maxCollateralIpv4Addresses: 100 },
    });
    expect(Number(budget.blocklist!.collateralAddresses(IpFamily.IPV4))).toBeGreaterThan(0);
  });

  test('the VPC\'s own range stays an error, even with allowNonPublicRanges', () => {
    expect(() => new HipaaSecureVpc(newStack(), 'Network', { blockedCidrs: ['10.0.0.0/8'], blocklistOptions: { allowNonPublicRanges: true } }))
      .toThrow(/'10\.0\.0\.0\/8' overlaps the VPC's CIDR block '10\.0\.0\.0\/16'/);
  });
});
