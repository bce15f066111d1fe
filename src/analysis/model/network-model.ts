// The network model of an app: the resources that make up the four defense layers in every stack of the app, read
// once from templates (files, a cloud assembly, or what a CDK front door renders), with references followed back
// to resources, across stacks too (the template reader turns `Fn::ImportValue`, nested-stack parameters and
// outputs into `LayeredDefense::StackRef` values). Rules judge this model; nothing here knows about constructs.
//
// Exact semantics live next to the data: NACL first-match evaluation in ./nacl-evaluator and ./model-nacl, WAF in
// ./waf-evaluator over the statements read once by ./waf-statements-tree, security groups as a union of allows in
// ./sg-rules. A value the model cannot know (an import no stack exports, a parameter without a value) is kept as it
// is, and the rule that needs it reports "cannot verify" naming it.
import { parseCidrNormalized } from './cidr-cache';
import { FIREWALL_TYPES, FirewallModel, FirewallPolicyModel, FirewallRuleGroupModel, linkFirewalls, NatGatewayModel } from './firewall-model';
import { describeKey, describeValue, familyText, isLiteralString, Json, literalInteger, referenceOf, resourceKey, STACK_REF, targetKey } from './model-values';
import { naclEgress, normalizeNaclEntry, NormalizedNaclEntry, sortStable } from './nacl-evaluator';
import type { ModelResource, StackInput } from './resource';
import { defaultGroupVpcKey, invalidSgRule, readSgRules, SgRuleModel } from './sg-rules';
import { isPolicyName } from './tls-listeners';
import { readWafRuleGroups, WafRuleGroupModel } from './waf-rule-groups';
import { isWafUnknown, WafWebAclTree, walkWafStatement } from './waf-statements-tree';
import { IpFamily } from '../../ip/family';
import { isIntrinsic } from '../cfn/json-object';
import { PSEUDO_PARAMETERS } from '../cfn/types';

export type { ModelResource, SourcePosition, StackInput } from './resource';
export type { FirewallGroupReference, FirewallModel, FirewallPolicyModel, FirewallRuleGroupModel, NatGatewayModel } from './firewall-model';

export interface NaclEntryModel {
  readonly resource: ModelResource;
  /** The target key of the NACL the entry belongs to (`id:<stackId>/<logicalId>` for a NACL of the app). */
  readonly naclKey: string;
  /** True for outbound, false for inbound; undefined when `Egress` is not known at synth (see `unknown`). */
  readonly egress?: boolean;
  /** From which property is set (`CidrBlock` or `Ipv6CidrBlock`), even when its value is unresolved. */
  readonly family?: IpFamily;
  readonly ruleNumber?: number;
  /** The entry in evaluable form; undefined when a value is unresolved or invalid (see `unknown`). */
  readonly normalized?: NormalizedNaclEntry;
  readonly unknown?: string;
  /**
   * True for an entry EC2 puts in every default NACL (ALLOW all, rule 100 for IPv4 and 101 for IPv6, both
   * directions), which no template renders or can remove; its `resource` is the VPC's.
   */
  readonly builtIn?: boolean;
}

export interface NaclModel {
  /** The `AWS::EC2::NetworkAcl`, or for a default NACL its VPC. */
  readonly resource: ModelResource;
  readonly key: string;
  readonly vpcKey: string;
  readonly entries: NaclEntryModel[];
  /** `AWS::EC2::SubnetNetworkAclAssociation` resources that attach this NACL. */
  readonly associations: ModelResource[];
  /**
   * Set when this is the default NACL of a VPC of the stack (`Fn::GetAtt [Vpc, DefaultNetworkAcl]`), modelled
   * because an entry or association refers to it. EC2 creates it with the VPC and uses it for every subnet that has
   * no association of its own; its entries include EC2's built-in ones.
   */
  readonly defaultOfVpc?: ModelResource;
}

export interface SubnetNaclAssociationModel {
  readonly resource: ModelResource;
  readonly subnetKey: string;
  readonly naclKey: string;
}

export interface SecurityGroupModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly vpcKey?: string;
  readonly description?: string;
  readonly ingress: SgRuleModel[];
  readonly egress: SgRuleModel[];
}

export interface SubnetModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly vpcKey: string;
}

export interface FlowLogModel {
  readonly resource: ModelResource;
  readonly targetKey: string;
  readonly resourceType?: string;
  readonly trafficType: Json;
}

export interface VpcModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly subnets: SubnetModel[];
  readonly flowLogs: FlowLogModel[];
  /** CDK's `Custom::VpcRestrictDefaultSG` resources that empty this VPC's default security group. */
  readonly defaultGroupRestrictions: ModelResource[];
  /** Standalone rules added to this VPC's default security group. */
  readonly defaultGroupRules: SgRuleModel[];
}

export interface LoadBalancerModel {
  readonly resource: ModelResource;
  readonly key: string;
  /** `internet-facing` (CloudFormation's default) or `internal`; unresolved values are kept. */
  readonly scheme: Json;
  /** `application` (the default), `network` or `gateway`. */
  readonly lbType: Json;
  readonly securityGroupKeys: string[];
  readonly listeners: ListenerModel[];
}

export interface ListenerModel {
  readonly resource: ModelResource;
  readonly loadBalancerKey: string;
  readonly port?: number;
  readonly protocol: Json;
  readonly sslPolicy: Json;
  readonly defaultActions: Json;
}

export interface WebAclModel {
  readonly resource: ModelResource;
  readonly key: string;
  readonly scope: Json;
  readonly associations: ModelResource[];
  readonly loggingConfigurations: ModelResource[];
  /** CloudFront distributions whose `WebACLId` refers to this web ACL. */
  readonly distributions: ModelResource[];
  /** Its rules and statements, read once; every WAF rule and the evaluator read these, not the raw properties. */
  readonly tree: WafWebAclTree;
}

export interface ApiStageModel {
  readonly resource: ModelResource;
  readonly restApi?: ModelResource;
  readonly stageName: Json;
}

/** An API Gateway HTTP or WebSocket API (`AWS::ApiGatewayV2::Api`): AWS WAF attaches to neither. */
export interface HttpApiModel {
  readonly resource: ModelResource;
  /** `HTTP` or `WEBSOCKET` as written; undefined for an API imported from an OpenAPI `Body` (always HTTP). */
  readonly protocolType: Json;
}

/** The resource types the model reads; everything else is ignored (and never resolved). */
export const MODELLED_TYPES: ReadonlySet<string> = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::VPCCidrBlock',
  'AWS::EC2::Subnet',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::PrefixList',
  'AWS::EC2::FlowLog',
  'Custom::VpcRestrictDefaultSG',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::WAFv2::WebACL',
  'AWS::WAFv2::IPSet',
  'AWS::WAFv2::RuleGroup',
  'AWS::WAFv2::WebACLAssociation',
  'AWS::WAFv2::LoggingConfiguration',
  'AWS::CloudFront::Distribution',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGatewayV2::Api',
  ...FIREWALL_TYPES,
  // What reachability needs: routing (./routing) and where workloads sit (./workloads).
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::GatewayRouteTableAssociation',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::EgressOnlyInternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::VPCEndpoint',
  // Network interfaces placed in a subnet by hand (FirewallSubnetWorkload).
  'AWS::EC2::NetworkInterface',
  'AWS::EC2::VPCPeeringConnection',
  'AWS::EC2::Instance',
  'AWS::EC2::LaunchTemplate',
  // Connection tracking timeouts and Elastic IPs (rules/virtual-firewall/SgIdleTimeoutLong).
  'AWS::EC2::NetworkInterface',
  'AWS::EC2::EIP',
  'AWS::EC2::EIPAssociation',
  'AWS::AutoScaling::LaunchConfiguration',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::EC2::EIP',
  'AWS::EC2::EIPAssociation',
  'AWS::EC2::NetworkInterface',
  'AWS::ECS::Service',
  'AWS::Lambda::Function',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBSubnetGroup',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::SubnetGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::EFS::MountTarget',
  // What a web ACL's origins are (../reachability/origins): listener rules that forward to target groups, API methods
  // that integrate with a load balancer.
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ApiGateway::Method',
]);

