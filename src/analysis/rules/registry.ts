// The rule registry: one list, in a stable order (layers outermost first), for both front doors. RULES.md at the
// repository root documents every entry; test/checks/registry.test.ts keeps the two equal.
import { PublicEndpointWithoutWaf } from './application/PublicEndpointWithoutWaf';
import { WafAllowlistVeryBroad } from './application/WafAllowlistVeryBroad';
import { WafAllowShadowsBlock } from './application/WafAllowShadowsBlock';
import { WafCapacityCost } from './application/WafCapacityCost';
import { WafCapacityLimit } from './application/WafCapacityLimit';
import { WafForwardedIpDirectReach } from './application/WafForwardedIpDirectReach';
import { WafForwardedIpFailOpen } from './application/WafForwardedIpFailOpen';
import { WafForwardedIpSpoofable } from './application/WafForwardedIpSpoofable';
import { WafLogging } from './application/WafLogging';
import { WafPathBypass } from './application/WafPathBypass';
import { WafUnassociated } from './application/WafUnassociated';
import { VpcFlowLogs } from './audit/VpcFlowLogs';
import { CannotVerify } from './CannotVerify';
import { InvalidValue } from './InvalidValue';
import { FirewallAllowlistDropDefault } from './network/FirewallAllowlistDropDefault';
import { FirewallAllowlistTopLevelDomain } from './network/FirewallAllowlistTopLevelDomain';
import { FirewallAsymmetricReturn } from './network/FirewallAsymmetricReturn';
import { FirewallAzCoverage } from './network/FirewallAzCoverage';
import { FirewallDefaultOrderPass } from './network/FirewallDefaultOrderPass';
import { FirewallEndpointCrossAz } from './network/FirewallEndpointCrossAz';
import { FirewallIdleTimeout } from './network/FirewallIdleTimeout';
import { FirewallLogging } from './network/FirewallLogging';
import { FirewallPolicyQuota } from './network/FirewallPolicyQuota';
import { FirewallRouteBypass } from './network/FirewallRouteBypass';
import { FirewallRuleGroupCapacity } from './network/FirewallRuleGroupCapacity';
import { FirewallSilentDrop } from './network/FirewallSilentDrop';
import { FirewallStatelessBypass } from './network/FirewallStatelessBypass';
import { FirewallStrictOrderNoDrop } from './network/FirewallStrictOrderNoDrop';
import { FirewallSubnetWorkload } from './network/FirewallSubnetWorkload';
import { FirewallSuricataFlow } from './network/FirewallSuricataFlow';
import { DataStoreInternetReachable } from './paths/DataStoreInternetReachable';
import { DataStoreReachedOutsideGroups } from './paths/DataStoreReachedOutsideGroups';
import { WafOriginBypass } from './paths/WafOriginBypass';
import { LayeredDefenseRule } from './rule';
import { NaclAllowlist } from './subnet/NaclAllowlist';
import { NaclDeadEntry } from './subnet/NaclDeadEntry';
import { NaclDenyOwnVpc } from './subnet/NaclDenyOwnVpc';
import { NaclDenyShadowed } from './subnet/NaclDenyShadowed';
import { NaclDuplicateRuleNumber } from './subnet/NaclDuplicateRuleNumber';
import { NaclEntryQuota } from './subnet/NaclEntryQuota';
import { NaclIpv6WithoutVpcIpv6 } from './subnet/NaclIpv6WithoutVpcIpv6';
import { NaclReturnTraffic } from './subnet/NaclReturnTraffic';
import { NaclSubnetConflict } from './subnet/NaclSubnetConflict';
import { NaclUnassociated } from './subnet/NaclUnassociated';
import { HttpNotRedirected } from './transmission/HttpNotRedirected';
import { TlsPolicyOutdated } from './transmission/TlsPolicyOutdated';
import { SgDefaultOpen } from './virtual-firewall/SgDefaultOpen';
import { SgDenyIntent } from './virtual-firewall/SgDenyIntent';
import { SgIdleTimeoutLong } from './virtual-firewall/SgIdleTimeoutLong';
import { SgOpenIngress } from './virtual-firewall/SgOpenIngress';

export const CANNOT_VERIFY_RULE: LayeredDefenseRule = CannotVerify;

export const RULES: readonly LayeredDefenseRule[] = [
  // Application layer (WAF)
  WafUnassociated,
  WafLogging,
  WafPathBypass,
  WafForwardedIpFailOpen,
  WafForwardedIpDirectReach,
  WafForwardedIpSpoofable,
  WafAllowlistVeryBroad,
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
  NaclIpv6WithoutVpcIpv6,
  // Virtual firewall layer (security groups)
  SgOpenIngress,
  SgDefaultOpen,
  SgDenyIntent,
  SgIdleTimeoutLong,
  // Network layer (Network Firewall)
  FirewallDefaultOrderPass,
  FirewallStrictOrderNoDrop,
  FirewallAllowlistDropDefault,
  FirewallAllowlistTopLevelDomain,
  FirewallSilentDrop,
  FirewallStatelessBypass,
  FirewallSuricataFlow,
  FirewallLogging,
  FirewallRuleGroupCapacity,
  FirewallPolicyQuota,
  FirewallIdleTimeout,
  FirewallRouteBypass,
  FirewallEndpointCrossAz,
  FirewallAsymmetricReturn,
  FirewallSubnetWorkload,
  FirewallAzCoverage,
  // Paths: what the layers do together (reachability)
  DataStoreInternetReachable,
  DataStoreReachedOutsideGroups,
  WafOriginBypass,
  // Transmission security and audit
  HttpNotRedirected,
  TlsPolicyOutdated,
  VpcFlowLogs,
  // Values AWS rejects, and values unknown at synth
  InvalidValue,
  CannotVerify,
];
