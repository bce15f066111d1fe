import { evaluatorFor, orCannotVerify, withOverrideNone } from './waf-evaluation';
import { sampleRequests } from './waf-statements';
import type { NetworkModel, WebAclModel } from '../../model/network-model';
import { WafEvaluation, WafEvaluator } from '../../model/waf-evaluator';
import { groupReach, ruleGroupResolver, WafRuleGroupResolver } from '../../model/waf-rule-groups';
import { isWafUnknown, known, WafRuleNode, WafWebAclTree } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleContext, RuleFinding } from '../rule';

/**
 * A BLOCK rule that never gets to block: every sample request it blocks on its own is allowed first by an ALLOW
 * rule with a lower priority number (rules run in ascending priority; ALLOW ends evaluation), or by an ALLOW rule
 * inside a rule group referenced with a lower priority number (a terminating action inside a group ends the web
 * ACL's evaluation too, unless the reference's OverrideAction is Count). Method: sample requests built from the BLOCK
 * rule's own statement (see waf-statements.ts) are kept when the rule alone blocks them, then run through the whole
 * web ACL. A partial overlap (an allowlist exception before a block) is intended and not reported; a finding means no
 * sample got blocked. Rule groups (../../model/waf-rule-groups): an `AWS::WAFv2::RuleGroup` of the templates runs in
 * place; AWS managed groups cannot allow unless a rule is overridden to Allow; a group that may allow and whose rules
 * are not known (outside the templates, a marketplace group, an override to Allow) is "cannot verify" for a BLOCK rule
 * after it whose samples it could take. The BLOCK rules judged are the web ACL's and those of each group of the
 * templates it runs in place (OverrideAction None; a rule that blocks there after the reference's overrides), named
 * with their group. Limit: samples, not a proof.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html
 */
/** Rule actions that never end evaluation with ALLOW. */
const NOT_ALLOWING: ReadonlySet<unknown> = new Set(['BLOCK', 'COUNT', 'CAPTCHA', 'CHALLENGE']);

export const WafAllowShadowsBlock: LayeredDefenseRule = {
  id: 'LayeredDefense-WafAllowShadowsBlock',
  level: 'error',
  layer: 'application',
  hipaa: '164.312(a)(1)',
  summary: 'A WAF ALLOW rule with a lower priority number (in the web ACL, or inside a rule group it references) allows every request a BLOCK rule would block, so the block never happens.',
  why: 'WAF runs rules in ascending priority and ALLOW ends evaluation, inside a referenced rule group too: an earlier, broader ALLOW takes the requests before the BLOCK rule sees them.',
  fix: 'Give the BLOCK rule a lower priority number than the ALLOW rule (or the rule group reference), or narrow the ALLOW rule so it does not match what must be blocked',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const acl of model.webAcls) {
      // Only a rule that allows (an ALLOW rule, or a rule group reference whose group may allow) can take a request
      // before a BLOCK rule: without one, no BLOCK rule is shadowed, whatever the statements, priorities or default
      // action hold (even values not known at synth). Rules not known at all may allow: the evaluator says it cannot
      // verify them. Rule groups are looked up only for a web ACL that references one.
      const listed = acl.tree.rules;
      let groups: WafRuleGroupResolver | undefined;
      const groupsOf = () => (groups ??= ruleGroupResolver(model, acl.resource));
      if (Array.isArray(listed) && !listed.some((r) => mayAllow(r, groupsOf))) {
        continue;
      }
      const full = evaluatorFor(model, acl, context, 'rule order');
      if (!full) {
        continue;
      }
      for (const target of blockRules(model, acl, groupsOf, acl.tree)) {
        const verdict = judgeBlock(acl, context, full, target);
        if (verdict && 'unknownGroups' in verdict) {
          context.cannotVerify(acl.resource, `${target.label} behind rule groups that may allow what it blocks (${verdict.unknownGroups.join('; ')})`);
        } else if (verdict) {
          findings.push({ resource: acl.resource, message: verdict.message, fix: fixFor(target, verdict.allowers) });
        }
      }
      // A reference whose OverrideAction is not known (None or Count): under Count its group's BLOCK rules block nothing
      // by design; under None they may be shadowed, and then the verdict hangs on the value: "cannot verify".
      for (const reference of undecidedReferences(acl, groupsOf)) {
        const override = isWafUnknown(reference.action) ? reference.action.what : `rule '${reference.name}' has no OverrideAction None or Count`;
        const tree = withOverrideNone(acl.tree, reference);
        const assumed = evaluatorFor(model, acl, context, `rule order with rule '${reference.name}' as OverrideAction None`, tree);
        if (!assumed) {
          continue;
        }
        for (const target of blockRules(model, acl, groupsOf, tree).filter((t) => t.reference?.index === reference.index)) {
          const verdict = judgeBlock(acl, context, assumed, target);
          if (verdict && 'message' in verdict) {
            context.cannotVerify(acl.resource, `${target.label} against earlier ALLOW rules`, `${override}; with OverrideAction None, ${verdict.message}`);
          }
        }
      }
    }
    return findings;
  },
};

