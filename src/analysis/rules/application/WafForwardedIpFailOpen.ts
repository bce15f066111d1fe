import { evaluatorFor, forwardedIpRules, orCannotVerify } from './waf-evaluation';
import { sampleRequests } from './waf-statements';
import { CannotEvaluateError, WafEvaluation } from '../../model/waf-evaluator';
import { forwardedIpConfigs, isWafUnknown } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A rule that reads the client address from a forwarded IP header fails open in two ways, both checked with the
 * evaluator on sample requests built from the rule's own statement (the first failing sample is reported: a guard
 * may cover one protected path, not another):
 * - the header is missing: "If the specified header isn't present in the request, AWS WAF doesn't apply the rule to
 *   the web request at all". For every sample request a blocking rule blocks, the same request without the header
 *   must still be blocked by some rule (or the default action);
 * - the header holds no valid address in the chosen position and `FallbackBehavior` is `MATCH`: "Treat the web
 *   request as matching the rule statement". Under a NOT (block unless allowlisted) or in an ALLOW rule, a
 *   malformed header counts as allowlisted. For every sample a blocking rule with a MATCH fallback blocks, the same
 *   request with a header that holds no address must still be blocked; an ALLOW rule with a MATCH fallback must not
 *   allow such a request.
 * The rules judged are the web ACL's and those of each `AWS::WAFv2::RuleGroup` of the templates it runs in place
 * (./waf-evaluation `forwardedIpRules`); the finding is on the web ACL, naming the group's rule.
 * Rule groups (../../model/waf-rule-groups): an `AWS::WAFv2::RuleGroup` of the templates runs in place; when no sample
 * is shown allowed but one the model sees blocked passed a group that may allow and whose rules are not known (outside
 * the templates, a marketplace group, a managed rule overridden to Allow), the check is "cannot verify".
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
 * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
 */
