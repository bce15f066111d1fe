// The WAF rules that judge statements as written (WafPathBypass, WafForwardedIpSpoofable) also judge the rules of
// each AWS::WAFv2::RuleGroup of the templates, on the group: a flawed statement there is flawed in every web ACL that
// references the group. CDK-free, on test/fixtures/templates/waf/bad/rule-group-statements.yaml.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'waf', 'bad', 'rule-group-statements.yaml');
const PATH_BYPASS = 'LayeredDefense-WafPathBypass';
const SPOOFABLE = 'LayeredDefense-WafForwardedIpSpoofable';

describe('statements inside a rule group of the templates', () => {
  test('GIVEN a shared rule group with an untransformed path match and a FIRST forwarded address WHEN checked THEN both are reported on the group', () => {
    // WHEN
    const findings = analyzePaths([FIXTURE]).findings.filter((f) => f.ruleId === PATH_BYPASS || f.ruleId === SPOOFABLE);
    // THEN
    expect(findings.map((f) => [f.ruleId, f.logicalId])).toEqual([[PATH_BYPASS, 'Shared'], [SPOOFABLE, 'Shared']]);
    expect(findings[0].message).toMatch(/^rule 'AdminOnlyFromOffice' \(BLOCK\) matches the URI path with STARTS_WITH '\/admin' without URL_DECODE and NORMALIZE_PATH/);
    expect(findings[1].message).toMatch(/^rule 'AdminOnlyFromOffice' matches IP set Office against the FIRST address of X-Forwarded-For/);
  });
});

describe('WafAllowlistVeryBroad inside a rule group of the templates', () => {
  const VERY_BROAD = 'LayeredDefense-WafAllowlistVeryBroad';

  test('GIVEN the group\'s office set widened to 128.0.0.0/1 WHEN checked THEN the broad exemption is reported once, on the group', () => {
    // GIVEN the same template with the office IP set covering half of the IPv4 space
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rule-group-')), 'broad.yaml');
    fs.writeFileSync(file, fs.readFileSync(FIXTURE, 'utf8').replace('Addresses: [203.0.113.0/24]', 'Addresses: [128.0.0.0/1]'));
    // WHEN
    const findings = analyzePaths([file]).findings.filter((f) => f.ruleId === VERY_BROAD);
    // THEN on the group, naming its rule and the set; nothing on the web ACL that uses it
    expect(findings.map((f) => f.logicalId)).toEqual(['Shared']);
    expect(findings[0].message).toBe("rule 'AdminOnlyFromOffice' exempts 50% of the IPv4 address space from its block (IP set Office: '128.0.0.0/1'): "
      + 'almost anyone can reach what it protects');
  });

  test('GIVEN the fixture as written (a /24 office) WHEN checked THEN no broad exemption', () => {
    expect(analyzePaths([FIXTURE]).findings.filter((f) => f.ruleId === VERY_BROAD)).toEqual([]);
  });
});
