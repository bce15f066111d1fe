import { isLiteralString, Json, literalStrings, quoteValue, referencedKeys } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * An internet-facing Application Load Balancer or an API Gateway REST stage (not PRIVATE) with no web ACL:
 * nothing inspects the HTTP requests that reach it. cdk-nag's HIPAA pack checks API Gateway stages but not ALBs.
 * A web ACL attaches with `AWS::WAFv2::WebACLAssociation` whose `ResourceArn` refers to the resource. An ALB that
 * admits only CloudFront's origin-facing prefix list still needs one (or a listener rule that checks a secret header
 * your distribution adds): the list admits every CloudFront distribution, including one an attacker points at it.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html
 */
export const PublicEndpointWithoutWaf: LayeredDefenseRule = {
  id: 'LayeredDefense-PublicEndpointWithoutWaf',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(e)(1)',
  summary: 'An internet-facing Application Load Balancer or API Gateway REST stage has no web ACL associated.',
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
    return findings;
  },
};
