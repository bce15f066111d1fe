// The Network Firewall part of the network model: firewalls, their policies, the rule groups a policy references
// and the logging configurations of a firewall, linked by reference (across stacks too) like the rest of the model.
// Values are kept as written; the readers below say "unknown" for an intrinsic instead of guessing. Routing is not
// modelled here.
// @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_NetworkFirewall.html
import { describeValue, isLiteralString, Json, literalInteger, quoteValue, targetKey } from './model-values';
import type { ModelResource } from './resource';
import { parseRulesString, SuricataRule } from './suricata-rules';
import { lookupTable } from '../../private/lookup-table';

export interface FirewallRuleGroupModel {
  readonly resource: ModelResource;
  readonly key: string;
  /** `STATEFUL` or `STATELESS` as written. */
  readonly type: Json;
  readonly capacity: Json;
  /** `RuleGroup.RulesSource`, or undefined when not set. */
  readonly rulesSource: Json;
}

/** A `StatefulRuleGroupReferences` / `StatelessRuleGroupReferences` entry of a policy. */
export interface FirewallGroupReference {
  readonly resourceArn: Json;
  /** The rule group of the app the ARN names. */
  readonly group?: FirewallRuleGroupModel;
  /** True for an AWS managed rule group (`arn:...:aws-managed:...`), which holds AWS's own signatures. */
  readonly awsManaged: boolean;
}

export interface FirewallPolicyModel {
  readonly resource: ModelResource;
  readonly key: string;
  /** `FirewallPolicy` as written (an object, or an intrinsic). */
  readonly body: Json;
  readonly statefulGroups: FirewallGroupReference[];
  readonly statelessGroups: FirewallGroupReference[];
  /** The firewalls of the app that use this policy. */
  readonly firewalls: FirewallModel[];
}

export interface FirewallModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly policyKey: string;
  readonly vpcKey: string;
  /** `AWS::NetworkFirewall::LoggingConfiguration` resources whose `FirewallArn` names this firewall. */
  readonly loggingConfigurations: ModelResource[];
}

export interface NatGatewayModel {
  readonly resource: ModelResource;
  readonly subnetKey: string;
}

/** What the firewall part of the model holds; filled by {@link linkFirewalls}. */
export interface FirewallPart {
  readonly firewalls: FirewallModel[];
  readonly firewallPolicies: FirewallPolicyModel[];
  readonly firewallRuleGroups: FirewallRuleGroupModel[];
  readonly natGateways: NatGatewayModel[];
  readonly invalid: Array<{ readonly resource: ModelResource; readonly problem: string }>;
}

export const FIREWALL_TYPES = [
  'AWS::NetworkFirewall::Firewall',
  'AWS::NetworkFirewall::FirewallPolicy',
  'AWS::NetworkFirewall::RuleGroup',
  'AWS::NetworkFirewall::LoggingConfiguration',
  'AWS::EC2::NatGateway',
] as const;

/** The stateful default actions CloudFormation accepts, drop actions mapped to the alert action that logs them. */
export const DROP_TO_ALERT = lookupTable<Record<string, string>>({
  'aws:drop_strict': 'aws:alert_strict',
  'aws:drop_established': 'aws:alert_established',
  'aws:drop_established_app_layer': 'aws:alert_established_app_layer',
  'aws:drop_established_app_layer_to_server': 'aws:alert_established_app_layer_to_server',
});
const ALERT_ACTIONS = new Set(Object.values(DROP_TO_ALERT));

export const STRICT_ORDER = 'STRICT_ORDER';
export const DEFAULT_ACTION_ORDER = 'DEFAULT_ACTION_ORDER';