type Shadow = { readonly message: string; readonly allowers: readonly WafEvaluation[] } | { readonly unknownGroups: readonly string[] };

/**
 * Whether a rule can end evaluation with ALLOW: an ALLOW rule, a rule whose action is not known, a rule group
 * reference whose group may allow (../../model/waf-rule-groups).
 */
function mayAllow(rule: WafRuleNode, groups: () => WafRuleGroupResolver): boolean {
  if (typeof rule.action === 'string' && NOT_ALLOWING.has(rule.action)) {
    return false;
  }
  const type = rule.statement.type;
  if (type !== 'ManagedRuleGroupStatement' && type !== 'RuleGroupReferenceStatement') {
    return true;
  }
  const reach = groupReach(rule, type === 'RuleGroupReferenceStatement' ? groups() : undefined);
  return reach?.kind === 'rules' ? reach.mayAllow : reach?.kind === 'unknown';
}

/**
 * Whether every sample request the BLOCK rule blocks on its own is allowed first by the whole web ACL (`full`): the
 * shadow, rule groups that may have allowed the samples the model sees blocked, or undefined (some sample is blocked,
 * or none could be made). What cannot be evaluated is reported as "cannot verify", and gives undefined.
 */
function judgeBlock(acl: WebAclModel, context: RuleContext, full: WafEvaluator, target: BlockRule): Shadow | undefined {
  const { rule, label } = target;
  const alone = orCannotVerify(acl, context, label, () => new WafEvaluator(new WafWebAclTree([rule], 'ALLOW'), { ipSets: target.ipSets() }));
  return alone && orCannotVerify(acl, context, `${label} against earlier ALLOW rules`, (): Shadow | undefined => {
    const samples = sampleRequests(target.ipSets(), rule.statement);
    const blocked = samples.filter((r) => alone.evaluate(r).terminatingRule === rule.name);
    if (blocked.length === 0) {
      return undefined;
    }
    const allowers: WafEvaluation[] = [];
    let unknownGroups: readonly string[] | undefined;
    for (const request of blocked) {
      const result = full.evaluate(request);
      if (result.terminatingAction === 'ALLOW' && result.terminatingRule) {
        allowers.push(result);
      } else if (result.unknownGroups === undefined) {
        // Blocked (or challenged) whatever the groups it passed do: the BLOCK rule, or one before it, stops it.
        return undefined;
      } else {
        // Not allowed as far as the model sees, but a group it passed may allow it.
        unknownGroups ??= result.unknownGroups;
      }
    }
    if (unknownGroups !== undefined) {
      return { unknownGroups };
    }
    return { message: shadowMessage(label, blocked, allowers), allowers };
  });
}

/**
 * The fix where it differs from the rule's: for a BLOCK rule of the web ACL behind a group's ALLOW, the reference is
 * what moves; for a group's BLOCK rule, the order inside the group, or the reference, depending on where the ALLOW is.
 */
