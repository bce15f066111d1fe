import { isLiteralString, quoteValue } from '../../model/model-values';
import { FlowLogModel } from '../../model/network-model';
import { LayeredDefenseRule, RuleFinding, RuleContext } from '../rule';

/**
 * Every VPC needs flow logs capturing ALL traffic (accepted and rejected): the network audit trail. A VPC-level
 * flow log counts, and so do subnet-level ALL flow logs covering every subnet of the VPC in this stack.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
 */
export const VpcFlowLogs: LayeredDefenseRule = {
  id: 'LayeredDefense-VpcFlowLogs',
  level: 'error',
  layer: 'audit',
  hipaa: '164.312(b)',
  summary: 'A VPC has no flow log, or its flow logs capture only accepted or only rejected traffic.',
  why: 'Flow logs are the record of which addresses reached which interfaces; without ALL traffic there is no audit trail for allowed connections (or for the blocked attempts).',
  fix: 'Add a flow log with trafficType ALL (Vpc flowLogs, or HipaaSecureVpc which adds one)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const vpc of model.vpcs) {
      const vpcLevel = vpc.flowLogs.filter((f) => f.resourceType === 'VPC');
      if (vpcLevel.some((f) => capturesAll(f, context))) {
        continue;
      }
      const subnetLevel = (key: string) => model.flowLogs.filter((f) => f.resourceType === 'Subnet' && f.targetKey === key);
      if (vpc.subnets.length > 0 && vpc.subnets.every((s) => subnetLevel(s.key).some((f) => capturesAll(f, context)))) {
        continue;
      }
      const partial = [...vpcLevel, ...vpc.subnets.flatMap((s) => subnetLevel(s.key))].filter((f) => isLiteralString(f.trafficType));
      findings.push({
        resource: vpc.resource,
        message: partial.length > 0
          ? `VPC ${vpc.resource.logicalId} has flow logs capturing only ${[...new Set(partial.map((f) => f.trafficType))].join(', ')} traffic, not ALL`
          : `VPC ${vpc.resource.logicalId} has no flow log`,
      });
    }
    return findings;
  },
};

function capturesAll(flowLog: FlowLogModel, context: RuleContext): boolean {
  if (!isLiteralString(flowLog.trafficType)) {
    context.cannotVerify(flowLog.resource, `the captured traffic (TrafficType ${quoteValue(flowLog.trafficType)})`);
    return true; // reported as cannot verify, not as missing
  }
  return flowLog.trafficType === 'ALL';
}
