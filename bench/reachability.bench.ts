/**
 * Reachability on the 50-stack app of checks.bench.ts, with workloads added to each stack (the checks' app has none):
 * in VPC 0 an internet-facing ALB, two application instances sharing one group, a PostgreSQL instance and an
 * ElastiCache cluster that admit the application's group; in VPC 1 a Lambda function and a second PostgreSQL
 * instance that admits it. That is 150 data stores and 300 workload groups. Synthesized once per benchmark run into
 * a temp directory (the first process that loads this file does it and hands the directory on in an environment
 * variable), then read as the CLI reads it.
 *
 * 1. the model: what reachability builds on the checks' network model (routing and workloads, as the path rules do)
 *    against what the checks build (the network model itself); goal no more time (ratio at most 1);
 * 2. one `explain` (application instance -> database on 5432, cycling over the stacks): goal under 5 ms. No peer:
 *    nothing else answers the question; the case prints the time per query;
 * 3. the exposure analysis of every data store against the internet and every other workload group, every TCP and
 *    UDP port: goal under 1 s. The peer, for scale, is the registry's other rules on the same model.
 *
 *   npx projen bench reachability
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { buildApp } from './checks.bench';
import { BenchCase } from './harness';
import { readApp } from '../src/analysis/cfn';
import { checkModel } from '../src/analysis/engine';
import { buildNetworkModel, StackInput } from '../src/analysis/model/network-model';
import { FlowQuerySpec, ReachabilityModel } from '../src/analysis/reachability/explain';
import { analyzeExposure, DataStoreExposure } from '../src/analysis/reachability/exposure';
import { resolveChecksOptions } from '../src/analysis/resolve-options';
import { RULES } from '../src/analysis/rules/registry';

const STACKS = 50;
const DIR_ENV = 'LAYERED_DEFENSE_BENCH_REACHABILITY_DIR';
const PATH_RULES = ['LayeredDefense-DataStoreInternetReachable', 'LayeredDefense-DataStoreReachedOutsideGroups', 'LayeredDefense-WafOriginBypass'];

/** The checks' app with each stack's workloads added, synthesized once per benchmark run. */
function assembly(): string {
  let dir = process.env[DIR_ENV];
  if (dir === undefined) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-reachability-'));
    const made = dir;
    process.on('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    const validation = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      const app = buildApp(path.join(dir, 'out'));
      app.node.children.filter((c): c is Stack => c instanceof Stack).forEach(addWorkloads);
      app.synth();
    } finally {
      if (validation === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = validation;
    }
    process.env[DIR_ENV] = dir;
  }
  return path.join(dir, 'out');
}

function addWorkloads(stack: Stack): void {
  const [vpc0, vpc1] = ['Vpc0', 'Vpc1'].map((id) => stack.node.findChild(id) as ec2.Vpc);
  const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: vpc0, internetFacing: true });
  const appGroup = new ec2.SecurityGroup(stack, 'AppGroup', { vpc: vpc0, description: 'application' });
  const instances = [0, 1].map((i) => new ec2.Instance(stack, `App${i}`, {
    vpc: vpc0,
    vpcSubnets: isolated,
    securityGroup: appGroup,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
  }));
  alb.addListener('Https', { port: 443, open: true, protocol: elbv2.ApplicationProtocol.HTTP })
    .addTargets('App', { port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, targets: [], healthCheck: { interval: Duration.seconds(30) } });
  appGroup.addIngressRule(alb.connections.securityGroups[0], ec2.Port.tcp(8080));
  void instances;
  const database = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc: vpc0,
    vpcSubnets: isolated,
    storageEncrypted: true,
  });
  database.connections.allowDefaultPortFrom(appGroup);
  const cacheGroup = new ec2.SecurityGroup(stack, 'CacheGroup', { vpc: vpc0, description: 'cache' });
  cacheGroup.addIngressRule(appGroup, ec2.Port.tcp(6379));
  const cacheSubnets = new elasticache.CfnSubnetGroup(stack, 'CacheSubnets', { description: 'cache', subnetIds: vpc0.isolatedSubnets.map((s) => s.subnetId) });
  new elasticache.CfnCacheCluster(stack, 'Cache', {
    engine: 'redis',
    cacheNodeType: 'cache.t3.micro',
    numCacheNodes: 1,
    cacheSubnetGroupName: cacheSubnets.ref,
    vpcSecurityGroupIds: [cacheGroup.securityGroupId],
  });
  const fn = new lambda.Function(stack, 'Worker', {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    vpc: vpc1,
    vpcSubnets: isolated,
  });
  const reports = new rds.DatabaseInstance(stack, 'ReportsDb', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc: vpc1,
    vpcSubnets: isolated,
    storageEncrypted: true,
  });
  reports.connections.allowDefaultPortFrom(fn);
}

