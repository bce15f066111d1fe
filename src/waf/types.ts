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
 * An AWS WAF managed rule group to run after the path rules.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
 */
export class ManagedRuleGroup {
  /** Core rule set (CRS): OWASP Top 10 style protections (XSS, LFI, RFI, SSRF, size limits). 700 WCU. */
  public static readonly COMMON_RULE_SET = new ManagedRuleGroup('AWS', 'AWSManagedRulesCommonRuleSet', 700);
  /** Known bad inputs: Log4j/JNDI, Java deserialization, localhost Host headers, exploit paths. 200 WCU. */
  public static readonly KNOWN_BAD_INPUTS = new ManagedRuleGroup('AWS', 'AWSManagedRulesKnownBadInputsRuleSet', 200);
  /** Amazon IP reputation list: sources Amazon threat intelligence has seen attacking. 25 WCU. */
  public static readonly AMAZON_IP_REPUTATION_LIST = new ManagedRuleGroup('AWS', 'AWSManagedRulesAmazonIpReputationList', 25);
  /** SQL database: SQL injection in query, body, URI and cookies. 200 WCU. */
  public static readonly SQL_DATABASE = new ManagedRuleGroup('AWS', 'AWSManagedRulesSQLiRuleSet', 200);
  /** Anonymous IP list: VPNs, Tor, hosting providers. Blocks more than most PHI apps want. 50 WCU. */
  public static readonly ANONYMOUS_IP_LIST = new ManagedRuleGroup('AWS', 'AWSManagedRulesAnonymousIpList', 50);
  /** Admin protection: well-known admin paths. 100 WCU. */
  public static readonly ADMIN_PROTECTION = new ManagedRuleGroup('AWS', 'AWSManagedRulesAdminProtectionRuleSet', 100);
  /** Linux operating system: local file inclusion against Linux. 200 WCU. */
  public static readonly LINUX_OPERATING_SYSTEM = new ManagedRuleGroup('AWS', 'AWSManagedRulesLinuxRuleSet', 200);
  /** Windows operating system: PowerShell and command injection against Windows. 200 WCU. */
  public static readonly WINDOWS_OPERATING_SYSTEM = new ManagedRuleGroup('AWS', 'AWSManagedRulesWindowsRuleSet', 200);

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
   */
  public static of(vendorName: string, name: string, capacity: number): ManagedRuleGroup {
    return new ManagedRuleGroup(vendorName, name, capacity);
  }

  private constructor(
    /** The vendor, e.g. `AWS`. */
    public readonly vendorName: string,
    /** The group's name. */
    public readonly name: string,
    /** The group's published WCU. */
    public readonly capacity: number,
  ) {}
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
