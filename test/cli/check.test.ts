import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli, InputError as ReaderInputError } from './cli-harness';
import { processIo, runCli } from '../../src/cli/run';
import { ALLOWLIST_ACKNOWLEDGED, CLEAN, FLOW_LOGS_WARNING, OPEN_SSH, SHADOWED_DENY, TWO_STACKS } from '../analysis/report/sample-result';
import { sarifSchemaErrors } from '../analysis/report/sarif-schema';

const WARNINGS_ONLY = { findings: [FLOW_LOGS_WARNING], stacks: 1, resources: 3 };
const ACKNOWLEDGED_ONLY = { findings: [ALLOWLIST_ACKNOWLEDGED, { ...SHADOWED_DENY, acknowledged: 'reviewed: the allow is the partner range' }], stacks: 2, resources: 9 };

describe('exit codes', () => {
  test('0 when nothing is at or above --fail-on', () => {
    // GIVEN an app with no findings
    const run = cli(['check', 'cdk.out'], { result: CLEAN });

    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No findings in 3 stacks (41 resources)\n');
    expect(run.stderr).toBe('');
    expect(run.calls).toEqual([{ paths: ['cdk.out'], options: {} }]);
  });

  test('1 when an unacknowledged error is found (default --fail-on error)', () => {
    const run = cli(['check', 'cdk.out'], { result: TWO_STACKS });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error  LayeredDefense-NaclDenyShadowed');
    expect(run.stderr).toBe('');
  });

  test.each([
    ['error', 'warnings only', 0, WARNINGS_ONLY],
    ['warning', 'warnings only', 1, WARNINGS_ONLY],
    ['none', 'errors', 0, TWO_STACKS],
    ['error', 'errors', 1, TWO_STACKS],
    ['warning', 'acknowledged findings only', 0, ACKNOWLEDGED_ONLY],
  ])('--fail-on %s with %s: exit %d', (failOn, _what, code, result) => {
    const run = cli(['check', 'cdk.out', '--fail-on', failOn as string], { result: result as typeof TWO_STACKS });
    expect(run.code).toBe(code);
  });

  test('acknowledged findings never fail a run, even at --fail-on warning', () => {
    const run = cli(['check', 'cdk.out', '--fail-on=warning'], { result: ACKNOWLEDGED_ONLY });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 errors, 0 warnings, 2 acknowledged in 2 stacks (9 resources)');
  });

  test('2 with one line naming the file and position when the input cannot be read', () => {
    // GIVEN the reader rejects a malformed template
    const run = cli(['check', 'bad.yaml'], { analyze: () => { throw new ReaderInputError('bad.yaml:3:7: unexpected end of the stream within a flow collection'); } });

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('bad.yaml:3:7: unexpected end of the stream within a flow collection\n');
    expect(run.stdout).toBe('');
  });

  test('2 with a single line even when an error message spans lines', () => {
    const run = cli(['check', 'x.json'], { analyze: () => { throw new ReaderInputError('x.json: not a template:\n  no Resources object'); } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('x.json: not a template: no Resources object\n');
  });

  test('2 with one line and no stack trace when the analysis itself fails', () => {
    // GIVEN a defect in the engine
    const run = cli(['check', 'cdk.out'], { analyze: () => { throw new TypeError("Cannot read properties of undefined (reading 'Statements')"); } });

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/^cdk-layered-defense: internal error: Cannot read properties of undefined \(reading 'Statements'\)/);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test('an InputError recognised by its class name too (a reader that does not set name)', () => {
    class InputError extends Error {}
    const run = cli(['check', 'missing'], { analyze: () => { throw new InputError('missing: no such file or directory'); } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('missing: no such file or directory\n');
  });
});

describe('usage errors: exit 2, one line on stderr, nothing analysed', () => {
  test.each([
    [[], /missing command \(commands: check, explain, diff\)/],
    [['lint', 'cdk.out'], /unknown command 'lint'/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['check'], /check needs at least one path/],
    [['check', 'cdk.out', '--format', 'xml'], /--format must be one of text, json, sarif, not 'xml'/],
    [['check', 'cdk.out', '--format'], /--format needs a value \(text\|json\|sarif\)/],
    [['check', 'cdk.out', '--format', 'json', '--format=sarif'], /--format is given more than once/],
    [['check', 'cdk.out', '--fail-on', 'fatal'], /--fail-on must be one of error, warning, none, not 'fatal'/],
    [['check', 'cdk.out', '--output', '--format', 'json'], /--output needs a value/],
    [['check', 'cdk.out', '--output='], /--output needs a file name/],
    [['check', 'cdk.out', '--skip-rule', 'NaclNope'], /--skip-rule: unknown rule 'NaclNope'/],
    [['check', 'cdk.out', '--parameter', 'Env'], /--parameter 'Env' is not KEY=VALUE/],
    [['check', 'cdk.out', '--parameter', 'my-env=prod'], /--parameter 'my-env=prod' is not KEY=VALUE/],
    [['check', 'cdk.out', '--parameter', 'Env=a', '--parameter', 'Env=b'], /--parameter Env is given more than once/],
    [['check', 'cdk.out', '--max-tcp-established-timeout', '1h'], /--max-tcp-established-timeout needs a whole number of seconds \(60-432000\), not '1h'/],
    [['check', 'cdk.out', '--verbose'], /unknown option '--verbose' for check/],
    [['check', 'cdk.out', '-x'], /unknown option '-x' for check/],
  ])('%j', (argv, message) => {
    // WHEN
    const run = cli(argv as string[], { result: TWO_STACKS });

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^cdk-layered-defense: [^\n]+\n$/);
    expect(run.stdout).toBe('');
    expect(run.calls).toHaveLength(0);
  });
});

describe('formats', () => {
  test('text is the default', () => {
    const run = cli(['check', 'cdk.out'], { result: TWO_STACKS });
    expect(run.stdout).toContain('Stack App  cdk.out/App.template.json');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('2 errors, 2 warnings, 1 acknowledged in 2 stacks (14 resources)');
  });

  test('json: the findings and a summary recording the threshold', () => {
    const run = cli(['check', 'cdk.out', '--format', 'json', '--fail-on', 'warning'], { result: TWO_STACKS });
    const report = JSON.parse(run.stdout);
    expect(report.findings).toHaveLength(5);
    expect(report.findings[3]).toMatchObject({ ruleId: SHADOWED_DENY.ruleId, logicalId: 'DenyBadActors', line: 42, column: 5 });
    expect(report.summary).toMatchObject({ errors: 2, warnings: 2, acknowledged: 1, failOn: 'warning', failed: true });
    expect(run.code).toBe(1);
  });

  test('sarif: valid SARIF 2.1.0 with the registry rules and URIs relative to the working directory', () => {
    // GIVEN the reader gave an absolute path inside the working directory for one stack
    const absolute = { ...OPEN_SSH, file: '/work/repo/cdk.out/App.template.json' };
    const run = cli(['check', 'cdk.out', '--format=sarif'], { result: { ...TWO_STACKS, findings: [...TWO_STACKS.findings, absolute] }, cwd: '/work/repo' });

    // THEN
    const log = JSON.parse(run.stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'cdk-layered-defense', version: '9.9.9' });
    expect(log.runs[0].tool.driver.rules.map((r: any) => r.id)).toContain('LayeredDefense-NaclDenyShadowed');
    const uris = log.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(new Set(uris)).toEqual(new Set(['cdk.out/Network.template.json', 'cdk.out/App.template.json']));
    expect(run.code).toBe(1);
  });
});

describe('--output', () => {
  test('writes the report to the file and one summary line to stdout', () => {
    // WHEN
    const run = cli(['check', 'cdk.out', '--format', 'sarif', '--output', 'reports/out.sarif'], { result: TWO_STACKS, cwd: '/work/repo' });

    // THEN
    expect([...run.files.keys()]).toEqual([path.resolve('/work/repo', 'reports/out.sarif')]);
    expect(sarifSchemaErrors(JSON.parse(run.files.get(path.resolve('/work/repo', 'reports/out.sarif'))!))).toEqual([]);
    expect(run.stdout).toBe('cdk-layered-defense: wrote the sarif report to reports/out.sarif: 2 errors, 2 warnings, 1 acknowledged in 2 stacks (14 resources)\n');
    expect(run.code).toBe(1);
  });

  test('a text report written to a file has no colour, even from a terminal', () => {
    const run = cli(['check', 'cdk.out', '--output', 'report.txt'], { result: TWO_STACKS, isTTY: true });
    const text = run.files.get(path.resolve('/work/repo', 'report.txt'))!;
    expect(text).toContain('error  LayeredDefense-NaclDenyShadowed');
    expect(text).not.toContain('\u001b[');
  });

  test('"-" is standard output', () => {
    const run = cli(['check', 'cdk.out', '--format', 'json', '--output', '-'], { result: CLEAN });
    expect(run.files.size).toBe(0);
    expect(JSON.parse(run.stdout).summary.total).toBe(0);
  });

  test('on disk: creates the parent folders; a path it cannot write is exit 2 with one line', () => {
    // GIVEN a real temporary folder, and a plain file where a folder would have to be
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-layered-defense-cli-'));
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    try {
      let stdout = '';
      let stderr = '';
      const io = { ...processIo(), cwd: dir, stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } } };
      const deps = { analyze: () => CLEAN, version: '1.0.0', repositoryUrl: 'https://example.com/repo' };

      // WHEN / THEN the report lands in a folder that did not exist
      expect(runCli(['check', 'cdk.out', '--format', 'json', '--output', 'deep/er/report.json'], io, deps)).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'deep', 'er', 'report.json'), 'utf8')).summary.stacks).toBe(3);
      expect(stdout).toContain('wrote the json report to deep/er/report.json');

      // AND under a file it cannot
      expect(runCli(['check', 'cdk.out', '--output', 'blocker/report.txt'], io, deps)).toBe(2);
      expect(stderr).toMatch(/^cdk-layered-defense: cannot write blocker\/report.txt: E[A-Z]+\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('options reach the analysis', () => {
  test('--parameter KEY=VALUE (repeatable; the value may be empty or hold "=")', () => {
    const run = cli(['check', 'template.yaml', '--parameter', 'Environment=prod', '--parameter=VpcCidr=10.0.0.0/16', '--parameter', 'Suffix=', '--parameter', 'Query=a=b']);
    expect(run.calls[0].options).toEqual({ parameters: { Environment: 'prod', VpcCidr: '10.0.0.0/16', Suffix: '', Query: 'a=b' } });
  });

  test('--skip-rule takes full or short ids in any case, hands the analysis the registry ids, and hides their findings', () => {
    // GIVEN an engine that ignores skipRules
    const run = cli(['check', 'cdk.out', '--skip-rule', 'naclDenyShadowed', '--skip-rule', 'LayeredDefense-SgOpenIngress', '--format', 'json'], { result: TWO_STACKS });

    // THEN
    expect(run.calls[0].options).toEqual({ skipRules: ['LayeredDefense-NaclDenyShadowed', 'LayeredDefense-SgOpenIngress'] });
    const ids = JSON.parse(run.stdout).findings.map((f: any) => f.ruleId);
    expect(ids).not.toContain('LayeredDefense-NaclDenyShadowed');
    expect(ids).not.toContain('LayeredDefense-SgOpenIngress');
    expect(ids).toContain('LayeredDefense-CannotVerify');
    // AND with both error rules skipped, nothing fails the run
    expect(run.code).toBe(0);
  });

  test('--max-tcp-established-timeout hands the analysis a number of seconds', () => {
    const run = cli(['check', 'cdk.out', '--max-tcp-established-timeout', '1800']);
    expect(run.calls[0].options).toEqual({ maxTcpEstablishedTimeoutSeconds: 1800 });
  });

  test('every path, in order, with options before, between or after them, and "--" ending the options', () => {
    const run = cli(['check', 'cdk.out', '--fail-on', 'none', 'network.yaml', '--', '--odd-name.json']);
    expect(run.calls[0].paths).toEqual(['cdk.out', 'network.yaml', '--odd-name.json']);
  });
});

describe('help and version', () => {
  test('--help lists the commands and the exit codes, exit 0', () => {
    const run = cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: cdk-layered-defense <command> \[options\]/);
    expect(run.stdout).toMatch(/^ {2}check <path>\.\.\. +Check CloudFormation templates and cloud assemblies/m);
    expect(run.stdout).toContain('2  a usage error, or an input that cannot be read');
    expect(run.calls).toHaveLength(0);
  });

  test.each([[['check', '--help']], [['help', 'check']], [['check', 'cdk.out', '-h']]])('%j shows every check option', (argv) => {
    const run = cli(argv);
    expect(run.code).toBe(0);
    for (const option of ['--format text|json|sarif', '--output <file>', '--fail-on error|warning|none', '--skip-rule <id>', '--parameter KEY=VALUE']) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('cdk-layered-defense: { acknowledge: [ { id: LayeredDefense-<Rule>, reason: <why it is safe> } ] }');
    expect(run.calls).toHaveLength(0);
  });

  test('--version prints the package version', () => {
    // GIVEN no injected version: it comes from package.json
    const expected = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
    const run = cli(['--version'], { deps: { version: undefined } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${expected}\n`);
  });
});

describe('colour', () => {
  test.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, {}, false],
  ])('terminal %s with env %j: colour %s', (isTTY, env, coloured) => {
    const run = cli(['check', 'cdk.out'], { result: TWO_STACKS, isTTY, env });
    expect(run.stdout.includes('\u001b[')).toBe(coloured);
  });

  test('json and sarif never carry colour', () => {
    expect(cli(['check', 'cdk.out', '--format', 'json'], { result: TWO_STACKS, isTTY: true }).stdout).not.toContain('\u001b[');
    expect(cli(['check', 'cdk.out', '--format', 'sarif'], { result: TWO_STACKS, isTTY: true }).stdout).not.toContain('\u001b[');
  });
});

describe('the default analysis engine', () => {
  test('a path that does not exist is exit 2 with one line, never a stack trace', () => {
    // GIVEN no injected analysis: the CLI runs src/analysis/analyze
    let stderr = '';
    const io = { ...processIo(), stdout: { write: () => true }, stderr: { write: (t: string) => { stderr += t; } } };

    // WHEN
    const code = runCli(['check', 'no-such-cdk.out'], io);

    // THEN
    expect(code).toBe(2);
    expect(stderr).toMatch(/^[^\n]*no-such-cdk\.out[^\n]*\n$/);
  });
});
