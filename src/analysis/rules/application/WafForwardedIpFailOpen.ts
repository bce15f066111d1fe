import { aclRules, evaluatorFor, orCannotVerify } from './waf-evaluation';
import { readsForwardedIp, sampleRequests } from './waf-statements';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A blocking rule that reads the client address from a forwarded IP header fails open: when the header is
 * missing, AWS WAF does not apply the rule at all. Checked with the evaluator: for every sample request the rule
 * blocks, the same request without the header must still be blocked by some rule (or the default action); the
 * first sample that is allowed without the header is reported (a guard may cover one protected path, not another).
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
 */
export const WafForwardedIpFailOpen: LayeredDefenseRule = {
  id: 'LayeredDefense-WafForwardedIpFailOpen',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A WAF rule blocks by forwarded IP (X-Forwarded-For), and the same request without the header is allowed.',
  why: 'AWS WAF skips a rule whose forwarded IP header is missing, so a block-unless-allowlisted rule lets in every request that simply omits the header.',
  fix: 'Add a rule before it that blocks requests to the same paths that lack the header (PathAllowlistWaf does), or match the connection source IP instead of a forwarded IP',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      const evaluator = evaluatorFor(model, acl, context, 'forwarded IP handling');
      if (!evaluator) {
        continue;
      }
      for (const rule of aclRules(acl)) {
        const action = rule.action;
        if ((action !== 'BLOCK' && action !== 'CAPTCHA' && action !== 'CHALLENGE') || !readsForwardedIp(rule.statement)) {
          continue;
        }
        const finding = orCannotVerify(acl, context, `rule '${rule.name}' without its forwarded IP header`, () => {
          const tried = new Set<string>();
          for (const request of sampleRequests(model.ipSetsFor(acl.resource), rule.statement)) {
            const key = `${request.uriPath}\u0000${request.sourceIp}`;
            if (!request.headers || tried.has(key) || evaluator.evaluate(request).terminatingRule !== rule.name) {
              continue;
            }
            tried.add(key);
            const [header, forwarded] = Object.entries(request.headers)[0];
            const without = evaluator.evaluate({ uriPath: request.uriPath, sourceIp: request.sourceIp });
            if (without.action === 'ALLOW') {
              return `rule '${rule.name}' blocks ${request.uriPath} with ${header}: ${forwarded}, but the same request without ${header} `
                + `is allowed (${without.terminatingRule ? `by rule '${without.terminatingRule}'` : 'by the default action'}): WAF skips the rule when the header is missing`;
            }
            // This sample is still blocked without the header; another (another path, say) may not be.
          }
          return undefined;
        });
        if (finding) {
          findings.push({ resource: acl.resource, message: finding });
        }
      }
    }
    return findings;
  },
};
