// The CLI's logic, in-process and testable: runCli(argv, io, deps) returns the exit code and writes through `io`.
// main.ts only binds it to the process. Exit codes: 0 nothing at or above --fail-on (check), nothing lingers (diff
// --fail-on-lingering) or the flow was answered as --expect says (explain), 1 something is, does or differs, 2 a usage
// error or an input that cannot be read (one line on stderr, never a stack trace).
import * as fs from 'fs';
import * as path from 'path';
import { CommandSpec, parseCommandLine, renderCommandHelp, renderToolHelp, UsageError } from './args';
import {
  asExpected, EXPECTED_VERDICTS, ExpectedVerdict, EXPLAIN_FORMATS, parsePort, renderExplainJson, renderExplainText, resolveEndpoint,
} from './explain';
import { analyzePaths } from '../analysis/analyze';
import { readApp } from '../analysis/cfn';
import { diffTemplates, DiffResult, DiffStackInput, formatDiffText, lingers } from '../analysis/diff';
import type { AnalysisResult } from '../analysis/findings';
import { FlowQueryError, ReachabilityModel } from '../analysis/reachability/explain';
import { renderJson } from '../analysis/report/json';
import type { RuleInfo } from '../analysis/report/rule-info';
import { renderSarif } from '../analysis/report/sarif';
import { describeSummary, FAIL_ON_VALUES, FailOn, failingFindings, summarize } from '../analysis/report/summary';
import { renderText } from '../analysis/report/text';
import { RULES } from '../analysis/rules/registry';

export const TOOL = 'cdk-layered-defense';

export type ReportFormat = 'text' | 'json' | 'sarif';
const FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif'];

/** The options `check` hands the analysis (the contract of src/analysis/analyze.ts `analyzePaths`). */
export interface CheckAnalyzeOptions {
  readonly parameters?: Record<string, string>;
  readonly skipRules?: readonly string[];
  readonly maxTcpEstablishedTimeoutSeconds?: number;
}
export type Analyze = (paths: readonly string[], options?: CheckAnalyzeOptions) => AnalysisResult;

export interface CliIo {
  readonly stdout: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths (inputs, --output, SARIF URIs) are taken from. */
  readonly cwd: string;
  writeFile(file: string, text: string): void;
}

export interface CliDeps {
  readonly analyze: Analyze;
  readonly rules: readonly RuleInfo[];
  readonly version: string;
  readonly repositoryUrl: string;
}

const EXIT_CODES = [
  'Exit codes:',
  '  0  nothing at or above --fail-on (acknowledged findings never count)',
  '  1  findings at or above --fail-on',
  '  2  a usage error, or an input that cannot be read (missing file, malformed JSON or YAML, not a template)',
];

const CHECK: CommandSpec = {
  name: 'check',
  arguments: '<path>...',
  summary: 'Check CloudFormation templates and cloud assemblies (cdk.out) against the layered-defense rules',
  details: [
    'Each <path> is a cloud assembly directory (cdk.out, with manifest.json: every stack, nested stages and nested\n'
    + 'stacks) or a template file (.json, .yaml, .yml, .template). All paths are checked as one app, so a resource\n'
    + 'in one stack is linked to the NACL, subnet, security group or web ACL it imports from another.',
    'Acknowledge a finding in the template, in the resource\'s Metadata:\n'
    + '  cdk-layered-defense: { acknowledge: [ { id: LayeredDefense-<Rule>, reason: <why it is safe> } ] }',
  ],
  options: {
    'format': { kind: 'string', placeholder: 'text|json|sarif', description: 'Report format (default: text)' },
    'output': { kind: 'string', placeholder: '<file>', description: 'Write the report to <file> (parent folders are created) instead of standard output' },
    'fail-on': { kind: 'string', placeholder: 'error|warning|none', description: 'The lowest level that makes the exit code 1 (default: error)' },
    'skip-rule': { kind: 'string', repeatable: true, placeholder: '<id>', description: 'Do not run this rule (LayeredDefense-NaclAllowlist, or NaclAllowlist)' },
    'parameter': { kind: 'string', repeatable: true, placeholder: 'KEY=VALUE', description: 'Value of template parameter KEY, for every stack that declares it' },
    'max-tcp-established-timeout': {
      kind: 'string',
      placeholder: '<seconds>',
      description: 'Longest established-TCP idle timeout accepted on a workload reached directly from outside its VPC (LayeredDefense-SgIdleTimeoutLong; 60-432000, default 3600)',
    },
  },
  examples: [
    'check cdk.out',
    'check template.yaml --parameter Environment=prod --fail-on warning',
    'check cdk.out --format sarif --output reports/cdk-layered-defense.sarif',
  ],
};

