import { orCannotVerify } from './waf-evaluation';
import type { NetworkModel } from '../../model/network-model';
import { webAclCapacity } from '../../model/waf-capacity';
import type { RuleContext } from '../rule';

/** The WCU of every web ACL of the model, computed once per model and shared by the two capacity rules. */
const cache = new WeakMap<NetworkModel, Map<string, number | undefined>>();

export function webAclCapacities(model: NetworkModel, context: RuleContext): Map<string, number | undefined> {
  let capacities = cache.get(model);
  if (!capacities) {
    capacities = new Map();
    for (const acl of model.webAcls) {
      capacities.set(acl.key, orCannotVerify(acl, context, 'the capacity (WCU)', () => webAclCapacity(acl.tree)));
    }
    cache.set(model, capacities);
  }
  return capacities;
}
