import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ForwardedIpFallback, ForwardedIpPosition, OriginPathStyle, PathMatchType, WafScope } from './types';

/**
 * Secure defaults of PathAllowlistWaf. Merge order: these < the user's props < what the construct enforces
 * (transformations on every path statement, a fail-closed rule for a missing forwarded IP header, metrics and
 * sampled requests on every rule), so an override can never quietly weaken the path rule.
 */
export const PATH_ALLOWLIST_WAF_DEFAULTS = {
  scope: WafScope.REGIONAL,
  matchType: PathMatchType.PREFIX,
  originPathStyle: OriginPathStyle.POSIX,
  forwardedIpHeader: 'X-Forwarded-For',
  /** The proxy in front appends the address it saw; earlier entries are whatever the client sent. */
  forwardedIpPosition: ForwardedIpPosition.LAST,
  /** A header without a valid address is not allowlisted: blocked on a protected path. */
  forwardedIpFallback: ForwardedIpFallback.NO_MATCH,
  logging: true,
  /**
   * HIPAA asks covered entities to keep required documentation six years (45 CFR 164.316(b)(2)(i)); records of
   * access to systems holding e-PHI (164.312(b) audit controls) are commonly kept as long.
   */
  logRetention: logs.RetentionDays.SIX_YEARS,
  /** Audit records outlive the stack: deleting a stack must not delete the evidence. */
  logRemovalPolicy: RemovalPolicy.RETAIN,
  /** Credentials and session tokens must not land in logs (164.312(a)(1) access control). */
  redactedHeaders: ['authorization', 'cookie'] as readonly string[],
} as const;

/**
 * Rule priorities, in bands that leave room, so adding a rule of one kind never renumbers a rule of another (WAF
 * runs rules in ascending priority; https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html):
 * - 1-9: blocked sources (`addBlockedSources`, threat-feed overflow): before everything, so no ALLOW of any rule can
 *   let a blocked source through;
 * - 100-999: your rules placed BEFORE_PATH_RULES, in the order added;
 * - 1000 + 10k and 1000 + 10k + 1 (k = 1..99): allowlist k's missing-forwarded-header rule and its block rule, so
 *   adding a path never renumbers earlier rules;
 * - 2000-2999: rate limits;
 * - 3000-3999: your rules placed AFTER_PATH_RULES (the default);
 * - 4000 + 10i: managed rule group i, in the order given;
 * - 5000-5999: your rules placed AFTER_MANAGED_RULE_GROUPS.
 * Before this release the allowlists took 10k and 10k + 1 and the groups 1000 + 10i; the one-time move (an
 * in-place update of the web ACL, whose rules AWS WAF replaces as a whole) makes room for a band before the path rules.
 */
export const PRIORITIES = {
  /** `BlockedSources` (the connection's source address); `BlockedSources-ForwardedIp` takes the next number. */
  blockedSourcesStart: 1,
  blockedSourcesEnd: 9,
  beforePathStart: 100,
  pathStart: 1000,
  allowlistStep: 10,
  maxAllowlists: 99,
  rateLimitStart: 2000,
  afterPathStart: 3000,
  managedStart: 4000,
  managedStep: 10,
  maxManagedGroups: 99,
  afterManagedStart: 5000,
  /** Rules a user band holds (the size of each band above). */
  bandSize: 900,
} as const;