/** Network Firewall's limits and the NAT gateway's idle timeout the checks compare against. */
export const FIREWALL_QUOTAS = {
  maxStatefulRuleGroups: 20,
  maxStatefulCapacity: 30_000,
  /** A NAT gateway drops an idle TCP connection after 350 s; so does Network Firewall by default. */
  natGatewayIdleTimeout: 350,
  defaultTcpIdleTimeout: 350,
  /** Capacity is fixed at creation: the checks ask for 20% room above what the rules use. */
  headroomFactor: 1.2,
} as const;

/** Reads and links the Network Firewall resources; `all(type)` lists the app's resources of a type. */
export function linkFirewalls(all: (type: string) => readonly ModelResource[], into: FirewallPart): void {
  const groups = new Map<string, FirewallRuleGroupModel>();
  for (const r of all('AWS::NetworkFirewall::RuleGroup')) {
    const group: FirewallRuleGroupModel = {
      resource: r,
      key: r.key,
      type: r.properties.Type,
      capacity: r.properties.Capacity,
      rulesSource: r.properties.RuleGroup?.RulesSource,
    };
    if (isLiteralString(group.type) && !['STATEFUL', 'STATELESS'].includes(group.type)) {
      into.invalid.push({ resource: r, problem: `Type '${group.type}' is not STATEFUL or STATELESS` });
    }
    const capacity = literalInteger(group.capacity);
    if (capacity !== undefined && capacity < 1) {
      into.invalid.push({ resource: r, problem: `Capacity ${capacity} is not a positive number of capacity units` });
    }
    groups.set(group.key, group);
    into.firewallRuleGroups.push(group);
  }
  const reference = (r: ModelResource, entry: Json): FirewallGroupReference => {
    const arn = entry?.ResourceArn;
    return { resourceArn: arn, group: groups.get(targetKey(arn, r.stack.id)), awsManaged: isAwsManagedArn(arn) };
  };
  const policies = new Map<string, FirewallPolicyModel>();
  for (const r of all('AWS::NetworkFirewall::FirewallPolicy')) {
    const body = r.properties.FirewallPolicy;
    const policy: FirewallPolicyModel = {
      resource: r,
      key: r.key,
      body,
      statefulGroups: asList(body?.StatefulRuleGroupReferences).map((e) => reference(r, e)),
      statelessGroups: asList(body?.StatelessRuleGroupReferences).map((e) => reference(r, e)),
      firewalls: [],
    };
    into.invalid.push(...policyProblems(body).map((problem) => ({ resource: r, problem })));
    policies.set(policy.key, policy);
    into.firewallPolicies.push(policy);
  }
  const firewalls = new Map<string, FirewallModel>();
  for (const r of all('AWS::NetworkFirewall::Firewall')) {
    const firewall: FirewallModel = {
      resource: r,
      key: r.key,
      policyKey: targetKey(r.properties.FirewallPolicyArn, r.stack.id),
      vpcKey: targetKey(r.properties.VpcId, r.stack.id),
      loggingConfigurations: [],
    };
    firewalls.set(firewall.key, firewall);
    into.firewalls.push(firewall);
    policies.get(firewall.policyKey)?.firewalls.push(firewall);
  }
  for (const r of all('AWS::NetworkFirewall::LoggingConfiguration')) {
    firewalls.get(targetKey(r.properties.FirewallArn, r.stack.id))?.loggingConfigurations.push(r);
  }
  for (const r of all('AWS::EC2::NatGateway')) {
    into.natGateways.push({ resource: r, subnetKey: targetKey(r.properties.SubnetId, r.stack.id) });
  }
}

function isAwsManagedArn(arn: Json): boolean {
  const pieces = typeof arn === 'string' ? [arn] : Array.isArray(arn?.['Fn::Join']?.[1]) ? arn['Fn::Join'][1] : typeof arn?.['Fn::Sub'] === 'string' ? [arn['Fn::Sub']] : [];
  return pieces.some((p: Json) => typeof p === 'string' && p.includes(':aws-managed:'));
}

