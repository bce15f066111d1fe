import { IpFamily } from '../../../ip/family';
import { countAddresses, maxAddress, subtractRanges } from '../../../private/ip';
import { describeRanges } from '../../model/model-nacl';
import { cidrRules, isOwnCidrRule, peerUnion } from '../../model/sg-coverage';
import type { SgRuleModel } from '../../model/sg-rules';
import { LayeredDefenseRule, RuleFinding } from '../rule';

const DENY_WORDS = /\b(deny|denied|denylist|block|blocked|blocklist|blacklist|ban|banned)\b/i;

/**
 * A security group that tries to express a deny. Security groups can only allow; a "deny" description does
 * nothing, and a blocklist built as a huge allow set around the blocked range (at least half of the address
 * space, but not all of it) is fragile and still lets tracked connections from the blocked range continue.
 * Denying known-bad addresses is the NACL's job (stateless: a new DENY cuts traffic at once).
 */
const FAMILIES = [IpFamily.IPV4, IpFamily.IPV6];

/** Whether the rules hold a CIDR rule of the family, and none for its whole space (what the allow set is judged on). */
function buildsAroundAGap(rules: readonly SgRuleModel[], family: IpFamily): boolean {
  const max = maxAddress(family);
  let some = false;
  for (const r of rules) {
    if (isOwnCidrRule(r, family)) {
      if (r.peer.cidr!.first === 0n && r.peer.cidr!.last === max) {
        return false;
      }
      some = true;
    }
  }
  return some;
}

export const SgDenyIntent: LayeredDefenseRule = {
  id: 'LayeredDefense-SgDenyIntent',
  level: 'warning',
  layer: 'virtual firewall',
  summary: 'A security group tries to express a deny: a rule or group description says deny/block, or its ingress allows everything around a blocked range.',
  why: 'Security groups are allow-only and stateful: they cannot block, and tracked connections survive rule changes. Blocking known-bad addresses belongs in a NACL, which denies statelessly in both directions.',
  fix: 'Block the addresses with an IpBlocklistNacl (or NACL DENY entries) on the subnets, and keep the security group to the sources you allow',
  evaluate(model) {
    const findings: RuleFinding[] = [];
    // Every group of the app is judged: most end without a list made or a range merged.
    for (const group of model.securityGroups) {
      const reasons: string[] = [];
      if (group.description && DENY_WORDS.test(group.description)) {
        reasons.push(`its description says '${group.description}'`);
      }
      for (const rule of group.ingress) {
        if (rule.description && DENY_WORDS.test(rule.description)) {
          reasons.push(`the ${rule.direction} rule for ${rule.peer.text} is described as '${rule.description}'`);
        }
      }
      for (const rule of group.egress) {
        if (rule.description && DENY_WORDS.test(rule.description)) {
          reasons.push(`the ${rule.direction} rule for ${rule.peer.text} is described as '${rule.description}'`);
        }
      }
      for (const family of FAMILIES) {
        // No CIDR rule, or one for the whole space: the ingress allows nothing or everything, and builds around no gap.
        if (!buildsAroundAGap(group.ingress, family)) {
          continue;
        }
        const max = maxAddress(family);
        const union = peerUnion(cidrRules(group.ingress, family));
        const whole = max + 1n;
        const allowed = countAddresses(union, family);
        if (allowed * 2n >= whole && allowed < whole) {
          const gap = subtractRanges([{ family, first: 0n, last: whole - 1n }], union);
          reasons.push(`its ingress allows every ${family === IpFamily.IPV4 ? 'IPv4' : 'IPv6'} address except ${describeRanges(gap)}, an allow set built around a blocked range`);
        }
      }
      if (reasons.length > 0) {
        findings.push({ resource: group.resource, message: `security group ${group.resource.logicalId} tries to deny: ${reasons.join('; ')}` });
      }
    }
    return findings;
  },
};
