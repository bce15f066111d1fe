import { webAclCapacities } from './waf-capacity-rule';
import { WEB_ACL_BASE_PRICE_CAPACITY, WEB_ACL_MAX_CAPACITY } from '../../model/waf-capacity';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * The web ACL base price covers 1,500 WCU; more costs extra per request. Above 5,000, WafCapacityLimit reports.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
 */
export const WafCapacityCost: LayeredDefenseRule = {
  id: 'LayeredDefense-WafCapacityCost',
  level: 'warning',
  layer: 'application',
  summary: 'A web ACL needs more than 1,500 WCU, the capacity the base price covers.',
  why: 'Above 1,500 WCU AWS charges extra for every request the web ACL inspects.',
  fix: 'Drop unneeded text transformations and CONTAINS matches, or acknowledge the extra cost',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const capacities = webAclCapacities(model, context);
    for (const acl of model.webAcls) {
      const wcu = capacities.get(acl.key);
      if (wcu !== undefined && wcu > WEB_ACL_BASE_PRICE_CAPACITY && wcu <= WEB_ACL_MAX_CAPACITY) {
        findings.push({ resource: acl.resource, message: `web ACL ${acl.resource.logicalId} needs about ${wcu} WCU, over the ${WEB_ACL_BASE_PRICE_CAPACITY} the base price covers` });
      }
    }
    return findings;
  },
};
