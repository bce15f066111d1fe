/**
 * The checks on a generated app: 50 stacks, each with 2 VPCs, 4 NACLs of 15 entries, 30 security groups and 2 web
 * ACLs. Each run builds a fresh app (a construct tree is synthesized once) and synthesizes it to a temp directory.
 * CDK's built-in CloudFormation validation is switched off for every side (CDK_VALIDATION=false) so the numbers
 * compare the checks, not that plugin.
 *
 * 1. synth with `LayeredDefenseChecks` (aspect) vs synth with no checks: goal overhead at most 1.13x (issue 14: the
 *    figure the per-stack aspect had, kept now that the aspect judges all the stacks of the app together);
 * 2. synth with `LayeredDefenseNagPack` vs synth with cdk-nag 3's AwsSolutions pack, for the whole picture. It has
 *    no goal: both packs' own work is about 3% of a synth of this app, below the 10-30% that single synths vary by
 *    (CDK keeps every synthesized app reachable, so each synth in a process collects more garbage than the last);
 * 3. the two packs' own work on one synthesized app, what CDK's policy validation calls after writing the assembly
 *    (`validate`, which is `validateScope` on the app), many times over: goal ours faster. Each stack has one open
 *    SSH group here, so both packs have findings to report and the check can see that each judged every stack.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { BenchCase, createRandom, SeededRandom } from './harness';
import { LayeredDefenseChecks, LayeredDefenseNagPack } from '../src/frontdoors';

const STACKS = 50;
const VPCS = 2;
const NACLS = 4;
const ENTRIES = 15;
const GROUPS = 30;
const WEB_ACLS = 2;
const SEED = 0x1a7e5ed;

/**
 * The generated app. With `openSsh`, each stack also has one security group open to the internet on port 22, a
 * finding for both packs, so case 3 can check that each pack judged every stack.
 */
export function buildApp(outdir: string, openSsh = false): App {
  const app = new App({ outdir, context: { '@aws-cdk/core:appMode': 'inmemory' } });
  const random = createRandom(SEED);
  for (let s = 0; s < STACKS; s++) {
    buildStack(new Stack(app, `Stack${s}`, { env: { account: '111111111111', region: 'us-east-1' } }), random, openSsh);
  }
  return app;
}

function buildStack(stack: Stack, random: SeededRandom, openSsh: boolean): void {
  const vpcs = Array.from({ length: VPCS }, (_, v) => new ec2.Vpc(stack, `Vpc${v}`, {
    ipAddresses: ec2.IpAddresses.cidr(`10.${v}.0.0/16`),
    maxAzs: 2,
    natGateways: 0,
    restrictDefaultSecurityGroup: true,
    flowLogs: { All: {} },
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  }));
  // Blocklist NACLs as people write them: the same DENY entries in both directions, then ALLOW all (15 entries).
  for (let n = 0; n < NACLS; n++) {
    const vpc = vpcs[n % VPCS];
    const nacl = new ec2.NetworkAcl(stack, `Nacl${n}`, { vpc, subnetSelection: { subnetGroupName: n < VPCS ? 'Public' : 'Private' } });
    // 6 DENYs in each direction, HTTPS in, then ALLOW all in each direction: 15 entries
    const denies = Array.from({ length: (ENTRIES - 3) >> 1 }, () => `${random.between(11, 200)}.${random.below(256)}.${random.below(256)}.0/24`);
    let e = 0;
    for (const direction of [ec2.TrafficDirection.INGRESS, ec2.TrafficDirection.EGRESS]) {
      denies.forEach((cidr, i) => nacl.addEntry(`E${e++}`, { ruleNumber: 100 + i, cidr: ec2.AclCidr.ipv4(cidr), traffic: ec2.AclTraffic.allTraffic(), direction, ruleAction: ec2.Action.DENY }));
      nacl.addEntry(`E${e++}`, { ruleNumber: 1000, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction, ruleAction: ec2.Action.ALLOW });
    }
    nacl.addEntry(`E${e++}`, { ruleNumber: 900, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.tcpPort(443), direction: ec2.TrafficDirection.INGRESS, ruleAction: ec2.Action.ALLOW });
  }
  for (let g = 0; g < GROUPS; g++) {
    const sg = new ec2.SecurityGroup(stack, `Sg${g}`, { vpc: vpcs[g % VPCS], allowAllOutbound: false, description: `tier ${g}` });
    sg.addIngressRule(ec2.Peer.ipv4(`10.${g % VPCS}.${random.below(256)}.0/24`), ec2.Port.tcp(random.between(1024, 9000)));
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
    sg.addEgressRule(ec2.Peer.ipv4(`10.${g % VPCS}.0.0/16`), ec2.Port.tcp(5432));
  }
  if (openSsh) {
    const bastion = new ec2.SecurityGroup(stack, 'OpenSsh', { vpc: vpcs[0], allowAllOutbound: false, description: 'ssh from anywhere' });
    bastion.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  }
  for (let w = 0; w < WEB_ACLS; w++) {
    const acl = new wafv2.CfnWebACL(stack, `Acl${w}`, {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `acl${w}` },
      rules: [{
        name: 'BlockAdmin',
        priority: 0,
        action: { block: {} },
        visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'admin' },
        statement: {
          byteMatchStatement: {
            searchString: '/admin',
            positionalConstraint: 'STARTS_WITH',
            fieldToMatch: { uriPath: {} },
            textTransformations: [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'NORMALIZE_PATH' }, { priority: 2, type: 'LOWERCASE' }],
          },
        },
      }],
    });
    new wafv2.CfnWebACLAssociation(stack, `AclAssociation${w}`, {
      webAclArn: acl.attrArn,
      resourceArn: `arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/bench-${w}/0123456789abcdef`,
    });
    new wafv2.CfnLoggingConfiguration(stack, `AclLogging${w}`, {
      resourceArn: acl.attrArn,
      logDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-bench'],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
  }
}

