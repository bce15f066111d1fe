/**
 * The template-first analysis (`analyzePaths`, what `cdk-layered-defense check` runs) on the 50-stack app of
 * checks.bench.ts, synthesized once per benchmark run into a temp directory (the first process that loads this file
 * does it and hands the directory to the case processes in an environment variable):
 *
 * 1. the floor: `analyzePaths` on the whole cdk.out against just reading and `JSON.parse`-ing the same 50 templates;
 *    goal at most 3x;
 * 2. the peer: cfn-guard 3 (the binary shipped in @cdklabs/cdk-validator-cfnguard) with the Control Tower rules on
 *    three of the stacks' templates, run as the plugin runs it (a child process, `validate --rules <dir> --data ...
 *    --output-format json --structured`), bounded to 2 minutes a run; goal ours at least 50x faster per stack. It
 *    gets 3 rounds in one process: one cfn-guard run takes seconds;
 * 3. scale: an assembly of 500 stacks (the 50 templates, ten copies each under new stack names) checked in a fresh
 *    process, against the same on the 50-stack assembly; goal under 15 s (the process's wall time, Node and ts-node
 *    start-up included) and under 1.5 GB peak RSS. The time per stack at 50 and at 500 is printed from the analysis
 *    time inside each process, so start-up does not hide a non-linear growth;
 * 4. huge input: one template far beyond what AWS deploys, shaped like the inputs that once took seconds to minutes
 *    (a NACL of 40,000 entries, a data store behind a NACL of 4,000, a web ACL of 2,000 rules that each exempt an IP
 *    set of 10,000 addresses, and so a finding per rule), against reading and parsing it; goal at most 10x, where a
 *    quadratic step would take hundreds of times the floor.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from './checks.bench';
import { BenchCase } from './harness';
import { analyzePaths } from '../src/analysis/analyze';
import { AnalysisResult } from '../src/analysis/findings';

const STACKS = 50;
const COPIES = 10;
const PEER_STACKS = 3;
const GUARD_TIMEOUT_MS = 120_000;
const MAX_SCALE_MS = 15_000;
const MAX_SCALE_RSS_MB = 1536;
/** The directory holding `out50/` and `out500/`, made by the first process that loads this file. */
const DIR_ENV = 'LAYERED_DEFENSE_BENCH_ANALYSIS_DIR';

const GUARD_PACKAGE = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const GUARD_RULES = path.join(GUARD_PACKAGE, 'rules', 'control-tower', 'cfn-guard');

/** The plugin's choice of binary (CfnGuardValidator.getPlatform / getArchitecture). */
function guardBinary(): string {
  const platform = process.platform === 'darwin' ? 'macos' : 'ubuntu';
  const architecture = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  return path.join(GUARD_PACKAGE, 'bin', platform, architecture, 'cfn-guard');
}

function guardVersion(): string {
  const file = path.join(GUARD_PACKAGE, 'guard-version.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Synthesizes the 50-stack app and copies it into a 500-stack assembly; once per benchmark run. */
function inputs(): { out50: string; out500: string } {
  let dir = process.env[DIR_ENV];
  if (dir === undefined) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-analysis-'));
    const made = dir;
    process.on('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    const validation = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      buildApp(path.join(dir, 'out50')).synth();
    } finally {
      if (validation === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = validation;
    }
    copyAssembly(path.join(dir, 'out50'), path.join(dir, 'out500'));
    process.env[DIR_ENV] = dir;
  }
  return { out50: path.join(dir, 'out50'), out500: path.join(dir, 'out500') };
}

interface Artifact { type: string; displayName?: string; properties?: { templateFile?: string }; [key: string]: unknown }

/** Each stack of the assembly ten times, as `C<k>-<stack>`, each copy with a template file of its own. */
function copyAssembly(from: string, to: string): void {
  fs.mkdirSync(to);
  const manifest = JSON.parse(fs.readFileSync(path.join(from, 'manifest.json'), 'utf8')) as { artifacts: Record<string, Artifact> };
  const artifacts: Record<string, Artifact> = {};
  for (const [id, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || artifact.properties?.templateFile === undefined) continue;
    for (let copy = 0; copy < COPIES; copy++) {
      const name = `C${copy}-${id}`;
      const templateFile = `${name}.template.json`;
      fs.copyFileSync(path.join(from, artifact.properties.templateFile), path.join(to, templateFile));
      const { dependencies: _d, additionalMetadataFile: _m, ...rest } = artifact;
      artifacts[name] = { ...rest, displayName: name, properties: { ...artifact.properties, templateFile } };
    }
  }
  fs.writeFileSync(path.join(to, 'manifest.json'), JSON.stringify({ ...manifest, artifacts }, undefined, 1));
}

function stackTemplates(assembly: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly, 'manifest.json'), 'utf8')) as { artifacts: Record<string, Artifact> };
  return Object.values(manifest.artifacts)
    .filter((a) => a.type === 'aws:cloudformation:stack')
    .map((a) => path.join(assembly, a.properties!.templateFile!));
}

