import { IpFamily } from '../../../ip/family';
import { countAddresses, familyBits, IpRange, mergeRanges, parseCidrOrReason } from '../../../private/ip';
import { describeValue } from '../../model/model-values';
import { isWafUnknown, WafIpSetNode, walkWafStatement } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/** The addresses of one family in one IP set: merged ranges, how many addresses they hold, and the texts as written. */
interface SetPart {
  readonly ranges: readonly IpRange[];
  readonly count: bigint;
  readonly cidrs: readonly string[];
}

/**
 * The IP sets under a NOT in a blocking rule are the sources the block exempts: "block `/admin` unless the source
 * is in the office set". When those sets together cover half of a family's addresses or more, almost anyone is
 * exempt and the rule protects little; it usually means a prefix typed too short (`/1` for `/21`). The threshold is
 * the one PathAllowlistWaf used at construction; an IP set cannot hold /0 at all. The rules of a rule group of the
 * templates are judged too, on the group.
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
    // Each IP set's addresses are read once, however many rules exempt it (a set of 10,000 addresses under a NOT in
    // each of 1,500 rules was parsed 1,500 times): by family, the literal texts, their ranges merged and counted.
    // Keyed by the address list itself: web ACLs of two stacks may each name an IP set of their own by the same logical id.
    const readSets = new Map<readonly string[], ReadonlyMap<IpFamily, SetPart>>();
    const read = (addresses: readonly string[]): ReadonlyMap<IpFamily, SetPart> => {
      const known = readSets.get(addresses);
      if (known !== undefined) {
        return known;
      }
      const parsed = new Map<IpFamily, { ranges: IpRange[]; cidrs: string[] }>();
      for (const text of addresses) {
        const cidr = parseCidrOrReason(text, { normalizeHostBits: true });
        if (typeof cidr === 'string') {
          // InvalidValue reports an address AWS rejects; it exempts nothing.
          continue;
        }
        const group = parsed.get(cidr.family) ?? { ranges: [], cidrs: [] };
        parsed.set(cidr.family, group);
        group.ranges.push(cidr);
        group.cidrs.push(`'${text}'`);
      }
      const bySetFamily = new Map<IpFamily, SetPart>();
      for (const [family, { ranges, cidrs }] of parsed) {
        const merged = mergeRanges(ranges);
        bySetFamily.set(family, { ranges: merged, cidrs, count: countAddresses(merged, family) });
      }
      readSets.set(addresses, bySetFamily);
      return bySetFamily;
    };
    // A rule group's broad exemption holds in every web ACL that uses the group: judged once, on the group.
    for (const acl of model.wafRuleOwners()) {
      const rules = acl.rules;
      if (isWafUnknown(rules)) {
        context.cannotVerify(acl.resource, `which sources the ${acl.kind}'s rules exempt (${rules.what})`);
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
        // Per family, the sets' parts this rule exempts (a set's part is shared, never copied: a rule exempts one
        // set of 10,000 addresses as cheaply as one of 10).
        const byFamily = new Map<IpFamily, Array<{ readonly key: string; readonly part: SetPart }>>();
        for (const node of exempt) {
          const addresses = isWafUnknown(node.ipSetKey) ? undefined : ipSets[node.ipSetKey];
          if (isWafUnknown(node.ipSetKey) || addresses === undefined) {
            context.cannotVerify(acl.resource, `how many addresses rule '${rule.name}' exempts from its block (the addresses of IP set ${describeValue(node.arn)})`);
            continue;
          }
          for (const [family, part] of read(addresses)) {
            const parts = byFamily.get(family) ?? [];
            byFamily.set(family, parts);
            // A set exempted twice in one rule (under two NOTs of an OR, say) exempts its addresses once.
            if (!parts.some((p) => p.part === part)) {
              parts.push({ key: node.ipSetKey, part });
            }
          }
        }
        for (const [family, parts] of byFamily) {
          const space = 2n ** BigInt(familyBits(family));
          const count = parts.length === 1 ? parts[0].part.count : countAddresses(mergeRanges(parts.flatMap((p) => p.part.ranges)), family);
          if (count * 2n < space) {
            continue;
          }
          const percent = Number((count * 10000n) / space) / 100;
          const name = family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
          const sets = parts.map((p) => p.key);
          const total = parts.reduce((n, p) => n + p.part.cidrs.length, 0);
          const shown = total > 6 ? 5 : total;
          const first: string[] = [];
          for (const { part } of parts) {
            for (const cidr of part.cidrs) {
              if (first.length === shown) break;
              first.push(cidr);
            }
          }
          const entries = total > 6 ? `${first.join(', ')} and ${total - 5} more` : first.join(', ');
          findings.push({
            resource: acl.resource,
            message: `rule '${rule.name}' exempts ${percent}% of the ${name} address space from its block (IP set${sets.length > 1 ? 's' : ''} `
              + `${sets.join(', ')}: ${entries}): almost anyone can reach what it protects`,
          });
        }
      }
    }
    return findings;
  },
};
