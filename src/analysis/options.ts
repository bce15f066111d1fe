/**
 * The ephemeral port range a client uses for responses. NACLs are stateless, so responses to a client need
 * their own ALLOW entry on this range.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
 */
export interface EphemeralPortRange {
  /** First port of the range (0-65535). */
  readonly from: number;
  /** Last port of the range (0-65535, at least `from`). */
  readonly to: number;
}

/** Options of the layered-defense checks, shared by `LayeredDefenseChecks` and `LayeredDefenseNagPack`. */
export interface LayeredDefenseChecksProps {
  /**
   * Rule ids to skip entirely (for example `LayeredDefense-NaclAllowlist`). An unknown id is an error, so a typo
   * cannot silently skip nothing. Prefer acknowledging a finding on the resource, with a reason, over skipping a rule.
   *
   * @default - every rule runs
   */
  readonly skipRules?: string[];

  /**
   * The NACL entry quota your account has: entries per NACL per direction, counted separately for IPv4 and
   * IPv6, the final `*` deny included. AWS's default is 20; it can be raised to 40.
   *
   * @default 20
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
   */
  readonly naclEntryQuota?: number;

  /**
   * The ephemeral port range responses must be allowed on, in the direction opposite to the request. The default
   * covers what ELB, NAT gateways and Lambda use; Linux clients use 32768-60999, Windows 49152-65535.
   *
   * @default - 1024-65535
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
   */
  readonly ephemeralPortRange?: EphemeralPortRange;

  /**
   * The longest established-TCP connection tracking idle timeout, in seconds, that `LayeredDefense-SgIdleTimeoutLong`
   * accepts on a workload that admits sources from outside its VPC directly on its own network interfaces (a public
   * address). Revoking such a source's security group rule leaves its established sessions up until they have been
   * idle this long; EC2's default is 432,000 seconds (5 days). 60 to 432,000.
   *
   * @default 3600
   * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html#connection-tracking-timeouts
   */
  readonly maxTcpEstablishedTimeoutSeconds?: number;
}
