import { analysableScopes, familyName, naclName } from './nacl-scopes';
import { isReturnEntry } from './NaclReturnTraffic';
import { countAddresses, maxAddress, mergeRanges } from '../../../private/ip';
import { describeEntry } from '../../model/model-nacl';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A NACL used as an allowlist: inbound, it admits specific sources to services and denies the rest of the
 * address space. The allow job belongs to security groups (stateful, per interface, referencing other groups);
 * a NACL allowlist must also mirror every allow for return traffic and breaks when peers change. Only inbound is
 * judged: outbound NACL allowlisting is a legitimate egress control.
 */
export const NaclAllowlist: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclAllowlist',
  level: 'warning',
  layer: 'subnet',
  summary: 'A NACL is used as an allowlist for application access (specific inbound ALLOWs, everything else denied).',
  why: 'Allowing known sources is the job of security groups, which are stateful and can reference other groups; NACLs are for denying known-bad address sets, and a NACL allowlist needs mirrored return entries and drifts as peers change.',
  fix: 'Allow the sources in the security groups of the resources instead, and keep the NACL as a blocklist (DENY entries, then ALLOW all)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const scope of analysableScopes(model, context, 'allowlist use')) {
      if (scope.direction !== 'ingress' || reported.has(scope.nacl.key)) {
        continue;
      }
      const analysis = scope.analysis!;
      const half = (maxAddress(scope.family) + 1n) / 2n;
      let narrowEntry;
      let broad = false;
      analysis.classes.forEach((_c, i) => {
        const allowers = analysis.piecesOf(i).filter((p) => p.decider?.action === 'allow' && !isReturnEntry(p.decider, context));
        if (allowers.length === 0) {
          return;
        }
        const allowed = countAddresses(mergeRanges(allowers.map((p) => ({ family: scope.family, first: p.first, last: p.last }))), scope.family);
        if (allowed >= half) {
          broad = true;
        } else {
          narrowEntry ??= allowers[0].decider;
        }
      });
      if (narrowEntry && !broad) {
        reported.add(scope.nacl.key);
        findings.push({
          resource: scope.nacl.resource,
          message: `inbound ${familyName(scope.family)} admits only specific sources (for example ${describeEntry(narrowEntry)}) and denies the rest: ${naclName(scope.nacl)} is an allowlist`,
        });
      }
    }
    return findings;
  },
};

