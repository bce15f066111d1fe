// Where WAF takes an ARN, a Ref to a WAFv2 resource gives its name|id|scope (and Fn::GetAtt X.Id its id): WAF rejects
// the value, so InvalidValue reports it on the resource that writes it. CDK-free, on
// test/fixtures/templates/waf/bad/ref-not-arn.yaml.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'waf', 'bad', 'ref-not-arn.yaml');
const INVALID = 'LayeredDefense-InvalidValue';

describe('a Ref where WAF takes an ARN', () => {
  test('GIVEN every ARN written as !Ref (or !GetAtt X.Id) WHEN checked THEN each is an invalid value, on the resource that writes it', () => {
    const findings = analyzePaths([FIXTURE]).findings.filter((f) => f.ruleId === INVALID && f.message.includes('ARN'));
    expect(findings.map((f) => [f.logicalId, f.message.split(' (write')[0]]).sort()).toEqual([
      ['Acl', "rule 'Blocklist': IPSetReferenceStatement.Arn is Ref Office, which is the IP set's name|id|scope, not the IP set's ARN"],
      ['Acl', "rule 'Shared': RuleGroupReferenceStatement.Arn is Ref Shared, which is the rule group's name|id|scope, not the rule group's ARN"],
      ['Association', "WebACLArn is Ref Acl, which is the web ACL's name|id|scope, not the web ACL's ARN"],
      ['Cdn', "DistributionConfig.WebACLId is Ref Acl, which is the web ACL's name|id|scope, not the web ACL's ARN"],
      ['Logging', "ResourceArn is Ref Acl, which is the web ACL's name|id|scope, not the web ACL's ARN"],
      ['Shared', "rule 'OfficeOnly': IPSetReferenceStatement.Arn is Fn::GetAtt Office.Id, not the IP set's ARN"],
    ]);
    expect(findings[0].message).toMatch(/\(write Fn::GetAtt \w+\.Arn\): WAF rejects it/);
  });

  test('GIVEN the same template with every ARN written as !GetAtt X.Arn WHEN checked THEN no such invalid value', () => {
    const fixed = fs.readFileSync(FIXTURE, 'utf8').replace(/!Ref (Office|Shared|Acl)\b/g, '!GetAtt $1.Arn').replace('!GetAtt Office.Id', '!GetAtt Office.Arn');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'waf-arn-')), 'fixed.yaml');
    fs.writeFileSync(file, fixed);
    expect(analyzePaths([file]).findings.filter((f) => f.ruleId === INVALID && f.message.includes('ARN'))).toEqual([]);
  });
});
