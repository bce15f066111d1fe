import { ArnFormat, Lazy, Names, Reference, RemovalPolicy, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IConstruct } from 'constructs';
import { PATH_ALLOWLIST_WAF_DEFAULTS, PRIORITIES } from './defaults';
import { anyOf, canonicalProtectedPath, CfnStatement, MAX_REGEX_LENGTH, pathMatchStatement, pathRegexLength } from './private/path-statements';
import { RenderContext } from './private/render-context';
import { RateLimitAggregateKey, RateLimitOptions, RulePlacement, WafRuleOptions, WafStatement } from './rules';
import {
  ForwardedIpFallback,
  ForwardedIpOptions,
  ForwardedIpPosition,
  ManagedRuleGroup,
  ManagedRuleGroupOptions,
  OriginPathStyle,
  PathMatchType,
  ProtectedPathOptions,
  WafAction,
  WafScope,
} from './types';
import { rulesCapacity, WEB_ACL_MAX_CAPACITY } from '../analysis/model/waf-capacity';
import { CannotEvaluateError } from '../analysis/model/waf-transformations';
import { IpFamily } from '../ip/family';
import { createEncryptedLogGroup } from '../private/encrypted-log-group';
import { addLayeredDefenseWarning, constructError } from '../private/errors';
import { embeddedIpv4Reason, formatCidr, formatRangesAsCidrs, mergeCidrStringsToRanges, parseCidr, ParsedCidr } from '../private/ip';

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
   * never match IPv4 clients. An allowlist covering half of a family's addresses or more is a
   * `LayeredDefense-WafAllowlistVeryBroad` finding of the checks.
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

/** A managed rule group as added: the group (with its options) and its rendered scope-down statement. */
interface AddedManagedGroup {
  readonly group: ManagedRuleGroup;
  readonly scopeDown?: CfnStatement;
}

/** A rule as rendered, and whether the construct enforces it (an override of it is refused). */
interface RenderedRule {
  readonly rule: CfnStatement;
  readonly enforced: boolean;
}

/** An escape-hatch override of one rule of the rendered `Rules` list (`addPropertyOverride('Rules.<index>...')`). */
interface RulesOverride {
  readonly text: string;
  readonly index: number;
  readonly path: string[];
  readonly value: unknown;
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

/** The user bands of priorities: where each placement's rules start. */
const USER_BAND_START: Record<RulePlacement, number> = {
  [RulePlacement.BEFORE_PATH_RULES]: PRIORITIES.beforePathStart,
  [RulePlacement.AFTER_PATH_RULES]: PRIORITIES.afterPathStart,
  [RulePlacement.AFTER_MANAGED_RULE_GROUPS]: PRIORITIES.afterManagedStart,
};

/** The CloudFormation key of each action (Rule.Action, RuleActionOverride.ActionToUse). */
const ACTION_KEYS: Record<WafAction, string> = {
  [WafAction.ALLOW]: 'Allow',
  [WafAction.BLOCK]: 'Block',
  [WafAction.COUNT]: 'Count',
  [WafAction.CAPTCHA]: 'Captcha',
  [WafAction.CHALLENGE]: 'Challenge',
};

/** AWS WAF's evaluation windows for rate-based rules, in seconds (waf-rule-statement-type-rate-based-high-level-settings.html). */
const RATE_WINDOWS = [60, 120, 300, 600];
/** AWS WAF's bounds on a rate-based rule's limit (API_RateBasedStatement: 10 to 2,000,000,000). */
const RATE_LIMIT_MIN = 10;
const RATE_LIMIT_MAX = 2_000_000_000;

/**
 * The web ACL, with its rules rendered late (paths, rules and groups added after construction count). CDK applies
 * `addPropertyOverride('Rules.5.Action', ...)` by walking into the override object, which for a late-rendered
 * `Rules` is the Lazy itself, so the override would vanish. This class takes every override under `Rules` to the
 * construct, which applies it to the rendered list or refuses it with an error.
 */
class RulesWebAcl extends wafv2.CfnWebACL {
  private rulesOverrideHandler?: (parts: string[], value: unknown) => void;

  /** Renders `Rules` with `produce`; later overrides under `Rules` go to `handler`. */
  public renderRulesWith(produce: () => CfnStatement[], handler: (parts: string[], value: unknown) => void): void {
    super.addOverride('Properties.Rules', Lazy.any({ produce }));
    this.rulesOverrideHandler = handler;
  }

