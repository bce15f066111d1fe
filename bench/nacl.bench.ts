import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BenchCase, SeededRandom, assertSameStrings, createRandom } from './harness';
import { IpFamily } from '../src/ip/family';
import { IpBlocklistNacl } from '../src/nacl';
import { PlannedNaclEntry, planBlocklistNacl } from '../src/nacl/plan';

const BLOCKLISTS = 40;
const PER_STACK = 10;
const PLAN_INPUT = 20_000;

function ipv4Text(value: number): string {
  return [2 ** 24, 2 ** 16, 2 ** 8, 1].map((unit) => Math.floor(value / unit) % 256).join('.');
}

/**
 * 20,000 CIDRs whose exact merge fits one NACL, as a real feed that repeats and nests ranges does: 16 random IPv4
 * /20s, each listed as its 16 /24s, plus random /25-/32 networks inside them; and two IPv6 /48s, each listed as its
 * 256 /56s, plus random /64 networks inside them.
 */
function feed(random: SeededRandom): string[] {
  const v4Blocks = Array.from({ length: 16 }, (_, i) => (16 + i * 8 + random.below(4)) * 2 ** 24 + random.below(2 ** 12) * 2 ** 12);
  const v6Blocks = ['2001:db8:bad', '2001:db8:f00'];
  const out: string[] = [];
  for (const block of v4Blocks) {
    for (let i = 0; i < 16; i++) out.push(`${ipv4Text(block + i * 256)}/24`);
  }
  for (const block of v6Blocks) {
    for (let i = 0; i < 256; i++) out.push(`${block}:${(i * 256).toString(16)}::/56`);
  }
  while (out.length < PLAN_INPUT) {
    if (random.below(10) === 0) {
      out.push(`${v6Blocks[random.below(2)]}:${random.below(0x10000).toString(16)}::/64`);
    } else {
      const prefix = random.between(25, 32);
      const size = 2 ** (32 - prefix);
      const offset = Math.floor(random.below(4096) / size) * size;
      out.push(`${ipv4Text(v4Blocks[random.below(16)] + offset)}/${prefix}`);
    }
  }
  return out;
}

function planFeed(cidrs: string[]) {
  return planBlocklistNacl(cidrs, {
    maxEntriesPerDirection: 20,
    ipv6AllowAll: true,
    collateralBudget: { ipv4: 0n, ipv6: 0n },
  });
}

function denyCidrs(entries: readonly PlannedNaclEntry[]): string[] {
  return entries.filter((e) => !e.egress && e.action === 'deny').map((e) => e.cidr).sort();
}

/** Distinct random /24s and /48s for one blocklist (12 IPv4, 3 IPv6). */
function blocklistInput(random: SeededRandom): string[] {
  const v4 = new Set<string>();
  while (v4.size < 12) v4.add(`${ipv4Text((random.between(1, 223) * 2 ** 16 + random.below(2 ** 16)) * 256)}/24`);
  const v6 = new Set<string>();
  while (v6.size < 3) v6.add(`2001:db8:${random.below(0x10000).toString(16)}::/48`);
  return [...v4, ...v6];
}

/**
 * An app of 4 stacks with 10 NACLs each (a stack holds at most 500 resources, and a full blocklist NACL has up to 80),
 * each stack importing the same VPC; `place(i)` gives the stack and subnet of NACL i.
 */
function benchApp() {
  const app = new App();
  const stacks = Array.from({ length: BLOCKLISTS / PER_STACK }, (_unused, s) => {
    const stack = new Stack(app, `Bench${s}`);
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      publicSubnetIds: Array.from({ length: BLOCKLISTS }, (_, i) => `subnet-${i.toString(16).padStart(17, '0')}`),
    });
    return { stack, vpc };
  });
  const place = (i: number) => {
    const { stack, vpc } = stacks[Math.floor(i / PER_STACK)];
    return { stack, vpc, subnetSelection: { subnets: [vpc.publicSubnets[i]] } };
  };
  return { app, place };
}

