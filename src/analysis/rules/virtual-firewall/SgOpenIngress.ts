import { IpFamily } from '../../../ip/family';
import type { LoadBalancerModel, NetworkModel } from '../../model/network-model';
import { cidrRules, openToEveryone, OpenTraffic, withoutTcpPorts } from '../../model/sg-coverage';
import { describeProtocolPorts, SgRuleModel, TCP, withPrefixListsExpanded } from '../../model/sg-rules';
import { redirectsToHttps } from '../../model/tls-listeners';
import { LayeredDefenseRule, RuleContext, RuleFinding } from '../rule';

/**
 * Ingress open to every address (0.0.0.0/0 or ::/0, or pieces whose union is the whole space) on anything but
 * HTTPS. Port 80 passes only on a load balancer group where every port-80 listener redirects to HTTPS. IPv6 is
 * judged like IPv4: cdk-nag's EC2RestrictedCommonPorts misses `::/0`. A peer that is a prefix list of this stack
 * is judged by its entries.
 */
export const SgOpenIngress: LayeredDefenseRule = {
  id: 'LayeredDefense-SgOpenIngress',
  level: 'error',
  layer: 'virtual firewall',
  hipaa: '164.312(e)(1)',
  summary: 'A security group admits every IPv4 or IPv6 address on a port other than 443 (or 80 where every listener on it redirects to HTTPS).',
  why: 'Security groups should allow known sources to known ports; a port open to the whole internet exposes the service to every scanner and attacker, over IPv6 as much as IPv4.',
  fix: 'Allow only the sources that need the port (a peer security group, a prefix list or a known CIDR), or put the service behind an HTTPS load balancer',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const group of model.securityGroups) {
      const ingress = withPrefixListsExpanded(group.ingress, (key) => model.resolveKey(key), context.cannotVerify);
      judge(findings, context, group.resource, ingress, () => port80Allowed(model, group.key), NO_PREFIX);
    }
    // Standalone rules on a group outside this stack (an imported group): a group is a union of allows, so its
    // rules are judged together (0.0.0.0/1 in one rule and 128.0.0.0/1 in another is open to everyone).
    const strayByGroup = new Map<string, SgRuleModel[]>();
    const strayIngress = model.straySgRules.filter((r) => r.direction === 'ingress');
    for (const rule of withPrefixListsExpanded(strayIngress, (key) => model.resolveKey(key), context.cannotVerify)) {
      strayByGroup.set(rule.groupKey, [...(strayByGroup.get(rule.groupKey) ?? []), rule]);
    }
    for (const [groupKey, rules] of strayByGroup) {
      // Built only for a finding: reading paths matches constructs to logical ids, which is not free.
      const where = () => {
        const others = [...new Set(rules.map((r) => r.resource.path))].filter((path) => path !== rules[0].resource.path);
        return `security group ${model.describeKey(groupKey)}${others.length > 0 ? ` (with the rules of ${others.join(', ')})` : ''}: `;
      };
      judge(findings, context, rules[0].resource, rules, () => port80Allowed(model, groupKey), where);
    }
    return findings;
  },
};

/**
 * Adds to `findings` those for the traffic the rules admit from everyone. Each finding sits on the resource whose
 * rules open it: a standalone `AWS::EC2::SecurityGroupIngress` (in this stack or another) when its rules alone do,
 * else `site` (the group, or the first stray rule), naming the other resources whose rules add up to it.
 */
