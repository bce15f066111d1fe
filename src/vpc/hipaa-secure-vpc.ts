import { Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { HIPAA_VPC_DEFAULTS, TIER_NAMES, tierSubnetConfiguration } from './defaults';
import { RULE_ID_PREFIX } from '../analysis/rules/rule';
import { FIREWALL_TIER_NAME } from '../firewall/defaults';
import { DomainAllowlistFirewall } from '../firewall/domain-allowlist-firewall';
import { IpBlocklistNacl, IpBlocklistNaclOptions } from '../nacl';
import { createEncryptedLogGroup } from '../private/encrypted-log-group';
import { childPath, constructPathError } from '../private/errors';
import { PathAllowlistWaf, PathAllowlistWafProps } from '../waf';

/**
 * Explicit, documented ways to weaken a HipaaSecureVpc guarantee. Each takes the reason as its value: the
 * reason is recorded in an acknowledgeable warning on the VPC, so a reviewer sees who switched what off and why.
 */
export interface HipaaSecureVpcEscapeHatches {
  /**
   * Leave the rules of the VPC's default security group in place instead of revoking them.
   *
   * @default - the default security group is closed (no inbound, no outbound rules)
   */
  readonly keepDefaultSecurityGroupOpenBecause?: string;

  /**
   * Create no flow logs. Without them there is no record of who reached the network (HIPAA 164.312(b)).
   *
   * @default - flow logs capture ALL traffic
   */
  readonly disableFlowLogsBecause?: string;
}

/** Properties of a HipaaSecureVpc. */
export interface HipaaSecureVpcProps {
  /**
   * How many Availability Zones to spread the three tiers across.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * The VPC's IPv4 address range.
   *
   * @default ec2.IpAddresses.cidr('10.0.0.0/16')
   */
  readonly ipAddresses?: ec2.IIpAddresses;

  /**
   * Prefix length of every subnet (each tier has one subnet per Availability Zone).
   *
   * @default 20
   */
  readonly cidrMask?: number;

  /**
   * How many NAT gateways give the application tier its egress.
   *
   * @default - one per Availability Zone, so losing a zone does not cut the others' egress
   */
  readonly natGateways?: number;

  /**
   * How long flow log records are kept in CloudWatch Logs.
   *
   * @default logs.RetentionDays.SIX_YEARS - HIPAA's documentation retention period (45 CFR 164.316(b)(2)(i))
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the flow log group.
   *
   * @default - a new key with rotation enabled
   */
  readonly flowLogEncryptionKey?: kms.IKey;

  /**
   * Also deliver flow logs (ALL traffic) to this bucket, for long-term archive or analytics.
   *
   * @default - flow logs go to CloudWatch Logs only
   */
  readonly flowLogBucket?: s3.IBucket;

  /**
   * Add gateway endpoints for Amazon S3 and DynamoDB, so traffic to them never leaves the AWS network.
   *
   * @default true
   */
  readonly gatewayEndpoints?: boolean;

  /**
   * Interface endpoints to create, with private DNS and a security group that allows HTTPS (443) from the
   * VPC's own range only.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
   */
  readonly interfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];

  /**
   * Known-bad sources to deny at the subnet edge: an `IpBlocklistNacl` on `blocklistSubnets`, denying them in
   * both directions for every protocol. Add more later with `addBlockedCidrs`.
   *
   * @default - no blocklist NACL (one is created by the first `addBlockedCidrs` call)
   */
  readonly blockedCidrs?: string[];

  /**
   * The subnets the blocklist NACL protects.
   *
   * @default - the `Public` tier, where traffic from the internet enters
   */
  readonly blocklistSubnets?: ec2.SubnetSelection;

  /**
   * Egress to the internet only to these domains (TLS SNI and HTTP Host; a leading dot admits subdomains): adds the
   * `Firewall` tier (a /28 per AZ), a `DomainAllowlistFirewall` and the routes that send the public tier's traffic
   * (and so the NAT gateways' egress) through the firewall endpoint of its AZ, both ways.
   *
   * @default - no Network Firewall
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html
   */
  readonly egressAllowedDomains?: string[];

  /**
   * IPv4 only, or dual stack: with `ec2.IpProtocol.DUAL_STACK` the VPC gets an Amazon-provided IPv6 block and every
   * tier an IPv6 /64 per AZ; the private tiers reach the internet over IPv6 through an egress-only internet gateway
   * (through the firewall when `egressAllowedDomains` is set); the public and firewall tiers assign no IPv6 address
   * on launch; the blocklist NACL gets its IPv6 entries; flow logs record both families.
   *
   * @default ec2.IpProtocol.IPV4_ONLY
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html
   */
  readonly ipProtocol?: ec2.IpProtocol;

  /**
   * How the blocklist NACL plans its entries, as `IpBlocklistNacl` takes them: the entry quota, collateral budgets
   * for a lossy cover, reserved entries for responders, `allowNonPublicRanges`, `normalizeHostBits`, and an
   * `overflowWaf` for the ranges that do not fit.
   *
   * @default - IpBlocklistNacl's defaults: 20 entries per direction, exact entries only, nothing reserved
   */
  readonly blocklistOptions?: IpBlocklistNaclOptions;

  /**
   * Send the blocked ranges that do not fit the NACL to the web ACL of every `protectPaths` call (its blocked
   * sources, which block HTTP requests from them to the load balancer it protects), as `overflowWaf` does for one
   * web ACL. Until a `protectPaths` call, ranges that do not fit stay an error at synth.
   *
   * @default false - ranges that do not fit are an error, unless `blocklistOptions.overflowWaf` takes them
   */
  readonly blocklistOverflowToWaf?: boolean;

  /**
   * Explicit ways to switch off a guarantee, each with its reason.
   *
   * @default - no guarantee is weakened
   */
  readonly escapeHatches?: HipaaSecureVpcEscapeHatches;
}