/** The floor: read and parse each template; returns how many resources they declare. */
function readAndParse(files: readonly string[]): number {
  let resources = 0;
  for (const file of files) {
    const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: object };
    resources += Object.keys(template.Resources ?? {}).length;
  }
  return resources;
}

/** cfn-guard as the plugin runs it; returns one report per template. Exit 19 (or 5) means non-compliant, not failure. */
function runGuard(files: readonly string[]): Array<{ name: string; status: string }> {
  const child = spawnSync(
    guardBinary(),
    ['validate', '--rules', GUARD_RULES, ...files.flatMap((f) => ['--data', f]), '--output-format', 'json', '--show-summary', 'none', '--structured'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: GUARD_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 },
  );
  if (child.error !== undefined || ![0, 5, 19].includes(child.status ?? -1)) {
    throw new Error(`cfn-guard failed (${child.error?.message ?? `exit ${String(child.status ?? child.signal)}`}): ${child.stderr?.slice(0, 500)}`);
  }
  return JSON.parse(child.stdout) as Array<{ name: string; status: string }>;
}

interface ScaleRun {
  stacks: number;
  resources: number;
  findings: number;
  analysisMs: number;
  analysisCpuMs: number;
  processCpuMs: number;
  peakRssMb: number;
  rssMb: number;
}

