// The WAF rules that judge statements as written (WafPathBypass, WafForwardedIpSpoofable) also judge the rules of
// each AWS::WAFv2::RuleGroup of the templates, on the group: a flawed statement there is flawed in every web ACL that
// references the group. CDK-free, on test/fixtures/templates/waf/bad/rule-group-statements.yaml.
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
