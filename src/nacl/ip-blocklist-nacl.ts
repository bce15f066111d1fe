import { Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import {
  BlocklistPlan,
  DEFAULT_MAX_ENTRIES_PER_DIRECTION,
  IPV6_BUDGET_UNIT,
  LARGEST_MAX_ENTRIES_PER_DIRECTION,
  NON_DENY_ENTRIES_PER_FAMILY,
  PlannedNaclEntry,
  describeOverflow,
  planBlocklistNacl,
} from './plan';
import { IpFamily } from '../ip/family';
import { addLayeredDefenseWarning, constructError } from '../private/errors';
import { ParsedCidr, embeddedIpv4Reason, formatCidr, parseCidr } from '../private/ip';

/**
 * Properties of an `IpBlocklistNacl`.
 */
export interface IpBlocklistNaclProps {
  /**
   * The VPC of the subnets to protect: an `ec2.Vpc`, a `HipaaSecureVpc`, or an imported VPC
   * (`Vpc.fromLookup`, `Vpc.fromVpcAttributes`).
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets to protect. Their current network ACL association is replaced by this blocklist's NACL (a subnet
   * has exactly one NACL), so each subnet can be in one blocklist only.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/network-acls.html
   */
  readonly subnetSelection: ec2.SubnetSelection;

  /**
   * The sources and destinations to deny, for every protocol and in both directions: IPv4 or IPv6 CIDRs
   * (`203.0.113.0/24`, `2001:db8:bad::/48`) or single addresses (`198.51.100.7`). Overlapping and adjacent ranges are
   * merged exactly; a CIDR listed twice, host bits, `/0` and unresolved tokens are errors. Add more with
   * `addBlockedCidrs()`.
   */
  readonly blockedCidrs: string[];

  /**
   * Entries a NACL may hold per direction and IP family, the `*` entry included (the account's
   * "Rules per network ACL" quota). Two of them are taken by the allow-all entry and the `*` entry, so the default
   * leaves 18 deny entries per direction and family. Set it (up to 40) only after AWS has raised the quota for the
   * account and Region.
   *
   * @default 20
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
   */
  readonly maxEntriesPerDirection?: number;

  /**
   * How many IPv4 addresses beyond the listed ranges may be blocked when the exact merge of the IPv4 ranges needs more
   * deny entries than fit. When it does not fit, the construct computes the cover that fits with the fewest extra
   * addresses and uses it only if those extra addresses are within this budget (a warning reports the exact figure);
   * otherwise synth fails with the figure it would need.
   *
   * @default 0 - IPv4 ranges are never widened: ranges that do not fit are an error
   */
  readonly maxCollateralIpv4Addresses?: number;

  /**
   * The IPv6 counterpart of `maxCollateralIpv4Addresses`, counted in /64 networks (2^64 addresses each), since IPv6
   * address counts do not fit in a number. The comparison with the cover's extra addresses is exact.
   *
   * @default 0 - IPv6 ranges are never widened: ranges that do not fit are an error
   */
  readonly maxCollateralIpv6Slash64s?: number;

  /**
   * Whether the VPC carries IPv6 traffic, which decides whether the NACL gets the IPv6 allow-all entries (without
   * them a custom NACL drops all IPv6 traffic).
   *
   * @default - detected for a VPC defined in this app (true when it has an IPv6 CIDR block, as an `ec2.Vpc` with
   * `ipProtocol: DUAL_STACK` does); true for an imported VPC, whose CIDR blocks synth cannot see (an IPv6 allow entry
   * in an IPv4-only VPC matches nothing, while a missing one would drop all IPv6 traffic)
   */
  readonly vpcHasIpv6?: boolean;

  /**
   * The name of the NACL, recorded in its `Name` tag.
   *
   * @default - the CDK-generated name
   */
  readonly networkAclName?: string;
}

/**
 * A network ACL that denies known-bad IPv4 and IPv6 ranges (bots, bad reputation, an attacker to cut off now) for
 * every protocol and in both directions on the selected subnets, and allows all other traffic: the NACL is a
 * blocklist, security groups do the allowing. NACLs are stateless and act at once, which is what cutting a source
 * off needs (security-group changes leave tracked connections open).
 *
 * Layout of each direction (rule numbers 1-99 are left for your own entries):
 *
 * | rule numbers | entries |
 * |---|---|
 * | 100-15999 | IPv4 deny, one per merged range |
 * | 16100-31999 | IPv6 deny, one per merged range |
 * | 32000 | IPv4 allow all |
 * | 32001 | IPv6 allow all (only when the VPC has IPv6) |
 *
 * Safe updates: each entry's construct id (and so its logical id) is a function of its slot, the direction and rule
 * number (`IngressDeny1234`), and a range's number is derived from a hash of the range, so a range keeps its entry
 * when others are added or removed, moving a range is an in-place update, and a new entry never gets a slot an entry
 * being deleted still holds (CloudFormation creates before it deletes, and EC2 rejects a duplicate rule number).
 *
 * Entries are planned when the blocklist changes (constructor, `addBlockedCidrs`); a set that does not fit the
 * quota fails synth (a later, covering range may still make it fit), while a bad CIDR throws at the call.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 */
export class IpBlocklistNacl extends Construct {
  /** The NACL associated with the selected subnets. Add your own entries only with rule numbers 1-99. */
  public readonly networkAcl: ec2.INetworkAcl;

  /** The subnets whose NACL this blocklist replaces. */
  public readonly subnets: ec2.ISubnet[];

  /** Whether the NACL has the IPv6 allow-all entries. */
  public readonly allowsIpv6: boolean;

  private readonly acl: ec2.NetworkAcl;
  private readonly maxEntriesPerDirection: number;
  private readonly budget: { readonly ipv4: bigint; readonly ipv6: bigint };
  private readonly listed = new Map<string, string>();
  private readonly entries = new Map<string, ec2.CfnNetworkAclEntry>();
  private plan!: BlocklistPlan;
  private reportedPlan?: BlocklistPlan;

  constructor(scope: Construct, id: string, props: IpBlocklistNaclProps) {
    super(scope, id);

    this.maxEntriesPerDirection = checkInteger(this, 'maxEntriesPerDirection', props.maxEntriesPerDirection,
      DEFAULT_MAX_ENTRIES_PER_DIRECTION, NON_DENY_ENTRIES_PER_FAMILY + 1, LARGEST_MAX_ENTRIES_PER_DIRECTION,
      'Use the "Rules per network ACL" quota of the account (20 unless AWS raised it, 40 at most).');
    const ipv4Budget = checkInteger(this, 'maxCollateralIpv4Addresses', props.maxCollateralIpv4Addresses, 0, 0, 2 ** 32,
      'Give the number of extra IPv4 addresses a lossy cover may block.');
    const ipv6Budget = checkInteger(this, 'maxCollateralIpv6Slash64s', props.maxCollateralIpv6Slash64s, 0, 0,
      Number.MAX_SAFE_INTEGER, 'Give the number of extra /64 networks a lossy cover may block.');
    this.budget = { ipv4: BigInt(ipv4Budget), ipv6: BigInt(ipv6Budget) * IPV6_BUDGET_UNIT };

    this.subnets = selectSubnets(this, props.vpc, props.subnetSelection);
    claimSubnets(this, this.subnets);
    this.allowsIpv6 = props.vpcHasIpv6 ?? detectVpcIpv6(props.vpc);

    this.acl = new ec2.NetworkAcl(this, 'NetworkAcl', {
      vpc: props.vpc,
      networkAclName: props.networkAclName,
      subnetSelection: { subnets: this.subnets },
    });
    this.networkAcl = this.acl;
    // cdk-nag AwsSolutions-VPC3 asks to use NACLs sparingly; explicitly denying known-bad sources for every protocol
    // is the job they exist for, so acknowledge it on this NACL (and its entries) only.
    Validations.of(this.acl).acknowledge({
      id: 'AwsSolutions::AwsSolutions-VPC3',
      reason: 'IpBlocklistNacl: a blocklist NACL is the job NACLs exist for (explicit, stateless deny of known-bad '
        + 'sources for every protocol); security groups still do the allowing.',
    });

    this.addCidrs(props.blockedCidrs, 'blockedCidrs');
    this.node.addValidation({ validate: () => this.validatePlan() });
  }

  /**
   * Block more ranges. A malformed CIDR, host bits, `/0`, an unresolved token, an empty list or a CIDR already listed
   * throws here; whether the whole set fits the quota is checked at synth.
   */
  public addBlockedCidrs(cidrs: string[]): void {
    this.addCidrs(cidrs, 'addBlockedCidrs()');
  }

  /** The blocked ranges as listed (canonical form, in the order added), before merging. */
  public get blockedCidrs(): string[] {
    return [...this.listed.keys()];
  }

  /**
   * The CIDRs the deny entries of a family hold: the exact merge of the blocked ranges, or the lossy cover when it was
   * needed and within budget. Throws when the family does not fit.
   */
  public plannedDenyCidrs(family: IpFamily): string[] {
    return [...this.familyPlan(family).denyCidrs];
  }

  /**
   * Addresses of a family the deny entries block beyond the listed ranges, as an exact decimal string ("0" unless a
   * lossy cover is used). Throws when the family does not fit.
   */
  public collateralAddresses(family: IpFamily): string {
    return this.familyPlan(family).extraAddresses.toString();
  }

  private familyPlan(family: IpFamily) {
    const plan = family === IpFamily.IPV4 ? this.plan.ipv4 : this.plan.ipv6;
    if (plan.overflowCoverExtra !== undefined) {
      throw constructError(this, describeOverflow(plan, this.maxEntriesPerDirection));
    }
    return plan;
  }

  private addCidrs(cidrs: string[], what: string): void {
    if (Token.isUnresolved(cidrs)) {
      throw constructError(this, `${what} is an unresolved list token; a blocklist is planned at synth, so list the `
        + 'CIDRs as literal strings.');
    }
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      throw constructError(this, `${what} is empty; list at least one CIDR to block (for example '203.0.113.0/24').`);
    }
    const batch = new Map<string, string>();
    cidrs.forEach((text, i) => {
      const cidr = parseBlockedCidr(this, text, `${what}[${i}]`);
      const canonical = formatCidr(cidr);
      const earlier = this.listed.get(canonical) ?? batch.get(canonical);
      if (earlier !== undefined) {
        throw constructError(this, `${what}[${i}] '${text}' is already blocked (listed as '${earlier}'); `
          + 'remove the duplicate.');
      }
      batch.set(canonical, text);
    });
    // Plan the candidate set before accepting it: ranges that are each valid can still add up to everything.
    const plan = planBlocklistNacl([...this.listed.keys(), ...batch.keys()], {
      maxEntriesPerDirection: this.maxEntriesPerDirection,
      ipv6AllowAll: this.allowsIpv6,
      collateralBudget: this.budget,
    });
    for (const family of [plan.ipv4, plan.ipv6]) {
      const everything = family.family === IpFamily.IPV4 ? '0.0.0.0/0' : '::/0';
      if (family.exactCidrs.includes(everything)) {
        const name = family.family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
        throw constructError(this, `${what} makes the blocked ${name} ranges add up to every ${name} address `
          + `('${everything}'), which is never what a blocklist means; list only the ranges to block.`);
      }
    }
    for (const [canonical, text] of batch) {
      this.listed.set(canonical, text);
    }
    this.apply(plan);
  }

  private apply(plan: BlocklistPlan): void {
    this.plan = plan;
    if (!this.plan.ok) {
      // Synth fails in validatePlan; keep the tree as it was rather than half a blocklist.
      return;
    }
    const wanted = new Map<string, PlannedNaclEntry>(this.plan.entries.map((e) => [e.id, e]));
    for (const [id] of this.entries) {
      if (!wanted.has(id)) {
        this.acl.node.tryRemoveChild(id);
        this.entries.delete(id);
      }
    }
    for (const entry of this.plan.entries) {
      const cidrBlock = entry.family === IpFamily.IPV4 ? entry.cidr : undefined;
      const ipv6CidrBlock = entry.family === IpFamily.IPV6 ? entry.cidr : undefined;
      const existing = this.entries.get(entry.id);
      if (existing) {
        existing.cidrBlock = cidrBlock;
        existing.ipv6CidrBlock = ipv6CidrBlock;
        continue;
      }
      this.entries.set(entry.id, new ec2.CfnNetworkAclEntry(this.acl, entry.id, {
        networkAclId: this.acl.networkAclId,
        egress: entry.egress,
        ruleNumber: entry.ruleNumber,
        ruleAction: entry.action,
        protocol: -1,
        cidrBlock,
        ipv6CidrBlock,
      }));
    }
  }

  private validatePlan(): string[] {
    const errors: string[] = [];
    for (const family of [this.plan.ipv4, this.plan.ipv6]) {
      if (family.overflowCoverExtra !== undefined) {
        errors.push(describeOverflow(family, this.maxEntriesPerDirection));
      }
    }
    if (errors.length === 0 && this.reportedPlan !== this.plan) {
      // Reported at synth, once per plan, so that a later addBlockedCidrs() cannot leave a stale figure behind.
      this.reportedPlan = this.plan;
      for (const family of [this.plan.ipv4, this.plan.ipv6]) {
        if (family.lossy) {
          const name = family.family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
          addLayeredDefenseWarning(this, 'NaclLossyCover', `The ${family.exactCidrs.length} ${name} ranges do not fit in `
            + `${family.capacity} deny entries, so the NACL uses the best ${family.denyCidrs.length}-entry cover, which `
            + `also blocks ${family.extraAddresses} ${name} addresses that are not in blockedCidrs (budget `
            + `${family.budget} addresses). Raise the NACL quota, or block the rest at the WAF layer for HTTP traffic, to block `
            + 'exactly.');
        }
      }
      if (!this.allowsIpv6 && this.plan.ipv6.exactCidrs.length > 0) {
        addLayeredDefenseWarning(this, 'NaclIpv6WithoutVpcIpv6', 'blockedCidrs include IPv6 ranges (for example '
          + `'${this.plan.ipv6.exactCidrs[0]}') but the VPC has no IPv6, so their deny entries match nothing. Set `
          + 'vpcHasIpv6 if the VPC does carry IPv6 traffic.');
      }
    }
    return errors;
  }
}

