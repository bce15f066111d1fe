// A web ACL's rules and statements, read once from resolved CloudFormation into a typed tree. Every reader of WAF
// statements (the evaluator, the capacity estimate, the path-bypass rule, the sample requests) walks this tree and
// never the raw JSON, so a value that is not known at synth (an intrinsic, a cross-stack value, an unresolved
// token) or not of the documented shape (a string where a list belongs) is met once, here, and becomes an explicit
// `WafUnknown` naming the value and where it sits. A reader that needs that value says "cannot verify" with that
// name; a reader that does not need it (the capacity estimate does not read a search string) goes on.
// Statement shapes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-wafv2-webacl-statement.html
import { describeValue, isLiteralString, Json, literalInteger, quoteValue, referenceOf } from './model-values';
import { CannotEvaluateError } from './waf-transformations';

/** A value not known at synth, or not of the shape CloudFormation documents; `what` names it and where it is. */
export class WafUnknown {
  /**
   * @param what what is not known, and where
   * @param invalid true when the value is written out and WAF rejects it (a required value missing, a literal of the
   *   wrong shape or not one of the allowed values): InvalidValue reports it, not "cannot verify"
   */
  constructor(public readonly what: string, public readonly invalid = false) {
    if (invalid) {
      invalidFound?.push(what);
    }
  }
}

/** The invalid values met while a web ACL is parsed (see WafWebAclTree.parse); undefined outside a parse. */
let invalidFound: string[] | undefined;

/**
 * `<at> is <the value's shape>`: unknown when the value holds an intrinsic or an unresolved token anywhere (it may
 * be valid once deployed), invalid otherwise (WAF rejects it as written).
 */
function described(at: string, value: Json, expected: string): WafUnknown {
  return new WafUnknown(`${at} is ${shape(value, expected)}`, !holdsUnknown(value));
}

/** Whether a value holds an intrinsic, a cross-stack value or an unresolved token anywhere. */
function holdsUnknown(value: Json): boolean {
  if (typeof value === 'string') {
    return !isLiteralString(value);
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }
  if (Array.isArray(value)) {
    return value.some(holdsUnknown);
  }
  return isIntrinsic(value) || Object.values(value).some(holdsUnknown);
}

export type WafMaybe<T> = T | WafUnknown;

export function isWafUnknown(value: unknown): value is WafUnknown {
  return value instanceof WafUnknown;
}

/** The value, or a CannotEvaluateError naming it when it is not known. */
export function known<T>(value: WafMaybe<T>): T {
  if (value instanceof WafUnknown) {
    throw new CannotEvaluateError(value.what);
  }
  return value;
}

export type WafVerdict = 'ALLOW' | 'BLOCK';

/** A rule's action; `NONE` for a rule group reference, whose `OverrideAction` leaves the decision to its rules. */
export type WafRuleAction = 'ALLOW' | 'BLOCK' | 'COUNT' | 'CAPTCHA' | 'CHALLENGE' | 'NONE';

/** A text transformation; the tree keeps them in ascending priority, the order WAF applies them. */
export interface WafTransformationNode {
  readonly priority: number;
  readonly type: string;
}

/** The request component a match inspects: the one key of `FieldToMatch` (`UriPath`, `SingleHeader`, `JsonBody`...). */
export interface WafFieldNode {
  readonly component: string;
  /** The header of a `SingleHeader`. */
  readonly headerName?: WafMaybe<string>;
}

/** Where a forwarded IP header is read (`IPSetForwardedIPConfig`, `ForwardedIPConfig`). */
export interface WafForwardedIpNode {
  readonly headerName: WafMaybe<string>;
  /** `FIRST`, `LAST` or `ANY`; only IP set references have it (geo and rate-based read the first address). */
  readonly position?: WafMaybe<'FIRST' | 'LAST' | 'ANY'>;
  readonly fallbackBehavior: WafMaybe<'MATCH' | 'NO_MATCH'>;
}

/** A statement that inspects a request component after text transformations. */
export interface WafInspection {
  readonly field: WafMaybe<WafFieldNode>;
  readonly transformations: WafMaybe<readonly WafTransformationNode[]>;
}

