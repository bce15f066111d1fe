import { directionName, familyName, naclName } from './nacl-scopes';
import { IpFamily } from '../../../ip/family';
import { describeValue } from '../../model/model-values';
import type { NaclEntryModel } from '../../model/network-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * NACL quota: 20 entries per NACL per direction, counted separately for IPv4 and IPv6, the final `*` deny
 * included; AWS can raise it to 40 (set `naclEntryQuota`). Over quota, the deployment fails.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
 */
const DIRECTIONS = [false, true];
const FAMILIES = [IpFamily.IPV4, IpFamily.IPV6];

/** An entry of the scope for sure: a default NACL's built-in rule 101 may or may not exist (see NaclEntryModel.builtIn). */
function certain(e: NaclEntryModel, egress: boolean, family: IpFamily): boolean {
  return e.egress === egress && e.family === family && !(e.builtIn && e.unknown !== undefined);
}

/** An entry that may be of the scope: its direction or family is not known, or it is such a built-in rule. */
function mayBelong(e: NaclEntryModel, egress: boolean, family: IpFamily): boolean {
  return (e.egress === undefined || e.egress === egress) && (e.family === undefined || e.family === family);
}

export const NaclEntryQuota: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclEntryQuota',
  level: 'error',
  layer: 'subnet',
  summary: 'A NACL has more entries in one direction and IP family than the quota allows (20 by default, the final * deny included).',
  why: 'EC2 refuses entries beyond the quota, so the deployment fails part-way, possibly after some entries of the NACL were already replaced.',
  fix: 'Merge CIDRs (IpBlocklistNacl merges and covers them within the quota), move the surplus to a WAF IP set, or raise the quota and set naclEntryQuota',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const nacl of model.nacls) {
      for (const egress of DIRECTIONS) {
        for (const family of FAMILIES) {
          // Counted in one pass; the entries that may count are listed only when they could take the scope over.
          let count = 0;
          let maybeCount = 0;
          for (const e of nacl.entries) {
            if (certain(e, egress, family)) {
              count++;
            } else if (mayBelong(e, egress, family)) {
              maybeCount++;
            }
          }
          if (count + 1 <= context.naclEntryQuota) {
            // Entries of unknown direction or family may still take this scope over the quota.
            if (maybeCount > 0 && count + maybeCount + 1 > context.naclEntryQuota) {
              const maybe = nacl.entries.filter((e) => !certain(e, egress, family) && mayBelong(e, egress, family));
              for (const e of maybe) {
                const why = e.builtIn ? e.unknown : e.egress === undefined ? `Egress ${describeValue(e.resource.properties.Egress)}` : 'neither CidrBlock nor Ipv6CidrBlock is set';
                context.cannotVerify(e.resource, `the ${directionName(egress ? 'egress' : 'ingress')} ${familyName(family)} entry count of ${naclName(nacl)} (${why})`);
              }
            }
            continue;
          }
          findings.push({
            resource: nacl.resource,
            message: `${nacl.defaultOfVpc ? `${naclName(nacl)}: ` : ''}${directionName(egress ? 'egress' : 'ingress')} ${familyName(family)} has ${count} entries plus the final * deny, `
              + `${count + 1} in all, over the quota of ${context.naclEntryQuota}`,
          });
        }
      }
    }
    return findings;
  },
};
