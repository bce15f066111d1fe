import { Stack, Token, Validations } from 'aws-cdk-lib';
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
import { addLayeredDefenseInfo, addLayeredDefenseWarning, constructError } from '../private/errors';
import {
  IpRange,
  NON_PUBLIC_RANGE_LIST,
  ParsedCidr,
  countAddresses,
  embeddedIpv4Reason,
  formatCidr,
  mergeCidrStringsToRanges,
  nonPublicOverlap,
  parseCidr,
} from '../private/ip';
import { PathAllowlistWaf } from '../waf/path-allowlist-waf';

/**
 * How an `IpBlocklistNacl` plans its entries: the quota, what may be widened or sent elsewhere, and what is refused.
 * `HipaaSecureVpc` takes the same options as `blocklistOptions`.
 */
export interface IpBlocklistNaclOptions {
  /**
   * Accept CIDRs whose host bits are set and clear them (`198.51.100.7/24` blocks `198.51.100.0/24`), as
   * `CidrSet.fromCidrs` does with the same option.
   *
   * @default false - host bits set is an error, because `198.51.100.7/24` usually means the author meant a /32
   */
  readonly normalizeHostBits?: boolean;

  /**
   * Allow blocking ranges that carry a network's own traffic or never appear on the internet: RFC 1918
   * (`10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`), shared space `100.64.0.0/10` (carrier NAT, EKS custom
   * networking), `0.0.0.0/8`, `127.0.0.0/8`, link-local `169.254.0.0/16`, multicast and reserved `224.0.0.0/3`;
   * IPv6 `::/128`, `::1/128`, `fc00::/7`, `fe80::/10` and `ff00::/8`. Set it only to cut off a peer network
   * (an on-premises range over a VPN, say). Ranges overlapping the VPC's own CIDR blocks stay errors, and a lossy
   * cover never widens into these ranges either way. Documentation ranges (`192.0.2.0/24`, `198.51.100.0/24`,
   * `203.0.113.0/24`, `2001:db8::/32`) are always allowed.
   *
   * @default false - such ranges are errors naming the range and why it is refused
   * @see https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry.xhtml
   */
  readonly allowNonPublicRanges?: boolean;

  /**
   * Entries per direction and IP family kept free for entries others write into this NACL with rule numbers 1-99,
   * such as a GuardDuty responder (aws-samples/amazon-guardduty-waf-acl writes rules 71-80): they count against
   * `maxEntriesPerDirection`, so the responder cannot run the NACL out of entries. The blocklist never uses 1-99.
   *
   * @default 0 - no room is kept; entries added outside this construct may exceed the quota
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
   */
  readonly reservedEntries?: number;

  /**
   * A web ACL that blocks, for HTTP traffic, the ranges that do not fit the NACL. When the exact ranges of a
   * family do not fit (and no lossy cover within the collateral budget does), the ranges covering the most
   * addresses stay exact NACL entries, which block every protocol, and the rest go to the web ACL's blocked
   * sources (`PathAllowlistWaf.addBlockedSources`), which block HTTP requests to the resources the web ACL
   * protects. An info annotation reports the split.
   *
   * @default - ranges that do not fit are an error
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-ip-set-managing.html
   */
  readonly overflowWaf?: PathAllowlistWaf;

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
 * Properties of an `IpBlocklistNacl`.
 */
export interface IpBlocklistNaclProps extends IpBlocklistNaclOptions {
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
   * (`203.0.113.0/24`, `2001:db8:bad::/48`) or single addresses (`198.51.100.7`). Overlapping, adjacent and repeated
   * ranges are merged exactly (a feed repeats itself); host bits (unless `normalizeHostBits`), `/0`, unresolved tokens,
   * a range overlapping the VPC's own CIDR blocks and non-public ranges (unless `allowNonPublicRanges`) are errors.
   * Add more with `addBlockedCidrs()`; read a threat feed with `BlocklistFeed`.
   */
  readonly blockedCidrs: string[];
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
 * | 1-99 | never used: yours and responders' (`reservedEntries` keeps room for them in the quota) |
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
  private readonly reservedEntries: number;
  private readonly budget: { readonly ipv4: bigint; readonly ipv6: bigint };
  private readonly normalizeHostBits: boolean;
  private readonly allowNonPublicRanges: boolean;
  private readonly vpc: ec2.IVpc;
  private readonly overflowWafs: PathAllowlistWaf[] = [];
  private optionsPrefix = '';
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
    this.reservedEntries = checkInteger(this, 'reservedEntries', props.reservedEntries, 0, 0,
      this.maxEntriesPerDirection - NON_DENY_ENTRIES_PER_FAMILY - 1,
      `Keep at least one deny entry per direction: with maxEntriesPerDirection ${this.maxEntriesPerDirection}, at most `
      + `${this.maxEntriesPerDirection - NON_DENY_ENTRIES_PER_FAMILY - 1} entries can be reserved.`);
    this.normalizeHostBits = props.normalizeHostBits === true;
    this.allowNonPublicRanges = props.allowNonPublicRanges === true;
    this.vpc = props.vpc;
    if (props.overflowWaf) {
      this.overflowWafs.push(props.overflowWaf);
    }

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
   * The ranges sent to `overflowWaf` because they did not fit the NACL, as canonical CIDRs (IPv4, then IPv6);
   * empty without `overflowWaf` or when everything fits.
   */
  public get overflowCidrs(): string[] {
    return this.plan.ok ? [...this.plan.ipv4.overflowCidrs, ...this.plan.ipv6.overflowCidrs] : [];
  }

