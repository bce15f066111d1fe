import { familyName, naclName } from './nacl-scopes';
import { IpFamily } from '../../../ip/family';
import { IpRange } from '../../../private/ip';
import { parseCidrNormalized } from '../../model/cidr-cache';
import { describeEntry } from '../../model/model-nacl';
import { describeValue, isLiteralString, targetKey } from '../../model/model-values';
import type { ModelResource, NaclModel, NetworkModel } from '../../model/network-model';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A DENY entry whose range covers part of its own VPC's CIDR blocks and reaches beyond them (a feed's `10.0.0.0/8`
 * on a VPC of `10.0.0.0/16`): it cuts the VPC's own traffic crossing the NACL's subnets, such as a load balancer
 * reaching its targets or private subnets reaching their NAT gateway. A DENY lying strictly inside one VPC block
 * is subnet segmentation, a legitimate NACL use, and is left alone.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 */
export const NaclDenyOwnVpc: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclDenyOwnVpc',
  level: 'error',
  layer: 'subnet',
  hipaa: '164.312(e)(1)',
  summary: "A NACL DENY entry covers part of its own VPC's CIDR blocks and reaches beyond them, as a blocklist range such as 10.0.0.0/8 does.",
  why: "NACLs are stateless and filter every packet crossing the subnet edge, so denying the VPC's own addresses cuts its internal traffic (load balancer to targets, subnets to their NAT gateway) as well as the outside range meant.",
  fix: "Remove the VPC's own ranges from the blocklist (IpBlocklistNacl and BlocklistFeed refuse them), or deny only the outside ranges",
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    // A VPC's blocks are read once, for all its NACLs; the VPCCidrBlock resources are grouped by VPC once.
    const blocksOfVpc = new Map<string, VpcBlocks>();
    let cidrBlocks: Map<string, ModelResource[]> | undefined;
    for (const nacl of model.nacls) {
      const denies = nacl.entries.filter((e) => !e.builtIn && e.normalized?.action === 'deny');
      if (denies.length === 0) {
        continue;
      }
      let blocks = blocksOfVpc.get(nacl.vpcKey);
      if (blocks === undefined) {
        cidrBlocks ??= cidrBlocksByVpc(model);
        blocks = vpcBlocks(model, nacl, cidrBlocks.get(nacl.vpcKey) ?? []);
        // Kept for the VPC's other NACLs only when the VPC is one of the templates (an imported one is named by the
        // NACL's own VpcId).
        if (model.resolveKey(nacl.vpcKey)?.type === 'AWS::EC2::VPC') {
          blocksOfVpc.set(nacl.vpcKey, blocks);
        }
      }
      for (const unknown of blocks.unknown) {
        if (denies.some((e) => e.family === unknown.family)) {
          context.cannotVerify(nacl.resource, `whether ${naclName(nacl)}'s ${familyName(unknown.family)} DENY entries cover the VPC's own addresses (${unknown.what})`);
        }
      }
      for (const entry of denies) {
        const range = entry.normalized!.range;
        const block = blocks.known.find((b) => overlaps(b.range, range) && !insideStrictly(range, b.range));
        if (block) {
          findings.push({
            resource: entry.resource,
            message: `${entry.egress ? 'outbound' : 'inbound'} ${describeEntry(entry.normalized!)} covers the VPC's own CIDR block ${block.text} (${block.source}): `
              + 'it denies the VPC\'s internal traffic crossing the subnets of this NACL',
          });
        }
      }
    }
    return findings;
  },
};

interface KnownBlock {
  readonly range: IpRange;
  readonly text: string;
  readonly source: string;
}

interface VpcBlocks {
  readonly known: KnownBlock[];
  readonly unknown: Array<{ family: IpFamily; what: string }>;
}