function fixFor(target: BlockRule, allowers: readonly WafEvaluation[]): string | undefined {
  const inGroup = (a: WafEvaluation) => a.terminatingGroupRule !== undefined;
  if (target.reference === undefined) {
    return allowers.some(inGroup)
      ? 'Give the BLOCK rule a lower priority number than the rule group reference, reference the group with OverrideAction Count, or narrow the group\'s ALLOW rule (or override it with RuleActionOverrides) so it does not match what must be blocked'
      : undefined;
  }
  const sameGroup = (a: WafEvaluation) => a.terminatingRule === target.reference!.name && inGroup(a);
  if (allowers.every(sameGroup)) {
    return 'Give the BLOCK rule a lower priority number than the ALLOW rule inside the rule group, or narrow that ALLOW rule (in the group, or with the reference\'s RuleActionOverrides) so it does not match what must be blocked';
  }
  if (!allowers.some(inGroup)) {
    return 'Give the rule group reference a lower priority number than the web ACL\'s ALLOW rule, or narrow that ALLOW rule so it does not match what the group must block';
  }
  return 'Move the BLOCK rule ahead of every rule that allows what it blocks (inside its group, and its group\'s reference ahead of the web ACL\'s ALLOW rules and groups), or narrow those rules';
}

/** The web ACL's references to a rule group of the templates whose OverrideAction is not known at synth. */
function undecidedReferences(acl: WebAclModel, groups: () => WafRuleGroupResolver): WafRuleNode[] {
  const rules = acl.tree.rules;
  if (isWafUnknown(rules)) {
    return [];
  }
  return rules.filter((r) => r.statement.type === 'RuleGroupReferenceStatement' && r.overrideAction === undefined
    && groups()(r.statement.arn) !== undefined);
}

/** A BLOCK rule where the web ACL runs it, and how messages name it. */
interface BlockRule {
  /** The rule, with its action where it runs (a group's rule after the reference's overrides): BLOCK. */
  readonly rule: WafRuleNode;
  /** `rule 'X'`, or `rule 'X' of rule group G (referenced by rule 'R')`. */
  readonly label: string;
  /** For a group's rule: the web ACL's rule that references the group. */
  readonly reference?: WafRuleNode;
  /** The IP sets its statement's references are looked up in. */
  ipSets(): Readonly<Record<string, readonly string[]>>;
}

/**
 * The web ACL's BLOCK rules, and the rules that block inside each rule group of the templates it runs in place
 * (OverrideAction None, with the reference's ExcludedRules and RuleActionOverrides): an ALLOW before the reference, or
 * before the rule inside the group, takes a group's blocks as it takes the web ACL's.
 */
function blockRules(model: NetworkModel, acl: WebAclModel, groups: () => WafRuleGroupResolver, tree: WafWebAclTree): BlockRule[] {
  const result: BlockRule[] = [];
  const own = () => model.ipSetsFor(acl.resource);
  for (const rule of known(tree.rules)) {
    if (rule.action === 'BLOCK') {
      result.push({ rule, label: `rule '${rule.name}'`, ipSets: own });
      continue;
    }
    if (rule.statement.type !== 'RuleGroupReferenceStatement' || rule.overrideAction !== 'NONE') {
      continue;
    }
    const reach = groupReach(rule, groups());
    if (reach?.kind !== 'rules' || isWafUnknown(reach.group.rules)) {
      continue;
    }
    const group = reach.group;
    for (const inner of group.rules as readonly WafRuleNode[]) {
      if (reach.actionOf(inner) === 'BLOCK') {
        result.push({
          rule: inner.action === 'BLOCK' ? inner : { ...inner, action: 'BLOCK' },
          label: `rule '${inner.name}' of rule group ${group.name} (referenced by rule '${rule.name}')`,
          ipSets: () => group.ipSets,
          reference: rule,
        });
      }
    }
  }
  return result;
}

function shadowMessage(label: string, blocked: ReadonlyArray<{ uriPath: string; sourceIp: string }>, allowers: readonly WafEvaluation[]): string {
  const plain = new Set<string>();
  const inGroups = new Set<string>();
  for (const a of allowers) {
    if (a.terminatingGroupRule === undefined) {
      plain.add(`'${a.terminatingRule}'`);
    } else {
      inGroups.add(`ALLOW rule '${a.terminatingGroupRule}' of rule group ${a.terminatingGroup ?? 'outside the templates'} (referenced by rule '${a.terminatingRule}')`);
    }
  }
  const by = [...(plain.size > 0 ? [`ALLOW rule ${[...plain].join(', ')}`] : []), ...inGroups].join(' and ');
  return `BLOCK ${label} never blocks: each of ${blocked.length} requests it blocks on its own (for example ${blocked[0].uriPath} from ${blocked[0].sourceIp}) `
    + `is allowed first by ${by}`;
}
