import { App, Fn, Lazy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { updateViolations } from './plan-fixtures';
import { evaluateNaclPacket, NaclEntryProperties, naclDecisionIntervals, NaclTraffic } from '../../src/analysis/model/nacl-evaluator';
import { IpFamily } from '../../src/ip/family';
import { IpBlocklistNacl, IpBlocklistNaclProps } from '../../src/nacl';
import { BLOCKLIST_RULE_NUMBERS, PlannedNaclEntry, homeRuleNumber } from '../../src/nacl/plan';
import { mergeRanges, parseCidr } from '../../src/private/ip';
import { HipaaSecureVpc } from '../../src/vpc';
import { check, ofRule } from '../checks/support';
import { appWithPeerChecks, synthFindings } from '../support/validation';

const EXAMPLE = ['203.0.113.0/24', '198.51.100.7', '2001:db8:bad::/48'];
const PUBLIC = { subnetType: ec2.SubnetType.PUBLIC };

function vpcStack(options: { ipv6?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    ipProtocol: options.ipv6 ? ec2.IpProtocol.DUAL_STACK : ec2.IpProtocol.IPV4_ONLY,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { app, stack, vpc };
}

/** An imported VPC whose CIDR blocks synth cannot see. */
function importedVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a'],
    publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'],
  });
}

function blocklist(stack: Stack, vpc: ec2.IVpc, props: Partial<IpBlocklistNaclProps> = {}, id = 'Blocklist') {
  return new IpBlocklistNacl(stack, id, { vpc, subnetSelection: PUBLIC, blockedCidrs: EXAMPLE, ...props });
}

interface TemplateEntry extends NaclEntryProperties {
  readonly logicalId: string;
}

function entriesOf(template: Template): TemplateEntry[] {
  return Object.entries(template.findResources('AWS::EC2::NetworkAclEntry'))
    .map(([logicalId, r]) => ({ logicalId, ...r.Properties }));
}

/** Template entries in the shape the update-safety check takes; the logical id stands for the construct id. */
function asPlanned(entries: TemplateEntry[]): PlannedNaclEntry[] {
  return entries.map((e) => ({
    id: e.logicalId,
    egress: e.Egress === true,
    ruleNumber: Number(e.RuleNumber),
    action: e.RuleAction as 'allow' | 'deny',
    family: e.CidrBlock !== undefined ? IpFamily.IPV4 : IpFamily.IPV6,
    cidr: String(e.CidrBlock ?? e.Ipv6CidrBlock),
  }));
}

function blocklistTemplate(cidrs: string[], more: string[] = [], ipv6 = true): TemplateEntry[] {
  const { stack, vpc } = vpcStack({ ipv6 });
  const b = blocklist(stack, vpc, { blockedCidrs: cidrs });
  if (more.length > 0) {
    b.addBlockedCidrs(more);
  }
  return entriesOf(Template.fromStack(stack));
}

