import * as path from 'path';
import { ALLOWLIST_ACKNOWLEDGED, CLEAN, OPEN_SSH, SHADOWED_DENY, STACK_LEVEL, TWO_STACKS } from './sample-result';
import { sarifSchemaErrors } from './sarif-schema';
import { artifactUri, FINGERPRINT_KEY, renderSarif, securitySeverity, toSarifLog } from '../../../src/analysis/report/sarif';
import { RULES } from '../../../src/analysis/rules/registry';

const REPO = 'https://github.com/cdk-layered-defense/cdk-layered-defense.git';
const CWD = path.resolve('/work/repo');
const OPTIONS = { rules: RULES, toolVersion: '1.2.3', repositoryUrl: REPO, cwd: CWD };

function resultFor(log: any, logicalId: string | undefined, message?: string): any {
  return log.runs[0].results.find((r: any) => r.properties.logicalId === logicalId && (message === undefined || r.message.text.startsWith(message)));
}

describe('SARIF report', () => {
  test('is valid SARIF 2.1.0, with findings and without', () => {
    // WHEN
    const withFindings = JSON.parse(renderSarif(TWO_STACKS, OPTIONS));
    const empty = JSON.parse(renderSarif(CLEAN, OPTIONS));

    // THEN
    expect(sarifSchemaErrors(withFindings)).toEqual([]);
    expect(sarifSchemaErrors(empty)).toEqual([]);
    expect(withFindings.version).toBe('2.1.0');
    expect(withFindings.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(empty.runs[0].results).toEqual([]);
  });

  test('the schema check is not vacuous: a log GitHub would reject fails it', () => {
    // GIVEN a log with a level SARIF does not have, and a result without a message
    const log = toSarifLog(TWO_STACKS, OPTIONS);
    log.runs[0].results[0].level = 'fatal';
    delete log.runs[0].results[1].message;

    // THEN
    const errors = sarifSchemaErrors(log);
    expect(errors.some((e) => e.startsWith('/runs/0/results/0/level'))).toBe(true);
    expect(errors.some((e) => e.includes("must have required property 'message'"))).toBe(true);
  });

  test('the driver names the tool, its version and home', () => {
    const driver = toSarifLog(CLEAN, OPTIONS).runs[0].tool.driver;
    expect(driver).toMatchObject({
      name: 'cdk-layered-defense',
      version: '1.2.3',
      semanticVersion: '1.2.3',
      informationUri: 'https://github.com/cdk-layered-defense/cdk-layered-defense',
    });
  });

  test('the rules table is the registry, in order, with descriptions, help with the fix and the RULES.md link, level and severity', () => {
    // WHEN
    const rules = toSarifLog(CLEAN, OPTIONS).runs[0].tool.driver.rules;

    // THEN
    expect(rules.map((r: any) => r.id)).toEqual(RULES.map((r) => r.id));
    const registered = RULES.find((r) => r.id === 'LayeredDefense-NaclDenyShadowed')!;
    const rule = rules.find((r: any) => r.id === registered.id);
    expect(rule).toMatchObject({
      name: 'NaclDenyShadowed',
      shortDescription: { text: registered.summary },
      helpUri: 'https://github.com/cdk-layered-defense/cdk-layered-defense/blob/main/RULES.md#layereddefense-nacldenyshadowed',
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '8.0', 'tags': ['security', 'cloudformation', 'subnet', 'hipaa'] },
    });
    expect(rule.fullDescription.text).toContain(registered.why);
    expect(rule.fullDescription.text).toContain('45 CFR 164.312(e)(1)');
    expect(rule.help.text).toContain(`Fix: ${registered.fix}`);
    expect(rule.help.markdown).toContain(`(${rule.helpUri})`);
    // AND every rule has a numeric security-severity and the security tag GitHub needs to show it
    for (const r of rules) {
      expect(Number(r.properties['security-severity'])).toBeGreaterThan(0);
      expect(r.properties.tags).toContain('security');
      expect(r.properties.tags.every((t: string) => /^[a-z0-9-]+$/.test(t))).toBe(true);
    }
  });

  test('security-severity: errors with a HIPAA citation are high, warnings without one are low', () => {
    expect(securitySeverity({ level: 'error', hipaa: '164.312(b)' })).toBe('8.0');
    expect(securitySeverity({ level: 'error' })).toBe('6.0');
    expect(securitySeverity({ level: 'warning', hipaa: '164.312(a)(1)' })).toBe('5.0');
    expect(securitySeverity({ level: 'warning' })).toBe('3.0');
  });

  test('a result carries its rule (id and index), level, message with the fix, and the template position', () => {
    // WHEN
    const log = toSarifLog(TWO_STACKS, OPTIONS);
    const result = resultFor(log, 'DenyBadActors');

    // THEN
    expect(result.ruleId).toBe('LayeredDefense-NaclDenyShadowed');
    expect(log.runs[0].tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(result.level).toBe('error');
    expect(result.message.text).toBe(`${SHADOWED_DENY.message}. Fix: ${SHADOWED_DENY.fix}`);
    expect(result.locations).toEqual([{
      physicalLocation: { artifactLocation: { uri: 'cdk.out/App.template.json' }, region: { startLine: 42, startColumn: 5 } },
      logicalLocations: [{ name: 'DenyBadActors', fullyQualifiedName: 'App/DenyBadActors', kind: 'resource' }],
    }]);
    expect(result.properties).toEqual({ stackName: 'App', stackId: 'App', logicalId: 'DenyBadActors', cdkPath: 'App/DenyBadActors', fix: SHADOWED_DENY.fix });
    expect(result.suppressions).toBeUndefined();
  });

  test('a finding without a position has the file and no region; one without a resource has no logical location', () => {
    const result = toSarifLog(TWO_STACKS, OPTIONS).runs[0].results.find((r: any) => r.message.text.startsWith(STACK_LEVEL.message));
    expect(result.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'cdk.out/Network.template.json' } } }]);
  });

  test('an acknowledged finding is an in-source suppression with its reason', () => {
    const result = resultFor(toSarifLog(TWO_STACKS, OPTIONS), 'PartnerAcl');
    expect(result.suppressions).toEqual([{ kind: 'inSource', justification: ALLOWLIST_ACKNOWLEDGED.acknowledged }]);
  });

  test('fingerprints survive line moves and separate different findings', () => {
    // GIVEN the same finding after the template's lines moved, and a different finding on the same resource
    const moved = { ...SHADOWED_DENY, line: 97, column: 9 };
    const other = { ...SHADOWED_DENY, message: 'inbound IPv4 DENY rule 130 for 192.0.2.0/24 is partly shadowed by ALLOW rule 100' };

    // WHEN
    const [before] = toSarifLog({ findings: [SHADOWED_DENY], stacks: 1, resources: 1 }, OPTIONS).runs[0].results;
    const [after, different] = toSarifLog({ findings: [moved, other], stacks: 1, resources: 1 }, OPTIONS).runs[0].results;

    // THEN
    expect(after.partialFingerprints).toEqual(before.partialFingerprints);
    expect(before.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{64}$/);
    expect(before.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);
    expect(different.partialFingerprints[FINGERPRINT_KEY]).not.toBe(before.partialFingerprints[FINGERPRINT_KEY]);
    expect(different.partialFingerprints.primaryLocationLineHash).not.toBe(before.partialFingerprints.primaryLocationLineHash);
  });

  test('two identical findings get distinct primaryLocationLineHash occurrences, so GitHub keeps both', () => {
    const [first, second] = toSarifLog({ findings: [OPEN_SSH, { ...OPEN_SSH, line: 30 }], stacks: 1, resources: 1 }, OPTIONS).runs[0].results;
    expect(first.partialFingerprints.primaryLocationLineHash.replace(/:1$/, ':2')).toBe(second.partialFingerprints.primaryLocationLineHash);
  });

  test('a finding whose rule is not in the registry still gets a rule descriptor', () => {
    // GIVEN a finding of an id the registry does not have (e.g. a malformed acknowledgement reported by the analysis)
    const odd = { ...OPEN_SSH, ruleId: 'LayeredDefense-AcknowledgementInvalid', level: 'warning' as const };

    // WHEN
    const log = toSarifLog({ findings: [odd], stacks: 1, resources: 1 }, OPTIONS);

    // THEN
    const rules = log.runs[0].tool.driver.rules;
    expect(rules).toHaveLength(RULES.length + 1);
    expect(rules[log.runs[0].results[0].ruleIndex]).toMatchObject({ id: odd.ruleId, defaultConfiguration: { level: 'warning' } });
    expect(sarifSchemaErrors(log)).toEqual([]);
  });

  test.each([
    ['cdk.out/App.template.json', 'cdk.out/App.template.json'],
    [path.join(CWD, 'cdk.out', 'App.template.json'), 'cdk.out/App.template.json'],
    ['templates/my stack#1.yaml', 'templates/my%20stack%231.yaml'],
    ['a:b.yaml', 'a%3Ab.yaml'],
  ])('artifact URI of %s relative to the working directory is %s', (file, uri) => {
    expect(artifactUri(file, CWD)).toBe(uri);
  });

  test('a file outside the working directory gets an absolute file URI', () => {
    expect(artifactUri('/elsewhere/t.json', CWD)).toBe('file:///elsewhere/t.json');
    expect(artifactUri('../sibling/t.json', CWD)).toBe(`file://${path.resolve(CWD, '..', 'sibling', 't.json')}`);
  });
});
