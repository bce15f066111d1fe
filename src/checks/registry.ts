// The rule registry: one list, in a stable order (layers outermost first), for both front doors. RULES.md at the
// repository root documents every entry; test/checks/registry.test.ts keeps the two equal.
import { LayeredDefenseRule } from './rule';
import { PublicEndpointWithoutWaf } from './rules/application/PublicEndpointWithoutWaf';
import { WafAllowShadowsBlock } from './rules/application/WafAllowShadowsBlock';
import { WafCapacityCost } from './rules/application/WafCapacityCost';
import { WafCapacityLimit } from './rules/application/WafCapacityLimit';
import { WafForwardedIpDirectReach } from './rules/application/WafForwardedIpDirectReach';
import { WafForwardedIpFailOpen } from './rules/application/WafForwardedIpFailOpen';
import { WafLogging } from './rules/application/WafLogging';
import { WafPathBypass } from './rules/application/WafPathBypass';
import { WafUnassociated } from './rules/application/WafUnassociated';
import { VpcFlowLogs } from './rules/audit/VpcFlowLogs';
import { CannotVerify } from './rules/CannotVerify';
import { NaclAllowlist } from './rules/subnet/NaclAllowlist';
import { NaclDeadEntry } from './rules/subnet/NaclDeadEntry';
import { NaclDenyOwnVpc } from './rules/subnet/NaclDenyOwnVpc';
import { NaclDenyShadowed } from './rules/subnet/NaclDenyShadowed';
import { NaclDuplicateRuleNumber } from './rules/subnet/NaclDuplicateRuleNumber';
import { NaclEntryQuota } from './rules/subnet/NaclEntryQuota';
import { NaclReturnTraffic } from './rules/subnet/NaclReturnTraffic';
import { NaclSubnetConflict } from './rules/subnet/NaclSubnetConflict';
import { NaclUnassociated } from './rules/subnet/NaclUnassociated';
import { HttpNotRedirected } from './rules/transmission/HttpNotRedirected';
import { TlsPolicyOutdated } from './rules/transmission/TlsPolicyOutdated';
import { SgDefaultOpen } from './rules/virtual-firewall/SgDefaultOpen';
import { SgDenyIntent } from './rules/virtual-firewall/SgDenyIntent';
import { SgOpenIngress } from './rules/virtual-firewall/SgOpenIngress';

export const CANNOT_VERIFY_RULE: LayeredDefenseRule = CannotVerify;

export const RULES: readonly LayeredDefenseRule[] = [
  // Application layer (WAF)
  WafUnassociated,
  WafLogging,
  WafPathBypass,
  WafForwardedIpFailOpen,
  WafForwardedIpDirectReach,
  WafAllowShadowsBlock,
  WafCapacityLimit,
  WafCapacityCost,
  PublicEndpointWithoutWaf,
  // Subnet layer (NACL)
  NaclDenyShadowed,
  NaclDenyOwnVpc,
  NaclDeadEntry,
  NaclReturnTraffic,
  NaclEntryQuota,
  NaclDuplicateRuleNumber,
  NaclUnassociated,
  NaclSubnetConflict,
  NaclAllowlist,
  // Virtual firewall layer (security groups)
  SgOpenIngress,
  SgDefaultOpen,
  SgDenyIntent,
  // Transmission security and audit
  HttpNotRedirected,
  TlsPolicyOutdated,
  VpcFlowLogs,
  // Values unknown at synth
  CannotVerify,
];
