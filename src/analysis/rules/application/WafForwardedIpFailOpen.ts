import { evaluatorFor, ForwardedIpRule, forwardedIpRules, orCannotVerify, withOverrideNone } from './waf-evaluation';
import { sampleRequests } from './waf-statements';
import { CannotEvaluateError, labelMatchSees, WafEvaluation, WafEvaluator, WafLabelNamespace, WafRequest } from '../../model/waf-evaluator';
import { labelNamespaceOf, ruleGroupResolver, WafRuleGroupResolver } from '../../model/waf-rule-groups';
import { forwardedIpConfigs, isWafUnknown, known, walkWafStatement, WafRuleNode, WafWebAclTree } from '../../model/waf-statements-tree';
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
      const groups = ruleGroupResolver(model, acl.resource);
      const aclLabels = labelNamespaceOf(acl.resource, 'webacl');
      for (const target of found.rules.map(judged)) {
        const missing = target.stops !== undefined && orCannotVerify(acl, context, `${target.label} without its forwarded IP header`, () => missingHeader(evaluator, target));
        if (missing) {
          findings.push({ resource: acl.resource, message: missing });
        }
        // A COUNT rule that labels what it matches, for a later rule to block on the label: without the header it is
        // skipped, adds no label, and the later rule lets the request through.
        // The COUNT rule may be the web ACL's or a group's (its own action, or the reference's override), and the rule
        // that blocks on the label either.
        const unlabelled = target.action === 'COUNT' && Array.isArray(target.rule.labels) && target.rule.labels.length > 0
          && orCannotVerify(acl, context, `${target.label} without its forwarded IP header`, () => labelLost(evaluator, target, acl.tree, groups, aclLabels));
        if (unlabelled) {
          findings.push({ resource: acl.resource, message: unlabelled });
        }
        const malformed = target.fallbackMatch && orCannotVerify(acl, context, `${target.label} with a forwarded IP header that holds no address`,
          () => headerWithoutAddress(evaluator, target));
        if (malformed) {
          findings.push({ resource: acl.resource, message: malformed, fix: MATCH_FIX });
        }
      }
      // A web ACL rule whose action is not known at synth (an Fn::If between Block and Allow, say): judged as a BLOCK,
      // the action that can fail open when the header is missing; what would then get through is "cannot verify".
      for (const target of found.rules) {
        if (target.reference !== undefined || !isWafUnknown(target.action)) {
          continue;
        }
        const rules = known(acl.tree.rules).map((r) => (r === target.rule ? { ...r, action: 'BLOCK' as const } : r));
        const asBlock = evaluatorFor(model, acl, context, `forwarded IP handling with ${target.label} as BLOCK`, new WafWebAclTree(rules, acl.tree.defaultAction, acl.tree.invalid));
        const blocking = judged({ ...target, action: 'BLOCK', rule: rules[rules.findIndex((r) => r.index === target.rule.index)] });
        const failure = asBlock && orCannotVerify(acl, context, `${target.label} as BLOCK without its forwarded IP header`, () => missingHeader(asBlock, blocking));
        if (failure) {
          context.cannotVerify(acl.resource, `forwarded IP handling of ${target.label}`, `${target.action.what}; as a BLOCK, ${failure}`);
        }
      }
      // A reference whose OverrideAction is not known (None or Count): under Count its group acts on nothing, so only
      // what it would do under None can fail open, and only that is "cannot verify".
      for (const reference of found.undecided) {
        const override = isWafUnknown(reference.action) ? reference.action.what : `rule '${reference.name}' has no OverrideAction None or Count`;
        const tree = withOverrideNone(acl.tree, reference);
        const assumed = evaluatorFor(model, acl, context, `forwarded IP handling with rule '${reference.name}' as OverrideAction None`, tree);
        const readers = assumed && orCannotVerify(acl, context, 'forwarded IP handling',
          () => forwardedIpRules(model, acl, tree).rules.filter((r) => r.reference?.index === reference.index).map(judged));
        for (const target of readers || []) {
          const failure = orCannotVerify(acl, context, `${target.label} with rule '${reference.name}' as OverrideAction None`, () => {
            const missing = target.stops !== undefined ? missingHeader(assumed!, target) : undefined;
            return missing ?? (target.fallbackMatch ? headerWithoutAddress(assumed!, target) : undefined);
          });
          if (failure) {
            context.cannotVerify(acl.resource, `forwarded IP handling of ${target.label}`, `${override}; with OverrideAction None, ${failure}`);
          }
        }
      }
    }
    return findings;
  },
};

