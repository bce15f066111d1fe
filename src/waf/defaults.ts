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
 * Rule priorities. Blocked sources (`addBlockedSources`, a blocklist's overflow) own 1-9 and run first: a known-bad
 * source is refused whatever path it asks for. Allowlist k (1-based, in the order they are added) owns 10k (the
 * missing-forwarded-header rule) and 10k + 1 (the block rule), so adding a path never renumbers earlier rules;
 * managed rule groups follow from 1000 in steps of 10, always after every path rule.
 */
export const PRIORITIES = {
  /** `BlockedSources` (the connection's source address); `BlockedSources-ForwardedIp` takes the next number. */
  blockedSourcesStart: 1,
  allowlistStep: 10,
  maxAllowlists: 99,
  managedStart: 1000,
  managedStep: 10,
} as const;
