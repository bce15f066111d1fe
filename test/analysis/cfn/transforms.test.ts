// A template's Transform: the SAM transform is expanded into the resources the model judges (answers worked out by
// hand from the SAM specification's generated resources), any other transform is reported as not judged.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';
import { applyTransforms, SAM_TRANSFORM } from '../../../src/analysis/cfn/transforms';
import { Finding } from '../../../src/analysis/findings';

const SAM = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'sam');
const NO_WAF = 'LayeredDefense-PublicEndpointWithoutWaf';

/** `ruleId logicalId line` of each finding. */
function found(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.logicalId} ${f.line}`);
}

describe('applyTransforms', () => {
  test('GIVEN a template without Transform WHEN applied THEN the same object comes back, with nothing generated', () => {
    const template = { Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } };
    const result = applyTransforms(template);
    expect(result.template).toBe(template);
    expect(result.generatedFrom.size).toBe(0);
    expect(result.notExpanded).toEqual([]);
  });

  test('GIVEN a SAM API WHEN expanded THEN a REST API under its id and a stage named as SAM names it, keeping Condition and Metadata', () => {
    // GIVEN
    const metadata = { 'cdk-layered-defense': { acknowledge: [{ id: NO_WAF, reason: 'internal testing stage' }] } };
    const template = {
      Transform: SAM_TRANSFORM,
      Conditions: { IsProd: { 'Fn::Equals': ['a', 'a'] } },
      Resources: { Api: { Type: 'AWS::Serverless::Api', Condition: 'IsProd', Metadata: metadata, Properties: { StageName: 'prod', Name: 'orders' } } },
    };

    // WHEN
    const { template: expanded, generatedFrom } = applyTransforms(template);

    // THEN
    expect(expanded.Resources).toEqual({
      Api: { Type: 'AWS::ApiGateway::RestApi', Condition: 'IsProd', Metadata: metadata, Properties: { Name: 'orders' } },
      ApiprodStage: { Type: 'AWS::ApiGateway::Stage', Condition: 'IsProd', Metadata: metadata, Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } },
      // Without OpenApiVersion, SAM's deployment also makes a stage named Stage.
      ApiDeployment: { Type: 'AWS::ApiGateway::Deployment', Condition: 'IsProd', Metadata: metadata, Properties: { RestApiId: { Ref: 'Api' }, StageName: 'Stage' } },
    });
    expect([...generatedFrom]).toEqual([['ApiprodStage', 'Api'], ['ApiDeployment', 'Api']]);
    expect(template.Resources.Api.Type).toBe('AWS::Serverless::Api'); // the parsed template is not changed
  });

  test.each([
    ['a stage name that is not alphanumeric', 'ApiStage', 'v1-beta'],
    ['a stage name not known before deploy', 'ApiStage', { Ref: 'Stage' }],
    ['an alphanumeric stage name', 'ApiLive2Stage', 'Live2'],
  ])('GIVEN %s WHEN expanded THEN the stage is %s', (_, stageId, stageName) => {
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Resources: { Api: { Type: 'AWS::Serverless::Api', Properties: { StageName: stageName, OpenApiVersion: '3.0.1' } } },
    });
    expect(Object.keys(template.Resources)).toEqual(['Api', stageId]);
  });

  test('GIVEN functions with Api events WHEN expanded THEN one implicit ServerlessRestApi with a Prod stage, from the first function that needs it', () => {
    // GIVEN two functions with an event that names no RestApiId, one whose event names an explicit API
    const event = { Type: 'Api', Properties: { Path: '/', Method: 'get' } };
    const template = {
      Transform: [SAM_TRANSFORM],
      Globals: { Api: { EndpointConfiguration: 'REGIONAL', OpenApiVersion: '3.0.1' }, Function: { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } } },
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue' },
        Explicit: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: { Type: 'Api', Properties: { RestApiId: { Ref: 'X' } } } } } },
        First: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: event } } },
        Second: { Type: 'AWS::Serverless::Function', Properties: { VpcConfig: { SubnetIds: ['subnet-2'], SecurityGroupIds: ['sg-2'] }, Events: { E: event } } },
      },
    };

    // WHEN
    const { template: expanded, generatedFrom } = applyTransforms(template);

    // THEN functions become Lambda functions with their VPC placement (merged with the global one as SAM merges: lists
    // appended, the global items first), and the implicit API takes the global endpoint type; Globals are gone
    expect(expanded.Globals).toBeUndefined();
    expect(expanded.Resources.Queue).toEqual(template.Resources.Queue);
    expect(expanded.Resources.First).toEqual({ Type: 'AWS::Lambda::Function', Properties: { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } } });
    expect(expanded.Resources.Second.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1', 'sg-2'] });
    expect(expanded.Resources.ServerlessRestApi).toEqual({ Type: 'AWS::ApiGateway::RestApi', Properties: { EndpointConfiguration: { Types: ['REGIONAL'] } } });
    expect(expanded.Resources.ServerlessRestApiProdStage.Properties).toEqual({ RestApiId: { Ref: 'ServerlessRestApi' }, StageName: 'Prod' });
    expect([...generatedFrom]).toEqual([['ServerlessRestApi', 'First'], ['ServerlessRestApiProdStage', 'First']]);
  });

  test('GIVEN Globals that a resource completes WHEN expanded THEN maps merge key by key and lists append, as SAM merges them', () => {
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Globals: {
        Api: { EndpointConfiguration: { Type: 'PRIVATE' }, OpenApiVersion: '3.0.1' },
        Function: { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-app'] } },
      },
      Resources: {
        Api: { Type: 'AWS::Serverless::Api', Properties: { StageName: 'v1', EndpointConfiguration: { VPCEndpointIds: ['vpce-1'] } } },
        Worker: { Type: 'AWS::Serverless::Function', Properties: { VpcConfig: { SecurityGroupIds: ['sg-extra'] } } },
      },
    });
    expect(template.Resources.Api.Properties.EndpointConfiguration).toEqual({ Types: ['PRIVATE'], VpcEndpointIds: ['vpce-1'] });
    expect(template.Resources.Worker.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-app', 'sg-extra'] });
  });

  test.each([
    ['every source has the same condition', ['IsProd', 'IsProd'], 'IsProd', undefined],
    ['the sources have different conditions', ['IsProd', 'IsEu'], 'ServerlessRestApiCondition', { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'IsEu' }] }],
    ['a source has none', ['IsProd', undefined], undefined, undefined],
  ])('GIVEN an implicit API whose %s WHEN expanded THEN its condition is %s', (_, conditions, condition, added) => {
    // GIVEN a function and a state machine whose Api events make the implicit API
    const event = { E: { Type: 'Api', Properties: { Path: '/', Method: 'get' } } };
    const withCondition = (c: string | undefined) => (c === undefined ? {} : { Condition: c });
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Conditions: { IsProd: { 'Fn::Equals': ['a', 'a'] }, IsEu: { 'Fn::Equals': ['a', 'b'] } },
      Resources: {
        Fn: { Type: 'AWS::Serverless::Function', ...withCondition(conditions[0]), Properties: { Events: event } },
        Flow: { Type: 'AWS::Serverless::StateMachine', ...withCondition(conditions[1]), Properties: { Events: event } },
      },
    });
    // THEN
    expect(template.Resources.ServerlessRestApi.Condition).toBe(condition);
    expect(template.Resources.ServerlessRestApiProdStage.Condition).toBe(condition);
    expect(template.Conditions.ServerlessRestApiCondition).toEqual(added);
  });

  test('GIVEN a SAM HttpApi and functions with HttpApi events WHEN expanded THEN an AWS::ApiGatewayV2::Api each, the implicit one from the first function without ApiId', () => {
    // GIVEN an explicit HTTP API (named by Globals.HttpApi), a function whose event names it, and two whose events do not
    const { template, generatedFrom } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Globals: { HttpApi: { Name: 'orders' } },
      Resources: {
        Orders: { Type: 'AWS::Serverless::HttpApi', Metadata: { note: 'kept' }, Properties: { StageName: 'prod' } },
        Named: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: { Type: 'HttpApi', Properties: { ApiId: { Ref: 'Orders' } } } } } },
        First: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: { Type: 'HttpApi', Properties: { Path: '/a', Method: 'get' } } } } },
        CatchAll: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: { Type: 'HttpApi' } } } },
      },
    });
    // THEN
    expect(template.Resources.Orders).toEqual({ Type: 'AWS::ApiGatewayV2::Api', Metadata: { note: 'kept' }, Properties: { ProtocolType: 'HTTP', Name: 'orders' } });
    expect(template.Resources.ServerlessHttpApi).toEqual({ Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP', Name: 'orders' } });
    expect(generatedFrom.get('ServerlessHttpApi')).toBe('First');
    expect(generatedFrom.has('Orders')).toBe(false);
  });

  test('GIVEN only functions whose HttpApi events name an API WHEN expanded THEN no implicit HTTP API', () => {
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Resources: { Named: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: { Type: 'HttpApi', Properties: { ApiId: 'abc123' } } } } } },
    });
    expect(Object.keys(template.Resources)).toEqual(['Named']);
  });

  test('GIVEN implicit REST and HTTP APIs from functions with different conditions WHEN expanded THEN each API gets the OR as a condition of its own', () => {
    const events = { R: { Type: 'Api', Properties: { Path: '/', Method: 'get' } }, H: { Type: 'HttpApi' } };
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Conditions: { IsProd: { 'Fn::Equals': ['a', 'a'] }, IsEu: { 'Fn::Equals': ['a', 'b'] } },
      Resources: {
        A: { Type: 'AWS::Serverless::Function', Condition: 'IsProd', Properties: { Events: events } },
        B: { Type: 'AWS::Serverless::Function', Condition: 'IsEu', Properties: { Events: events } },
      },
    });
    const or = { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'IsEu' }] };
    expect(template.Resources.ServerlessRestApi.Condition).toBe('ServerlessRestApiCondition');
    expect(template.Resources.ServerlessHttpApi.Condition).toBe('ServerlessHttpApiCondition');
    expect(template.Conditions).toEqual({ IsProd: { 'Fn::Equals': ['a', 'a'] }, IsEu: { 'Fn::Equals': ['a', 'b'] }, ServerlessRestApiCondition: or, ServerlessHttpApiCondition: or });
  });

  test('GIVEN a SAM HttpApi whose Properties is a list WHEN expanded THEN it keeps it (for InvalidValue) and generates nothing', () => {
    const { template } = applyTransforms({ Transform: SAM_TRANSFORM, Resources: { Orders: { Type: 'AWS::Serverless::HttpApi', Properties: ['x'] } } });
    expect(template.Resources).toEqual({ Orders: { Type: 'AWS::ApiGatewayV2::Api', Properties: ['x'] } });
  });

  test('GIVEN a state machine alone with an Api event WHEN expanded THEN it makes the implicit API', () => {
    const { template, generatedFrom } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Resources: { Flow: { Type: 'AWS::Serverless::StateMachine', Properties: { Events: { E: { Type: 'Api', Properties: { Path: '/', Method: 'post' } } } } } },
    });
    expect(Object.keys(template.Resources)).toEqual(['Flow', 'ServerlessRestApi', 'ServerlessRestApiProdStage', 'ServerlessRestApiDeployment']);
    expect(generatedFrom.get('ServerlessRestApi')).toBe('Flow');
  });

  test('GIVEN SAM resources whose Properties is not an object WHEN expanded THEN they keep it (for InvalidValue) and generate nothing', () => {
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Resources: {
        Api: { Type: 'AWS::Serverless::Api', Properties: 'StageName: prod' },
        Fn: { Type: 'AWS::Serverless::Function', Properties: [{ Handler: 'index.handler', Events: { E: { Type: 'Api', Properties: { Path: '/' } } } }] },
        Other: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: { Type: 'Api', Properties: 'not an object' } } } },
      },
    });
    expect(template.Resources).toEqual({
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: 'StageName: prod' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: [{ Handler: 'index.handler', Events: { E: { Type: 'Api', Properties: { Path: '/' } } } }] },
      Other: { Type: 'AWS::Lambda::Function', Properties: {} },
    });
  });

  test('GIVEN the SAM transform in its object form WHEN applied THEN it is expanded', () => {
    const { template, notExpanded } = applyTransforms({
      Transform: { Name: SAM_TRANSFORM },
      Resources: { Api: { Type: 'AWS::Serverless::Api', Properties: { StageName: 'v1', OpenApiVersion: '3.0.1' } } },
    });
    expect(Object.keys(template.Resources)).toEqual(['Api', 'Apiv1Stage']);
    expect(notExpanded).toEqual([]);
  });

  test('GIVEN a template that declares ServerlessRestApi itself WHEN expanded THEN its own resource is kept', () => {
    const own = { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'mine' } };
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Resources: { ServerlessRestApi: own, Fn: { Type: 'AWS::Serverless::Function', Properties: { Events: { E: { Type: 'Api' } } } } },
    });
    expect(template.Resources.ServerlessRestApi).toBe(own);
  });

  test("GIVEN SAM's own <Api>.Stage references WHEN expanded THEN they name the generated stage, in Resources and Outputs", () => {
    const { template } = applyTransforms({
      Transform: SAM_TRANSFORM,
      Resources: {
        Api: { Type: 'AWS::Serverless::Api', Properties: { StageName: 'prod' } },
        Assoc: {
          Type: 'AWS::WAFv2::WebACLAssociation',
          Properties: { ResourceArn: { 'Fn::Sub': ['arn:aws:apigateway:${R}::/restapis/${Api}/stages/${Api.Stage}/${Other.Stage}', { R: { Ref: 'Api.Stage' } }] } },
        },
      },
      Outputs: { Stage: { Value: { Ref: 'Api.Stage' } } },
    });
    expect(template.Resources.Assoc.Properties.ResourceArn).toEqual({
      'Fn::Sub': ['arn:aws:apigateway:${R}::/restapis/${Api}/stages/${ApiprodStage}/${Other.Stage}', { R: { Ref: 'ApiprodStage' } }],
    });
    expect(template.Outputs.Stage.Value).toEqual({ Ref: 'ApiprodStage' });
  });

  test.each([
    ['a macro', ['AcmeTags'], ['AcmeTags']],
    ['SAM and a macro', ['AcmeTags'], [SAM_TRANSFORM, 'AcmeTags']],
    ['AWS::Include in its object form', ['AWS::Include'], { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/snippet.yaml' } }],
    ['SAM alone', [], SAM_TRANSFORM],
    ['a number', ['7'], 7],
    ['a long object without Name, shortened to 80 characters', [`{"Parameters":{"Location":"s3://${'b'.repeat(40)}/snip...`],
      { Parameters: { Location: `s3://${'b'.repeat(40)}/snippet.yaml` }, Other: 'x'.repeat(100) }],
  ])('GIVEN %s WHEN applied THEN the transforms not expanded are %j', (_, notExpanded, transform) => {
    expect(applyTransforms({ Transform: transform, Resources: {} }).notExpanded).toEqual(notExpanded);
  });
});

