// WafLogging and WafUnassociated, CDK-free, on web ACLs written as templates (the sample requests the evaluator rules
// build from a rule's path matches are tested in waf-statements.test.ts).
import { judge, ofRule, sites } from '../support';

const visibility = (name: string) => ({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: name });
const acl = (properties: Record<string, unknown> = {}) => ({
  Type: 'AWS::WAFv2::WebACL',
  Properties: { Scope: 'REGIONAL', DefaultAction: { Allow: {} }, VisibilityConfig: visibility('acl'), Rules: [], ...properties },
});
const logging = (redacted: unknown) => ({
  Type: 'AWS::WAFv2::LoggingConfiguration',
  Properties: { ResourceArn: { 'Fn::GetAtt': ['Acl', 'Arn'] }, LogDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-a'], RedactedFields: redacted },
});
const association = { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] }, ResourceArn: 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod' } };

function cannotVerify(findings: ReturnType<typeof judge>, ruleId: string): string[] {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ruleId} cannot verify`)).map((f) => f.message);
}

describe('LayeredDefense-WafLogging', () => {
  const ID = 'LayeredDefense-WafLogging';

  test('GIVEN logging that redacts only the authorization header WHEN judged THEN the cookie header is named, on the logging configuration', () => {
    const findings = ofRule(judge({ Stack: { Resources: { Acl: acl(), Assoc: association, Logs: logging([{ SingleHeader: { Name: 'Authorization' } }]) } } }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Logs']]);
    expect(findings[0].message).toBe('the logging configuration of web ACL Acl does not redact the cookie header');
  });

  test('GIVEN logging that redacts nothing WHEN judged THEN both headers are named', () => {
    const findings = ofRule(judge({ Stack: { Resources: { Acl: acl(), Assoc: association, Logs: logging(undefined) } } }), ID);
    expect(findings.map((f) => f.message)).toEqual(['the logging configuration of web ACL Acl does not redact the authorization and cookie headers']);
  });

  test('GIVEN no logging configuration WHEN judged THEN the web ACL is reported, by name', () => {
    const findings = ofRule(judge({ Stack: { Resources: { Acl: acl(), Assoc: association } } }), ID);
    expect(findings.map((f) => f.message)).toEqual(['web ACL Acl has no AWS::WAFv2::LoggingConfiguration in the app']);
  });

  test('GIVEN both headers redacted among fields of other kinds WHEN judged THEN nothing: the other fields are no headers', () => {
    const findings = judge({
      Stack: {
        Resources: {
          Acl: acl(),
          Assoc: association,
          Logs: logging([
            { Method: {} }, { QueryString: {} }, { UriPath: {} }, { SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'COOKIE' } },
          ]),
        },
      },
    });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify')).toEqual([]);
  });

  test('GIVEN RedactedFields that are not a list WHEN judged THEN it cannot verify them, naming the value', () => {
    const findings = judge({ Stack: { Resources: { Acl: acl(), Assoc: association, Logs: logging({ 'Fn::ImportValue': 'Redacted' }) } } });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)).toEqual([`${ID} cannot verify the redacted fields (RedactedFields {"Fn::ImportValue":"Redacted"}): the value is not known`]);
  });
});

describe('LayeredDefense-WafUnassociated', () => {
  const ID = 'LayeredDefense-WafUnassociated';

  const redacted = logging([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }]);
  const distribution = { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Enabled: true, WebACLId: { 'Fn::GetAtt': ['Acl', 'Arn'] } } } };

  test.each([
    ['a REGIONAL web ACL with no association', { Acl: acl(), Logs: redacted }, ['REGIONAL web ACL Acl has no AWS::WAFv2::WebACLAssociation in the app']],
    ['a REGIONAL web ACL with an association', { Acl: acl(), Assoc: association, Logs: redacted }, []],
    ['a CLOUDFRONT web ACL no distribution uses', { Acl: acl({ Scope: 'CLOUDFRONT' }), Logs: redacted }, ['CLOUDFRONT web ACL Acl is used by no CloudFront distribution in the app (WebACLId)']],
    ['a CLOUDFRONT web ACL a distribution uses', { Acl: acl({ Scope: 'CLOUDFRONT' }), Cdn: distribution, Logs: redacted }, []],
  ])('GIVEN %s WHEN judged THEN %j', (_, resources, expected) => {
    expect(ofRule(judge({ Stack: { Resources: resources } }), ID).map((f) => f.message)).toEqual(expected);
  });

  test('GIVEN a web ACL whose Scope is not known WHEN judged THEN it cannot verify whether it is associated', () => {
    const findings = judge({ Stack: { Resources: { Acl: acl({ Scope: { 'Fn::ImportValue': 'Scope' } }), Logs: logging([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }]) } } });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(cannotVerify(findings, ID)).toEqual([`${ID} cannot verify whether the web ACL is associated (Scope {"Fn::ImportValue":"Scope"}): the value is not known`]);
  });

  test('GIVEN a CLOUDFRONT web ACL no distribution uses WHEN judged THEN it is reported', () => {
    const findings = ofRule(judge({ Stack: { Resources: { Acl: acl({ Scope: 'CLOUDFRONT' }) } } }), ID);
    expect(findings.map((f) => f.message)).toEqual(['CLOUDFRONT web ACL Acl is used by no CloudFront distribution in the app (WebACLId)']);
  });
});

