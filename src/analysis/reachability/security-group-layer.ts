// Security groups on a path: a union of allows per peer (CIDR, prefix list, referenced group), stateful (the response
// is allowed whatever the rules say), judged on the destination's inbound rules and the initiator's outbound rules. A
// rule that references a group admits the primary private addresses of that group's members.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
// @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html
import { Decision, everywhere, Judgement, paint, toSpace } from './decision';
import { protocolName } from './nacl-layer';
import { IpFamily } from '../../ip/family';
import { describeKey, literalInteger, referenceOf, resourceKey } from '../model/model-values';
import type { NetworkModel, SecurityGroupModel } from '../model/network-model';
import type { ModelResource } from '../model/resource';
import { describeSgTraffic, SgDirection, SgRuleModel, withPrefixListsExpanded } from '../model/sg-rules';
import type { WorkloadModel } from '../model/workloads';

/** The groups that judge a workload's interfaces, as the model knows them. */
export interface GroupSet {
  readonly keys: string[];
  /** For each key, its group (undefined when the group is not in the app). */
  readonly groups: Array<{ readonly key: string; readonly group?: SecurityGroupModel; readonly defaultOfVpc?: string }>;
}

/**
 * A workload's groups. A workload created without groups is in its VPC's default security group, which the model
 * keys as its VPC (templates name it `Fn::GetAtt [Vpc, DefaultSecurityGroup]`).
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
 */
export function groupsOf(model: NetworkModel, workload: WorkloadModel, vpcKey: string | undefined): GroupSet {
  const keys = workload.groupKeys.length > 0 ? workload.groupKeys : vpcKey !== undefined ? [vpcKey] : [];
  return {
    keys,
    groups: keys.map((key) => {
      const group = model.securityGroup(key);
      const vpc = !group ? model.vpcs.find((v) => v.key === key) : undefined;
      return { key, group, defaultOfVpc: vpc?.key };
    }),
  };
}

interface Peer {
  /** Groups the peer is a member of (for group references); empty for an address without a workload. */
  readonly groupKeys: readonly string[];
  readonly description: string;
}

/**
 * How the groups judge packets of `protocol` to `port` from (ingress) or to (egress) each address: allowed where some
 * rule admits the address or the peer's group, unknown where a rule that could admit it is not known at synth, else
 * denied for want of a rule.
 */