export interface WafAndNode { readonly type: 'AndStatement'; readonly statements: readonly WafStatementNode[] }
export interface WafOrNode { readonly type: 'OrStatement'; readonly statements: readonly WafStatementNode[] }
export interface WafNotNode { readonly type: 'NotStatement'; readonly statement: WafStatementNode }
export interface WafByteMatchNode extends WafInspection {
  readonly type: 'ByteMatchStatement';
  readonly positionalConstraint: WafMaybe<'EXACTLY' | 'STARTS_WITH' | 'ENDS_WITH' | 'CONTAINS' | 'CONTAINS_WORD'>;
  /** `SearchString`, or `SearchStringBase64` decoded (one character per byte). */
  readonly searchString: WafMaybe<string>;
}
export interface WafRegexMatchNode extends WafInspection { readonly type: 'RegexMatchStatement'; readonly regex: WafMaybe<string> }
export interface WafRegexPatternSetNode extends WafInspection { readonly type: 'RegexPatternSetReferenceStatement'; readonly arn: Json }
export interface WafSizeConstraintNode extends WafInspection {
  readonly type: 'SizeConstraintStatement';
  readonly comparisonOperator: WafMaybe<'EQ' | 'NE' | 'LE' | 'LT' | 'GE' | 'GT'>;
  readonly size: WafMaybe<number>;
}
export interface WafSqliNode extends WafInspection { readonly type: 'SqliMatchStatement' }
export interface WafXssNode extends WafInspection { readonly type: 'XssMatchStatement' }
export interface WafIpSetNode {
  readonly type: 'IPSetReferenceStatement';
  /** The `Arn` as written (a `Fn::GetAtt`, a cross-stack value, a literal ARN). */
  readonly arn: Json;
  /** How the IP set is looked up: its logical id for a reference, the ARN for a literal. */
  readonly ipSetKey: WafMaybe<string>;
  readonly forwardedIp?: WafMaybe<WafForwardedIpNode>;
}
export interface WafGeoMatchNode { readonly type: 'GeoMatchStatement'; readonly forwardedIp?: WafMaybe<WafForwardedIpNode> }
export interface WafAsnMatchNode { readonly type: 'AsnMatchStatement'; readonly forwardedIp?: WafMaybe<WafForwardedIpNode> }
export interface WafLabelMatchNode {
  readonly type: 'LabelMatchStatement';
  readonly scope: WafMaybe<'LABEL' | 'NAMESPACE'>;
  readonly key: WafMaybe<string>;
  /** Where the statement sits (`rule 'R' Statement.LabelMatchStatement`), for messages. */
  readonly at: string;
}
/** A custom aggregation key of a rate-based statement: its kind (`Header`, `QueryArgument`, `IP`...). */
export interface WafCustomKeyNode {
  readonly kind: string;
  readonly headerName?: WafMaybe<string>;
  readonly transformations: WafMaybe<readonly WafTransformationNode[]>;
}
export interface WafRateBasedNode {
  readonly type: 'RateBasedStatement';
  readonly limit: WafMaybe<number>;
  readonly scopeDown?: WafStatementNode;
  readonly customKeys: WafMaybe<readonly WafCustomKeyNode[]>;
  readonly forwardedIp?: WafMaybe<WafForwardedIpNode>;
}
/** A rule group's rule whose action is overridden (`RuleActionOverrides`). */
export interface WafRuleOverrideNode {
  readonly name: string;
  readonly action: WafMaybe<WafRuleAction>;
}
export interface WafManagedRuleGroupNode {
  readonly type: 'ManagedRuleGroupStatement';
  readonly vendorName: WafMaybe<string>;
  readonly name: WafMaybe<string>;
  readonly scopeDown?: WafStatementNode;
  readonly excludedRules: WafMaybe<readonly string[]>;
  readonly ruleActionOverrides: WafMaybe<readonly WafRuleOverrideNode[]>;
  /** The statement's body as written, for a capacity lookup of the caller's own. */
  readonly raw: Json;
}
export interface WafRuleGroupReferenceNode {
  readonly type: 'RuleGroupReferenceStatement';
  readonly arn: Json;
  /** Rules of the group whose actions are set to Count. */
  readonly excludedRules: WafMaybe<readonly string[]>;
  /** Rules of the group whose actions are replaced (any action, Allow included). */
  readonly ruleActionOverrides: WafMaybe<readonly WafRuleOverrideNode[]>;
  readonly raw: Json;
}
/** A statement that cannot be read: an intrinsic where a statement or a list of statements belongs, a wrong shape. */
export interface WafUnknownStatementNode {
  readonly type: 'Unknown';
  readonly unknown: WafUnknown;
}

