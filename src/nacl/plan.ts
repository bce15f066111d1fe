// Pure planning of a blocklist NACL: exact merge, quota, bounded lossy cover and stable rule numbers.
// No CDK imports: the construct turns the plan into resources, and tests and benchmarks call it directly.
// Not exported from src/nacl/index.ts (it uses bigint and plain TypeScript types jsii cannot carry).
import { IpFamily } from '../ip/family';
import { formatCidr, IpRange, mergeCidrStrings, parseCidr, protectedLossyCover } from '../private/ip';

/** An inclusive range of NACL rule numbers. */
export interface RuleNumberBand {
  readonly first: number;
  readonly last: number;
}

/**
 * Rule-number layout of a blocklist NACL, per direction (ingress and egress use the same numbers).
 *
 * EC2 gives IPv4 and IPv6 entries one rule-number space per direction, so each family gets its own band and a
 * number never changes family. Every deny band lies below both allow-all entries, so a blocked source is denied
 * before anything allows it. Numbers 1-99 are never used: they are left for entries users and responders add
 * themselves (evaluated before the blocklist; GuardDuty responders such as aws-samples/amazon-guardduty-waf-acl
 * write entries 71-80), and `reservedEntries` keeps room for them in the quota.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
 */
export const BLOCKLIST_RULE_NUMBERS = {
  reserved: { first: 1, last: 99 } as RuleNumberBand,
  ipv4Deny: { first: 100, last: 15_999 } as RuleNumberBand,
  ipv6Deny: { first: 16_100, last: 31_999 } as RuleNumberBand,
  ipv4AllowAll: 32_000,
  ipv6AllowAll: 32_001,
};

/**
 * Default and largest value of `maxEntriesPerDirection`: 20 entries per NACL, direction and family (the `*`
 * entry included), raisable to 40.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls
 */
export const DEFAULT_MAX_ENTRIES_PER_DIRECTION = 20;
export const LARGEST_MAX_ENTRIES_PER_DIRECTION = 40;
/** Entries of a family that are not deny entries: the allow-all entry and the `*` entry AWS adds. */
export const NON_DENY_ENTRIES_PER_FAMILY = 2;
/** IPv6 collateral budgets are counted in /64 networks. */
export const IPV6_BUDGET_UNIT = 2n ** 64n;

export interface BlocklistPlanOptions {
  /** Entries per direction and family the account's quota allows (20 by default, up to 40). */
  readonly maxEntriesPerDirection: number;
  /** Whether to add the IPv6 allow-all entries (only when the VPC has IPv6). */
  readonly ipv6AllowAll: boolean;
  /** Extra addresses a lossy cover may block, per family; 0n means exact entries only. */
  readonly collateralBudget: { readonly ipv4: bigint; readonly ipv6: bigint };
  /** Deny bands; tests shrink them to force collisions. @default BLOCKLIST_RULE_NUMBERS */
  readonly denyBands?: { readonly ipv4: RuleNumberBand; readonly ipv6: RuleNumberBand };
  /**
   * Addresses a lossy cover must not widen into (the VPC's own CIDR blocks, non-public ranges): a cover block may
   * hold one of them only when it is itself listed. @default - none
   */
  readonly protectedRanges?: readonly IpRange[];
  /** Entries per direction and family kept free for entries written by others (rule numbers 1-99). @default 0 */
  readonly reservedEntries?: number;
  /**
   * When the ranges of a family fit neither exactly nor within the collateral budget, keep the ranges that cover the
   * most addresses as exact deny entries and return the rest as `overflowCidrs` (for a WAF) instead of failing.
   * @default false
   */
  readonly overflow?: boolean;
}