/** The network model of an app. Build it with {@link buildNetworkModel}; it is read-only afterwards. */
export class NetworkModel {
  /** Every modelled resource of the app, by key (`id:<stackId>/<logicalId>`). */
  public readonly resources = new Map<string, ModelResource>();
  /** The modelled resources whose Metadata holds acknowledgements, in the order of {@link resources}. */
  public readonly acknowledging: ModelResource[] = [];
  public readonly vpcs: VpcModel[] = [];
  public readonly subnets: SubnetModel[] = [];
  public readonly nacls: NaclModel[] = [];
  /** Entries whose `NetworkAclId` is not a NACL of the app (imported, unresolved). */
  public readonly strayNaclEntries: NaclEntryModel[] = [];
  public readonly subnetNaclAssociations: SubnetNaclAssociationModel[] = [];
  public readonly securityGroups: SecurityGroupModel[] = [];
  /** Standalone rules on groups that are not in the app (imported groups, unresolved ids). */
  public readonly straySgRules: SgRuleModel[] = [];
  public readonly loadBalancers: LoadBalancerModel[] = [];
  /** Listeners whose load balancer is not in the app. */
  public readonly strayListeners: ListenerModel[] = [];
  public readonly webAcls: WebAclModel[] = [];
  /** Addresses of every `AWS::WAFv2::IPSet` with a literal address list, by resource key. */
  public readonly ipSets: Record<string, string[]> = {};
  /** IP sets whose addresses are not known: resource key to the value. */
  public readonly unresolvedIpSets = new Map<string, string>();
  /** Every `AWS::WAFv2::RuleGroup`, by resource key (./waf-rule-groups). */
  public readonly wafRuleGroups = new Map<string, WafRuleGroupModel>();
  public readonly webAclAssociations: ModelResource[] = [];
  public readonly apiStages: ApiStageModel[] = [];
  public readonly httpApis: HttpApiModel[] = [];
  public readonly flowLogs: FlowLogModel[] = [];
  /** Network Firewall: firewalls, their policies, rule groups (see ./firewall-model). */
  public readonly firewalls: FirewallModel[] = [];
  public readonly firewallPolicies: FirewallPolicyModel[] = [];
  public readonly firewallRuleGroups: FirewallRuleGroupModel[] = [];
  public readonly natGateways: NatGatewayModel[] = [];
  /** Values AWS would reject, or that mean nothing, found while reading: the resource and what is wrong. */
  public readonly invalid: Array<{
    readonly resource: ModelResource;
    readonly problem: string;
    /** How the rules describe the value when they meet it (their "cannot verify" quotes it); the problem by default. */
    readonly value?: string;
  }> = [];
  /**
   * Security group rules and NACL entries that never exist, as CloudFormation or EC2 rejects them (an invalid value,
   * a misspelt type): the model leaves them out, and `explain` names them where they could have changed an answer.
   * `ownerKey` is the group's or the NACL's key; `direction` a security group rule's.
   */
  public readonly leftOut: Array<{
    readonly resource: ModelResource;
    readonly problem: string;
    readonly ownerKey: string;
    readonly direction?: 'ingress' | 'egress';
  }> = [];
  /** Resources whose properties could not be read at all, with the reason. */
  public readonly unreadable: Array<{
    readonly resource: ModelResource;
    readonly reason: string;
    /** What cannot be judged, when it is not the resource itself (a stack's transform is reported on its first resource). */
    readonly subject?: string;
    /** What to do, when it is not CannotVerify's fix. */
    readonly fix?: string;
  }> = [];
  /**
   * Keys of the resources whose `Properties` is no object (CloudFormation rejects the template: InvalidValue says so)
   * or could not be rendered (a front door's construct: CannotVerify says so). No rule judges them further: what a
   * rule would conclude from properties it cannot read is not news.
   */
  public readonly malformed = new Set<string>();

  // Rules ask per NACL (NaclDenyOwnVpc: the VPCCidrBlocks); a scan of every resource each time made the analysis
  // grow with the square of the app's size. The index is rebuilt if resources were added since it was made.
  private typeIndex?: Map<string, ModelResource[]>;
  private typeIndexSize = -1;
  private groupIndex?: Map<string, SecurityGroupModel>;

  constructor(public readonly stacks: readonly StackInput[]) {}

  public ofType(type: string): ModelResource[] {
    return [...(this.byType().get(type) ?? [])];
  }

  /** The resources of each type, indexed once (rebuilt if resources were added since); the lists are not to be changed. */
  public byType(): ReadonlyMap<string, readonly ModelResource[]> {
    if (this.typeIndex === undefined || this.typeIndexSize !== this.resources.size) {
      const index = new Map<string, ModelResource[]>();
      // Resources of one type come in runs (a template lists a construct's resources together): the list of the
      // last type is reused without a lookup.
      let lastType: string | undefined;
      let list: ModelResource[] = [];
      // forEach, not for-of: built once per model, this loop is seldom optimized, and then each step of an
      // iterator is an object.
      this.resources.forEach((r) => {
        if (r.type !== lastType) {
          lastType = r.type;
          list = index.get(r.type) ?? [];
          if (list.length === 0) {
            index.set(r.type, list);
          }
        }
        list.push(r);
      });
      this.typeIndex = index;
      this.typeIndexSize = this.resources.size;
    }
    return this.typeIndex;
  }

  /** The resource a target key (`id:<stackId>/<logicalId>`) names, when it is in the app. */
  public resolveKey(key: string): ModelResource | undefined {
    return this.resources.get(key);
  }

  /**
   * How messages name what a target key points at: the resource's path when the model holds it; for another logical
   * id of a stack of the app (a transit gateway, a parameter used as an id), `<stack name>/<logical id>`, never the
   * stack id, which for a template file is its absolute path; else what the template wrote.
   */
  public describeKey(key: string): string {
    const resource = this.resources.get(key);
    if (resource !== undefined) {
      return resource.path;
    }
    if (key.startsWith('id:')) {
      // Stack ids may hold '/' (nested stacks, paths): the longest id the key starts with is its stack.
      let owner: StackInput | undefined;
      for (const stack of this.stacks) {
        if (key.startsWith(`id:${stack.id}/`) && (owner === undefined || stack.id.length > owner.id.length)) {
          owner = stack;
        }
      }
      if (owner !== undefined) {
        return `${owner.stackName}/${key.slice(owner.id.length + 4)}`;
      }
    }
    return describeKey(key);
  }

  /** The VPC key of a subnet of the app, by the subnet's key. */
  public vpcOfSubnet(subnetKey: string): string | undefined {
    return this.subnets.find((s) => s.key === subnetKey)?.vpcKey;
  }

  public securityGroup(key: string): SecurityGroupModel | undefined {
    // Indexed once the groups are read (reachability asks for groups by key on every query).
    if (this.groupIndex === undefined || this.groupIndex.size !== this.securityGroups.length) {
      this.groupIndex = new Map(this.securityGroups.map((g) => [g.key, g]));
    }
    return this.groupIndex.get(key);
  }

  /**
   * The addresses of the IP sets a web ACL's statements can reference, keyed by logical id as the WAF evaluator
   * looks them up: the web ACL's own stack's sets, and the sets of other stacks its statements refer to.
   */
  /**
   * Each web ACL's own rules, and the rules of each rule group of the templates: what a group's statement says, it
   * says in every web ACL that uses the group, so the rules that judge statements judge it once, on the group.
   */
  public wafRuleOwners(): Array<{ readonly resource: ModelResource; readonly rules: WafWebAclTree['rules']; readonly kind: 'web ACL' | 'rule group' }> {
    return [
      ...this.webAcls.map((acl) => ({ resource: acl.resource, rules: acl.tree.rules, kind: 'web ACL' as const })),
      ...[...this.wafRuleGroups.values()].map((group) => ({ resource: group.resource, rules: group.tree.rules, kind: 'rule group' as const })),
    ];
  }