export type WafStatementNode =
  | WafAndNode | WafOrNode | WafNotNode
  | WafByteMatchNode | WafRegexMatchNode | WafRegexPatternSetNode | WafSizeConstraintNode | WafSqliNode | WafXssNode
  | WafIpSetNode | WafGeoMatchNode | WafAsnMatchNode | WafLabelMatchNode
  | WafRateBasedNode | WafManagedRuleGroupNode | WafRuleGroupReferenceNode
  | WafUnknownStatementNode;

/** Statements that inspect a request component: the ones a URI path match can be. */
export type WafInspectionNode = WafByteMatchNode | WafRegexMatchNode | WafRegexPatternSetNode | WafSizeConstraintNode | WafSqliNode | WafXssNode;

export interface WafRuleNode {
  /** The rule's name as written, or a description of the value when it is not a literal. */
  readonly name: string;
  /** Where the rule is in `Rules`. */
  readonly index: number;
  readonly priority: WafMaybe<number>;
  readonly action: WafMaybe<WafRuleAction>;
  /** A rule group reference's `OverrideAction`: `NONE` lets its rules act, `COUNT` turns them into counts. */
  readonly overrideAction?: 'NONE' | 'COUNT';
  readonly statement: WafStatementNode;
  /** `RuleLabels` names. */
  readonly labels: WafMaybe<readonly string[]>;
}

/** A web ACL's rules and default action, read once from its resolved `Properties`. */
export class WafWebAclTree {
  /** Reads a web ACL's resolved `Properties`; never throws: what it cannot read becomes a `WafUnknown`. */
  public static parse(properties: Json): WafWebAclTree {
    const [tree, invalid] = collectingInvalid(() => WafWebAclTree.parseNow(properties));
    return new WafWebAclTree(tree.rules, tree.defaultAction, invalid);
  }

  private static parseNow(properties: Json): WafWebAclTree {
    if (!isPlainObject(properties)) {
      const unknown = described('the web ACL\'s Properties', properties, 'an object');
      return new WafWebAclTree(unknown, unknown);
    }
    return new WafWebAclTree(parseRuleList(properties.Rules, 'a web ACL'), parseDefaultAction(properties.DefaultAction));
  }

  /**
   * @param invalid the values WAF rejects as written (missing required values, literals of the wrong shape), each
   *   described as in the `WafUnknown` that stands for it in the tree
   */
  constructor(
    public readonly rules: WafMaybe<readonly WafRuleNode[]>,
    public readonly defaultAction: WafMaybe<WafVerdict>,
    public readonly invalid: readonly string[] = [],
  ) {}
}

/**
 * An `AWS::WAFv2::RuleGroup`'s rules, read once from its resolved `Properties` as a web ACL's are: a rule group's rule
 * has the shape of a web ACL's (Name, Priority, Action, Statement, RuleLabels), and its priorities must differ too.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-rulegroup.html
 */
export class WafRuleGroupTree {
  /** Reads a rule group's resolved `Properties`; never throws: what it cannot read becomes a `WafUnknown`. */
  public static parse(properties: Json): WafRuleGroupTree {
    const [rules, invalid] = collectingInvalid(() => (isPlainObject(properties)
      ? parseRuleList(properties.Rules, 'a rule group')
      : described('the rule group\'s Properties', properties, 'an object')));
    return new WafRuleGroupTree(rules, invalid);
  }

  /** @param invalid the values WAF rejects as written, as for a web ACL */
  constructor(public readonly rules: WafMaybe<readonly WafRuleNode[]>, public readonly invalid: readonly string[] = []) {}
}

/** Runs a parse, returning what it read and the invalid values it met (each once). */
function collectingInvalid<T>(parse: () => T): [T, string[]] {
  const outer = invalidFound;
  invalidFound = [];
  try {
    const result = parse();
    return [result, [...new Set(invalidFound)]];
  } finally {
    invalidFound = outer;
  }
}

/** Reads `Rules` (absent: none); `owner` says whose priorities must all be different. */
function parseRuleList(rawRules: Json, owner: string): WafMaybe<readonly WafRuleNode[]> {
  if (rawRules === undefined) {
    return [];
  }
  if (!Array.isArray(rawRules)) {
    return described('Rules', rawRules, 'a list');
  }
  const parsed = rawRules.map((rule, index) => parseWafRule(rule, index));
  // "The priorities don't need to be consecutive, but they must all be different" (WAF's Rule.Priority).
  const byPriority = new Map<number, string[]>();
  for (const r of parsed) {
    if (typeof r.priority === 'number') {
      byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), `'${r.name}'`]);
    }
  }
  for (const [priority, names] of byPriority) {
    if (names.length > 1) {
      invalidFound?.push(`rules ${names.join(', ')} share Priority ${priority}, and ${owner}'s priorities must all be different`);
    }
  }
  return parsed;
}

