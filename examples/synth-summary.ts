/**
 * The main job's closing summary, printed after `cdk synth` of the example app, whether synth passed or failed:
 * which checkers ran and what each found and acknowledged, the example's layers one line each (read from the
 * template), the exposure of each data store (who can reach it, on which ports, and which layer decides), and where
 * the templates and the validation report are.
 *
 * `npx projen synth:example` runs `ts-node examples/synth-summary.ts <assembly dir> <cdk synth exit status>` and
 * exits with synth's status. It reads only the cloud assembly: manifest.json, each stack's template and metadata
 * file, and validation-report.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readApp } from '../src/analysis/cfn';
import { ReachabilityModel } from '../src/analysis/reachability/explain';
import { analyzeExposure } from '../src/analysis/reachability/exposure';
import { formatExposureSummary } from '../src/analysis/reachability/exposure-summary';

/** The checkers the example attaches, with the name each has in validation-report.json. */
const CHECKERS: ReadonlyArray<{ label: string; plugin?: string }> = [
  { label: 'LayeredDefenseChecks (aspect)' }, // reports as annotations in the stack's metadata, not as a plugin
  { label: 'LayeredDefenseNagPack', plugin: 'LayeredDefense' },
  { label: 'cdk-nag HIPAA.Security', plugin: 'HIPAA.Security' },
  { label: 'cdk-nag AwsSolutions', plugin: 'AwsSolutions' },
  { label: 'cfn-guard Control Tower rules', plugin: 'cdk-validator-cfnguard' },
  { label: "aws-cdk-lib's CloudFormation validation", plugin: 'CloudFormation Validate' },
];

/** The pack's info entry that says it ran (src/frontdoors/layered-defense-nag-pack.ts); not a finding. */
const RAN_ENTRY = 'LayeredDefense-Ran';

interface Violation {
  readonly ruleName: string;
  readonly severity?: string;
  readonly description?: string;
  readonly violatingConstructs?: ReadonlyArray<{ constructPath?: string }>;
}
interface PluginReport {
  readonly pluginName: string;
  readonly conclusion?: string;
  readonly violations?: Violation[];
  readonly suppressedViolations?: Violation[];
}
interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: any;
}
type Resources = Record<string, CfnResourceJson>;

const FAILED_MARK = ' -> FAILED';

/** The main job's exit status: synth's, or 1 when synth exited 0 but a checker failed (see `summarizeAssembly`). */
export function mainJobStatus(summary: readonly string[], synthStatus: number): number {
  return synthStatus !== 0 ? synthStatus : summary[0]?.startsWith('Main job: FAILED') ? 1 : 0;
}

/** The summary's lines for the assembly in `dir`, after a `cdk synth` that exited with `synthStatus`. */
export function summarizeAssembly(dir: string, synthStatus: number): string[] {
  const verdict = synthStatus === 0 ? 'synth passed' : `synth FAILED (exit status ${synthStatus})`;
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    return [`Main job: ${verdict} before it wrote a cloud assembly (no ${manifestFile}); the error is above.`];
  }
  const stacks = Object.values<any>(readJson(manifestFile).artifacts ?? {})
    .filter((a) => a.type === 'aws:cloudformation:stack')
    .map((a) => ({
      template: path.join(dir, a.properties.templateFile),
      metadata: a.additionalMetadataFile ? path.join(dir, a.additionalMetadataFile) : undefined,
    }));
  const reportFile = path.join(dir, 'validation-report.json');
  const plugins: PluginReport[] = fs.existsSync(reportFile) ? readJson(reportFile).pluginReports ?? [] : [];
  const resources: Resources = Object.assign({}, ...stacks.map((s) => readJson(s.template).Resources ?? {}));
  // Construct paths by logical id, from the `aws:cdk:logicalId` entries of each stack's metadata file.
  const paths = new Map<string, string>(stacks.flatMap((s) => metadataEntries(s.metadata))
    .filter(([, e]) => e.type === 'aws:cdk:logicalId').map(([constructPath, e]) => [String(e.data), constructPath]));

  const known = new Set(CHECKERS.map((c) => c.plugin));
  const checkers = [
    ...CHECKERS.map((c) => c.plugin === undefined
      ? aspectLine(c.label, stacks)
      : pluginLine(c.label, plugins.find((p) => p.pluginName === c.plugin))),
    ...plugins.filter((p) => !known.has(p.pluginName)).map((p) => pluginLine(p.pluginName, p)),
  ];
  // A check's error fails the main job even when `cdk synth` exits 0 (the CLI reports policy-validation failures of
  // some plugins as "Synthesis finished with errors" and still exits 0).
  const failedCheckers = checkers.filter((line) => line.includes(FAILED_MARK)).length;
  return [
    synthStatus === 0 && failedCheckers > 0
      ? `Main job: FAILED: synth finished, but ${plural(failedCheckers, 'checker')} reported errors.`
      : `Main job: ${verdict}.`,
    'Checkers (counted per resource; each acknowledged finding keeps its reason in the report):',
    ...checkers.map((line) => `  ${line}`),
    'Layers of the example, outermost first:',
    ...layerLines(resources, paths).map(([layer, line]) => `  ${layer.padEnd(17)} ${line}`),
    ...exposureLines(dir),
    `Templates: ${stacks.map((s) => s.template).join(', ') || 'none'}`,
    `Validation report: ${fs.existsSync(reportFile) ? reportFile : `none (${reportFile} was not written)`}`,
  ];
}