  public ipSetsFor(acl: ModelResource): Record<string, string[]> {
    // Looked up with an IP set reference's text: no prototype, so 'constructor' finds no set.
    const result: Record<string, string[]> = Object.create(null);
    const prefix = resourceKey(acl.stack.id, '');
    for (const [key, addresses] of Object.entries(this.ipSets)) {
      if (key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) {
        result[key.slice(prefix.length)] = addresses;
      }
    }
    collectCrossStackIpSets(this, acl.properties, result);
    return result;
  }
}

function collectCrossStackIpSets(model: NetworkModel, value: Json, into: Record<string, string[]>): void {
  if (value === null || typeof value !== 'object') {
    return;
  }
  if (!Array.isArray(value) && value[STACK_REF] !== undefined) {
    const ref = referenceOf(value);
    const addresses = ref?.stackId !== undefined ? model.ipSets[resourceKey(ref.stackId, ref.logicalId)] : undefined;
    if (ref && addresses) {
      into[ref.logicalId] = addresses;
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const child of value) {
      collectCrossStackIpSets(model, child, into);
    }
    return;
  }
  for (const k in value) {
    collectCrossStackIpSets(model, value[k], into);
  }
}

/** The fix of a nested stack whose template was not read. */
const NESTED_STACK_FIX = 'Check the nested stack\'s template with its parent: run the check on the cloud assembly (cdk.out), or on the templates before '
  + 'they are packaged (a TemplateURL that is a local path is read); or check that template on its own and acknowledge this finding saying so';

/**
 * Reads every modelled resource of every stack and links them, across stacks where a value is a cross-stack
 * reference. Resources of other types are never read further.
 */
export function buildNetworkModel(stacks: readonly StackInput[]): NetworkModel {
  const model = new NetworkModel(stacks);
  /** What is wrong with a malformed resource itself (its Properties, its acknowledgements), kept after linking. */
  const kept = new Set<object>();
  let lastType: string | undefined;
  let lastModelled = false;
  for (const stack of stacks) {
    const resources: Json = stack.template?.Resources;
    if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) {
      continue;
    }
    const declared = declaredNames(stack.template);
    const ids = stack.resourceIds ?? Object.keys(resources);
    const languageExtensions = stack.notExpandedTransforms?.includes('AWS::LanguageExtensions') === true;
    if (stack.notExpandedTransforms !== undefined && ids.length > 0) {
      // A transform (a macro, AWS::Include...) can add or change any resource: the stack is reported on its first
      // resource, the only site it has.
      const site = new TemplateResource(stack, ids[0], resources[ids[0]] !== null && typeof resources[ids[0]] === 'object' ? resources[ids[0]] : {});
      for (const name of stack.notExpandedTransforms) {
        model.unreadable.push({
          resource: site,
          subject: `stack ${stack.stackName}`,
          reason: `its Transform ${name} is not expanded by this analysis (only AWS::Serverless-2016-10-31 is), so whatever it adds to the stack or changes in it is not judged`,
        });
      }
    }
    if (stack.unreadNestedStacks !== undefined) {
      for (const [logicalId, why] of stack.unreadNestedStacks) {
        const body: Json = resources[logicalId];
        // Gone when a false condition removed it: then it creates nothing.
        if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
          model.unreadable.push({ resource: new TemplateResource(stack, logicalId, body), subject: `nested stack ${logicalId}`, reason: why, fix: NESTED_STACK_FIX });
        }
      }
    }
    for (const logicalId of ids) {
      const body: Json = resources[logicalId];
      if (languageExtensions && logicalId.startsWith('Fn::ForEach::')) {
        // A loop that AWS::LanguageExtensions expands into resources: not expanded here, and the stack's CannotVerify
        // for the transform says so.
        continue;
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof body.Type !== 'string') {
        const resource = new TemplateResource(stack, logicalId, { Type: 'AWS::CloudFormation::Unknown' });
        model.invalid.push({ resource, problem: `the resource ${describeValue(body)} has no Type: CloudFormation rejects the template` });
        continue;
      }
      // A template lists resources of one type together (CDK writes a construct's resources in a row): the last
      // type's answer is reused, as hashing the type string for the set costs more than comparing it.
      if (body.Type !== lastType) {
        lastType = body.Type;
        lastModelled = MODELLED_TYPES.has(body.Type);
      }
      if (!lastModelled) {
        const meant = misspeltModelledType(body.Type);
        if (meant !== undefined) {
          const resource = new TemplateResource(stack, logicalId, body);
          const problem = `Type ${body.Type} is not a resource type; did you mean ${meant}?`;
          model.invalid.push({ resource, problem });
          const p = resource.properties;
          if (meant === 'AWS::EC2::SecurityGroupIngress' || meant === 'AWS::EC2::SecurityGroupEgress') {
            const direction = meant === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : 'egress';
            model.leftOut.push({ resource, problem, ownerKey: targetKey(p.GroupId ?? p.GroupName, stack.id), direction });
          } else if (meant === 'AWS::EC2::NetworkAclEntry') {
            model.leftOut.push({ resource, problem, ownerKey: naclKeyOf(p.NetworkAclId, stack.id) });
          }
        }
        continue;
      }
      {
        const resource = new TemplateResource(stack, logicalId, body);
        model.resources.set(resource.key, resource);
        if (body.Metadata?.[ACKNOWLEDGEMENT_METADATA_KEY] !== undefined) {
          model.acknowledging.push(resource);
        }
        // A generated resource carries the Metadata of the resource it comes from, where its problems are reported.
        if (body.Metadata?.[ACKNOWLEDGEMENT_METADATA_KEY] !== undefined && stack.generatedFrom?.has(logicalId) !== true) {
          for (const problem of acknowledgementProblems(body.Metadata)) {
            const entry = { resource, problem };
            model.invalid.push(entry);
            kept.add(entry);
          }
        }
        const properties = body.Properties ?? {};
        if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
          const entry = { resource, problem: `Properties is ${describeValue(body.Properties)}, not an object: CloudFormation rejects the template` };
          model.invalid.push(entry);
          kept.add(entry);
          model.malformed.add(resource.key);
          continue;
        }
        if (typeof properties[UNRENDERABLE_PROPERTIES] === 'string') {
          model.unreadable.push({ resource, reason: properties[UNRENDERABLE_PROPERTIES] });
          model.malformed.add(resource.key);
          continue;
        }
        if (!stack.partial && stack.namesAllDeclared !== true) {
          const dangling = danglingReferences(body.Properties, declared);
          for (let i = 0; i < dangling.length; i++) {
            const name = dangling[i];
            model.invalid.push({ resource, problem: `${name} names no resource, parameter or pseudo parameter of the template: CloudFormation rejects it` });
          }
        }
      }
    }
  }
  link(model);
  if (model.malformed.size > 0) {
    // Linking read the malformed resources as empty ones: what it found wrong with them (a GroupDescription or a
    // DefaultAction "not set") is not what is wrong.
    const derived = model.invalid.filter((entry) => model.malformed.has(entry.resource.key) && !kept.has(entry));
    for (const entry of derived) {
      model.invalid.splice(model.invalid.indexOf(entry), 1);
    }
    const leftOut = model.leftOut.filter((entry) => model.malformed.has(entry.resource.key));
    for (const entry of leftOut) {
      model.leftOut.splice(model.leftOut.indexOf(entry), 1);
    }
  }
  return model;
}

/**
 * The key a front door writes as a resource's only property when its construct cannot be rendered (resolving it
 * throws), with the reason: the model reports the resource as not readable, and no rule judges it.
 */
export const UNRENDERABLE_PROPERTIES = 'cdk-layered-defense:unrenderable';

/**
 * The modelled type a resource type is a typo of (the same letters in another case, or one or two edits away), so a
 * misspelt `AWS::EC2::SecurityGroupIngres` is an error instead of a resource no rule ever sees.
 */