describe('IpBlocklistNacl', () => {
  test('the README example: deny entries per family, both directions, all protocols, then allow all', () => {
    // GIVEN
    const { stack, vpc } = vpcStack({ ipv6: true });

    // WHEN
    const b = blocklist(stack, vpc);
    b.addBlockedCidrs(['192.0.2.44']);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NetworkAcl', 1);
    template.resourceCountIs('AWS::EC2::NetworkAclEntry', 2 * (3 + 1 + 2));
    for (const egress of [false, true]) {
      for (const cidr of ['203.0.113.0/24', '198.51.100.7/32', '192.0.2.44/32']) {
        template.hasResourceProperties('AWS::EC2::NetworkAclEntry', {
          CidrBlock: cidr,
          Egress: egress,
          Protocol: -1,
          RuleAction: 'deny',
          RuleNumber: Match.anyValue(),
          NetworkAclId: { Ref: Match.stringLikeRegexp('^BlocklistNetworkAcl') },
        });
      }
      template.hasResourceProperties('AWS::EC2::NetworkAclEntry', {
        Ipv6CidrBlock: '2001:db8:bad::/48', Egress: egress, Protocol: -1, RuleAction: 'deny',
      });
      template.hasResourceProperties('AWS::EC2::NetworkAclEntry', {
        CidrBlock: '0.0.0.0/0', Egress: egress, Protocol: -1, RuleAction: 'allow', RuleNumber: 32000,
      });
      template.hasResourceProperties('AWS::EC2::NetworkAclEntry', {
        Ipv6CidrBlock: '::/0', Egress: egress, Protocol: -1, RuleAction: 'allow', RuleNumber: 32001,
      });
    }
    for (const e of entriesOf(template).filter((x) => x.RuleAction === 'deny')) {
      const [first, last] = e.CidrBlock !== undefined ? [100, 15999] : [16100, 31999];
      expect(e.RuleNumber).toBeGreaterThanOrEqual(first);
      expect(e.RuleNumber).toBeLessThanOrEqual(last);
      expect(e.logicalId).toMatch(new RegExp(`^BlocklistNetworkAcl${e.Egress ? 'Egress' : 'Ingress'}Deny${e.RuleNumber}`));
    }
    expect(b.plannedDenyCidrs(IpFamily.IPV4).sort()).toEqual(['192.0.2.44/32', '198.51.100.7/32', '203.0.113.0/24']);
    expect(b.plannedDenyCidrs(IpFamily.IPV6)).toEqual(['2001:db8:bad::/48']);
    expect(b.collateralAddresses(IpFamily.IPV4)).toBe('0');
    expect(b.blockedCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32', '2001:db8:bad::/48', '192.0.2.44/32']);
  });

  test('associates the NACL with exactly the selected subnets', () => {
    // GIVEN
    const { stack, vpc } = vpcStack();

    // WHEN
    const b = blocklist(stack, vpc);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SubnetNetworkAclAssociation', 2);
    for (const subnet of vpc.publicSubnets) {
      template.hasResourceProperties('AWS::EC2::SubnetNetworkAclAssociation', {
        NetworkAclId: { Ref: Match.stringLikeRegexp('^BlocklistNetworkAcl') },
        SubnetId: stack.resolve(subnet.subnetId),
      });
    }
    expect(b.subnets).toEqual(vpc.publicSubnets);
  });

  test('IPv6 allow entries only when the VPC has IPv6', () => {
    const ipv4Only = blocklistTemplate(['203.0.113.0/24'], [], false);
    expect(ipv4Only.filter((e) => e.RuleAction === 'allow').map((e) => e.RuleNumber)).toEqual([32000, 32000]);
    const dualStack = blocklistTemplate(['203.0.113.0/24'], [], true);
    expect(dualStack.filter((e) => e.RuleAction === 'allow').map((e) => e.RuleNumber).sort()).toEqual([32000, 32000, 32001, 32001]);
  });

  test('IPv6 ranges blocked in a VPC without IPv6: one NaclIpv6WithoutVpcIpv6 finding on the NACL, and no construct warning', () => {
    // GIVEN an IPv4-only VPC and a blocklist that lists an IPv6 range
    const { stack, vpc } = vpcStack();
    blocklist(stack, vpc);

    // WHEN the checks judge the stack
    const findings = ofRule(check(stack), 'LayeredDefense-NaclIpv6WithoutVpcIpv6');

    // THEN the rule reports it once, on the NACL, naming the entries; the construct adds no warning of its own
    expect(findings.map((f) => [f.level, f.path])).toEqual([['warning', '/Stack/Blocklist/NetworkAcl/Resource']]);
    expect(findings[0].text).toMatch(/has 2 IPv6 DENY entries \(inbound rule \d+ 2001:db8:bad::\/48, outbound rule \d+ 2001:db8:bad::\/48\), but VPC \w+ has no IPv6 CIDR block/);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-layered-defense:'))).toEqual([]);
  });

  test('IPv6 ranges blocked in a dual-stack VPC: no NaclIpv6WithoutVpcIpv6 finding', () => {
    const { stack, vpc } = vpcStack({ ipv6: true });
    blocklist(stack, vpc);
    expect(ofRule(check(stack), 'LayeredDefense-NaclIpv6WithoutVpcIpv6')).toEqual([]);
  });

  test('works with an imported VPC (fromVpcAttributes): literal subnet ids, IPv6 allowed by default', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    });

    // WHEN
    blocklist(stack, vpc);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::NetworkAcl', { VpcId: 'vpc-0123456789abcdef0' });
    for (const subnetId of ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb']) {
      template.hasResourceProperties('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: subnetId });
    }
    template.hasResourceProperties('AWS::EC2::NetworkAclEntry', { Ipv6CidrBlock: '::/0', RuleNumber: 32001 });
  });

  test('works with HipaaSecureVpc (IPv4 only: no IPv6 allow entries)', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const vpc = new HipaaSecureVpc(stack, 'Network', { maxAzs: 2 });
    blocklist(stack, vpc, { blockedCidrs: ['203.0.113.0/24'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SubnetNetworkAclAssociation', vpc.publicSubnets.length);
    expect(entriesOf(template).map((e) => e.RuleNumber).filter((n) => Number(n) >= 32000)).toEqual([32000, 32000]);
  });

  test('works with Vpc.fromLookup', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = ec2.Vpc.fromLookup(stack, 'Lookup', { vpcId: 'vpc-12345' });
    // the lookup's placeholder ids ('vpc-12345', 's-12345') are not real ids: keep CloudFormation Validate quiet
    Validations.of(stack).acknowledge(
      { id: 'CloudFormation-Validate::E1151', reason: 'placeholder VPC id of an unresolved lookup' },
      { id: 'CloudFormation-Validate::E1154', reason: 'placeholder subnet ids of an unresolved lookup' },
    );
    blocklist(stack, vpc, { vpcHasIpv6: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SubnetNetworkAclAssociation', vpc.publicSubnets.length);
    template.resourceCountIs('AWS::EC2::NetworkAclEntry', 2 * (2 + 1 + 1));
  });

  test('addBlockedCidrs after construction ends up in the template, and a range it covers is merged away', () => {
    const entries = blocklistTemplate(['203.0.113.7'], ['203.0.113.0/24', '192.0.2.0/25']);
    const v4 = entries.filter((e) => e.RuleAction === 'deny' && !e.Egress).map((e) => e.CidrBlock).sort();
    expect(v4).toEqual(['192.0.2.0/25', '203.0.113.0/24']);
  });

  test('an add that displaces a range updates its slot in place and gives the displaced range a new slot', () => {
    // GIVEN two /32s with the same home number (deterministic search)
    const band = BLOCKLIST_RULE_NUMBERS.ipv4Deny;
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const cidr = `198.19.${Math.floor(i / 256)}.${i % 256}/32`;
      const other = seen.get(homeRuleNumber(cidr, band));
      pair = other !== undefined && homeRuleNumber(cidr, band) < band.last ? [other, cidr].sort() as [string, string] : undefined;
      seen.set(homeRuleNumber(cidr, band), cidr);
    }
    const [small, large] = pair;
    const home = homeRuleNumber(small, band);

    // WHEN
    const entries = blocklistTemplate([large], [small]);

    // THEN
    const deny = entries.filter((e) => e.RuleAction === 'deny' && !e.Egress);
    expect(deny.map((e) => [e.CidrBlock, e.RuleNumber, e.logicalId.replace(/[0-9A-F]{8}$/, '')]).sort()).toEqual([
      [small, home, `BlocklistNetworkAclIngressDeny${home}`],
      [large, home + 1, `BlocklistNetworkAclIngressDeny${home + 1}`],
    ].sort());
  });

  test('names the NACL when asked', () => {
    const { stack, vpc } = vpcStack();
    blocklist(stack, vpc, { networkAclName: 'edge-blocklist' });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::NetworkAcl', {
      Tags: Match.arrayWith([{ Key: 'Name', Value: 'edge-blocklist' }]),
    });
  });

  describe('safe updates (two synths compared)', () => {
    const BEFORE = ['203.0.113.0/24', '198.51.100.7', '192.0.2.44', '2001:db8:bad::/48', '2001:db8:beef::/64', '185.220.101.0/24'];
    const AFTER = ['203.0.113.0/24', '192.0.2.44', '2001:db8:bad::/48', '185.220.109.0/24', '2001:db8:cafe::/56', '198.18.0.1'];

    test('kept ranges keep rule number and logical id; creates never take a deleted slot; denies before allows', () => {
      // GIVEN / WHEN
      const before = blocklistTemplate(BEFORE);
      const after = blocklistTemplate(AFTER.slice(0, 3), AFTER.slice(3));

      // THEN (a)
      for (const cidr of ['203.0.113.0/24', '192.0.2.44/32', '2001:db8:bad::/48']) {
        for (const egress of [false, true]) {
          const find = (es: TemplateEntry[]) => es.find((e) => (e.CidrBlock ?? e.Ipv6CidrBlock) === cidr && e.Egress === egress)!;
          expect(find(after).logicalId).toBe(find(before).logicalId);
          expect(find(after).RuleNumber).toBe(find(before).RuleNumber);
        }
      }
      // (b) and (c)
      expect(updateViolations(asPlanned(before), asPlanned(after))).toEqual([]);
      const beforeIds = new Set(before.map((e) => e.logicalId));
      const afterIds = new Set(after.map((e) => e.logicalId));
      const created = after.filter((e) => !beforeIds.has(e.logicalId));
      const deleted = before.filter((e) => !afterIds.has(e.logicalId));
      expect(created).toHaveLength(6);
      expect(deleted).toHaveLength(6);
      for (const c of created) {
        expect(deleted.some((d) => d.Egress === c.Egress && d.RuleNumber === c.RuleNumber)).toBe(false);
      }
    });

    test('a range merged into a wider one frees its slot and the wider range takes its own', () => {
      const before = blocklistTemplate(['45.1.0.0/25', '45.1.0.128/25']);
      const after = blocklistTemplate(['45.1.0.0/25', '45.1.0.128/25', '45.1.1.0/24']);
      expect(after.filter((e) => e.RuleAction === 'deny' && !e.Egress).map((e) => e.CidrBlock)).toEqual(['45.1.0.0/23']);
      expect(updateViolations(asPlanned(before), asPlanned(after))).toEqual([]);
    });
  });

  describe('traffic through the generated NACL (first match by rule number)', () => {
    const { stack, vpc } = vpcStack({ ipv6: true });
    blocklist(stack, vpc).addBlockedCidrs(['192.0.2.44']);
    const entries = entriesOf(Template.fromStack(stack));
    const TRAFFIC: Array<[string, NaclTraffic]> = [
      ['HTTPS request', { protocol: 6, port: 443 }],
      ['SSH', { protocol: 6, port: 22 }],
      ['DNS over UDP', { protocol: 17, port: 53 }],
      ['return traffic to a Linux ephemeral port', { protocol: 6, port: 32768 }],
      ['return traffic to an ELB/NAT ephemeral port', { protocol: 6, port: 1024 }],
      ['return traffic to a Windows ephemeral port', { protocol: 17, port: 65535 }],
      ['ICMP echo', { protocol: 1, icmpType: 8, icmpCode: 0 }],
      ['ICMPv6 echo', { protocol: 58, icmpType: 128, icmpCode: 0 }],
      ['GRE', { protocol: 47 }],
    ];
    const BLOCKED = ['203.0.113.0', '203.0.113.255', '198.51.100.7', '192.0.2.44', '2001:db8:bad::', '2001:db8:bad:ffff:ffff:ffff:ffff:ffff'];
    const ALLOWED = ['203.0.112.255', '203.0.114.0', '198.51.100.6', '198.51.100.8', '192.0.2.45', '10.0.0.5', '2001:db8:bac:ffff::1', '2001:db8:bae::', '2600::1'];

    test.each(['ingress', 'egress'] as const)('blocked addresses are denied, %s', (direction) => {
      for (const address of BLOCKED) {
        for (const [, traffic] of TRAFFIC) {
          expect(evaluateNaclPacket(entries, { direction, address, ...traffic }).action).toBe('deny');
        }
      }
    });

    test.each(['ingress', 'egress'] as const)('other addresses are allowed, %s, including return traffic', (direction) => {
      for (const address of ALLOWED) {
        for (const [, traffic] of TRAFFIC) {
          expect(evaluateNaclPacket(entries, { direction, address, ...traffic })).toEqual({
            action: 'allow', ruleNumber: address.includes(':') ? 32001 : 32000,
          });
        }
      }
    });

    test('the denied part of each address space is exactly the blocklist', () => {
      for (const direction of ['ingress', 'egress'] as const) {
        for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
          const blocked = mergeRanges([...EXAMPLE, '192.0.2.44'].map((c) => parseCidr(c)).filter((c) => c.family === family))
            .map((r) => ({ first: r.first, last: r.last }));
          const denied = mergeRanges(naclDecisionIntervals(entries, direction, family, { protocol: 6, port: 49152 })
            .filter((i) => i.action === 'deny').map((i) => ({ family, first: i.first, last: i.last })))
            .map((r) => ({ first: r.first, last: r.last }));
          expect(denied).toEqual(blocked);
        }
      }
    });
  });

  describe('capacity', () => {
    const hosts = (n: number) => Array.from({ length: n }, (_, i) => `198.18.0.${i * 2 + 1}`);

    test('a set that does not fit fails synth with the count, the capacity and the options', () => {
      const { stack, vpc } = vpcStack();
      blocklist(stack, vpc, { blockedCidrs: hosts(19) });
      expect(() => Template.fromStack(stack)).toThrow(
        /\[Stack\/Blocklist\] blockedCidrs hold 19 IPv4 ranges .*room for 18 IPv4 deny entries.*raise the 'Rules per network ACL' quota.*maxCollateralIpv4Addresses to at least \d+.*set overflowWaf to a PathAllowlistWaf/s,
      );
    });

    test('a later covering range can make it fit', () => {
      const entries = blocklistTemplate(hosts(19), ['198.18.0.0/24']);
      expect(entries.filter((e) => e.RuleAction === 'deny' && !e.Egress).map((e) => e.CidrBlock)).toEqual(['198.18.0.0/24']);
    });

    test('a raised quota fits more', () => {
      const { stack, vpc } = vpcStack();
      blocklist(stack, vpc, { blockedCidrs: hosts(38), maxEntriesPerDirection: 40 });
      Template.fromStack(stack).resourceCountIs('AWS::EC2::NetworkAclEntry', 2 * (38 + 1));
    });

    test('a lossy cover within budget is used and its exact cost reported', () => {
      // GIVEN
      const { stack, vpc } = vpcStack();

      // WHEN
      const b = blocklist(stack, vpc, { blockedCidrs: hosts(19), maxCollateralIpv4Addresses: 100 });

      // THEN
      const extra = b.collateralAddresses(IpFamily.IPV4);
      expect(Number(extra)).toBeGreaterThan(0);
      expect(b.plannedDenyCidrs(IpFamily.IPV4).length).toBeLessThanOrEqual(18);
      Annotations.fromStack(stack).hasWarning('/Stack/Blocklist',
        Match.stringLikeRegexp(`also blocks ${extra} IPv4 addresses that are not in blockedCidrs.*NaclLossyCover`));
    });

    test('a lossy cover over budget fails synth with the figure it needs', () => {
      const { stack, vpc } = vpcStack();
      const b = blocklist(stack, vpc, { blockedCidrs: hosts(19), maxCollateralIpv4Addresses: 1 });
      expect(() => Template.fromStack(stack)).toThrow(/maxCollateralIpv4Addresses to at least \d+ \(now 1\)/);
      expect(() => b.plannedDenyCidrs(IpFamily.IPV4)).toThrow(/Stack\/Blocklist: blockedCidrs hold 19 IPv4 ranges/);
    });
  });

  describe('bad input', () => {
    type Case = [string, (stack: Stack, vpc: ec2.Vpc) => unknown, RegExp];
    const cases: Case[] = [
      ['malformed CIDR', (s, v) => blocklist(s, v, { blockedCidrs: ['203.0.113.0/33'] }),
        /^Stack\/Blocklist: blockedCidrs\[0\]: Invalid CIDR '203\.0\.113\.0\/33'/],
      ['not a CIDR', (s, v) => blocklist(s, v, { blockedCidrs: ['203.0.113.0/24', 'bad-host'] }),
        /^Stack\/Blocklist: blockedCidrs\[1\]: Invalid CIDR 'bad-host'/],
      ['host bits', (s, v) => blocklist(s, v, { blockedCidrs: ['203.0.113.5/24'] }),
        /^Stack\/Blocklist: blockedCidrs\[0\]: Invalid CIDR '203\.0\.113\.5\/24': has host bits set; the network is 203\.0\.113\.0\/24/],
      ['IPv4 /0', (s, v) => blocklist(s, v, { blockedCidrs: ['0.0.0.0/0'] }),
        /^Stack\/Blocklist: blockedCidrs\[0\] '0\.0\.0\.0\/0' blocks every IPv4 address/],
      ['IPv6 /0', (s, v) => blocklist(s, v, { blockedCidrs: ['203.0.113.0/24', '::/0'] }),
        /^Stack\/Blocklist: blockedCidrs\[1\] '::\/0' blocks every IPv6 address/],
      // An imported VPC without a visible CIDR, with non-public ranges allowed: the last guard against /0 still holds.
      ['IPv4 halves that merge to /0', (s) => blocklist(s, importedVpc(s), { blockedCidrs: ['0.0.0.0/1', '128.0.0.0/1'], allowNonPublicRanges: true }),
        /^Stack\/Blocklist: blockedCidrs makes the blocked IPv4 ranges add up to every IPv4 address \('0\.0\.0\.0\/0'\)/],
      ['IPv6 halves that merge to /0', (s) => blocklist(s, importedVpc(s), { blockedCidrs: ['::/1', '8000::/1'], allowNonPublicRanges: true }),
        /^Stack\/Blocklist: blockedCidrs makes the blocked IPv6 ranges add up to every IPv6 address \('::\/0'\)/],
      ['an add that completes /0', (s) => blocklist(s, importedVpc(s), { blockedCidrs: ['0.0.0.0/1'], allowNonPublicRanges: true }).addBlockedCidrs(['128.0.0.0/1']),
        /^Stack\/Blocklist: addBlockedCidrs\(\) makes the blocked IPv4 ranges add up to every IPv4 address/],
      ['IPv4-mapped IPv6 range', (s, v) => blocklist(s, v, { blockedCidrs: ['::ffff:203.0.113.0/120'] }),
        /^Stack\/Blocklist: blockedCidrs\[0\] '::ffff:203\.0\.113\.0\/120' is an IPv4-mapped IPv6 range.*write the IPv4 CIDR '203\.0\.113\.0\/24' instead/],
      ['IPv4-compatible IPv6 address', (s, v) => blocklist(s, v, { blockedCidrs: ['::203.0.113.9'] }),
        /^Stack\/Blocklist: blockedCidrs\[0\] '::203\.0\.113\.9' is an IPv4-compatible IPv6 range.*'203\.0\.113\.9\/32'/],
      ['empty list', (s, v) => blocklist(s, v, { blockedCidrs: [] }),
        /^Stack\/Blocklist: blockedCidrs is empty; list at least one CIDR/],
      ['empty add', (s, v) => blocklist(s, v).addBlockedCidrs([]),
        /^Stack\/Blocklist: addBlockedCidrs\(\) is empty/],
      ['invalid add', (s, v) => blocklist(s, v).addBlockedCidrs(['192.0.2.0/24', '192.0.2.300']),
        /^Stack\/Blocklist: addBlockedCidrs\(\)\[1\]: Invalid CIDR '192\.0\.2\.300'/],
      ['imported value token', (s, v) => blocklist(s, v, { blockedCidrs: [Fn.importValue('BadIps')] }),
        /^Stack\/Blocklist: blockedCidrs\[0\] '\$\{Token\[TOKEN\.\d+\]\}' is an unresolved token/],
      ['lazy token', (s, v) => blocklist(s, v, { blockedCidrs: ['192.0.2.0/24', Lazy.string({ produce: () => '10.0.0.0/8' })] }),
        /^Stack\/Blocklist: blockedCidrs\[1\] '\$\{Token\[TOKEN\.\d+\]\}' is an unresolved token/],
      ['list token', (s, v) => blocklist(s, v, { blockedCidrs: Fn.split(',', Fn.importValue('BadIps')) }),
        /^Stack\/Blocklist: blockedCidrs is an unresolved list token/],
      ['two blocklists on one subnet', (s, v) => {
        blocklist(s, v);
        blocklist(s, v, { subnetSelection: { subnetType: ec2.SubnetType.PUBLIC, onePerAz: true } }, 'Second');
      }, /^Stack\/Second: subnet 'Stack\/Vpc\/PublicSubnet1' is already protected by the blocklist 'Stack\/Blocklist'/],
      ['subnet type the VPC lacks', (s, v) => blocklist(s, v, { subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }),
        /^Stack\/Blocklist: subnetSelection \{ subnetType: Private \} selects no subnets of VPC 'Stack\/Vpc'/],
      ['selection of no subnets', (s, v) => blocklist(s, v, { subnetSelection: { subnets: [] } }),
        /^Stack\/Blocklist: subnetSelection \{ subnets: 0 subnets \} selects no subnets of VPC 'Stack\/Vpc'/],
      ['filter that leaves nothing', (s, v) => blocklist(s, v, { subnetSelection: { subnetType: ec2.SubnetType.PUBLIC, availabilityZones: ['nowhere-1z'] } }),
        /^Stack\/Blocklist: subnetSelection \{ subnetType: Public, availabilityZones: \[nowhere-1z\] \} selects no subnets/],
      ['maxEntriesPerDirection too small', (s, v) => blocklist(s, v, { maxEntriesPerDirection: 2 }),
        /^Stack\/Blocklist: maxEntriesPerDirection is 2; it must be an integer from 3 to 40/],
      ['maxEntriesPerDirection above the quota maximum', (s, v) => blocklist(s, v, { maxEntriesPerDirection: 41 }),
        /^Stack\/Blocklist: maxEntriesPerDirection is 41; it must be an integer from 3 to 40/],
      ['maxEntriesPerDirection not an integer', (s, v) => blocklist(s, v, { maxEntriesPerDirection: 20.5 }),
        /^Stack\/Blocklist: maxEntriesPerDirection is 20\.5/],
      ['negative collateral', (s, v) => blocklist(s, v, { maxCollateralIpv4Addresses: -1 }),
        /^Stack\/Blocklist: maxCollateralIpv4Addresses is -1; it must be an integer from 0/],
    ];

    test.each(cases)('%s', (_name, build, message) => {
      const { stack, vpc } = vpcStack();
      expect(() => build(stack, vpc)).toThrow(message);
    });

    test('a refused add leaves the blocklist as it was', () => {
      // GIVEN a blocklist of one half of the IPv4 space
      const { stack } = vpcStack();
      const b = blocklist(stack, importedVpc(stack), { blockedCidrs: ['0.0.0.0/1'], allowNonPublicRanges: true });

      // WHEN the other half is added (refused)
      expect(() => b.addBlockedCidrs(['128.0.0.0/1'])).toThrow(/add up to every IPv4 address/);

      // THEN the listed ranges and the planned entries are unchanged
      expect(b.blockedCidrs).toEqual(['0.0.0.0/1']);
      expect(b.plannedDenyCidrs(IpFamily.IPV4)).toEqual(['0.0.0.0/1']);
    });

    test('a lossy cover that would be the whole address space is refused whatever the budget', () => {
      // GIVEN one deny slot per direction and ranges in both halves of the IPv4 space, with an unlimited budget
      const { app, stack, vpc } = vpcStack();
      blocklist(stack, vpc, {
        blockedCidrs: ['1.0.0.0/8', '200.0.0.0/8'],
        maxEntriesPerDirection: 3,
        maxCollateralIpv4Addresses: 2 ** 32,
      });

      // WHEN it synthesizes THEN it fails, saying a cover cannot help
      expect(() => app.synth()).toThrow(/a lossy cover cannot help: every 1-entry cover would also block the VPC's own CIDR blocks or private or reserved ranges/);
    });

    test('two blocklists on different subnets are fine, and so is one per app', () => {
      const { stack, vpc } = vpcStack();
      blocklist(stack, vpc);
      blocklist(stack, vpc, { subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, 'Inner');
      Template.fromStack(stack).resourceCountIs('AWS::EC2::NetworkAcl', 2);
      const other = vpcStack();
      expect(() => blocklist(other.stack, other.vpc)).not.toThrow();
    });

    test('two imports of the same subnet id are one subnet', () => {
      const app = new App();
      const stack = new Stack(app, 'Stack');
      const attrs = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'], publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'] };
      blocklist(stack, ec2.Vpc.fromVpcAttributes(stack, 'One', attrs));
      expect(() => blocklist(stack, ec2.Vpc.fromVpcAttributes(stack, 'Two', attrs), {}, 'Second'))
        .toThrow(/^Stack\/Second: subnet 'subnet-0aaaaaaaaaaaaaaaa' is already protected by the blocklist 'Stack\/Blocklist'/);
    });
  });

  test('acknowledges cdk-nag AwsSolutions-VPC3 on its own NACL only, with its reason in the report, and hides nothing else', () => {
    // GIVEN an app with cdk-nag's packs, a blocklist and a hand-written NACL
    const app = appWithPeerChecks();
    const stack = new Stack(app, 'Stack');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    blocklist(stack, vpc);
    const handWritten = new ec2.NetworkAcl(stack, 'HandWritten', { vpc });
    handWritten.addEntry('DenyTestNet', {
      cidr: ec2.AclCidr.ipv4('192.0.2.0/24'),
      ruleNumber: 100,
      traffic: ec2.AclTraffic.allTraffic(),
      direction: ec2.TrafficDirection.INGRESS,
      ruleAction: ec2.Action.DENY,
    });

    // WHEN it synthesizes through the policy-validation framework
    const findings = synthFindings(app);

    // THEN VPC3 on the blocklist is listed as acknowledged (auditable), the hand-written NACL is still reported,
    // and the VPC's own findings are untouched
    const vpc3 = findings.filter((f) => f.rule === 'AwsSolutions-VPC3');
    const acknowledgedPaths = vpc3.filter((f) => f.acknowledged).flatMap((f) => f.paths);
    const reportedPaths = vpc3.filter((f) => !f.acknowledged).flatMap((f) => f.paths);
    expect(acknowledgedPaths).toContain('Stack/Blocklist/NetworkAcl/Resource');
    expect(acknowledgedPaths.filter((p) => !p.startsWith('Stack/Blocklist/'))).toEqual([]);
    expect(reportedPaths).toEqual(expect.arrayContaining(['Stack/HandWritten/Resource', 'Stack/HandWritten/DenyTestNet/Resource']));
    expect(reportedPaths.filter((p) => p.startsWith('Stack/Blocklist/'))).toEqual([]);
    expect(findings.filter((f) => !f.acknowledged).map((f) => f.rule)).toContain('AwsSolutions-VPC7');
  });
});

