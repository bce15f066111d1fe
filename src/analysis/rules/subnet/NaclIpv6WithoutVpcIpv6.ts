import { naclName } from './nacl-scopes';
import { IpFamily } from '../../../ip/family';
import { describeValue, targetKey } from '../../model/model-values';
import type { ModelResource, NaclEntryModel, NetworkModel } from '../../model/network-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A VPC carries IPv6 only once it has an IPv6 CIDR block, which CloudFormation gives it with an
 * `AWS::EC2::VPCCidrBlock` (`AmazonProvidedIpv6CidrBlock`, `Ipv6CidrBlock` with `Ipv6Pool`, or `Ipv6IpamPoolId`);
 * `AWS::EC2::VPC` has no IPv6 property. IPv6 NACL entries never match IPv4 traffic, so IPv6 DENY entries on a NACL of
 * an IPv4-only VPC block nothing: the blocklist's IPv6 half is a no-op, it spends entries of the quota, and it reads
 * as protection to a reviewer. Or the VPC does get IPv6 somewhere the templates do not show, and then its NACL
 * needs IPv6 allow entries too. A VPC that is not in the templates (imported) cannot be judged: "cannot verify".
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpccidrblock.html
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 */
export const NaclIpv6WithoutVpcIpv6: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclIpv6WithoutVpcIpv6',
  level: 'warning',
  layer: 'subnet',
  summary: 'A NACL has IPv6 DENY entries, but its VPC has no IPv6 CIDR block, so they match nothing.',
  why: 'IPv6 entries only ever match IPv6 traffic: in an IPv4-only VPC an IPv6 blocklist blocks nothing while it uses up NACL entries and looks like protection; if the VPC does get IPv6 elsewhere, the NACL is built on a wrong assumption.',
  fix: 'Drop the IPv6 ranges from the blocklist, or give the VPC an IPv6 block with an AWS::EC2::VPCCidrBlock (ec2.Vpc ipProtocol DUAL_STACK; IpBlocklistNacl then adds its IPv6 allow entries, or set vpcHasIpv6: true when the block comes from elsewhere)',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    let ipv6ByVpc: Map<string, Ipv6State> | undefined;
    for (const nacl of model.nacls) {
      const denies = nacl.entries.filter((e) => !e.builtIn && e.family === IpFamily.IPV6 && isDeny(e));
      if (denies.length === 0) {
        continue;
      }
      const vpc = model.resolveKey(nacl.vpcKey);
      if (!vpc || vpc.type !== 'AWS::EC2::VPC') {
        context.cannotVerify(nacl.resource, `whether the VPC of ${naclName(nacl)} has IPv6, which its IPv6 DENY entries need to match anything `
          + `(VpcId ${describeValue(nacl.resource.properties.VpcId ?? nacl.vpcKey)} is not a VPC of the templates)`);
        continue;
      }
      ipv6ByVpc ??= vpcIpv6States(model);
      const state = ipv6ByVpc.get(nacl.vpcKey);
      if (state?.kind === 'added') {
        continue;
      }
      if (state?.kind === 'unknown') {
        context.cannotVerify(nacl.resource, `whether VPC ${vpc.logicalId} gets IPv6, which the IPv6 DENY entries of ${naclName(nacl)} need to match anything (${state.what})`);
        continue;
      }
      // One finding per stack that adds the entries: on the NACL for its own stack's, on the entry for another's.
      const byStack = new Map<string, NaclEntryModel[]>();
      for (const entry of denies) {
        byStack.set(entry.resource.stack.id, [...(byStack.get(entry.resource.stack.id) ?? []), entry]);
      }
      for (const [stackId, entries] of byStack) {
        const site: ModelResource = stackId === nacl.resource.stack.id ? nacl.resource : entries[0].resource;
        const examples = entries.slice(0, 3).map(describeDeny).join(', ');
        findings.push({
          resource: site,
          message: `${naclName(nacl)} has ${entries.length} IPv6 DENY entr${entries.length > 1 ? 'ies' : 'y'} (${examples}${entries.length > 3 ? ', ...' : ''}), `
            + `but VPC ${vpc.logicalId} has no IPv6 CIDR block (no AWS::EC2::VPCCidrBlock with AmazonProvidedIpv6CidrBlock, Ipv6CidrBlock or Ipv6IpamPoolId), so they match nothing`,
        });
      }
    }
    return findings;
  },
};

type Ipv6State = { readonly kind: 'added' } | { readonly kind: 'unknown'; readonly what: string };

/** What the app's `AWS::EC2::VPCCidrBlock` resources do for IPv6, by VPC key: absent when they give none. */
function vpcIpv6States(model: NetworkModel): Map<string, Ipv6State> {
  const states = new Map<string, Ipv6State>();
  for (const block of model.ofType('AWS::EC2::VPCCidrBlock')) {
    const p = block.properties;
    const vpcKey = targetKey(p.VpcId, block.stack.id);
    const amazon = p.AmazonProvidedIpv6CidrBlock;
    if (amazon === true || amazon === 'true' || p.Ipv6CidrBlock !== undefined || p.Ipv6Pool !== undefined || p.Ipv6IpamPoolId !== undefined) {
      states.set(vpcKey, { kind: 'added' });
    } else if (amazon !== undefined && amazon !== false && amazon !== 'false' && states.get(vpcKey)?.kind !== 'added') {
      states.set(vpcKey, { kind: 'unknown', what: `AmazonProvidedIpv6CidrBlock of ${block.logicalId} is ${describeValue(amazon)}` });
    }
  }
  return states;
}

function isDeny(entry: NaclEntryModel): boolean {
  if (entry.normalized) {
    return entry.normalized.action === 'deny';
  }
  const action = entry.resource.properties.RuleAction;
  return typeof action === 'string' && action.toLowerCase() === 'deny';
}

function describeDeny(entry: NaclEntryModel): string {
  const p = entry.resource.properties;
  const rule = entry.ruleNumber !== undefined ? `rule ${entry.ruleNumber}` : entry.resource.logicalId;
  return `${entry.egress ? 'outbound' : entry.egress === false ? 'inbound' : ''} ${rule} ${describeValue(p.Ipv6CidrBlock)}`.trim();
}
