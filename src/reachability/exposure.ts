// The exposure analysis as jsii structs: each data store, who can reach it (the internet, each workload group), on
// which ports and protocols, and the decisions that decide. Built by `NetworkReachability.exposure()`.
import type { FlowDecision, FlowProtocol, FlowVerdict } from './network-reachability';

/** A range of ports of one protocol over which a source gets the same answer. */
export interface ExposurePortRange {
  readonly protocol: FlowProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly verdict: FlowVerdict;
  /**
   * What decides: every blocker (BLOCKED), every value unknown at synth (UNKNOWN), or the destination's security
   * group rule that admits the flow (REACHABLE; every allowing hop when no group judges it). For a source in a VPC
   * the data store's subnets cannot be routed to, the route decisions (`explain` lists every other blocker too).
   */
  readonly decidedBy: FlowDecision[];
}

/** Who tries to reach a data store: the internet, or a workload group, and with what result. */
export interface ExposureSource {
  /** `the internet`, or the workload group's security groups (`security group App/AppGroup`). */
  readonly description: string;
  /** True for the internet. */
  readonly internet: boolean;
  /** The construct paths (or `<stack>/<logicalId>`) of the group's workloads; empty for the internet. */
  readonly workloads: string[];
  /** REACHABLE when some port range is, else UNKNOWN when some range is, else BLOCKED. */
  readonly verdict: FlowVerdict;
  /** Every port of TCP and UDP, in ranges with one answer each. */
  readonly portRanges: ExposurePortRange[];
}

/** One data store and every source's access to it. */
export interface DataStoreExposure {
  readonly stackName: string;
  readonly logicalId: string;
  /** How reports name it: the construct path, or `<stack>/<logicalId>`. */
  readonly path: string;
  /** The CloudFormation type (`AWS::RDS::DBInstance`). */
  readonly resourceType: string;
  /** Why it counts as a data store: `an RDS DB instance`, `tagged cdk-layered-defense:data-classification=e-PHI`. */
  readonly reason: string;
  /** The internet first, then every workload group other than the data store itself. */
  readonly sources: ExposureSource[];
}