test('GIVEN a Transform nested deeper than JSON.stringify follows WHEN applied THEN it is named without overflowing', () => {
  let deep: unknown = 'x';
  for (let i = 0; i < 20_000; i++) deep = [deep];
  expect(applyTransforms({ Transform: [SAM_TRANSFORM, deep], Resources: {} }).notExpanded).toEqual(['(a list nested too deeply to show)']);
});

describe('check on SAM templates', () => {
  test('GIVEN a SAM API whose Properties is a string WHEN checked THEN one InvalidValue on it, and no invented stage', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sam-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, `Transform: ${SAM_TRANSFORM}\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties: "StageName: prod"\n`);
    try {
      expect(analyzePaths([file]).findings.map((f) => `${f.ruleId} ${f.logicalId} ${f.message}`)).toEqual([
        'LayeredDefense-InvalidValue Api Properties is StageName: prod, not an object: CloudFormation rejects the template',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN AWS::LanguageExtensions with a Fn::ForEach loop under Resources WHEN checked THEN the transform is named, and the loop is no invalid resource', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sam-'));
    const file = path.join(dir, 'loops.json');
    fs.writeFileSync(file, JSON.stringify({
      Transform: 'AWS::LanguageExtensions',
      Resources: {
        'Bucket': { Type: 'AWS::S3::Bucket' },
        'Fn::ForEach::Topics': ['Name', ['A', 'B'], { 'Topic${Name}': { Type: 'AWS::SNS::Topic' } }],
      },
    }));
    try {
      expect(analyzePaths([file]).findings.map((f) => `${f.ruleId} ${f.logicalId}`)).toEqual(['LayeredDefense-CannotVerify Bucket']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN an acknowledgement without a reason on a SAM API WHEN checked THEN it is reported once, on the API, not again on what SAM generates', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sam-'));
    const file = path.join(dir, 'ack.yaml');
    fs.writeFileSync(file, [
      `Transform: ${SAM_TRANSFORM}`, 'Resources:', '  Api:', '    Type: AWS::Serverless::Api', '    Metadata:', '      cdk-layered-defense:',
      '        acknowledge:', `          - id: ${NO_WAF}`, '    Properties:', '      StageName: v1', '      OpenApiVersion: 3.0.1', '',
    ].join('\n'));
    try {
      const invalid = analyzePaths([file]).findings.filter((f) => f.ruleId === 'LayeredDefense-InvalidValue');
      expect(invalid.map((f) => f.logicalId)).toEqual(['Api']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN the API sam init makes and an explicit API, neither with a web ACL WHEN checked THEN every stage is reported (the stage SAM names Stage too), each where its SAM resource is written', () => {
    // WHEN
    const result = analyzePaths([path.join(SAM, 'public-api.yaml')]);
    // THEN
    expect(found(result.findings)).toEqual([
      `${NO_WAF} ApiDeployment 13`, `${NO_WAF} ServerlessRestApiDeployment 17`, `${NO_WAF} ApiprodStage 13`, `${NO_WAF} ServerlessRestApiProdStage 17`,
    ]);
    expect(result.findings.map((f) => f.message)).toEqual([
      'API Gateway stage Stage has no web ACL association',
      'API Gateway stage Stage has no web ACL association',
      'API Gateway stage prod has no web ACL association',
      'API Gateway stage Prod has no web ACL association',
    ]);
  });

  test('GIVEN both APIs with a web ACL associated through ${Api.Stage} and the Prod stage name WHEN checked THEN no API is reported', () => {
    const result = analyzePaths([path.join(SAM, 'api-with-waf.yaml')]);
    expect(result.findings.filter((f) => f.ruleId === NO_WAF)).toEqual([]);
  });

  test('GIVEN private APIs (the Globals string form and the object form) WHEN checked THEN nothing', () => {
    expect(found(analyzePaths([path.join(SAM, 'private-api.yaml')]).findings)).toEqual([]);
  });

  test('GIVEN SAM and a macro WHEN checked THEN the SAM part is judged and the macro is one CannotVerify on the stack', () => {
    const result = analyzePaths([path.join(SAM, 'macro.yaml')]);
    expect(found(result.findings)).toEqual([`${NO_WAF} ApiDeployment 8`, `${NO_WAF} ApiliveStage 8`, 'LayeredDefense-CannotVerify Api 8']);
    expect(result.findings[2].message).toBe('stack macro: its Transform AcmeStandardTags is not expanded by this analysis (only AWS::Serverless-2016-10-31 is), '
      + 'so whatever it adds to the stack or changes in it is not judged');
  });

  test('GIVEN an acknowledgement in the SAM API\'s Metadata WHEN checked THEN it acknowledges the finding on the stage SAM generates', () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sam-'));
    const file = path.join(dir, 'acknowledged.yaml');
    fs.writeFileSync(file, [
      `Transform: ${SAM_TRANSFORM}`,
      'Resources:',
      '  Api:',
      '    Type: AWS::Serverless::Api',
      '    Metadata:',
      '      cdk-layered-defense:',
      '        acknowledge:',
      `          - id: ${NO_WAF}`,
      '            reason: reached only through the partner VPN, whose proxy inspects HTTP',
      '    Properties:',
      '      StageName: partner',
      '',
    ].join('\n'));
    try {
      // WHEN
      const result = analyzePaths([file]);
      // THEN
      const reason = 'reached only through the partner VPN, whose proxy inspects HTTP';
      expect(result.findings.map((f) => [f.logicalId, f.acknowledged])).toEqual([['ApiDeployment', reason], ['ApipartnerStage', reason]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