  /**
   * Block more ranges. A malformed CIDR, host bits, `/0`, an unresolved token, an empty list or a CIDR already listed
   * throws here; whether the whole set fits the quota is checked at synth.
   */
  public addBlockedCidrs(cidrs: string[]): void {
    this.addCidrs(cidrs, 'addBlockedCidrs()');
  }

  /**
   * Send the ranges that do not fit the NACL to this web ACL too (as `overflowWaf` does), and re-plan: from now on,
   * ranges that fit neither exactly nor within the collateral budget are blocked at every such web ACL for HTTP.
   *
   * @param waf the web ACL whose blocked sources take the overflow
   */
  public addOverflowWaf(waf: PathAllowlistWaf): void {
    if (!(waf instanceof PathAllowlistWaf)) {
      throw constructError(this, 'addOverflowWaf: expected a PathAllowlistWaf');
    }
    if (this.overflowWafs.includes(waf)) {
      return;
    }
    this.overflowWafs.push(waf);
    this.apply(this.planFor([...this.listed.keys()], vpcCidrBlocks(this.vpc).known));
  }

  /**
   * Where the options live for the user when this blocklist belongs to another construct (`blocklistOptions.` on a
   * HipaaSecureVpc), so errors name the option they can set.
   * @internal
   */
  public _setOptionsPrefix(prefix: string): void {
    this.optionsPrefix = prefix;
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
      throw constructError(this, describeOverflow(plan, this.maxEntriesPerDirection, this.optionsPrefix));
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
    const vpcBlocks = vpcCidrBlocks(this.vpc);
    const batch = new Map<string, string>();
    cidrs.forEach((text, i) => {
      const where = `${what}[${i}]`;
      const cidr = parseBlockedCidr(this, text, where, this.normalizeHostBits);
      this.refuseUnsafe(cidr, text, where, vpcBlocks.known);
      const canonical = formatCidr(cidr);
      // A range listed twice is merged like any overlap: feeds repeat themselves.
      if (!this.listed.has(canonical) && !batch.has(canonical)) {
        batch.set(canonical, text);
      }
    });
    // Plan the candidate set before accepting it: ranges that are each valid can still add up to everything.
    const plan = this.planFor([...this.listed.keys(), ...batch.keys()], vpcBlocks.known);
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

  private planFor(cidrs: string[], vpcBlocks: readonly KnownVpcBlock[]): BlocklistPlan {
    return planBlocklistNacl(cidrs, {
      maxEntriesPerDirection: this.maxEntriesPerDirection,
      reservedEntries: this.reservedEntries,
      ipv6AllowAll: this.allowsIpv6,
      collateralBudget: this.budget,
      // A lossy cover never widens into the VPC's own blocks or non-public space, whatever allowNonPublicRanges says.
      protectedRanges: [...NON_PUBLIC_RANGE_LIST, ...vpcBlocks.map((b) => b.block)],
      overflow: this.overflowWafs.length > 0,
    });
  }

  /**
   * A deny entry on a range the VPC itself uses cuts the VPC's own traffic crossing these subnets (the load balancer
   * to its targets, private subnets to their NAT gateway); non-public ranges carry a network's own traffic or never
   * come from the internet.
   */
  private refuseUnsafe(cidr: ParsedCidr, text: string, where: string, vpcBlocks: readonly KnownVpcBlock[]): void {
    const vpcBlock = vpcBlocks.find((b) => overlaps(b.block, cidr));
    if (vpcBlock) {
      throw constructError(this, `${where} '${text}' overlaps the VPC's CIDR block '${vpcBlock.text}' (${vpcBlock.source}): `
        + 'denying it would cut the VPC\'s own traffic crossing these subnets (load balancer to targets, subnets to '
        + 'their NAT gateway). Remove it from the list (BlocklistFeed drops such lines), or block a range outside the VPC.');
    }
    if (!this.allowNonPublicRanges) {
      const nonPublic = nonPublicOverlap(cidr);
      if (nonPublic) {
        throw constructError(this, `${where} '${text}' overlaps '${nonPublic.cidr}', ${nonPublic.why}: blocking it can cut `
          + 'your own networks\' traffic, and no attacker on the internet uses it as a source. Remove it (BlocklistFeed '
          + 'drops such lines), or set allowNonPublicRanges: true if you mean to cut off a peer network.');
      }
    }
  }

  private apply(plan: BlocklistPlan): void {
    this.plan = plan;
    if (!this.plan.ok) {
      // Synth fails in validatePlan; keep the tree as it was rather than half a blocklist.
      return;
    }
    for (const waf of this.overflowWafs) {
      waf._setBlockedSources(this.node.path, this.overflowCidrs);
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
        errors.push(describeOverflow(family, this.maxEntriesPerDirection, this.optionsPrefix));
      }
    }
    errors.push(...this.checkVpcBlocksAtSynth());
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
      this.reportOverflow();
      // IPv6 ranges on a VPC without IPv6 are legal; the LayeredDefense-NaclIpv6WithoutVpcIpv6 rule reports them in the
      // template, so hand-written NACLs get the same finding.
    }
    return errors;
  }