function misspeltModelledType(type: string): string | undefined {
  // An app repeats the same few unmodelled types (IAM roles, log groups) hundreds of times: compare each type once.
  if (misspeltCache.has(type)) {
    return misspeltCache.get(type);
  }
  if (REAL_NEIGHBOUR_TYPES.has(type)) {
    return undefined;
  }
  let meant: string | undefined;
  for (const modelled of MODELLED_TYPES) {
    if (modelled.toLowerCase() === type.toLowerCase() || editDistanceAtMost(modelled, type, 2)) {
      meant = modelled;
      break;
    }
  }
  if (misspeltCache.size >= MISSPELT_CACHE_LIMIT) {
    misspeltCache.clear();
  }
  misspeltCache.set(type, meant);
  return meant;
}

/**
 * Real CloudFormation types within two edits of a modelled type: a Classic Load Balancer, WAF Classic, an HTTP API's
 * stage, not misspellings. test/analysis/model/misspelt-types.test.ts compares every type aws-cdk-lib knows with the
 * modelled ones and fails when a new neighbour appears, so this list is kept complete.
 */
const REAL_NEIGHBOUR_TYPES: ReadonlySet<string> = new Set([
  'AWS::ApiGatewayV2::Deployment',
  'AWS::ApiGatewayV2::Stage',
  'AWS::ElasticLoadBalancing::LoadBalancer',
  'AWS::SCN::Instance',
  'AWS::WAF::IPSet',
  'AWS::WAF::WebACL',
]);

/** Types already compared with the modelled ones; bounded, as a long-lived process may read many apps. */
const misspeltCache = new Map<string, string | undefined>();
const MISSPELT_CACHE_LIMIT = 4096;

function editDistanceAtMost(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) {
    return false;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    if (Math.min(...current) > limit) {
      return false;
    }
    previous = current;
  }
  return previous[b.length] <= limit;
}

/**
 * `Ref X`, `Fn::GetAtt [X, ...]` and `Fn::Sub` `${X}` in a value that name nothing the template declares (a
 * resource, a parameter, a pseudo parameter); cross-stack values are left to the reader, which resolved them.
 */
function danglingReferences(value: Json, declared: Declared): readonly string[] {
  // Asked for every modelled resource, and nearly always empty: one set, reused, instead of one per resource.
  danglingFound.clear();
  walkReferences(value, declared, danglingFound);
  return danglingFound.size === 0 ? NONE : [...danglingFound];
}

/** The names a template declares: its resources and its parameters (read once per stack). */
interface Declared {
  readonly resources: Json;
  readonly parameters: Json;
}

function declaredNames(template: Json): Declared {
  const resources = template?.Resources;
  const parameters = template?.Parameters;
  return {
    resources: resources !== null && typeof resources === 'object' ? resources : {},
    parameters: parameters !== null && typeof parameters === 'object' ? parameters : {},
  };
}

const danglingFound = new Set<string>();
const NONE: readonly string[] = Object.freeze([]);

/** Whether a template declares `name`: a resource, a pseudo parameter, or (for `Ref` and `Fn::Sub`) a parameter. */
function declaredIn(declared: Declared, name: string, isRef: boolean): boolean {
  return PSEUDO_PARAMETERS.has(name)
    || Object.prototype.hasOwnProperty.call(declared.resources, name)
    || (isRef && Object.prototype.hasOwnProperty.call(declared.parameters, name));
}

// Visits every object of every modelled resource: for-in, not Object.keys or Object.values, so it allocates nothing
// on the way.
function walkReferences(v: Json, declared: Declared, found: Set<string>): void {
  if (v === null || typeof v !== 'object') {
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) {
      walkReferences(item, declared, found);
    }
    return;
  }
  let only: string | undefined;
  let count = 0;
  for (const k in v) {
    if (count++ === 0) {
      only = k;
    } else {
      break;
    }
  }
  if (count === 1 && only === STACK_REF) {
    return;
  }
  if (count === 1 && only === 'Ref' && typeof v.Ref === 'string' && !declaredIn(declared, v.Ref, true)) {
    found.add(`Ref ${v.Ref}`);
    return;
  }
  if (count === 1 && only === 'Fn::GetAtt') {
    const getAtt = v['Fn::GetAtt'];
    const target = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
    if (typeof target === 'string' && !declaredIn(declared, target, false)) {
      found.add(`Fn::GetAtt ${target}`);
    } else if (target === undefined || typeof target !== 'string') {
      found.add(`Fn::GetAtt ${describeValue(getAtt)}`);
    }
    return;
  }
  if (count === 1 && only === 'Fn::Sub') {
    const sub = v['Fn::Sub'];
    const text = Array.isArray(sub) ? sub[0] : sub;
    const variables = Array.isArray(sub) && sub[1] !== null && typeof sub[1] === 'object' ? sub[1] : {};
    if (typeof text === 'string') {
      for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = match[1].split('.')[0].trim();
        if (!Object.prototype.hasOwnProperty.call(variables, name) && !declaredIn(declared, name, true)) {
          found.add(`Fn::Sub \${${match[1]}}`);
        }
      }
    }
    walkReferences(Object.values(variables), declared, found);
    return;
  }
  for (const k in v) {
    walkReferences(v[k], declared, found);
  }
}

/** The resource metadata key that carries acknowledgements in a template (every front door honours it). */
export const ACKNOWLEDGEMENT_METADATA_KEY = 'cdk-layered-defense';

/**
 * What is malformed in a resource's acknowledgements (`Metadata.cdk-layered-defense.acknowledge`): each entry needs a
 * rule id (`LayeredDefense-<Name>`) and a reason. A malformed one acknowledges nothing, and says so.
 */
export function acknowledgementProblems(metadata: Json): string[] {
  const value = metadata?.[ACKNOWLEDGEMENT_METADATA_KEY];
  if (value === undefined) {
    return [];
  }
  const entries = value?.acknowledge;
  if (!Array.isArray(entries)) {
    return [`Metadata.${ACKNOWLEDGEMENT_METADATA_KEY}.acknowledge is ${describeValue(entries)}, not a list of { id, reason }: it acknowledges nothing`];
  }
  const problems: string[] = [];
  entries.forEach((entry: Json, i: number) => {
    const where = `Metadata.${ACKNOWLEDGEMENT_METADATA_KEY}.acknowledge[${i}]`;
    if (typeof entry?.id !== 'string' || !/^LayeredDefense-[A-Za-z0-9]+$/.test(entry.id)) {
      problems.push(`${where}.id ${describeValue(entry?.id)} is not a rule id (LayeredDefense-<Name>): it acknowledges nothing`);
    } else if (typeof entry?.reason !== 'string' || entry.reason.trim() === '') {
      problems.push(`${where} acknowledges ${entry.id} without a reason, so it acknowledges nothing: say why the finding does not apply`);
    }
  });
  return problems;
}

/** A resource of a template; its path is worked out on first use (a front door's lookup can cost a hash). */
class TemplateResource implements ModelResource {
  public readonly key: string;
  public readonly type: string;
  public readonly properties: Json;
  public readonly metadata?: Json;
  private site?: { readonly path: string; readonly cdkPath?: string };

  constructor(public readonly stack: StackInput, public readonly logicalId: string, body: Json) {
    this.key = resourceKey(stack.id, logicalId);
    this.type = body.Type;
    const properties = body.Properties ?? {};
    // A malformed Properties is reported as unreadable; rules read an empty object instead of crashing.
    this.properties = properties !== null && typeof properties === 'object' && !Array.isArray(properties) ? properties : {};
    this.metadata = body.Metadata;
  }

  public get path(): string {
    return this.lookUp().path;
  }

  public get cdkPath(): string | undefined {
    return this.lookUp().cdkPath;
  }

