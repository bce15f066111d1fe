import { isLiteralString, quoteValue } from '../../model/model-values';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A web ACL that protects nothing: a REGIONAL ACL with no `AWS::WAFv2::WebACLAssociation`, or a CLOUDFRONT ACL
 * that no `AWS::CloudFront::Distribution` names in `WebACLId` (CloudFront attaches through the distribution).
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
 */
export const WafUnassociated: LayeredDefenseRule = {
  id: 'LayeredDefense-WafUnassociated',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(e)(1)',
  summary: 'A web ACL is associated with nothing in the app (no association for REGIONAL, no distribution for CLOUDFRONT).',
  why: 'A web ACL inspects only the requests of the resources it is associated with; unassociated, its rules protect nothing while reviewers believe the endpoint is filtered.',
  fix: 'Associate the web ACL with the load balancer or API stage (CfnWebACLAssociation), or set it as webAclId of the CloudFront distribution',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      if (!isLiteralString(acl.scope)) {
        context.cannotVerify(acl.resource, `whether the web ACL is associated (Scope ${quoteValue(acl.scope)})`);
        continue;
      }
      if (acl.scope === 'CLOUDFRONT' && acl.distributions.length === 0) {
        findings.push({ resource: acl.resource, message: `CLOUDFRONT web ACL ${acl.resource.logicalId} is used by no CloudFront distribution in the app (WebACLId)` });
      } else if (acl.scope === 'REGIONAL' && acl.associations.length === 0) {
        findings.push({ resource: acl.resource, message: `REGIONAL web ACL ${acl.resource.logicalId} has no AWS::WAFv2::WebACLAssociation in the app` });
      }
    }
    return findings;
  },
};
