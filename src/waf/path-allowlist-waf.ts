import { ArnFormat, Aspects, IAspect, Lazy, Names, Reference, RemovalPolicy, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IConstruct } from 'constructs';
import { PATH_ALLOWLIST_WAF_DEFAULTS, PRIORITIES } from './defaults';
import { anyOf, canonicalProtectedPath, CfnStatement, MAX_REGEX_LENGTH, pathMatchStatement, pathRegexLength } from './private/path-statements';
import {
  ForwardedIpFallback,
  ForwardedIpOptions,
  ForwardedIpPosition,
  ManagedRuleGroup,
  OriginPathStyle,
  PathMatchType,
  ProtectedPathOptions,
  WafScope,
} from './types';
import { IpFamily } from '../ip/family';
import { rulesCapacity, WEB_ACL_BASE_PRICE_CAPACITY, WEB_ACL_MAX_CAPACITY } from '../model/waf-capacity';
import { createEncryptedLogGroup } from '../private/encrypted-log-group';
import { addLayeredDefenseWarning, constructError } from '../private/errors';
import { countAddresses, embeddedIpv4Reason, formatCidr, formatRangesAsCidrs, mergeCidrStringsToRanges, parseCidr, ParsedCidr } from '../private/ip';

/** Props of PathAllowlistWaf. */
export interface PathAllowlistWafProps {
  /**
   * URI paths that only `allowedCidrs` may reach, e.g. `/admin`. Matching ignores case, percent-encoding
   * (twice decoded), duplicate slashes, `.` and `..` segments, `;params` after any segment (`/api;x/admin`) and
   * segments a servlet container resolves away (`/;x/admin`, `/.;/admin`, `/x/..;/admin`); see `matchType` for
   * what a path covers and `originPathStyle` for Windows names. Each path must fit one 512-character WAF regex,
   * which limits it to about 7 segments (5 for a Windows origin; one fewer with EXACT).
   */
  readonly protectedPaths: string[];
  /**
   * The sources allowed to reach the protected paths: IPv4 and IPv6 CIDRs, e.g. `198.51.100.0/24`,
   * `2001:db8:1::/48`; a bare address counts as `/32` or `/128`. Rejected: `/0`, and entries that merge to `/0`
   * (an IP set cannot hold it); IPv4-mapped or IPv4-compatible IPv6 entries (`::ffff:198.51.100.0/120`), which
   * never match IPv4 clients. An allowlist covering half of a family's addresses or more warns.
   */
  readonly allowedCidrs: string[];
  /**
   * Whether a protected path also covers what is under it.
   * @default PathMatchType.PREFIX - `/admin` protects `/admin`, `/admin/...`, `/admin;...`, `/admin.json`, not `/administrator`
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-regex-match.html
   */
  readonly matchType?: PathMatchType;
  /**
   * REGIONAL for ALB, API Gateway, AppSync, Cognito, App Runner, Verified Access; CLOUDFRONT for a distribution
   * (stack in us-east-1).
   * @default WafScope.REGIONAL
   * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html#WAF-CreateWebACL-request-Scope
   */
  readonly scope?: WafScope;
  /**
   * How the origin resolves paths: WINDOWS when it also treats `\` as a separator and drops trailing dots, spaces
   * and NTFS stream suffixes from names (IIS).
   * @default OriginPathStyle.POSIX - NORMALIZE_PATH
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
   */
  readonly originPathStyle?: OriginPathStyle;
  /**
   * Judge the client from a forwarded IP header (`X-Forwarded-For`) instead of the connection's source: for a
   * resource that only a proxy or CDN can reach. A request to a protected path without the header is blocked.
   * @default - the connection's source address
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-forwarded-ip-address.html
   */
  readonly forwardedIp?: ForwardedIpOptions;
  /**
   * AWS managed rule groups, run after the path rules in this order. Pass a list to add or remove groups;
   * `[]` runs none.
   * @default ManagedRuleGroup.defaults() - IP reputation list, common rule set, known bad inputs, SQL database
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
   */
  readonly managedRuleGroups?: ManagedRuleGroup[];
  /**
   * Send WAF logs to an encrypted CloudWatch Logs group (HIPAA 164.312(b) audit controls).
   * @default true
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
   */
  readonly logging?: boolean;
  /**
   * The log group's name; must start with `aws-waf-logs-`.
   * @default - `aws-waf-logs-` followed by a name unique to this construct
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
   */
  readonly logGroupName?: string;
  /**
   * How long WAF logs are kept.
   * @default logs.RetentionDays.SIX_YEARS - HIPAA's documentation retention period (45 CFR 164.316(b)(2)(i))
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group (and the key this construct creates) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The KMS key that encrypts the log group; its policy must let `logs.<region>.amazonaws.com` use it.
   * @default - a new key with yearly rotation
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Request headers whose values are replaced with `REDACTED` in the logs.
   * @default ['authorization', 'cookie']
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/logging-management.html
   */
  readonly redactedHeaders?: string[];
  /**
   * The web ACL's name.
   * @default - generated by CloudFormation
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-wafv2-webacl.html#cfn-wafv2-webacl-name
   */
  readonly webAclName?: string;
}