/** Reads one entry of a web ACL's `Rules`. */
export function parseWafRule(rule: Json, index: number): WafRuleNode {
  if (!isPlainObject(rule) || isIntrinsic(rule)) {
    const unknown = described(`Rules[${index}]`, rule, 'a rule object');
    return { name: `Rules[${index}]`, index, priority: unknown, action: unknown, statement: { type: 'Unknown', unknown }, labels: unknown };
  }
  const name = typeof rule.Name === 'string' ? rule.Name : `Rules[${index}] (Name ${describeValue(rule.Name)})`;
  const at = `rule '${name}'`;
  const priority = literalInteger(rule.Priority);
  let action: WafMaybe<WafRuleAction>;
  let overrideAction: 'NONE' | 'COUNT' | undefined;
  // A rule that references a rule group takes OverrideAction, every other rule Action, and none takes both.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-wafv2-webacl-rule.html
  // Judged only on values written out: an Action, OverrideAction or Statement behind an undecided Fn::If may be
  // right in every branch (Action in one, OverrideAction in the other), and is left to the readers as unknown.
  const written = !holdsUnknown(rule.Action) && !holdsUnknown(rule.OverrideAction);
  const statementType = isPlainObject(rule.Statement) && !isIntrinsic(rule.Statement) ? Object.keys(rule.Statement) : undefined;
  const referencesGroup = statementType !== undefined && statementType.length === 1
    && (statementType[0] === 'ManagedRuleGroupStatement' || statementType[0] === 'RuleGroupReferenceStatement');
  if (written && rule.Action !== undefined && rule.OverrideAction !== undefined) {
    action = new WafUnknown(`${at} sets both Action and OverrideAction (a rule takes one of them)`, true);
  } else if (written && rule.Action !== undefined && referencesGroup) {
    action = new WafUnknown(`${at} references a rule group but sets Action (a rule group reference takes OverrideAction: { None: {} } or { Count: {} })`, true);
  } else if (written && rule.OverrideAction !== undefined && statementType !== undefined && statementType.length === 1 && !referencesGroup) {
    action = new WafUnknown(`${at} sets OverrideAction but references no rule group (its statement takes Action)`, true);
  } else if (rule.Action !== undefined) {
    action = parseAction(rule.Action, `${at} Action`);
  } else if (written && isPlainObject(rule.OverrideAction) && rule.OverrideAction.Count !== undefined && rule.OverrideAction.None !== undefined) {
    action = new WafUnknown(`${at} OverrideAction sets both None and Count (it takes one of them)`, true);
  } else if (isPlainObject(rule.OverrideAction) && (rule.OverrideAction.Count !== undefined || rule.OverrideAction.None !== undefined)) {
    action = 'NONE';
    overrideAction = rule.OverrideAction.Count !== undefined ? 'COUNT' : 'NONE';
  } else if (holdsUnknown(rule.OverrideAction)) {
    action = new WafUnknown(`${at} OverrideAction ${describeValue(rule.OverrideAction)} is not known at synth`);
  } else {
    action = new WafUnknown(`${at} has neither Action nor OverrideAction (OverrideAction ${describeValue(rule.OverrideAction)})`, true);
  }
  let labels: WafMaybe<readonly string[]> = [];
  if (rule.RuleLabels !== undefined) {
    labels = Array.isArray(rule.RuleLabels) && rule.RuleLabels.every((l: Json) => isPlainObject(l) && isLiteralString(l.Name))
      ? rule.RuleLabels.map((l: Json) => l.Name as string)
      : described(`${at} RuleLabels`, rule.RuleLabels, 'a list of { Name }');
  }
  return {
    name,
    index,
    priority: priority ?? described(`${at} Priority`, rule.Priority, 'a number'),
    action,
    overrideAction,
    statement: parseWafStatement(rule.Statement, `${at} Statement`),
    labels,
  };
}

