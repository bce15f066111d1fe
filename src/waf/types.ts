import { AWS_MANAGED_RULE_NAMES } from './private/managed-rule-names';
import type { WafStatement } from './rules';

/**
 * Where a web ACL can be used.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html
 */
export enum WafScope {
  /**
   * Application Load Balancer, API Gateway REST API stage, AppSync GraphQL API, Cognito user pool, App Runner
   * service, Verified Access instance, in the stack's Region.
   */
  REGIONAL = 'REGIONAL',
  /**
   * CloudFront distributions. The web ACL must be created in us-east-1 and is attached through the
   * distribution's `webAclId`, not with an association.
   */
  CLOUDFRONT = 'CLOUDFRONT',
}

/** How a protected path matches request paths (after decoding, normalization and lowercasing). */
export enum PathMatchType {
  /**
   * The path and everything under it: `/admin` protects `/admin`, `/admin/`, `/admin/users`, `/admin;jsessionid=1`
   * and `/admin.json`, but not `/administrator` or `/admin-console`. The path ends where a character that cannot
   * continue a path segment name follows it: anything but a letter, a digit, `-` or `_`.
   */
  PREFIX = 'PREFIX',
  /**
   * The path itself, with or without a trailing slash, and with a suffix that frameworks strip before routing
   * (`;params`, `.format`): `/admin` protects `/admin`, `/admin/`, `/admin;x` and `/admin.json`, not `/admin/users`.
   */
  EXACT = 'EXACT',
}

/**
 * How the origin resolves paths, which decides the path normalization WAF applies before matching.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
 */
export enum OriginPathStyle {
  /** `/` separates segments (Linux, most frameworks): NORMALIZE_PATH. */
  POSIX = 'POSIX',
  /**
   * The origin also treats `\` as a separator (Windows, IIS): NORMALIZE_PATH_WIN, which turns `\` into `/` first,
   * so `\admin` and `/x\..\admin` are caught. Windows also drops trailing dots and spaces from a name and reads
   * `name::$INDEX_ALLOCATION` as the directory itself, so each protected segment also matches followed by dots,
   * spaces and a stream suffix (`/api./admin`, `/api%20/admin`, `/api::$INDEX_ALLOCATION/admin`), and a segment of
   * a dot followed by dots, spaces or a stream suffix (`/x/.. /admin`) counts as one the origin may resolve away.
   */
  WINDOWS = 'WINDOWS',
}

/**
 * Which address of the forwarded IP header is the client's.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
 */
export enum ForwardedIpPosition {
  /**
   * The first (left-most) address. Whoever sends the request chooses it, so a client can claim an allowlisted
   * address unless the proxy in front discards the header it received.
   */
  FIRST = 'FIRST',
  /**
   * The last (right-most) address: the one the proxy directly in front of the resource appended. The safe choice
   * when exactly one trusted proxy (CloudFront, a CDN) sits in front.
   */
  LAST = 'LAST',
  /**
   * Any of the last 10 addresses (+4 WCU per IP set reference). Any address a client puts in the header counts, so
   * for an allowlist this is spoofable.
   */
  ANY = 'ANY',
}

/**
 * What a forwarded IP header without a valid address in the chosen position means for the allowlist.
 * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
 */
export enum ForwardedIpFallback {
  /** The IP set statement does not match: the request is treated as not allowlisted, and blocked on a protected path. */
  NO_MATCH = 'NO_MATCH',
  /** The IP set statement matches: a malformed header counts as allowlisted (fails open). */
  MATCH = 'MATCH',
}

/**
 * What a rule does with a request it matches.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-action.html
 */
export enum WafAction {
  /** Let the request through; no later rule sees it. */
  ALLOW = 'ALLOW',
  /** Refuse the request (HTTP 403); no later rule sees it. */
  BLOCK = 'BLOCK',
  /** Only count (and label) the request; evaluation continues with the next rule. */
  COUNT = 'COUNT',
  /** Ask for a CAPTCHA unless the request carries a valid token. */
  CAPTCHA = 'CAPTCHA',
  /** Run a silent browser challenge unless the request carries a valid token. */
  CHALLENGE = 'CHALLENGE',
}