/**
 * A VPC for workloads that handle e-PHI: three tiers, flow logs, a closed default security group and private
 * endpoints, usable anywhere CDK expects an `ec2.IVpc`.
 *
 * - Tiers (subnet groups): `Public` (load balancers and NAT only; no public IP on launch), `Application`
 *   (private with egress) and `Data` (isolated), one subnet per Availability Zone.
 * - Flow logs of ALL traffic to a KMS-encrypted CloudWatch Logs group (HIPAA 164.312(b) audit controls).
 * - The default security group's rules are revoked at deploy time, so nothing attached to it by mistake is
 *   reachable (HIPAA.Security VPCDefaultSecurityGroupClosed).
 * - Gateway endpoints for S3 and DynamoDB; interface endpoints on request.
 * - With `egressAllowedDomains`, a `Firewall` tier and a `DomainAllowlistFirewall`: egress only to those domains.
 * - With `ipProtocol: DUAL_STACK`, IPv6 in every tier.
 */
export class HipaaSecureVpc extends ec2.Vpc {
  /** The log group that receives the flow logs, unless flow logs were switched off with an escape hatch. */
  public readonly flowLogGroup?: logs.ILogGroup;


  /** The Network Firewall created from `egressAllowedDomains`. */
  public readonly egressFirewall?: DomainAllowlistFirewall;

  /** The interface endpoints created from `interfaceEndpoints` and `addInterfaceEndpointFor`. */
  public readonly interfaceEndpoints: ec2.InterfaceVpcEndpoint[] = [];

  private endpointSecurityGroup?: ec2.SecurityGroup;
  private blocklistNacl?: IpBlocklistNacl;
  private readonly blocklistSubnets: ec2.SubnetSelection;
  private readonly blocklistOptions: IpBlocklistNaclOptions;
  private readonly blocklistOverflowToWaf: boolean;
  private readonly pathWafs: PathAllowlistWaf[] = [];

  /**
   * The VPC's IPv4 range as a literal when it is known at synth (`ec2.IpAddresses.cidr`), so rules that allow
   * "from this VPC" can be checked at synth; otherwise (IPAM) the `vpcCidrBlock` token.
   */
  private readonly knownCidrBlock: string;

