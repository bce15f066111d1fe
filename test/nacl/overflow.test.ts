import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import { ipSetsFromTemplate, WafEvaluator, webAclsFromTemplate } from '../../src/analysis/model/waf-evaluator';
import { IpFamily } from '../../src/ip/family';
import { BlocklistFeed, IpBlocklistNacl } from '../../src/nacl';
import { planBlocklistNacl } from '../../src/nacl/plan';
import { countAddresses, formatCidr, IpRange, mergeRanges, parseCidr, subtractRanges } from '../../src/private/ip';
import { PathAllowlistWaf } from '../../src/waf';
import { fireholLevel1Like } from '../support/feeds';

// CDK's built-in CloudFormation validation (a WebAssembly cfn-lint) takes about 40 s on an IP set of 6,000 addresses;
// these tests judge what the template blocks, not its schema, so they synthesize without it.
process.env.CDK_VALIDATION = 'false';

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  const waf = new PathAllowlistWaf(stack, 'Waf', { protectedPaths: ['/admin'], allowedCidrs: ['198.51.100.0/24'], managedRuleGroups: [] });
  return { stack, vpc, waf };
}

function ranges(cidrs: readonly string[]): IpRange[] {
  return mergeRanges(cidrs.map((c) => parseCidr(c)));
}

/** What the template blocks: the NACL's ingress deny entries and the blocked sources' IP sets, as merged ranges. */
function blockedByLayer(stack: Stack) {
  const template = Template.fromStack(stack);
  const nacl = Object.values(template.findResources('AWS::EC2::NetworkAclEntry'))
    .map((r) => r.Properties)
    .filter((p) => p.RuleAction === 'deny' && p.Egress !== true)
    .map((p) => p.CidrBlock ?? p.Ipv6CidrBlock);
  const waf = Object.entries(template.findResources('AWS::WAFv2::IPSet'))
    .filter(([id]) => id.includes('BlockedSources'))
    .flatMap(([, r]) => r.Properties.Addresses as string[]);
  return { nacl, waf };
}

