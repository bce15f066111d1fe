// The forwarded-IP rules that judge how a web ACL runs (WafForwardedIpFailOpen, WafForwardedIpDirectReach) also see
// the rules of each AWS::WAFv2::RuleGroup of the templates that the web ACL runs in place. Before, an allowlist by
// X-Forwarded-For inside a shared group failed open without a word. CDK-free, on
// test/fixtures/templates/waf/bad/rule-group-statements.yaml: a group whose /admin rule blocks every client outside the
// office set (read from the FIRST address of X-Forwarded-For, FallbackBehavior NO_MATCH), referenced with
// OverrideAction None by web ACL Acl, whose default action is Allow, and which has no missing-header guard.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';
import { readApp } from '../../../src/analysis/cfn';
import { CheckFinding } from '../../../src/analysis/engine';
import { judge, ofRule, sites } from '../support';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'waf', 'bad', 'rule-group-statements.yaml');
const FAIL_OPEN = 'LayeredDefense-WafForwardedIpFailOpen';
const DIRECT_REACH = 'LayeredDefense-WafForwardedIpDirectReach';
const RULE = "rule 'AdminOnlyFromOffice' of rule group Stack/Shared (referenced by rule 'Shared')";

/** The fixture (intrinsics resolved) with one change made to its resources, judged under the stack id `Stack`. */
function judged(change: (resources: any) => void = () => undefined): CheckFinding[] {
  const template = JSON.parse(JSON.stringify(readApp([FIXTURE]).stacks[0].template));
  change(template.Resources);
  return judge({ Stack: template });
}

const reference = (r: any) => r.Acl.Properties.Rules[0];
const groupRule = (r: any) => r.Shared.Properties.Rules[0];
const forwardedConfig = (r: any) =>
  groupRule(r).Statement.AndStatement.Statements[1].NotStatement.Statement.IPSetReferenceStatement.IPSetForwardedIPConfig;

/** A web ACL rule ahead of the group that blocks /admin requests without X-Forwarded-For (what PathAllowlistWaf adds). */
const guard = {
  Name: 'AdminMissingForwardedIp',
  Priority: 0,
  Action: { Block: {} },
  VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'missing' },
  Statement: {
    AndStatement: {
      Statements: [
        { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/admin', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
        {
          NotStatement: {
            Statement: {
              SizeConstraintStatement: {
                FieldToMatch: { SingleHeader: { Name: 'x-forwarded-for' } }, ComparisonOperator: 'GT', Size: 0, TextTransformations: [{ Priority: 0, Type: 'NONE' }],
              },
            },
          },
        },
      ],
    },
  },
};