export interface FamilyPlan {
  readonly family: IpFamily;
  /** The exact merge of the blocked ranges of this family, as canonical CIDRs. */
  readonly exactCidrs: string[];
  /** What the deny entries hold: the exact merge, or the lossy cover when it was needed and within budget. */
  readonly denyCidrs: string[];
  /** Addresses the deny entries block beyond the listed ranges (0n unless a lossy cover is used). */
  readonly extraAddresses: bigint;
  readonly lossy: boolean;
  /** Deny entries that fit per direction: maxEntriesPerDirection minus the allow-all, `*` and reserved entries. */
  readonly capacity: number;
  /** The exact ranges the deny entries leave out, for the WAF (only with the `overflow` option). */
  readonly overflowCidrs: string[];
  readonly budget: bigint;
  /** Set when the family does not fit: the extra addresses the best cover within capacity would block. */
  readonly overflowCoverExtra?: bigint;
  /**
   * Set when the family does not fit and its best cover would be the whole address space (a /0 deny), which a
   * blocklist never means, whatever the budget.
   */
  readonly coverIsEverything?: boolean;
  /** Set when the family does not fit and every cover within capacity would widen into a protected range. */
  readonly coverTouchesProtected?: boolean;
}

export interface PlannedNaclEntry {
  /** Construct id, a pure function of the slot (direction, rule number): `IngressDeny1234`, `EgressAllow32000`. */
  readonly id: string;
  readonly egress: boolean;
  readonly ruleNumber: number;
  readonly action: 'allow' | 'deny';
  readonly family: IpFamily;
  readonly cidr: string;
}

export interface BlocklistPlan {
  readonly ipv4: FamilyPlan;
  readonly ipv6: FamilyPlan;
  /** True when both families fit (exactly or within the collateral budget). */
  readonly ok: boolean;
  /** Entries for both directions, sorted by (egress, rule number); empty when `ok` is false. */
  readonly entries: PlannedNaclEntry[];
}

/** 32-bit FNV-1a: small, fast, and the same on every machine and Node version (rule numbers must not drift). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
/* eslint-enable no-bitwise */

/** The slot a CIDR takes when nothing else claims it. */
export function homeRuleNumber(cidr: string, band: RuleNumberBand): number {
  return band.first + (fnv1a32(cidr) % (band.last - band.first + 1));
}

/**
 * Assign each canonical CIDR a rule number in `band`, so that a CIDR keeps its number when others come and go.
 *
 * 1. Every CIDR's home is `band.first + fnv1a32(cidr) mod bandSize`. Each home goes to the smallest CIDR (string
 *    order) that hashes there, whatever else is in the set.
 * 2. The CIDRs that lost their home take, in (home, cidr) order, the next free number above it (wrapping), skipping
 *    every home taken in step 1, so a displaced CIDR never takes another CIDR's home.
 *
 * Hence a CIDR that holds its home keeps it unless a CIDR with the same home and a smaller string is added. With a
 * band of 15,900 numbers and n deny entries, the chance that any two entries share a home is about
 * n(n-1)/(2 x 15,900): 1% for 18 entries, 4.4% for 38; a given range is displaced by one added range with
 * probability 1/15,900. A displaced range only changes number, which is still a safe update (see IpBlocklistNacl).
 */
export function assignRuleNumbers(cidrs: readonly string[], band: RuleNumberBand): Map<string, number> {
  const size = band.last - band.first + 1;
  if (cidrs.length > size) {
    throw new Error(`Cannot number ${cidrs.length} entries in rule numbers ${band.first}-${band.last}`);
  }
  const homes = cidrs.map((cidr) => ({ cidr, home: homeRuleNumber(cidr, band) }));
  homes.sort((a, b) => a.home - b.home || compareStrings(a.cidr, b.cidr));
  const result = new Map<string, number>();
  const taken = new Set<number>();
  const displaced: typeof homes = [];
  for (const h of homes) {
    if (taken.has(h.home)) {
      displaced.push(h);
    } else {
      taken.add(h.home);
      result.set(h.cidr, h.home);
    }
  }
  for (const h of displaced) {
    let n = h.home;
    do {
      n = n === band.last ? band.first : n + 1;
    } while (taken.has(n));
    taken.add(n);
    result.set(h.cidr, n);
  }
  return result;
}

/**
 * Plan the entries of a blocklist NACL for a list of valid CIDRs (any order; overlaps and repeats allowed, /0 is the
 * caller's to refuse). The exact merge is the IP core's bulk string merge, the fast path for large feeds.
 */
