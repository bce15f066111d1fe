import { Aws, Duration, Fn, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as nfw from 'aws-cdk-lib/aws-networkfirewall';
import { Construct, IConstruct } from 'constructs';
import { DOMAIN_ALLOWLIST_FIREWALL_DEFAULTS, NETWORK_FIREWALL_LIMITS, POLICY_PRIORITIES } from './defaults';
import { domainEntryProblem, domainListCapacity } from './private/domains';
import { endpointIdForAz } from './private/endpoint-by-az';
import { FirewallManagedRuleGroup, StatefulDefaultActions } from './types';
import { createEncryptedLogGroup, createLogsKey } from '../private/encrypted-log-group';
import { constructError } from '../private/errors';
import { parseCidr } from '../private/ip';
import { lookupTable } from '../private/lookup-table';

/** Properties of a DomainAllowlistFirewall. */
export interface DomainAllowlistFirewallProps {
  /**
   * The VPC to protect. It must be defined in this app (synth must see its route tables, internet gateway and NAT
   * gateways) and have public subnets and an internet gateway.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets that hold the firewall endpoints: one per Availability Zone of the public subnets, holding nothing
   * else (traffic of a workload in a firewall subnet is not inspected). A small subnet (/28) is enough.
   *
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config-subnets.html
   */
  readonly firewallSubnets: ec2.SubnetSelection;

  /**
   * The domains the workload may reach, matched on the TLS SNI and the HTTP Host. `api.example.com` admits that
   * host only; a leading dot, `.example.com`, admits `example.com` and every subdomain. Not allowed: a scheme, a
   * path, a port, a `*` wildcard, an IP address, or `.` (every domain).
   *
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
   */
  readonly allowedDomains: string[];

  /**
   * The CIDRs whose traffic the firewall judges (`HOME_NET` of the policy and the rule groups). Egress is allowed
   * only from these to the allowed domains.
   *
   * @default - the VPC's IPv4 CIDR and, on a dual-stack VPC, its IPv6 block
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/rule-groups-domain-names-home-net.html
   */
  readonly protectedCidrs?: string[];

  /**
   * The stateful default actions: a drop-established action with its matching alert action.
   *
   * @default StatefulDefaultActions.DROP_ESTABLISHED - aws:drop_established with aws:alert_established
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html#suricata-strict-rule-evaluation-order
   */
  readonly statefulDefaultActions?: StatefulDefaultActions;

  /**
   * AWS managed rule groups (strict-order variants) that run after the domain allowlist, in this order. `[]` runs none.
   *
   * @default FirewallManagedRuleGroup.defaults() - botnet, botnet web, malware and emerging events threat signatures
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/aws-managed-rule-groups-threat-signature.html
   */
  readonly managedRuleGroups?: FirewallManagedRuleGroup[];

  /**
   * The capacity of the allowlist rule group. It is fixed when the group is created, so it needs room for the
   * domains added later: the domains use one unit each per protocol (TLS SNI and HTTP Host).
   *
   * @default - twice what the domains need, at least 100
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/nwfw-rule-group-capacity.html
   */
  readonly allowlistCapacity?: number;

  /**
   * TCP ports on the public subnets that clients on the internet may open connections to (the listeners of an
   * internet-facing load balancer). Every other connection from the internet is dropped at the firewall; security
   * groups still decide who reaches the listeners. `[]` admits none.
   *
   * @default [80, 443]
   */
  readonly inboundTcpPorts?: number[];

  /**
   * How long the stateful engine keeps an idle TCP connection. At most 350 seconds when a NAT gateway is on the path
   * (the NAT gateway's own idle timeout), from 60 to 6000 otherwise.
   *
   * @default Duration.seconds(350)
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stream-exception-policy.html
   */
  readonly tcpIdleTimeout?: Duration;

  /**
   * The firewall's name.
   *
   * @default - a name unique to this construct
   */
  readonly firewallName?: string;

  /**
   * How long ALERT and FLOW logs are kept.
   *
   * @default logs.RetentionDays.SIX_YEARS - HIPAA's documentation retention period (45 CFR 164.316(b)(2)(i))
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-logging.html
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log groups (and the key this construct creates) when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * The KMS key that encrypts the log groups; its policy must let `logs.<region>.amazonaws.com` use it.
   *
   * @default - a new key with yearly rotation
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly logEncryptionKey?: kms.IKey;
}

/** Domain list targets: TLS SNI for HTTPS, HTTP Host for plain HTTP. */
const TARGET_TYPES = ['TLS_SNI', 'HTTP_HOST'];

/**
 * Drop-established actions and their alert match. `aws:drop_strict` is not among them: it drops the TCP handshake,
 * so the SNI or Host pass rules of a domain allowlist would never see a packet to match.
 */
const DROP_TO_ALERT = lookupTable<Record<string, string>>({
  'aws:drop_established': 'aws:alert_established',
  'aws:drop_established_app_layer': 'aws:alert_established_app_layer',
  'aws:drop_established_app_layer_to_server': 'aws:alert_established_app_layer_to_server',
});

/** Capacity of the baseline rule group: it holds four rules. */
const BASELINE_RULE_GROUP_CAPACITY = 10;

/**
 * AWS Network Firewall for egress control: traffic from the protected CIDRs may reach only the allowlisted domains
 * (TLS SNI and HTTP Host), with AWS managed threat signatures after the allowlist, and the routes that send the
 * traffic through it built by construction, in the distributed model with an internet gateway and NAT gateways.
 *
 * Policy: strict order; stateless defaults `aws:forward_to_sfe` for full and fragmented packets and no stateless
 * rules (stateless decisions are never logged); a drop-established default with its alert default; stream exception
 * policy REJECT; TCP idle timeout 350 s; `HOME_NET` set to the protected CIDRs. Stateful groups in priority order:
 * the domain allowlist (pass rules only: under strict order a domain list adds no drop rules, the default drops),
 * the managed groups, then a baseline group that passes connections from the internet to `inboundTcpPorts` on the
 * public subnets, drops every other connection from the internet, and drops UDP and ICMP egress (which the
 * drop-established default lets through until a response establishes the flow). ALERT and FLOW logs go to KMS-encrypted CloudWatch
 * Logs groups kept six years.
 *
 * Routes, per Availability Zone, every endpoint picked by its AZ (never by its position in `EndpointIds`):
 * - each public subnet's default route (and `::/0` on dual stack) goes to the firewall endpoint in its AZ;
 * - each firewall subnet's default route goes to the internet gateway;
 * - an edge route table on the internet gateway sends each public subnet's CIDR back to the endpoint of its AZ, so
 *   both directions take the same endpoint;
 * - private subnets keep their NAT gateway, so their IPv4 egress is inspected after NAT; on dual stack their `::/0`
 *   goes to the endpoint of their AZ instead of the egress-only gateway (whose return traffic cannot be routed back
 *   through the firewall), and the edge route table sends their IPv6 CIDR back.
 *
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html
 */
export class DomainAllowlistFirewall extends Construct {
  /** The firewall. */
  public readonly firewall: nfw.CfnFirewall;
  /** The firewall policy. */
  public readonly firewallPolicy: nfw.CfnFirewallPolicy;
  /** The domain allowlist rule group. */
  public readonly allowlistRuleGroup: nfw.CfnRuleGroup;
  /**
   * The rules a domain allowlist cannot express, after the managed groups: connections from the internet reach the
   * public listener ports only, and no UDP or ICMP leaves.
   */
  public readonly baselineRuleGroup: nfw.CfnRuleGroup;
  /** The log group of ALERT records (drops, alerts and rejects). */
  public readonly alertLogGroup: logs.ILogGroup;
  /** The log group of FLOW records. */
  public readonly flowLogGroup: logs.ILogGroup;
  /** The route table associated with the internet gateway (ingress routing). */
  public readonly edgeRouteTable: ec2.CfnRouteTable;
  /** The allowlisted domains, lowercased, in the order given. */
  public readonly allowedDomains: string[];
  /** The subnets that hold the firewall endpoints. */
  public readonly firewallSubnets: ec2.ISubnet[];
  /** The public subnets whose traffic to and from the internet goes through the firewall. */
  public readonly protectedSubnets: ec2.ISubnet[];
  /** The capacity of the allowlist rule group. */
  public readonly allowlistCapacity: number;

  private readonly endpointIds: string[];

  constructor(scope: Construct, id: string, props: DomainAllowlistFirewallProps) {
    super(scope, id);
    const d = DOMAIN_ALLOWLIST_FIREWALL_DEFAULTS;
    const vpc = props.vpc;

    this.allowedDomains = this.validateDomains(props.allowedDomains);
    const defaults = this.validateDefaultActions(props.statefulDefaultActions ?? d.statefulDefaultActions);
    const managed = this.validateManagedGroups(props.managedRuleGroups ?? FirewallManagedRuleGroup.defaults());
    this.allowlistCapacity = this.validateCapacity(props.allowlistCapacity);
    const inboundPorts = this.validatePorts(props.inboundTcpPorts ?? [...d.inboundTcpPorts]);

    const cfnVpc = vpc.node.findAll().find((c): c is ec2.CfnVPC => c instanceof ec2.CfnVPC);
    if (!cfnVpc) {
      throw constructError(this, `the VPC '${vpc.node.path}' is imported, so synth cannot see its route tables, internet `
        + 'gateway or NAT gateways, and the routes through the firewall cannot be built or checked; define the VPC in '
        + 'this app (ec2.Vpc or HipaaSecureVpc), or write the routes yourself with the L1 resources');
    }
    const tcpIdleTimeoutSeconds = this.validateIdleTimeout(props.tcpIdleTimeout, hasNatGateway(vpc));
    if (internetGatewayId(vpc) === undefined) {
      throw constructError(this, `the VPC '${vpc.node.path}' has no internet gateway; the firewall inspects traffic `
        + 'between the internet gateway and the public subnets, so give the VPC public subnets (SubnetType.PUBLIC)');
    }

    this.firewallSubnets = this.selectFirewallSubnets(vpc, props.firewallSubnets);
    const firewallSet = new Set<ec2.ISubnet>(this.firewallSubnets);
    this.protectedSubnets = vpc.publicSubnets.filter((s) => !firewallSet.has(s));
    if (this.protectedSubnets.length === 0) {
      throw constructError(this, `the VPC '${vpc.node.path}' has no public subnets besides the firewall subnets; the `
        + 'firewall sits between the internet gateway and the public subnets (where load balancers and NAT gateways '
        + 'live), so add a PUBLIC subnet group');
    }
    const firewallAzs = new Set(this.firewallSubnets.map((s) => s.availabilityZone));
    for (const subnet of [...this.protectedSubnets, ...vpc.privateSubnets]) {
      checkSubnetInApp(this, subnet, 'public or private subnet');
      if (!firewallAzs.has(subnet.availabilityZone)) {
        throw constructError(this, `subnet '${subnet.node.path}' is in ${subnet.availabilityZone}, where there is no `
          + 'firewall subnet; routing it through an endpoint in another AZ would be cross-AZ and break when that AZ '
          + `fails, so add a firewall subnet in ${subnet.availabilityZone} (firewall AZs: ${[...firewallAzs].join(', ')})`);
      }
    }
    this.checkNoNatGatewayInFirewallSubnets(vpc);

    const dualStack = vpcHasIpv6(vpc);
    const homeNet = this.homeNet(vpc, props.protectedCidrs, dualStack);
    const publicNet = this.protectedSubnets.flatMap((s) => [s.ipv4CidrBlock, ...(dualStack ? [subnetIpv6Cidr(s)] : [])]);

    this.allowlistRuleGroup = new nfw.CfnRuleGroup(this, 'AllowlistRuleGroup', {
      ruleGroupName: `${uniqueName(this, 'allowlist')}`,
      type: 'STATEFUL',
      capacity: this.allowlistCapacity,
      description: 'Egress allowlist: TLS SNI and HTTP Host of the domains the workload needs',
      ruleGroup: {
        ruleVariables: { ipSets: { HOME_NET: { definition: homeNet } } },
        rulesSource: {
          rulesSourceList: { generatedRulesType: 'ALLOWLIST', targetTypes: TARGET_TYPES, targets: this.allowedDomains },
        },
        statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
      },
    });

    this.baselineRuleGroup = new nfw.CfnRuleGroup(this, 'BaselineRuleGroup', {
      ruleGroupName: `${uniqueName(this, 'baseline')}`,
      type: 'STATEFUL',
      capacity: BASELINE_RULE_GROUP_CAPACITY,
      description: 'Connections from the internet to the public listener ports only; no UDP or ICMP egress',
      ruleGroup: {
        ruleVariables: { ipSets: { HOME_NET: { definition: homeNet }, PUBLIC_NET: { definition: publicNet } } },
        rulesSource: { rulesString: baselineRules(inboundPorts) },
        statefulRuleOptions: { ruleOrder: 'STRICT_ORDER' },
      },
    });

    const references: nfw.CfnFirewallPolicy.StatefulRuleGroupReferenceProperty[] = [
      { resourceArn: this.allowlistRuleGroup.attrRuleGroupArn, priority: POLICY_PRIORITIES.allowlist },
      ...managed.map((group, i) => ({
        resourceArn: `arn:${Aws.PARTITION}:network-firewall:${Aws.REGION}:aws-managed:stateful-rulegroup/${group.name}`,
        priority: POLICY_PRIORITIES.managedStart + POLICY_PRIORITIES.managedStep * i,
      })),
      { resourceArn: this.baselineRuleGroup.attrRuleGroupArn, priority: POLICY_PRIORITIES.baseline },
    ];

    this.firewallPolicy = new nfw.CfnFirewallPolicy(this, 'Policy', {
      firewallPolicyName: uniqueName(this, 'policy'),
      description: 'Egress only to allowlisted domains, threat signatures, strict order',
      firewallPolicy: {
        // Stateless decisions are never logged and skip the stateful engine: forward everything to it.
        statelessDefaultActions: ['aws:forward_to_sfe'],
        statelessFragmentDefaultActions: ['aws:forward_to_sfe'],
        statefulDefaultActions: [defaults.dropAction, defaults.alertAction],
        statefulEngineOptions: {
          ruleOrder: 'STRICT_ORDER',
          streamExceptionPolicy: d.streamExceptionPolicy,
          flowTimeouts: { tcpIdleTimeoutSeconds },
        },
        statefulRuleGroupReferences: references,
        // HOME_NET of the managed groups: without it they judge the firewall VPC's CIDR only.
        policyVariables: { ruleVariables: { HOME_NET: { definition: homeNet } } },
      },
    });

    this.firewall = new nfw.CfnFirewall(this, 'Resource', {
      firewallName: props.firewallName ?? uniqueName(this, 'firewall'),
      description: `Egress allowlist firewall of ${vpc.node.path}`,
      firewallPolicyArn: this.firewallPolicy.attrFirewallPolicyArn,
      vpcId: vpc.vpcId,
      subnetMappings: this.firewallSubnets.map((s) => ({ subnetId: s.subnetId, ipAddressType: dualStack ? 'DUALSTACK' : undefined })),
    });
    this.endpointIds = this.firewall.attrEndpointIds;

    const logRemovalPolicy = props.logRemovalPolicy ?? d.logRemovalPolicy;
    const key = props.logEncryptionKey
      ?? createLogsKey(this, 'LogKey', `Encrypts the Network Firewall logs of ${this.node.path}`, logRemovalPolicy);
    const logOptions = { retention: props.logRetention ?? d.logRetention, removalPolicy: logRemovalPolicy, encryptionKey: key, keyDescription: '' };
    this.alertLogGroup = createEncryptedLogGroup(this, 'AlertLogGroup', logOptions);
    this.flowLogGroup = createEncryptedLogGroup(this, 'FlowLogGroup', logOptions);
    new nfw.CfnLoggingConfiguration(this, 'Logging', {
      firewallArn: this.firewall.attrFirewallArn,
      loggingConfiguration: {
        logDestinationConfigs: [
          { logType: 'ALERT', logDestinationType: 'CloudWatchLogs', logDestination: { logGroup: this.alertLogGroup.logGroupName } },
          { logType: 'FLOW', logDestinationType: 'CloudWatchLogs', logDestination: { logGroup: this.flowLogGroup.logGroupName } },
        ],
      },
    });

    this.edgeRouteTable = this.buildRoutes(vpc, dualStack);
  }

  /**
   * The id of the firewall endpoint in an Availability Zone, chosen by its AZ from `EndpointIds` (whatever their order).
   * @param availabilityZone e.g. `us-east-1a`; one of the AZs of the firewall subnets
   */
  public endpointIdFor(availabilityZone: string): string {
    if (!this.firewallSubnets.some((s) => s.availabilityZone === availabilityZone)) {
      throw constructError(this, `there is no firewall endpoint in '${availabilityZone}'; the firewall subnets are in `
        + `${this.firewallSubnets.map((s) => s.availabilityZone).join(', ')}`);
    }
    return endpointIdForAz(this.endpointIds, availabilityZone);
  }

  private buildRoutes(vpc: ec2.IVpc, dualStack: boolean): ec2.CfnRouteTable {
    const igw = internetGatewayId(vpc)!;
    const edge = new ec2.CfnRouteTable(this, 'EdgeRouteTable', { vpcId: vpc.vpcId });
    const association = new ec2.CfnGatewayRouteTableAssociation(this, 'EdgeRouteTableAssociation', {
      gatewayId: igw,
      routeTableId: edge.ref,
    });
    association.node.addDependency(vpc.internetConnectivityEstablished);

    this.firewallSubnets.forEach((subnet, i) => {
      this.routeToInternetGateway(subnet as ec2.Subnet, igw, 'DefaultRoute', { destinationCidrBlock: '0.0.0.0/0' }, `FirewallSubnet${i + 1}DefaultRoute`, vpc);
      if (dualStack) {
        this.routeToInternetGateway(subnet as ec2.Subnet, igw, 'DefaultRoute6', { destinationIpv6CidrBlock: '::/0' }, `FirewallSubnet${i + 1}DefaultRoute6`, vpc);
      }
    });

    this.protectedSubnets.forEach((s, i) => {
      const subnet = s as ec2.Subnet;
      const endpoint = this.endpointIdFor(subnet.availabilityZone);
      this.routeToEndpoint(subnet, 'DefaultRoute', { destinationCidrBlock: '0.0.0.0/0' }, endpoint, `PublicSubnet${i + 1}DefaultRoute`);
      this.edgeRoute(edge, `EdgeRoutePublic${i + 1}`, { destinationCidrBlock: subnet.ipv4CidrBlock }, endpoint, subnet);
      if (dualStack) {
        this.routeToEndpoint(subnet, 'DefaultRoute6', { destinationIpv6CidrBlock: '::/0' }, endpoint, `PublicSubnet${i + 1}DefaultRoute6`);
        this.edgeRoute(edge, `EdgeRoutePublic${i + 1}Ipv6`, { destinationIpv6CidrBlock: subnetIpv6Cidr(subnet) }, endpoint, subnet);
      }
    });

    if (dualStack) {
      // IPv6 has no NAT: private egress would leave through the egress-only gateway uninspected, and its return
      // traffic cannot be steered back through the firewall (only an internet or virtual private gateway takes an
      // edge route table). So private ::/0 goes to the same-AZ endpoint and out through the internet gateway, whose
      // edge route table brings the responses back; the baseline rule group keeps these subnets egress-only.
      vpc.privateSubnets.forEach((s, i) => {
        const subnet = s as ec2.Subnet;
        const route = subnet.node.tryFindChild('DefaultRoute6');
        if (route instanceof ec2.CfnRoute) {
          const endpoint = this.endpointIdFor(subnet.availabilityZone);
          this.routeToEndpoint(subnet, 'DefaultRoute6', { destinationIpv6CidrBlock: '::/0' }, endpoint, `PrivateSubnet${i + 1}DefaultRoute6`);
          this.edgeRoute(edge, `EdgeRoutePrivate${i + 1}Ipv6`, { destinationIpv6CidrBlock: subnetIpv6Cidr(subnet) }, endpoint, subnet);
        }
      });
    }
    return edge;
  }

  /** Points the subnet's existing default route (CDK's `DefaultRoute`/`DefaultRoute6`) at the endpoint, or adds one. */
  private routeToEndpoint(subnet: ec2.Subnet, childId: string, destination: RouteDestination, endpoint: string, newId: string): void {
    const existing = subnet.node.tryFindChild(childId);
    if (existing instanceof ec2.CfnRoute) {
      existing.gatewayId = undefined;
      existing.egressOnlyInternetGatewayId = undefined;
      existing.natGatewayId = undefined;
      existing.vpcEndpointId = endpoint;
      return;
    }
    new ec2.CfnRoute(this, newId, { routeTableId: subnet.routeTable.routeTableId, ...destination, vpcEndpointId: endpoint });
  }

  private routeToInternetGateway(subnet: ec2.Subnet, igw: string, childId: string, destination: RouteDestination, newId: string,
    vpc: ec2.IVpc): void {
    const existing = subnet.node.tryFindChild(childId);
    if (existing instanceof ec2.CfnRoute) {
      const stack = Stack.of(this);
      if (JSON.stringify(stack.resolve(existing.gatewayId)) !== JSON.stringify(stack.resolve(igw))) {
        throw constructError(this, `firewall subnet '${subnet.node.path}' sends ${destination.destinationCidrBlock ?? destination.destinationIpv6CidrBlock} `
          + 'somewhere other than the internet gateway; the firewall forwards inspected traffic to its subnet\'s route table, '
          + 'so use PUBLIC or PRIVATE_ISOLATED subnets as firewall subnets');
      }
      acknowledgeFirewallRouteToIgw(existing);
      return;
    }
    const route = new ec2.CfnRoute(this, newId, { routeTableId: subnet.routeTable.routeTableId, ...destination, gatewayId: igw });
    route.node.addDependency(vpc.internetConnectivityEstablished);
    acknowledgeFirewallRouteToIgw(route);
  }

  private edgeRoute(edge: ec2.CfnRouteTable, id: string, destination: RouteDestination, endpoint: string, subnet: ec2.ISubnet): void {
    const route = new ec2.CfnRoute(this, id, { routeTableId: edge.ref, ...destination, vpcEndpointId: endpoint });
    // An edge route's destination must be a subnet's whole CIDR: the subnet has to exist first.
    route.node.addDependency(subnet);
  }

  private validateDomains(domains: string[]): string[] {
    if (Token.isUnresolved(domains) || !Array.isArray(domains)) {
      throw constructError(this, 'allowedDomains must be a literal list of domains; the allowlist and its capacity are planned at synth');
    }
    if (domains.length === 0) {
      throw constructError(this, 'allowedDomains is empty, so the firewall would drop all egress; list the domains the workload needs '
        + '(e.g. \'.amazonaws.com\' for AWS APIs without VPC endpoints)');
    }
    const seen = new Map<string, string>();
    return domains.map((entry, i) => {
      if (typeof entry !== 'string' || Token.isUnresolved(entry)) {
        throw constructError(this, `allowedDomains[${i}] is ${typeof entry === 'string' ? 'an unresolved token' : JSON.stringify(entry)}; give the domain as a literal string`);
      }
      const problem = domainEntryProblem(entry);
      if (problem) {
        throw constructError(this, `allowedDomains[${i}] '${entry}' ${problem}`);
      }
      const domain = entry.toLowerCase();
      const earlier = seen.get(domain);
      if (earlier !== undefined) {
        throw constructError(this, `allowedDomains[${i}] '${entry}' is already listed as '${earlier}'; remove the duplicate`);
      }
      seen.set(domain, entry);
      // A top-level domain ('.com') is legal but admits domains anyone can register: the
      // LayeredDefense-FirewallAllowlistTopLevelDomain rule reports it in the rendered rule group, as in any template.
      return domain;
    });
  }

  private validateDefaultActions(actions: StatefulDefaultActions): StatefulDefaultActions {
    const { dropAction, alertAction } = actions;
    const known = Object.keys(DROP_TO_ALERT).join(', ');
    if (dropAction === 'aws:drop_strict') {
      throw constructError(this, 'statefulDefaultActions drop action \'aws:drop_strict\' drops the TCP handshake, so the TLS SNI '
        + `and HTTP Host of the domain allowlist are never seen and nothing gets out; use one of ${known}`);
    }
    const alert = DROP_TO_ALERT[dropAction];
    if (alert === undefined) {
      throw constructError(this, `statefulDefaultActions drop action '${dropAction}' is not a stateful default action Network `
        + `Firewall knows for a domain allowlist; use one of ${known} (StatefulDefaultActions.DROP_ESTABLISHED)`);
    }
    if (alertAction !== alert) {
      throw constructError(this, `statefulDefaultActions alert action '${alertAction}' does not match the drop action '${dropAction}', `
        + `so dropped packets would leave no ALERT log entry; use '${alert}'`);
    }
    return actions;
  }

  private validateManagedGroups(groups: FirewallManagedRuleGroup[]): FirewallManagedRuleGroup[] {
    const names = new Set<string>();
    for (const group of groups) {
      if (Token.isUnresolved(group.name) || !/^[A-Za-z0-9]+StrictOrder$/.test(group.name)) {
        throw constructError(this, `managed rule group '${group.name}' is not a strict-order AWS managed group; the policy uses `
          + 'strict order, which takes only the groups whose name ends in StrictOrder (e.g. ThreatSignaturesBotnetStrictOrder)');
      }
      if (names.has(group.name)) {
        throw constructError(this, `managed rule group '${group.name}' is listed twice; remove the duplicate`);
      }
      names.add(group.name);
    }
    // The allowlist and the baseline group count too.
    if (groups.length + 2 > NETWORK_FIREWALL_LIMITS.maxStatefulRuleGroups) {
      throw constructError(this, `${groups.length} managed rule groups plus the allowlist and baseline groups exceed the `
        + `${NETWORK_FIREWALL_LIMITS.maxStatefulRuleGroups} stateful rule groups a policy holds; drop ${groups.length + 2 - NETWORK_FIREWALL_LIMITS.maxStatefulRuleGroups} of them`);
    }
    return groups;
  }

  private validateCapacity(capacity: number | undefined): number {
    const d = DOMAIN_ALLOWLIST_FIREWALL_DEFAULTS;
    const needed = domainListCapacity(this.allowedDomains.length, TARGET_TYPES.length);
    const max = NETWORK_FIREWALL_LIMITS.maxStatefulCapacity - BASELINE_RULE_GROUP_CAPACITY;
    if (capacity === undefined) {
      const planned = Math.max(d.minimumAllowlistCapacity, Math.ceil((needed * d.capacityHeadroomFactor) / 100) * 100);
      if (needed > max) {
        throw constructError(this, `${this.allowedDomains.length} domains need ${needed} capacity units, above the ${max} a `
          + 'policy has room for; allow whole domains with a leading dot instead of each host');
      }
      return Math.min(planned, max);
    }
    if (Token.isUnresolved(capacity) || !Number.isInteger(capacity) || capacity < 1) {
      throw constructError(this, `allowlistCapacity is ${capacity}; give a whole number of capacity units (each domain uses ${TARGET_TYPES.length})`);
    }
    if (capacity < needed) {
      throw constructError(this, `allowlistCapacity ${capacity} cannot hold the ${this.allowedDomains.length} domains, which need `
        + `${needed} units (one per domain for TLS SNI and one for HTTP Host); set at least ${Math.ceil(needed * 1.2)} so domains can be added without replacing the group`);
    }
    if (capacity > max) {
      throw constructError(this, `allowlistCapacity ${capacity} is above the ${max} units a policy has room for (30,000 stateful `
        + `capacity per policy, ${BASELINE_RULE_GROUP_CAPACITY} used by the baseline group); lower it`);
    }
    // Less than 20% headroom is legal: the LayeredDefense-FirewallRuleGroupCapacity rule reports it on the rule group.
    return capacity;
  }

  private validatePorts(ports: number[]): number[] {
    for (const port of ports) {
      if (Token.isUnresolved(port) || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw constructError(this, `inboundTcpPorts has ${port}; give whole port numbers from 1 to 65535, e.g. [443]`);
      }
    }
    return [...new Set(ports)].sort((a, b) => a - b);
  }

  private validateIdleTimeout(timeout: Duration | undefined, natOnPath: boolean): number {
    const limits = NETWORK_FIREWALL_LIMITS;
    const seconds = timeout?.toSeconds() ?? DOMAIN_ALLOWLIST_FIREWALL_DEFAULTS.tcpIdleTimeoutSeconds;
    if (Token.isUnresolved(seconds) || !Number.isInteger(seconds) || seconds < limits.tcpIdleTimeoutMin || seconds > limits.tcpIdleTimeoutMax) {
      throw constructError(this, `tcpIdleTimeout is ${seconds} s; Network Firewall takes ${limits.tcpIdleTimeoutMin} to ${limits.tcpIdleTimeoutMax} seconds`);
    }
    if (natOnPath && seconds > limits.natGatewayIdleTimeout) {
      throw constructError(this, `tcpIdleTimeout is ${seconds} s but a NAT gateway is on the path, and it forgets idle connections `
        + `after ${limits.natGatewayIdleTimeout} s: the firewall would keep flows the NAT gateway dropped. Use at most ${limits.natGatewayIdleTimeout} seconds`);
    }
    return seconds;
  }

  private selectFirewallSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] {
    let subnets: ec2.ISubnet[];
    try {
      subnets = vpc.selectSubnets(selection).subnets;
    } catch (e) {
      throw constructError(this, `firewallSubnets selects no subnets of '${vpc.node.path}': ${(e as Error).message}`);
    }
    if (subnets.length === 0) {
      throw constructError(this, `firewallSubnets selects no subnets of '${vpc.node.path}'; select a subnet group that holds only `
        + 'the firewall, one subnet per AZ (e.g. { subnetGroupName: \'Firewall\' })');
    }
    const byAz = new Map<string, ec2.ISubnet>();
    for (const subnet of subnets) {
      checkSubnetInApp(this, subnet, 'firewall subnet');
      const other = byAz.get(subnet.availabilityZone);
      if (other) {
        throw constructError(this, `firewallSubnets holds two subnets in ${subnet.availabilityZone} ('${other.node.path}' and `
          + `'${subnet.node.path}'); a firewall has one endpoint per AZ, so select one subnet per AZ`);
      }
      byAz.set(subnet.availabilityZone, subnet);
    }
    return subnets;
  }

  private checkNoNatGatewayInFirewallSubnets(vpc: ec2.IVpc): void {
    const stack = Stack.of(this);
    const firewallIds = new Map(this.firewallSubnets.map((s) => [JSON.stringify(stack.resolve(s.subnetId)), s]));
    for (const nat of vpc.node.findAll().filter((c): c is ec2.CfnNatGateway => c instanceof ec2.CfnNatGateway)) {
      const subnet = firewallIds.get(JSON.stringify(stack.resolve(nat.subnetId)));
      if (subnet) {
        throw constructError(this, `NAT gateway '${nat.node.path}' is in firewall subnet '${subnet.node.path}'; nothing but the `
          + 'firewall may live there (its traffic would not be inspected). Place NAT gateways in the public subnets '
          + '(ec2.Vpc natGatewaySubnets: { subnetGroupName: \'Public\' })');
      }
    }
  }

  private homeNet(vpc: ec2.IVpc, protectedCidrs: string[] | undefined, dualStack: boolean): string[] {
    if (protectedCidrs === undefined) {
      return [vpc.vpcCidrBlock, ...(dualStack && vpc instanceof ec2.Vpc ? [Fn.select(0, vpc.vpcIpv6CidrBlocks)] : [])];
    }
    if (!Array.isArray(protectedCidrs) || protectedCidrs.length === 0) {
      throw constructError(this, 'protectedCidrs is empty, so the firewall would judge no traffic; list the CIDRs whose egress it controls, or remove the property to use the VPC\'s');
    }
    for (const cidr of protectedCidrs) {
      if (Token.isUnresolved(cidr)) continue;
      try {
        if (parseCidr(cidr).prefixLength === 0) {
          throw new Error('it is every address, which would make the internet "home"');
        }
      } catch (e) {
        throw constructError(this, `protectedCidrs has '${cidr}': ${(e as Error).message}; give the VPC's CIDRs, e.g. '10.0.0.0/16'`);
      }
    }
    return protectedCidrs;
  }
}

interface RouteDestination {
  readonly destinationCidrBlock?: string;
  readonly destinationIpv6CidrBlock?: string;
}

/**
 * Suricata rules of the baseline group, after the allowlist and the managed groups. `flow:to_server` makes each rule
 * judge the side that opened the connection: responses to the workload's own egress are never matched here.
 *
 * The drop-established default drops only packets of established connections, so it never drops the TCP handshake
 * (which the SNI and Host rules need) but also never a UDP or ICMP flow that no response establishes: one-way UDP (an
 * exfiltration or tunnelling channel) would leave unjudged. The domain allowlist covers TLS and HTTP over TCP only,
 * so UDP and ICMP egress are dropped here outright (QUIC clients fall back to TLS over TCP).
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html#suricata-strict-rule-evaluation-order
 */
function baselineRules(ports: number[]): string {
  const rules: string[] = [];
  if (ports.length > 0) {
    rules.push(`pass tcp $EXTERNAL_NET any -> $PUBLIC_NET [${ports.join(',')}] (msg:"Connection from the internet to a public listener port"; flow:to_server; sid:1; rev:1;)`);
  }
  rules.push('drop ip $EXTERNAL_NET any -> $HOME_NET any (msg:"Connection from the internet not to a public listener port"; flow:to_server; sid:2; rev:1;)');
  rules.push('drop udp $HOME_NET any -> $EXTERNAL_NET any (msg:"UDP egress: only TLS and HTTP to allowlisted domains leave"; flow:to_server; sid:3; rev:1;)');
  rules.push('drop icmp $HOME_NET any -> $EXTERNAL_NET any (msg:"ICMP egress: only TLS and HTTP to allowlisted domains leave"; flow:to_server; sid:4; rev:1;)');
  return rules.join('\n');
}

/**
 * cdk-nag HIPAA.Security VPCNoUnrestrictedRouteToIGW flags every 0.0.0.0/0 route to an internet gateway. A firewall
 * subnet's route is the one that must exist: it carries only traffic the firewall has inspected, and the subnet
 * holds nothing but the firewall endpoint.
 */
function acknowledgeFirewallRouteToIgw(route: ec2.CfnRoute): void {
  Validations.of(route).acknowledge({
    id: 'HIPAA.Security::HIPAA.Security-VPCNoUnrestrictedRouteToIGW',
    reason: 'DomainAllowlistFirewall: the firewall subnet holds only the Network Firewall endpoint, and its route to the '
      + 'internet gateway carries only traffic the firewall has inspected (egress to allowlisted domains).',
  });
}

function checkSubnetInApp(scope: IConstruct, subnet: ec2.ISubnet, what: string): void {
  if (!(subnet instanceof ec2.Subnet)) {
    throw constructError(scope, `${what} '${subnet.subnetId}' is imported, so synth cannot see or change its route table; `
      + 'define the VPC and its subnets in this app');
  }
  if (Token.isUnresolved(subnet.availabilityZone)) {
    throw constructError(scope, `${what} '${subnet.node.path}' has an Availability Zone unknown at synth (${subnet.availabilityZone}); `
      + 'routes pick the firewall endpoint by AZ name, so give the stack an env with account and region (or availabilityZones on the VPC)');
  }
}

function internetGatewayId(vpc: ec2.IVpc): string | undefined {
  if (vpc instanceof ec2.Vpc) {
    return vpc.internetGatewayId;
  }
  return vpc.node.findAll().find((c): c is ec2.CfnInternetGateway => c instanceof ec2.CfnInternetGateway)?.ref;
}

function hasNatGateway(vpc: ec2.IVpc): boolean {
  return vpc.node.findAll().some((c) => c instanceof ec2.CfnNatGateway);
}

function vpcHasIpv6(vpc: ec2.IVpc): boolean {
  return vpc.node.findAll().some((c) => c instanceof ec2.CfnVPCCidrBlock
    && (c.amazonProvidedIpv6CidrBlock === true || c.ipv6CidrBlock !== undefined || c.ipv6IpamPoolId !== undefined || c.ipv6Pool !== undefined));
}

function subnetIpv6Cidr(subnet: ec2.ISubnet): string {
  const cfn = subnet.node.defaultChild;
  if (cfn instanceof ec2.CfnSubnet && cfn.ipv6CidrBlock !== undefined) {
    return cfn.ipv6CidrBlock;
  }
  return Fn.select(0, (subnet as ec2.Subnet).subnetIpv6CidrBlocks);
}

function uniqueName(scope: IConstruct, suffix: string): string {
  // Names take letters, digits and dashes, 128 at most.
  return `${Names.uniqueResourceName(scope, { maxLength: 100, separator: '-' })}-${suffix}`;
}