function judge(
  findings: RuleFinding[], context: RuleContext, site: SgRuleModel['resource'], rules: readonly SgRuleModel[], allow80: () => boolean, where: () => string,
): void {
  for (const rule of rules) {
    // Only a CIDR (or a peer not known at all) can admit everyone: a group or prefix-list peer never does, whatever
    // its protocol and ports, so its unknown port (the RDS idiom's token) changes no verdict here.
    if (rule.unknown !== undefined && (rule.peer.kind === 'cidr' || rule.peer.kind === 'unknown')) {
      context.cannotVerify(rule.resource, `an ingress rule (${rule.unknown})`);
    }
  }
  for (let f = 0; f < FAMILIES.length; f++) {
    const family = FAMILIES[f];
    const everyone = EVERYONE[f];
    // Whether port 80 may stay open is asked only of a group that admits everyone on something but HTTPS.
    const everything = openToEveryone(rules, family);
    const open = everything.length === 0 || (everything.length === 1 && isOnlyHttps(everything[0])) ? NOTHING
      : withoutTcpPorts(everything, allow80() ? HTTPS_AND_HTTP : HTTPS);
    if (open.length === 0) {
      continue;
    }
    const bySite = new Map<SgRuleModel['resource'], { traffic: string[]; others: Set<string> }>();
    for (const o of open) {
      const contributors = [...new Set(cidrRules(rules, family)
        .filter((r) => r.protocol === -1 || (r.protocol === o.protocol && r.fromPort <= o.to && o.from <= r.toPort))
        .map((r) => r.resource))];
      const at = contributors.length === 1 ? contributors[0] : site;
      const entry = bySite.get(at) ?? { traffic: [], others: new Set<string>() };
      entry.traffic.push(describeProtocolPorts(o.protocol, o.from, o.to));
      contributors.filter((r) => r !== at).forEach((r) => entry.others.add(r.path));
      bySite.set(at, entry);
    }
    for (const [at, { traffic, others }] of bySite) {
      const prefix = at === site ? where() : '';
      const withOthers = others.size > 0 ? ` (with the rules of ${[...others].join(', ')})` : '';
      findings.push({ resource: at, message: `${prefix}ingress from every ${family === IpFamily.IPV4 ? 'IPv4' : 'IPv6'} address (${everyone}) is allowed on ${traffic.join(', ')}${withOthers}` });
    }
  }
}


const FAMILIES = [IpFamily.IPV4, IpFamily.IPV6] as const;
const EVERYONE = ['0.0.0.0/0', '::/0'] as const;
const HTTPS: readonly number[] = [443];
const HTTPS_AND_HTTP: readonly number[] = [443, 80];
const NOTHING: readonly OpenTraffic[] = [];
/** A group's findings name no other resource first. */
const NO_PREFIX = (): string => '';

/** TCP 443 alone: what every group may open to everyone. */
function isOnlyHttps(open: OpenTraffic): boolean {
  return open.protocol === TCP && open.from === 443 && open.to === 443;
}

/** Port 80 is fine on a load balancer's group when every load balancer using it redirects every port-80 listener to HTTPS. */
function port80Allowed(model: NetworkModel, groupKey: string): boolean {
  const lbs = loadBalancersByGroup(model).get(groupKey) ?? [];
  return lbs.length > 0 && lbs.every((lb) => {
    const on80 = lb.listeners.filter((l) => l.port === 80);
    return on80.length > 0 && on80.every(redirectsToHttps);
  });
}

const lbIndex = new WeakMap<NetworkModel, { readonly count: number; readonly byGroup: Map<string, LoadBalancerModel[]> }>();

/** The load balancers using each group, once per model: asked per group, a scan of every load balancer grows with the square of the app. */
function loadBalancersByGroup(model: NetworkModel): Map<string, LoadBalancerModel[]> {
  const cached = lbIndex.get(model);
  if (cached !== undefined && cached.count === model.loadBalancers.length) {
    return cached.byGroup;
  }
  const byGroup = new Map<string, LoadBalancerModel[]>();
  for (const lb of model.loadBalancers) {
    for (const groupKey of new Set(lb.securityGroupKeys)) {
      const list = byGroup.get(groupKey);
      if (list === undefined) {
        byGroup.set(groupKey, [lb]);
      } else {
        list.push(lb);
      }
    }
  }
  lbIndex.set(model, { count: model.loadBalancers.length, byGroup });
  return byGroup;
}
