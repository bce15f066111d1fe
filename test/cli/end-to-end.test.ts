// The CLI on real input, read by the template reader and judged by the engine: hand-written YAML with short forms,
// parameters and acknowledgements; a good template; and the cdk.out of a real two-stack CDK app.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { runReal } from './cli-harness';
import { LayeredDefenseChecks } from '../../src/frontdoors';
import { sarifSchemaErrors } from '../analysis/report/sarif-schema';
import { annotations } from '../checks/support';
import { twoStacks } from '../checks/two-stack-app';

const ROOT = path.join(__dirname, '..', '..');
const BAD = 'test/fixtures/templates/subnet/bad/shadowed-deny.yaml';
const GOOD = 'test/fixtures/templates/subnet/good/blocklist.json';

function run(argv: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  return runReal(argv, cwd);
}

function findingsOf(argv: string[], cwd = ROOT): Array<Record<string, unknown>> {
  const { stdout } = run([...argv, '--format', 'json'], cwd);
  return JSON.parse(stdout).findings;
}

describe('check on a hand-written YAML template', () => {
  test('GIVEN short forms, a parameter default and a condition WHEN checked THEN each finding sits on its resource, line and column', () => {
    // WHEN
    const { code } = run(['check', BAD]);
    const findings = findingsOf(['check', BAD]);
    // THEN
    expect(code).toBe(1);
    expect(findings.map((f) => [f.ruleId, f.logicalId, f.line, f.column, f.acknowledged ?? null]).sort()).toEqual([
      ['LayeredDefense-InvalidValue', 'PartnerNacl', 42, 3, null],
      ['LayeredDefense-NaclDenyShadowed', 'DenyBadActor', 32, 3, null],
      ['LayeredDefense-NaclUnassociated', 'PartnerNacl', 42, 3, "Associated by the partner team's stack once the link is up (ticket NET-7)"],
      ['LayeredDefense-SgDefaultOpen', 'Vpc', 11, 3, null],
      ['LayeredDefense-SgOpenIngress', 'Bastion', 35, 3, null],
    ]);
    expect(findings.find((f) => f.ruleId === 'LayeredDefense-InvalidValue')?.message).toMatch(/LayeredDefense-NaclAllowlst is not a rule id/);
  });

  test('GIVEN --parameter for the admin CIDR WHEN checked THEN SSH is no longer open to everyone', () => {
    const findings = findingsOf(['check', BAD, '--parameter', 'AdminCidr=203.0.113.0/24']);
    expect(findings.filter((f) => f.ruleId === 'LayeredDefense-SgOpenIngress')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'LayeredDefense-NaclDenyShadowed')).toHaveLength(1);
  });

  test('GIVEN --parameter for a parameter no stack declares (a typo) WHEN checked THEN exit 2 naming it, not a run on the defaults', () => {
    const { code, stdout, stderr } = run(['check', BAD, '--parameter', 'AdminCdir=203.0.113.0/24']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^--parameter AdminCdir: no stack declares a parameter 'AdminCdir' \(declared: .*AdminCidr.*\)\n$/);
  });

  test('GIVEN --parameter with a value outside AllowedValues WHEN checked THEN exit 2 naming the file, the value and the allowed ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-e2e-'));
    const file = path.join(dir, 'env.json');
    fs.writeFileSync(file, JSON.stringify({
      Parameters: { Env: { Type: 'String', Default: 'prod', AllowedValues: ['prod', 'dev'] }, Zones: { Type: 'CommaDelimitedList', Default: 'a', AllowedValues: ['a', 'b'] } },
      Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
    }));
    const bad = run(['check', file, '--parameter', 'Env=staging']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`${file}: --parameter Env=staging: 'staging' is not one of the parameter's AllowedValues (prod, dev)\n`);
    expect(run(['check', file, '--parameter', 'Zones=a,c']).stderr).toMatch(/'c' is not one of the parameter's AllowedValues \(a, b\)/);
    expect(run(['check', file, '--parameter', 'Env=dev', '--parameter', 'Zones=a, b']).code).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN a stack name that switches the partner NACL off WHEN checked THEN its findings go with it', () => {
    // The condition is !Not [!Equals [AWS::StackName, sandbox]]: a copy of the file named sandbox.yaml drops it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-e2e-'));
    fs.copyFileSync(path.join(ROOT, BAD), path.join(dir, 'sandbox.yaml'));
    expect(findingsOf(['check', path.join(dir, 'sandbox.yaml')]).filter((f) => f.logicalId === 'PartnerNacl')).toEqual([]);
  });

  test('GIVEN --fail-on none or the failing rules skipped WHEN checked THEN exit 0', () => {
    expect(run(['check', BAD, '--fail-on', 'none']).code).toBe(0);
    const skipped = ['NaclDenyShadowed', 'SgOpenIngress', 'SgDefaultOpen', 'InvalidValue'].flatMap((r) => ['--skip-rule', r]);
    expect(run(['check', BAD, ...skipped]).code).toBe(0);
  });

  test('GIVEN SARIF WHEN checked THEN it is valid SARIF 2.1.0 with a result per finding and the acknowledged one suppressed', () => {
    const log = JSON.parse(run(['check', BAD, '--format', 'sarif']).stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const results = log.runs[0].results;
    expect(results).toHaveLength(5);
    expect(results.find((r: any) => r.ruleId === 'LayeredDefense-NaclDenyShadowed').locations[0].physicalLocation)
      .toMatchObject({ artifactLocation: { uri: BAD }, region: { startLine: 32, startColumn: 3 } });
    expect(results.filter((r: any) => r.suppressions?.length).map((r: any) => r.ruleId)).toEqual(['LayeredDefense-NaclUnassociated']);
  });
});

test('check on a good template: exit 0, no findings', () => {
  expect(run(['check', GOOD])).toMatchObject({ code: 0, stderr: '' });
  expect(findingsOf(['check', GOOD])).toEqual([]);
});

test('check on unreadable input: exit 2, one line naming the file and the position', () => {
  const { code, stderr } = run(['check', 'test/fixtures/templates/invalid/truncated.json']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/^test\/fixtures\/templates\/invalid\/truncated\.json:\d+:\d+: [^\n]+\n$/);
});

test('check on the cdk.out of a two-stack CDK app reports what the aspect reports, on the same resources', () => {
  // GIVEN the Network/App app, synthesized with the aspect
  const { app } = twoStacks();
  const aspect = new LayeredDefenseChecks();
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    aspect.visit(stack);
  }
  app.synth();
  const bySynth = annotations(app).filter((m) => m.level !== 'info').map((m) => `${m.ruleId} ${m.path.replace(/^\//, '')}`).sort();
  // WHEN the CLI checks the cloud assembly
  const findings = findingsOf(['check', app.outdir]);
  // THEN the same rules on the same construct paths (from the templates' aws:cdk:path, or stack/logical id)
  const byCli = findings.map((f) => `${f.ruleId} ${f.cdkPath ?? `${f.stackName}/${f.logicalId}`}`).sort();
  expect(byCli).toEqual(bySynth);
  expect(byCli).toContain('LayeredDefense-NaclDenyShadowed App/BlockBadActor/Resource');
});