interface Allowlist {
  readonly index: number;
  readonly paths: string[];
  readonly matchType: PathMatchType;
  readonly ipSets: wafv2.CfnIPSet[];
}

interface ForwardedIpSettings {
  readonly headerName: string;
  readonly position: ForwardedIpPosition;
  readonly fallbackBehavior: ForwardedIpFallback;
}

/** The largest number of addresses an IP set holds (AWS WAF quota). */
const IP_SET_MAX_ADDRESSES = 10_000;
/** Reference statements (IP set, regex pattern set, rule group) per web ACL (AWS WAF quota). */
const MAX_REFERENCE_STATEMENTS = 50;

/** The key of the blocked sources added with `addBlockedSources` (blocklist NACLs use their construct paths). */
const ADDED_BLOCKED_SOURCES = 'addBlockedSources()';

/** Resource keys already associated with a PathAllowlistWaf, per app. */
const ASSOCIATIONS = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A WAFv2 web ACL that blocks requests to protected URI paths unless the client is allowlisted: the HTTP-level
 * decision that neither security groups nor network ACLs can express.
 *
 * Rules, in priority order (the default action is ALLOW):
 * - 1 (and 2 with `forwardedIp`), only after `addBlockedSources` or a blocklist's overflow: BLOCK when the source is
 *   a blocked source, whatever the path.
 * - per allowlist k (10k, only with `forwardedIp`): BLOCK when the path is protected and the forwarded IP header
 *   is missing. AWS WAF skips a rule whose forwarded IP header is missing, so without this rule such a request
 *   would pass the allowlist rule unjudged.
 * - per allowlist k (10k + 1): BLOCK when the path is protected and the client is in none of the allowlist's IP sets.
 * - from 1000: the managed rule groups, which allowlisted clients pass through too.
 * Logging to an encrypted CloudWatch Logs group with `authorization` and `cookie` redacted; CloudWatch metrics
 * and sampled requests on every rule.
 */
