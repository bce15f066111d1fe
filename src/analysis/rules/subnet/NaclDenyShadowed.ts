import { analysableScopes, describeScopeEntry, directionName, familyName } from './nacl-scopes';
import { describeEntry, describeRanges } from '../../model/model-nacl';
import { mayShadowADeny } from '../../model/nacl-quick';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A DENY entry that a lower-numbered ALLOW takes traffic from: NACLs evaluate entries in ascending rule number and
 * the first match decides, so the ALLOW wins and the block never happens for that traffic. Exact: the traffic
 * (address x protocol x ports) is split into classes every entry treats alike, and each class's address space is
 * split in rule order (see model/model-nacl.ts).
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 */
export const NaclDenyShadowed: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclDenyShadowed',
  level: 'error',
  layer: 'subnet',
  hipaa: '164.312(e)(1)',
  summary: 'A NACL DENY entry is fully or partly shadowed by a lower-numbered ALLOW entry, so the block never happens for that traffic.',
  why: 'NACL entries are evaluated lowest rule number first and the first match decides; an ALLOW numbered below a DENY lets the traffic the DENY was meant to block through.',
  fix: 'Give the DENY entry a lower rule number than every ALLOW entry that overlaps it (IpBlocklistNacl numbers deny entries first)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const scope of analysableScopes(model, context, 'shadowing')) {
      if (!mayShadowADeny(scope.ordered)) {
        continue; // no DENY has a lower-numbered ALLOW matching some of its packets: nothing is shadowed
      }
      for (const summary of scope.analysis!.summaries()) {
        if (summary.entry.action !== 'deny' || summary.overtakenByAllow === 0) {
          continue;
        }
        const fate = scope.analysis!.fateOf(summary.entry);
        const byAllow = fate.overtaken.filter((o) => o.by.action === 'allow');
        const fully = summary.decides === 0 && summary.overtakenByAllow === summary.overtaken;
        const example = byAllow[0];
        const allowRules = [...new Set(byAllow.map((o) => o.by.ruleNumber))].sort((a, b) => a - b);
        findings.push({
          resource: scope.siteOf(fate.entry).resource,
          message: `${directionName(scope.direction)} ${familyName(scope.family)} ${describeEntry(fate.entry)} is ${fully ? 'fully' : 'partly'} `
            + `shadowed by ALLOW rule${allowRules.length > 1 ? 's' : ''} ${allowRules.join(', ')}: for example ${describeRanges([example.range])} `
            + `${example.traffic.label} is allowed by ${describeScopeEntry(scope, example.by)} before the deny is reached`
            + (byAllow.some((o) => scope.siteOf(o.by).builtIn) ? '; on a default NACL, number DENY entries below 100, or give the subnets a NACL of their own' : ''),
        });
      }
    }
    return findings;
  },
};
