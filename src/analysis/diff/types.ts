// The diff's input and output, as plain data: no CDK, no constructs (the CLI and the jsii facade wrap it).

/** Resolved template JSON: literals, lists, objects and intrinsic functions. */
export type Json = any;

/** One stack of an app: the shape of the reader's `LoadedStack` that the diff needs. */
export interface DiffStackInput {
  /** Unique within the app (the assembly artifact id, or the template's path). */
  readonly stackId: string;
  /** The CloudFormation stack name to show; stacks of the two apps are paired by id, else by this name. */
  readonly stackName: string;
  readonly template: Json;
}

export type DiffDirection = 'ingress' | 'egress';

/** One piece of access that the change removes: a peer, a protocol and the ports (or ICMP types) it lost. */
export interface RemovedAccess {
  /** A CIDR block (`198.51.100.128/25`), a security group, a prefix list, or the text of a value unknown at synth. */
  readonly peer: string;
  readonly peerKind: 'cidr' | 'securityGroup' | 'prefixList' | 'unknown' | 'naclEntry';
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `protocol 47`, `all` (every protocol) or `other` (every protocol not named). */
  readonly protocol: string;
  /** `22`, `1024-2048, 3000`, `all`; ICMP as `type 8`, `type 3 code 4`. */
  readonly ports: string;
  /** Seconds an established flow of this kind can stay up after the change; 0 when cut at once; null when EC2 does not document it. */
  readonly lingerSeconds: number | null;
  /** Set when a value of the rule is not known at synth: what it is. */
  readonly unknown?: string;
}

/** How to cut lingering connections now: a stateless NACL deny, kept in place longer than the timeout. */
export interface CutOffAdvice {
  /** The CIDR blocks to deny (both directions: IpBlocklistNacl does). Empty when the peers are groups or prefix lists. */
  readonly naclDenyCidrs: string[];
  /** Keep the deny in place for longer than this many seconds (the idle timeout), or the sessions resume. */
  readonly keepLongerThanSeconds: number | null;
  /** The subnets of the network interfaces the group is on, as the templates name them. */
  readonly subnets: string[];
  /** The call that adds the deny with this library, when there are CIDRs to deny. */
  readonly code?: string;
  /** One line of advice. */
  readonly advice: string;
}

export interface AccessChange {
  readonly stackName: string;
  readonly stackId: string;
  /** The security group (or NACL entry) whose access changed; for a group outside the templates, its id as written. */
  readonly logicalId: string;
  readonly resourceType: string;
  /** The resources that held the removed rules (the group itself for inline rules, standalone rule resources). */
  readonly resources: string[];
  readonly direction: DiffDirection;
  readonly removed: RemovedAccess[];
  /** The longest any removed flow can linger: the idle timeout that applies; 0 when cut at once; null when unknown. */
  readonly lingerSeconds: number | null;
  /** Where the timeout comes from: the ConnectionTrackingSpecification that sets it, or EC2's default. */
  readonly timeoutSource: string;
  /** Whether existing connections are tracked (and so survive the change). */
  readonly tracked: boolean;
  /** How to cut them now; absent when the change cuts at once. */
  readonly cutOff?: CutOffAdvice;
  /** Values unknown at synth that the comparison could not take into account. */
  readonly unknown?: string[];
  readonly message: string;
}

export interface DiffResult {
  readonly changes: AccessChange[];
}

export interface DiffOptions {
  /**
   * The name the `cutOff.code` gives the IpBlocklistNacl.
   *
   * @default 'blocklist'
   */
  readonly blocklistVariable?: string;
}