export type DiffFormat = 'text' | 'json';
const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'json'];

const DIFF_EXIT_CODES = [
  'Exit codes:',
  '  0  the diff was written (it advises: lingering connections do not fail the run without --fail-on-lingering)',
  '  1  --fail-on-lingering, and a change leaves established connections up (tracked, or for a time EC2 does not document)',
  '  2  a usage error, or an input that cannot be read (missing file, malformed JSON or YAML, not a template)',
];

const DIFF: CommandSpec = {
  name: 'diff',
  arguments: '<before> <after>',
  summary: 'Say what a change to security groups and network ACLs does to live connections',
  details: [
    'Each side is a template file (.json, .yaml, .yml, .template) or a cloud assembly directory (cdk.out), for\n'
    + 'example the deployed template from \'aws cloudformation get-template\' and a fresh cdk.out. Stacks are paired\n'
    + 'by id, then by stack name, then a lone stack with a lone stack.',
    'For each security group and direction it names the access removed or narrowed (sources or destinations,\n'
    + 'protocol, ports) and how long established connections can linger: security groups are stateful, so a tracked\n'
    + 'connection stays up until idle for the network interface\'s timeout (432000 s for established TCP unless a\n'
    + 'ConnectionTrackingSpecification bounds it); untracked flows and network ACL changes are cut at once. It says\n'
    + 'how to cut lingering connections now: a NACL deny, kept in place longer than the timeout.',
  ],
  options: {
    'format': { kind: 'string', placeholder: 'text|json', description: 'Report format (default: text); JSON is { "changes": [ ... ] }' },
    'output': { kind: 'string', placeholder: '<file>', description: 'Write the report to <file> (parent folders are created) instead of standard output' },
    'fail-on-lingering': { kind: 'boolean', description: 'Exit 1 when a change leaves established connections up (for CI gates)' },
  },
  examples: [
    'diff deployed.template.json cdk.out',
    'diff cdk.out.before cdk.out --format json --output reports/conntrack-diff.json',
    'diff deployed.template.json cdk.out --fail-on-lingering',
  ],
};

const EXPLAIN_EXIT_CODES = [
  'Exit codes:',
  '  0  the flow was answered (REACHABLE, BLOCKED or UNKNOWN), and it is what --expect says when given',
  '  1  --expect, and the answer differs (UNKNOWN is neither reachable nor blocked)',
  '  2  a usage error (an unknown, ambiguous or non-workload endpoint; a bad port), or an input that cannot be read',
];