/** Reads a statement; `at` names where it is, for the messages of what cannot be read. */
export function parseWafStatement(statement: Json, at: string): WafStatementNode {
  if (!isPlainObject(statement) || isIntrinsic(statement)) {
    return unknownStatementOf(described(`${at}`, statement, 'a statement object'));
  }
  const keys = Object.keys(statement);
  if (keys.length !== 1) {
    return unknownStatement(`${at} must have exactly one statement type, found ${keys.length === 0 ? 'none' : keys.join(', ')}`, true);
  }
  const type = keys[0];
  const body = statement[type];
  const here = `${at}.${type}`;
  if (!isPlainObject(body) || isIntrinsic(body)) {
    return unknownStatementOf(described(`${here}`, body, 'an object'));
  }
  switch (type) {
    case 'AndStatement':
    case 'OrStatement': {
      const list = body.Statements;
      if (!Array.isArray(list)) {
        return unknownStatementOf(described(`${here}.Statements`, list, 'a list'));
      }
      const statements = list.map((s, i) => parseWafStatement(s, `${here}.Statements[${i}]`));
      return type === 'AndStatement' ? { type, statements } : { type, statements };
    }
    case 'NotStatement':
      return { type, statement: parseWafStatement(body.Statement, `${here}.Statement`) };
    case 'ByteMatchStatement':
      return {
        type,
        ...inspection(body, here),
        positionalConstraint: oneOf(body.PositionalConstraint, ['EXACTLY', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'CONTAINS_WORD'] as const, `${here}.PositionalConstraint`),
        searchString: byteMatchSearchString(body, here),
      };
    case 'RegexMatchStatement':
      return { type, ...inspection(body, here), regex: literalString(body.RegexString, `${here}.RegexString`) };
    case 'RegexPatternSetReferenceStatement':
      return { type, ...inspection(body, here), arn: body.Arn };
    case 'SizeConstraintStatement':
      return {
        type,
        ...inspection(body, here),
        comparisonOperator: oneOf(body.ComparisonOperator, ['EQ', 'NE', 'LE', 'LT', 'GE', 'GT'] as const, `${here}.ComparisonOperator`),
        size: number(body.Size, `${here}.Size`),
      };
    case 'SqliMatchStatement':
    case 'XssMatchStatement':
      return type === 'SqliMatchStatement' ? { type, ...inspection(body, here) } : { type, ...inspection(body, here) };
    case 'IPSetReferenceStatement':
      return {
        type,
        arn: body.Arn,
        ipSetKey: ipSetKey(body.Arn, `${here}.Arn`),
        forwardedIp: forwardedIp(body.IPSetForwardedIPConfig, `${here}.IPSetForwardedIPConfig`, true),
      };
    case 'GeoMatchStatement':
    case 'AsnMatchStatement': {
      const forwarded = forwardedIp(body.ForwardedIPConfig, `${here}.ForwardedIPConfig`, false);
      return type === 'GeoMatchStatement' ? { type, forwardedIp: forwarded } : { type, forwardedIp: forwarded };
    }
    case 'LabelMatchStatement':
      return {
        type,
        scope: oneOf(body.Scope, ['LABEL', 'NAMESPACE'] as const, `${here}.Scope`),
        key: labelKey(body.Key, `${here}.Key`),
        at: here,
      };
    case 'RateBasedStatement':
      return {
        type,
        limit: number(body.Limit, `${here}.Limit`),
        scopeDown: body.ScopeDownStatement === undefined ? undefined : parseWafStatement(body.ScopeDownStatement, `${here}.ScopeDownStatement`),
        customKeys: customKeys(body.CustomKeys, `${here}.CustomKeys`),
        forwardedIp: forwardedIp(body.ForwardedIPConfig, `${here}.ForwardedIPConfig`, false),
      };
    case 'ManagedRuleGroupStatement':
      return {
        type,
        vendorName: literalString(body.VendorName, `${here}.VendorName`),
        name: literalString(body.Name, `${here}.Name`),
        scopeDown: body.ScopeDownStatement === undefined ? undefined : parseWafStatement(body.ScopeDownStatement, `${here}.ScopeDownStatement`),
        excludedRules: excludedRules(body.ExcludedRules, `${here}.ExcludedRules`),
        ruleActionOverrides: ruleActionOverrides(body.RuleActionOverrides, `${here}.RuleActionOverrides`),
        raw: body,
      };
    case 'RuleGroupReferenceStatement':
      return {
        type,
        arn: body.Arn,
        excludedRules: excludedRules(body.ExcludedRules, `${here}.ExcludedRules`),
        ruleActionOverrides: ruleActionOverrides(body.RuleActionOverrides, `${here}.RuleActionOverrides`),
        raw: body,
      };
    default:
      return unknownStatement(`${at}: statement type '${type}' is not a WAF statement type`, true);
  }
}

/**
 * Visits a statement and every statement inside it (AND, OR, NOT, and the scope-downs of rate-based and managed
 * rule group statements), outermost first, with the statements that contain each, outermost first.
 */
