import { orCannotVerify } from './waf-evaluation';
import type { NetworkModel } from '../../model/network-model';
import { webAclCapacity } from '../../model/waf-capacity';
import { ruleGroupCapacityLookup } from '../../model/waf-rule-groups';
import type { RuleContext } from '../rule';

/** The WCU of every web ACL of the model, computed once per model and shared by the two capacity rules. */
const cache = new WeakMap<NetworkModel, Map<string, number | undefined>>();

export function webAclCapacities(model: NetworkModel, context: RuleContext): Map<string, number | undefined> {
  let capacities = cache.get(model);
  if (!capacities) {
    capacities = new Map();
    for (const acl of model.webAcls) {
      // A rule group of the templates costs the Capacity it was created with.
      const ruleGroupCapacity = ruleGroupCapacityLookup(model, acl.resource);
      capacities.set(acl.key, orCannotVerify(acl, context, 'the capacity (WCU)', () => webAclCapacity(acl.tree, { ruleGroupCapacity })));
    }
    cache.set(model, capacities);
  }
  return capacities;
}