function cannotVerify(findings: CheckFinding[], ruleId: string): string[] {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ruleId} cannot verify`)).map((f) => f.message);
}

describe(`${FAIL_OPEN} on the rules of a rule group`, () => {
  test('GIVEN the group\'s allowlist and no missing-header guard WHEN judged THEN a request without the header gets in: one error on the web ACL', () => {
    // WHEN
    const findings = ofRule(judged(), FAIL_OPEN);
    // THEN /admin from 192.0.2.77 (outside the office set) is blocked by the group's rule; the same request without
    // the header skips that rule, and the default action allows it
    expect(sites(findings)).toEqual([[FAIL_OPEN, 'Stack/Acl']]);
    expect(findings[0].message).toBe(`${RULE} blocks /admin with X-Forwarded-For: 192.0.2.77, but the same request without X-Forwarded-For is allowed `
      + '(by the default action): WAF skips the rule when the header is missing');
  });

  test('GIVEN the group named with !Sub ${Shared.Arn} WHEN checked THEN it is the templates\' group, judged as with Fn::GetAtt', () => {
    // GIVEN the fixture with the reference's Arn written as a Sub of the group's Arn alone (read by the template reader)
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sub-arn-')), 'sub-arn.yaml');
    fs.writeFileSync(file, fs.readFileSync(FIXTURE, 'utf8').replace('RuleGroupReferenceStatement: { Arn: !GetAtt Shared.Arn }',
      'RuleGroupReferenceStatement: { Arn: !Sub "${Shared.Arn}" }'));
    // WHEN
    const findings = analyzePaths([file]).findings.filter((f) => f.ruleId === FAIL_OPEN);
    // THEN the same error as with Fn::GetAtt
    expect(findings.map((f) => f.message.split(' blocks ')[0])).toEqual([RULE.replace('Stack/', 'sub-arn/')]);
  });

  test('GIVEN a guard in the web ACL ahead of the group WHEN judged THEN nothing: every /admin request without the header is blocked first', () => {
    const findings = judged((r) => {
      reference(r).Priority = 1;
      r.Acl.Properties.Rules.unshift(guard);
    });
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN)).toEqual([]);
  });

  test('GIVEN FallbackBehavior MATCH in the group WHEN judged THEN a header that holds no address gets in as well', () => {
    const findings = ofRule(judged((r) => {
      forwardedConfig(r).FallbackBehavior = 'MATCH';
    }), FAIL_OPEN);
    // THEN "unknown" counts as an office address under MATCH: the NOT fails and the default action allows the request
    expect(findings.map((f) => f.message)).toEqual([
      `${RULE} blocks /admin with X-Forwarded-For: 192.0.2.77, but the same request without X-Forwarded-For is allowed `
        + '(by the default action): WAF skips the rule when the header is missing',
      `${RULE} blocks /admin with X-Forwarded-For: 192.0.2.77, but the same request with X-Forwarded-For: unknown is allowed `
        + '(by the default action): with FallbackBehavior MATCH a header that holds no valid address counts as a match',
    ]);
  });

  test('GIVEN the reference counts the group (OverrideAction Count) WHEN judged THEN nothing: its rules stop no request', () => {
    const findings = judged((r) => {
      reference(r).OverrideAction = { Count: {} };
    });
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN)).toEqual([]);
  });

  test('GIVEN the reference excludes the allowlist rule (ExcludedRules, which counts it) WHEN judged THEN nothing', () => {
    const findings = judged((r) => {
      reference(r).Statement.RuleGroupReferenceStatement.ExcludedRules = [{ Name: 'AdminOnlyFromOffice' }];
    });
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
  });

  test('GIVEN the reference\'s OverrideAction not known at synth WHEN judged THEN "cannot verify", saying what None would let in', () => {
    // GIVEN None or Count, decided at deploy time: under Count the group blocks nothing (no finding), under None it fails open
    const findings = judged((r) => {
      reference(r).OverrideAction = { 'Fn::ImportValue': 'SharedOverride' };
    });
    // THEN no finding, one "cannot verify" naming the value and the request None would let in
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN)).toEqual([`${FAIL_OPEN} cannot verify forwarded IP handling of ${RULE}: `
      + 'rule \'Shared\' OverrideAction {"Fn::ImportValue":"SharedOverride"} is not known at synth; with OverrideAction None, '
      + `${RULE} blocks /admin with X-Forwarded-For: 192.0.2.77, but the same request without X-Forwarded-For is allowed (by the default action): `
      + 'WAF skips the rule when the header is missing']);
  });

  test('GIVEN that undecided reference behind a guard in the web ACL WHEN judged THEN nothing: neither None nor Count lets a request in', () => {
    const findings = judged((r) => {
      reference(r).OverrideAction = { 'Fn::ImportValue': 'SharedOverride' };
      reference(r).Priority = 1;
      r.Acl.Properties.Rules.unshift(guard);
    });
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN)).toEqual([]);
  });

  test.each<[string, (r: any) => void]>([
    ['ExcludedRules', (r) => { reference(r).Statement.RuleGroupReferenceStatement.ExcludedRules = { 'Fn::ImportValue': 'Excluded' }; }],
    ['RuleActionOverrides', (r) => { reference(r).Statement.RuleGroupReferenceStatement.RuleActionOverrides = { 'Fn::ImportValue': 'Overrides' }; }],
    ['the group\'s Rules', (r) => { r.Shared.Properties.Rules = { 'Fn::ImportValue': 'SharedRules' }; }],
  ])('GIVEN %s not known at synth WHEN judged THEN "cannot verify", never a silent pass', (_, change) => {
    const findings = judged(change);
    expect(ofRule(findings, FAIL_OPEN)).toEqual([]);
    expect(cannotVerify(findings, FAIL_OPEN)).toHaveLength(1);
  });

  test('GIVEN the allowlist moved from the group into the web ACL WHEN judged THEN the message names the web ACL\'s rule as before', () => {
    const findings = ofRule(judged((r) => {
      r.Acl.Properties.Rules = [{ ...groupRule(r), Priority: 0 }];
    }), FAIL_OPEN);
    expect(findings.map((f) => f.message.split(' blocks ')[0])).toEqual(["rule 'AdminOnlyFromOffice'"]);
  });
});

describe(`${DIRECT_REACH} on the rules of a rule group`, () => {
  /** The web ACL associated with an application load balancer whose security group admits `cidr` on 443. */
  const behindLoadBalancer = (cidr: string, change: (resources: any) => void = () => undefined) => judged((r) => {
    r.LbGroup = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'load balancer', VpcId: 'vpc-0abc', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: cidr }] },
    };
    r.Lb = { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: ['subnet-1', 'subnet-2'], SecurityGroups: [{ 'Fn::GetAtt': ['LbGroup', 'GroupId'] }] } };
    r.Association = { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Lb' }, WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] } } };
    change(r);
  });

  test('GIVEN a load balancer open to 0.0.0.0/0 WHEN its web ACL runs the group THEN a client can skip the proxy: one warning naming the group\'s rule', () => {
    const findings = ofRule(behindLoadBalancer('0.0.0.0/0'), DIRECT_REACH);
    expect(sites(findings)).toEqual([[DIRECT_REACH, 'Stack/Lb']]);
    expect(findings[0].message).toBe("web ACL Acl judges clients by a forwarded IP header (rule 'AdminOnlyFromOffice' of rule group Stack/Shared (referenced by rule 'Shared')), "
      + 'but the security groups of load balancer Lb admit 0.0.0.0/0, so a client can connect without the proxy and choose the header, for example an allowlisted address');
  });

  test('GIVEN a load balancer that admits only the proxy\'s range WHEN judged THEN nothing', () => {
    expect(ofRule(behindLoadBalancer('198.51.100.0/24'), DIRECT_REACH)).toEqual([]);
  });

  test.each<[string, unknown]>([
    ['counted (OverrideAction Count)', { Count: {} }],
    ['referenced with an OverrideAction not known at synth', { 'Fn::ImportValue': 'SharedOverride' }],
  ])('GIVEN the group %s WHEN judged THEN the same warning: its rules still read the header and add labels, as a web ACL\'s COUNT rule does', (_, override) => {
    const findings = behindLoadBalancer('0.0.0.0/0', (r) => { reference(r).OverrideAction = override; });
    expect(ofRule(findings, DIRECT_REACH).map((f) => f.message)).toEqual([expect.stringContaining("(rule 'AdminOnlyFromOffice' of rule group Stack/Shared (referenced by rule 'Shared'))")]);
  });

  test('GIVEN the group\'s Rules not known at synth WHEN judged THEN "cannot verify": they may read the header', () => {
    const findings = behindLoadBalancer('0.0.0.0/0', (r) => { r.Shared.Properties.Rules = { 'Fn::ImportValue': 'SharedRules' }; });
    expect(ofRule(findings, DIRECT_REACH)).toEqual([]);
    expect(cannotVerify(findings, DIRECT_REACH)).toEqual([expect.stringContaining('rule group Stack/Shared: ')]);
  });
});
