import { IpFamily } from '../../../ip/family';
import { describeEntry, MAX_EXACT_ENTRIES, NaclScope, naclScopes, OVER_CAP_FIX } from '../../model/model-nacl';
import { familyText } from '../../model/model-values';
import type { NormalizedNaclEntry } from '../../model/nacl-evaluator';
import type { NaclEntryModel, NaclModel, NetworkModel } from '../../model/network-model';
import type { RuleContext } from '../rule';

/**
 * Every analysable NACL scope of the model. A scope with an unresolved entry cannot be judged exactly (the
 * entry may decide anything), so each unresolved entry is reported as "cannot verify" and the scope is skipped.
 * A scope with more entries than EC2 could take many times over is reported as "cannot verify" and skipped (its
 * exact analysis would take seconds; NaclEntryQuota reports the count). A scope whose entries share a rule number is
 * skipped too: NaclDuplicateRuleNumber reports it as an error, and
 * any verdict on the order of entries EC2 will not all create would come from the template's order alone.
 */
export function analysableScopes(model: NetworkModel, context: RuleContext, what: string): NaclScope[] {
  const result: NaclScope[] = [];
  for (const nacl of model.nacls) {
    for (const scope of naclScopes(nacl)) {
      if (scope.duplicateRuleNumbers.size > 0 && scope.unknownEntries.length === 0) {
        continue;
      }
      if (scope.analysable) {
        if (scope.ordered.length > 0) {
          result.push(scope);
        }
        continue;
      }
      if (scope.tooManyEntries !== undefined && scope.unknownEntries.length === 0) {
        context.cannotVerify(scope.nacl.resource, `${what} of ${naclName(scope.nacl)}'s ${scope.tooManyEntries} ${directionName(scope.direction)} ${familyName(scope.family)} entries`,
          `they are more than the ${MAX_EXACT_ENTRIES} this analysis judges exactly, and EC2 takes at most 40 per direction and family`, OVER_CAP_FIX);
        continue;
      }
      for (const entry of scope.unknownEntries) {
        context.cannotVerify(entry.resource, `${what} of ${scope.direction} ${familyName(scope.family)} entries (${entry.unknown})`);
      }
    }
  }
  return result;
}

export { OVER_CAP_FIX };

/** `IPv4` or `IPv6` (the model's `familyText`, under the name the subnet rules use). */
export const familyName: (family: IpFamily) => string = familyText;

export function directionName(direction: 'ingress' | 'egress'): string {
  return direction === 'ingress' ? 'inbound' : 'outbound';
}

/** `describeEntry`, saying so when the entry is one EC2 built into a default NACL (which no template can change). */
export function describeScopeEntry(scope: NaclScope, entry: NormalizedNaclEntry): string {
  return scope.siteOf(entry).builtIn ? `${describeEntry(entry)}, built into the VPC's default NACL,` : describeEntry(entry);
}

/** Who owns an entry, for messages: its construct path, or EC2 for a default NACL's built-in entry. */
export function entryOwner(entry: NaclEntryModel): string {
  return entry.builtIn ? "EC2's built-in ALLOW-all entry of the VPC's default NACL" : entry.resource.path;
}

/** How messages name a NACL: a default NACL's findings sit on its VPC, so they say which NACL they mean. */
export function naclName(nacl: NaclModel): string {
  return nacl.defaultOfVpc ? "the VPC's default NACL" : 'the NACL';
}
