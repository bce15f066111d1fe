// CDK-free helpers for judging templates written as plain objects: the shape the template reader hands the model.
import { CheckFinding, checkStacks } from '../../src/analysis/engine';
import { StackInput } from '../../src/analysis/model/network-model';
import { LayeredDefenseChecksProps } from '../../src/analysis/options';
import { resolveChecksOptions } from '../../src/analysis/resolve-options';
import { RULES } from '../../src/analysis/rules/registry';

/** Templates by stack id (the stack name is the id). */
export type Templates = Record<string, unknown>;

export function stacksOf(templates: Templates): StackInput[] {
  return Object.entries(templates).map(([id, template]) => ({ id, stackName: id, template }));
}

/** Every finding of the rules on the templates, judged together as one app. */
export function judge(templates: Templates, props: LayeredDefenseChecksProps = {}): CheckFinding[] {
  return checkStacks(stacksOf(templates), resolveChecksOptions('test', props, RULES.map((r) => r.id)));
}

/** `[ruleId, stack/logicalId]` pairs of the findings, for compact assertions. */
export function sites(findings: readonly CheckFinding[]): Array<[string, string]> {
  return findings.map((f) => [f.ruleId, `${f.resource.stack.id}/${f.resource.logicalId}`]);
}

/** The findings of one rule. */
export function ofRule(findings: readonly CheckFinding[], ruleId: string): CheckFinding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

/** A cross-stack value as the template reader writes it. */
export function stackRef(stackId: string, value: unknown): unknown {
  return { 'LayeredDefense::StackRef': { stackId, value } };
}

/** A VPC with one subnet and a custom NACL associated with it. */
export function networkStack(entries: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      FlowLog: { Type: 'AWS::EC2::FlowLog', Properties: { ResourceId: { Ref: 'Vpc' }, ResourceType: 'VPC', TrafficType: 'ALL' } },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' } },
      Nacl: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
      Assoc: { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, NetworkAclId: { Ref: 'Nacl' } } },
      ...entries,
    },
  };
}

/** A NACL entry resource. */
export function naclEntry(nacl: unknown, props: Record<string, unknown>): Record<string, unknown> {
  return { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: nacl, Protocol: -1, Egress: false, ...props } };
}