function entryCount(app: App): number {
  return app.synth().stacks.reduce((sum, stack) => sum + Object.values(stack.template.Resources as Record<string, { Type: string }>)
    .filter((r) => r.Type === 'AWS::EC2::NetworkAclEntry').length, 0);
}

export async function cases(): Promise<BenchCase[]> {
  const cidrTools = await import('cidr-tools');
  const random = createRandom(20240612);
  const input = feed(random);
  const distinct = [...new Set(input)];
  const lists = Array.from({ length: BLOCKLISTS }, () => blocklistInput(random));
  const plans = lists.map((l) => planFeed(l));

  return [
    {
      name: `IpBlocklistNacl planning: ${PLAN_INPUT.toLocaleString('en-US')} blocked CIDRs (parse, exact merge, quota, rule numbers)`,
      peerName: 'cidr-tools 12 mergeCidr + sequential numbers',
      ours: () => denyCidrs(planFeed(input).entries),
      peer: () => cidrTools.mergeCidr(input).map((cidr, i) => ({ cidr, ruleNumber: 100 + i })).map((e) => e.cidr).sort(),
      check: assertSameStrings,
      goal: { maxRatio: 1, maxOursMs: 100 },
    },
    {
      name: `IpBlocklistNacl construction: ${distinct.length.toLocaleString('en-US')} distinct CIDRs (strict parse, duplicate check, plan, entries)`,
      peerName: '-',
      ours: () => {
        const { stack, vpc, subnetSelection } = benchApp().place(0);
        const blocklist = new IpBlocklistNacl(stack, 'Blocklist', { vpc, subnetSelection, blockedCidrs: distinct });
        return [...blocklist.plannedDenyCidrs(IpFamily.IPV4), ...blocklist.plannedDenyCidrs(IpFamily.IPV6)];
      },
      check: (ours) => assertSameStrings([...(ours as string[])].sort(), denyCidrs(planFeed(input).entries)),
      goal: { maxOursMs: 100 },
    },
    {
      name: `synth: ${BLOCKLISTS} IpBlocklistNacl in ${BLOCKLISTS / PER_STACK} stacks (15 ranges each, ${plans[0].entries.length} entries per NACL)`,
      peerName: 'aws-cdk-lib 2.276 ec2.NetworkAcl + addEntry, same entries by hand',
      ours: () => {
        const { app, place } = benchApp();
        lists.forEach((blockedCidrs, i) => {
          const { stack, vpc, subnetSelection } = place(i);
          new IpBlocklistNacl(stack, `Blocklist${i}`, { vpc, subnetSelection, blockedCidrs });
        });
        return entryCount(app);
      },
      peer: () => {
        const { app, place } = benchApp();
        plans.forEach((plan, i) => {
          const { stack, vpc, subnetSelection } = place(i);
          const acl = new ec2.NetworkAcl(stack, `Nacl${i}`, { vpc, subnetSelection });
          for (const e of plan.entries) {
            acl.addEntry(e.id, {
              ruleNumber: e.ruleNumber,
              cidr: e.family === IpFamily.IPV4 ? ec2.AclCidr.ipv4(e.cidr) : ec2.AclCidr.ipv6(e.cidr),
              traffic: ec2.AclTraffic.allTraffic(),
              direction: e.egress ? ec2.TrafficDirection.EGRESS : ec2.TrafficDirection.INGRESS,
              ruleAction: e.action === 'deny' ? ec2.Action.DENY : ec2.Action.ALLOW,
            });
          }
        });
        return entryCount(app);
      },
      check: (ours, peer) => {
        if (ours !== peer) {
          throw new Error(`ours synthesized ${String(ours)} NACL entries, the hand-written stack ${String(peer)}`);
        }
      },
      goal: { maxRatio: 1.5 },
    },
  ];
}