  public addOverride(path: string, value: any): void {
    const parts = splitOverridePath(path);
    if (this.rulesOverrideHandler && parts[0] === 'Properties' && (parts[1] === 'Rules' || (parts.length === 1 && value && typeof value === 'object' && 'Rules' in value))) {
      this.rulesOverrideHandler(parts.slice(1), value);
      return;
    }
    super.addOverride(path, value);
  }
}

/** CDK's override path syntax: `.` separates keys, `\.` is a literal dot. */
function splitOverridePath(path: string): string[] {
  const parts = [''];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '\\' && i + 1 < path.length) {
      parts[parts.length - 1] += path[++i];
    } else if (path[i] === '.') {
      parts.push('');
    } else {
      parts[parts.length - 1] += path[i];
    }
  }
  return parts;
}

/** `target` with `value` at `path` (deleted when undefined), copying only the objects along the path. */
function withValueAt(target: any, path: readonly string[], value: unknown): any {
  if (path.length === 0) {
    return value;
  }
  const [key, ...rest] = path;
  const copy: any = Array.isArray(target) ? [...target] : { ...(target && typeof target === 'object' ? target : {}) };
  const next = withValueAt(copy[key], rest, value);
  if (next === undefined) {
    delete copy[key];
  } else {
    copy[key] = next;
  }
  return copy;
}

/** The key of the blocked sources added with `addBlockedSources` (blocklist NACLs use their construct paths). */
const ADDED_BLOCKED_SOURCES = 'addBlockedSources()';