/** The app's AWS::EC2::VPCCidrBlock resources by the key of the VPC they name. */
function cidrBlocksByVpc(model: NetworkModel): Map<string, ModelResource[]> {
  const byVpc = new Map<string, ModelResource[]>();
  for (const block of model.byType().get('AWS::EC2::VPCCidrBlock') ?? []) {
    const vpcKey = targetKey(block.properties.VpcId, block.stack.id);
    const blocks = byVpc.get(vpcKey);
    if (blocks === undefined) {
      byVpc.set(vpcKey, [block]);
    } else {
      blocks.push(block);
    }
  }
  return byVpc;
}

/**
 * The CIDR blocks the model gives the NACL's VPC: its CidrBlock and the AWS::EC2::VPCCidrBlock resources naming it
 * (`cidrBlocks`, those of the VPC).
 */
function vpcBlocks(model: NetworkModel, nacl: NaclModel, cidrBlocks: readonly ModelResource[]): VpcBlocks {
  const known: KnownBlock[] = [];
  const unknown: Array<{ family: IpFamily; what: string }> = [];
  const vpc = model.resolveKey(nacl.vpcKey);
  if (!vpc || vpc.type !== 'AWS::EC2::VPC') {
    // An imported VPC: its blocks are not in the templates, and a DENY may cover them.
    const what = `VpcId ${describeValue(nacl.resource.properties.VpcId ?? nacl.vpcKey)} is not a VPC of the templates`;
    unknown.push({ family: IpFamily.IPV4, what }, { family: IpFamily.IPV6, what });
    return { known, unknown };
  }
  const read = (resource: ModelResource, value: unknown, property: string, family: IpFamily) => {
    // Host bits set (10.2.0.1/16) still name the block; InvalidValue judges the notation.
    const parsed = parseCidrNormalized(value);
    if (typeof parsed !== 'string' && parsed.family === family) {
      known.push({ range: parsed, text: String(value), source: `${property} of ${resource.logicalId}` });
    } else if (isLiteralString(value)) {
      // Not a CIDR of its family: EC2 rejects the block, and InvalidValue reports it. Nothing is unknown.
    } else {
      unknown.push({ family, what: `${property} of ${resource.logicalId} is ${describeValue(value)}` });
    }
  };
  if (model.malformed.has(vpc.key)) {
    // Its Properties cannot be read: InvalidValue reports the VPC, which CloudFormation rejects. Nothing is unknown.
  } else if (vpc.properties.CidrBlock !== undefined) {
    read(vpc, vpc.properties.CidrBlock, 'CidrBlock', IpFamily.IPV4);
  } else if (vpc.properties.Ipv4IpamPoolId !== undefined) {
    unknown.push({ family: IpFamily.IPV4, what: `the IPv4 block of ${vpc.logicalId} comes from an IPAM pool` });
  }
  // Neither: InvalidValue reports the VPC, which CloudFormation rejects. Nothing is unknown.
  for (const block of cidrBlocks) {
    const p = block.properties;
    if (p.CidrBlock !== undefined) {
      read(block, p.CidrBlock, 'CidrBlock', IpFamily.IPV4);
    } else if (p.Ipv4IpamPoolId !== undefined) {
      unknown.push({ family: IpFamily.IPV4, what: `the IPv4 block of ${block.logicalId} comes from an IPAM pool` });
    }
    if (p.Ipv6CidrBlock !== undefined) {
      read(block, p.Ipv6CidrBlock, 'Ipv6CidrBlock', IpFamily.IPV6);
    } else if (p.AmazonProvidedIpv6CidrBlock !== undefined && p.AmazonProvidedIpv6CidrBlock !== false && p.AmazonProvidedIpv6CidrBlock !== 'false'
      || p.Ipv6IpamPoolId !== undefined || p.Ipv6Pool !== undefined) {
      unknown.push({ family: IpFamily.IPV6, what: `the IPv6 block of ${block.logicalId} is assigned by AWS at deploy` });
    }
  }
  return { known, unknown };
}

function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

function insideStrictly(inner: IpRange, outer: IpRange): boolean {
  return inner.family === outer.family && inner.first >= outer.first && inner.last <= outer.last
    && (inner.first !== outer.first || inner.last !== outer.last);
}
