import { aclRules, evaluatorFor, orCannotVerify } from './waf-evaluation';
import { sampleRequests } from './waf-statements';
import type { NetworkModel, WebAclModel } from '../../model/network-model';
import { WafEvaluation, WafEvaluator } from '../../model/waf-evaluator';
import { groupReach, ruleGroupResolver, WafRuleGroupResolver } from '../../model/waf-rule-groups';
import { isWafUnknown, WafRuleNode, WafWebAclTree } from '../../model/waf-statements-tree';
import { LayeredDefenseRule, RuleFinding } from '../rule';

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
      for (const target of blockRules(model, acl, groupsOf)) {
        const { rule, label } = target;
        const alone = orCannotVerify(acl, context, label, () => new WafEvaluator(new WafWebAclTree([rule], 'ALLOW'), { ipSets: target.ipSets() }));
        const verdict = alone && orCannotVerify(acl, context, `${label} against earlier ALLOW rules`, (): Shadow | undefined => {
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
          return { message: shadowMessage(label, blocked, allowers), throughGroup: allowers.some((a) => a.terminatingGroupRule !== undefined) };
        });
        if (verdict && 'unknownGroups' in verdict) {
          context.cannotVerify(acl.resource, `${label} behind rule groups that may allow what it blocks (${verdict.unknownGroups.join('; ')})`);
        } else if (verdict) {
          findings.push({
            resource: acl.resource,
            message: verdict.message,
            fix: verdict.throughGroup
              ? 'Give the BLOCK rule a lower priority number than the rule group reference, reference the group with OverrideAction Count, or narrow the group\'s ALLOW rule (or override it with RuleActionOverrides) so it does not match what must be blocked'
              : undefined,
          });
        }
      }
    }
    return findings;
  },
};

type Shadow = { readonly message: string; readonly throughGroup: boolean } | { readonly unknownGroups: readonly string[] };

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

/** A BLOCK rule where the web ACL runs it, and how messages name it. */
interface BlockRule {
  /** The rule, with its action where it runs (a group's rule after the reference's overrides): BLOCK. */
  readonly rule: WafRuleNode;
  /** `rule 'X'`, or `rule 'X' of rule group G (referenced by rule 'R')`. */
  readonly label: string;
  /** The IP sets its statement's references are looked up in. */
  ipSets(): Readonly<Record<string, readonly string[]>>;
}

/**
 * The web ACL's BLOCK rules, and the rules that block inside each rule group of the templates it runs in place
 * (OverrideAction None, with the reference's ExcludedRules and RuleActionOverrides): an ALLOW before the reference, or
 * before the rule inside the group, takes a group's blocks as it takes the web ACL's.
 */
function blockRules(model: NetworkModel, acl: WebAclModel, groups: () => WafRuleGroupResolver): BlockRule[] {
  const result: BlockRule[] = [];
  const own = () => model.ipSetsFor(acl.resource);
  for (const rule of aclRules(acl)) {
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