  constructor(scope: Construct, id: string, props: HipaaSecureVpcProps = {}) {
    // Validate before super(): ec2.Vpc would otherwise fail first, with a message that names neither path nor fix.
    validateProps(childPath(scope, id), props);
    const maxAzs = props.maxAzs ?? HIPAA_VPC_DEFAULTS.maxAzs;
    const hatches = props.escapeHatches ?? {};
    const ipAddresses = props.ipAddresses ?? ec2.IpAddresses.cidr(HIPAA_VPC_DEFAULTS.cidr);
    const dualStack = props.ipProtocol === ec2.IpProtocol.DUAL_STACK;
    const firewallTier = props.egressAllowedDomains !== undefined;
    super(scope, id, {
      maxAzs,
      ipAddresses,
      ipProtocol: props.ipProtocol,
      natGateways: props.natGateways ?? maxAzs,
      // With a Firewall tier there are two PUBLIC groups: NAT gateways belong in the public tier, behind the firewall.
      natGatewaySubnets: firewallTier ? { subnetGroupName: TIER_NAMES.public } : undefined,
      subnetConfiguration: tierSubnetConfiguration(props.cidrMask ?? HIPAA_VPC_DEFAULTS.cidrMask, { dualStack, firewallTier }),
      restrictDefaultSecurityGroup: hatches.keepDefaultSecurityGroupOpenBecause === undefined,
      gatewayEndpoints: (props.gatewayEndpoints ?? HIPAA_VPC_DEFAULTS.gatewayEndpoints)
        ? {
          S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
          DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        }
        : undefined,
    });
    const allocated = ipAddresses.allocateVpcCidr().cidrBlock;
    this.knownCidrBlock = allocated && !Token.isUnresolved(allocated) ? allocated : this.vpcCidrBlock;

    // An escape hatch's reason is the acknowledgement of the rule it turns off, so the condition is reported once:
    // by the checks, as acknowledged with that reason (and in the template metadata the CLI reads).
    const vpcResource = this.node.defaultChild as IConstruct;
    if (hatches.keepDefaultSecurityGroupOpenBecause !== undefined) {
      acknowledgeRule(vpcResource, 'LayeredDefense-SgDefaultOpen', `HipaaSecureVpc escape hatch keepDefaultSecurityGroupOpenBecause: ${hatches.keepDefaultSecurityGroupOpenBecause}`);
    } else {
      this.acknowledgeDefaultSecurityGroupHandler();
    }

    if (hatches.disableFlowLogsBecause !== undefined) {
      acknowledgeRule(vpcResource, 'LayeredDefense-VpcFlowLogs', `HipaaSecureVpc escape hatch disableFlowLogsBecause: ${hatches.disableFlowLogsBecause}`);
    } else {
      this.flowLogGroup = this.addCloudWatchFlowLog(props);
      if (props.flowLogBucket) {
        new ec2.CfnFlowLog(this, 'FlowLogToS3', {
          resourceId: this.vpcId,
          resourceType: 'VPC',
          trafficType: 'ALL',
          logDestinationType: 's3',
          logDestination: props.flowLogBucket.bucketArn,
        });
      }
    }

    for (const service of props.interfaceEndpoints ?? []) {
      this.addInterfaceEndpointFor(service);
    }

    this.blocklistSubnets = props.blocklistSubnets ?? { subnetGroupName: TIER_NAMES.public };
    this.blocklistOptions = props.blocklistOptions ?? {};
    this.blocklistOverflowToWaf = props.blocklistOverflowToWaf === true;
    if (props.blockedCidrs !== undefined) {
      this.blocklistNacl = this.createBlocklist(props.blockedCidrs);
    }

    if (props.egressAllowedDomains !== undefined) {
      this.egressFirewall = new DomainAllowlistFirewall(this, 'EgressFirewall', {
        vpc: this,
        firewallSubnets: { subnetGroupName: FIREWALL_TIER_NAME },
        allowedDomains: props.egressAllowedDomains,
        protectedCidrs: [this.knownCidrBlock, ...(dualStack ? [Fn.select(0, this.vpcIpv6CidrBlocks)] : [])],
      });
    }
  }

  /**
   * Firewall subnets hold nothing but the firewall endpoints, so a selection by subnet type (an internet-facing load
   * balancer asks for PUBLIC) never returns them; only `{ subnetGroupName: 'Firewall' }` or explicit subnets do.
   */
  protected selectSubnetObjects(selection: ec2.SubnetSelection = {}): ec2.ISubnet[] {
    const subnets = super.selectSubnetObjects(selection);
    if (selection.subnetGroupName !== undefined || selection.subnets !== undefined) {
      return subnets;
    }
    return subnets.filter((s) => !(s.node.scope === this && new RegExp(`^${FIREWALL_TIER_NAME}Subnet\\d+$`).test(s.node.id)));
  }

  /** The blocklist NACL, once `blockedCidrs` or `addBlockedCidrs` created it. */
  public get blocklist(): IpBlocklistNacl | undefined {
    return this.blocklistNacl;
  }

  /**
   * Deny more known-bad sources at the subnet edge (the subnet layer's job). The first call creates the
   * `IpBlocklistNacl` on `blocklistSubnets`; later calls add to it, keeping the rule numbers of ranges already there.
   */
  public addBlockedCidrs(cidrs: string[]): IpBlocklistNacl {
    if (this.blocklistNacl) {
      this.blocklistNacl.addBlockedCidrs(cidrs);
      return this.blocklistNacl;
    }
    this.blocklistNacl = this.createBlocklist(cidrs);
    return this.blocklistNacl;
  }