const EXPLAIN: CommandSpec = {
  name: 'explain',
  arguments: '<path>...',
  summary: 'Explain whether a source can reach a workload (or a workload the internet), and which layer decides (routes, NACLs, security groups, listeners, WAF, Network Firewall)',
  details: [
    'Each <path> is a cloud assembly directory (cdk.out) or a template file (.json, .yaml, .yml, .template), read as\n'
    + 'one app, as check reads them: a workload in one stack is placed in the subnets and groups it imports from another.',
    '--from is internet (any public IPv4 address), internet-ipv6, an IP address or CIDR (some address of it), or\n'
    + 'workloads; --to is workloads, or (for an egress flow from workloads) internet or an outside address. Workloads are named by logical id (when one stack has it), Stack/LogicalId (stack name or\n'
    + 'assembly id), or construct path (every workload under it, from the aws:cdk:path metadata cdk synth writes):\n'
    + 'load balancers, instances, auto scaling groups, ECS services, Lambda functions in a VPC, RDS instances and\n'
    + 'clusters, ElastiCache, OpenSearch domains in a VPC, EFS mount targets, interface endpoints.',
    'The answer is REACHABLE (with the path, hop by hop), BLOCKED (with every blocker: layer, code, stack, logical id,\n'
    + 'construct path, deciding entry or rule) or UNKNOWN (naming the value not known at synth). A load balancer ends\n'
    + 'the client\'s flow: ask again from the load balancer to its targets. --http-path asks the web ACL associated\n'
    + 'with the destination about that request.',
  ],
  options: {
    'from': { kind: 'string', placeholder: 'internet|internet-ipv6|<ip or cidr>|<workload>', description: 'Where the flow starts (required)' },
    'to': { kind: 'string', placeholder: '<workload>|internet|<ip or cidr>', description: 'The destination: a logical id, Stack/LogicalId or construct path; or, from workloads, the internet or an outside address (required)' },
    'port': { kind: 'string', placeholder: '<N>', description: 'The destination port, 0-65535 (required)' },
    'protocol': { kind: 'string', placeholder: 'tcp|udp', description: 'The transport protocol (default: tcp)' },
    'http-path': { kind: 'string', placeholder: '</path>', description: 'An HTTP request\'s URI path, judged by the destination\'s web ACL (tcp only)' },
    'domain': { kind: 'string', placeholder: '<host name>', description: 'The TLS SNI or HTTP Host the client sends, for Network Firewall domain lists on the path' },
    'format': { kind: 'string', placeholder: 'text|json', description: 'Answer format (default: text); JSON is documented in the README' },
    'expect': { kind: 'string', placeholder: 'reachable|blocked', description: 'Exit 1 unless the answer is this (for CI)' },
    'parameter': { kind: 'string', repeatable: true, placeholder: 'KEY=VALUE', description: 'Value of template parameter KEY, for every stack that declares it' },
  },
  examples: [
    'explain cdk.out --from internet --to HipaaExample/Database --port 5432',
    'explain cdk.out --from 203.0.113.9 --to HipaaExample/Alb --port 443 --expect blocked',
    'explain cdk.out --from 198.51.100.0/24 --to HipaaExample/Alb --port 443 --http-path /admin --format json',
    'explain network.yaml data.yaml --from Network/AppService --to Data/Database --port 5432 --expect reachable',
    'explain cdk.out --from HipaaExample/App --to internet --port 443 --domain api.example.com',
  ],
};

/** Every command, in help order. */
export const COMMANDS: readonly CommandSpec[] = [CHECK, EXPLAIN, DIFF];

/** Each command's exit codes, for its help; the tool's help gives them all. */
const COMMAND_EXIT_CODES: Readonly<Record<string, readonly string[]>> = {
  check: EXIT_CODES,
  explain: EXPLAIN_EXIT_CODES,
  diff: DIFF_EXIT_CODES,
};

const TOOL_EXIT_CODES = [
  'Exit codes:',
  '  0  check: nothing at or above --fail-on (acknowledged findings never count)',
  '     explain: the flow was answered (as --expect says, when given)',
  '     diff: always, unless --fail-on-lingering',
  '  1  check: findings at or above --fail-on',
  '     explain --expect: the answer differs',
  '     diff --fail-on-lingering: a change leaves established connections up',
  '  2  a usage error, or an input that cannot be read (missing file, malformed JSON or YAML, not a template)',
];

type CommandHandler = (options: ReadonlyMap<string, readonly string[]>, args: readonly string[], io: CliIo, deps: Partial<CliDeps>) => number;

const COMMAND_HANDLERS: Readonly<Record<string, CommandHandler>> = {
  check: runCheck,
  explain: runExplain,
  diff: runDiff,
};