/** One rule of a managed rule group whose action you override. */
export interface ManagedRuleOverride {
  /** The rule's name as the vendor documents it, e.g. `SizeRestrictions_BODY`. */
  readonly ruleName: string;
  /** The action the rule takes instead of its own, e.g. `WafAction.COUNT`. */
  readonly action: WafAction;
}

/**
 * Tuning of one managed rule group.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html
 */
export interface ManagedRuleGroupOptions {
  /**
   * Rules of the group that take another action than their own: `COUNT` to see what a rule would block without
   * blocking (the rule still adds its label, so a later rule of yours can decide), or any other action. Each name
   * must be in the group's documented rule list.
   * @default - every rule takes its own action
   * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_RuleActionOverride.html
   */
  readonly ruleActionOverrides?: ManagedRuleOverride[];
  /**
   * Rules of the group that only count: AWS WAF has no way to remove a rule from a managed group, so an excluded
   * rule still runs and labels the request, but never blocks (CloudFormation `ExcludedRules`). Each name must be in
   * the group's documented rule list, and not also in `ruleActionOverrides`.
   * @default - none
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-wafv2-webacl-managedrulegroupstatement.html
   */
  readonly excludedRules?: string[];
  /**
   * Only requests that match this statement are evaluated by the group; the others skip it. Its capacity adds to
   * the group's. For an exemption (the group skips uploads) use `WafStatement.not(WafStatement.exemptPath('/upload'))`.
   * @default - every request is evaluated
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-scope-down-statements.html
   */
  readonly scopeDown?: WafStatement;
  /**
   * The group's version, e.g. `Version_1.12`; pinning it stops the vendor's updates from changing what is blocked.
   * @default - the vendor's default version, which the vendor updates
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-managed-rule-groups-versioning.html
   */
  readonly version?: string;
}

/**
 * An AWS WAF managed rule group to run after the path rules.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
 */
export class ManagedRuleGroup {
  /** Core rule set (CRS): OWASP Top 10 style protections (XSS, LFI, RFI, SSRF, size limits). 700 WCU. */
  public static readonly COMMON_RULE_SET = new ManagedRuleGroup('AWS', 'AWSManagedRulesCommonRuleSet', 700, AWS_MANAGED_RULE_NAMES.AWSManagedRulesCommonRuleSet, {});
  /** Known bad inputs: Log4j/JNDI, Java deserialization, localhost Host headers, exploit paths. 200 WCU. */
  public static readonly KNOWN_BAD_INPUTS = new ManagedRuleGroup('AWS', 'AWSManagedRulesKnownBadInputsRuleSet', 200, AWS_MANAGED_RULE_NAMES.AWSManagedRulesKnownBadInputsRuleSet, {});
  /** Amazon IP reputation list: sources Amazon threat intelligence has seen attacking. 25 WCU. */
  public static readonly AMAZON_IP_REPUTATION_LIST = new ManagedRuleGroup('AWS', 'AWSManagedRulesAmazonIpReputationList', 25, AWS_MANAGED_RULE_NAMES.AWSManagedRulesAmazonIpReputationList, {});
  /** SQL database: SQL injection in query, body, URI and cookies. 200 WCU. */
  public static readonly SQL_DATABASE = new ManagedRuleGroup('AWS', 'AWSManagedRulesSQLiRuleSet', 200, AWS_MANAGED_RULE_NAMES.AWSManagedRulesSQLiRuleSet, {});
  /** Anonymous IP list: VPNs, Tor, hosting providers. Blocks more than most PHI apps want. 50 WCU. */
  public static readonly ANONYMOUS_IP_LIST = new ManagedRuleGroup('AWS', 'AWSManagedRulesAnonymousIpList', 50, AWS_MANAGED_RULE_NAMES.AWSManagedRulesAnonymousIpList, {});
  /** Admin protection: well-known admin paths. 100 WCU. */
  public static readonly ADMIN_PROTECTION = new ManagedRuleGroup('AWS', 'AWSManagedRulesAdminProtectionRuleSet', 100, AWS_MANAGED_RULE_NAMES.AWSManagedRulesAdminProtectionRuleSet, {});
  /** Linux operating system: local file inclusion against Linux. 200 WCU. */
  public static readonly LINUX_OPERATING_SYSTEM = new ManagedRuleGroup('AWS', 'AWSManagedRulesLinuxRuleSet', 200, AWS_MANAGED_RULE_NAMES.AWSManagedRulesLinuxRuleSet, {});
  /** Windows operating system: PowerShell and command injection against Windows. 200 WCU. */
  public static readonly WINDOWS_OPERATING_SYSTEM = new ManagedRuleGroup('AWS', 'AWSManagedRulesWindowsRuleSet', 200, AWS_MANAGED_RULE_NAMES.AWSManagedRulesWindowsRuleSet, {});