export function planBlocklistNacl(cidrs: readonly string[], options: BlocklistPlanOptions): BlocklistPlan {
  const capacity = options.maxEntriesPerDirection - NON_DENY_ENTRIES_PER_FAMILY - (options.reservedEntries ?? 0);
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`No room for deny entries: maxEntriesPerDirection ${options.maxEntriesPerDirection} minus 2 minus reservedEntries ${options.reservedEntries ?? 0} is ${capacity}`);
  }
  const bands = options.denyBands ?? { ipv4: BLOCKLIST_RULE_NUMBERS.ipv4Deny, ipv6: BLOCKLIST_RULE_NUMBERS.ipv6Deny };
  const merged = mergeCidrStrings(cidrs);
  const family = (f: IpFamily, exact: string[], budget: bigint) =>
    planFamily(f, exact, capacity, budget, options.protectedRanges ?? [], options.overflow === true);
  const ipv4 = family(IpFamily.IPV4, merged.ipv4, options.collateralBudget.ipv4);
  const ipv6 = family(IpFamily.IPV6, merged.ipv6, options.collateralBudget.ipv6);
  const ok = ipv4.overflowCoverExtra === undefined && ipv6.overflowCoverExtra === undefined;
  if (!ok) {
    return { ipv4, ipv6, ok, entries: [] };
  }
  const rules: Array<Omit<PlannedNaclEntry, 'id' | 'egress'>> = [];
  for (const [plan, band] of [[ipv4, bands.ipv4], [ipv6, bands.ipv6]] as const) {
    const numbers = assignRuleNumbers(plan.denyCidrs, band);
    for (const cidr of plan.denyCidrs) {
      rules.push({ ruleNumber: numbers.get(cidr)!, action: 'deny', family: plan.family, cidr });
    }
  }
  rules.push({ ruleNumber: BLOCKLIST_RULE_NUMBERS.ipv4AllowAll, action: 'allow', family: IpFamily.IPV4, cidr: '0.0.0.0/0' });
  if (options.ipv6AllowAll) {
    rules.push({ ruleNumber: BLOCKLIST_RULE_NUMBERS.ipv6AllowAll, action: 'allow', family: IpFamily.IPV6, cidr: '::/0' });
  }
  rules.sort((a, b) => a.ruleNumber - b.ruleNumber);
  const entries: PlannedNaclEntry[] = [];
  for (const egress of [false, true]) {
    for (const rule of rules) {
      entries.push({ ...rule, egress, id: entryId(egress, rule.action, rule.ruleNumber) });
    }
  }
  return { ipv4, ipv6, ok, entries };
}

/** Construct id of the entry in a slot. It depends on nothing but the slot, which is what makes updates safe. */
export function entryId(egress: boolean, action: 'allow' | 'deny', ruleNumber: number): string {
  return `${egress ? 'Egress' : 'Ingress'}${action === 'deny' ? 'Deny' : 'Allow'}${ruleNumber}`;
}

function planFamily(family: IpFamily, exactCidrs: string[], capacity: number, budget: bigint,
  protectedRanges: readonly IpRange[], overflow: boolean): FamilyPlan {
  const base = { family, exactCidrs, capacity, budget, overflowCidrs: [] as string[], extraAddresses: 0n, lossy: false };
  if (exactCidrs.length <= capacity) {
    return { ...base, denyCidrs: exactCidrs };
  }
  // The cover is only worth computing when it could be used or when the error must give its cost.
  const cover = budget > 0n || !overflow
    ? protectedLossyCover(family, exactCidrs.map((c) => parseCidr(c)), capacity, protectedRanges)
    : undefined;
  const everything = cover !== undefined && cover.blocks.some((block) => block.prefixLength === 0);
  if (cover && !everything && budget > 0n && cover.extra <= budget) {
    return { ...base, denyCidrs: cover.blocks.map((c) => formatCidr(c)), extraAddresses: cover.extra, lossy: true };
  }
  if (overflow) {
    return { ...base, ...splitForOverflow(exactCidrs, capacity) };
  }
  if (!cover) {
    return { ...base, denyCidrs: [], overflowCoverExtra: 0n, coverTouchesProtected: true };
  }
  return { ...base, denyCidrs: [], overflowCoverExtra: cover.extra, ...(everything ? { coverIsEverything: true } : {}) };
}