export function walkWafStatement(node: WafStatementNode, visit: (node: WafStatementNode, ancestors: readonly WafStatementNode[]) => void,
  ancestors: readonly WafStatementNode[] = []): void {
  visit(node, ancestors);
  const inner = [...ancestors, node];
  for (const child of childStatements(node)) {
    walkWafStatement(child, visit, inner);
  }
}

/** The statements directly inside a statement. */
export function childStatements(node: WafStatementNode): readonly WafStatementNode[] {
  switch (node.type) {
    case 'AndStatement':
    case 'OrStatement':
      return node.statements;
    case 'NotStatement':
      return [node.statement];
    case 'RateBasedStatement':
    case 'ManagedRuleGroupStatement':
      return node.scopeDown ? [node.scopeDown] : [];
    default:
      return [];
  }
}

/** Every forwarded IP configuration in a statement tree (IP set references, geo, ASN and rate-based statements). */
export function forwardedIpConfigs(node: WafStatementNode): Array<WafMaybe<WafForwardedIpNode>> {
  const found: Array<WafMaybe<WafForwardedIpNode>> = [];
  walkWafStatement(node, (s) => {
    if ((s.type === 'IPSetReferenceStatement' || s.type === 'GeoMatchStatement' || s.type === 'AsnMatchStatement' || s.type === 'RateBasedStatement') && s.forwardedIp !== undefined) {
      found.push(s.forwardedIp);
    }
  });
  return found;
}

/** The statements of a tree that cannot be read at all. */
export function unknownStatements(node: WafStatementNode): WafUnknown[] {
  const found: WafUnknown[] = [];
  walkWafStatement(node, (s) => {
    if (s.type === 'Unknown') {
      found.push(s.unknown);
    }
  });
  return found;
}

/** True for the statements that inspect a request component after text transformations. */
export function isInspection(node: WafStatementNode): node is WafInspectionNode {
  return 'field' in node;
}

function unknownStatement(what: string, invalid = false): WafUnknownStatementNode {
  return unknownStatementOf(new WafUnknown(what, invalid));
}

function unknownStatementOf(unknown: WafUnknown): WafUnknownStatementNode {
  return { type: 'Unknown', unknown };
}

function parseDefaultAction(action: Json): WafMaybe<WafVerdict> {
  if (isPlainObject(action) && !isIntrinsic(action)) {
    if (action.Allow !== undefined && action.Block === undefined) {
      return 'ALLOW';
    }
    if (action.Block !== undefined && action.Allow === undefined) {
      return 'BLOCK';
    }
  }
  return new WafUnknown(`DefaultAction is ${describeValue(action)}, neither { Allow } nor { Block }`, !holdsUnknown(action));
}

const ACTIONS: ReadonlyArray<readonly [string, WafRuleAction]> = [['Allow', 'ALLOW'], ['Block', 'BLOCK'], ['Count', 'COUNT'], ['Captcha', 'CAPTCHA'], ['Challenge', 'CHALLENGE']];

function parseAction(action: Json, at: string): WafMaybe<WafRuleAction> {
  if (isPlainObject(action) && !isIntrinsic(action)) {
    const found = ACTIONS.filter(([key]) => action[key] !== undefined);
    if (found.length === 1) {
      return found[0][1];
    }
  }
  return new WafUnknown(`${at} is ${describeValue(action)}, not one of Allow, Block, Count, Captcha or Challenge`, !holdsUnknown(action));
}

function inspection(body: Json, at: string): WafInspection {
  return { field: fieldToMatch(body.FieldToMatch, `${at}.FieldToMatch`), transformations: transformations(body.TextTransformations, `${at}.TextTransformations`) };
}

function fieldToMatch(field: Json, at: string): WafMaybe<WafFieldNode> {
  if (!isPlainObject(field) || isIntrinsic(field) || Object.keys(field).length !== 1) {
    return described(`${at}`, field, 'an object with one request component');
  }
  const component = Object.keys(field)[0];
  if (component === 'SingleHeader') {
    const header = field.SingleHeader;
    return { component, headerName: literalString(isPlainObject(header) ? header.Name : header, `${at}.SingleHeader.Name`) };
  }
  return { component };
}