/** Who can reach each data store of the assembly, and which layer decides (src/analysis/reachability/exposure.ts). */
function exposureLines(dir: string): string[] {
  try {
    return formatExposureSummary(analyzeExposure(ReachabilityModel.fromStacks(readApp([dir]).stacks)));
  } catch (e) {
    return [`Exposure: not computed, the assembly could not be read (${(e as Error).message})`];
  }
}

function pluginLine(label: string, report: PluginReport | undefined): string {
  if (!report) {
    // aws-cdk-lib lists a plugin only when it reports something.
    return `${label.padEnd(40)} 0 findings, 0 acknowledged`;
  }
  const ran = report.violations?.find((v) => v.ruleName === RAN_ENTRY);
  const findings = (report.violations ?? []).filter((v) => v !== ran);
  const failed = report.conclusion === 'failure' ? FAILED_MARK : '';
  return `${label.padEnd(40)} ${counts(findings)}, ${count(report.suppressedViolations ?? [])} acknowledged${failed}` +
    (ran ? ` (${ran.description?.replace(/ and reported .*/, '').replace(/^LayeredDefense /, '')})` : '');
}

/** The aspect's findings are error and warning annotations, its acknowledgements info annotations. */
function aspectLine(label: string, stacks: ReadonlyArray<{ metadata?: string }>): string {
  const ours = stacks.flatMap((s) => metadataEntries(s.metadata)).map(([, e]) => e)
    .filter((e) => /^\[LayeredDefense-/.test(String(e.data)));
  const of = (type: string) => ours.filter((e) => e.type === type).length;
  const failed = of('aws:cdk:error') > 0 ? FAILED_MARK : '';
  return `${label.padEnd(40)} ${plural(of('aws:cdk:error'), 'error')}, ${plural(of('aws:cdk:warning'), 'warning')}, ${of('aws:cdk:info')} acknowledged${failed}`;
}

function counts(violations: readonly Violation[]): string {
  const errors = violations.filter((v) => ['error', 'fatal'].includes(v.severity ?? 'error'));
  const total = count(violations);
  return total === 0 ? '0 findings' : `${plural(count(errors), 'error')}, ${plural(total - count(errors), 'warning')}`;
}

/** Findings are counted per resource: a report entry holds one rule and every resource that breaks it. */
function count(violations: readonly Violation[]): number {
  return violations.reduce((n, v) => n + (v.violatingConstructs?.length ?? 0), 0);
}

/** One line per layer, read from the synthesized resources. */
function layerLines(resources: Resources, paths: ReadonlyMap<string, string>): Array<[string, string]> {
  const all = Object.entries(resources);
  const ofType = (type: string) => all.filter(([, r]) => r.Type === type);
  // A construct path without the stack and the trailing `/Resource`, or the logical id.
  const name = (logicalId: unknown) => paths.get(String(logicalId))?.split('/').slice(2).join('/').replace(/\/Resource$/, '') ?? String(logicalId);
  const refOf = (value: any) => value?.Ref ?? value?.['Fn::GetAtt']?.[0];

  const webAcls = ofType('AWS::WAFv2::WebACL').map(([id, acl]) => {
    const targets = ofType('AWS::WAFv2::WebACLAssociation').filter(([, a]) => refOf(a.Properties?.WebACLArn) === id).map(([, a]) => name(refOf(a.Properties.ResourceArn)));
    const rules = (acl.Properties?.Rules ?? []) as any[];
    const own = rules.filter((r) => !r.Statement?.ManagedRuleGroupStatement).map((r) => {
      const ipSets = unique(collect(r.Statement, 'Fn::GetAtt').flatMap((ipSet) => resources[ipSet]?.Properties?.Addresses ?? []));
      return `${r.Name} (${Object.keys(r.Action ?? {})[0]?.toLowerCase() ?? 'count'}${ipSets.length ? `, IP sets ${ipSets.join(' ')}` : ''})`;
    });
    const managed = rules.length - own.length;
    return `web ACL ${name(id)} on ${targets.join(', ') || 'nothing'}: rules ${[...own, plural(managed, 'managed rule group')].join(', ')}`;
  });

  const nacls = ofType('AWS::EC2::NetworkAcl').map(([id]) => {
    const entries = ofType('AWS::EC2::NetworkAclEntry').map(([, e]) => e.Properties).filter((p) => refOf(p?.NetworkAclId) === id);
    const denied = unique(entries.filter((p) => p.RuleAction === 'deny').map((p) => p.CidrBlock ?? p.Ipv6CidrBlock));
    const both = denied.every((cidr) => [true, false].every((out) => entries.some((p) => p.RuleAction === 'deny' && (p.CidrBlock ?? p.Ipv6CidrBlock) === cidr && Boolean(p.Egress) === out)));
    const subnets = ofType('AWS::EC2::SubnetNetworkAclAssociation').filter(([, a]) => refOf(a.Properties?.NetworkAclId) === id).length;
    return `NACL ${name(id)} on ${plural(subnets, 'subnet')} denies ${denied.join(', ') || 'nothing'}${both ? ' in both directions' : ''}`;
  });

  const groupPeers = ofType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties).filter((p) => p?.SourceSecurityGroupId)
    .map((p) => `${name(refOf(p.GroupId))} admits only ${name(refOf(p.SourceSecurityGroupId))} on ${p.IpProtocol} ${p.FromPort}`);
  const openToAll = ofType('AWS::EC2::SecurityGroup').map(([id, g]) => [id, (g.Properties?.SecurityGroupIngress ?? [])
    .filter((rule: any) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0').map((rule: any) => `${rule.IpProtocol} ${rule.FromPort}`)] as const)
    .filter(([, ports]) => ports.length > 0).map(([id, ports]) => `${name(id)} admits anyone on ${unique(ports).join(', ')}`);

  const listeners = ofType('AWS::ElasticLoadBalancingV2::Listener').map(([, l]) => {
    const p = l.Properties ?? {};
    const redirect = (p.DefaultActions ?? []).find((a: any) => a.Type === 'redirect')?.RedirectConfig;
    return redirect ? `${p.Protocol} ${p.Port} redirects to ${redirect.Protocol} ${redirect.Port}` : `${p.Protocol} ${p.Port}${p.SslPolicy ? ` (${p.SslPolicy})` : ''}`;
  });
  const targets = ofType('AWS::ElasticLoadBalancingV2::TargetGroup').map(([, t]) => `${t.Properties?.Protocol} ${t.Properties?.Port} to the targets`);

  const flowLogs = ofType('AWS::EC2::FlowLog').map(([, f]) => `flow log of ${f.Properties?.TrafficType} traffic`);
  const wafLogs = ofType('AWS::WAFv2::LoggingConfiguration').length;
  const albLogs = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')
    .filter(([, lb]) => (lb.Properties?.LoadBalancerAttributes ?? []).some((a: any) => a.Key === 'access_logs.s3.enabled' && a.Value === 'true')).length;

  return [
    ['application', webAcls.join('; ') || 'no web ACL'],
    ['subnet', nacls.join('; ') || 'no NACL of its own'],
    ['virtual firewall', [...groupPeers, ...openToAll].join('; ') || 'no ingress rule'],
    ['transmission', [...listeners, ...targets].join('; ') || 'no listener'],
    ['audit', [...flowLogs, `WAF logging on ${plural(wafLogs, 'web ACL')}`, `access logs on ${plural(albLogs, 'load balancer')}`].join('; ')],
  ];
}

/** A stack metadata file's entries as [construct path, entry] (the path starts with `/`). */
function metadataEntries(file: string | undefined): Array<[string, { type: string; data?: unknown }]> {
  if (!file || !fs.existsSync(file)) {
    return [];
  }
  return Object.entries<any[]>(readJson(file)).flatMap(([constructPath, entries]) => entries.map((e): [string, any] => [constructPath, e]));
}

/** The logical ids every `key` (`Ref`, `Fn::GetAtt`) anywhere under `value` refers to. */
function collect(value: unknown, key: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v) => collect(v, key));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => k !== key ? collect(v, key) : [String(Array.isArray(v) ? v[0] : v)]);
  }
  return [];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

if (require.main === module) {
  const [dir = 'cdk.out.example', status = '0'] = process.argv.slice(2);
  const synthStatus = Number(status);
  try {
    const summary = summarizeAssembly(dir, synthStatus);
    console.log(['', ...summary].join('\n'));
    process.exitCode = mainJobStatus(summary, synthStatus);
  } catch (e) {
    console.error(`Main job: the summary could not read the assembly in ${dir}: ${(e as Error).message}`);
    process.exitCode = synthStatus || 1;
  }
  process.exitCode = process.exitCode || synthStatus;
}