/** Resource keys already associated with a PathAllowlistWaf, per app. */
const ASSOCIATIONS = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A WAFv2 web ACL that blocks requests to protected URI paths unless the client is allowlisted: the HTTP-level
 * decision that neither security groups nor network ACLs can express.
 *
 * Rules, in priority order (the default action is ALLOW; the bands are in `PRIORITIES`, ./defaults.ts):
 * - 1 (and 2 with `forwardedIp`), only after `addBlockedSources` or a blocklist's overflow: BLOCK when the source is
 *   a blocked source, whatever the path (band 1-9);
 * - from 100: your rules placed BEFORE_PATH_RULES (`addRule`);
 * - per allowlist k (1000 + 10k, only with `forwardedIp`): BLOCK when the path is protected and the forwarded IP
 *   header is missing. AWS WAF skips a rule whose forwarded IP header is missing, so without this rule such a
 *   request would pass the allowlist rule unjudged.
 * - per allowlist k (1000 + 10k + 1): BLOCK when the path is protected and the client is in none of the
 *   allowlist's IP sets.
 * - from 2000: rate limits (`addRateLimit`); from 3000: your rules placed AFTER_PATH_RULES, the default;
 * - from 4000: the managed rule groups, which allowlisted clients pass through too (tunable:
 *   `tuneManagedRuleGroup`, `ManagedRuleGroup.withOptions`);
 * - from 5000: your rules placed AFTER_MANAGED_RULE_GROUPS.
 * Overrides of `webAcl` under `Rules` (`addPropertyOverride('Rules.<index>.<field>', value)`) are applied to the
 * rendered rules or refused with an error.
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
  private readonly managedRuleGroups: AddedManagedGroup[] = [];
  private readonly userRules: Record<RulePlacement, CfnStatement[]> = {
    [RulePlacement.BEFORE_PATH_RULES]: [],
    [RulePlacement.AFTER_PATH_RULES]: [],
    [RulePlacement.AFTER_MANAGED_RULE_GROUPS]: [],
  };
  private readonly rateLimits: CfnStatement[] = [];
  private readonly rulesOverrides: RulesOverride[] = [];
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

    const webAcl = new RulesWebAcl(this, 'Resource', {
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
    webAcl.renderRulesWith(() => this.renderRules(true), (parts, value) => this.recordRulesOverride(parts, value));
    this.webAcl = webAcl;
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
      // No warning here: the LayeredDefense-WafLogging rule reports a web ACL without logging (one finding, one id).
    }
  }

  /**
   * The estimated web ACL capacity units (WCU) of all rules, from AWS's published statement costs; it includes
   * paths and rule groups added later. Above 1,500 WCU the web ACL costs extra (the `LayeredDefense-WafCapacityCost`
   * rule warns); above 5,000 it cannot be created (an error when the rule is added).
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
   */
  public get estimatedCapacity(): number {
    const capacities = new Map(this.managedRuleGroups.map(({ group }) => [`${group.vendorName}/${group.name}`, group.capacity]));
    return rulesCapacity(this.renderRules(false), {
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
   * Runs another managed rule group after the path rules and the groups already added. Tune it with
   * `ManagedRuleGroup.withOptions` (or later with `tuneManagedRuleGroup`).
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
   */
  public addManagedRuleGroup(group: ManagedRuleGroup): void {
    if (!Number.isInteger(group.capacity) || group.capacity < 1) {
      throw constructError(this, `managed rule group '${group.name}' has capacity ${group.capacity}; give the WCU its vendor publishes (a positive integer)`);
    }
    if (this.managedRuleGroups.some(({ group: g }) => g.vendorName === group.vendorName && g.name === group.name)) {
      throw constructError(this, `managed rule group '${group.vendorName}/${group.name}' is added twice; remove the duplicate`);
    }
    if (this.managedRuleGroups.length >= PRIORITIES.maxManagedGroups) {
      throw constructError(this, `more than ${PRIORITIES.maxManagedGroups} managed rule groups; a web ACL cannot hold their capacity anyway`);
    }
    this.managedRuleGroups.push(this.checkedManagedGroup(group));
    this.checkCapacity(`managed rule group '${group.name}'`);
  }

  /**
   * Tunes a managed rule group already in the web ACL (the defaults included): rule action overrides (COUNT, or
   * another action), excluded rules, a scope-down statement, a version. The options replace the group's own.
   * For example, let patient-document uploads through the core rule set's 8 KB body limit:
   * `waf.tuneManagedRuleGroup(ManagedRuleGroup.COMMON_RULE_SET, { ruleActionOverrides: [{ ruleName: 'SizeRestrictions_BODY', action: WafAction.COUNT }] })`.
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html
   */
  public tuneManagedRuleGroup(group: ManagedRuleGroup, options: ManagedRuleGroupOptions): void {
    const index = this.managedRuleGroups.findIndex(({ group: g }) => g.vendorName === group.vendorName && g.name === group.name);
    if (index < 0) {
      const present = this.managedRuleGroups.map(({ group: g }) => g.name).join(', ') || 'none';
      throw constructError(this, `managed rule group '${group.vendorName}/${group.name}' is not in this web ACL (it has: ${present}); add it with addManagedRuleGroup(group.withOptions(...)) instead`);
    }
    this.managedRuleGroups[index] = this.checkedManagedGroup(this.managedRuleGroups[index].group.withOptions(options));
    this.checkCapacity(`the options of managed rule group '${group.name}'`);
  }

  /**
   * Adds a rule of your own. It runs in its placement's band (see `RulePlacement`), after the rules already there;
   * adding it renumbers no other rule. Its capacity counts toward the web ACL's, and the checks judge it like
   * every other rule (an ALLOW before the path rules that lets through what they block is an error).
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rules.html
   */
  public addRule(rule: WafRuleOptions): void {
    this.checkRuleName(rule.name);
    if (!Object.values(WafAction).includes(rule.action)) {
      throw constructError(this, `rule '${rule.name}' has action '${rule.action}'; use a WafAction (ALLOW, BLOCK, COUNT, CAPTCHA or CHALLENGE)`);
    }
    const placement = rule.placement ?? RulePlacement.AFTER_PATH_RULES;
    const band = Object.prototype.hasOwnProperty.call(this.userRules, placement) ? this.userRules[placement] : undefined;
    if (!band) {
      throw constructError(this, `rule '${rule.name}' has placement '${placement}'; use a RulePlacement`);
    }
    if (band.length >= PRIORITIES.bandSize) {
      throw constructError(this, `more than ${PRIORITIES.bandSize} rules placed ${placement}; merge rules with WafStatement.anyOf`);
    }
    if (!(rule.statement instanceof WafStatement)) {
      throw constructError(this, `rule '${rule.name}' needs a statement made with the WafStatement factories (WafStatement.pathMatches, WafStatement.fromCloudFormation, ...)`);
    }
    const labels = (rule.labels ?? []).map((label) => {
      if (Token.isUnresolved(label) || !/^[0-9A-Za-z_\-:]{1,1024}$/.test(label)) {
        throw constructError(this, `rule '${rule.name}' label '${label}' is not a WAF label (letters, digits, '_', '-' and ':' namespaces), e.g. 'myapp:upload'`);
      }
      return { Name: label };
    });
    band.push({
      Name: rule.name,
      Priority: USER_BAND_START[placement] + band.length,
      Action: { [ACTION_KEYS[rule.action]]: {} },
      Statement: rule.statement._render(this.renderContext()),
      ...(labels.length > 0 ? { RuleLabels: labels } : {}),
      VisibilityConfig: this.visibility(rule.name),
    });
    this.checkCapacity(`rule '${rule.name}'`);
  }

  /**
   * Adds a rate-based rule: requests over `limit` per aggregation key within `window` get the action (BLOCK by
   * default), for example login throttling on `/login`. Rate limits run after the path rules, before your
   * AFTER_PATH_RULES rules, in the order added.
   * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
   */
  public addRateLimit(options: RateLimitOptions): void {
    const name = options.name ?? `RateLimit${this.rateLimits.length + 1}`;
    this.checkRuleName(name);
    const { limit, window } = options;
    if (Token.isUnresolved(limit) || !Number.isInteger(limit) || limit < RATE_LIMIT_MIN || limit > RATE_LIMIT_MAX) {
      throw constructError(this, `rate limit '${name}' has limit ${limit}; AWS WAF takes a whole number from ${RATE_LIMIT_MIN} to ${RATE_LIMIT_MAX} (requests per aggregation key in the window)`);
    }
    if (!window || typeof window.toSeconds !== 'function' || window.isUnresolved() || !RATE_WINDOWS.includes(window.toSeconds({ integral: false }))) {
      throw constructError(this, `rate limit '${name}' has window ${window?.toHumanString?.() ?? window}; AWS WAF counts over 1, 2, 5 or 10 minutes (Duration.minutes(1), (2), (5) or (10))`);
    }
    const action = options.action ?? WafAction.BLOCK;
    if (action === WafAction.ALLOW || !Object.values(WafAction).includes(action)) {
      throw constructError(this, `rate limit '${name}' has action ${action}; a rate-based rule can BLOCK, COUNT, CAPTCHA or CHALLENGE, not ALLOW`);
    }
    if (this.rateLimits.length >= PRIORITIES.bandSize) {
      throw constructError(this, `more than ${PRIORITIES.bandSize} rate limits`);
    }
    if (!options.aggregateKey && this.forwardedIp) {
      throw constructError(this, `rate limit '${name}' needs an aggregateKey, because this web ACL judges clients by ${this.forwardedIp.headerName}: `
        + 'RateLimitAggregateKey.sourceIp() counts per proxy address (all clients behind one proxy share the limit), '
        + 'RateLimitAggregateKey.forwardedIp() counts per first address of the header (which a client can choose unless the proxy replaces the header)');
    }
    const aggregateKey = options.aggregateKey ?? RateLimitAggregateKey.sourceIp();
    if (!(aggregateKey instanceof RateLimitAggregateKey)) {
      throw constructError(this, `rate limit '${name}' needs an aggregateKey made with the RateLimitAggregateKey factories`);
    }
    const ctx = this.renderContext();
    const key = aggregateKey._render(ctx);
    if (key.AggregateKeyType === 'CONSTANT' && options.scopeDownPath === undefined) {
      throw constructError(this, `rate limit '${name}' counts all requests as one (RateLimitAggregateKey.constant()), which AWS WAF only allows with a scope-down; set scopeDownPath`);
    }
    const scopeDown = options.scopeDownPath !== undefined ? WafStatement.pathMatches([options.scopeDownPath])._render(ctx) : undefined;
    this.rateLimits.push({
      Name: name,
      Priority: PRIORITIES.rateLimitStart + this.rateLimits.length,
      Action: { [ACTION_KEYS[action]]: {} },
      Statement: {
        RateBasedStatement: {
          Limit: limit,
          EvaluationWindowSec: window.toSeconds(),
          ...key,
          ...(scopeDown ? { ScopeDownStatement: scopeDown } : {}),
        },
      },
      VisibilityConfig: this.visibility(name),
    });
    this.checkCapacity(`rate limit '${name}'`);
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
      this.checkAllowlistBreadth(label, allowedCidrs, cidrs, family, addresses);
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
   * would be allowlisted). An allowlist that covers half the family's addresses or more is legal: the
   * LayeredDefense-WafAllowlistVeryBroad rule reports it, on this web ACL as on any other.
   */
  private checkAllowlistBreadth(label: string, texts: string[], cidrs: ParsedCidr[], family: IpFamily, merged: string[]): void {
    const name = family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
    const ofFamily = texts.filter((_, i) => cidrs[i].family === family).map((t) => `'${t}'`);
    const entries = ofFamily.length > 6 ? `${ofFamily.slice(0, 5).join(', ')} and ${ofFamily.length - 5} more` : ofFamily.join(', ');
    if (merged.some((cidr) => cidr.endsWith('/0'))) {
      throw constructError(this, `allowedCidrs for ${label}: the ${name} entries ${entries} merge to ${merged[0]}, every ${name} address: `
        + 'an AWS WAF IP set cannot hold /0 and the rule would block nobody; list only the networks that may reach the path');
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
    // A position other than LAST and a MATCH fallback are legal but risky: the LayeredDefense-WafForwardedIpSpoofable and
    // LayeredDefense-WafForwardedIpFailOpen rules judge them in the rendered web ACL, as they judge any template.
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
    // Leaving out authorization or cookie is reported by the LayeredDefense-WafLogging rule on the logging configuration.

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

  /**
   * The rules in priority order, with every accepted escape-hatch override applied. `strict` (at synth) refuses an
   * override that points past the rules or at a rule the construct enforces; while rules are still being added
   * (capacity checks), an override whose index does not exist yet is left out.
   */
  private renderRules(strict: boolean): CfnStatement[] {
    if (strict && this.webAcl.rules !== undefined) {
      throw constructError(this, 'webAcl.rules is set, but PathAllowlistWaf renders the rules and would drop it; add rules with addRule() or addRateLimit(), or override one rule with webAcl.addPropertyOverride(\'Rules.<index>.<field>\', value)');
    }
    const blocked: CfnStatement[] = [];
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
      blocked.push(this.blockRule('BlockedSources', PRIORITIES.blockedSourcesStart, references(false)));
      if (this.forwardedIp) {
        // AWS WAF skips a forwarded-IP rule for a request without the header, so the connection's source is judged
        // by the rule above and the client the proxy reports by this one.
        blocked.push(this.blockRule('BlockedSources-ForwardedIp', PRIORITIES.blockedSourcesStart + 1, references(true)));
      }
    }
    const paths: CfnStatement[] = [];
    for (const allowlist of this.allowlists) {
      const path = pathMatchStatement(allowlist.paths, allowlist.matchType, this.originPathStyle);
      const base = `PathAllowlist${allowlist.index}`;
      if (this.forwardedIp) {
        // AWS WAF "doesn't apply the rule to the web request at all" when the forwarded IP header is missing
        // (API_IPSetForwardedIPConfig), so the block rule below cannot see such a request. This rule blocks it:
        // a request without the header has no such component and a size constraint on it does not match
        // (waf-rule-statement-fields-list.html), so NOT(size > 0) matches a missing header, and an empty one;
        // AWS's own example for "requests that are missing a specific header" (waf-rate-based-example-limit-missing-header.html).
        paths.push(this.blockRule(`${base}-MissingForwardedIp`, PRIORITIES.pathStart + PRIORITIES.allowlistStep * allowlist.index, {
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
      paths.push(this.blockRule(base, PRIORITIES.pathStart + PRIORITIES.allowlistStep * allowlist.index + 1, {
        AndStatement: { Statements: [path, { NotStatement: { Statement: anyOf(references) } }] },
      }));
    }
    const managed = this.managedRuleGroups.map(({ group, scopeDown }, i) => {
      const name = `${group.vendorName}-${group.name}`;
      return {
        Name: name,
        Priority: PRIORITIES.managedStart + PRIORITIES.managedStep * i,
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: managedGroupStatement(group, scopeDown) },
        VisibilityConfig: this.visibility(name),
      };
    });
    const entries: RenderedRule[] = [
      // Blocked sources are enforced like the path rules: an override must not let a listed source through.
      ...blocked.map((rule) => ({ rule, enforced: true })),
      ...this.userRules[RulePlacement.BEFORE_PATH_RULES].map((rule) => ({ rule, enforced: false })),
      ...paths.map((rule) => ({ rule, enforced: true })),
      ...this.rateLimits.map((rule) => ({ rule, enforced: false })),
      ...this.userRules[RulePlacement.AFTER_PATH_RULES].map((rule) => ({ rule, enforced: false })),
      ...managed.map((rule) => ({ rule, enforced: false })),
      ...this.userRules[RulePlacement.AFTER_MANAGED_RULE_GROUPS].map((rule) => ({ rule, enforced: false })),
    ];
    return this.applyRulesOverrides(entries, strict);
  }

  private applyRulesOverrides(entries: RenderedRule[], strict: boolean): CfnStatement[] {
    let rules = entries.map((e) => e.rule);
    for (const override of this.rulesOverrides) {
      if (override.index >= entries.length) {
        if (strict) {
          throw constructError(this, `webAcl.addPropertyOverride('${override.text}') points at rule ${override.index}, but the web ACL has ${entries.length} rules (indexes 0 to ${entries.length - 1}, in priority order as in the template); fix the index`);
        }
        continue;
      }
      const target = entries[override.index];
      if (target.enforced) {
        if (strict) {
          throw constructError(this, `webAcl.addPropertyOverride('${override.text}') would change rule '${target.rule.Name}', a path allowlist rule this construct enforces; `
            + 'change the protected paths or allowlists instead, or add a rule of your own with addRule()');
        }
        continue;
      }
      rules = withValueAt(rules, [String(override.index), ...override.path], override.value);
    }
    if (strict && this.rulesOverrides.length > 0) {
      for (const key of ['Name', 'Priority'] as const) {
        const seen = new Set<unknown>();
        for (const rule of rules) {
          if (seen.has(rule?.[key])) {
            throw constructError(this, `after the Rules overrides two rules have ${key} ${JSON.stringify(rule[key])}; AWS WAF needs it unique, so fix the override`);
          }
          seen.add(rule?.[key]);
        }
      }
    }
    return rules;
  }

  /** Takes an override under `Rules` (from `webAcl.addPropertyOverride`): records it, or refuses it now. */
  private recordRulesOverride(parts: string[], value: unknown): void {
    const text = parts.join('.');
    if (parts.length <= 1) {
      throw constructError(this, `an override of '${parts.length === 0 ? 'Properties' : 'Rules'}' as a whole would replace every rule, the path rules included; `
        + 'add rules with addRule() or addRateLimit(), tune managed groups with tuneManagedRuleGroup(), or override one rule by index: webAcl.addPropertyOverride(\'Rules.<index>.<field>\', value)');
    }
    if (!/^\d+$/.test(parts[1])) {
      throw constructError(this, `override '${text}': '${parts[1]}' is not a rule index; write Rules.<index>.<field>, the index counting the rules in priority order as in the template`);
    }
    if (parts.length === 2 && value === undefined) {
      throw constructError(this, `override '${text}' would delete a whole rule and leave a gap in Rules; to stop a rule from deciding, set its action: webAcl.addPropertyOverride('${text}.Action', { Count: {} })`);
    }
    this.rulesOverrides.push({ text, index: Number(parts[1]), path: parts.slice(2), value });
  }

  /** Validates a managed group's options against its documented rules, and renders its scope-down statement. */
  private checkedManagedGroup(group: ManagedRuleGroup): AddedManagedGroup {
    const options = group.options ?? {};
    const overrides = options.ruleActionOverrides ?? [];
    const excluded = options.excludedRules ?? [];
    const label = `managed rule group '${group.vendorName}/${group.name}'`;
    const named = [...overrides.map((o) => o.ruleName), ...excluded];
    if (named.length > 0 && !group.ruleNames) {
      throw constructError(this, `${label} has no known rule list, so the rules ${named.map((n) => `'${n}'`).join(', ')} cannot be checked; `
        + 'give the vendor\'s rule names: ManagedRuleGroup.of(vendorName, name, capacity, ruleNames)');
    }
    const seen = new Set<string>();
    for (const name of named) {
      if (Token.isUnresolved(name) || typeof name !== 'string') {
        throw constructError(this, `${label}: rule name '${name}' must be a literal string`);
      }
      if (!group.ruleNames!.includes(name)) {
        const near = group.ruleNames!.find((r) => r.toLowerCase() === name.toLowerCase());
        throw constructError(this, `${label} has no rule '${name}'${near ? ` (did you mean '${near}'? rule names are case-sensitive)` : ''}; AWS WAF would ignore the override and the rule would keep its action. `
          + `Its documented rules: ${group.ruleNames!.join(', ')}`);
      }
      if (seen.has(name)) {
        throw constructError(this, `${label}: rule '${name}' is overridden or excluded twice; keep one (an excluded rule counts, like an override to COUNT)`);
      }
      seen.add(name);
    }
    for (const o of overrides) {
      if (!Object.values(WafAction).includes(o.action)) {
        throw constructError(this, `${label}: the override of '${o.ruleName}' has action '${o.action}'; use a WafAction`);
      }
    }
    if (options.version !== undefined) {
      const pattern = group.vendorName === 'AWS' ? /^Version_\d+\.\d+$/ : /^[\w.-]{1,128}$/;
      if (Token.isUnresolved(options.version) || !pattern.test(options.version)) {
        throw constructError(this, `${label}: version '${options.version}' is not a version name${group.vendorName === 'AWS' ? ' of the form Version_<major>.<minor>, e.g. \'Version_1.12\'' : ''}; list the group's versions with the ListAvailableManagedRuleGroupVersions API`);
      }
    }
    if (options.scopeDown !== undefined && !(options.scopeDown instanceof WafStatement)) {
      throw constructError(this, `${label}: scopeDown needs a statement made with the WafStatement factories`);
    }
    const scopeDown = options.scopeDown?._render(this.renderContext());
    return { group, scopeDown };
  }

  private checkRuleName(name: string): void {
    if (Token.isUnresolved(name) || typeof name !== 'string' || !/^[\w-]{1,128}$/.test(name)) {
      throw constructError(this, `rule name '${name}' must be 1 to 128 letters, digits, '_' or '-', e.g. 'ThrottleLogin'`);
    }
    if (this.renderRules(false).some((r) => r.Name === name)) {
      throw constructError(this, `a rule named '${name}' is already in the web ACL; rule names must be unique`);
    }
  }

  private renderContext(): RenderContext {
    return { scope: this, originPathStyle: this.originPathStyle, forwardedIp: this.forwardedIp };
  }

  private blockRule(name: string, priority: number, statement: CfnStatement): CfnStatement {
    return { Name: name, Priority: priority, Action: { Block: {} }, Statement: statement, VisibilityConfig: this.visibility(name) };
  }

  private visibility(ruleName: string): CfnStatement {
    return { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `${this.metricPrefix}-${ruleName}`.slice(0, 128) };
  }

  private checkCapacity(what: string): void {
    let capacity: number;
    try {
      capacity = this.estimatedCapacity;
    } catch (e) {
      if (e instanceof CannotEvaluateError) {
        throw constructError(this, `the capacity of ${what} cannot be estimated (${e.message}); the 5,000 WCU limit could not be checked, so use statements whose capacity AWS publishes and this library knows`);
      }
      throw e;
    }
    if (capacity > WEB_ACL_MAX_CAPACITY) {
      throw constructError(this, `adding ${what} brings the web ACL to an estimated ${capacity} WCU, above the ${WEB_ACL_MAX_CAPACITY} WCU a web ACL can hold; remove rules you added or managed rule groups, or merge protected paths into fewer allowlists`);
    }
  }
}

/** The CloudFormation `ManagedRuleGroupStatement` of a group with its options. */
function managedGroupStatement(group: ManagedRuleGroup, scopeDown: CfnStatement | undefined): CfnStatement {
  const options = group.options ?? {};
  const overrides = options.ruleActionOverrides ?? [];
  const excluded = options.excludedRules ?? [];
  return {
    VendorName: group.vendorName,
    Name: group.name,
    ...(options.version !== undefined ? { Version: options.version } : {}),
    ...(excluded.length > 0 ? { ExcludedRules: excluded.map((name) => ({ Name: name })) } : {}),
    ...(overrides.length > 0
      ? { RuleActionOverrides: overrides.map((o) => ({ Name: o.ruleName, ActionToUse: { [ACTION_KEYS[o.action]]: {} } })) }
      : {}),
    ...(scopeDown ? { ScopeDownStatement: scopeDown } : {}),
  };
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