  private lookUp(): { readonly path: string; readonly cdkPath?: string } {
    if (!this.site) {
      const fromMetadata = this.metadata?.['aws:cdk:path'];
      const cdkPath = this.stack.pathOf?.(this.logicalId, this.type) ?? (typeof fromMetadata === 'string' ? fromMetadata.replace(/^\//, '') : undefined);
      this.site = { path: cdkPath ?? `${this.stack.stackName}/${this.logicalId}`, cdkPath };
    }
    return this.site;
  }
}

/** The WAFv2 resources whose `Ref` is `name|id|scope`, not an ARN, and how messages name them. */
const WAF_REF_NOT_ARN: Readonly<Record<string, string>> = Object.freeze(Object.assign(Object.create(null), {
  'AWS::WAFv2::WebACL': 'web ACL',
  'AWS::WAFv2::IPSet': 'IP set',
  'AWS::WAFv2::RuleGroup': 'rule group',
  'AWS::WAFv2::RegexPatternSet': 'regex pattern set',
}));

/**
 * Why a value WAF needs as an ARN is not one: a `Ref` (in this stack, or through an export) to a WAFv2 web ACL, IP
 * set, rule group or regex pattern set returns `name|id|scope`, and only its `Arn` attribute is the ARN
 * (`Fn::GetAtt <id>.Arn`; `Id` is the id).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-ipset.html#aws-resource-wafv2-ipset-return-values
 */
function wafRefNotArn(model: NetworkModel, value: Json, stackId: string, property: string): string | undefined {
  const ref = referenceOf(value);
  if (ref === undefined || ref.attribute === 'Arn') return undefined;
  const kind = WAF_REF_NOT_ARN[model.resources.get(resourceKey(ref.stackId ?? stackId, ref.logicalId))?.type ?? ''];
  if (kind === undefined) return undefined;
  const written = ref.attribute === undefined ? `Ref ${ref.logicalId}, which is the ${kind}'s name|id|scope` : `Fn::GetAtt ${ref.logicalId}.${ref.attribute}`;
  return `${property} is ${written}, not the ${kind}'s ARN (write Fn::GetAtt ${ref.logicalId}.Arn): WAF rejects it`;
}

/** WAF's limit on the addresses of one IP set. */
const MAX_IP_SET_ADDRESSES = 10_000;

/**
 * What WAF rejects in a literal address list: an address that is no CIDR, one of the other IP version than the set's
 * `IPAddressVersion`, a /0 (WAF supports every prefix length but 0), more than 10,000 addresses. The first few of
 * each kind are named.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-wafv2-ipset.html
 */
function invalidIpSetAddresses(addresses: readonly string[], version: Json): string[] {
  const problems: string[] = [];
  if (isLiteralString(version) && version !== 'IPV4' && version !== 'IPV6') {
    problems.push(`IPAddressVersion '${version}' is not IPV4 or IPV6: CloudFormation rejects the IP set`);
  }
  const family = version === 'IPV4' ? IpFamily.IPV4 : version === 'IPV6' ? IpFamily.IPV6 : undefined;
  const bad: string[] = [];
  const otherVersion: string[] = [];
  const everything: string[] = [];
  const families = new Set<IpFamily>();
  addresses.forEach((text, i) => {
    const problem = notACidr(text, undefined);
    const parsed = parseCidrNormalized(text);
    if (problem !== undefined || typeof parsed === 'string') {
      bad.push(`Addresses[${i}] '${text}' (${problem})`);
      return;
    }
    families.add(parsed.family);
    if (family !== undefined && parsed.family !== family) {
      otherVersion.push(`Addresses[${i}] '${text}'`);
    } else if (parsed.prefixLength === 0) {
      everything.push(`Addresses[${i}] '${text}'`);
    }
  });
  const some = (list: string[]) => (list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', '));
  if (bad.length > 0) {
    problems.push(`${some(bad)} ${bad.length > 1 ? 'are' : 'is'} not a CIDR: WAF rejects the IP set`);
  }
  if (otherVersion.length > 0) {
    problems.push(`${some(otherVersion)} ${otherVersion.length > 1 ? 'are' : 'is'} not ${familyText(family!)}, the set's IPAddressVersion: WAF rejects the IP set`);
  } else if (family === undefined && families.size > 1) {
    // Whatever IPAddressVersion turns out to be, the addresses of the other version are refused.
    problems.push('the IP set holds both IPv4 and IPv6 addresses, and an IP set has one IP version: WAF rejects it whatever IPAddressVersion is');
  }
  if (everything.length > 0) {
    problems.push(`${some(everything)}: an IP set cannot hold /0 (WAF rejects it; to match every address, use no IP set)`);
  }
  if (addresses.length > MAX_IP_SET_ADDRESSES) {
    problems.push(`the IP set has ${addresses.length} addresses, more than the ${MAX_IP_SET_ADDRESSES} WAF allows`);
  }
  return problems;
}

/**
 * Why a literal is not a CIDR in the notation AWS takes (of the family, when one is given), or undefined when it is
 * one. Host bits are left to the APIs (the block they name is clear); an address without a prefix length is not
 * CIDR notation.
 */
function notACidr(text: string, family: IpFamily | undefined): string | undefined {
  const parsed = parseCidrNormalized(text);
  if (typeof parsed === 'string') {
    return /^(is|has|contains) /.test(parsed) ? `it ${parsed}` : `its ${parsed.replace(/^IPv[46] address/, 'address')}`;
  }
  if (family !== undefined && parsed.family !== family) {
    return `it is ${familyText(parsed.family)}`;
  }
  if (!text.includes('/')) {
    return `it has no prefix length: write ${text}/${parsed.family === IpFamily.IPV4 ? 32 : 128} for one address`;
  }
  return undefined;
}

/** The CIDR-valued properties of the network resources, and the family each must be. */
const CIDR_PROPERTIES: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, IpFamily]>]> = [
  ['AWS::EC2::VPC', [['CidrBlock', IpFamily.IPV4]]],
  ['AWS::EC2::VPCCidrBlock', [['CidrBlock', IpFamily.IPV4], ['Ipv6CidrBlock', IpFamily.IPV6]]],
  ['AWS::EC2::Subnet', [['CidrBlock', IpFamily.IPV4], ['Ipv6CidrBlock', IpFamily.IPV6]]],
];

/** The inline rule lists of a security group: property, direction, and the list of the group's model they fill. */
const INLINE_SG_RULES = [['SecurityGroupIngress', 'ingress', 'ingress'], ['SecurityGroupEgress', 'egress', 'egress']] as const;

