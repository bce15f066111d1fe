// What the stateful rule groups a firewall policy references hold, for the network-layer rules: pass rules and
// domain allowlists, or "unknown" when a group is outside the app or its rules cannot be read; and the strict-order
// policies whose default actions the rules judge.
import {
  dropActions, FirewallGroupReference, FirewallPolicyModel, ruleGroupContents, ruleOrderOf, statefulDefaults, STRICT_ORDER,
} from '../../model/firewall-model';
import { describeValue } from '../../model/model-values';
import type { NetworkModel } from '../../model/network-model';
import type { RuleContext } from '../rule';

/** A strict-order policy with literal stateful default actions. */
export interface StrictOrderDefaults {
  readonly policy: FirewallPolicyModel;
  readonly actions: string[];
  /** The drop actions among `actions`. */
  readonly drops: string[];
}

/**
 * The policies under `STRICT_ORDER` (the one order that takes stateful default actions) with their default actions;
 * a policy whose defaults are not literal is reported "cannot verify" and left out.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-policy-stateful-default-actions.html
 */
export function strictOrderDefaults(model: NetworkModel, context: RuleContext): StrictOrderDefaults[] {
  const result: StrictOrderDefaults[] = [];
  for (const policy of model.firewallPolicies) {
    if (ruleOrderOf(policy) !== STRICT_ORDER) {
      continue;
    }
    const { actions, unknown } = statefulDefaults(policy);
    if (!actions) {
      context.cannotVerify(policy.resource, unknown!);
      continue;
    }
    result.push({ policy, actions, drops: dropActions(actions) });
  }
  return result;
}

export interface GroupPasses {
  /** A Suricata `pass` rule (rule string or structured rule). */
  readonly passRules: boolean;
  /** A `RulesSourceList` with `GeneratedRulesType: ALLOWLIST`. */
  readonly allowlist: boolean;
  /** Why the group's rules cannot be fully read, when they cannot. */
  readonly unknown?: string;
}

/**
 * Whether a referenced stateful group passes traffic. AWS managed groups (threat signatures, domain deny lists) hold
 * AWS's drop and alert signatures, not pass rules; a group outside the app cannot be read.
 */
export function groupPasses(reference: FirewallGroupReference): GroupPasses {
  if (reference.group) {
    const contents = ruleGroupContents(reference.group);
    const unknown = contents.unknown
      ?? (contents.unreadable.length > 0 ? `the rule string line '${contents.unreadable[0]}' of rule group ${reference.group.resource.logicalId} (not a rule this reader understands)` : undefined)
      ?? (contents.domainList && contents.domainList.allowlist === undefined ? `the GeneratedRulesType of rule group ${reference.group.resource.logicalId}` : undefined);
    return {
      passRules: contents.suricata.some((r) => r.action === 'pass'),
      allowlist: contents.domainList?.allowlist === true,
      unknown,
    };
  }
  if (reference.awsManaged) {
    return { passRules: false, allowlist: false };
  }
  return { passRules: false, allowlist: false, unknown: `the rule group ${describeValue(reference.resourceArn)} (not a rule group of the templates judged together)` };
}

/** The name a message gives a referenced group. */
export function groupName(reference: FirewallGroupReference): string {
  return reference.group?.resource.logicalId ?? describeValue(reference.resourceArn);
}
