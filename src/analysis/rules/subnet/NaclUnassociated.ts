import type { NaclModel, NetworkModel } from '../../model/network-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A NACL that no subnet uses filters nothing: its denies block no one. A NACL acts only on the subnets
 * associated with it; every other subnet keeps the VPC's default NACL, which allows everything.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
 */
export const NaclUnassociated: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclUnassociated',
  level: 'error',
  layer: 'subnet',
  hipaa: '164.312(e)(1)',
  summary: 'A NACL is associated with no subnet, so its entries filter nothing.',
  why: 'A NACL acts only on its associated subnets; unassociated, the addresses it was written to block still reach every subnet through the default NACL, which allows all traffic.',
  fix: 'Associate the NACL with the subnets it protects (NetworkAcl subnetSelection, or IpBlocklistNacl subnets), or remove it',
  evaluate(model) {
    const findings: RuleFinding[] = [];
    for (const nacl of model.nacls) {
      if (nacl.defaultOfVpc) {
        // A default NACL serves every subnet of its VPC that has no association of its own.
        if (nacl.associations.length === 0 && nacl.entries.some((e) => !e.builtIn) && servesNoSubnet(model, nacl)) {
          findings.push({
            resource: nacl.resource,
            message: `every subnet of the VPC ${nacl.resource.logicalId} in the app is associated with a NACL of its own, so the entries added to the VPC's default NACL filter nothing`,
          });
        }
        continue;
      }
      if (nacl.associations.length === 0) {
        findings.push({ resource: nacl.resource, message: `the NACL ${nacl.resource.logicalId} is associated with no subnet in the app, so it filters nothing` });
      }
    }
    return findings;
  },
};

/** Whether every subnet of a default NACL's VPC in the app (one at least) is associated with another NACL. */
function servesNoSubnet(model: NetworkModel, nacl: NaclModel): boolean {
  const subnets = model.vpcs.find((v) => v.key === nacl.vpcKey)?.subnets ?? [];
  const elsewhere = new Set(model.subnetNaclAssociations.filter((a) => a.naclKey !== nacl.key).map((a) => a.subnetKey));
  return subnets.length > 0 && subnets.every((subnet) => elsewhere.has(subnet.key));
}