function link(model: NetworkModel): void {
  // The model's own index: the rules that ask for resources by type reuse it instead of building another.
  const byType = model.byType();
  const all = (type: string): readonly ModelResource[] => byType.get(type) ?? [];
  const key = (r: ModelResource) => r.key;
  const target = (r: ModelResource, value: Json) => targetKey(value, r.stack.id);

  // A literal block that is no CIDR of its family: EC2 refuses the VPC, block or subnet. InvalidValue reports it,
  // and the rules that read blocks (NaclDenyOwnVpc, routing) skip it rather than call it unknown.
  // Indexed loops, not destructuring for-of: destructuring a tuple per resource walks an iterator, which is garbage.
  for (let t = 0; t < CIDR_PROPERTIES.length; t++) {
    const properties = CIDR_PROPERTIES[t][1];
    for (const r of all(CIDR_PROPERTIES[t][0])) {
      for (let p = 0; p < properties.length; p++) {
        const property = properties[p][0];
        const family = properties[p][1];
        const value = r.properties[property];
        if (isLiteralString(value)) {
          const problem = notACidr(value, family);
          if (problem !== undefined) {
            model.invalid.push({ resource: r, problem: `${property} '${value}' is not an ${familyText(family)} CIDR (${problem}): EC2 rejects it` });
          }
        }
      }
    }
  }

  // VPCs, subnets, flow logs, default security group handling.
  const vpcs = new Map<string, VpcModel>();
  for (const r of all('AWS::EC2::VPC')) {
    if (r.properties.CidrBlock === undefined && r.properties.Ipv4IpamPoolId === undefined) {
      // A VPC needs an IPv4 block, literal or from an IPAM pool.
      // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpc.html
      model.invalid.push({ resource: r, problem: 'neither CidrBlock nor Ipv4IpamPoolId is set, and a VPC needs one of them: CloudFormation rejects it' });
    }
    const vpc: VpcModel = { resource: r, key: key(r), subnets: [], flowLogs: [], defaultGroupRestrictions: [], defaultGroupRules: [] };
    vpcs.set(vpc.key, vpc);
    model.vpcs.push(vpc);
  }
  for (const r of all('AWS::EC2::Subnet')) {
    const subnet: SubnetModel = { resource: r, key: key(r), vpcKey: target(r, r.properties.VpcId) };
    model.subnets.push(subnet);
    vpcs.get(subnet.vpcKey)?.subnets.push(subnet);
  }
  for (const r of all('AWS::EC2::FlowLog')) {
    const flowLog: FlowLogModel = {
      resource: r,
      targetKey: target(r, r.properties.ResourceId),
      resourceType: typeof r.properties.ResourceType === 'string' ? r.properties.ResourceType : undefined,
      trafficType: r.properties.TrafficType,
    };
    model.flowLogs.push(flowLog);
    vpcs.get(flowLog.targetKey)?.flowLogs.push(flowLog);
  }
  for (const r of all('Custom::VpcRestrictDefaultSG')) {
    const vpcKey = defaultGroupVpcKey(r.properties.DefaultSecurityGroupId, r.stack.id);
    if (vpcKey) {
      vpcs.get(vpcKey)?.defaultGroupRestrictions.push(r);
    }
  }

  // Network ACLs, entries, associations. A VPC's default NACL is modelled when something in the stack refers to it.
  const nacls = new Map<string, NaclModel>();
  for (const r of all('AWS::EC2::NetworkAcl')) {
    const nacl: NaclModel = { resource: r, key: key(r), vpcKey: target(r, r.properties.VpcId), entries: [], associations: [] };
    nacls.set(nacl.key, nacl);
    model.nacls.push(nacl);
  }
  const defaultNacls: NaclModel[] = [];
  const naclOf = (naclKey: string): NaclModel | undefined => {
    let nacl = nacls.get(naclKey);
    const vpc = !nacl && naclKey.endsWith(DEFAULT_NACL_SUFFIX) ? vpcs.get(naclKey.slice(0, -DEFAULT_NACL_SUFFIX.length)) : undefined;
    if (vpc) {
      nacl = defaultNacl(vpc, naclKey);
      nacls.set(naclKey, nacl);
      model.nacls.push(nacl);
      defaultNacls.push(nacl);
    }
    return nacl;
  };
  for (const r of all('AWS::EC2::NetworkAclEntry')) {
    const problem = invalidNaclEntry(r.properties);
    if (problem !== undefined) {
      // EC2 rejects it: it will never be an entry of its NACL, so it is judged by nothing but InvalidValue.
      model.invalid.push({ resource: r, problem });
      model.leftOut.push({ resource: r, problem, ownerKey: naclKeyOf(r.properties.NetworkAclId, r.stack.id) });
      continue;
    }
    const entry = readNaclEntry(r);
    const nacl = naclOf(entry.naclKey);
    if (nacl) {
      nacl.entries.push(entry);
    } else {
      model.strayNaclEntries.push(entry);
    }
  }
  for (const r of all('AWS::EC2::SubnetNetworkAclAssociation')) {
    const association: SubnetNaclAssociationModel = {
      resource: r,
      subnetKey: target(r, r.properties.SubnetId),
      naclKey: naclKeyOf(r.properties.NetworkAclId, r.stack.id),
    };
    model.subnetNaclAssociations.push(association);
    naclOf(association.naclKey)?.associations.push(r);
  }
  const ipv6 = vpcIpv6(all('AWS::EC2::VPCCidrBlock'));
  for (const nacl of defaultNacls) {
    addBuiltInIpv6Entries(nacl, ipv6.get(nacl.vpcKey) ?? 'none');
  }
  // Entries keep a global index so that duplicate rule numbers keep a deterministic order.
  const byRuleNumber = (a: NaclEntryModel, b: NaclEntryModel) => (a.ruleNumber ?? 0) - (b.ruleNumber ?? 0);
  for (const nacl of model.nacls) {
    // Templates usually list a NACL's entries in rule-number order: sorted only when they are not (a stable sort
    // leaves sorted entries as they are, so skipping it changes nothing).
    if (nacl.entries.some((e, i) => i > 0 && byRuleNumber(nacl.entries[i - 1], e) > 0)) {
      sortStable(nacl.entries, byRuleNumber);
    }
    numberWithinScopes(nacl);
  }

  // Security groups and their rules.
  const groups = new Map<string, SecurityGroupModel>();
  for (const r of all('AWS::EC2::SecurityGroup')) {
    const group: SecurityGroupModel = {
      resource: r,
      key: key(r),
      vpcKey: r.properties.VpcId !== undefined ? target(r, r.properties.VpcId) : undefined,
      description: typeof r.properties.GroupDescription === 'string' ? r.properties.GroupDescription : undefined,
      ingress: [],
      egress: [],
    };
    for (let n = 0; n < INLINE_SG_RULES.length; n++) {
      const property = INLINE_SG_RULES[n][0];
      const direction = INLINE_SG_RULES[n][1];
      const into = group[INLINE_SG_RULES[n][2]];
      const rules = r.properties[property];
      if (rules === undefined) {
        continue;
      }
      if (Array.isArray(rules)) {
        for (let i = 0; i < rules.length; i++) {
          const invalid = invalidSgRule(rules[i]);
          if (invalid !== undefined) {
            // EC2 rejects the group: the rule never exists, so it is judged by nothing but InvalidValue.
            model.invalid.push({ resource: r, problem: `${property}[${i}] ${invalid.problem}`, value: invalid.value });
            model.leftOut.push({ resource: r, problem: `${property}[${i}] ${invalid.problem}`, ownerKey: group.key, direction });
            continue;
          }
          readSgRules(r, group.key, direction, rules[i], into);
        }
      } else if (isIntrinsic(rules)) {
        // A list not known at synth (an undecided Fn::If, an import): its rules may admit anything.
        const text = `${property} ${describeValue(rules)}`;
        into.push({ resource: r, direction, groupKey: group.key, fromPort: 0, toPort: 65535, peer: { kind: 'unknown', text }, unknown: text });
      } else {
        model.invalid.push({ resource: r, problem: `${property} is ${describeValue(rules)}, not a list of rules: CloudFormation rejects the template` });
      }
    }
    if (r.properties.GroupDescription === undefined) {
      model.invalid.push({ resource: r, problem: 'GroupDescription is required on AWS::EC2::SecurityGroup: CloudFormation rejects the template' });
    }
    groups.set(group.key, group);
    model.securityGroups.push(group);
  }
  for (const [type, direction] of [['AWS::EC2::SecurityGroupIngress', 'ingress'], ['AWS::EC2::SecurityGroupEgress', 'egress']] as const) {
    for (const r of all(type)) {
      const groupId = r.properties.GroupId ?? r.properties.GroupName;
      const groupKey = target(r, groupId);
      const invalid = invalidSgRule(r.properties);
      if (invalid !== undefined) {
        // EC2 rejects the rule: it never exists, so it is judged by nothing but InvalidValue.
        model.invalid.push({ resource: r, problem: invalid.problem, value: invalid.value });
        model.leftOut.push({ resource: r, problem: invalid.problem, ownerKey: groupKey, direction });
        continue;
      }
      const rules = readSgRules(r, groupKey, direction, r.properties);
      const group = groups.get(groupKey);
      const defaultOf = defaultGroupVpcKey(groupId, r.stack.id);
      if (group) {
        (direction === 'ingress' ? group.ingress : group.egress).push(...rules);
      } else if (defaultOf && vpcs.has(defaultOf)) {
        vpcs.get(defaultOf)!.defaultGroupRules.push(...rules);
      } else {
        model.straySgRules.push(...rules);
      }
    }
  }

  // Load balancers and listeners.
  const lbs = new Map<string, LoadBalancerModel>();
  for (const r of all('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const lb: LoadBalancerModel = {
      resource: r,
      key: key(r),
      scheme: r.properties.Scheme ?? 'internet-facing',
      lbType: r.properties.Type ?? 'application',
      securityGroupKeys: asList(r.properties.SecurityGroups).map((g) => target(r, g)),
      listeners: [],
    };
    lbs.set(lb.key, lb);
    model.loadBalancers.push(lb);
  }
  for (const r of all('AWS::ElasticLoadBalancingV2::Listener')) {
    const listener: ListenerModel = {
      resource: r,
      loadBalancerKey: target(r, r.properties.LoadBalancerArn),
      port: literalInteger(r.properties.Port),
      protocol: r.properties.Protocol,
      sslPolicy: r.properties.SslPolicy,
      defaultActions: r.properties.DefaultActions,
    };
    if (isLiteralString(listener.sslPolicy) && !isPolicyName(listener.sslPolicy)) {
      model.invalid.push({ resource: r, problem: `SslPolicy '${listener.sslPolicy}' is not an Elastic Load Balancing security policy (they are named ELBSecurityPolicy-<...>-<YYYY>-<MM>)` });
    }
    const lb = lbs.get(listener.loadBalancerKey);
    if (lb) {
      lb.listeners.push(listener);
    } else {
      model.strayListeners.push(listener);
    }
  }

  // WAF: web ACLs, IP sets, rule groups, associations, logging, CloudFront distributions.
  const acls = new Map<string, WebAclModel>();
  for (const r of all('AWS::WAFv2::WebACL')) {
    const acl: WebAclModel = {
      resource: r,
      key: key(r),
      scope: r.properties.Scope,
      associations: [],
      loggingConfigurations: [],
      distributions: [],
      tree: WafWebAclTree.parse(r.properties),
    };
    acls.set(acl.key, acl);
    model.webAcls.push(acl);
    for (const problem of acl.tree.invalid) {
      model.invalid.push({ resource: r, problem: `${problem}: WAF rejects the web ACL`, value: problem });
    }
  }
  for (const r of all('AWS::WAFv2::IPSet')) {
    const addresses = r.properties.Addresses;
    if (Array.isArray(addresses) && addresses.every((a: Json) => isLiteralString(a))) {
      model.ipSets[r.key] = addresses;
      for (const problem of invalidIpSetAddresses(addresses, r.properties.IPAddressVersion)) {
        model.invalid.push({ resource: r, problem });
      }
    } else {
      model.unresolvedIpSets.set(r.key, describeValue(addresses));
    }
  }
  readWafRuleGroups(all('AWS::WAFv2::RuleGroup'), model);
  // Where WAF takes an ARN, a `Ref` to a WAFv2 resource gives its name|id|scope instead: WAF rejects it.
  const refNotArn = (r: ModelResource, property: string, value: Json) => {
    const problem = wafRefNotArn(model, value, r.stack.id, property);
    if (problem !== undefined) model.invalid.push({ resource: r, problem });
  };
  for (const owner of model.wafRuleOwners()) {
    const rules = owner.rules;
    if (isWafUnknown(rules)) continue;
    for (const rule of rules) {
      walkWafStatement(rule.statement, (node) => {
        if (node.type === 'IPSetReferenceStatement' || node.type === 'RuleGroupReferenceStatement' || node.type === 'RegexPatternSetReferenceStatement') {
          refNotArn(owner.resource, `rule '${rule.name}': ${node.type}.Arn`, node.arn);
        }
      });
    }
  }
  for (const r of all('AWS::WAFv2::WebACLAssociation')) {
    model.webAclAssociations.push(r);
    refNotArn(r, 'WebACLArn', r.properties.WebACLArn);
    acls.get(target(r, r.properties.WebACLArn))?.associations.push(r);
  }
  for (const r of all('AWS::WAFv2::LoggingConfiguration')) {
    refNotArn(r, 'ResourceArn', r.properties.ResourceArn);
    acls.get(target(r, r.properties.ResourceArn))?.loggingConfigurations.push(r);
  }
  for (const r of all('AWS::CloudFront::Distribution')) {
    const webAclId = r.properties.DistributionConfig?.WebACLId;
    if (webAclId !== undefined) {
      refNotArn(r, 'DistributionConfig.WebACLId', webAclId);
      acls.get(target(r, webAclId))?.distributions.push(r);
    }
  }

  // Network Firewall and the NAT gateways its idle timeout must agree with.
  linkFirewalls(all, model);

  // API Gateway REST stages, and the stage a deployment creates when it names one (StageName).
  for (const r of all('AWS::ApiGateway::Deployment')) {
    if (r.properties.StageName !== undefined) {
      model.apiStages.push({ resource: r, restApi: model.resources.get(target(r, r.properties.RestApiId)), stageName: r.properties.StageName });
    }
  }
  for (const r of all('AWS::ApiGateway::Stage')) {
    model.apiStages.push({
      resource: r,
      restApi: model.resources.get(target(r, r.properties.RestApiId)),
      stageName: r.properties.StageName,
    });
  }
  for (const r of all('AWS::ApiGatewayV2::Api')) {
    model.httpApis.push({ resource: r, protocolType: r.properties.ProtocolType });
  }
}