export class PathAllowlistWaf extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;
  /** The web ACL's ARN: for a CLOUDFRONT scope, the distribution's `webAclId`. */
  public readonly webAclArn: string;
  /** The web ACL's id. */
  public readonly webAclId: string;
  /** Where the web ACL can be used. */
  public readonly wafScope: WafScope;
  /** The WAF log group, when logging is on. */
  public readonly logGroup?: logs.ILogGroup;
  /** The logging configuration, when logging is on. */
  public readonly loggingConfiguration?: wafv2.CfnLoggingConfiguration;

  private readonly originPathStyle: OriginPathStyle;
  private readonly forwardedIp?: ForwardedIpSettings;
  private readonly allowlists: Allowlist[] = [];
  private readonly managedRuleGroups: ManagedRuleGroup[] = [];
  private readonly metricPrefix: string;
  /** Blocked sources by who added them: `addBlockedSources` calls, and each blocklist NACL that overflows here. */
  private readonly blockedSourceLists = new Map<string, string[]>();
  private blockedSourceIpSets: wafv2.CfnIPSet[] = [];

  constructor(scope: Construct, id: string, props: PathAllowlistWafProps) {
    super(scope, id);
    const d = PATH_ALLOWLIST_WAF_DEFAULTS;
    this.wafScope = props.scope ?? d.scope;
    this.originPathStyle = props.originPathStyle ?? d.originPathStyle;
    this.forwardedIp = props.forwardedIp ? this.forwardedIpSettings(props.forwardedIp) : undefined;
    this.metricPrefix = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });

    if (this.wafScope === WafScope.CLOUDFRONT) {
      const region = Stack.of(this).region;
      if (Token.isUnresolved(region)) {
        addLayeredDefenseWarning(this, 'WafCloudFrontRegionUnknown',
          'A CLOUDFRONT web ACL can only be created in us-east-1, and this stack\'s region is not known at synth; set env: { region: \'us-east-1\' } on the stack.');
      } else if (region !== 'us-east-1') {
        throw constructError(this, `a CLOUDFRONT web ACL can only be created in us-east-1, but the stack's region is '${region}'; put it in a us-east-1 stack (crossRegionReferences lets the distribution use it) or use scope REGIONAL`);
      }
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      name: props.webAclName,
      scope: this.wafScope,
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        sampledRequestsEnabled: true,
        metricName: this.metricPrefix,
      },
    });
    // Rules are rendered in the CloudFormation shape (an override, which the L1 neither maps nor validates) so
    // the capacity estimate and the evaluator read exactly what is deployed; Lazy, so later paths and groups count.
    this.webAcl.addPropertyOverride('Rules', Lazy.any({ produce: () => this.renderRules() }));
    this.webAclArn = this.webAcl.attrArn;
    this.webAclId = this.webAcl.attrId;

    if (!Array.isArray(props.protectedPaths) || props.protectedPaths.length === 0) {
      throw constructError(this, 'protectedPaths is empty: list at least one path, e.g. [\'/admin\']');
    }
    this.addAllowlist(props.protectedPaths, props.allowedCidrs, { matchType: props.matchType });

    for (const group of props.managedRuleGroups ?? ManagedRuleGroup.defaults()) {
      this.addManagedRuleGroup(group);
    }

    const logging = props.logging ?? d.logging;
    if (logging) {
      const { logGroup, loggingConfiguration } = this.createLogging(props);
      this.logGroup = logGroup;
      this.loggingConfiguration = loggingConfiguration;
    } else {
      for (const prop of ['logGroupName', 'logRetention', 'logRemovalPolicy', 'logEncryptionKey', 'redactedHeaders'] as const) {
        if (props[prop] !== undefined) {
          throw constructError(this, `${prop} is set but logging is false; remove ${prop} or turn logging on`);
        }
      }
      addLayeredDefenseWarning(this, 'WafLoggingDisabled',
        'WAF logging is off: requests to protected paths leave no audit record (HIPAA 164.312(b) audit controls). Remove logging: false unless another logging configuration covers this web ACL.');
    }

    const self = this;
    const capacityAspect: IAspect = {
      visit(node: IConstruct) {
        if (node === self) {
          self.warnAboveBasePrice();
        }
      },
    };
    Aspects.of(this).add(capacityAspect);
  }

  /**
   * The estimated web ACL capacity units (WCU) of all rules, from AWS's published statement costs; it includes
   * paths and rule groups added later. Above 1,500 WCU the web ACL costs extra (a warning at synth); above
   * 5,000 it cannot be created (an error when the rule is added).
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
   */
  public get estimatedCapacity(): number {
    const capacities = new Map(this.managedRuleGroups.map((g) => [`${g.vendorName}/${g.name}`, g.capacity]));
    return rulesCapacity(this.renderRules(), {
      ruleGroupCapacity: (statement) => capacities.get(`${statement.VendorName}/${statement.Name}`),
    });
  }

  /**
   * Blocks every request whose source is in one of these ranges, whatever its path: a BLOCK rule that runs before
   * the path rules (priority 1, and 2 for the forwarded IP header when `forwardedIp` is set), matching IPv4 and IPv6
   * IP sets of at most 10,000 ranges each (the AWS WAF quota; larger lists are split across sets). Use it for
   * threat feeds too large for a NACL; `IpBlocklistNacl`'s `overflowWaf` sends what does not fit its NACL here.
   * It blocks HTTP requests to the resources this web ACL protects only, not other traffic.
   *
   * @param cidrs IPv4 and IPv6 CIDRs or addresses; overlaps and repeats are merged
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-ip-set-managing.html
   */
  public addBlockedSources(cidrs: string[]): void {
    const checked = this.validateBlockedSources(cidrs);
    const own = this.blockedSourceLists.get(ADDED_BLOCKED_SOURCES) ?? [];
    this.blockedSourceLists.set(ADDED_BLOCKED_SOURCES, [...own, ...checked]);
    this.updateBlockedSources();
  }

  /**
   * The blocked sources an `IpBlocklistNacl` sends here, replacing what it sent before (its plan changes as ranges
   * are added). Not part of the public API.
   * @internal
   */
  public _setBlockedSources(owner: string, cidrs: string[]): void {
    if (cidrs.length === 0) {
      this.blockedSourceLists.delete(owner);
    } else {
      this.blockedSourceLists.set(owner, this.validateBlockedSources(cidrs));
    }
    this.updateBlockedSources();
  }

  /** The blocked sources' IP sets, IPv4 first; empty until sources are added. */
  public get blockedSourcesIpSets(): wafv2.CfnIPSet[] {
    return [...this.blockedSourceIpSets];
  }

  /**
   * Protects another path with its own allowlist. Its rules run after the existing path rules and before the
   * managed rule groups; a request must pass every allowlist whose paths match it.
   * @param path the URI path, e.g. `/reports`
   * @param allowedCidrs the IPv4 and IPv6 CIDRs that may reach it
   */
  public addProtectedPath(path: string, allowedCidrs: string[], options: ProtectedPathOptions = {}): void {
    this.addAllowlist([path], allowedCidrs, options);
  }

  /**
   * Runs another managed rule group after the path rules and the groups already added.
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
   */
  public addManagedRuleGroup(group: ManagedRuleGroup): void {
    if (!Number.isInteger(group.capacity) || group.capacity < 1) {
      throw constructError(this, `managed rule group '${group.name}' has capacity ${group.capacity}; give the WCU its vendor publishes (a positive integer)`);
    }
    if (this.managedRuleGroups.some((g) => g.vendorName === group.vendorName && g.name === group.name)) {
      throw constructError(this, `managed rule group '${group.vendorName}/${group.name}' is added twice; remove the duplicate`);
    }
    this.managedRuleGroups.push(group);
    this.checkCapacity(`managed rule group '${group.name}'`);
  }

  /**
   * Associates the web ACL with an Application Load Balancer (REGIONAL scope only).
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
   */
  public associate(loadBalancer: elbv2.IApplicationLoadBalancer): wafv2.CfnWebACLAssociation {
    return this.createAssociation(`Association${Names.nodeUniqueId(loadBalancer.node)}`, loadBalancer.loadBalancerArn);
  }

  /**
   * Associates the web ACL with a regional resource by ARN: an API Gateway REST API stage
   * (`arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>`), an AppSync GraphQL API, a Cognito user pool,
   * an App Runner service or a Verified Access instance (REGIONAL scope only).
   * @param id the construct id of the association
   * @see https://docs.aws.amazon.com/waf/latest/APIReference/API_AssociateWebACL.html
   */
  public associateArn(id: string, resourceArn: string): wafv2.CfnWebACLAssociation {
    if (!Token.isUnresolved(resourceArn)) {
      checkRegionalResourceArn(this, resourceArn);
    }
    return this.createAssociation(id, resourceArn);
  }

  private createAssociation(id: string, resourceArn: string): wafv2.CfnWebACLAssociation {
    if (this.wafScope === WafScope.CLOUDFRONT) {
      throw constructError(this, `cannot associate '${resourceArn}': a CLOUDFRONT web ACL is attached through the distribution, not an association; set webAclId: waf.webAclArn on the cloudfront.Distribution, or create this web ACL with scope REGIONAL for a regional resource`);
    }
    const registry = associationsOf(this);
    const key = resourceKey(resourceArn);
    const existing = registry.get(key);
    if (existing) {
      throw constructError(this, `resource '${resourceArn}' is already associated with the path allowlist web ACL at ${existing}; a resource has one web ACL, so merge the paths into one PathAllowlistWaf (addProtectedPath)`);
    }
    registry.set(key, this.node.path);
    return new wafv2.CfnWebACLAssociation(this, id, { resourceArn, webAclArn: this.webAclArn });
  }

  private addAllowlist(paths: string[], allowedCidrs: string[], options: ProtectedPathOptions): void {
    const index = this.allowlists.length + 1;
    if (index > PRIORITIES.maxAllowlists) {
      throw constructError(this, `more than ${PRIORITIES.maxAllowlists} protected path allowlists; group paths that share an allowlist into one`);
    }
    const matchType = options.matchType ?? PATH_ALLOWLIST_WAF_DEFAULTS.matchType;
    const canonical = [...new Set(paths.map((p) => canonicalProtectedPath(this, p)))];
    for (const path of paths) {
      this.checkPathRegexLength(path, matchType);
    }
    const label = paths.join(', ');
    const cidrs = this.validateCidrs(allowedCidrs, label);
    const ranges = mergeCidrStringsToRanges(cidrs.map(formatCidr));
    const ipSets: wafv2.CfnIPSet[] = [];
    for (const [version, family] of [['IPV4', IpFamily.IPV4], ['IPV6', IpFamily.IPV6]] as const) {
      const addresses = formatRangesAsCidrs(ranges, family);
      this.checkAllowlistBreadth(label, allowedCidrs, cidrs, family, addresses, countAddresses(ranges, family));
      for (let start = 0, part = 1; start < addresses.length; start += IP_SET_MAX_ADDRESSES, part++) {
        const suffix = part === 1 ? '' : `Part${part}`;
        ipSets.push(new wafv2.CfnIPSet(this, `Allowlist${index}${version === 'IPV4' ? 'Ipv4' : 'Ipv6'}${suffix}`, {
          scope: this.wafScope,
          ipAddressVersion: version,
          addresses: addresses.slice(start, start + IP_SET_MAX_ADDRESSES),
        }));
      }
    }
    this.allowlists.push({ index, paths: canonical, matchType, ipSets });
    this.checkReferenceStatements(`protected path(s) ${label}`);
    this.checkCapacity(`protected path(s) ${label}`);
  }

  private validateBlockedSources(cidrs: string[]): string[] {
    if (Token.isUnresolved(cidrs) || !Array.isArray(cidrs) || cidrs.length === 0) {
      throw constructError(this, 'addBlockedSources: list at least one literal CIDR to block (for example \'203.0.113.0/24\'); IP sets are planned at synth, so tokens are refused');
    }
    return cidrs.map((text, i) => {
      if (typeof text !== 'string' || Token.isUnresolved(text)) {
        throw constructError(this, `blocked source [${i}] '${String(text)}' is not a literal CIDR string; IP sets are planned at synth`);
      }
      let cidr: ParsedCidr;
      try {
        cidr = parseCidr(text);
      } catch (e) {
        throw constructError(this, `blocked source [${i}]: ${(e as Error).message}`);
      }
      if (cidr.prefixLength === 0) {
        throw constructError(this, `blocked source [${i}] '${text}' is /0: an AWS WAF IP set cannot hold /0, and blocking every address would take the site down; list the ranges to block`);
      }
      const embedded = embeddedIpv4Reason(cidr);
      if (embedded) {
        throw constructError(this, `blocked source [${i}] '${text}' ${embedded} (AWS WAF matches IPv4 clients against the IPv4 IP set only).`);
      }
      return formatCidr(cidr);
    });
  }

  /** Re-plans the blocked sources' IP sets from every list: merged per family, split at the IP set quota. */
  private updateBlockedSources(): void {
    const ranges = mergeCidrStringsToRanges([...this.blockedSourceLists.values()].flat());
    for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
      if (formatRangesAsCidrs(ranges, family).some((c) => c.endsWith('/0'))) {
        const name = family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
        throw constructError(this, `the blocked ${name} sources add up to every ${name} address, which an AWS WAF IP set cannot hold and a blocklist never means; list only the ranges to block`);
      }
    }
    const wanted = new Map<string, { version: 'IPV4' | 'IPV6'; addresses: string[] }>();
    for (const [version, family] of [['IPV4', IpFamily.IPV4], ['IPV6', IpFamily.IPV6]] as const) {
      const addresses = formatRangesAsCidrs(ranges, family);
      for (let start = 0, part = 1; start < addresses.length; start += IP_SET_MAX_ADDRESSES, part++) {
        const id = `BlockedSources${version === 'IPV4' ? 'Ipv4' : 'Ipv6'}${part === 1 ? '' : `Part${part}`}`;
        wanted.set(id, { version, addresses: addresses.slice(start, start + IP_SET_MAX_ADDRESSES) });
      }
    }
    for (const ipSet of this.blockedSourceIpSets) {
      if (!wanted.has(ipSet.node.id)) {
        this.node.tryRemoveChild(ipSet.node.id);
      }
    }
    this.blockedSourceIpSets = [...wanted].map(([id, { version, addresses }]) => {
      const existing = this.node.tryFindChild(id);
      if (existing instanceof wafv2.CfnIPSet) {
        existing.addresses = addresses;
        return existing;
      }
      return new wafv2.CfnIPSet(this, id, { scope: this.wafScope, ipAddressVersion: version, addresses });
    });
    this.checkReferenceStatements('the blocked sources');
    this.checkCapacity('blocked sources');
  }

  /** Reference statements a web ACL may hold (AWS WAF quota): allowlist IP sets, and blocked sources once or twice. */
  private checkReferenceStatements(what: string): void {
    const allowlists = this.allowlists.reduce((sum, a) => sum + a.ipSets.length, 0);
    const blocked = this.blockedSourceIpSets.length * (this.forwardedIp ? 2 : 1);
    if (allowlists + blocked > MAX_REFERENCE_STATEMENTS) {
      throw constructError(this, `${what} bring the web ACL to ${allowlists + blocked} IP set reference statements (${allowlists} for `
        + `allowlists, ${blocked} for blocked sources), above the ${MAX_REFERENCE_STATEMENTS} a web ACL holds; merge allowlists or summarize the CIDRs`);
    }
  }

  /** Each protected path must fit one regex statement on its own, with the patterns added after every segment. */
  private checkPathRegexLength(path: string, matchType: PathMatchType): void {
    const length = pathRegexLength(canonicalProtectedPath(this, path), matchType, this.originPathStyle);
    if (length > MAX_REGEX_LENGTH) {
      const windows = this.originPathStyle === OriginPathStyle.WINDOWS ? ', trailing dots, spaces and NTFS streams' : '';
      const firstSegment = path.split('/').find((s) => s !== '');
      throw constructError(this, `protected path '${path}' needs a ${length}-character regex, above the ${MAX_REGEX_LENGTH} characters `
        + `AWS WAF allows (every segment after the first adds the patterns for ';params'${windows} and segments the origin `
        + `resolves away); protect a prefix with fewer segments, e.g. '/${firstSegment}'`);
    }
  }

  private validateCidrs(allowedCidrs: string[], label: string): ParsedCidr[] {
    if (!Array.isArray(allowedCidrs) || allowedCidrs.length === 0) {
      throw constructError(this, `allowedCidrs for ${label} is empty: nobody could reach the path. List the CIDRs that may (e.g. '198.51.100.0/24'); to close a path to everyone, remove it from the application`);
    }
    return allowedCidrs.map((text) => {
      if (Token.isUnresolved(text)) {
        throw constructError(this, `allowed CIDR '${text}' for ${label} is a token; IP sets are planned at synth, so give the CIDR as a literal string`);
      }
      let cidr: ParsedCidr;
      try {
        cidr = parseCidr(text);
      } catch (e) {
        throw constructError(this, `allowed CIDR for ${label}: ${(e as Error).message}. Give a network address and prefix length, e.g. '198.51.100.0/24' or '2001:db8::/48' (one address: /32 or /128)`);
      }
      if (cidr.prefixLength === 0) {
        throw constructError(this, `allowed CIDR '${text}' for ${label} is /0: an AWS WAF IP set cannot hold /0, and allowlisting every address would make the rule pointless; list the networks that may reach the path`);
      }
      const embedded = embeddedIpv4Reason(cidr);
      if (embedded) {
        throw constructError(this, `allowed CIDR '${text}' for ${label} ${embedded} (AWS WAF matches IPv4 clients against the IPv4 IP set only).`);
      }
      return cidr;
    });
  }

  /**
   * Refuses an allowlist whose entries of one family merge to `/0` (an IP set cannot hold it, and every address
   * would be allowlisted) and warns when they cover half the family's addresses or more.
   */
  private checkAllowlistBreadth(label: string, texts: string[], cidrs: ParsedCidr[], family: IpFamily, merged: string[], count: bigint): void {
    const bits = family === IpFamily.IPV4 ? 32 : 128;
    const name = family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
    const ofFamily = texts.filter((_, i) => cidrs[i].family === family).map((t) => `'${t}'`);
    const entries = ofFamily.length > 6 ? `${ofFamily.slice(0, 5).join(', ')} and ${ofFamily.length - 5} more` : ofFamily.join(', ');
    if (merged.some((cidr) => cidr.endsWith('/0'))) {
      throw constructError(this, `allowedCidrs for ${label}: the ${name} entries ${entries} merge to ${merged[0]}, every ${name} address: `
        + 'an AWS WAF IP set cannot hold /0 and the rule would block nobody; list only the networks that may reach the path');
    }
    if (count * 2n >= 2n ** BigInt(bits)) {
      const percent = Number((count * 10000n) / 2n ** BigInt(bits)) / 100;
      addLayeredDefenseWarning(this, 'WafAllowlistVeryBroad',
        `allowedCidrs for ${label} cover ${percent}% of the ${name} address space (${entries}): almost anyone can reach the path. `
        + 'List only the networks that need it (an office, a VPN egress range).');
    }
  }

  private forwardedIpSettings(options: ForwardedIpOptions): ForwardedIpSettings {
    const d = PATH_ALLOWLIST_WAF_DEFAULTS;
    const headerName = options.headerName ?? d.forwardedIpHeader;
    if (Token.isUnresolved(headerName) || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,255}$/.test(headerName)) {
      throw constructError(this, `forwardedIp.headerName '${headerName}' is not an HTTP header name; use e.g. 'X-Forwarded-For'`);
    }
    const position = options.position ?? d.forwardedIpPosition;
    const fallbackBehavior = options.fallbackBehavior ?? d.forwardedIpFallback;
    if (position !== ForwardedIpPosition.LAST) {
      addLayeredDefenseWarning(this, 'WafForwardedIpSpoofable',
        `forwardedIp.position is ${position}: a client chooses the ${position === ForwardedIpPosition.FIRST ? 'first address' : 'addresses'} it sends in ${headerName}, so it can claim an allowlisted address. Use LAST (the address your proxy appended) unless the proxy replaces the header.`);
    }
    if (fallbackBehavior === ForwardedIpFallback.MATCH) {
      addLayeredDefenseWarning(this, 'WafForwardedIpFailOpen',
        `forwardedIp.fallbackBehavior is MATCH: a ${headerName} header without a valid address counts as allowlisted, so a malformed header reaches protected paths. Use NO_MATCH.`);
    }
    return { headerName, position, fallbackBehavior };
  }

  private createLogging(props: PathAllowlistWafProps): { logGroup: logs.ILogGroup; loggingConfiguration: wafv2.CfnLoggingConfiguration } {
    const d = PATH_ALLOWLIST_WAF_DEFAULTS;
    const logGroupName = props.logGroupName ?? `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 256, separator: '-' })}`;
    if (!Token.isUnresolved(logGroupName) && !logGroupName.startsWith('aws-waf-logs-')) {
      throw constructError(this, `logGroupName '${logGroupName}' must start with 'aws-waf-logs-' (AWS WAF only logs to such groups); e.g. 'aws-waf-logs-${logGroupName}'`);
    }
    const redacted = props.redactedHeaders ?? [...d.redactedHeaders];
    const headers = [...new Set(redacted.map((h) => {
      if (Token.isUnresolved(h) || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(h)) {
        throw constructError(this, `redacted header '${h}' is not an HTTP header name of at most 64 characters; use e.g. 'authorization'`);
      }
      return h.toLowerCase();
    }))];
    if (props.redactedHeaders !== undefined) {
      const missing = d.redactedHeaders.filter((h) => !headers.includes(h));
      if (missing.length > 0) {
        addLayeredDefenseWarning(this, 'WafLogsCredentialsNotRedacted',
          `redactedHeaders leaves out ${missing.join(' and ')}: credentials and session tokens will be written to the WAF logs. Add them unless the application never receives them.`);
      }
    }

    const logGroup = createEncryptedLogGroup(this, 'LogGroup', {
      logGroupName,
      retention: props.logRetention ?? d.logRetention,
      removalPolicy: props.logRemovalPolicy ?? d.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
      keyDescription: `Encrypts the AWS WAF logs of ${this.node.path}`,
    });
    // WAF wants the log group ARN without the ':*' suffix that logGroup.logGroupArn carries.
    const destination = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const loggingConfiguration = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAclArn,
      logDestinationConfigs: [destination],
      redactedFields: headers.map((name) => ({ singleHeader: { Name: name } })),
    });
    loggingConfiguration.node.addDependency(logGroup);
    return { logGroup, loggingConfiguration };
  }

  private renderRules(): CfnStatement[] {
    const rules: CfnStatement[] = [];
    if (this.blockedSourceIpSets.length > 0) {
      const references = (forwarded: boolean) => anyOf(this.blockedSourceIpSets.map((ipSet) => ({
        IPSetReferenceStatement: {
          Arn: ipSet.attrArn,
          ...(forwarded && this.forwardedIp ? {
            IPSetForwardedIPConfig: {
              HeaderName: this.forwardedIp.headerName,
              Position: this.forwardedIp.position,
              FallbackBehavior: this.forwardedIp.fallbackBehavior,
            },
          } : {}),
        },
      })));
      rules.push(this.blockRule('BlockedSources', PRIORITIES.blockedSourcesStart, references(false)));
      if (this.forwardedIp) {
        // AWS WAF skips a forwarded-IP rule for a request without the header, so the connection's source is judged
        // by the rule above and the client the proxy reports by this one.
        rules.push(this.blockRule('BlockedSources-ForwardedIp', PRIORITIES.blockedSourcesStart + 1, references(true)));
      }
    }
    for (const allowlist of this.allowlists) {
      const path = pathMatchStatement(allowlist.paths, allowlist.matchType, this.originPathStyle);
      const base = `PathAllowlist${allowlist.index}`;
      if (this.forwardedIp) {
        // AWS WAF "doesn't apply the rule to the web request at all" when the forwarded IP header is missing
        // (API_IPSetForwardedIPConfig), so the block rule below cannot see such a request. This rule blocks it:
        // a request without the header has no such component and a size constraint on it does not match
        // (waf-rule-statement-fields-list.html), so NOT(size > 0) matches a missing header, and an empty one;
        // AWS's own example for "requests that are missing a specific header" (waf-rate-based-example-limit-missing-header.html).
        rules.push(this.blockRule(`${base}-MissingForwardedIp`, PRIORITIES.allowlistStep * allowlist.index, {
          AndStatement: {
            Statements: [path, {
              NotStatement: {
                Statement: {
                  SizeConstraintStatement: {
                    FieldToMatch: { SingleHeader: { Name: this.forwardedIp.headerName.toLowerCase() } },
                    ComparisonOperator: 'GT',
                    Size: 0,
                    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                  },
                },
              },
            }],
          },
        }));
      }
      const references = allowlist.ipSets.map((ipSet) => ({
        IPSetReferenceStatement: {
          Arn: ipSet.attrArn,
          ...(this.forwardedIp ? {
            IPSetForwardedIPConfig: {
              HeaderName: this.forwardedIp.headerName,
              Position: this.forwardedIp.position,
              FallbackBehavior: this.forwardedIp.fallbackBehavior,
            },
          } : {}),
        },
      }));
      rules.push(this.blockRule(base, PRIORITIES.allowlistStep * allowlist.index + 1, {
        AndStatement: { Statements: [path, { NotStatement: { Statement: anyOf(references) } }] },
      }));
    }
    this.managedRuleGroups.forEach((group, i) => {
      const name = `${group.vendorName}-${group.name}`;
      rules.push({
        Name: name,
        Priority: PRIORITIES.managedStart + PRIORITIES.managedStep * i,
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: { VendorName: group.vendorName, Name: group.name } },
        VisibilityConfig: this.visibility(name),
      });
    });
    return rules;
  }

  private blockRule(name: string, priority: number, statement: CfnStatement): CfnStatement {
    return { Name: name, Priority: priority, Action: { Block: {} }, Statement: statement, VisibilityConfig: this.visibility(name) };
  }

  private visibility(ruleName: string): CfnStatement {
    return { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `${this.metricPrefix}-${ruleName}`.slice(0, 128) };
  }

  private checkCapacity(what: string): void {
    const capacity = this.estimatedCapacity;
    if (capacity > WEB_ACL_MAX_CAPACITY) {
      throw constructError(this, `adding ${what} brings the web ACL to an estimated ${capacity} WCU, above the ${WEB_ACL_MAX_CAPACITY} WCU a web ACL can hold; remove managed rule groups or merge protected paths into fewer allowlists`);
    }
  }

  private warnAboveBasePrice(): void {
    const capacity = this.estimatedCapacity;
    if (capacity > WEB_ACL_BASE_PRICE_CAPACITY) {
      addLayeredDefenseWarning(this, 'WafCapacityAboveBasePrice',
        `the web ACL uses an estimated ${capacity} WCU, above the ${WEB_ACL_BASE_PRICE_CAPACITY} WCU its base price covers, so AWS charges extra; remove managed rule groups you do not need to stay within it.`);
    }
  }
}