export function judgeGroups(
  model: NetworkModel, owner: ModelResource, set: GroupSet, direction: SgDirection, protocol: number, port: number, peer: Peer,
): Judgement {
  const side = direction === 'ingress' ? 'inbound' : 'outbound';
  const code = direction === 'ingress' ? 'SG_INGRESS' : 'SG_EGRESS';
  const names = set.keys.map((k) => describeKey(k, (key) => model.resolveKey(key)?.path ?? (model.vpcs.find((v) => v.key === key) ? `the default security group of ${model.resolveKey(key)?.path}` : undefined)));
  const toFrom = direction === 'ingress' ? 'from' : 'to';
  let judgement: Judgement = everywhere({
    layer: 'security-group',
    verdict: 'deny',
    code: `${code}_NO_RULE`,
    resource: set.groups.find((g) => g.group)?.group?.resource ?? owner,
    message: `no ${side} rule of ${owner.path}'s security group${names.length === 1 ? '' : 's'} ${names.join(', ')} admits ${protocolName(protocol)} ${port} ${toFrom} ${peer.description}`,
  });
  const allow = (current: Decision) => current.verdict !== 'allow';
  // A prefix list named by its id, outside the app, is the usual way to admit a front door only (CloudFront's
  // origin-facing list): a value unknown for any other reason (an imported list id, an entry of the app's own list,
  // a CIDR, a group outside the app) says more, so it takes the place of such a list's, whatever the rule order.
  const prefixListUnknown = `${code}_PREFIX_LIST_UNKNOWN`;
  const unknown = (current: Decision) => current.verdict === 'deny';
  const otherUnknown = (current: Decision) => current.verdict === 'deny' || current.code === prefixListUnknown;
  for (const member of set.groups) {
    if (!member.group && !member.defaultOfVpc) {
      judgement = paint(judgement, 0n, judgement[judgement.length - 1].last, {
        layer: 'security-group',
        verdict: 'unknown',
        code: `${code}_GROUP_UNKNOWN`,
        resource: owner,
        message: `security group ${describeKey(member.key)} of ${owner.path} is not in the app: its rules are not known at synth`,
      }, otherUnknown);
      continue;
    }
    const unknowns: Array<{ resource: ModelResource; what: string }> = [];
    const ported = portedRulesOf(model, member, direction);
    // Only the rules for this traffic: an unknown entry of a prefix list on another port decides nothing here.
    const matching = ported.filter((r) => matchesTraffic(r, protocol, port));
    const expanded = withPrefixListsExpanded(matching, (k) => model.resolveKey(k), (resource, what) => unknowns.push({ resource, what }));
    for (const rule of expanded) {
      if (!matchesTraffic(rule, protocol, port)) {
        continue;
      }
      // A group peer reads as the group's path, not as the template's `Fn::GetAtt`.
      const peerText = rule.peer.kind === 'group' && rule.peer.groupKey ? describeKey(rule.peer.groupKey, (k) => model.resolveKey(k)?.path) : rule.peer.text;
      const entry = `${direction} ${describeSgTraffic(rule)} ${toFrom} ${peerText}`;
      const groupPath = member.group?.resource.path ?? `the default security group of ${model.resolveKey(member.key)?.path ?? member.key}`;
      if (rule.unknown || rule.peer.kind === 'unknown' || (rule.peer.kind === 'prefixList')) {
        const prefixList = rule.unknown === undefined && rule.peer.kind === 'prefixList' && rule.peer.prefixListKey?.startsWith('literal:') === true;
        const what = rule.unknown ?? (rule.peer.kind === 'prefixList' ? `prefix list ${rule.peer.text}, whose entries are not known at synth` : `its peer ${rule.peer.text} is not known at synth`);
        judgement = paint(judgement, 0n, judgement[judgement.length - 1].last, {
          layer: 'security-group',
          verdict: 'unknown',
          code: prefixList ? prefixListUnknown : `${code}_RULE_UNKNOWN`,
          resource: rule.resource,
          entry,
          message: `a rule of ${groupPath} may admit ${peer.description}: ${what}`,
        }, prefixList ? unknown : otherUnknown);
        continue;
      }
      const decision: Decision = {
        layer: 'security-group',
        verdict: 'allow',
        code: `${code}_ALLOW`,
        resource: rule.resource,
        entry,
        message: `${groupPath} admits ${side} ${protocolName(protocol)} ${port} ${toFrom} ${peer.description} by rule "${entry}"`,
      };
      if (rule.peer.kind === 'group') {
        if (peer.groupKeys.includes(rule.peer.groupKey!)) {
          judgement = paint(judgement, 0n, judgement[judgement.length - 1].last, decision, allow);
        }
      } else if (rule.peer.cidr) {
        // CidrIp admits IPv4 clients only, CidrIpv6 IPv6 clients only.
        const range = toSpace(rule.peer.cidr);
        judgement = paint(judgement, range.first, range.last, decision, allow);
      }
    }
    // Entries of the app's own prefix lists that are not known: not a front door's list.
    for (const u of unknowns) {
      judgement = paint(judgement, 0n, judgement[judgement.length - 1].last, {
        layer: 'security-group', verdict: 'unknown', code: `${code}_RULE_UNKNOWN`, resource: u.resource, message: `${u.what} is not known at synth`,
      }, otherUnknown);
    }
  }
  return judgement;
}

/**
 * A group's rules in one direction, with database ports read ({@link withDatabasePort}): the same for every port and
 * peer, so read once per model (a path is judged port range by port range, and a group may hold a thousand rules).
 */
function portedRulesOf(model: NetworkModel, member: GroupSet['groups'][number], direction: SgDirection): readonly SgRuleModel[] {
  let byGroup = portedRules.get(model);
  if (byGroup === undefined) {
    byGroup = new Map();
    portedRules.set(model, byGroup);
  }
  const key = `${direction} ${member.key}`;
  let ported = byGroup.get(key);
  if (ported === undefined) {
    ported = rulesOf(model, member, direction).map((r) => withDatabasePort(model, r));
    byGroup.set(key, ported);
  }
  return ported;
}

const portedRules = new WeakMap<NetworkModel, Map<string, readonly SgRuleModel[]>>();

/**
 * A group's rules in one direction. A group whose template sets no `SecurityGroupEgress` keeps the allow-all outbound
 * rule EC2 creates with it (standalone egress rules add to it); a VPC's default group admits its own members and
 * sends anywhere, unless CDK's restriction custom resource empties it.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
 */