const DEFAULT_NACL_SUFFIX = '.DefaultNetworkAcl';

/** The key of the NACL a `NetworkAclId` names. A VPC's default NACL gets a key of its own, not its VPC's. */
function naclKeyOf(value: Json, stackId: string): string {
  const ref = referenceOf(value);
  return ref?.attribute === 'DefaultNetworkAcl' ? `${resourceKey(ref.stackId ?? stackId, ref.logicalId)}${DEFAULT_NACL_SUFFIX}` : targetKey(value, stackId);
}

/**
 * The keys of the NACL a NACL decision's resource stands for: its own, and for a VPC (whose default NACL's decisions
 * name the VPC) the default NACL's key, which entries on that NACL carry.
 */
export function naclKeysOf(resource: ModelResource): string[] {
  return resource.type === 'AWS::EC2::VPC' ? [resource.key, `${resource.key}${DEFAULT_NACL_SUFFIX}`] : [resource.key];
}

/** Whether the stack gives a VPC IPv6 addresses: `unresolved` when a block's `AmazonProvidedIpv6CidrBlock` is not known. */
type VpcIpv6 = 'none' | 'added' | 'unresolved';

/** What the stack's `AWS::EC2::VPCCidrBlock` resources do for IPv6, by VPC key. */
function vpcIpv6(blocks: readonly ModelResource[]): Map<string, VpcIpv6> {
  const byVpc = new Map<string, VpcIpv6>();
  for (const block of blocks) {
    const p = block.properties;
    const amazon = p.AmazonProvidedIpv6CidrBlock;
    const state: VpcIpv6 = amazon === true || amazon === 'true' || p.Ipv6CidrBlock !== undefined || p.Ipv6Pool !== undefined || p.Ipv6IpamPoolId !== undefined
      ? 'added'
      : amazon === undefined || amazon === false || amazon === 'false' ? 'none' : 'unresolved';
    const vpcKey = targetKey(p.VpcId, block.stack.id);
    const known = byVpc.get(vpcKey);
    if (known !== 'added' && state !== 'none') {
      byVpc.set(vpcKey, state);
    }
  }
  return byVpc;
}

/**
 * Gives each resolved entry of a sorted NACL its place among the entries of its direction and family (`index`, the
 * tie-break of a duplicate rule number in ./model-nacl's scopes), so that the scopes use the entries as they are
 * instead of a copy each. Each normalized entry is made for its own entry by {@link readNaclEntry}, which is
 * still being built here.
 */
function numberWithinScopes(nacl: NaclModel): void {
  const next = [0, 0, 0, 0];
  for (const e of nacl.entries) {
    const normalized = e.normalized;
    if (normalized !== undefined) {
      const scope = (normalized.direction === 'egress' ? 2 : 0) + (normalized.range.family === IpFamily.IPV6 ? 1 : 0);
      (normalized as { index: number }).index = next[scope]++;
    }
  }
}

/**
 * A VPC's default NACL with EC2's IPv4 entries: ALLOW all traffic in each direction, rule 100. Template entries refer
 * to it with `Fn::GetAtt`. Its IPv6 entries are added once every entry is read ({@link addBuiltInIpv6Entries}).
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html
 */
