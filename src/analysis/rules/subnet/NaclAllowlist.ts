import { analysableScopes, familyName, naclName } from './nacl-scopes';
import { isReturnEntry } from './NaclReturnTraffic';
import { maxAddress } from '../../../private/ip';
import { describeEntry } from '../../model/model-nacl';
import type { DecidedPiece, NormalizedNaclEntry } from '../../model/nacl-evaluator';
import { surelyNoAllowlist } from '../../model/nacl-quick';
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
      const half = (maxAddress(scope.family) + 1n) / 2n;
      if (surelyNoAllowlist(scope.ordered, half, (entry) => isReturnEntry(entry, context))) {
        continue; // no service ALLOW, or one alone admits half the addresses (./nacl-quick): no analysis needed
      }
      const analysis = scope.analysis!;
      let narrowEntry: NormalizedNaclEntry | undefined;
      let broad = false;
      // Classes that share their pieces are decided alike: each split is counted once. One class allowing half the
      // space or more settles it (no finding), whatever the others allow.
      const counted: Array<readonly DecidedPiece[]> = [];
      for (let i = 0; i < analysis.classes.length && !broad; i++) {
        const pieces = analysis.piecesOf(i);
        if (counted.includes(pieces)) {
          continue;
        }
        counted.push(pieces);
        // The pieces are disjoint: the addresses they allow add up without merging.
        let allowed = 0n;
        let first: NormalizedNaclEntry | undefined;
        for (const p of pieces) {
          if (p.decider?.action === 'allow' && !isReturnEntry(p.decider, context)) {
            allowed += p.last - p.first + 1n;
            first ??= p.decider;
          }
        }
        if (first === undefined) {
          continue;
        }
        if (allowed >= half) {
          broad = true;
        } else {
          narrowEntry ??= first;
        }
      }
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