/** The app's stacks as the CLI reads them. */
let stacks: StackInput[] | undefined;
function inputs(): StackInput[] {
  stacks ??= readApp([assembly()]).stacks;
  return stacks;
}

export async function cases(): Promise<BenchCase[]> {
  const input = inputs();
  const network = buildNetworkModel(input);
  const model = ReachabilityModel.fromNetworkModel(network);
  const shape = `${STACKS} stacks x (the checks' app + ALB, 2 instances, Lambda, 2 RDS, ElastiCache)`;
  const queries: FlowQuerySpec[] = input.map((s) => {
    // The app writes no construct paths into its templates: find the workloads by their logical ids' prefix.
    const of = (kind: string, construct: string) => model.workloads.find((w) => w.resource.stack.id === s.id && w.kind === kind
      && new RegExp(`^${construct}[0-9A-F]{8}$`).test(w.resource.logicalId))!;
    return {
      from: { kind: 'workloads', keys: [of('instance', 'App0').key], description: `${s.stackName}/App0` },
      to: { keys: [of('rds-instance', 'Db').key], description: `${s.stackName}/Db` },
      port: 5432,
      protocol: 6,
    };
  });
  let next = 0;
  const otherRules = resolveChecksOptions('bench', { skipRules: PATH_RULES }, RULES.map((r) => r.id));
  return [
    {
      name: `reachability model on the checks' network model (routing + workloads): ${shape}`,
      peerName: "the checks' model (buildNetworkModel)",
      ours: () => ReachabilityModel.fromNetworkModel(network).workloads.length,
      peer: () => buildNetworkModel(input).resources.size,
      check: (ours) => {
        if (ours !== STACKS * 7) {
          throw new Error(`expected ${STACKS * 7} workloads (ALB, 2 instances, Lambda, 2 RDS, cache per stack), got ${String(ours)}`);
        }
      },
      goal: { maxRatio: 1 },
      report: () => {
        const start = process.hrtime.bigint();
        ReachabilityModel.fromStacks(input);
        return `the whole model from the templates (network model included): ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms (one run)`;
      },
    },
    {
      name: `one explain (an application instance -> its database, tcp 5432), cycling over the stacks: ${shape}`,
      peerName: '-',
      ours: () => model.explain(queries[next++ % queries.length]).verdict,
      check: (ours) => {
        if (ours !== 'REACHABLE') {
          throw new Error(`expected REACHABLE, got ${String(ours)}`);
        }
      },
      goal: { maxOursMs: 5 },
    },
    {
      name: `exposure of every data store to the internet and every other workload group, all TCP and UDP ports: ${shape}`,
      peerName: 'the registry\'s other rules on the same model',
      ours: () => analyzeExposure(model),
      peer: () => checkModel(network, otherRules).length,
      check: (ours) => checkExposure(ours as DataStoreExposure[]),
      goal: { maxOursMs: 1000 },
      runs: { warmup: 1, rounds: 7, forks: 1 },
      report: (ours) => {
        const exposure = ours as DataStoreExposure[];
        const pairs = exposure.reduce((n, e) => n + e.sources.length, 0);
        return `${exposure.length} data stores x their sources = ${pairs} pairs, every TCP and UDP port of each`;
      },
    },
  ];
}

/** 150 data stores; each database reached by its application's group on 5432 alone, never by the internet. */
function checkExposure(exposure: DataStoreExposure[]): void {
  if (exposure.length !== STACKS * 3) {
    throw new Error(`expected ${STACKS * 3} data stores, got ${exposure.length}`);
  }
  for (const e of exposure) {
    if (e.sources[0].verdict !== 'BLOCKED') {
      throw new Error(`${e.store.workload.resource.path} is ${e.sources[0].verdict} from the internet`);
    }
    const reaching = e.sources.filter((s) => s.verdict !== 'BLOCKED');
    if (reaching.length !== 1 || reaching[0].verdict !== 'REACHABLE') {
      throw new Error(`${e.store.workload.resource.path}: expected one group to reach it, got ${reaching.map((s) => `${s.description} ${s.verdict}`).join(', ') || 'none'}`);
    }
  }
}