/** Builds and synthesizes a fresh app; returns how many stacks the assembly holds. Validation failures are findings, not errors. */
function synth(setup: (app: App) => void): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-checks-'));
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = buildApp(outdir);
    setup(app);
    try {
      return app.synth().stacks.length;
    } catch (e) {
      if (!/ValidationFailed/.test(String(e))) {
        throw e;
      }
      return STACKS;
    }
  } finally {
    restoreEnv('CDK_VALIDATION', validation);
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The app with open SSH, built and synthesized once (its templates on disk, as policy validation sees them). */
let synthesized: App | undefined;

function synthesizedApp(): App {
  if (synthesized === undefined) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-checks-packs-'));
    process.on('exit', () => fs.rmSync(outdir, { recursive: true, force: true }));
    const validation = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      synthesized = buildApp(outdir, true);
      synthesized.synth();
    } finally {
      restoreEnv('CDK_VALIDATION', validation);
    }
  }
  return synthesized;
}

/** How many resources a pack's validation of the synthesized app flags per rule. */
function validateWith(pack: (app: App) => NagPack): Record<string, number> {
  const app = synthesizedApp();
  const report = pack(app).validateScope(app);
  return Object.fromEntries(report.violations.map((violation) => [violation.ruleName, violation.violatingResources.length]));
}

/** Each pack must have judged every stack: each flags the one open SSH group per stack, and ours flags nothing else. */
function bothPacksFlagOpenSsh(ours: unknown, peer: unknown): void {
  const expected = JSON.stringify({ 'LayeredDefense-SgOpenIngress': STACKS });
  if (JSON.stringify(ours) !== expected) {
    throw new Error(`expected our pack to report ${expected}, got ${JSON.stringify(ours)}`);
  }
  // AwsSolutions-EC23 flags every group open to the internet: the open SSH group and the 30 HTTPS groups per stack.
  const peerOpen = (peer as Record<string, number>)['AwsSolutions-EC23'];
  if (peerOpen !== STACKS * (GROUPS + 1)) {
    throw new Error(`expected AwsSolutions-EC23 on ${STACKS * (GROUPS + 1)} groups, got ${JSON.stringify(peer)}`);
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}

function sameStackCount(ours: unknown, peer: unknown): void {
  if (ours !== STACKS || peer !== STACKS) {
    throw new Error(`expected ${STACKS} stacks on both sides, got ${String(ours)} and ${String(peer)}`);
  }
}

export async function cases(): Promise<BenchCase[]> {
  const shape = `${STACKS} stacks x (${VPCS} VPCs, ${NACLS} NACLs of ${ENTRIES} entries, ${GROUPS} security groups, ${WEB_ACLS} web ACLs)`;
  return [
    {
      name: `synth with LayeredDefenseChecks (aspect): ${shape}`,
      peerName: 'synth with no checks',
      ours: () => synth((app) => Aspects.of(app).add(new LayeredDefenseChecks())),
      peer: () => synth(() => undefined),
      check: sameStackCount,
      goal: { maxRatio: 1.13 },
    },
    {
      name: `synth with LayeredDefenseNagPack: ${shape}`,
      peerName: 'synth with cdk-nag 3.0.2 AwsSolutions',
      ours: () => synth((app) => Validations.of(app).addPlugins(new LayeredDefenseNagPack(app))),
      peer: () => synth((app) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app))),
      check: sameStackCount,
    },
    {
      name: `the packs' own work (validateScope) on one synthesized app: ${shape}`,
      peerName: 'cdk-nag 3.0.2 AwsSolutions',
      ours: () => validateWith((app) => new LayeredDefenseNagPack(app)),
      peer: () => validateWith((app) => new AwsSolutionsChecks(app)),
      check: bothPacksFlagOpenSsh,
      goal: { maxRatio: 1 },
    },
  ];
}