  /**
   * CIDR blocks can be added to the VPC after the blocklist (a secondary block), so the overlap check runs again at
   * synth, on the listed ranges and on what the deny entries hold; a VPC whose blocks synth cannot see is a warning.
   */
  private checkVpcBlocksAtSynth(): string[] {
    const blocks = vpcCidrBlocks(this.vpc);
    const errors: string[] = [];
    for (const block of blocks.known) {
      const listed = [...this.listed.values()].find((text) => overlaps(block.block, parseCidr(text, { normalizeHostBits: true })));
      if (listed !== undefined) {
        errors.push(`blocked range '${listed}' overlaps the VPC's CIDR block '${block.text}' (${block.source}): denying it `
          + 'would cut the VPC\'s own traffic crossing these subnets. Remove it from the blocklist.');
        continue;
      }
      const planned = this.plan.ok
        ? [...this.plan.ipv4.denyCidrs, ...this.plan.ipv6.denyCidrs].find((c) => overlaps(block.block, parseCidr(c)))
        : undefined;
      if (planned !== undefined) {
        errors.push(`the lossy cover's deny entry '${planned}' overlaps the VPC's CIDR block '${block.text}' (${block.source}), `
          + 'which was added after the blocklist was planned; create the CIDR block before the IpBlocklistNacl.');
      }
    }
    const blocking = (family: IpFamily) => (family === IpFamily.IPV4 ? this.plan.ipv4 : this.plan.ipv6).exactCidrs.length > 0;
    // Only a family the blocklist denies can overlap; an unknown IPv6 block does not matter to an IPv4-only list.
    const unseen = blocks.unknown.filter((u) => u.family === undefined || blocking(u.family));
    if (unseen.length > 0) {
      addLayeredDefenseWarning(this, 'NaclVpcCidrUnknown', 'cannot check that the blocked ranges stay clear of the VPC\'s own '
        + `addresses: ${unseen.map((u) => u.what).join('; ')}. A deny entry on the VPC's own range would cut its traffic `
        + 'crossing these subnets; check the blocked ranges against the VPC\'s CIDR blocks.');
    }
    return errors;
  }