/** Values of a policy AWS rejects, judged on literals only. */
function policyProblems(body: Json): string[] {
  const problems: string[] = [];
  const order = body?.StatefulEngineOptions?.RuleOrder;
  if (isLiteralString(order) && order !== STRICT_ORDER && order !== DEFAULT_ACTION_ORDER) {
    problems.push(`StatefulEngineOptions.RuleOrder '${order}' is not STRICT_ORDER or DEFAULT_ACTION_ORDER`);
  }
  const defaults = literalStringList(body?.StatefulDefaultActions);
  for (const action of defaults ?? []) {
    if (DROP_TO_ALERT[action] === undefined && !ALERT_ACTIONS.has(action)) {
      problems.push(`StatefulDefaultActions names '${action}', which is not a stateful default action (${[...Object.entries(DROP_TO_ALERT).flat()].join(', ')})`);
    }
  }
  if (defaults && defaults.length > 0 && order === DEFAULT_ACTION_ORDER) {
    problems.push('StatefulDefaultActions is set under DEFAULT_ACTION_ORDER; only STRICT_ORDER takes stateful default actions');
  }
  return problems;
}

/** A literal list of literal strings; undefined when the list or an item is an intrinsic. An absent list is empty. */
export function literalStringList(value: Json): string[] | undefined {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || !value.every(isLiteralString)) {
    return undefined;
  }
  return value;
}

/** A policy's stateful rule order: absent means DEFAULT_ACTION_ORDER; undefined when it is not a literal. */
export function ruleOrderOf(policy: FirewallPolicyModel): string | undefined {
  const order = policy.body?.StatefulEngineOptions?.RuleOrder;
  if (order === undefined) {
    return DEFAULT_ACTION_ORDER;
  }
  return isLiteralString(order) ? order : undefined;
}

/** The stateful default actions, or undefined (with `unknown` naming the value) when not literal. */
export function statefulDefaults(policy: FirewallPolicyModel): { readonly actions?: string[]; readonly unknown?: string } {
  const value = policy.body?.StatefulDefaultActions;
  const actions = literalStringList(value);
  return actions ? { actions } : { unknown: `the stateful default actions (StatefulDefaultActions ${quoteValue(value)})` };
}

/** The drop actions among stateful default actions. */
export function dropActions(actions: readonly string[]): string[] {
  return actions.filter((a) => a.startsWith('aws:drop_'));
}

/** What a rule group holds, as far as a check needs it. */
export interface RuleGroupContents {
  /** Structured stateful rules, rule strings or none. */
  readonly suricata: SuricataRule[];
  /** Rule string lines that could not be read. */
  readonly unreadable: string[];
  /** A value of the rules source that is not literal, named for "cannot verify". */
  readonly unknown?: string;
  /** The domain list, when the source is `RulesSourceList`. */
  readonly domainList?: { readonly allowlist: boolean | undefined; readonly targets?: number; readonly targetTypes?: number };
  /** Stateless rules, each with its actions (undefined when not literal) and the capacity it uses. */
  readonly stateless: Array<{ readonly actions?: string[]; readonly capacity?: number }>;
}

/**
 * The rules of a rule group in a form checks can judge: rule strings parsed conservatively, structured
 * `StatefulRules` turned into the same shape, the domain list's counts, stateless rules with their actions.
 */
