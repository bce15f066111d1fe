/** How an endpoint finds workloads in the model (not part of the jsii surface). */
export interface EndpointLookup {
  /** The keys of the workloads whose construct path is `path` or lies under it. */
  workloadsUnder(path: string): string[];
  /** The keys of the workloads a stack (by name or id) declares under a logical id. */
  workloadByLogicalId(stackName: string, logicalId: string): string[];
}
