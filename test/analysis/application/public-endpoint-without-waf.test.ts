// LayeredDefense-PublicEndpointWithoutWaf on templates, CDK-free: REST API stages (from AWS::ApiGateway::Stage and
// from a Deployment's StageName) matched to web ACL associations by reference or by the stage name in the ARN, and
// load balancers whose scheme or type is not known.
import * as fs from 'fs';
import * as path from 'path';
import { judge, ofRule, sites } from '../support';

const ID = 'LayeredDefense-PublicEndpointWithoutWaf';

const webAcl = {
  Type: 'AWS::WAFv2::WebACL',
  Properties: { Scope: 'REGIONAL', DefaultAction: { Allow: {} }, VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: 'acl' }, Rules: [] },
};
const association = (arn: unknown) => ({ Type: 'AWS::WAFv2::WebACLAssociation', Properties: { WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] }, ResourceArn: arn } });
const stageArn = (stage: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/restapis/\${Api}/stages/${stage}` });

function restApi(resources: Record<string, unknown>, endpointTypes?: string[]): Record<string, unknown> {
  return {
    Resources: {
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api', ...(endpointTypes ? { EndpointConfiguration: { Types: endpointTypes } } : {}) } },
      Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' } } },
      Acl: webAcl,
      ...resources,
    },
  };
}

const stage = (name: unknown) => ({ Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: name } });

describe(`${ID}: REST API stages`, () => {
  test('GIVEN a stage whose association ARN names it with Fn::Sub WHEN judged THEN it is protected', () => {
    expect(ofRule(judge({ Stack: restApi({ Prod: stage('prod'), Assoc: association(stageArn('prod')) }) }), ID)).toEqual([]);
  });

  test('GIVEN an association naming another stage of the same API WHEN judged THEN the stage has no web ACL', () => {
    const findings = ofRule(judge({ Stack: restApi({ Prod: stage('prod'), Assoc: association(stageArn('dev')) }) }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Prod']]);
    expect(findings[0].message).toBe('API Gateway stage prod has no web ACL association');
  });

  test('GIVEN an association ARN joined from pieces, the stage name one of them WHEN judged THEN it is protected', () => {
    const arn = { 'Fn::Join': ['', ['arn:aws:apigateway:us-east-1::/restapis/', { Ref: 'Api' }, '/stages/', 'prod']] };
    expect(ofRule(judge({ Stack: restApi({ Prod: stage('prod'), Assoc: association(arn) }) }), ID)).toEqual([]);
  });

  test('GIVEN an association that refers to the stage resource itself WHEN judged THEN it is protected', () => {
    const arn = { 'Fn::Join': ['', ['arn:aws:apigateway:us-east-1::/restapis/', { Ref: 'Api' }, '/stages/', { Ref: 'Prod' }]] };
    expect(ofRule(judge({ Stack: restApi({ Prod: stage('prod'), Assoc: association(arn) }) }), ID)).toEqual([]);
  });

  test('GIVEN an association of another API WHEN judged THEN the stage has no web ACL', () => {
    const other = { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'other' } };
    const arn = { 'Fn::Sub': 'arn:aws:apigateway:us-east-1::/restapis/${Other}/stages/prod' };
    expect(sites(ofRule(judge({ Stack: restApi({ Other: other, Prod: stage('prod'), Assoc: association(arn) }) }), ID))).toEqual([[ID, 'Stack/Prod']]);
  });

  test('GIVEN a stage whose name is not known WHEN only an ARN by name could match THEN it is reported by its logical id', () => {
    const findings = ofRule(judge({ Stack: restApi({ Prod: stage({ 'Fn::ImportValue': 'StageName' }), Assoc: association(stageArn('prod')) }) }), ID);
    expect(findings.map((f) => f.message)).toEqual(['API Gateway stage Prod has no web ACL association']);
  });

  test('GIVEN a PRIVATE REST API WHEN judged THEN its stages are not public endpoints', () => {
    expect(ofRule(judge({ Stack: restApi({ Prod: stage('prod') }, ['PRIVATE']) }), ID)).toEqual([]);
  });

  test('GIVEN a REGIONAL REST API without an association WHEN judged THEN its stage is reported', () => {
    expect(sites(ofRule(judge({ Stack: restApi({ Prod: stage('prod') }, ['REGIONAL']) }), ID))).toEqual([[ID, 'Stack/Prod']]);
  });

  test('GIVEN two stages of one API WHEN only one is associated THEN the other is reported', () => {
    const findings = ofRule(judge({ Stack: restApi({ Prod: stage('prod'), Dev: stage('dev'), Assoc: association({ Ref: 'Prod' }) }) }), ID);
    expect(findings.map((f) => f.message)).toEqual(['API Gateway stage dev has no web ACL association']);
  });

  test('GIVEN two APIs with a stage named prod WHEN the ARN names the other API\'s prod THEN this prod is reported', () => {
    const other = { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'other' } };
    const otherStage = { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Other' }, DeploymentId: 'd-1', StageName: 'prod' } };
    const arn = { 'Fn::Sub': 'arn:aws:apigateway:us-east-1::/restapis/${Other}/stages/prod' };
    const findings = ofRule(judge({ Stack: restApi({ Other: other, OtherProd: otherStage, Prod: stage('prod'), Assoc: association(arn) }) }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Prod']]);
  });

  test('GIVEN a stage of an API outside the templates WHEN nothing is associated THEN the stage is reported', () => {
    const template = { Resources: { Prod: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { 'Fn::ImportValue': 'ApiId' }, DeploymentId: 'd-1', StageName: 'prod' } } } };
    const findings = judge({ Stack: template });
    expect(ofRule(findings, ID).map((f) => f.message)).toEqual(['API Gateway stage prod has no web ACL association']);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(ID))).toEqual([]);
  });

  test('GIVEN a stage made by a Deployment\'s StageName WHEN nothing is associated THEN the deployment is reported', () => {
    const template = restApi({}) as { Resources: Record<string, any> };
    template.Resources.Deployment.Properties.StageName = 'v1';
    const findings = ofRule(judge({ Stack: template }), ID);
    expect(sites(findings)).toEqual([[ID, 'Stack/Deployment']]);
    expect(findings[0].message).toBe('API Gateway stage v1 has no web ACL association');
  });
});

describe(`${ID}: load balancers`, () => {
  const lb = (properties: Record<string, unknown>) => ({ Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: ['subnet-1', 'subnet-2'], ...properties } });

  test.each([
    ['the default scheme and type', {}, ['Stack/Lb']],
    ['internal', { Scheme: 'internal' }, []],
    ['a network load balancer', { Type: 'network' }, []],
  ])('GIVEN %s WHEN judged without an association THEN the findings are %j', (_, properties, expected) => {
    expect(sites(ofRule(judge({ Stack: { Resources: { Lb: lb(properties) } } }), ID)).map(([, site]) => site)).toEqual(expected);
  });

  test('GIVEN an internet-facing ALB without an association WHEN judged THEN the message names it', () => {
    expect(ofRule(judge({ Stack: { Resources: { Lb: lb({}) } } }), ID).map((f) => f.message)).toEqual(['internet-facing Application Load Balancer Lb has no web ACL association']);
  });

  test.each([
    ['Scheme', { Scheme: { 'Fn::ImportValue': 'Scheme' } }, 'Scheme {"Fn::ImportValue":"Scheme"}, Type "application"'],
    ['Type', { Type: { 'Fn::ImportValue': 'Kind' } }, 'Scheme "internet-facing", Type {"Fn::ImportValue":"Kind"}'],
  ])('GIVEN a load balancer whose %s is not known WHEN judged THEN it cannot be verified, naming both values', (_, properties, values) => {
    const findings = judge({ Stack: { Resources: { Lb: lb(properties) } } });
    expect(ofRule(findings, ID)).toEqual([]);
    expect(ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(ID)).map((f) => f.message)).toEqual([
      `${ID} cannot verify whether the load balancer is internet-facing (${values}): the value is not known`,
    ]);
  });
});

describe(`${ID}: a load balancer behind a protected CloudFront distribution`, () => {
  /** test/fixtures/templates/paths/cloudfront-origin.json: an internet-facing ALB, the origin of a distribution with a web ACL. */
  function behindCloudFront(change: (resources: any) => void): string[] {
    const template = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'templates', 'paths', 'cloudfront-origin.json'), 'utf8'));
    change(template.Resources);
    return sites(ofRule(judge({ App: template }), ID)).map(([, site]) => site);
  }

  test('GIVEN the origin ALB admits only CloudFront\'s origin-facing prefix list WHEN judged THEN it is still reported: the list admits every distribution', () => {
    expect(behindCloudFront((r) => {
      r.LbGroup.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-3b927c52' }];
    })).toEqual(['App/OriginAlb']);
  });

  test('GIVEN the origin ALB admits everyone WHEN judged THEN it is reported', () => {
    expect(behindCloudFront(() => undefined)).toEqual(['App/OriginAlb']);
  });
});