  /**
   * Protect URI paths of an Application Load Balancer so only allowlisted clients reach them (the application
   * layer's job): a `PathAllowlistWaf` associated with the load balancer, under this VPC when the load balancer is
   * in the VPC's stack, and directly under the load balancer's stack otherwise. The association refers to the load
   * balancer, so a web ACL in the VPC's stack would make that stack depend on the load balancer's, which already
   * depends on the VPC's: a dependency cycle.
   *
   * @param id the construct id of the web ACL construct
   * @param loadBalancer the load balancer to protect; it must not already have a path-allowlist web ACL
   * @param props the protected paths, the allowlist and the web ACL's options
   */
  public protectPaths(id: string, loadBalancer: elbv2.IApplicationLoadBalancer, props: PathAllowlistWafProps): PathAllowlistWaf {
    const lbStack = Stack.of(loadBalancer);
    const scope = lbStack === Stack.of(this) ? this : lbStack;
    if (scope !== this && scope.node.tryFindChild(id)) {
      throw constructPathError(this.node.path, `protectPaths: the load balancer is in stack ${lbStack.node.path}, where the web ACL is created, and that stack already has a construct '${id}'; choose another id.`);
    }
    const waf = new PathAllowlistWaf(scope, id, props);
    waf.associate(loadBalancer);
    this.pathWafs.push(waf);
    if (this.blocklistOverflowToWaf) {
      this.blocklistNacl?.addOverflowWaf(waf);
    }
    return waf;
  }

  /**
   * Allow TLS from one set of security groups to another (the virtual firewall layer's job: allow known sources
   * to known ports). It only ever adds an allow rule; nothing is opened to any other source.
   *
   * @param from the client side, e.g. a load balancer
   * @param to the server side, e.g. a service or auto scaling group
   * @param port the TLS port on the server side; default 443
   */
  public allowTls(from: ec2.IConnectable, to: ec2.IConnectable, port?: number): void {
    const tlsPort = port ?? 443;
    if (!Token.isUnresolved(tlsPort) && (!Number.isInteger(tlsPort) || tlsPort < 1 || tlsPort > 65535)) {
      throw constructPathError(this.node.path, `allowTls: port must be a whole number from 1 to 65535, got ${tlsPort}.`);
    }
    if (from.connections.securityGroups.length === 0 || to.connections.securityGroups.length === 0) {
      throw constructPathError(this.node.path,
        'allowTls: both sides need a security group (a peer given only by address belongs in a security group rule of its own).');
    }
    // Security group rule descriptions hold at most 255 characters; a deep construct path is cut from the left.
    const source = from.connections.securityGroups[0].node.path;
    const description = `TLS ${tlsPort} from ${source.length > 200 ? `...${source.slice(-200)}` : source}`;
    to.connections.allowFrom(from, ec2.Port.tcp(tlsPort), description);
  }

  private createBlocklist(cidrs: string[]): IpBlocklistNacl {
    // The web ACLs of earlier protectPaths calls take the overflow from the first plan on.
    const overflowWaf = this.blocklistOptions.overflowWaf ?? (this.blocklistOverflowToWaf ? this.pathWafs[0] : undefined);
    const blocklist = new IpBlocklistNacl(this, 'Blocklist', {
      ...this.blocklistOptions,
      overflowWaf,
      vpc: this,
      subnetSelection: this.blocklistSubnets,
      blockedCidrs: cidrs,
    });
    blocklist._setOptionsPrefix('blocklistOptions.');
    if (this.blocklistOverflowToWaf) {
      this.pathWafs.forEach((waf) => blocklist.addOverflowWaf(waf));
    }
    return blocklist;
  }

  /**
   * Add an interface endpoint for an AWS service, in the application tier, with private DNS and the shared
   * endpoint security group (HTTPS from the VPC's range only).
   */
  public addInterfaceEndpointFor(service: ec2.InterfaceVpcEndpointAwsService): ec2.InterfaceVpcEndpoint {
    const securityGroup = this.sharedEndpointSecurityGroup();
    const endpoint = new ec2.InterfaceVpcEndpoint(this, `Endpoint${endpointIdFor(service)}`, {
      vpc: this,
      service,
      privateDnsEnabled: true,
      subnets: { subnetGroupName: TIER_NAMES.application },
      securityGroups: [securityGroup],
      open: false,
    });
    this.interfaceEndpoints.push(endpoint);
    return endpoint;
  }

