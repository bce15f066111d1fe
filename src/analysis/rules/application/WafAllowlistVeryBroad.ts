import { IpFamily } from '../../../ip/family';
import { countAddresses, familyBits, IpRange, mergeRanges, parseCidrOrReason } from '../../../private/ip';
import { describeValue } from '../../model/model-values';
import { isWafUnknown, WafIpSetNode, walkWafStatement } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * The IP sets under a NOT in a blocking rule are the sources the block exempts: "block `/admin` unless the source
 * is in the office set". When those sets together cover half of a family's addresses or more, almost anyone is
 * exempt and the rule protects little; it usually means a prefix typed too short (`/1` for `/21`). The threshold is
 * the one PathAllowlistWaf used at construction; an IP set cannot hold /0 at all.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-ipset-match.html
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-not.html
 */
export const WafAllowlistVeryBroad: LayeredDefenseRule = {
  id: 'LayeredDefense-WafAllowlistVeryBroad',
  level: 'warning',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'The IP sets a blocking WAF rule exempts (under a NOT) cover half of the IPv4 or IPv6 address space or more.',
  why: 'An allowlist is only as narrow as its widest entry: with half the internet exempt, the protected path is open to almost anyone.',
  fix: 'List only the networks that need the path (an office, a VPN egress range) in the allowlist IP sets',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      const rules = acl.tree.rules;
      if (isWafUnknown(rules)) {
        context.cannotVerify(acl.resource, `which sources the web ACL's rules exempt (${rules.what})`);
        continue;
      }
      const ipSets = model.ipSetsFor(acl.resource);
      for (const rule of rules) {
        if (isWafUnknown(rule.action) || (rule.action !== 'BLOCK' && rule.action !== 'CAPTCHA' && rule.action !== 'CHALLENGE')) {
          continue;
        }
        const exempt: WafIpSetNode[] = [];
        walkWafStatement(rule.statement, (node, ancestors) => {
          if (node.type === 'IPSetReferenceStatement' && ancestors.filter((a) => a.type === 'NotStatement').length % 2 === 1) {
            exempt.push(node);
          }
        });
        const byFamily = new Map<IpFamily, { ranges: IpRange[]; sets: string[]; cidrs: string[] }>();
        for (const node of exempt) {
          const addresses = isWafUnknown(node.ipSetKey) ? undefined : ipSets[node.ipSetKey];
          if (addresses === undefined) {
            context.cannotVerify(acl.resource, `how many addresses rule '${rule.name}' exempts from its block (the addresses of IP set ${describeValue(node.arn)})`);
            continue;
          }
          for (const text of addresses) {
            const cidr = parseCidrOrReason(text, { normalizeHostBits: true });
            if (typeof cidr === 'string') {
              // InvalidValue reports an address AWS rejects; it exempts nothing.
              continue;
            }
            const group = byFamily.get(cidr.family) ?? { ranges: [], sets: [], cidrs: [] };
            byFamily.set(cidr.family, group);
            group.ranges.push(cidr);
            group.cidrs.push(`'${text}'`);
            const name = isWafUnknown(node.ipSetKey) ? describeValue(node.arn) : node.ipSetKey;
            if (!group.sets.includes(name)) {
              group.sets.push(name);
            }
          }
        }
        for (const [family, group] of byFamily) {
          const space = 2n ** BigInt(familyBits(family));
          const count = countAddresses(mergeRanges(group.ranges), family);
          if (count * 2n < space) {
            continue;
          }
          const percent = Number((count * 10000n) / space) / 100;
          const name = family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
          const entries = group.cidrs.length > 6 ? `${group.cidrs.slice(0, 5).join(', ')} and ${group.cidrs.length - 5} more` : group.cidrs.join(', ');
          findings.push({
            resource: acl.resource,
            message: `rule '${rule.name}' exempts ${percent}% of the ${name} address space from its block (IP set${group.sets.length > 1 ? 's' : ''} `
              + `${group.sets.join(', ')}: ${entries}): almost anyone can reach what it protects`,
          });
        }
      }
    }
    return findings;
  },
};
