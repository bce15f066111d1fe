import { EphemeralPortRange, LayeredDefenseChecksProps } from './options';

/** The options checked and filled in. */
export interface ResolvedChecksOptions {
  readonly skipRules: ReadonlySet<string>;
  readonly naclEntryQuota: number;
  readonly ephemeralFrom: number;
  readonly ephemeralTo: number;
  readonly maxTcpEstablishedTimeoutSeconds: number;
}

export const DEFAULT_NACL_ENTRY_QUOTA = 20;
export const MAX_NACL_ENTRY_QUOTA = 40;
/** One hour: sessions of a revoked source end within the hour instead of five days. */
export const DEFAULT_MAX_TCP_ESTABLISHED_TIMEOUT_SECONDS = 3600;
export const DEFAULT_EPHEMERAL_PORT_RANGE: EphemeralPortRange = { from: 1024, to: 65535 };

/** Checks the options; throws an `Error` naming the bad value and the fix. */
export function resolveChecksOptions(what: string, options: LayeredDefenseChecksProps, knownRuleIds: readonly string[]): ResolvedChecksOptions {
  const skip = new Set<string>();
  for (const id of options.skipRules ?? []) {
    if (!knownRuleIds.includes(id)) {
      throw new Error(`${what}: skipRules names '${id}', which is not a rule id; use one of ${knownRuleIds.join(', ')}`);
    }
    skip.add(id);
  }
  const quota = options.naclEntryQuota ?? DEFAULT_NACL_ENTRY_QUOTA;
  if (!Number.isInteger(quota) || quota < DEFAULT_NACL_ENTRY_QUOTA || quota > MAX_NACL_ENTRY_QUOTA) {
    throw new Error(`${what}: naclEntryQuota is ${quota}; use the quota your account has, an integer from ${DEFAULT_NACL_ENTRY_QUOTA} (AWS default) to ${MAX_NACL_ENTRY_QUOTA} (the maximum AWS grants)`);
  }
  const range = options.ephemeralPortRange ?? DEFAULT_EPHEMERAL_PORT_RANGE;
  const port = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;
  if (!port(range.from) || !port(range.to) || range.from > range.to) {
    throw new Error(`${what}: ephemeralPortRange ${range.from}-${range.to} is not a port range; use integers 0-65535 with from <= to (default 1024-65535)`);
  }
  // The range EC2 accepts for TcpEstablishedTimeout (EC2 User Guide, "Connection tracking timeouts").
  const maxTcp = options.maxTcpEstablishedTimeoutSeconds ?? DEFAULT_MAX_TCP_ESTABLISHED_TIMEOUT_SECONDS;
  if (!Number.isInteger(maxTcp) || maxTcp < 60 || maxTcp > 432_000) {
    throw new Error(`${what}: maxTcpEstablishedTimeoutSeconds is ${maxTcp}; use a whole number of seconds from 60 to 432000, the range EC2 accepts for TcpEstablishedTimeout (default ${DEFAULT_MAX_TCP_ESTABLISHED_TIMEOUT_SECONDS})`);
  }
  return { skipRules: skip, naclEntryQuota: quota, ephemeralFrom: range.from, ephemeralTo: range.to, maxTcpEstablishedTimeoutSeconds: maxTcp };
}