export function runCli(argv: readonly string[], io: CliIo = processIo(), deps: Partial<CliDeps> = {}): number {
  try {
    const parsed = parseCommandLine(argv, COMMANDS, TOOL);
    if (parsed.kind === 'help') {
      io.stdout.write(parsed.command
        ? renderCommandHelp(parsed.command, TOOL, COMMAND_EXIT_CODES[parsed.command.name])
        : renderToolHelp(COMMANDS, TOOL, TOOL_EXIT_CODES));
      return 0;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`${deps.version ?? packageInfo().version}\n`);
      return 0;
    }
    return COMMAND_HANDLERS[parsed.command.name](parsed.options, parsed.positionals, io, deps);
  } catch (error) {
    io.stderr.write(`${oneLine(describeError(error))}\n`);
    return 2;
  }
}

function runCheck(options: ReadonlyMap<string, readonly string[]>, paths: readonly string[], io: CliIo, deps: Partial<CliDeps>): number {
  const rules = () => deps.rules ?? RULES;
  const format = oneOf(single(options, 'format') ?? 'text', FORMATS, '--format');
  const failOn = oneOf(single(options, 'fail-on') ?? 'error', FAIL_ON_VALUES, '--fail-on') as FailOn;
  const output = single(options, 'output');
  if (output === '') {
    throw new UsageError('--output needs a file name');
  }
  const skipRules = (options.get('skip-rule') ?? []).map((id) => ruleIdOf(id, rules()));
  const parameters = parseParameters(options.get('parameter') ?? []);
  const maxTcp = single(options, 'max-tcp-established-timeout');
  if (maxTcp !== undefined && !/^\d+$/.test(maxTcp)) {
    throw new UsageError(`--max-tcp-established-timeout needs a whole number of seconds (60-432000), not '${maxTcp}'`);
  }
  if (paths.length === 0) {
    throw new UsageError(`check needs at least one path: a cloud assembly directory (cdk.out) or a template file; see '${TOOL} check --help'`);
  }

  const analyze = deps.analyze ?? analyzePaths;
  const analysed = analyze(paths, {
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    ...(skipRules.length > 0 ? { skipRules } : {}),
    ...(maxTcp !== undefined ? { maxTcpEstablishedTimeoutSeconds: Number(maxTcp) } : {}),
  });
  // A skipped rule reports nothing, whatever the engine did with the option.
  const result: AnalysisResult = skipRules.length > 0
    ? { ...analysed, findings: analysed.findings.filter((f) => !skipRules.includes(f.ruleId)) }
    : analysed;

  const toStdout = output === undefined || output === '-';
  const report = render(result, format, {
    failOn,
    color: format === 'text' && toStdout && wantsColor(io),
    rules: format === 'sarif' ? rules() : [],
    cwd: io.cwd,
    version: deps.version,
    repositoryUrl: deps.repositoryUrl,
  });
  writeReport(report, output, io, () => `${TOOL}: wrote the ${format} report to ${output}: ${describeSummary(summarize(result))}`);
  return failingFindings(result.findings, failOn).length > 0 ? 1 : 0;
}

