import { directionName, entryOwner } from './nacl-scopes';
import { describeValue, quoteValue } from '../../model/model-values';
import { NaclEntryModel } from '../../model/network-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * Two entries of one NACL with the same direction and rule number (IPv4 and IPv6 share the numbers): EC2
 * rejects the second with `NetworkAclEntryAlreadyExists`.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html
 */
export const NaclDuplicateRuleNumber: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclDuplicateRuleNumber',
  level: 'error',
  layer: 'subnet',
  summary: 'Two entries of one NACL share a direction and rule number.',
  why: 'EC2 rejects the second entry (NetworkAclEntryAlreadyExists), so the deployment fails, and the entries reviewers see are not the ones that run.',
  fix: 'Give every entry of the NACL a unique rule number per direction (IpBlocklistNacl assigns stable, unique numbers)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const nacl of model.nacls) {
      if (!mayShareNumbers(nacl.entries)) {
        // No two entries share a number: only numbers not known at synth are news (no map, no key per entry).
        for (const entry of nacl.entries) {
          if (entry.ruleNumber === undefined) {
            context.cannotVerify(entry.resource, `the rule number (RuleNumber ${quoteValue(entry.resource.properties.RuleNumber)})`);
          }
        }
        continue;
      }
      const seen = new Map<string, NaclEntryModel>();
      for (const entry of nacl.entries) {
        if (entry.ruleNumber === undefined) {
          context.cannotVerify(entry.resource, `the rule number (RuleNumber ${quoteValue(entry.resource.properties.RuleNumber)})`);
          continue;
        }
        if (entry.egress === undefined) {
          // Either direction: a duplicate if any other entry has the number.
          const other = nacl.entries.find((e) => e !== entry && e.ruleNumber === entry.ruleNumber);
          if (other) {
            context.cannotVerify(entry.resource, `whether rule number ${entry.ruleNumber} is also used by ${entryOwner(other)} in the same direction `
              + `(Egress ${describeValue(entry.resource.properties.Egress)})`);
          }
          continue;
        }
        const key = `${entry.egress}:${entry.ruleNumber}`;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, entry);
          continue;
        }
        // Report on the template's entry: EC2's built-in ones cannot be renumbered.
        const [kept, duplicate] = entry.builtIn ? [entry, first] : [first, entry];
        const where = `${directionName(entry.egress ? 'egress' : 'ingress')} rule number ${entry.ruleNumber}`;
        if (kept.unknown !== undefined && kept.builtIn) {
          context.cannotVerify(duplicate.resource, `whether ${where} is free (${kept.unknown})`);
          continue;
        }
        findings.push({
          resource: duplicate.resource,
          message: `${where} is already used by ${kept.builtIn ? entryOwner(kept) : `${kept.resource.path} in the same NACL`}`,
        });
      }
    }
    return findings;
  },
};

/**
 * False when no two entries with a known rule number share it in one direction (or with an entry whose direction is
 * not known), which the model's order (entries sorted by rule number) shows in one pass: equal numbers are
 * neighbours, and a blocklist numbers its inbound and outbound entries alike. True when some do, or when the entries
 * are not in that order.
 */
export function mayShareNumbers(entries: readonly NaclEntryModel[]): boolean {
  let previous: number | undefined;
  // The directions seen among the entries of the current number.
  let inbound = false;
  let outbound = false;
  let unknown = false;
  for (const e of entries) {
    if (e.ruleNumber === undefined) {
      continue;
    }
    if (previous !== undefined && e.ruleNumber < previous) {
      return true;
    }
    if (e.ruleNumber !== previous) {
      inbound = false;
      outbound = false;
      unknown = false;
    } else if (unknown || e.egress === undefined || (e.egress ? outbound : inbound)) {
      return true;
    }
    inbound ||= e.egress === false;
    outbound ||= e.egress === true;
    unknown ||= e.egress === undefined;
    previous = e.ruleNumber;
  }
  return false;
}