/**
 * The `capacity` exact ranges that cover the most addresses stay in the NACL (which blocks every protocol); the rest
 * go to the WAF (which blocks HTTP only). Ties go to the lower address, so the split is deterministic.
 */
function splitForOverflow(exact: readonly string[], capacity: number): { denyCidrs: string[]; overflowCidrs: string[] } {
  // The exact merge is canonical `network/prefix` text, ascending: the prefix length is the text after the slash.
  const prefixes = exact.map((cidr) => Number(cidr.slice(cidr.indexOf('/') + 1)));
  const order = exact.map((_, i) => i).sort((a, b) => prefixes[a] - prefixes[b] || a - b);
  const kept = new Uint8Array(exact.length);
  for (const index of order.slice(0, capacity)) {
    kept[index] = 1;
  }
  const denyCidrs: string[] = [];
  const overflowCidrs: string[] = [];
  exact.forEach((cidr, i) => (kept[i] === 1 ? denyCidrs : overflowCidrs).push(cidr));
  return { denyCidrs, overflowCidrs };
}

/**
 * The message for a family that does not fit: the count, the capacity, and the three ways out (raise the quota,
 * accept a bounded lossy cover with its exact cost, or block the rest at the WAF layer for HTTP traffic).
 */
export function describeOverflow(plan: FamilyPlan, maxEntriesPerDirection: number, optionsPrefix = ''): string {
  const v4 = plan.family === IpFamily.IPV4;
  const name = v4 ? 'IPv4' : 'IPv6';
  const extra = plan.overflowCoverExtra ?? 0n;
  const quota = maxEntriesPerDirection < LARGEST_MAX_ENTRIES_PER_DIRECTION
    ? `ask AWS to raise the 'Rules per network ACL' quota (up to ${LARGEST_MAX_ENTRIES_PER_DIRECTION}) and set ${optionsPrefix}maxEntriesPerDirection to match`
    : `the quota is already at its maximum (${LARGEST_MAX_ENTRIES_PER_DIRECTION}); merge or drop ranges`;
  const needed = v4 ? extra.toString() : ((extra + IPV6_BUDGET_UNIT - 1n) / IPV6_BUDGET_UNIT).toString();
  const budgetProp = optionsPrefix + (v4 ? 'maxCollateralIpv4Addresses' : 'maxCollateralIpv6Slash64s');
  const budgetNow = v4 ? plan.budget.toString() : (plan.budget / IPV6_BUDGET_UNIT).toString();
  const unit = v4 ? '' : ' (counted in /64 networks)';
  return `blockedCidrs hold ${plan.exactCidrs.length} ${name} ranges after an exact merge, but the NACL has room for `
    + `${plan.capacity} ${name} deny entries per direction (maxEntriesPerDirection ${maxEntriesPerDirection} minus the `
    + 'allow-all, \'*\' and reserved entries). Fix one of: '
    + `(1) ${quota}; `
    + (plan.coverTouchesProtected
      ? `(2) a lossy cover cannot help: every ${plan.capacity}-entry cover would also block the VPC's own CIDR blocks or `
        + 'private or reserved ranges; '
      : plan.coverIsEverything
        ? `(2) a lossy cover cannot help: the best ${plan.capacity}-entry cover is every ${name} address, which a blocklist `
        + 'never means; '
        : `(2) accept a lossy cover: the best ${plan.capacity}-entry cover also blocks ${extra} ${name} addresses that are not `
        + `in the list; set ${budgetProp} to at least ${needed}${unit} (now ${budgetNow}); `)
    + (optionsPrefix === ''
      ? '(3) set overflowWaf to a PathAllowlistWaf: the ranges that do not fit are blocked there for HTTP traffic.'
      : `(3) set ${optionsPrefix}overflowWaf to a PathAllowlistWaf, or blocklistOverflowToWaf: true with protectPaths, and the ranges `
        + 'that do not fit are blocked at the web ACL for HTTP traffic.');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
