import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FIREWALL_TIER_NAME } from '../firewall/defaults';

/**
 * Secure defaults of HipaaSecureVpc. Merge order: these < the user's props < what the construct enforces
 * (flow logs on, default security group closed, no public IPs on launch), so an override can never quietly
 * weaken the guarantee; weakening one takes an escape hatch with a reason.
 */
export const HIPAA_VPC_DEFAULTS = {
  maxAzs: 2,
  cidr: '10.0.0.0/16',
  /** /20 per subnet: 4,091 usable addresses per tier and AZ, room for 3 tiers x 4 AZs in a /16. */
  cidrMask: 20,
  /**
   * HIPAA asks covered entities to keep required documentation six years (45 CFR 164.316(b)(2)(i)); audit
   * logs of access to e-PHI are commonly kept as long.
   */
  flowLogRetention: logs.RetentionDays.SIX_YEARS,
  /** Audit records outlive the stack: deleting a stack must not delete the evidence. */
  logRemovalPolicy: RemovalPolicy.RETAIN,
  gatewayEndpoints: true,
} as const;

/** Tier names: they become the subnet group names (`subnetGroupName`) users select by. */
export const TIER_NAMES = {
  public: 'Public',
  application: 'Application',
  data: 'Data',
} as const;

/** Options of the tiers beyond their size. */
export interface TierOptions {
  /** The VPC is dual stack: subnets get IPv6 blocks, and the tiers that face the internet assign none on launch. */
  readonly dualStack?: boolean;
  /** Add the `Firewall` tier (firewall endpoints only), after the others so adding it renumbers no existing subnet. */
  readonly firewallTier?: boolean;
}

export function tierSubnetConfiguration(cidrMask: number, options: TierOptions = {}): ec2.SubnetConfiguration[] {
  // Every tier gets an IPv6 block, but nothing gets an IPv6 address by accident (HIPAA.Security
  // VPCSubnetAutoAssignPublicIpDisabled): IPv6 addresses are global, so a resource asks for one (load balancers with
  // ipAddressType DUAL_STACK, instances with ipv6AddressCount).
  const noIpv6OnLaunch = options.dualStack ? { ipv6AssignAddressOnCreation: false } : {};
  const tiers: ec2.SubnetConfiguration[] = [
    // Only load balancers and NAT live here; an instance launched here by mistake gets no public IP.
    { name: TIER_NAMES.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask, mapPublicIpOnLaunch: false, ...noIpv6OnLaunch },
    { name: TIER_NAMES.application, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask, ...noIpv6OnLaunch },
    { name: TIER_NAMES.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask, ...noIpv6OnLaunch },
  ];
  if (options.firewallTier) {
    // Firewall endpoints only: a /28 per AZ is what Network Firewall needs, and PUBLIC gives the route to the IGW.
    tiers.push({
      name: FIREWALL_TIER_NAME,
      subnetType: ec2.SubnetType.PUBLIC,
      cidrMask: FIREWALL_TIER_CIDR_MASK,
      mapPublicIpOnLaunch: false,
      ...noIpv6OnLaunch,
    });
  }
  return tiers;
}

/** The firewall tier's subnet size. */
export const FIREWALL_TIER_CIDR_MASK = 28;