/** Checks an assembly in a fresh process (so its peak memory is this check's alone). */
function checkInChild(assembly: string): ScaleRun {
  const root = path.join(__dirname, '..');
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'scale-child.ts'), assembly], {
    cwd: root,
    env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'tsconfig.dev.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 5 * MAX_SCALE_MS,
  });
  if (child.error !== undefined || child.status !== 0) {
    throw new Error(`checking ${assembly} failed (${child.error?.message ?? `exit ${String(child.status ?? child.signal)}`}): ${child.stderr?.slice(0, 500)}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as ScaleRun;
}

/**
 * Writes the huge-input template (case 4) next to the assemblies; returns its path. The directory is made afresh by
 * each benchmark run (and removed at its end), so the file is reused only by that run's case processes.
 */
function hugeTemplate(dir: string): string {
  const file = path.join(dir, 'huge.template.json');
  if (fs.existsSync(file)) return file;
  const resources: Record<string, unknown> = {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Igw: { Type: 'AWS::EC2::InternetGateway', Properties: {} },
    Attachment: { Type: 'AWS::EC2::VPCGatewayAttachment', Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } } },
    Public: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', MapPublicIpOnLaunch: true } },
    Data: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24' } },
    Routes: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
    Default: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'Routes' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } } },
    PublicRoutes: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Public' }, RouteTableId: { Ref: 'Routes' } } },
    Blocklist: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
    DataNacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
    DataNaclAssociation: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Data' }, NetworkAclId: { Ref: 'DataNacl' } } },
    Group: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'db', VpcId: { Ref: 'Vpc' }, SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '0.0.0.0/0' }] },
    },
    DbSubnets: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { DBSubnetGroupDescription: 'data', SubnetIds: [{ Ref: 'Data' }] } },
    Db: {
      Type: 'AWS::RDS::DBInstance',
      Properties: { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', DBSubnetGroupName: { Ref: 'DbSubnets' }, VPCSecurityGroups: [{ 'Fn::GetAtt': ['Group', 'GroupId'] }] },
    },
    Web: { Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-12345678', SubnetId: { Ref: 'Public' }, SecurityGroupIds: [{ 'Fn::GetAtt': ['Group', 'GroupId'] }] } },
    Wide: { Type: 'AWS::WAFv2::IPSet', Properties: { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: [] as string[] } },
  };
  const address = (i: number) => `${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
  for (let i = 0; i < 40_000; i++) {
    resources[`Block${i}`] = {
      Type: 'AWS::EC2::NetworkAclEntry',
      Properties: { NetworkAclId: { Ref: 'Blocklist' }, RuleNumber: 1 + (i >> 1), Egress: i % 2 === 1, RuleAction: 'deny', Protocol: -1, CidrBlock: `${address(i >> 1)}.0/24` },
    };
  }
  for (let i = 0; i < 4_000; i++) {
    const tcp = i % 3 === 0 ? { Protocol: 6, PortRange: { From: i, To: i + 100 } } : { Protocol: -1 };
    resources[`Data${i}`] = {
      Type: 'AWS::EC2::NetworkAclEntry',
      Properties: { NetworkAclId: { Ref: 'DataNacl' }, RuleNumber: 1 + (i >> 1), Egress: i % 2 === 1, RuleAction: i % 4 < 2 ? 'deny' : 'allow', CidrBlock: `${address(i)}.0/24`, ...tcp },
    };
  }
  // Half the IPv4 space in its first block (so each rule exempts too much: a finding per rule), and 9,999 blocks inside it.
  (resources.Wide as { Properties: { Addresses: string[] } }).Properties.Addresses = ['128.0.0.0/1',
    ...Array.from({ length: 9_999 }, (_, i) => `${128 + (i >> 14)}.${(i >> 6) & 255}.${(i & 63) << 2}.0/22`)];
  const visibility = (name: string) => ({ SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: name });
  resources.Acl = {
    Type: 'AWS::WAFv2::WebACL',
    Properties: {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: visibility('acl'),
      Rules: Array.from({ length: 2_000 }, (_, i) => ({
        Name: `Admin${i}`,
        Priority: i,
        Action: { Block: {} },
        VisibilityConfig: visibility(`admin${i}`),
        Statement: {
          AndStatement: {
            Statements: [
              { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: `/admin${i}`, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
              { NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': ['Wide', 'Arn'] } } } } },
            ],
          },
        },
      })),
    },
  };
  fs.writeFileSync(file, JSON.stringify({ Resources: resources }, undefined, 1));
  return file;
}

function perStack(ms: number, stacks: number): string {
  return `${(ms / stacks).toFixed(2)} ms/stack`;
}

export async function cases(): Promise<BenchCase[]> {
  const { out50, out500 } = inputs();
  const huge = hugeTemplate(path.dirname(out50));
  const templates = stackTemplates(out50);
  const three = templates.slice(0, PEER_STACKS);
  const shape = `${STACKS} stacks x (2 VPCs, 4 NACLs of 15 entries, 30 security groups, 2 web ACLs)`;
  return [
    {
      name: `analyzePaths on the cdk.out of ${shape}`,
      peerName: `the floor: read + JSON.parse the ${STACKS} templates`,
      ours: () => analyzePaths([out50]),
      peer: () => readAndParse(templates),
      check: (ours, peer) => {
        const result = ours as AnalysisResult;
        if (result.stacks !== STACKS || result.resources !== peer) {
          throw new Error(`expected ${STACKS} stacks and ${String(peer)} resources, got ${result.stacks} and ${result.resources}`);
        }
      },
      goal: { maxRatio: 3 },
    },
    {
      name: `analyzePaths on ${PEER_STACKS} of those stacks' templates`,
      peerName: `cfn-guard ${guardVersion()} with the Control Tower rules (child process)`,
      ours: () => analyzePaths(three),
      peer: () => runGuard(three),
      check: (ours, peer) => {
        const reports = peer as Array<{ name: string }>;
        if ((ours as AnalysisResult).stacks !== PEER_STACKS || reports.length !== PEER_STACKS) {
          throw new Error(`expected ${PEER_STACKS} stacks judged by both, got ${(ours as AnalysisResult).stacks} and ${reports.length} cfn-guard reports`);
        }
      },
      goal: { minSpeedup: 50 },
      runs: { warmup: 1, rounds: 3, forks: 1 },
      report: (_ours, _peer, { oursMs, peerMs }) => `per stack: ours ${perStack(oursMs, PEER_STACKS)}, cfn-guard ${perStack(peerMs ?? NaN, PEER_STACKS)}`,
    },
    {
      name: `scale: a fresh process checks an assembly of ${STACKS * COPIES} such stacks`,
      peerName: `the same on the ${STACKS}-stack assembly`,
      ours: () => checkInChild(out500),
      peer: () => checkInChild(out50),
      check: (ours, peer) => {
        const big = ours as ScaleRun;
        const small = peer as ScaleRun;
        const tenfold = big.findings === COPIES * small.findings && big.resources === COPIES * small.resources;
        if (big.stacks !== STACKS * COPIES || small.stacks !== STACKS || !tenfold) {
          throw new Error(`expected ${COPIES}x the stacks, resources and findings: 500-stack run ${JSON.stringify(big)}, 50-stack run ${JSON.stringify(small)}`);
        }
      },
      goal: { maxOursMs: MAX_SCALE_MS },
      runs: { warmup: 1, rounds: 3, forks: 1 },
      report: (ours, peer) => {
        const big = ours as ScaleRun;
        const small = peer as ScaleRun;
        const growth = (big.analysisMs / big.stacks) / (small.analysisMs / small.stacks);
        return 'analysis inside the process (last run; the first analysis in a process, so JIT warm-up included): '
          + `${STACKS} stacks ${small.analysisMs.toFixed(0)} ms (CPU ${small.analysisCpuMs.toFixed(0)} ms) = ${perStack(small.analysisMs, small.stacks)}; `
          + `${big.stacks} stacks ${big.analysisMs.toFixed(0)} ms (CPU ${big.analysisCpuMs.toFixed(0)} ms) = ${perStack(big.analysisMs, big.stacks)} `
          + `(x${growth.toFixed(2)} per stack; 1.00 is linear); whole process CPU at ${big.stacks}: ${big.processCpuMs.toFixed(0)} ms; `
          + `peak RSS ${big.peakRssMb.toFixed(0)} MB at ${big.stacks} (${small.peakRssMb.toFixed(0)} MB at ${small.stacks}): `
          + `${big.peakRssMb <= MAX_SCALE_RSS_MB ? 'met' : 'MISSED'} (goal under ${MAX_SCALE_RSS_MB} MB)`;
      },
    },
    {
      name: 'huge input: a NACL of 40,000 entries, a data store behind one of 4,000, a web ACL of 2,000 rules each exempting 10,000 addresses',
      peerName: 'the floor: read + JSON.parse the template',
      ours: () => analyzePaths([huge]),
      peer: () => readAndParse([huge]),
      check: (ours, peer) => {
        const result = ours as AnalysisResult;
        const count = (test: (f: AnalysisResult['findings'][number]) => boolean) => result.findings.filter(test).length;
        const exemptions = count((f) => f.ruleId === 'LayeredDefense-WafAllowlistVeryBroad');
        // Each shape takes the path it was written for: the order rules cannot verify the 40,000-entry NACL, and the
        // data store's paths through the 4,000-entry one are not judged.
        const blocklist = count((f) => f.logicalId === 'Blocklist' && f.message.startsWith('LayeredDefense-NaclDenyShadowed cannot verify'));
        const paths = count((f) => f.logicalId === 'Db' && f.message.includes('DataNacl has 2000 inbound IPv4 entries'));
        if (result.resources !== peer || exemptions !== 2_000 || blocklist !== 2 || paths === 0) {
          throw new Error(`expected ${String(peer)} resources, 2000 WafAllowlistVeryBroad findings, 2 unverified Blocklist directions and an `
            + `unverified path to Db; got ${result.resources}, ${exemptions}, ${blocklist} and ${paths}`);
        }
      },
      goal: { maxRatio: 10 },
      runs: { warmup: 1, rounds: 5, forks: 1 },
    },
  ];
}