function runExplain(options: ReadonlyMap<string, readonly string[]>, paths: readonly string[], io: CliIo): number {
  // Every option is checked before the templates are read, so a typo costs no parse of a large assembly.
  const format = oneOf(single(options, 'format') ?? 'text', EXPLAIN_FORMATS, '--format');
  const protocol = oneOf((single(options, 'protocol') ?? 'tcp').toLowerCase(), ['tcp', 'udp'] as const, '--protocol');
  const expectGiven = single(options, 'expect');
  const expected = expectGiven === undefined ? undefined : oneOf(expectGiven.toLowerCase(), EXPECTED_VERDICTS, '--expect') as ExpectedVerdict;
  const port = parsePort(single(options, 'port'));
  const httpPath = single(options, 'http-path');
  if (httpPath !== undefined && !httpPath.startsWith('/')) {
    throw new UsageError(`--http-path must be a URI path starting with '/', not '${httpPath}'`);
  }
  if (httpPath !== undefined && protocol !== 'tcp') {
    throw new UsageError('--http-path needs --protocol tcp (HTTP runs over TCP)');
  }
  const domain = single(options, 'domain');
  if (domain !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(domain)) {
    throw new UsageError(`--domain must be a host name such as api.example.com (the TLS SNI or HTTP Host), not '${domain}'`);
  }
  const fromGiven = single(options, 'from');
  const toGiven = single(options, 'to');
  if (fromGiven === undefined || toGiven === undefined) {
    throw new UsageError(`explain needs ${fromGiven === undefined ? '--from (internet, an IP address or CIDR, or a workload)' : '--to (a workload)'}; see '${TOOL} explain --help'`);
  }
  const parameters = parseParameters(options.get('parameter') ?? []);
  if (paths.length === 0) {
    throw new UsageError(`explain needs at least one path: a cloud assembly directory (cdk.out) or a template file; see '${TOOL} explain --help'`);
  }

  // Paths stay as given when they are relative to this process's directory, so messages name them as the user did.
  const inputs = paths.map((p) => (path.isAbsolute(p) || path.resolve(io.cwd) === process.cwd() ? p : path.resolve(io.cwd, p)));
  const app = readApp(inputs, Object.keys(parameters).length > 0 ? { parameters } : {});
  const model = ReachabilityModel.fromStacks(app.stacks);
  const from = resolveEndpoint(fromGiven, '--from', model);
  const to = resolveEndpoint(toGiven, '--to', model);
  const protocolNumber = protocol === 'udp' ? 17 : 6;
  let answer;
  if (to.source.kind === 'workloads') {
    answer = model.explain({
      from: from.source,
      to: { keys: to.source.keys, description: to.source.description },
      port,
      protocol: protocolNumber,
      ...(httpPath !== undefined ? { httpPath } : {}),
      ...(domain !== undefined ? { domain } : {}),
    });
  } else if (from.source.kind === 'workloads') {
    // An egress flow: from workloads of the app to the internet or an outside address (NAT, Network Firewall, IGW).
    if (httpPath !== undefined) {
      throw new UsageError(`--http-path asks the destination's web ACL, and '${toGiven}' is outside the app: leave it out`);
    }
    try {
      answer = model.explainToInternet({
        from: from.source,
        to: to.source,
        port,
        protocol: protocolNumber,
        ...(domain !== undefined ? { domain } : {}),
      });
    } catch (e) {
      throw e instanceof FlowQueryError ? new UsageError(`--to ${e.message}`) : e;
    }
  } else {
    throw new UsageError(`--to '${toGiven}' is outside the app, and so is --from '${fromGiven}': a flow starts or ends at a workload of the app `
      + '(a logical id, Stack/LogicalId or construct path)');
  }
  io.stdout.write(format === 'json'
    ? renderExplainJson(answer, { from, to, port, protocol, httpPath, domain }, expected)
    : renderExplainText(answer, expected));
  return expected !== undefined && !asExpected(answer, expected) ? 1 : 0;
}

function runDiff(options: ReadonlyMap<string, readonly string[]>, paths: readonly string[], io: CliIo): number {
  const format = oneOf(single(options, 'format') ?? 'text', DIFF_FORMATS, '--format');
  const output = single(options, 'output');
  if (output === '') {
    throw new UsageError('--output needs a file name');
  }
  if (paths.length !== 2) {
    throw new UsageError(`diff needs two paths, <before> and <after> (each a template file or a cloud assembly directory), not ${paths.length}; see '${TOOL} diff --help'`);
  }
  const [before, after] = paths.map((p) => readDiffSide(p, io.cwd));
  const result = diffTemplates(before, after);
  const report = format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatDiffText(result);
  writeReport(report, output, io, () => `${TOOL}: wrote the ${format} diff to ${output}: ${describeDiff(result)}`);
  return options.has('fail-on-lingering') && result.changes.some(lingers) ? 1 : 0;
}

/** One side of the diff: every stack of a template file or a cloud assembly, as the diff engine takes them. */
function readDiffSide(given: string, cwd: string): DiffStackInput[] {
  return readApp([path.resolve(cwd, given)]).stacks.map((s) => ({ stackId: s.id, stackName: s.stackName, template: s.template }));
}

function describeDiff(result: DiffResult): string {
  const lingering = result.changes.filter(lingers).length;
  const total = result.changes.length;
  return `${total} change${total === 1 ? '' : 's'} remove access, ${lingering} leave${lingering === 1 ? 's' : ''} established connections up`;
}