function parseBlockedCidr(scope: IConstruct, text: unknown, where: string): ParsedCidr {
  if (typeof text !== 'string') {
    throw constructError(scope, `${where} is ${JSON.stringify(text)}, not a CIDR string.`);
  }
  if (Token.isUnresolved(text)) {
    throw constructError(scope, `${where} '${text}' is an unresolved token; a blocklist is planned at synth (rule `
      + 'numbers and quota), so give the CIDR as a literal string.');
  }
  let cidr: ParsedCidr;
  try {
    // Strict: host bits, whitespace and malformed values are errors whose message says what to write instead.
    cidr = parseCidr(text);
  } catch (e) {
    throw constructError(scope, `${where}: ${(e as Error).message}`);
  }
  if (cidr.prefixLength === 0) {
    throw constructError(scope, `${where} '${text}' blocks every ${cidr.family === IpFamily.IPV4 ? 'IPv4' : 'IPv6'} `
      + 'address, which is never what a blocklist means; list the ranges to block.');
  }
  const embedded = embeddedIpv4Reason(cidr);
  if (embedded) {
    throw constructError(scope, `${where} '${text}' ${embedded}.`);
  }
  return cidr;
}

function checkInteger(scope: IConstruct, name: string, value: number | undefined, fallback: number, min: number,
  max: number, fix: string): number {
  if (value === undefined) {
    return fallback;
  }
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min || value > max) {
    throw constructError(scope, `${name} is ${Token.isUnresolved(value) ? 'an unresolved token' : value}; it must be `
      + `an integer from ${min} to ${max}. ${fix}`);
  }
  return value;
}

