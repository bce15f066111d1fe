import { webAclCapacities } from './waf-capacity-rule';
import { WEB_ACL_MAX_CAPACITY } from '../../model/waf-capacity';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A web ACL holds at most 5,000 WCU; above it, creating or updating the ACL fails.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
 */
export const WafCapacityLimit: LayeredDefenseRule = {
  id: 'LayeredDefense-WafCapacityLimit',
  level: 'error',
  layer: 'application',
  summary: 'A web ACL needs more than 5,000 WCU, the most a web ACL can hold.',
  why: 'WAF refuses a web ACL above 5,000 capacity units, so the deployment fails.',
  fix: 'Remove rules or text transformations, move IP lists into IP sets, or split the protection across rule groups',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const capacities = webAclCapacities(model, context);
    for (const acl of model.webAcls) {
      const wcu = capacities.get(acl.key);
      if (wcu !== undefined && wcu > WEB_ACL_MAX_CAPACITY) {
        findings.push({ resource: acl.resource, message: `web ACL ${acl.resource.logicalId} needs about ${wcu} WCU, over the limit of ${WEB_ACL_MAX_CAPACITY}` });
      }
    }
    return findings;
  },
};
