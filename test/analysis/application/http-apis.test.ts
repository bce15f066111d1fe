// LayeredDefense-PublicEndpointWithoutWaf on API Gateway HTTP and WebSocket APIs, CDK-free: AWS WAF attaches to REST API
// stages only, and an HTTP or WebSocket API's endpoint is public, so every such API is an endpoint nothing inspects.
// On test/fixtures/templates/apigateway/http-and-websocket-apis.yaml and test/fixtures/templates/sam/http-api.yaml
// (expected findings hand-computed in each file's header).
import * as path from 'path';
import { analyzePaths } from '../../../src/analysis/analyze';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates');
const RULE = 'LayeredDefense-PublicEndpointWithoutWaf';
const CANNOT_TAKE = 'cannot take a web ACL (AWS WAF protects REST API stages, not HTTP or WebSocket APIs), and its endpoint is public: '
  + 'nothing inspects the HTTP requests that reach it';

describe(`${RULE} on HTTP and WebSocket APIs`, () => {
  test('GIVEN an HTTP API, a WebSocket API, an imported one and one whose protocol is a parameter WHEN checked THEN each is reported, and nothing is unknown', () => {
    // WHEN
    const { findings } = analyzePaths([path.join(FIXTURES, 'apigateway', 'http-and-websocket-apis.yaml')]);
    // THEN one error per API, on the API (its stage is not an endpoint of its own to protect), with the API's kind
    expect(findings.filter((f) => f.ruleId === RULE).map((f) => [f.logicalId, f.level, f.message])).toEqual([
      ['PatientsApi', 'error', `API Gateway HTTP API PatientsApi ${CANNOT_TAKE}`],
      ['ChatApi', 'error', `API Gateway WebSocket API ChatApi ${CANNOT_TAKE}`],
      ['ImportedApi', 'error', `API Gateway HTTP API ImportedApi ${CANNOT_TAKE}`],
      ['ChosenApi', 'error', `API Gateway HTTP or WebSocket API ChosenApi ${CANNOT_TAKE}`],
    ]);
    // AND the protocol from a parameter changes no verdict: no CannotVerify
    expect(findings.filter((f) => f.ruleId === 'LayeredDefense-CannotVerify')).toEqual([]);
    // AND the fix says what protects one
    expect(findings.find((f) => f.ruleId === RULE)!.fix).toMatch(/^Use a REST API \(AWS::ApiGateway::RestApi\) with a web ACL on its stage; or serve this API only through a CloudFront distribution/);
  });

  test('GIVEN the protocol passed as a parameter WHEN checked THEN the message names the kind', () => {
    const { findings } = analyzePaths([path.join(FIXTURES, 'apigateway', 'http-and-websocket-apis.yaml')], { parameters: { Protocol: 'WEBSOCKET' } });
    expect(findings.filter((f) => f.ruleId === RULE && f.logicalId === 'ChosenApi').map((f) => f.message)).toEqual([`API Gateway WebSocket API ChosenApi ${CANNOT_TAKE}`]);
  });

  test('GIVEN a SAM HttpApi and functions whose HttpApi events make the implicit API WHEN checked THEN both APIs are reported, the implicit one at its first function', () => {
    // WHEN
    const { findings } = analyzePaths([path.join(FIXTURES, 'sam', 'http-api.yaml')]);
    // THEN OrdersApi at its own line, ServerlessHttpApi at HelloFunction's (the first function that makes it)
    expect(findings.filter((f) => f.ruleId === RULE).map((f) => [f.logicalId, f.line])).toEqual([['OrdersApi', 12], ['ServerlessHttpApi', 16]]);
    expect(findings.filter((f) => f.ruleId === 'LayeredDefense-InvalidValue' || f.ruleId === 'LayeredDefense-CannotVerify')).toEqual([]);
  });
});