/** The text transformations in ascending priority; none when the list is absent. */
function transformations(list: Json, at: string): WafMaybe<readonly WafTransformationNode[]> {
  if (list === undefined) {
    return [];
  }
  if (!Array.isArray(list)) {
    return described(`${at}`, list, 'a list');
  }
  const result: WafTransformationNode[] = [];
  for (const [i, t] of list.entries()) {
    const priority = isPlainObject(t) ? literalInteger(t.Priority) : undefined;
    if (!isPlainObject(t) || priority === undefined || !isLiteralString(t.Type)) {
      return described(`${at}[${i}]`, t, 'a { Priority, Type } with a number and a string');
    }
    result.push({ priority, type: t.Type });
  }
  return result.sort((a, b) => a.priority - b.priority);
}

function byteMatchSearchString(body: Json, at: string): WafMaybe<string> {
  if (body.SearchString !== undefined) {
    return literalString(body.SearchString, `${at}.SearchString`);
  }
  const base64 = literalString(body.SearchStringBase64, `${at}.SearchStringBase64`);
  return base64 instanceof WafUnknown ? new WafUnknown(`${at}.SearchString is not set, and ${base64.what}`, base64.invalid) : Buffer.from(base64, 'base64').toString('latin1');
}

function forwardedIp(config: Json, at: string, withPosition: boolean): WafMaybe<WafForwardedIpNode> | undefined {
  if (config === undefined) {
    return undefined;
  }
  if (!isPlainObject(config) || isIntrinsic(config)) {
    return described(`${at}`, config, 'an object');
  }
  return {
    headerName: literalString(config.HeaderName, `${at}.HeaderName`),
    position: withPosition ? oneOf(config.Position, ['FIRST', 'LAST', 'ANY'] as const, `${at}.Position`) : undefined,
    fallbackBehavior: oneOf(config.FallbackBehavior, ['MATCH', 'NO_MATCH'] as const, `${at}.FallbackBehavior`),
  };
}

function customKeys(keys: Json, at: string): WafMaybe<readonly WafCustomKeyNode[]> {
  if (keys === undefined) {
    return [];
  }
  if (!Array.isArray(keys)) {
    return described(`${at}`, keys, 'a list');
  }
  const result: WafCustomKeyNode[] = [];
  for (const [i, key] of keys.entries()) {
    if (!isPlainObject(key) || isIntrinsic(key) || Object.keys(key).length !== 1) {
      return described(`${at}[${i}]`, key, 'an object with one key type');
    }
    const kind = Object.keys(key)[0];
    const inner = key[kind];
    const here = `${at}[${i}].${kind}`;
    result.push({
      kind,
      headerName: kind === 'Header' ? literalString(isPlainObject(inner) ? inner.Name : inner, `${here}.Name`) : undefined,
      transformations: isPlainObject(inner) ? transformations(inner.TextTransformations, `${here}.TextTransformations`) : [],
    });
  }
  return result;
}

function excludedRules(list: Json, at: string): WafMaybe<readonly string[]> {
  if (list === undefined) {
    return [];
  }
  if (!Array.isArray(list) || !list.every((e) => isPlainObject(e) && isLiteralString(e.Name))) {
    return described(`${at}`, list, 'a list of { Name }');
  }
  return list.map((e) => e.Name as string);
}

function ruleActionOverrides(list: Json, at: string): WafMaybe<readonly WafRuleOverrideNode[]> {
  if (list === undefined) {
    return [];
  }
  if (!Array.isArray(list) || !list.every((e) => isPlainObject(e) && isLiteralString(e.Name))) {
    return described(`${at}`, list, 'a list of { Name, ActionToUse }');
  }
  return list.map((e, i) => ({ name: e.Name as string, action: parseAction(e.ActionToUse, `${at}[${i}].ActionToUse`) }));
}

/** How an IP set reference is looked up: the logical id of a reference (in this stack or another), a literal ARN. */
function ipSetKey(arn: Json, at: string): WafMaybe<string> {
  if (isLiteralString(arn)) {
    return arn;
  }
  const ref = referenceOf(arn);
  if (ref && (ref.attribute === undefined || ref.attribute === 'Arn')) {
    return ref.logicalId;
  }
  return described(`${at}`, arn, 'a reference to an IP set');
}

function literalString(value: Json, at: string): WafMaybe<string> {
  if (typeof value === 'number' || typeof value === 'boolean') {
    // CloudFormation passes a number or boolean written for a string property as its text (YAML `SearchString: 404`).
    return String(value);
  }
  return isLiteralString(value) ? value : described(`${at}`, value, 'a string');
}