  /** The security group of the interface endpoints (HTTPS from the VPC's range), when any were requested. */
  public get interfaceEndpointSecurityGroup(): ec2.ISecurityGroup | undefined {
    return this.endpointSecurityGroup;
  }

  private sharedEndpointSecurityGroup(): ec2.ISecurityGroup {
    if (!this.endpointSecurityGroup) {
      this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'InterfaceEndpointSecurityGroup', {
        vpc: this,
        description: 'Interface endpoints: HTTPS from this VPC only',
        allowAllOutbound: false,
      });
      this.endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(this.knownCidrBlock), ec2.Port.tcp(443), 'HTTPS from this VPC');
    }
    return this.endpointSecurityGroup;
  }

  /**
   * Flow logs through L1 resources: the role gets a customer managed policy scoped to the one log group, so no
   * inline policy (HIPAA.Security IAMNoInlinePolicy) and no wildcard beyond the group's own streams.
   */
  private addCloudWatchFlowLog(props: HipaaSecureVpcProps): logs.ILogGroup {
    const logGroup = createEncryptedLogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention ?? HIPAA_VPC_DEFAULTS.flowLogRetention,
      removalPolicy: HIPAA_VPC_DEFAULTS.logRemovalPolicy,
      encryptionKey: props.flowLogEncryptionKey,
      keyDescription: `Encrypts the flow logs of ${this.node.path}`,
    });
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'FlowLogRole', {
      description: `Lets VPC Flow Logs write to the flow log group of ${this.node.path}`,
      // Confused-deputy guard: only flow logs of this account may assume the role.
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    new iam.ManagedPolicy(this, 'FlowLogPolicy', {
      description: 'Write VPC flow log records to one log group',
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroup.logGroupArn],
      })],
    });
    new ec2.CfnFlowLog(this, 'FlowLog', {
      resourceId: this.vpcId,
      resourceType: 'VPC',
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.logGroupArn,
      deliverLogsPermissionArn: role.roleArn,
    });
    return logGroup;
  }

  /**
   * CDK revokes the default security group's rules with a stack-wide custom resource whose handler runs outside
   * any VPC; Control Tower's lambda_inside_vpc_check flags it. The handler runs at deploy time only, calls the
   * EC2 API and never sees e-PHI, and placing it in this VPC would make closing the VPC depend on the VPC.
   */
  private acknowledgeDefaultSecurityGroupHandler(): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        reason: "CDK's handler that revokes the default security group's rules runs only at deploy time, calls the EC2 API and never handles e-PHI; running it inside the VPC it closes would make closing the VPC depend on the VPC.",
      });
    }
  }
}

/**
 * Acknowledges one of the library's rules on a resource with a reason, as `LayeredDefenseChecks.acknowledge` does
 * (the same id namespace), for the aspect, the nag pack and, through the template metadata the aspect writes, the CLI.
 */
function acknowledgeRule(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${RULE_ID_PREFIX}::${ruleId}`, reason });
}

function validateProps(path: string, props: HipaaSecureVpcProps): void {
  const maxAzs = props.maxAzs;
  if (maxAzs !== undefined && !Token.isUnresolved(maxAzs) && (!Number.isInteger(maxAzs) || maxAzs < 1)) {
    throw constructPathError(path, `maxAzs must be a whole number of at least 1, got ${maxAzs}.`);
  }
  const cidrMask = props.cidrMask;
  if (cidrMask !== undefined && (!Number.isInteger(cidrMask) || cidrMask < 16 || cidrMask > 28)) {
    throw constructPathError(path, `cidrMask must be a whole number from 16 to 28 (the VPC subnet size limits), got ${cidrMask}.`);
  }
  const hatches = props.escapeHatches ?? {};
  for (const [name, reason] of Object.entries(hatches)) {
    if (reason !== undefined && (typeof reason !== 'string' || reason.trim().length < 10)) {
      throw constructPathError(path, `escapeHatches.${name} needs the reason as a sentence (at least 10 characters), got '${reason}'.`);
    }
  }
}

function endpointIdFor(service: ec2.InterfaceVpcEndpointAwsService): string {
  // 'secretsmanager' -> 'Secretsmanager', 'ecr.dkr' -> 'Ecrdkr'
  const cleaned = service.shortName.replace(/[^A-Za-z0-9]/g, '');
  return cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
}