function defaultNacl(vpc: VpcModel, key: string): NaclModel {
  const entries = [false, true].map((egress) => builtInEntry(vpc.resource, key, { RuleNumber: 100, Egress: egress, CidrBlock: '0.0.0.0/0' }));
  return { resource: vpc.resource, key, vpcKey: vpc.key, entries, associations: [], defaultOfVpc: vpc.resource };
}

/**
 * EC2 adds an ALLOW of all IPv6 traffic (rule 101) to each direction of a default NACL when the VPC gets an IPv6
 * block, but not to a direction whose rules were changed before that. A stack that both gives the VPC IPv6 and adds
 * entries in a direction leaves the order to CloudFormation, so rule 101 in that direction is unknown, as it is in
 * a changed direction when whether the VPC gets IPv6 is unknown.
 */
function addBuiltInIpv6Entries(nacl: NaclModel, ipv6: VpcIpv6): void {
  if (ipv6 === 'none') {
    return;
  }
  for (const egress of [false, true]) {
    const changed = nacl.entries.some((e) => !e.builtIn && (e.egress === undefined || e.egress === egress));
    const entry = builtInEntry(nacl.resource, nacl.key, { RuleNumber: 101, Egress: egress, Ipv6CidrBlock: '::/0' });
    if (!changed) {
      // Rule 101 is there if the VPC gets IPv6; without IPv6 there is no IPv6 traffic for it to decide anyway.
      nacl.entries.push(entry);
      continue;
    }
    const why = ipv6 === 'unresolved'
      ? 'whether the VPC gets IPv6 addresses (AmazonProvidedIpv6CidrBlock is not known at synth)'
      : `the order in which CloudFormation adds the VPC's IPv6 block and this stack's ${egress ? 'outbound' : 'inbound'} entries`;
    nacl.entries.push({
      ...entry,
      normalized: undefined,
      unknown: `whether EC2 added its built-in IPv6 ALLOW-all rule 101 to the VPC's default NACL, which depends on ${why}: `
        + 'EC2 adds it only to a direction whose rules were not yet changed',
    });
  }
}

function builtInEntry(vpc: ModelResource, naclKey: string, properties: Json): NaclEntryModel {
  // Reported as the VPC: its path and construct are looked up only when a rule reports on the entry.
  const resource: ModelResource = {
    key: vpc.key,
    stack: vpc.stack,
    logicalId: vpc.logicalId,
    type: 'AWS::EC2::NetworkAclEntry',
    properties: { Protocol: -1, RuleAction: 'allow', ...properties },
    metadata: vpc.metadata,
    get path() {
      return vpc.path;
    },
    get cdkPath() {
      return vpc.cdkPath;
    },
  };
  return { ...readNaclEntry(resource), naclKey, builtIn: true };
}

function readNaclEntry(r: ModelResource): NaclEntryModel {
  const p = r.properties;
  const egress = naclEgress(p.Egress);
  const family = p.CidrBlock !== undefined ? IpFamily.IPV4 : p.Ipv6CidrBlock !== undefined ? IpFamily.IPV6 : undefined;
  const ruleNumber = literalInteger(p.RuleNumber);
  const naclKey = naclKeyOf(p.NetworkAclId, r.stack.id);
  try {
    const normalized = normalizeNaclEntry(p, 0);
    return { resource: r, naclKey, egress, family, ruleNumber, normalized };
  } catch (e) {
    return { resource: r, naclKey, egress, family, ruleNumber, unknown: (e as Error).message.replace(/^NACL entry #0 /, '') };
  }
}

/**
 * What makes a NACL entry one EC2 rejects, judged only on literal values (an intrinsic is unknown, not invalid):
 * a TCP or UDP entry needs a `PortRange` and an ICMP one an `Icmp`, ports go from 0 to 65535 with From <= To, rule
 * numbers from 1 to 32766, the action is allow or deny, and there is exactly one well-formed CIDR.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-networkaclentry.html
 */
export function invalidNaclEntry(p: Json): string | undefined {
  // Every NACL entry of the app passes here: no closure, table or list is made for one that is valid.
  const ruleNumber = literalInteger(p.RuleNumber);
  if (ruleNumber !== undefined && (ruleNumber < 1 || ruleNumber > 32766)) {
    return `RuleNumber ${ruleNumber} is outside 1-32766`;
  }
  // Lower-cased only when not written in lower case already (lower-casing makes a string per entry).
  const action = typeof p.RuleAction !== 'string' || p.RuleAction === 'allow' || p.RuleAction === 'deny' ? p.RuleAction : p.RuleAction.toLowerCase();
  if (typeof action === 'string' && action !== 'allow' && action !== 'deny') {
    return `RuleAction '${p.RuleAction}' is not allow or deny`;
  }
  if (p.CidrBlock !== undefined && p.Ipv6CidrBlock !== undefined) {
    return 'both CidrBlock and Ipv6CidrBlock are set; an entry takes exactly one';
  }
  if (p.CidrBlock === undefined && p.Ipv6CidrBlock === undefined) {
    return 'neither CidrBlock nor Ipv6CidrBlock is set; an entry takes exactly one';
  }
  const cidrProblem = notOfFamily('CidrBlock', p.CidrBlock, IpFamily.IPV4) ?? notOfFamily('Ipv6CidrBlock', p.Ipv6CidrBlock, IpFamily.IPV6);
  if (cidrProblem !== undefined) {
    return cidrProblem;
  }
  const protocol = literalInteger(p.Protocol);
  if (protocol === undefined) {
    return isLiteral(p.Protocol) ? `Protocol ${describeValue(p.Protocol)} is not a protocol number (-1 for all)` : undefined;
  }
  if (protocol < -1 || protocol > 255) {
    return `Protocol ${protocol} is not a protocol number (-1 for all, 0-255)`;
  }
  if (protocol === 6 || protocol === 17) {
    if (p.PortRange === undefined) {
      return `Protocol ${protocol} (${NACL_PROTOCOL_NAMES[protocol]}) needs a PortRange`;
    }
    if (isLiteral(p.PortRange) || Array.isArray(p.PortRange) || (p.PortRange?.From === undefined && p.PortRange?.To === undefined)) {
      return `PortRange ${describeValue(p.PortRange)} is not { From, To }`;
    }
    if (p.PortRange.From === undefined || p.PortRange.To === undefined) {
      return `PortRange needs both From and To (From ${describeValue(p.PortRange.From)}, To ${describeValue(p.PortRange.To)})`;
    }
    const from = literalInteger(p.PortRange?.From);
    const to = literalInteger(p.PortRange?.To);
    if (portOutside(from) || portOutside(to)) {
      return `PortRange ${describeValue(p.PortRange?.From)}-${describeValue(p.PortRange?.To)} is outside 0-65535`;
    }
    if (from !== undefined && to !== undefined && from > to) {
      return `PortRange ${from}-${to} is inverted (From > To)`;
    }
  }
  if ((protocol === 1 || protocol === 58) && (p.Icmp === undefined || isLiteral(p.Icmp) || Array.isArray(p.Icmp))) {
    return `Protocol ${protocol} (${NACL_PROTOCOL_NAMES[protocol]}) needs Icmp { Type, Code } (Type -1 and Code -1 for all), not ${describeValue(p.Icmp)}`;
  }
  return undefined;
}

function portOutside(port: number | undefined): boolean {
  return port !== undefined && (port < 0 || port > 65535);
}

const NACL_PROTOCOL_NAMES: Readonly<Record<number, string>> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };

/** A scalar written out, or nothing: what an invalid value can be (an intrinsic is unknown, not invalid). */
function isLiteral(v: Json): boolean {
  return v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Why a literal CIDR property is no CIDR of its family, or undefined. */
function notOfFamily(name: string, value: Json, family: IpFamily): string | undefined {
  if (!isLiteralString(value)) {
    return undefined;
  }
  const parsed = parseCidrNormalized(value);
  return typeof parsed === 'string' || parsed.family !== family ? `${name} '${value}' is not an ${familyText(family)} CIDR` : undefined;
}


function asList(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}