function selectSubnets(scope: IConstruct, vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] {
  let subnets: ec2.ISubnet[];
  try {
    subnets = vpc.selectSubnets(selection).subnets;
  } catch (e) {
    throw constructError(scope, `subnetSelection ${describeSelection(selection)} selects no subnets of VPC `
      + `'${vpc.node.path}': ${(e as Error).message}`);
  }
  if (subnets.length === 0) {
    throw constructError(scope, `subnetSelection ${describeSelection(selection)} selects no subnets of VPC `
      + `'${vpc.node.path}'; select the subnets the blocklist protects (for example { subnetType: SubnetType.PUBLIC }).`);
  }
  return subnets;
}

function describeSelection(selection: ec2.SubnetSelection): string {
  const parts: string[] = [];
  if (selection.subnetType !== undefined) parts.push(`subnetType: ${selection.subnetType}`);
  if (selection.subnetGroupName !== undefined) parts.push(`subnetGroupName: '${selection.subnetGroupName}'`);
  if (selection.availabilityZones !== undefined) parts.push(`availabilityZones: [${selection.availabilityZones.join(', ')}]`);
  if (selection.onePerAz !== undefined) parts.push(`onePerAz: ${selection.onePerAz}`);
  if (selection.subnets !== undefined) parts.push(`subnets: ${selection.subnets.length} subnets`);
  if (selection.subnetFilters !== undefined) parts.push(`subnetFilters: ${selection.subnetFilters.length} filters`);
  return `{ ${parts.join(', ')} }`;
}

