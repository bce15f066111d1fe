import { aclRules, evaluatorFor, orCannotVerify } from './waf-evaluation';
import { sampleRequests } from './waf-statements';
import { WafWebAclTree } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A BLOCK rule that never gets to block: every sample request it blocks on its own is allowed first by an ALLOW
 * rule with a lower priority number (rules run in ascending priority; ALLOW ends evaluation). Method: sample
 * requests built from the BLOCK rule's own statement (see waf-statements.ts) are kept when the rule alone
 * blocks them, then run through the whole web ACL. A partial overlap (an allowlist exception before a block) is
 * intended and not reported; a finding means no sample got blocked. Limit: samples, not a proof.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html
 */
/** Rule actions that never end evaluation with ALLOW. */
const NOT_ALLOWING: ReadonlySet<unknown> = new Set(['BLOCK', 'COUNT', 'CAPTCHA', 'CHALLENGE']);

export const WafAllowShadowsBlock: LayeredDefenseRule = {
  id: 'LayeredDefense-WafAllowShadowsBlock',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A WAF ALLOW rule with a lower priority number allows every request a BLOCK rule would block, so the block never happens.',
  why: 'WAF runs rules in ascending priority and ALLOW ends evaluation: an earlier, broader ALLOW takes the requests before the BLOCK rule sees them.',
  fix: 'Give the BLOCK rule a lower priority number than the ALLOW rule, or narrow the ALLOW rule so it does not match what must be blocked',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      // Only a rule that allows (an ALLOW rule, or a rule group reference) can take a request before a BLOCK rule:
      // without one, no BLOCK rule is shadowed, whatever the statements, priorities or default action hold (even
      // values not known at synth). Rules not known at all may allow: the evaluator says it cannot verify them.
      const listed = acl.tree.rules;
      if (Array.isArray(listed) && !listed.some((r) => !NOT_ALLOWING.has(r.action))) {
        continue;
      }
      const full = evaluatorFor(model, acl, context, 'rule order');
      if (!full) {
        continue;
      }
      for (const rule of aclRules(acl)) {
        if (rule.action !== 'BLOCK') {
          continue;
        }
        const alone = evaluatorFor(model, acl, context, `rule '${rule.name}'`, new WafWebAclTree([rule], 'ALLOW'));
        const message = alone && orCannotVerify(acl, context, `rule '${rule.name}' against earlier ALLOW rules`, () => {
          const samples = sampleRequests(model.ipSetsFor(acl.resource), rule.statement);
          const blocked = samples.filter((r) => alone.evaluate(r).terminatingRule === rule.name);
          if (blocked.length === 0) {
            return undefined;
          }
          const allowers = new Set<string>();
          for (const request of blocked) {
            const result = full.evaluate(request);
            if (result.terminatingAction !== 'ALLOW' || !result.terminatingRule) {
              return undefined;
            }
            allowers.add(result.terminatingRule);
          }
          return `BLOCK rule '${rule.name}' never blocks: each of ${blocked.length} requests it blocks on its own (for example ${blocked[0].uriPath} from ${blocked[0].sourceIp}) `
            + `is allowed first by ALLOW rule ${[...allowers].map((n) => `'${n}'`).join(', ')}`;
        });
        if (message) {
          findings.push({ resource: acl.resource, message });
        }
      }
    }
    return findings;
  },
};
