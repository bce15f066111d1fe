import { CannotEvaluateError } from './waf-transformations';

/**
 * Web ACL capacity units (WCU) of resolved `AWS::WAFv2::WebACL` rules, from AWS's published costs
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
export const AWS_MANAGED_RULE_GROUP_CAPACITY: Readonly<Record<string, number>> = {
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
};

type Json = any;

/** Looks up the capacity of a rule group statement; return undefined when unknown. */
export type RuleGroupCapacityLookup = (statement: Json, type: 'ManagedRuleGroupStatement' | 'RuleGroupReferenceStatement') => number | undefined;

export interface CapacityOptions {
  /**
   * Capacity of rule group statements beyond the AWS managed groups known here.
   * @default - AWS managed groups from AWS_MANAGED_RULE_GROUP_CAPACITY; anything else cannot be estimated
   */
  readonly ruleGroupCapacity?: RuleGroupCapacityLookup;
}

/** The WCU of one statement tree. @throws CannotEvaluateError for a statement whose cost is not known */
export function statementCapacity(statement: Json, options: CapacityOptions = {}): number {
  const keys = Object.keys(statement ?? {});
  if (keys.length !== 1) {
    throw new CannotEvaluateError(`a statement must have exactly one type, found: ${keys.join(', ') || 'none'}`);
  }
  const type = keys[0];
  const body = statement[type];
  switch (type) {
    case 'AndStatement':
    case 'OrStatement':
      return (body.Statements as Json[]).reduce((sum: number, s: Json) => sum + statementCapacity(s, options), 0);
    case 'NotStatement':
      return statementCapacity(body.Statement, options);
    case 'IPSetReferenceStatement':
      return 1 + (body.IPSetForwardedIPConfig?.Position === 'ANY' ? 4 : 0);
    case 'ByteMatchStatement': {
      const base = body.PositionalConstraint === 'CONTAINS' || body.PositionalConstraint === 'CONTAINS_WORD' ? 10 : 2;
      return fieldCost(base, body);
    }
    case 'RegexMatchStatement':
      return fieldCost(3, body);
    case 'RegexPatternSetReferenceStatement':
      return fieldCost(25, body);
    case 'SizeConstraintStatement':
      return fieldCost(1, body);
    case 'SqliMatchStatement':
      return fieldCost(20, body);
    case 'XssMatchStatement':
      return fieldCost(40, body);
    case 'GeoMatchStatement':
    case 'AsnMatchStatement':
    case 'LabelMatchStatement':
      return 1;
    case 'RateBasedStatement':
      return 2 + scopeDownCapacity(body, options) + customKeysCapacity(body.CustomKeys);
    case 'ManagedRuleGroupStatement':
    case 'RuleGroupReferenceStatement': {
      const custom = options.ruleGroupCapacity?.(body, type);
      if (custom !== undefined) {
        return custom + scopeDownCapacity(body, options);
      }
      if (type === 'ManagedRuleGroupStatement' && body.VendorName === 'AWS') {
        const known = AWS_MANAGED_RULE_GROUP_CAPACITY[body.Name];
        if (known !== undefined) {
          return known + scopeDownCapacity(body, options);
        }
      }
      throw new CannotEvaluateError(`the capacity of ${type} ${JSON.stringify(body.Name ?? body.Arn ?? body.ARN)} is not known`);
    }
    default:
      throw new CannotEvaluateError(`the capacity of statement type '${type}' is not modelled`);
  }
}

/** The WCU of a list of resolved rules (the `Rules` of a web ACL). */
export function rulesCapacity(rules: readonly Json[], options: CapacityOptions = {}): number {
  return rules.reduce((sum, rule) => sum + statementCapacity(rule.Statement, options), 0);
}

function scopeDownCapacity(body: Json, options: CapacityOptions): number {
  return body.ScopeDownStatement ? statementCapacity(body.ScopeDownStatement, options) : 0;
}

function customKeysCapacity(keys: Json): number {
  if (keys === undefined) {
    return 0;
  }
  if (!Array.isArray(keys)) {
    throw new CannotEvaluateError(`RateBasedStatement.CustomKeys is not a resolved list: ${JSON.stringify(keys)}`);
  }
  return keys.reduce((sum: number, key: Json) => {
    const inner = Object.values<Json>(key ?? {})[0];
    const transformations: Json[] = Array.isArray(inner?.TextTransformations) ? inner.TextTransformations : [];
    return sum + 30 + 10 * transformations.filter((t) => t?.Type !== 'NONE').length;
  }, 0);
}

function fieldCost(base: number, body: Json): number {
  const field = body.FieldToMatch ?? {};
  let cost = field.JsonBody !== undefined ? base * 2 : base;
  if (field.AllQueryArguments !== undefined) {
    cost += 10;
  }
  const transformations: Json[] = body.TextTransformations ?? [];
  return cost + 10 * transformations.filter((t) => t.Type !== 'NONE').length;
}