  /**
   * The groups used when `managedRuleGroups` is not given: common rule set, known bad inputs, SQL database and
   * the Amazon IP reputation list (1,125 WCU).
   */
  public static defaults(): ManagedRuleGroup[] {
    return [
      ManagedRuleGroup.AMAZON_IP_REPUTATION_LIST,
      ManagedRuleGroup.COMMON_RULE_SET,
      ManagedRuleGroup.KNOWN_BAD_INPUTS,
      ManagedRuleGroup.SQL_DATABASE,
    ];
  }

  /**
   * Any managed rule group (AWS or AWS Marketplace).
   * @param vendorName e.g. `AWS`
   * @param name e.g. `AWSManagedRulesLinuxRuleSet`
   * @param capacity the WCU the vendor publishes for the group; it counts toward the web ACL's 5,000
   * @param ruleNames the group's rule names as the vendor documents them; needed to override or exclude rules
   *   (a name outside this list is an error), and for an AWS group this library knows, its documented list
   */
  public static of(vendorName: string, name: string, capacity: number, ruleNames?: string[]): ManagedRuleGroup {
    const known = vendorName === 'AWS' ? AWS_MANAGED_RULE_NAMES[name] : undefined;
    return new ManagedRuleGroup(vendorName, name, capacity, ruleNames ?? known, {});
  }

  /** The vendor, e.g. `AWS`. */
  public readonly vendorName: string;
  /** The group's name. */
  public readonly name: string;
  /** The group's published WCU. */
  public readonly capacity: number;
  /**
   * The group's documented rule names, when known: overrides and exclusions must name one of them.
   * @default - unknown: the group cannot be tuned by rule name
   */
  public readonly ruleNames?: string[];
  /** How the group is tuned. */
  public readonly options: ManagedRuleGroupOptions;

  private constructor(
    vendorName: string, name: string, capacity: number, ruleNames: readonly string[] | undefined, options: ManagedRuleGroupOptions,
  ) {
    this.vendorName = vendorName;
    this.name = name;
    this.capacity = capacity;
    this.ruleNames = ruleNames ? [...ruleNames] : undefined;
    this.options = options;
  }

  /**
   * The same group, tuned: rule action overrides, excluded rules, a scope-down statement, a version. The options
   * replace any the group had; they are checked when the group is added to a web ACL.
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html
   */
  public withOptions(options: ManagedRuleGroupOptions): ManagedRuleGroup {
    return new ManagedRuleGroup(this.vendorName, this.name, this.capacity, this.ruleNames, { ...options });
  }
}

/**
 * Judge the client from a forwarded IP header instead of the connection's source address: for a resource behind
 * a proxy or CDN that only that proxy can reach.
 */
export interface ForwardedIpOptions {
  /**
   * The header that carries the client address.
   * @default 'X-Forwarded-For'
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
   */
  readonly headerName?: string;
  /**
   * Which address in the header is the client's.
   * @default ForwardedIpPosition.LAST - the address appended by the proxy directly in front
   * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
   */
  readonly position?: ForwardedIpPosition;
  /**
   * What a header without a valid address in that position means.
   * @default ForwardedIpFallback.NO_MATCH - not allowlisted, so blocked on a protected path (fails closed)
   * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_IPSetForwardedIPConfig.html
   */
  readonly fallbackBehavior?: ForwardedIpFallback;
}

/** Options for one protected path allowlist. */
export interface ProtectedPathOptions {
  /**
   * How the paths match request paths.
   * @default PathMatchType.PREFIX
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-regex-match.html
   */
  readonly matchType?: PathMatchType;
}