function associationsOf(scope: IConstruct): Map<string, string> {
  const root = scope.node.root;
  let registry = ASSOCIATIONS.get(root);
  if (!registry) {
    registry = new Map();
    ASSOCIATIONS.set(root, registry);
  }
  return registry;
}

/** Identifies a resource by its ARN: a literal, or the construct and attribute a token refers to. */
function resourceKey(arn: string): string {
  if (!Token.isUnresolved(arn)) {
    return arn;
  }
  const fragments = Tokenization.reverseString(arn);
  const token = fragments.firstToken;
  if (fragments.length === 1 && token instanceof Reference) {
    return `${token.target.node.path}#${token.displayName}`;
  }
  return arn;
}

/** Rejects ARNs of resources a REGIONAL web ACL cannot protect, with the fix. */
function checkRegionalResourceArn(scope: IConstruct, arn: string): void {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    throw constructError(scope, `'${arn}' is not an ARN; give the ARN of an ALB, API Gateway REST API stage, AppSync API, Cognito user pool, App Runner service or Verified Access instance`);
  }
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  if (service === 'cloudfront') {
    throw constructError(scope, `'${arn}' is a CloudFront distribution: it takes a CLOUDFRONT web ACL through its webAclId, not an association`);
  }
  if (service === 'elasticloadbalancing' && !resource.startsWith('loadbalancer/app/')) {
    throw constructError(scope, `'${arn}' is not an Application Load Balancer: AWS WAF protects ALBs only, not Network or Gateway Load Balancers`);
  }
  if (service === 'apigateway' && !/^\/restapis\/[^/]+\/stages\/[^/]+$/.test(resource)) {
    throw constructError(scope, `'${arn}' is not an API Gateway REST API stage: AWS WAF protects REST API stages (arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>), not HTTP APIs`);
  }
  const supported = ['elasticloadbalancing', 'apigateway', 'appsync', 'cognito-idp', 'apprunner', 'ec2', 'amplify'];
  if (!supported.includes(service)) {
    addLayeredDefenseWarning(scope, 'WafAssociationUnknownService',
      `'${arn}' is an ARN of service '${service}'; AWS WAF protects ALBs, API Gateway REST API stages, AppSync APIs, Cognito user pools, App Runner services and Verified Access instances, so the association may fail at deploy.`);
  }
}