/** Standard output unless --output names a file; then a one-line note of what was written. */
function writeReport(report: string, output: string | undefined, io: CliIo, note: () => string): void {
  if (output === undefined || output === '-') {
    io.stdout.write(report);
    return;
  }
  const target = path.resolve(io.cwd, output);
  try {
    io.writeFile(target, report);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  io.stdout.write(`${note()}\n`);
}

interface RenderOptions {
  readonly failOn: FailOn;
  readonly color: boolean;
  readonly rules: readonly RuleInfo[];
  readonly cwd: string;
  readonly version?: string;
  readonly repositoryUrl?: string;
}

function render(result: AnalysisResult, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(result, { failOn: options.failOn });
    case 'sarif': {
      const info = options.version !== undefined && options.repositoryUrl !== undefined
        ? { version: options.version, repositoryUrl: options.repositoryUrl }
        : packageInfo();
      return renderSarif(result, {
        rules: options.rules,
        toolVersion: options.version ?? info.version,
        repositoryUrl: options.repositoryUrl ?? info.repositoryUrl,
        cwd: options.cwd,
      });
    }
    default:
      return renderText(result, { color: options.color });
  }
}

/** Colour for a terminal only: not in a pipe or a file, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(io: Pick<CliIo, 'stdout' | 'env'>): boolean {
  const noColor = io.env.NO_COLOR;
  return io.stdout.isTTY === true && (noColor === undefined || noColor === '') && io.env.TERM !== 'dumb';
}

/** `--skip-rule NaclAllowlist` and `--skip-rule layereddefense-naclallowlist` name the same rule. */
function ruleIdOf(given: string, rules: readonly RuleInfo[]): string {
  const wanted = given.trim().toLowerCase();
  const rule = rules.find((r) => r.id.toLowerCase() === wanted || r.id.toLowerCase() === `layereddefense-${wanted}`);
  if (!rule) {
    throw new UsageError(`--skip-rule: unknown rule '${given}'; rule ids look like LayeredDefense-NaclAllowlist (see RULES.md for the list)`);
  }
  return rule.id;
}

/** CloudFormation parameter names are alphanumeric; a value may be empty or hold '=' (only the first one splits). */
function parseParameters(given: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const pair of given) {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    if (equals < 0 || !/^[A-Za-z0-9]+$/.test(key)) {
      throw new UsageError(`--parameter '${pair}' is not KEY=VALUE with an alphanumeric parameter name`);
    }
    if (Object.prototype.hasOwnProperty.call(parameters, key)) {
      throw new UsageError(`--parameter ${key} is given more than once`);
    }
    parameters[key] = pair.slice(equals + 1);
  }
  return parameters;
}

function single(options: ReadonlyMap<string, readonly string[]>, name: string): string | undefined {
  return options.get(name)?.[0];
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not '${value}'`);
  }
  return value as T;
}

/**
 * The reader's InputError (unreadable input) and our UsageError carry a message made for the user; anything else
 * is a defect in this tool, said as one line all the same.
 */
function describeError(error: unknown): string {
  if (error instanceof UsageError) {
    return `${TOOL}: ${error.message}`;
  }
  if (error instanceof Error && (error.name === 'InputError' || error.constructor.name === 'InputError')) {
    return error.message;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${TOOL}: internal error: ${message.split('\n')[0]} (please report it with the input that caused it)`;
}

/** One line whatever the message holds: newlines become spaces, other control characters are escaped. */
function oneLine(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .trim();
}


interface PackageInfo { readonly version: string; readonly repositoryUrl: string }

/** package.json sits two folders up from both src/cli (tests) and lib/cli (the installed bin). */
function packageInfo(): PackageInfo {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    return { version: String(pkg.version ?? 'unknown'), repositoryUrl: String(repository ?? 'https://github.com/cdk-layered-defense/cdk-layered-defense') };
  } catch {
    return { version: 'unknown', repositoryUrl: 'https://github.com/cdk-layered-defense/cdk-layered-defense' };
  }
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    writeFile(file, text) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    },
  };
}