/**
 * How a LabelMatchStatement Key that spells the stack's own account (`${AWS::AccountId}`) stands for it, as one of its
 * colon-separated parts: `${AccountId}`, which no literal Key can hold (WAF takes letters, digits, `_`, `-` and `:`).
 */
export const OWN_ACCOUNT = '${AccountId}';

/** WAF's pattern for a LabelMatchStatement Key (1 to 1,024 characters). */
const LABEL_KEY = /^[0-9A-Za-z_\-:]{1,1024}$/;

/**
 * A LabelMatchStatement Key: a literal, checked against WAF's pattern, or one that spells the account the stack is
 * deployed to where it is not known at synth (`!Sub 'awswaf:${AWS::AccountId}:webacl:...'`, or the `Fn::Join` of
 * literals and `Ref AWS::AccountId` that CDK writes for `stack.account`), kept with {@link OWN_ACCOUNT} in its place.
 */
function labelKey(value: Json, at: string): WafMaybe<string> {
  const own = ownAccountKey(value);
  const key = own ?? literalString(value, at);
  // A literal is checked as written (a `$` in it is WAF's to reject); a key that spells the account, without it.
  if (typeof key === 'string' && !LABEL_KEY.test(own !== undefined ? key.split(OWN_ACCOUNT).join('0') : key)) {
    const shown = own !== undefined ? labelKeyText(key) : key;
    return new WafUnknown(`${at} is ${quoteValue(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown)}, not a label key (1 to 1,024 letters, digits, _, - and :)`, true);
  }
  return key;
}

/** A label key as the template writes it: `${AWS::AccountId}` where the model holds {@link OWN_ACCOUNT}. */
export function labelKeyText(key: string): string {
  return key.split(OWN_ACCOUNT).join('${AWS::AccountId}');
}

function ownAccountKey(value: Json): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const sub = value['Fn::Sub'];
  if (Object.keys(value).length === 1 && typeof sub === 'string') {
    // Only ${AWS::AccountId} placeholders: anything else (another value, a ${!literal}) leaves the key unknown.
    return sub.replace(/\$\{AWS::AccountId\}/g, '').includes('${') ? undefined : wholeParts(sub.split('${AWS::AccountId}').join(OWN_ACCOUNT));
  }
  const join = value['Fn::Join'];
  if (Object.keys(value).length === 1 && Array.isArray(join) && join.length === 2 && join[0] === '' && Array.isArray(join[1])) {
    let text = '';
    for (const part of join[1]) {
      if (typeof part === 'string') {
        text += part;
      } else if (part !== null && typeof part === 'object' && !Array.isArray(part) && Object.keys(part).length === 1 && part.Ref === 'AWS::AccountId') {
        text += OWN_ACCOUNT;
      } else {
        return undefined;
      }
    }
    return wholeParts(text);
  }
  return undefined;
}

/**
 * The key when each account it spells is a whole part of it (`awswaf:${AWS::AccountId}:webacl:...`); undefined when
 * one is inside a part (`team-${AWS::AccountId}`), which then stays a value not known at synth.
 */
function wholeParts(key: string): string | undefined {
  return key.split(':').every((part) => part === OWN_ACCOUNT || !part.includes(OWN_ACCOUNT)) ? key : undefined;
}

function number(value: Json, at: string): WafMaybe<number> {
  return literalInteger(value) ?? described(`${at}`, value, 'a number');
}

function oneOf<T extends string>(value: Json, allowed: readonly T[], at: string): WafMaybe<T> {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  if (isLiteralString(value)) {
    return new WafUnknown(`${at} is '${value}', not one of ${allowed.join(', ')}`, true);
  }
  return described(`${at}`, value, `one of ${allowed.join(', ')}`);
}

/**
 * A value in a message: an intrinsic or a cross-stack value as written (it is not known at synth); anything else
 * with the shape it should have had.
 */
function shape(value: Json, expected: string): string {
  if (value === undefined) {
    return `not set (${expected} belongs there)`;
  }
  if (isPlainObject(value) && isIntrinsic(value)) {
    return `${describeValue(value)}, not known at synth`;
  }
  if (typeof value === 'string' && !isLiteralString(value)) {
    return `an unresolved token (${value}), not known at synth`;
  }
  return `${typeof value === 'string' ? `'${describeValue(value)}'` : describeValue(value)}, not ${expected}`;
}

function isPlainObject(value: Json): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A CloudFormation intrinsic (`Ref`, `Fn::*`, `Condition`) or the reader's cross-stack value. */
function isIntrinsic(value: Json): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition' || keys[0].startsWith('LayeredDefense::'));
}