describe('IpBlocklistNacl overflowWaf', () => {
  test('a FireHOL level1-sized feed: the NACL keeps the widest ranges, the web ACL the rest, together exactly the feed', () => {
    // GIVEN a 6,000-entry feed (plus bogons, which the feed drops)
    const { stack, vpc, waf } = setup();
    const feed = BlocklistFeed.fromText(fireholLevel1Like(6000).text);
    // WHEN
    const blocklist = new IpBlocklistNacl(stack, 'Blocklist', {
      vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC }, blockedCidrs: feed.cidrs, overflowWaf: waf,
    });
    // THEN 18 deny entries per direction, the rest in the web ACL
    const { nacl, waf: wafCidrs } = blockedByLayer(stack);
    expect(nacl).toHaveLength(18);
    expect(wafCidrs.length).toBeGreaterThan(5000);
    // together they are exactly the feed (range arithmetic), and the layers do not overlap
    const feedRanges = ranges(feed.cidrs);
    expect(mergeRanges([...ranges(nacl), ...ranges(wafCidrs)])).toEqual(feedRanges);
    expect(subtractRanges(ranges(nacl), ranges(wafCidrs))).toEqual(ranges(nacl));
    // the NACL holds the ranges covering the most addresses
    const smallestInNacl = Math.max(...nacl.map((c: string) => parseCidr(c).prefixLength));
    const largestInWaf = Math.min(...wafCidrs.map((c) => parseCidr(c).prefixLength));
    expect(smallestInNacl).toBeLessThanOrEqual(largestInWaf);
    expect(blocklist.overflowCidrs).toHaveLength(feed.cidrs.length - 18);
    // the split is reported
    Annotations.fromStack(stack).hasInfo('/Stack/Blocklist', Match.stringLikeRegexp(
      `^Blocklist split: IPv4: 18 ranges \\(\\d+ addresses\\) in the NACL for every protocol, ${feed.cidrs.length - 18} ranges \\(\\d+ addresses\\) in the web ACL for HTTP only \\(web ACL 'Stack/Waf'\\)`));
  });

  test('requests from an overflowed source are blocked by the web ACL; a NACL source is denied by the NACL', () => {
    const { stack, vpc, waf } = setup();
    const hosts = Array.from({ length: 25 }, (_, i) => `45.0.${i}.1`);
    new IpBlocklistNacl(stack, 'Blocklist', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC }, blockedCidrs: ['45.1.0.0/16', ...hosts], overflowWaf: waf });
    const { nacl, waf: wafCidrs } = blockedByLayer(stack);
    expect(nacl).toContain('45.1.0.0/16');
    const template = Template.fromStack(stack).toJSON();
    const evaluator = new WafEvaluator(Object.values(webAclsFromTemplate(template))[0], { ipSets: ipSetsFromTemplate(template) });
    for (const cidr of wafCidrs) {
      expect(evaluator.evaluate({ sourceIp: cidr.replace(/\/32$/, ''), uriPath: '/' })).toMatchObject({ action: 'BLOCK', terminatingRule: 'BlockedSources' });
    }
    expect(wafCidrs).toHaveLength(26 - 18);
  });

  test('without overflow nothing goes to the web ACL; addBlockedCidrs re-plans the split', () => {
    const { stack, vpc, waf } = setup();
    const b = new IpBlocklistNacl(stack, 'Blocklist', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PUBLIC }, blockedCidrs: ['203.0.113.0/24'], overflowWaf: waf });
    expect(b.overflowCidrs).toEqual([]);
    expect(waf.blockedSourcesIpSets).toEqual([]);
    b.addBlockedCidrs(Array.from({ length: 20 }, (_, i) => `45.0.${i}.1`));
    expect(b.overflowCidrs).toHaveLength(3);
    b.addBlockedCidrs(['45.0.0.0/16']);
    expect(b.overflowCidrs).toEqual([]);
    expect(waf.blockedSourcesIpSets).toEqual([]);
    expect(Template.fromStack(stack).findResources('AWS::WAFv2::IPSet', { Properties: { Addresses: Match.arrayWith(['45.0.0.1/32']) } })).toEqual({});
  });

  test('a lossy cover within budget is still preferred to the overflow', () => {
    const { stack, vpc, waf } = setup();
    const b = new IpBlocklistNacl(stack, 'Blocklist', {
      vpc,
      subnetSelection: { subnetType: ec2.SubnetType.PUBLIC },
      blockedCidrs: Array.from({ length: 19 }, (_, i) => `45.0.0.${2 * i + 1}`),
      overflowWaf: waf,
      maxCollateralIpv4Addresses: 10,
    });
    expect(b.overflowCidrs).toEqual([]);
    expect(Number(b.collateralAddresses(IpFamily.IPV4))).toBeGreaterThan(0);
  });

  test('property: NACL deny entries union WAF block sets == the listed ranges, exactly, per family', () => {
    const v4 = fc.tuple(fc.integer({ min: 0, max: 0xfff }), fc.integer({ min: 20, max: 32 })).map(([n, p]) => {
      const first = 45 * 2 ** 24 + n * 2 ** 12;
      return `${[24, 16, 8, 0].map((b) => Math.floor(first / 2 ** b) % 256).join('.')}/${p}`;
    });
    const v6 = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 32, max: 64 }))
      .map(([n, p]) => `2600:${n.toString(16)}::/${p}`);
    fc.assert(fc.property(fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 80 }), fc.integer({ min: 3, max: 8 }), (cidrs, max) => {
      const valid = cidrs.map((c) => parseCidr(c, { normalizeHostBits: true }));
      const texts = valid.map(formatCidr);
      const plan = planBlocklistNacl(texts, {
        maxEntriesPerDirection: max, ipv6AllowAll: true, collateralBudget: { ipv4: 0n, ipv6: 0n }, overflow: true,
      });
      expect(plan.ok).toBe(true);
      for (const family of [plan.ipv4, plan.ipv6]) {
        expect(family.denyCidrs.length).toBeLessThanOrEqual(max - 2);
        const union = mergeRanges([...ranges(family.denyCidrs), ...ranges(family.overflowCidrs)]);
        expect(union).toEqual(mergeRanges(valid.filter((c) => c.family === family.family)));
        // and the layers are disjoint: the counts add up
        const count = (list: string[]) => countAddresses(ranges(list), family.family);
        expect(countAddresses(union, family.family)).toBe(count(family.denyCidrs) + count(family.overflowCidrs));
      }
    }), { numRuns: 200 });
  });
});