/** Which blocklist holds each subnet, per app: a subnet has one NACL, so a second blocklist would replace the first. */
const SUBNET_OWNERS = new WeakMap<IConstruct, Map<string, string>>();

function claimSubnets(blocklist: IConstruct, subnets: ec2.ISubnet[]): void {
  const root = blocklist.node.root;
  let owners = SUBNET_OWNERS.get(root);
  if (!owners) {
    owners = new Map();
    SUBNET_OWNERS.set(root, owners);
  }
  const keys = subnets.map((s) => (Token.isUnresolved(s.subnetId) ? `path:${s.node.path}` : `id:${s.subnetId}`));
  keys.forEach((key, i) => {
    const owner = owners!.get(key);
    if (owner !== undefined) {
      const name = Token.isUnresolved(subnets[i].subnetId) ? subnets[i].node.path : subnets[i].subnetId;
      throw constructError(blocklist, `subnet '${name}' is already protected by the blocklist '${owner}'; a subnet has `
        + 'one NACL, so put all its blocked ranges in one IpBlocklistNacl (addBlockedCidrs) or select other subnets.');
    }
  });
  for (const key of keys) {
    owners.set(key, blocklist.node.path);
  }
}

/** An IPv6 CIDR block on a VPC defined in this app; an imported VPC (no CfnVPC in its tree) counts as IPv6. */
function detectVpcIpv6(vpc: ec2.IVpc): boolean {
  const resources = vpc.node.findAll();
  if (!resources.some((c) => c instanceof ec2.CfnVPC)) {
    return true;
  }
  return resources.some((c) => c instanceof ec2.CfnVPCCidrBlock
    && (c.amazonProvidedIpv6CidrBlock === true || c.ipv6CidrBlock !== undefined || c.ipv6IpamPoolId !== undefined
      || c.ipv6Pool !== undefined));
}