export const WafForwardedIpFailOpen: LayeredDefenseRule = {
  id: 'LayeredDefense-WafForwardedIpFailOpen',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A WAF rule judges clients by forwarded IP (X-Forwarded-For), and a request without the header, or with a header that holds no valid address under FallbackBehavior MATCH, gets through.',
  why: 'AWS WAF skips a rule whose forwarded IP header is missing, and FallbackBehavior MATCH treats a header without a valid address as a match, so a block-unless-allowlisted rule lets in every request that omits the header or sends garbage in it.',
  fix: 'Add a rule before it that blocks requests to the same paths that lack the header (PathAllowlistWaf does), and use FallbackBehavior NO_MATCH for an allowlist; or match the connection source IP instead of a forwarded IP',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      const evaluator = evaluatorFor(model, acl, context, 'forwarded IP handling');
      if (!evaluator) {
        continue;
      }
      const found = orCannotVerify(acl, context, 'forwarded IP handling', () => forwardedIpRules(model, acl));
      if (!found) {
        continue;
      }
      for (const why of found.unsure) {
        context.cannotVerify(acl.resource, 'forwarded IP handling', why);
      }
      for (const target of found.rules) {
        const { rule, label } = target;
        // A rule that stops requests fails open when the header is missing; any rule, when MATCH lets a header without
        // an address through it (the evaluator decides which requests that lets in: only a terminating rule can).
        const stops = typeof target.action === 'string' ? STOPS.get(target.action) : undefined;
        const blocking = stops !== undefined;
        const fallbackMatch = forwardedIpConfigs(rule.statement).some((c) => !isWafUnknown(c) && c.fallbackBehavior === 'MATCH');
        const samples = () => sampleRequests(target.ipSets, rule.statement);
        const missing = blocking && orCannotVerify(acl, context, `${label} without its forwarded IP header`, () => {
          const tried = new Set<string>();
          const unsure = new UnknownGroups();
          for (const request of samples()) {
            const key = `${request.uriPath}\u0000${request.sourceIp}`;
            if (!request.headers || tried.has(key) || !target.endsAt(evaluator.evaluate(request))) {
              continue;
            }
            tried.add(key);
            const [header, forwarded] = Object.entries(request.headers)[0];
            const without = evaluator.evaluate({ uriPath: request.uriPath, sourceIp: request.sourceIp });
            if (without.action === 'ALLOW') {
              return `${label} ${stops} ${request.uriPath} with ${header}: ${forwarded}, but the same request without ${header} `
                + `is allowed (${byWhom(without)}): WAF skips the rule when the header is missing`;
            }
            // This sample is still blocked without the header, unless a rule group it passed allows it; another
            // sample (another path, say) may not be.
            unsure.note(without);
          }
          return unsure.orNothing();
        });
        if (missing) {
          findings.push({ resource: acl.resource, message: missing });
        }
        const malformed = fallbackMatch && orCannotVerify(acl, context, `${label} with a forwarded IP header that holds no address`, () => {
          const tried = new Set<string>();
          const unsure = new UnknownGroups();
          for (const request of samples()) {
            const key = `${request.uriPath}\u0000${request.sourceIp}`;
            if (!request.headers || tried.has(key)) {
              continue;
            }
            const [header, forwarded] = Object.entries(request.headers)[0];
            const garbled = { ...request, headers: { [header]: NO_ADDRESS } };
            if (blocking) {
              if (!target.endsAt(evaluator.evaluate(request))) {
                continue;
              }
              tried.add(key);
              const result = evaluator.evaluate(garbled);
              if (result.action === 'ALLOW') {
                return `${label} ${stops} ${request.uriPath} with ${header}: ${forwarded}, but the same request with ${header}: ${NO_ADDRESS} `
                  + `is allowed (${byWhom(result)}): with FallbackBehavior MATCH a header that holds no valid address counts as a match`;
              }
              unsure.note(result);
            } else {
              tried.add(key);
              const result = evaluator.evaluate(garbled);
              if (result.action === 'ALLOW' && target.endsAt(result)) {
                return `${label} allows ${request.uriPath} with ${header}: ${NO_ADDRESS}, a header that holds no valid address: `
                  + 'with FallbackBehavior MATCH it counts as a match, so the request skips every later rule';
              }
            }
          }
          return unsure.orNothing();
        });
        if (malformed) {
          findings.push({ resource: acl.resource, message: malformed, fix: 'Use FallbackBehavior NO_MATCH on forwarded IP statements that allowlist clients (under a NOT in a blocking rule, or in an ALLOW rule)' });
        }
      }
    }
    return findings;
  },
};

/** What each action that stops a request does to it, as the messages say it. */
const STOPS: ReadonlyMap<string, string> = new Map([['BLOCK', 'blocks'], ['CAPTCHA', 'puts a CAPTCHA in front of'], ['CHALLENGE', 'challenges']]);

/** A forwarded IP header value without any IP address, as proxies write for a client they cannot name. */
const NO_ADDRESS = 'unknown';

function byWhom(result: { readonly terminatingRule?: string; readonly terminatingGroupRule?: string; readonly terminatingGroup?: string }): string {
  if (result.terminatingGroupRule !== undefined) {
    return `by rule '${result.terminatingGroupRule}' of rule group ${result.terminatingGroup ?? 'outside the templates'}, referenced by rule '${result.terminatingRule}'`;
  }
  return result.terminatingRule ? `by rule '${result.terminatingRule}'` : 'by the default action';
}

/**
 * The rule groups that may have allowed a request the model sees blocked (WafEvaluation.unknownGroups): with no
 * sample shown allowed, they make the check "cannot verify" instead of a pass.
 */
class UnknownGroups {
  private readonly seen = new Set<string>();

  public note(result: WafEvaluation): void {
    for (const group of result.unknownGroups ?? []) {
      this.seen.add(group);
    }
  }

  /** Nothing to report, or CannotEvaluateError naming the groups that may allow a sample the model sees blocked. */
  public orNothing(): undefined {
    if (this.seen.size > 0) {
      throw new CannotEvaluateError(`rule groups the request passes may allow it: ${[...this.seen].join('; ')}`);
    }
    return undefined;
  }
}