const MATCH_FIX = 'Use FallbackBehavior NO_MATCH on forwarded IP statements that allowlist clients (under a NOT in a blocking rule, or in an ALLOW rule)';

/** A forwarded-IP rule with what the checks ask of it. */
interface Judged extends ForwardedIpRule {
  /** How messages say what its action does to a request, when that action stops requests (BLOCK, CAPTCHA, CHALLENGE). */
  readonly stops?: string;
  /** Whether one of its forwarded IP configurations has FallbackBehavior MATCH. */
  readonly fallbackMatch: boolean;
  /** Sample requests built from its statement (made on first use). */
  samples(): WafRequest[];
}

function judged(target: ForwardedIpRule): Judged {
  let samples: WafRequest[] | undefined;
  return {
    ...target,
    endsAt: target.endsAt,
    stops: typeof target.action === 'string' ? STOPS.get(target.action) : undefined,
    fallbackMatch: forwardedIpConfigs(target.rule.statement).some((c) => !isWafUnknown(c) && c.fallbackBehavior === 'MATCH'),
    samples: () => (samples ??= sampleRequests(target.ipSets, target.rule.statement)),
  };
}

/**
 * A blocking rule fails open when the header is missing: for every sample request it blocks with the header, the same
 * request without it must still be stopped. The message for the first that is allowed; undefined when none is.
 * Throws CannotEvaluateError when a sample passes rule groups that may allow it and none is shown allowed.
 */
function missingHeader(evaluator: WafEvaluator, target: Judged): string | undefined {
  return allowedWithoutHeader(evaluator, target, (result) => target.endsAt(result), (request, header, forwarded) =>
    `${target.label} ${target.stops} ${request.uriPath} with ${header}: ${forwarded}, but the same request without ${header} is allowed`, 'WAF skips the rule when the header is missing');
}

/**
 * A COUNT rule that labels the requests it matches (the web ACL's, or a group's run in place): for every sample it
 * labels that a later rule blocking on labels (a LabelMatchStatement, in the web ACL or in a group it runs) then
 * blocks, the same request without the header must still be stopped. The message for the first that is allowed;
 * undefined when none is. Throws as {@link missingHeader}.
 */
function labelLost(evaluator: WafEvaluator, target: Judged, tree: WafWebAclTree, groups: WafRuleGroupResolver,
  aclLabels: WafLabelNamespace): string | undefined {
  const labels = target.rule.labels as readonly string[];
  const seen = new Map<string, boolean>();
  const rules = isWafUnknown(tree.rules) ? [] : tree.rules;
  const groupOf = (reference: WafRuleNode | undefined) => (reference?.statement.type === 'RuleGroupReferenceStatement' ? groups(reference.statement.arn) : undefined);
  // Where the target's labels live: the web ACL's prefix, or its group's.
  const targetLabels = target.reference === undefined ? aclLabels : groupOf(target.reference)?.labelNamespace;
  /** The rule that ended an evaluation and where its statements look for labels (the web ACL, or its group). */
  const blocker = (result: WafEvaluation): { readonly rule: WafRuleNode; readonly sees: WafLabelNamespace | undefined } | undefined => {
    const rule = rules.find((r) => r.name === result.terminatingRule);
    if (result.terminatingGroupRule === undefined) {
      return rule && { rule, sees: aclLabels };
    }
    const group = groupOf(rule);
    const inner = isWafUnknown(group?.rules) ? undefined : group?.rules.find((r) => r.name === result.terminatingGroupRule);
    return inner && { rule: inner, sees: group!.labelNamespace };
  };
  // The rule that blocks must look for one of the target's labels where it lives (a short Key in the web ACL does not
  // see a group's label), or may, as far as synth can tell.
  const blocksOnTargetLabel = (result: WafEvaluation): boolean => {
    const key = `${result.terminatingRule}\u0000${result.terminatingGroupRule ?? ''}`;
    let sees = seen.get(key);
    if (sees === undefined) {
      const found = blocker(result);
      sees = false;
      if (found !== undefined && found.sees !== undefined && targetLabels !== undefined) {
        walkWafStatement(found.rule.statement, (node) => {
          sees ||= node.type === 'LabelMatchStatement' && labels.some((name) => labelMatchSees(node, found.sees!, name, targetLabels));
        });
      }
      seen.set(key, sees);
    }
    return sees;
  };
  // A web ACL rule that matched is listed; a group's is not, but its labels are (by the names its rule gives them).
  const labelled = (result: WafEvaluation) => (target.reference === undefined
    ? result.matchedRules.includes(target.rule.name)
    : labels.some((l) => result.labels.includes(l)));
  const labelledAndBlocked = (result: WafEvaluation) => result.action === 'BLOCK' && result.terminatingRule !== undefined
    && labelled(result) && blocksOnTargetLabel(result);
  return allowedWithoutHeader(evaluator, target, labelledAndBlocked, (request, header, forwarded, blocked) =>
    `${target.label} (COUNT) labels ${request.uriPath} with ${header}: ${forwarded} (${labels.join(', ')}) and ${endingRule(blocked)} blocks it, `
      + `but the same request without ${header} is allowed`, 'WAF skips the rule when the header is missing, so it adds no label');
}