function rulesOf(model: NetworkModel, member: GroupSet['groups'][number], direction: SgDirection): SgRuleModel[] {
  if (member.group) {
    const rules = direction === 'ingress' ? member.group.ingress : member.group.egress;
    if (direction === 'egress' && member.group.resource.properties.SecurityGroupEgress === undefined) {
      return [...rules, builtIn(member.group.resource, member.key, 'egress', { kind: 'cidr', text: '0.0.0.0/0 (EC2\'s default outbound rule)' })];
    }
    return rules;
  }
  const vpc = model.vpcs.find((v) => v.key === member.defaultOfVpc)!;
  const own = vpc.defaultGroupRules.filter((r) => r.direction === direction);
  if (vpc.defaultGroupRestrictions.length > 0) {
    return own;
  }
  const peer = direction === 'ingress'
    ? { kind: 'group' as const, groupKey: vpc.key, text: 'the default security group itself' }
    : { kind: 'cidr' as const, text: '0.0.0.0/0 (the default group\'s built-in rule)' };
  return [...own, builtIn(vpc.resource, vpc.key, direction, peer)];
}

function builtIn(resource: ModelResource, groupKey: string, direction: SgDirection, peer: { kind: 'cidr' | 'group'; groupKey?: string; text: string }): SgRuleModel {
  const cidr = peer.kind === 'cidr' ? { family: IpFamily.IPV4, first: 0n, last: 0xffffffffn, prefixLength: 0 } : undefined;
  return { resource, direction, groupKey, protocol: -1, fromPort: 0, toPort: 65535, peer: { ...peer, cidr } };
}

/**
 * CDK writes the port of a rule that admits clients to a database as the database's `Endpoint.Port`: known at synth
 * when the database sets `Port`, else its engine's default port.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#aws-resource-rds-dbinstance-return-values
 */
function withDatabasePort(model: NetworkModel, rule: SgRuleModel): SgRuleModel {
  const p = rule.resource.properties;
  if (!rule.unknown?.startsWith('FromPort/ToPort') || rule.resource.type === 'AWS::EC2::SecurityGroup' || rule.peer.kind === 'unknown') {
    return rule;
  }
  const from = databasePort(model, p.FromPort, rule.resource.stack.id);
  const to = databasePort(model, p.ToPort, rule.resource.stack.id);
  return from !== undefined && to !== undefined ? { ...rule, fromPort: from, toPort: to, unknown: undefined } : rule;
}

const ENGINE_PORTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/postgres/, 5432], [/mysql|mariadb|^aurora$/, 3306], [/^oracle/, 1521], [/^sqlserver/, 1433], [/^db2/, 50000],
];

function databasePort(model: NetworkModel, value: unknown, stackId: string): number | undefined {
  const literal = literalInteger(value);
  if (literal !== undefined) {
    return literal;
  }
  const ref = referenceOf(value);
  const db = ref?.attribute === 'Endpoint.Port' ? model.resolveKey(resourceKey(ref.stackId ?? stackId, ref.logicalId)) : undefined;
  if (!db || (db.type !== 'AWS::RDS::DBInstance' && db.type !== 'AWS::RDS::DBCluster')) {
    return undefined;
  }
  const port = literalInteger(db.properties.Port);
  if (port !== undefined || db.properties.Port !== undefined) {
    return port;
  }
  const engine = typeof db.properties.Engine === 'string' ? db.properties.Engine.toLowerCase() : undefined;
  return engine !== undefined ? ENGINE_PORTS.find(([pattern]) => pattern.test(engine))?.[1] : undefined;
}

function matchesTraffic(rule: SgRuleModel, protocol: number, port: number): boolean {
  if (rule.protocol === undefined) {
    return true; // unknown: judged as a rule that may admit (rule.unknown says why)
  }
  if (rule.protocol !== -1 && rule.protocol !== protocol) {
    return false;
  }
  return rule.protocol === -1 || (rule.fromPort <= port && port <= rule.toPort);
}

/**
 * The ports where a verdict of the groups on `protocol` may change: each rule's first port and the port after its
 * last (after a database's `Endpoint.Port` is resolved). Between two of them, every port gets the same rules.
 */
export function groupPortBoundaries(model: NetworkModel, set: GroupSet, direction: SgDirection, protocol: number): number[] {
  const cuts: number[] = [];
  for (const member of set.groups) {
    if (!member.group && !member.defaultOfVpc) {
      continue;
    }
    for (const rule of rulesOf(model, member, direction).map((r) => withDatabasePort(model, r))) {
      if (rule.protocol === protocol) {
        cuts.push(rule.fromPort, rule.toPort + 1);
      }
    }
  }
  return cuts;
}
