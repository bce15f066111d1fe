import { isLiteralString, Json, literalStrings, quoteValue, referencedKeys } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * An internet-facing Application Load Balancer or an API Gateway REST stage (not PRIVATE) with no web ACL:
 * nothing inspects the HTTP requests that reach it. cdk-nag's HIPAA pack checks API Gateway stages but not ALBs.
 * A web ACL attaches with `AWS::WAFv2::WebACLAssociation` whose `ResourceArn` refers to the resource. An ALB that
 * admits only CloudFront's origin-facing prefix list still needs one (or a listener rule that checks a secret header
 * your distribution adds): the list admits every CloudFront distribution, including one an attacker points at it.
 * An API Gateway HTTP or WebSocket API (`AWS::ApiGatewayV2::Api`) cannot take a web ACL at all ("AWS WAF ... can
 * protect ... Amazon API Gateway REST API"; HTTP and WebSocket APIs are not listed), and its endpoint is public (there
 * is no private HTTP API): it is reported with what protects one, a CloudFront distribution with a web ACL in front
 * that the API alone accepts; the templates cannot show that, so a team that does it acknowledges the finding.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html
 */
export const PublicEndpointWithoutWaf: LayeredDefenseRule = {
  id: 'LayeredDefense-PublicEndpointWithoutWaf',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(e)(1)',
  summary: 'An internet-facing Application Load Balancer or API Gateway REST stage has no web ACL associated, or an API Gateway HTTP or WebSocket API, which cannot take one, is public.',
  why: 'Without a web ACL nothing can decide on HTTP facts (a protected path, an allowlisted source, managed bad-input rules) before requests reach the application.',
  fix: 'Associate a web ACL with it (PathAllowlistWaf, or CfnWebACLAssociation with your own web ACL)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const associated = model.webAclAssociations.map((a) => ({
      keys: referencedKeys(a.properties.ResourceArn, a.stack.id),
      strings: literalStrings(a.properties.ResourceArn),
    }));
    for (const lb of model.loadBalancers) {
      if (!isLiteralString(lb.scheme) || !isLiteralString(lb.lbType)) {
        context.cannotVerify(lb.resource, `whether the load balancer is internet-facing (Scheme ${quoteValue(lb.scheme)}, Type ${quoteValue(lb.lbType)})`);
        continue;
      }
      if (lb.scheme !== 'internet-facing' || lb.lbType !== 'application') {
        continue;
      }
      if (!associated.some((a) => a.keys.has(lb.resource.key))) {
        findings.push({ resource: lb.resource, message: `internet-facing Application Load Balancer ${lb.resource.logicalId} has no web ACL association` });
      }
    }
    for (const stage of model.apiStages) {
      const types: Json = stage.restApi?.properties.EndpointConfiguration?.Types;
      if (Array.isArray(types) && types.includes('PRIVATE')) {
        continue;
      }
      const apiKey = stage.restApi?.key;
      const name = isLiteralString(stage.stageName) ? stage.stageName : undefined;
      const found = associated.some((a) => a.keys.has(stage.resource.key)
        || (apiKey !== undefined && a.keys.has(apiKey) && name !== undefined && a.strings.some((s) => s.includes(`/stages/${name}`) || s === name)));
      if (!found) {
        findings.push({ resource: stage.resource, message: `API Gateway stage ${name ?? stage.resource.logicalId} has no web ACL association` });
      }
    }
    // Whatever its protocol (HTTP, WEBSOCKET, or one not known at synth): WAF protects neither, so no value changes this.
    for (const api of model.httpApis) {
      const kind = api.protocolType === 'WEBSOCKET' ? 'WebSocket API' : api.protocolType === 'HTTP' || api.protocolType === undefined ? 'HTTP API' : 'HTTP or WebSocket API';
      findings.push({
        resource: api.resource,
        message: `API Gateway ${kind} ${api.resource.logicalId} cannot take a web ACL (AWS WAF protects REST API stages, not HTTP or WebSocket APIs), `
          + 'and its endpoint is public: nothing inspects the HTTP requests that reach it',
        fix: 'Use a REST API (AWS::ApiGateway::RestApi) with a web ACL on its stage; or serve this API only through a CloudFront distribution with a web ACL '
          + '(the distribution adds a secret header that an authorizer of the API checks), and acknowledge this finding saying so',
      });
    }
    return findings;
  },
};