  /** The info annotation that says which layer blocks what when ranges overflowed to the WAF. */
  private reportOverflow(): void {
    if (this.overflowWafs.length === 0) {
      return;
    }
    const parts: string[] = [];
    for (const family of [this.plan.ipv4, this.plan.ipv6]) {
      if (family.overflowCidrs.length === 0) {
        continue;
      }
      const name = family.family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
      const nacl = mergeCidrStringsToRanges(family.denyCidrs);
      const waf = mergeCidrStringsToRanges(family.overflowCidrs);
      parts.push(`${name}: ${family.denyCidrs.length} ranges (${countAddresses(nacl, family.family)} addresses) in the NACL `
        + `for every protocol, ${family.overflowCidrs.length} ranges (${countAddresses(waf, family.family)} addresses) in `
        + 'the web ACL for HTTP only');
    }
    if (parts.length > 0) {
      const acls = this.overflowWafs.map((w) => `'${w.node.path}'`).join(', ');
      addLayeredDefenseInfo(this, `Blocklist split: ${parts.join('; ')} (web ACL${this.overflowWafs.length > 1 ? 's' : ''} ${acls}). `
        + 'Traffic other than HTTP requests to the resources that web ACL protects is not blocked for the WAF\'s ranges.');
    }
  }
}

function parseBlockedCidr(scope: IConstruct, text: unknown, where: string, normalizeHostBits: boolean): ParsedCidr {
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
    cidr = parseCidr(text, { normalizeHostBits });
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

function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** A CIDR block of the VPC known at synth, and where it comes from (for messages). */
interface KnownVpcBlock {
  readonly text: string;
  readonly block: ParsedCidr;
  readonly source: string;
}

/** A CIDR block of the VPC synth cannot see; `family` when it is known. */
interface UnknownVpcBlock {
  readonly what: string;
  readonly family?: IpFamily;
}

/**
 * The VPC's CIDR blocks: the primary block of its `CfnVPC` and every `AWS::EC2::VPCCidrBlock` of its stack that
 * names it (secondary IPv4 blocks, IPv6 blocks). An imported VPC shows at most its primary IPv4 block.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
 */
function vpcCidrBlocks(vpc: ec2.IVpc): { known: KnownVpcBlock[]; unknown: UnknownVpcBlock[] } {
  const known: KnownVpcBlock[] = [];
  const unknown: UnknownVpcBlock[] = [];
  const add = (value: unknown, source: string, family: IpFamily) => {
    if (typeof value === 'string' && !Token.isUnresolved(value)) {
      try {
        known.push({ text: value, block: parseCidr(value), source });
        return;
      } catch {
        // Not a valid VPC block: Vpc.fromLookup's placeholder before the lookup ran ('1.2.3.4/5'), say.
      }
    }
    unknown.push({ what: `${source} is not known at synth`, family });
  };
  const cfnVpc = vpc.node.findAll().find((c): c is ec2.CfnVPC => c instanceof ec2.CfnVPC);
  if (!cfnVpc) {
    let primary: string | undefined;
    try {
      primary = vpc.vpcCidrBlock;
    } catch {
      primary = undefined;
    }
    if (primary !== undefined) {
      add(primary, `primary block of the imported VPC '${vpc.node.path}'`, IpFamily.IPV4);
    }
    unknown.push({ what: `the imported VPC '${vpc.node.path}' may have secondary and IPv6 CIDR blocks synth cannot see` });
    return { known, unknown };
  }
  const stack = Stack.of(cfnVpc);
  add(cfnVpc.cidrBlock, `primary block of '${cfnVpc.node.path}'`, IpFamily.IPV4);
  const vpcRef = JSON.stringify(stack.resolve(vpc.vpcId));
  for (const block of stack.node.findAll()) {
    if (!(block instanceof ec2.CfnVPCCidrBlock) || JSON.stringify(stack.resolve(block.vpcId)) !== vpcRef) {
      continue;
    }
    const source = `'${block.node.path}'`;
    if (block.cidrBlock !== undefined || block.ipv4IpamPoolId !== undefined) {
      add(block.cidrBlock, `secondary block ${source}`, IpFamily.IPV4);
    }
    if (block.ipv6CidrBlock !== undefined) {
      add(block.ipv6CidrBlock, `IPv6 block ${source}`, IpFamily.IPV6);
    } else if (block.amazonProvidedIpv6CidrBlock !== undefined && block.amazonProvidedIpv6CidrBlock !== false
      || block.ipv6IpamPoolId !== undefined || block.ipv6Pool !== undefined) {
      unknown.push({ what: `the IPv6 block ${source} is assigned by AWS at deploy`, family: IpFamily.IPV6 });
    }
  }
  return { known, unknown };
}
