import { describeValue } from './model-values';
import {
  known, parseWafRule, parseWafStatement, WafInspectionNode, WafMaybe, WafRuleNode, WafStatementNode, WafTransformationNode, WafUnknown,
  WafWebAclTree,
} from './waf-statements-tree';
import { CannotEvaluateError } from './waf-transformations';
import { lookupTable } from '../../private/lookup-table';

/**
 * Web ACL capacity units (WCU) of `AWS::WAFv2::WebACL` rules, read from their statement tree (./waf-statements-tree), from AWS's published costs
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-match.html, checked 2025):
 * - IP set match 1, plus 4 when a forwarded IP configuration uses position ANY;
 * - string (byte) match: EXACTLY, STARTS_WITH, ENDS_WITH 2; CONTAINS, CONTAINS_WORD 10;
 * - regex match 3; regex pattern set 25; size constraint 1; SQL injection 20; XSS 40; geo, ASN, label match 1;
 * - each text transformation +10 (a `NONE` entry is the absence of a transformation and costs nothing);
 * - inspecting all query parameters +10; the JSON body doubles the base cost;
 * - AND, OR and NOT cost the sum of the statements they hold;
 * - a rate-based rule 2 plus its scope-down statement, plus 30 per custom aggregation key (and 10 per text
 *   transformation of a key) (waf-rule-statement-type-rate-based.html);
 * - a rule group costs the capacity its owner fixed, plus its scope-down statement.
 * This is an upper bound: AWS may charge a transformation shared by several statements once.
 * Quotas: 5,000 WCU per web ACL; the base price covers 1,500 (aws-waf-capacity-units.html).
 */

/** The WCU a web ACL holds at most. */
export const WEB_ACL_MAX_CAPACITY = 5000;
/** The WCU the web ACL base price covers; more costs extra. */
export const WEB_ACL_BASE_PRICE_CAPACITY = 1500;

/**
 * Published capacities of AWS managed rule groups (VendorName `AWS`), from the AWS WAF Developer Guide pages
 * "Baseline rule groups", "Use-case specific rule groups" and "IP reputation rule groups".
 */
export const AWS_MANAGED_RULE_GROUP_CAPACITY = lookupTable<Record<string, number>>({
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesAdminProtectionRuleSet: 100,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesLinuxRuleSet: 200,
  AWSManagedRulesUnixRuleSet: 100,
  AWSManagedRulesWindowsRuleSet: 200,
  AWSManagedRulesPHPRuleSet: 100,
  AWSManagedRulesWordPressRuleSet: 100,
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
});

type Json = any;

/** Looks up the capacity of a rule group statement (its body as written); return undefined when unknown. */
export type RuleGroupCapacityLookup = (statement: Json, type: 'ManagedRuleGroupStatement' | 'RuleGroupReferenceStatement') => number | undefined;

export interface CapacityOptions {
  /**
   * Capacity of rule group statements beyond the AWS managed groups known here.
   * @default - AWS managed groups from AWS_MANAGED_RULE_GROUP_CAPACITY; anything else cannot be estimated
   */
  readonly ruleGroupCapacity?: RuleGroupCapacityLookup;
}

/** The WCU of one resolved statement. @throws CannotEvaluateError for a statement whose cost is not known */
export function statementCapacity(statement: Json, options: CapacityOptions = {}): number {
  return statementNodeCapacity(parseWafStatement(statement, 'Statement'), options);
}

/** The WCU of a list of resolved rules (the `Rules` of a web ACL). */
export function rulesCapacity(rules: readonly Json[], options: CapacityOptions = {}): number {
  return ruleNodesCapacity(rules.map((rule, index) => parseWafRule(rule, index)), options);
}

/** The WCU of a web ACL's rules, from its tree. @throws CannotEvaluateError when the rules are not known */
export function webAclCapacity(tree: WafWebAclTree, options: CapacityOptions = {}): number {
  return ruleNodesCapacity(known(tree.rules), options);
}

function ruleNodesCapacity(rules: readonly WafRuleNode[], options: CapacityOptions): number {
  return rules.reduce((sum, rule) => sum + statementNodeCapacity(rule.statement, options), 0);
}

/** The WCU of one statement tree. @throws CannotEvaluateError for a statement whose cost is not known */
export function statementNodeCapacity(node: WafStatementNode, options: CapacityOptions = {}): number {
  switch (node.type) {
    case 'AndStatement':
    case 'OrStatement':
      return node.statements.reduce((sum, s) => sum + statementNodeCapacity(s, options), 0);
    case 'NotStatement':
      return statementNodeCapacity(node.statement, options);
    case 'IPSetReferenceStatement': {
      const forwarded = node.forwardedIp === undefined ? undefined : known(node.forwardedIp);
      return 1 + (forwarded !== undefined && known(forwarded.position!) === 'ANY' ? 4 : 0);
    }
    case 'ByteMatchStatement': {
      const constraint = known(node.positionalConstraint);
      return fieldCost(constraint === 'CONTAINS' || constraint === 'CONTAINS_WORD' ? 10 : 2, node);
    }
    case 'RegexMatchStatement':
      return fieldCost(3, node);
    case 'RegexPatternSetReferenceStatement':
      return fieldCost(25, node);
    case 'SizeConstraintStatement':
      return fieldCost(1, node);
    case 'SqliMatchStatement':
      return fieldCost(20, node);
    case 'XssMatchStatement':
      return fieldCost(40, node);
    case 'GeoMatchStatement':
    case 'AsnMatchStatement':
    case 'LabelMatchStatement':
      return 1;
    case 'RateBasedStatement':
      return 2 + scopeDownCapacity(node.scopeDown, options)
        + known(node.customKeys).reduce((sum, key) => sum + 30 + transformationCost(key.transformations), 0);
    case 'ManagedRuleGroupStatement':
    case 'RuleGroupReferenceStatement': {
      const scopeDown = node.type === 'ManagedRuleGroupStatement' ? node.scopeDown : undefined;
      const custom = options.ruleGroupCapacity?.(node.raw, node.type);
      if (custom !== undefined) {
        return custom + scopeDownCapacity(scopeDown, options);
      }
      if (node.type === 'ManagedRuleGroupStatement' && known(node.vendorName) === 'AWS') {
        const published = AWS_MANAGED_RULE_GROUP_CAPACITY[known(node.name)];
        if (published !== undefined) {
          return published + scopeDownCapacity(scopeDown, options);
        }
      }
      const name = node.type === 'ManagedRuleGroupStatement' ? node.name : node.arn;
      throw new CannotEvaluateError(`the capacity of ${node.type} ${name instanceof WafUnknown ? name.what : describeValue(name)} is not known`);
    }
    case 'Unknown':
      throw new CannotEvaluateError(node.unknown.what);
  }
}

function scopeDownCapacity(scopeDown: WafStatementNode | undefined, options: CapacityOptions): number {
  return scopeDown ? statementNodeCapacity(scopeDown, options) : 0;
}

function fieldCost(base: number, node: WafInspectionNode): number {
  const component = known(node.field).component;
  let cost = component === 'JsonBody' ? base * 2 : base;
  if (component === 'AllQueryArguments') {
    cost += 10;
  }
  return cost + transformationCost(node.transformations);
}

/** Each transformation costs 10; a `NONE` entry is the absence of a transformation and costs nothing. */
function transformationCost(transformations: WafMaybe<readonly WafTransformationNode[]>): number {
  return 10 * known(transformations).filter((t) => t.type !== 'NONE').length;
}
