import { ALLOWLIST_ACKNOWLEDGED, CLEAN, SHADOWED_DENY, STACK_LEVEL, TWO_STACKS } from './sample-result';
import { renderJson, toJsonReport } from '../../../src/analysis/report/json';

describe('JSON report', () => {
  test('every finding has the keys of the issue, null where a value is unknown', () => {
    // WHEN
    const report = JSON.parse(renderJson(TWO_STACKS));

    // THEN
    expect(report.findings).toHaveLength(TWO_STACKS.findings.length);
    const deny = report.findings.find((f: any) => f.logicalId === SHADOWED_DENY.logicalId);
    expect(deny).toEqual({
      ruleId: 'LayeredDefense-NaclDenyShadowed',
      level: 'error',
      stackName: 'App',
      stackId: 'App',
      logicalId: 'DenyBadActors',
      cdkPath: 'App/DenyBadActors',
      message: SHADOWED_DENY.message,
      fix: SHADOWED_DENY.fix,
      file: 'cdk.out/App.template.json',
      line: 42,
      column: 5,
      acknowledged: null,
    });
    const stackLevel = report.findings.find((f: any) => f.message === STACK_LEVEL.message);
    expect(stackLevel).toMatchObject({ logicalId: null, cdkPath: null, line: null, column: null, file: 'cdk.out/Network.template.json' });
    for (const finding of report.findings) {
      expect(Object.keys(finding).sort()).toEqual(Object.keys(deny).sort());
    }
  });

  test('keeps the analysis order and carries the acknowledgement reason', () => {
    // WHEN
    const report = toJsonReport(TWO_STACKS);

    // THEN
    expect(report.findings.map((f) => f.ruleId)).toEqual(TWO_STACKS.findings.map((f) => f.ruleId));
    expect(report.findings.find((f) => f.logicalId === 'PartnerAcl')!.acknowledged).toBe(ALLOWLIST_ACKNOWLEDGED.acknowledged);
  });

  test('the summary counts unacknowledged errors and warnings apart from acknowledged findings, and says whether the run failed', () => {
    // WHEN / THEN
    expect(toJsonReport(TWO_STACKS).summary).toEqual({
      errors: 2, warnings: 2, acknowledged: 1, total: 5, stacks: 2, resources: 14, failOn: 'error', failed: true,
    });
    expect(toJsonReport(TWO_STACKS, { failOn: 'none' }).summary).toMatchObject({ failOn: 'none', failed: false });
    // AND a warning fails a run at --fail-on warning, not at --fail-on error
    const warningsOnly = { ...TWO_STACKS, findings: TWO_STACKS.findings.filter((f) => f.level === 'warning') };
    expect(toJsonReport(warningsOnly, { failOn: 'error' }).summary.failed).toBe(false);
    expect(toJsonReport(warningsOnly, { failOn: 'warning' }).summary.failed).toBe(true);
    // AND an acknowledged finding never fails a run
    const acknowledgedOnly = { ...TWO_STACKS, findings: [ALLOWLIST_ACKNOWLEDGED, { ...SHADOWED_DENY, acknowledged: 'reviewed' }] };
    expect(toJsonReport(acknowledgedOnly, { failOn: 'warning' }).summary).toMatchObject({ errors: 0, warnings: 0, acknowledged: 2, failed: false });
  });

  test('no findings is an empty list, not a missing key', () => {
    expect(JSON.parse(renderJson(CLEAN))).toEqual({
      findings: [],
      summary: { errors: 0, warnings: 0, acknowledged: 0, total: 0, stacks: 3, resources: 41, failOn: 'error', failed: false },
    });
  });
});