/**
 * The first of the target's samples that `counts` (evaluated with its forwarded IP header) and that is allowed when
 * sent again without the header: `said(...)`, then who allowed it, then `why`. Each path and source address is tried
 * once. Undefined when every such sample is still stopped; throws CannotEvaluateError when one of them passed rule
 * groups that may have allowed it (another sample, another path say, may still be shown allowed first).
 */
function allowedWithoutHeader(evaluator: WafEvaluator, target: Judged, counts: (withHeader: WafEvaluation) => boolean,
  said: (request: WafRequest, header: string, forwarded: string, withHeader: WafEvaluation) => string, why: string): string | undefined {
  const tried = new Set<string>();
  const unsure = new UnknownGroups();
  for (const request of target.samples()) {
    const key = `${request.uriPath}\u0000${request.sourceIp}`;
    if (!request.headers || tried.has(key)) {
      continue;
    }
    const withHeader = evaluator.evaluate(request);
    if (!counts(withHeader)) {
      continue;
    }
    tried.add(key);
    const [header, forwarded] = Object.entries(request.headers)[0];
    const without = evaluator.evaluate({ uriPath: request.uriPath, sourceIp: request.sourceIp });
    if (without.action === 'ALLOW') {
      return `${said(request, header, forwarded, withHeader)} (${byWhom(without)}): ${why}`;
    }
    unsure.note(without);
  }
  return unsure.orNothing();
}

/**
 * A rule with FallbackBehavior MATCH takes a header that holds no address as a match: a blocking rule must still stop
 * each sample it blocks when the header holds none; an ALLOW rule must not allow such a request. The message for the
 * first that gets through; undefined when none does. Throws as {@link missingHeader}.
 */
function headerWithoutAddress(evaluator: WafEvaluator, target: Judged): string | undefined {
  const tried = new Set<string>();
  const unsure = new UnknownGroups();
  for (const request of target.samples()) {
    const key = `${request.uriPath}\u0000${request.sourceIp}`;
    if (!request.headers || tried.has(key)) {
      continue;
    }
    const [header, forwarded] = Object.entries(request.headers)[0];
    const garbled = { ...request, headers: { [header]: NO_ADDRESS } };
    if (target.stops !== undefined) {
      if (!target.endsAt(evaluator.evaluate(request))) {
        continue;
      }
      tried.add(key);
      const result = evaluator.evaluate(garbled);
      if (result.action === 'ALLOW') {
        return `${target.label} ${target.stops} ${request.uriPath} with ${header}: ${forwarded}, but the same request with ${header}: ${NO_ADDRESS} `
          + `is allowed (${byWhom(result)}): with FallbackBehavior MATCH a header that holds no valid address counts as a match`;
      }
      unsure.note(result);
    } else {
      tried.add(key);
      const result = evaluator.evaluate(garbled);
      if (result.action === 'ALLOW' && target.endsAt(result)) {
        return `${target.label} allows ${request.uriPath} with ${header}: ${NO_ADDRESS}, a header that holds no valid address: `
          + 'with FallbackBehavior MATCH it counts as a match, so the request skips every later rule';
      }
    }
  }
  return unsure.orNothing();
}

/** What each action that stops a request does to it, as the messages say it. */
const STOPS: ReadonlyMap<string, string> = new Map([['BLOCK', 'blocks'], ['CAPTCHA', 'puts a CAPTCHA in front of'], ['CHALLENGE', 'challenges']]);

/** A forwarded IP header value without any IP address, as proxies write for a client they cannot name. */
const NO_ADDRESS = 'unknown';

/** The rule that ended an evaluation, as messages name it. */
function endingRule(result: WafEvaluation): string {
  return result.terminatingGroupRule !== undefined
    ? `rule '${result.terminatingGroupRule}' of rule group ${result.terminatingGroup} (referenced by rule '${result.terminatingRule}')`
    : `rule '${result.terminatingRule}'`;
}

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
