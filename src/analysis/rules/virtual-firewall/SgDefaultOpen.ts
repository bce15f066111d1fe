import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * The default security group of a VPC, which anything launched without a group joins, keeps AWS's rules (all
 * traffic from the group itself, all outbound) unless its rules are removed. CloudFormation cannot remove them;
 * CDK does it with the `Custom::VpcRestrictDefaultSG` resource (`restrictDefaultSecurityGroup: true`).
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
 */
export const SgDefaultOpen: LayeredDefenseRule = {
  id: 'LayeredDefense-SgDefaultOpen',
  level: 'error',
  layer: 'virtual firewall',
  hipaa: '164.312(e)(1)',
  summary: "A VPC's default security group keeps rules (AWS's defaults, or rules the app adds to it).",
  why: 'Resources launched without a security group join the default group; with its rules in place they can talk to each other and to anywhere outbound without anyone having allowed it.',
  fix: 'Set restrictDefaultSecurityGroup: true on the Vpc (HipaaSecureVpc does), and give every resource its own security group',
  evaluate(model) {
    const findings: RuleFinding[] = [];
    for (const vpc of model.vpcs) {
      if (vpc.defaultGroupRestrictions.length === 0) {
        findings.push({
          resource: vpc.resource,
          message: `the default security group of VPC ${vpc.resource.logicalId} keeps AWS's default rules (all traffic within the group, all outbound): no Custom::VpcRestrictDefaultSG removes them`,
        });
      }
      for (const rule of vpc.defaultGroupRules) {
        findings.push({ resource: rule.resource, message: `this ${rule.direction} rule is added to the default security group of VPC ${vpc.resource.logicalId}` });
      }
    }
    return findings;
  },
};
