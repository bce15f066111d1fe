import { reachabilityFor, reachablePhrase, PATH_NOT_JUDGED, unknownFix, unknownPhrase } from './path-findings';
import { groupName } from '../../reachability/exposure';
import { groupsOf } from '../../reachability/security-group-layer';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A data store that workloads reach although none of their security groups is one the data store's own groups name
 * in a rule: they get in by a CIDR rule (or a default group's rule) that also covers their subnet. A security group
 * reference admits exactly the members of that group; a CIDR admits whatever sits at those addresses, such as the
 * public tier when the NACLs let it through. Judged per workload group (workloads with one set of groups) by
 * `ReachabilityModel.explain` on every range of ports over which no rule changes.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing
 */
export const DataStoreReachedOutsideGroups: LayeredDefenseRule = {
  id: 'LayeredDefense-DataStoreReachedOutsideGroups',
  level: 'error',
  layer: 'paths',
  hipaa: '164.312(a)(1)',
  summary: 'A data store is reachable from workloads in none of the security groups its own security groups name: a CIDR rule (with the NACLs) lets another tier in.',
  why: 'Access to e-PHI should be granted to named workloads; a CIDR rule grants it to whatever gets an address in that range, such as the public tier.',
  fix: 'Replace the CIDR rule on the data store\'s security group with a rule that names the application\'s security group (connections.allowDefaultPortFrom(app)), or deny the other tier in the data subnets\' NACL',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const { model: reachability, exposure } = reachabilityFor(model, context);
    for (const { store, sources } of exposure()) {
      const w = store.workload;
      const vpcKey = w.subnetKeys.map((k) => reachability.routing.subnets.get(k)?.vpcKey).find((k) => k !== undefined);
      const named = new Set<string>();
      for (const member of groupsOf(model, w, vpcKey).groups) {
        const rules = member.group?.ingress ?? model.vpcs.find((v) => v.key === member.defaultOfVpc)?.defaultGroupRules.filter((r) => r.direction === 'ingress') ?? [];
        rules.forEach((r) => r.peer.kind === 'group' && r.peer.groupKey !== undefined && named.add(r.peer.groupKey));
        if (member.defaultOfVpc !== undefined && model.vpcs.find((v) => v.key === member.defaultOfVpc)?.defaultGroupRestrictions.length === 0) {
          named.add(member.defaultOfVpc); // a default group admits its own members
        }
      }
      const names = named.size > 0 ? [...named].map((k) => groupName(model, k)).join(', ') : 'no security group';
      for (const source of sources) {
        const group = source.group;
        if (!group || group.groupKeys.some((k) => named.has(k))) {
          continue;
        }
        const members = group.members.map((m) => m.resource.path);
        const who = `${source.description} (${members.slice(0, 3).join(', ')}${members.length > 3 ? ` and ${members.length - 3} more` : ''})`;
        if (source.verdict === 'REACHABLE') {
          findings.push({
            resource: w.resource,
            message: `data store ${w.resource.path} (${store.reason}) is reachable from ${who} on ${reachablePhrase(source)}, `
              + `but its security groups name ${names} as sources`,
          });
        } else if (source.verdict === 'UNKNOWN') {
          context.cannotVerify(w.resource, `whether ${who}, outside the groups the security groups of data store ${w.resource.path} name, can reach it ${unknownPhrase(source)}`, PATH_NOT_JUDGED, unknownFix(source));
        }
      }
    }
    return findings;
  },
};
