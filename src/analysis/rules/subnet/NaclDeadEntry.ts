import { analysableScopes, directionName, familyName } from './nacl-scopes';
import { describeEntry, neverMatchesReason } from '../../model/model-nacl';
import { everyLiveEntryDecides } from '../../model/nacl-quick';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * An entry that never decides a packet: it can never match (an empty port range, ICMP on an IPv6 entry), or
 * everything it matches is decided first by lower-numbered entries. A DENY taken by an ALLOW is reported by
 * NaclDenyShadowed instead. Dead entries use quota (20 per direction and family) and mislead reviewers.
 */
export const NaclDeadEntry: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclDeadEntry',
  level: 'warning',
  layer: 'subnet',
  summary: 'A NACL entry can never decide a packet: it matches nothing, or lower-numbered entries decide everything it matches.',
  why: 'A dead entry does nothing but use one of the 20 entries per direction and family, and a reviewer reading it believes the NACL enforces something it does not.',
  fix: 'Remove the entry, or renumber it (and fix its protocol or port range) so it decides the traffic it was written for',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const scope of analysableScopes(model, context, 'dead entries')) {
      // Usually every entry that can match surely decides some packet (./nacl-quick): then only the entries that can
      // never match are reported, and the scope needs no analysis. Its summaries list the same entries in order.
      const summaries = everyLiveEntryDecides(scope.ordered) ? undefined : scope.analysis!.summaries();
      for (let i = 0; i < scope.ordered.length; i++) {
        const entry = scope.ordered[i];
        if (scope.siteOf(entry).builtIn) {
          continue; // EC2's own entry: nothing in the template can remove or renumber it
        }
        // Described only for a finding: most entries are live, and describing one formats its CIDR blocks.
        const where = () => `${directionName(scope.direction)} ${familyName(scope.family)} ${describeEntry(entry)}`;
        const never = neverMatchesReason(entry);
        if (never !== undefined) {
          findings.push({ resource: scope.siteOf(entry).resource, message: `${where()} can never match: ${never}` });
          continue;
        }
        const summary = summaries?.[i];
        if (summary === undefined || summary.decides > 0 || summary.overtaken === 0) {
          continue;
        }
        if (entry.action === 'deny' && summary.overtakenByAllow > 0) {
          continue; // NaclDenyShadowed reports it, as an error
        }
        const deciders = [...new Set(scope.analysis!.fateOf(entry).overtaken.map((o) => o.by.ruleNumber))].sort((a, b) => a - b);
        findings.push({
          resource: scope.siteOf(entry).resource,
          message: `${where()} never decides a packet: everything it matches is decided first by rule${deciders.length > 1 ? 's' : ''} ${deciders.join(', ')}`,
        });
      }
    }
    return findings;
  },
};