export function ruleGroupContents(group: FirewallRuleGroupModel): RuleGroupContents {
  const source = group.rulesSource;
  const suricata: SuricataRule[] = [];
  const unreadable: string[] = [];
  const stateless: Array<{ actions?: string[]; capacity?: number }> = [];
  let unknown: string | undefined;
  let domainList: RuleGroupContents['domainList'];
  if (source === undefined) {
    return { suricata, unreadable, stateless };
  }
  if (source === null || typeof source !== 'object' || Array.isArray(source)) {
    return { suricata, unreadable, stateless, unknown: `the rules (RuleGroup.RulesSource ${quoteValue(source)})` };
  }
  if (source.RulesString !== undefined) {
    if (isLiteralString(source.RulesString)) {
      const parsed = parseRulesString(source.RulesString);
      suricata.push(...parsed.rules);
      unreadable.push(...parsed.unreadable);
    } else {
      unknown = `the rule string (RulesSource.RulesString ${describeValue(source.RulesString)})`;
    }
  }
  if (source.StatefulRules !== undefined) {
    if (!Array.isArray(source.StatefulRules)) {
      unknown = `the stateful rules (RulesSource.StatefulRules ${describeValue(source.StatefulRules)})`;
    }
    for (const rule of asList(source.StatefulRules)) {
      const action = rule?.Action;
      const protocol = rule?.Header?.Protocol;
      const keywords = asList(rule?.RuleOptions).map((o) => o?.Keyword);
      if (!isLiteralString(action) || !isLiteralString(protocol) || !keywords.every(isLiteralString)) {
        unknown = `a stateful rule (${describeValue(rule)})`;
        continue;
      }
      suricata.push({ action: action.toLowerCase(), protocol: protocol.toLowerCase(), keywords: new Set(keywords.map((k: string) => k.toLowerCase())), text: `${action} ${protocol} (${keywords.join('; ')})` });
    }
  }
  if (source.RulesSourceList !== undefined) {
    const list = source.RulesSourceList;
    const type = list?.GeneratedRulesType;
    domainList = {
      allowlist: isLiteralString(type) ? type === 'ALLOWLIST' : undefined,
      targets: Array.isArray(list?.Targets) ? list.Targets.length : undefined,
      targetTypes: Array.isArray(list?.TargetTypes) ? list.TargetTypes.length : undefined,
    };
  }
  const statelessSource = source.StatelessRulesAndCustomActions;
  if (statelessSource !== undefined) {
    if (!Array.isArray(statelessSource?.StatelessRules)) {
      unknown = `the stateless rules (StatelessRulesAndCustomActions.StatelessRules ${describeValue(statelessSource?.StatelessRules)})`;
    }
    for (const rule of asList(statelessSource?.StatelessRules)) {
      const definition = rule?.RuleDefinition;
      stateless.push({ actions: literalStringList(definition?.Actions), capacity: statelessRuleCapacity(definition?.MatchAttributes) });
    }
  }
  return { suricata, unreadable, stateless, unknown, domainList };
}

/**
 * Capacity a stateless rule uses: the product of the number of each match setting it lists (sources, destinations,
 * source ports, destination ports, protocols, TCP flags), each at least 1.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/nwfw-rule-group-capacity.html
 */
function statelessRuleCapacity(match: Json): number | undefined {
  if (match === undefined) {
    return 1;
  }
  let product = 1;
  for (const name of ['Sources', 'Destinations', 'SourcePorts', 'DestinationPorts', 'Protocols', 'TCPFlags']) {
    const value = match?.[name];
    if (value === undefined) {
      continue;
    }
    if (!Array.isArray(value)) {
      return undefined;
    }
    product *= Math.max(1, value.length);
  }
  return product;
}

/**
 * Capacity the rules of a group use: one unit per stateful rule (rule string line or structured rule), one per
 * domain per target type of a domain list, and each stateless rule's product. Undefined when it cannot be counted.
 */
export function capacityUsed(group: FirewallRuleGroupModel, contents: RuleGroupContents): number | undefined {
  if (contents.unknown !== undefined || contents.unreadable.length > 0) {
    return undefined;
  }
  let used = contents.suricata.length;
  if (contents.domainList) {
    if (contents.domainList.targets === undefined || contents.domainList.targetTypes === undefined) {
      return undefined;
    }
    used += contents.domainList.targets * contents.domainList.targetTypes;
  }
  for (const rule of contents.stateless) {
    if (rule.capacity === undefined) {
      return undefined;
    }
    used += rule.capacity;
  }
  return group.rulesSource === undefined ? undefined : used;
}

function asList(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}
