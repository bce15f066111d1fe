import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A subnet has exactly one NACL. Two `SubnetNetworkAclAssociation`s for one subnet fight: whichever
 * CloudFormation applies last wins, so which entries protect the subnet depends on deployment order.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
 */
export const NaclSubnetConflict: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclSubnetConflict',
  level: 'error',
  layer: 'subnet',
  hipaa: '164.312(e)(1)',
  summary: 'A subnet is associated with two or more NACLs.',
  why: 'A subnet has exactly one NACL; with two associations the last one applied wins, so the entries that protect the subnet depend on deployment order and can silently change.',
  fix: 'Associate each subnet with one NACL: put all of its entries (denies first) in that NACL',
  evaluate(model) {
    const findings: RuleFinding[] = [];
    const bySubnet = new Map<string, typeof model.subnetNaclAssociations>();
    for (const a of model.subnetNaclAssociations) {
      const list = bySubnet.get(a.subnetKey) ?? [];
      list.push(a);
      bySubnet.set(a.subnetKey, list);
    }
    for (const [subnetKey, list] of bySubnet) {
      if (list.length < 2) {
        continue; // one association: nothing competes (no set per subnet)
      }
      const nacls = new Set(list.map((a) => a.naclKey));
      if (nacls.size < 2) {
        continue;
      }
      const subnet = model.resolveKey(subnetKey)?.path ?? subnetKey.replace(/^\w+:/, '');
      for (const a of list.slice(1)) {
        findings.push({
          resource: a.resource,
          message: `subnet ${subnet} is associated with ${nacls.size} NACLs (${[...nacls].map((k) => k.replace(/^\w+:/, '')).join(', ')}); this association competes with ${list[0].resource.path}`,
        });
      }
    }
    return findings;
  },
};