describe('IpBlocklistNacl: ranges that would cut the VPC\'s own traffic', () => {
  test('a range overlapping the VPC\'s primary IPv4 block is an error naming both', () => {
    // GIVEN a VPC of 10.0.0.0/16 (the ec2.Vpc default) WHEN a feed's 10.0.0.0/8 is blocked, non-public ranges allowed
    const { stack, vpc } = vpcStack();
    // THEN
    expect(() => blocklist(stack, vpc, { blockedCidrs: ['203.0.113.0/24', '10.0.0.0/8'], allowNonPublicRanges: true }))
      .toThrow(/^Stack\/Blocklist: blockedCidrs\[1\] '10\.0\.0\.0\/8' overlaps the VPC's CIDR block '10\.0\.0\.0\/16' \(primary block of 'Stack\/Vpc\/Resource'\): denying it would cut the VPC's own traffic/);
  });

  test('a range inside a secondary IPv4 block or an IPv6 block of the VPC is an error', () => {
    const { stack, vpc } = vpcStack();
    new ec2.CfnVPCCidrBlock(stack, 'Secondary', { vpcId: vpc.vpcId, cidrBlock: '198.18.0.0/16' });
    new ec2.CfnVPCCidrBlock(stack, 'Ipv6', { vpcId: vpc.vpcId, ipv6CidrBlock: '2600:1f18:abc::/56' });
    expect(() => blocklist(stack, vpc, { blockedCidrs: ['198.18.7.0/24'] }))
      .toThrow(/'198\.18\.7\.0\/24' overlaps the VPC's CIDR block '198\.18\.0\.0\/16' \(secondary block 'Stack\/Secondary'\)/);
    expect(() => blocklist(stack, vpc, { blockedCidrs: ['2600:1f18::/32'], subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, 'Other'))
      .toThrow(/'2600:1f18::\/32' overlaps the VPC's CIDR block '2600:1f18:abc::\/56' \(IPv6 block 'Stack\/Ipv6'\)/);
  });

  test('a block of another VPC does not count', () => {
    const { stack, vpc } = vpcStack();
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'P', subnetType: ec2.SubnetType.PUBLIC }] });
    new ec2.CfnVPCCidrBlock(stack, 'OtherSecondary', { vpcId: other.vpcId, cidrBlock: '198.18.0.0/16' });
    expect(() => blocklist(stack, vpc, { blockedCidrs: ['198.18.7.0/24'] })).not.toThrow();
  });

  test('a secondary block added after the blocklist fails synth', () => {
    const { app, stack, vpc } = vpcStack();
    blocklist(stack, vpc, { blockedCidrs: ['198.18.7.0/24'] });
    new ec2.CfnVPCCidrBlock(stack, 'Secondary', { vpcId: vpc.vpcId, cidrBlock: '198.18.0.0/16' });
    expect(() => app.synth()).toThrow(/\[Stack\/Blocklist\] blocked range '198\.18\.7\.0\/24' overlaps the VPC's CIDR block '198\.18\.0\.0\/16'/);
  });

  test('an imported VPC\'s primary block is checked when given', () => {
    const { stack } = vpcStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'WithCidr', {
      vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '198.18.0.0/16', availabilityZones: ['us-east-1a'], publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'],
    });
    expect(() => blocklist(stack, vpc, { blockedCidrs: ['198.18.128.0/17'] }))
      .toThrow(/overlaps the VPC's CIDR block '198\.18\.0\.0\/16' \(primary block of the imported VPC 'Stack\/WithCidr'\)/);
  });

  test('Vpc.fromLookup before the lookup ran (placeholder block 1.2.3.4/5) is not checked against the placeholder', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = ec2.Vpc.fromLookup(stack, 'Lookup', { vpcId: 'vpc-12345' });
    expect(() => blocklist(stack, vpc, { blockedCidrs: ['1.2.3.0/24'], vpcHasIpv6: false })).not.toThrow();
    expect(Annotations.fromStack(stack).findWarning('/Stack/Blocklist', Match.stringLikeRegexp('primary block of the imported VPC .* is not known at synth'))).toHaveLength(1);
  });

  test('an imported VPC whose blocks synth cannot see gets a warning, not a silent pass', () => {
    const { stack } = vpcStack();
    blocklist(stack, importedVpc(stack), { blockedCidrs: ['203.0.113.0/24'] });
    Annotations.fromStack(stack).hasWarning('/Stack/Blocklist', Match.stringLikeRegexp(
      "cannot check that the blocked ranges stay clear of the VPC's own addresses: the imported VPC 'Stack/Imported' may have secondary and IPv6 CIDR blocks.*NaclVpcCidrUnknown"));
  });

  test('an Amazon-provided IPv6 block is unknown at synth: a warning only when IPv6 ranges are blocked', () => {
    const v4Only = vpcStack({ ipv6: true });
    blocklist(v4Only.stack, v4Only.vpc, { blockedCidrs: ['203.0.113.0/24'] });
    expect(Annotations.fromStack(v4Only.stack).findWarning('*', Match.stringLikeRegexp('NaclVpcCidrUnknown'))).toEqual([]);
    const both = vpcStack({ ipv6: true });
    blocklist(both.stack, both.vpc);
    Annotations.fromStack(both.stack).hasWarning('/Stack/Blocklist', Match.stringLikeRegexp('IPv6 block .* is assigned by AWS at deploy'));
  });

  const NON_PUBLIC: Array<[string, RegExp]> = [
    ['0.0.0.0/8', /"this network"/], ['10.20.0.0/16', /'10\.0\.0\.0\/8', private address space \(RFC 1918\)/],
    ['100.64.0.0/10', /shared address space \(RFC 6598\)/], ['127.0.0.1', /loopback/], ['169.254.169.254', /link-local/],
    ['172.16.0.0/12', /RFC 1918/], ['192.168.1.0/24', /RFC 1918/], ['224.0.0.0/4', /multicast/], ['240.0.0.0/4', /reserved/],
    ['255.255.255.255', /'224\.0\.0\.0\/3'/], ['::/128', /unspecified/], ['::1', /loopback/], ['fd00:1::/32', /unique local/],
    ['fe80::/10', /link-local/], ['ff02::1', /multicast/], ['172.0.0.0/8', /'172\.16\.0\.0\/12'/],
  ];

  test.each(NON_PUBLIC)('%s is refused, naming the range and why', (cidr, why) => {
    const { stack, vpc } = vpcStack({ ipv6: true });
    let error: Error | undefined;
    try {
      blocklist(stack, vpc, { blockedCidrs: [cidr] });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(new RegExp(`^Stack/Blocklist: blockedCidrs\\[0\\] '${cidr.replace(/[.*]/g, '\\$&')}' overlaps '`));
    expect(error?.message).toMatch(why);
    expect(error?.message).toMatch(/set allowNonPublicRanges: true/);
  });

  test('allowNonPublicRanges lets a peer network be blocked; documentation ranges are always allowed', () => {
    const { stack, vpc } = vpcStack();
    const b = blocklist(stack, vpc, { blockedCidrs: ['192.168.0.0/16', '100.64.0.0/10'], allowNonPublicRanges: true });
    expect(b.plannedDenyCidrs(IpFamily.IPV4)).toEqual(['100.64.0.0/10', '192.168.0.0/16']);
    expect(() => blocklist(stack, vpc, {
      blockedCidrs: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'],
      subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    }, 'Docs')).not.toThrow();
  });

  test('the lossy cover never widens into the VPC or non-public ranges, even when that costs more', () => {
    // GIVEN ranges on both sides of the VPC's secondary block 198.18.1.0/24 and of 192.168.0.0/16's neighbours
    const { stack, vpc } = vpcStack();
    new ec2.CfnVPCCidrBlock(stack, 'Secondary', { vpcId: vpc.vpcId, cidrBlock: '198.18.1.0/24' });
    const listed = ['198.18.0.0/24', '198.18.2.0/24', '198.18.3.0/24', '45.0.0.0/24', '45.0.3.0/25'];
    // WHEN it must fit in 3 deny entries with a generous budget
    const b = blocklist(stack, vpc, { blockedCidrs: listed, maxEntriesPerDirection: 5, maxCollateralIpv4Addresses: 1_000_000 });
    // THEN the cover keeps the VPC's block out: 198.18.0.0/22 (256 extra) would be cheaper than 45.0.0.0/22 (640)
    expect(b.plannedDenyCidrs(IpFamily.IPV4)).toEqual(['45.0.0.0/22', '198.18.0.0/24', '198.18.2.0/23']);
    expect(b.collateralAddresses(IpFamily.IPV4)).toBe('640');
  });

  test('when every cover would widen into protected space, synth fails and says so', () => {
    const { app, stack, vpc } = vpcStack();
    // 9.255.255.0/24 and 11.0.0.0/24 sit on both sides of 10.0.0.0/8: any single block covering both holds it
    blocklist(stack, vpc, { blockedCidrs: ['9.255.255.0/24', '11.0.0.0/24'], maxEntriesPerDirection: 3, maxCollateralIpv4Addresses: 2 ** 32 });
    expect(() => app.synth()).toThrow(/every 1-entry cover would also block the VPC's own CIDR blocks or private or reserved ranges/);
  });
});

describe('IpBlocklistNacl: feeds repeat themselves', () => {
  test('a CIDR listed twice (in any spelling, in one call or across calls) is merged, not an error', () => {
    const { stack, vpc } = vpcStack({ ipv6: true });
    const b = blocklist(stack, vpc, { blockedCidrs: ['198.51.100.7', '198.51.100.7/32', '2001:db8:bad::/48'] });
    b.addBlockedCidrs(['2001:DB8:BAD::/48', '203.0.113.0/24']);
    expect(b.blockedCidrs).toEqual(['198.51.100.7/32', '2001:db8:bad::/48', '203.0.113.0/24']);
    expect(b.plannedDenyCidrs(IpFamily.IPV4)).toEqual(['198.51.100.7/32', '203.0.113.0/24']);
  });

  test('normalizeHostBits clears host bits as CidrSet does; without it they stay an error', () => {
    const { stack, vpc } = vpcStack();
    const b = blocklist(stack, vpc, { blockedCidrs: ['203.0.113.77/24', '198.51.100.7'], normalizeHostBits: true });
    expect(b.plannedDenyCidrs(IpFamily.IPV4)).toEqual(['198.51.100.7/32', '203.0.113.0/24']);
    expect(() => blocklist(stack, vpc, { blockedCidrs: ['203.0.113.77/24'], subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, 'Strict'))
      .toThrow(/has host bits set/);
  });
});

describe('IpBlocklistNacl: reservedEntries for responders', () => {
  const hosts = (n: number) => Array.from({ length: n }, (_, i) => `198.18.0.${i * 2 + 1}`);

  test('reserved entries count against the quota and rules 1-99 stay free', () => {
    // GIVEN 10 reserved entries (a GuardDuty responder writes rules 71-80)
    const { stack, vpc } = vpcStack();
    blocklist(stack, vpc, { blockedCidrs: hosts(8), reservedEntries: 10 });
    // THEN 8 deny entries fit (20 - 2 - 10) and none is numbered below 100
    const entries = entriesOf(Template.fromStack(stack));
    expect(entries.filter((e) => e.RuleAction === 'deny')).toHaveLength(16);
    expect(Math.min(...entries.map((e) => Number(e.RuleNumber)))).toBeGreaterThanOrEqual(100);
  });

  test('one range more than the room left fails synth', () => {
    const { stack, vpc } = vpcStack();
    blocklist(stack, vpc, { blockedCidrs: hosts(9), reservedEntries: 10 });
    expect(() => Template.fromStack(stack)).toThrow(/hold 9 IPv4 ranges .* room for 8 IPv4 deny entries .*allow-all, '\*' and reserved entries/);
  });

  test.each([[-1], [18], [2.5]])('reservedEntries %p is refused', (reserved) => {
    const { stack, vpc } = vpcStack();
    expect(() => blocklist(stack, vpc, { reservedEntries: reserved })).toThrow(/^Stack\/Blocklist: reservedEntries is .*; it must be an integer from 0 to 17/);
  });
});
