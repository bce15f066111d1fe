import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { StatefulDefaultActions } from './types';

/**
 * Secure defaults of DomainAllowlistFirewall. Merge order: these < the user's props < what the construct enforces
 * (strict order, forward everything to the stateful engine, a drop default with its alert default, routes through
 * the same-AZ endpoint both ways), so an override can never quietly weaken the egress control.
 */
export const DOMAIN_ALLOWLIST_FIREWALL_DEFAULTS = {
  /**
   * The values the Network Firewall API and CloudFormation reference list for StatefulDefaultActions are
   * aws:drop_strict, aws:drop_established, aws:alert_strict and aws:alert_established; the application-layer
   * variants are opt-in until the reference lists them (see README, "Network Firewall layer").
   */
  statefulDefaultActions: StatefulDefaultActions.DROP_ESTABLISHED,
  /** AWS recommends REJECT: a broken stream is reset instead of silently dropped or inspected without context. */
  streamExceptionPolicy: 'REJECT',
  /** A NAT gateway forgets an idle TCP connection after 350 s; the firewall must not keep it longer. */
  tcpIdleTimeoutSeconds: 350,
  /** The listener ports of load balancers in the public tier, reachable from the internet through the firewall. */
  inboundTcpPorts: [80, 443] as readonly number[],
  /** HIPAA's documentation retention period (45 CFR 164.316(b)(2)(i)). */
  logRetention: logs.RetentionDays.SIX_YEARS,
  /** Audit records outlive the stack. */
  logRemovalPolicy: RemovalPolicy.RETAIN,
  /** Rule group capacity is fixed at creation: twice what the domains need, and at least this much. */
  minimumAllowlistCapacity: 100,
  capacityHeadroomFactor: 2,
} as const;

/** Network Firewall quotas and ranges. */
export const NETWORK_FIREWALL_LIMITS = {
  /** Stateful capacity per policy (and the largest rule group). */
  maxStatefulCapacity: 30_000,
  /** Stateful rule groups per policy. */
  maxStatefulRuleGroups: 20,
  tcpIdleTimeoutMin: 60,
  tcpIdleTimeoutMax: 6000,
  natGatewayIdleTimeout: 350,
} as const;

/** Stateful rule group priorities in the policy: the allowlist first, managed groups next, the baseline rules last. */
export const POLICY_PRIORITIES = {
  allowlist: 100,
  managedStart: 200,
  managedStep: 10,
  baseline: 1000,
} as const;

/** The name of the firewall tier in HipaaSecureVpc. */
export const FIREWALL_TIER_NAME = 'Firewall';
