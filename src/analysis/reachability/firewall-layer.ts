// Network Firewall on a routed path: a flow whose route goes to a firewall endpoint is judged by the firewall's policy,
// as the engine runs it: the stateless engine first (its default actions; stateless rules are not evaluated and make
// the hop unknown), then the stateful engine, in strict order (groups by priority, rules as written, then the stateful
// default actions) or in default action order (pass rules first, then drop and reject). Domain lists decide on the
// TLS SNI or the HTTP Host, which a port-level query cannot know: without a domain in the query such a rule makes the
// hop unknown, naming the rule group. They generate `tls` and `http` rules, which match TCP flows only, and only for
// the list's TargetTypes: a UDP flow is never judged by them, and a TCP flow is judged once as TLS and once as HTTP
// (a port does not say which); when the two answers differ the hop is unknown. Suricata rules are evaluated on their header (protocol, addresses, ports,
// direction, `flow:` direction) when every other keyword is one that does not look at content; otherwise the hop is
// unknown, naming the rule. AWS managed rule groups judge signatures the model cannot see: a note names them. CDK-free.
// @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-policy-processing.html
// @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html
// @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
import { AddressInterval, Decision, IPV6_BASE, Judgement, MAX_ADDRESS, MAX_IPV4 } from './decision';
import { protocolName } from './nacl-layer';
import { IpFamily } from '../../ip/family';
import { parseCidrOrReason } from '../../private/ip';
import { lookupTable } from '../../private/lookup-table';
import {
  DROP_TO_ALERT, FirewallModel, FirewallPolicyModel, literalStringList, ruleGroupContents, ruleOrderOf, statefulDefaults, STRICT_ORDER,
} from '../model/firewall-model';
import { describeValue, isLiteralString, Json, literalStrings, referencedKeys } from '../model/model-values';
import type { NetworkModel } from '../model/network-model';
import type { ModelResource } from '../model/resource';
import type { RouteModel, RoutingModel } from '../model/routing';
import { parseRulesString } from '../model/suricata-rules';

/** A flow as a firewall endpoint sees it. */
export interface FirewallFlow {
  readonly protocol: number;
  readonly port: number;
  /** `outbound`: from the inside end to the remote address; `inbound`: from the remote address to the inside end. */
  readonly direction: 'outbound' | 'inbound';
  /** The inside end's addresses (the subnet the flow comes from or goes to, after any NAT). */
  readonly inside: AddressInterval;
  /** The TLS SNI or HTTP Host the client sends, when the query names one. */
  readonly domain?: string;
}

/** What a route to a VPC endpoint leads to: a firewall of the app, or something the model cannot judge (named). */
export function firewallOfRoute(model: NetworkModel, route: RouteModel): { firewall?: FirewallModel; unknown?: string } | undefined {
  if (route.targetKind !== 'vpc-endpoint') {
    return undefined;
  }
  const value = route.resource.properties.VpcEndpointId;
  const keys = referencedKeys(value, route.resource.stack.id);
  const firewall = model.firewalls.find((f) => keys.has(f.key));
  if (firewall) {
    return { firewall };
  }
  const endpoint = [...keys].map((k) => model.resolveKey(k)).find((r) => r?.type === 'AWS::EC2::VPCEndpoint');
  if (endpoint && endpoint.properties.VpcEndpointType === 'GatewayLoadBalancer') {
    return { unknown: `gateway load balancer endpoint ${endpoint.path}: the appliances behind it decide, which the model cannot see` };
  }
  return { unknown: `VPC endpoint ${describeValue(value)}, which is not a firewall of the app` };
}

/**
 * The firewall subnet a route's traffic enters: the firewall's subnet mapping in the AZ of the subnet that routes to
 * it (each AZ has its own endpoint), or its only mapping.
 */
export function firewallSubnetKey(firewall: FirewallModel, routing: RoutingModel, fromAz: Json): string | undefined {
  const mappings = Array.isArray(firewall.resource.properties.SubnetMappings) ? firewall.resource.properties.SubnetMappings : [];
  const keys: string[] = mappings.map((m: Json) => targetKeyOf(m?.SubnetId, firewall.resource));
  const sameAz = keys.filter((k) => {
    const subnet = routing.subnets.get(k);
    // Subnets of one AZ name it with the same value (a literal, or the same `Fn::Select` over `Fn::GetAZs`).
    return subnet !== undefined && fromAz !== undefined && JSON.stringify(subnet.availabilityZone) === JSON.stringify(fromAz);
  });
  return sameAz.length === 1 ? sameAz[0] : keys.length === 1 ? keys[0] : undefined;
}

function targetKeyOf(value: Json, r: ModelResource): string {
  const keys = [...referencedKeys(value, r.stack.id)];
  return keys.length === 1 ? keys[0] : `literal:${describeValue(value)}`;
}

type Tri = 'yes' | 'no' | 'unknown';
/** What a TCP flow carries, as far as domain lists care: a TLS handshake (SNI) or an HTTP request (Host). */
type Application = 'tls' | 'http';

interface EvaluableRule {
  readonly action: string;
  readonly group: ModelResource;
  readonly text: string;
  /**
   * Whether the rule matches the flow with the remote address at `remote`, when the TCP flow carries `application`
   * (TLS or HTTP: only domain list rules look at it).
   */
  readonly matches: (remote: bigint, application: Application) => { match: Tri; why?: string };
  /** Domain list rules decide on the TLS SNI / HTTP Host. */
  readonly appLayer?: boolean;
}

/**
 * How a firewall's policy judges a flow, by remote address.
 */
export function judgeFirewall(
  model: NetworkModel, routing: RoutingModel, firewall: FirewallModel, flow: FirewallFlow,
): { judgement: Judgement; notes: string[] } {
  const notes: string[] = [];
  const name = `firewall ${firewall.resource.path}`;
  const constant = (decision: Decision) => ({ judgement: [{ first: 0n, last: MAX_ADDRESS, decision }], notes });
  const unknown = (message: string, resource: ModelResource = firewall.resource, entry?: string): Decision =>
    ({ layer: 'firewall', verdict: 'unknown', code: 'FIREWALL_UNKNOWN', resource, entry, message: `${name}: ${message}` });
  const policy = model.firewallPolicies.find((p) => p.key === firewall.policyKey);
  if (!policy) {
    return constant(unknown(`its policy ${describeValue(firewall.resource.properties.FirewallPolicyArn)} is not in the app: its rules are not known at synth`));
  }
  const body = policy.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return constant(unknown(`the policy ${policy.resource.path} (FirewallPolicy ${describeValue(body)}) is not known at synth`, policy.resource));
  }

  // The stateless engine: its default actions decide every packet no stateless rule matches.
  // @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateless-default-actions.html
  for (const reference of policy.statelessGroups) {
    const contents = reference.group ? ruleGroupContents(reference.group) : undefined;
    if (!contents || contents.unknown !== undefined || contents.stateless.length > 0) {
      return constant(unknown(`stateless rule group ${reference.group?.resource.path ?? describeValue(reference.resourceArn)} may pass or drop the flow before the stateful engine sees it; stateless rules are not evaluated`, reference.group?.resource ?? policy.resource));
    }
  }
  const stateless = literalStringList(body.StatelessDefaultActions);
  if (!stateless) {
    return constant(unknown(`the stateless default actions (StatelessDefaultActions ${describeValue(body.StatelessDefaultActions)}) are not known at synth`, policy.resource));
  }
  if (stateless.includes('aws:drop')) {
    return constant({ layer: 'firewall', verdict: 'deny', code: 'FIREWALL_STATELESS_DROP', resource: policy.resource, entry: 'StatelessDefaultActions aws:drop', message: `${name} drops every packet no stateless rule matches (stateless default aws:drop)` });
  }
  if (stateless.includes('aws:pass')) {
    notes.push(`${name} passes packets by its stateless default (aws:pass): its stateful rules never see them`);
    return constant({ layer: 'firewall', verdict: 'allow', code: 'FIREWALL_STATELESS_PASS', resource: policy.resource, entry: 'StatelessDefaultActions aws:pass', message: `${name} passes the flow by its stateless default action aws:pass, without stateful inspection` });
  }
  if (!stateless.includes('aws:forward_to_sfe')) {
    return constant(unknown(`the stateless default actions ${stateless.join(', ')} name no pass, drop or forward action`, policy.resource));
  }

  // The stateful engine.
  const order = ruleOrderOf(policy);
  if (order === undefined) {
    return constant(unknown(`the stateful rule order (StatefulEngineOptions.RuleOrder ${describeValue(body.StatefulEngineOptions?.RuleOrder)}) is not known at synth`, policy.resource));
  }
  const defaults = statefulDefaults(policy);
  if (!defaults.actions) {
    return constant(unknown(`${defaults.unknown} are not known at synth`, policy.resource));
  }
  const strict = order === STRICT_ORDER;
  const drops = defaults.actions.filter((a) => DROP_TO_ALERT[a] !== undefined);
  const dropStrict = strict && drops.includes('aws:drop_strict') && flow.protocol === 6;
  const policyHome = variableDefinition(body.PolicyVariables?.RuleVariables?.HOME_NET);
  const vpcHome = routing.vpcCidrs(firewall.vpcKey).map((c) => ({ first: c.first, last: c.last }));
  const rules: EvaluableRule[] = [];
  const cuts = new Set<bigint>([0n]);
  const failures: Decision[] = [];
  const references = strict ? orderedByPriority(policy) : policy.statefulGroups.map((g, i) => ({ reference: g, priority: i }));
  if (references === undefined) {
    return constant(unknown('a stateful rule group reference has a Priority not known at synth', policy.resource));
  }
  const managed: string[] = [];
  for (const { reference } of references) {
    if (reference.awsManaged) {
      managed.push(literalStrings(reference.resourceArn).join('').replace(/^.*\//, ''));
      continue;
    }
    const group = reference.group;
    if (!group) {
      failures.push(unknown(`stateful rule group ${describeValue(reference.resourceArn)} is not in the app: its rules are not known at synth`, policy.resource));
      continue;
    }
    const variables = group.resource.properties.RuleGroup?.RuleVariables?.IPSets ?? {};
    const home = variableDefinition(variables.HOME_NET) ?? policyHome ?? { ranges: vpcHome };
    if (home.unknown) {
      failures.push(unknown(`HOME_NET of ${group.resource.path} (${home.unknown}) is not known at synth`, group.resource));
      continue;
    }
    const portVariables = group.resource.properties.RuleGroup?.RuleVariables?.PortSets ?? {};
    const context: RuleContext = { flow, home: home.ranges!, variables, portVariables };
    for (const range of home.ranges!) {
      cuts.add(range.first);
      cuts.add(range.last + 1n);
    }
    const source = group.rulesSource;
    if (source?.RulesSourceList !== undefined) {
      rules.push(...domainListRules(group.resource, source.RulesSourceList, context, strict));
      continue;
    }
    const contents = ruleGroupContents(group);
    if (contents.unknown !== undefined) {
      failures.push(unknown(`${contents.unknown} of ${group.resource.path} is not known at synth`, group.resource));
      continue;
    }
    const lines: Array<{ action: string; header: readonly string[]; keywords: ReadonlySet<string>; flowValue?: string; text: string }> = [];
    if (isLiteralString(source?.RulesString)) {
      const parsed = parseRulesString(source.RulesString);
      for (const line of parsed.unreadable) {
        failures.push(unknown(`rule "${line}" of ${group.resource.path} cannot be read`, group.resource, line));
      }
      for (const rule of parsed.rules) {
        lines.push({ action: rule.action, header: rule.header!, keywords: rule.keywords, flowValue: /(?:^|[;(\s])flow\s*:\s*([^;]*);/.exec(rule.text)?.[1], text: rule.text });
      }
    }
    for (const rule of Array.isArray(source?.StatefulRules) ? source.StatefulRules : []) {
      const h = rule?.Header ?? {};
      const options = Array.isArray(rule?.RuleOptions) ? rule.RuleOptions : [];
      const flowOption = options.find((o: Json) => String(o?.Keyword).toLowerCase() === 'flow');
      lines.push({
        action: String(rule?.Action).toLowerCase(),
        header: [String(rule?.Action), String(h.Protocol), String(h.Source), String(h.SourcePort), h.Direction === 'ANY' ? '<>' : '->', String(h.Destination), String(h.DestinationPort)],
        keywords: new Set(options.map((o: Json) => String(o?.Keyword).toLowerCase())),
        flowValue: Array.isArray(flowOption?.Settings) ? flowOption.Settings.join(',') : undefined,
        text: `${rule?.Action} ${h.Protocol} ${h.Source} ${h.SourcePort} ${h.Direction === 'ANY' ? '<>' : '->'} ${h.Destination} ${h.DestinationPort}`,
      });
    }
    for (const line of lines) {
      for (const spec of [line.header[2], line.header[5]]) {
        for (const range of literalRanges(spec)) {
          cuts.add(range.first);
          cuts.add(range.last + 1n);
        }
      }
      rules.push({ action: line.action, group: group.resource, text: line.text, matches: suricataMatcher(line, context) });
    }
  }
  if (managed.length > 0) {
    notes.push(`${name}: AWS managed rule groups ${managed.join(', ')} judge threat signatures the model cannot see, and may still drop the flow`);
  }
  if (failures.length > 0) {
    return constant(failures[0]);
  }
  if (dropStrict && rules.some((r) => r.appLayer && r.action === 'pass')) {
    notes.push(`${name}: aws:drop_strict drops the TCP handshake before any TLS SNI or HTTP Host is seen, so its domain pass rules never match`);
  }
  const domainGroups = [...new Set(rules.filter((r) => r.appLayer).map((r) => r.group.path))];
  if (flow.protocol !== 6 && domainGroups.length > 0) {
    notes.push(`${name}: the domain lists of ${domainGroups.join(', ')} generate TLS (SNI) and HTTP (Host) rules, which match TCP flows only: they do not judge this ${protocolName(flow.protocol)} flow`);
  }
  const decide = (remote: bigint): Decision => {
    const asTls = decideStateful(name, policy, rules, remote, strict, drops, dropStrict, flow, 'tls');
    if (flow.protocol !== 6 || domainGroups.length === 0) {
      return asTls;
    }
    // A port-level query does not say whether the TCP flow is TLS or HTTP, and a list whose TargetTypes name only one
    // of them generates no rules for the other: judge both, and answer only what both agree on.
    const asHttp = decideStateful(name, policy, rules, remote, strict, drops, dropStrict, flow, 'http');
    if (asTls.verdict === 'unknown' || (asTls.verdict === asHttp.verdict && asTls.entry === asHttp.entry)) {
      return asTls;
    }
    if (asHttp.verdict === 'unknown') {
      return asHttp;
    }
    const tail = (d: Decision) => d.message.slice(name.length);
    if (asTls.verdict === asHttp.verdict) {
      return { ...asTls, message: `${asTls.message} if it is TLS; if it is HTTP,${tail(asHttp)}` };
    }
    const deny = asTls.verdict === 'deny' ? asTls : asHttp;
    return {
      layer: 'firewall',
      verdict: 'unknown',
      code: 'FIREWALL_DOMAIN_UNKNOWN',
      resource: deny.resource,
      entry: deny.entry,
      message: `${name}: whether the ${protocolName(flow.protocol)} ${flow.port} flow is TLS or HTTP decides, which a port-level query cannot say (a domain list generates rules only for its TargetTypes): as TLS,${tail(asTls)}; as HTTP,${tail(asHttp)}`,
    };
  };
  const starts = [...cuts].filter((c) => c <= MAX_IPV4).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const judgement: Judgement = starts.map((first, i) => ({
    first,
    last: i + 1 < starts.length ? starts[i + 1] - 1n : MAX_IPV4,
    decision: decide(first),
  }));
  judgement.push({ first: IPV6_BASE, last: MAX_ADDRESS, decision: unknown('IPv6 flows through a firewall are not evaluated yet', policy.resource) });
  return { judgement, notes };
}

function decideStateful(
  name: string, policy: FirewallPolicyModel, rules: readonly EvaluableRule[], remote: bigint, strict: boolean, drops: readonly string[],
  dropStrict: boolean, flow: FirewallFlow, application: Application,
): Decision {
  const what = `${protocolName(flow.protocol)} ${flow.port}${flow.domain !== undefined ? ` (${flow.domain})` : ''}`;
  const decided = (rule: EvaluableRule): Decision => (rule.action === 'pass'
    ? { layer: 'firewall', verdict: 'allow', code: 'FIREWALL_PASS', resource: rule.group, entry: rule.text, message: `${name} passes ${what} by "${rule.text}" of ${rule.group.path}` }
    : { layer: 'firewall', verdict: 'deny', code: 'FIREWALL_DROP', resource: rule.group, entry: rule.text, message: `${name} ${rule.action === 'drop' ? 'drops' : 'rejects'} ${what} by "${rule.text}" of ${rule.group.path}` });
  const undecided = (rule: EvaluableRule, why: string): Decision => ({
    layer: 'firewall', verdict: 'unknown', code: rule.appLayer ? 'FIREWALL_DOMAIN_UNKNOWN' : 'FIREWALL_RULE_UNKNOWN', resource: rule.group, entry: rule.text, message: `${name}: "${rule.text}" of ${rule.group.path} may decide ${what}: ${why}`,
  });
  const phases: Array<(r: EvaluableRule) => boolean> = strict
    ? [(r) => r.action !== 'alert']
    // Default action order: every pass rule first, then drop, then reject, whatever group holds them.
    : [(r) => r.action === 'pass', (r) => r.action === 'drop', (r) => r.action.startsWith('reject')];
  for (const inPhase of phases) {
    for (const rule of rules) {
      if (!inPhase(rule) || (dropStrict && rule.appLayer)) {
        continue;
      }
      const { match, why } = rule.matches(remote, application);
      if (match === 'yes') {
        return decided(rule);
      }
      if (match === 'unknown') {
        return undecided(rule, why ?? 'not known at synth');
      }
    }
  }
  if (strict && drops.length > 0) {
    // aws:drop_established drops every packet of an established connection no rule passed: the flow carries nothing.
    return { layer: 'firewall', verdict: 'deny', code: 'FIREWALL_DEFAULT_DROP', resource: policy.resource, entry: drops.join(', '), message: `${name} drops ${what}: no stateful rule passes it, and the policy's default action is ${drops.join(', ')}` };
  }
  return { layer: 'firewall', verdict: 'allow', code: 'FIREWALL_NO_MATCH', resource: policy.resource, entry: strict ? 'no drop default' : 'default action order', message: `${name} lets ${what} through: no stateful rule matches it, and ${strict ? 'the policy has no drop default action' : 'under default action order unmatched traffic passes'}` };
}

function orderedByPriority(policy: FirewallPolicyModel) {
  const entries = Array.isArray(policy.body?.StatefulRuleGroupReferences) ? policy.body.StatefulRuleGroupReferences : [];
  const withPriority = policy.statefulGroups.map((reference, i) => ({ reference, priority: entries[i]?.Priority }));
  if (withPriority.some((g) => typeof g.priority !== 'number')) {
    return undefined;
  }
  return withPriority.sort((a, b) => a.priority - b.priority);
}

interface RuleContext {
  readonly flow: FirewallFlow;
  readonly home: readonly AddressInterval[];
  readonly variables: Record<string, Json>;
  readonly portVariables: Record<string, Json>;
}

/**
 * The rules a domain list generates. Network Firewall turns the list into Suricata `tls` rules on the SNI (TargetTypes
 * TLS_SNI) and `http` rules on the Host header (HTTP_HOST); both are application-layer protocols over TCP, so the
 * generated rules never match a UDP flow, and a list of one target type never matches the other protocol. An allowlist
 * passes those flows from HOME_NET to a listed domain; a leading dot matches the domain and its subdomains. For an
 * allowlist, "traffic of the specified protocol type that doesn't match the domain specifications is denied": under
 * default action order it also drops the flows of its target types it does not list; under strict order it creates no
 * drop rules (the default actions decide). A denylist drops the listed domains.
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
 * @see https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_RulesSourceList.html (TargetTypes: TLS_SNI for HTTPS, HTTP_HOST for HTTP)
 * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/suricata-rule-evaluation-order.html
 */
function domainListRules(group: ModelResource, list: Json, context: RuleContext, strict: boolean): EvaluableRule[] {
  const type = list?.GeneratedRulesType;
  const targets = literalStringList(list?.Targets);
  const targetTypes = literalStringList(list?.TargetTypes);
  const inspects: Record<Application, boolean> = { tls: targetTypes?.includes('TLS_SNI') ?? false, http: targetTypes?.includes('HTTP_HOST') ?? false };
  const text = `domain list ${type} ${Array.isArray(targets) ? targets.join(', ') : describeValue(list?.Targets)}`;
  const fromHome = context.flow.direction === 'outbound' && contains(context.home, context.flow.inside);
  const listed = (domain: string) => targets!.some((t) => (t.startsWith('.') ? domain === t.slice(1) || domain.endsWith(t) : domain === t));
  const matcher = (wantListed: boolean) => (_remote: bigint, application: Application): { match: Tri; why?: string } => {
    // `tls` and `http` rules match TCP flows only: a UDP flow (DNS on 53, QUIC on 443) is never matched by them.
    if (!fromHome || context.flow.protocol !== 6) {
      return { match: 'no' };
    }
    if (!targets || !isLiteralString(type)) {
      return { match: 'unknown', why: 'its targets or type are not known at synth' };
    }
    if (!targetTypes) {
      return { match: 'unknown', why: `its TargetTypes ${describeValue(list?.TargetTypes)} are not known at synth` };
    }
    if (!inspects[application]) {
      return { match: 'no' };
    }
    if (context.flow.domain === undefined) {
      return { match: 'unknown', why: 'it decides on the TLS SNI or HTTP Host, which a port-level query cannot know (give the query a domain)' };
    }
    return { match: listed(context.flow.domain.toLowerCase()) === wantListed ? 'yes' : 'no' };
  };
  if (type === 'ALLOWLIST') {
    const rules: EvaluableRule[] = [{ action: 'pass', group, text, matches: matcher(true), appLayer: true }];
    if (!strict) {
      const flows = inspects.tls && inspects.http ? 'TLS and HTTP' : inspects.tls ? 'TLS' : inspects.http ? 'HTTP' : 'TLS or HTTP';
      rules.push({ action: 'drop', group, text: `${text} (drops the ${flows} flows it does not list)`, matches: matcher(false), appLayer: true });
    }
    return rules;
  }
  if (type === 'DENYLIST') {
    return [{ action: 'drop', group, text, matches: matcher(true), appLayer: true }];
  }
  return [{ action: 'drop', group, text, matches: () => ({ match: 'unknown', why: `GeneratedRulesType ${describeValue(type)} is not ALLOWLIST or DENYLIST` }), appLayer: true }];
}

/** Option keywords that do not look at content, so a rule with only these is judged on its header. */
const HEADER_ONLY_KEYWORDS = new Set(['msg', 'sid', 'rev', 'gid', 'flow', 'classtype', 'metadata', 'priority', 'reference']);
const TRANSPORT = lookupTable<Record<string, number | undefined>>({ tcp: 6, udp: 17, ip: undefined });

function suricataMatcher(
  rule: { header: readonly string[]; keywords: ReadonlySet<string>; flowValue?: string }, context: RuleContext,
): (remote: bigint) => { match: Tri; why?: string } {
  const [, protocolText, src, srcPort, direction, dst, dstPort] = rule.header;
  const protocol = protocolText.toLowerCase();
  const extra = [...rule.keywords].filter((k) => !HEADER_ONLY_KEYWORDS.has(k));
  const flowValues = (rule.flowValue ?? '').split(',').map((v) => v.trim().toLowerCase());
  const toServerOnly = flowValues.some((v) => v === 'to_server' || v === 'from_client');
  const toClientOnly = flowValues.some((v) => v === 'to_client' || v === 'from_server');
  const { flow } = context;
  return (remote) => {
    if (protocol === 'icmp' || protocol === 'icmpv6' || (protocol in TRANSPORT && TRANSPORT[protocol] !== undefined && TRANSPORT[protocol] !== flow.protocol)) {
      return { match: 'no' };
    }
    if (!(protocol in TRANSPORT)) {
      return { match: 'unknown', why: `it matches the application-layer protocol ${protocol}, which the model cannot see` };
    }
    if (extra.length > 0) {
      return { match: 'unknown', why: `its keywords ${extra.join(', ')} look at content the model cannot see` };
    }
    const remoteRange = { first: remote, last: remote };
    const client = flow.direction === 'outbound' ? flow.inside : remoteRange;
    const server = flow.direction === 'outbound' ? remoteRange : flow.inside;
    // The request (client -> server, to the service port) and the response (server -> client, to the client's port).
    const packets: Array<{ from: AddressInterval; fromPort?: number; to: AddressInterval; toPort?: number; toServer: boolean }> = [
      { from: client, to: server, toPort: flow.port, toServer: true },
      { from: server, fromPort: flow.port, to: client, toServer: false },
    ];
    const results: Tri[] = [];
    for (const packet of packets) {
      if ((toServerOnly && !packet.toServer) || (toClientOnly && packet.toServer)) {
        continue;
      }
      const forward = and([
        addressMatch(src, packet.from, context), portMatch(srcPort, packet.fromPort, context),
        addressMatch(dst, packet.to, context), portMatch(dstPort, packet.toPort, context),
      ]);
      const backward = direction === '<>'
        ? and([
          addressMatch(src, packet.to, context), portMatch(srcPort, packet.toPort, context),
          addressMatch(dst, packet.from, context), portMatch(dstPort, packet.fromPort, context),
        ])
        : 'no';
      results.push(or([forward, backward]));
    }
    const match = or(results);
    return match === 'unknown' ? { match, why: 'an address or port of its header is not known at synth (a variable, a client port, or only part of the subnet matches)' } : { match };
  };
}

function and(values: readonly Tri[]): Tri {
  return values.includes('no') ? 'no' : values.includes('unknown') ? 'unknown' : 'yes';
}

function or(values: readonly Tri[]): Tri {
  return values.includes('yes') ? 'yes' : values.includes('unknown') ? 'unknown' : 'no';
}

/** Whether every, no, or only some address of `range` matches a Suricata address spec. */
function addressMatch(spec: string, range: AddressInterval, context: RuleContext): Tri {
  const ranges = addressSpec(spec.trim(), context);
  if (ranges === undefined) {
    return 'unknown';
  }
  if (contains(ranges, range)) {
    return 'yes';
  }
  return ranges.some((r) => r.first <= range.last && range.first <= r.last) ? 'unknown' : 'no';
}

/** The addresses a spec names (IPv4), or undefined when it names a variable the model does not know. */
function addressSpec(spec: string, context: RuleContext): AddressInterval[] | undefined {
  if (spec === 'any') {
    return [{ first: 0n, last: MAX_IPV4 }];
  }
  if (spec.startsWith('!')) {
    const inner = addressSpec(spec.slice(1), context);
    return inner === undefined ? undefined : complement(inner);
  }
  if (spec.startsWith('[') && spec.endsWith(']')) {
    const parts = splitList(spec.slice(1, -1)).map((p) => addressSpec(p, context));
    return parts.some((p) => p === undefined) ? undefined : parts.flat() as AddressInterval[];
  }
  if (spec === '$HOME_NET') {
    return [...context.home];
  }
  if (spec === '$EXTERNAL_NET') {
    // Suricata's EXTERNAL_NET is !$HOME_NET unless a rule group defines it.
    return context.variables.EXTERNAL_NET !== undefined ? variableRanges('EXTERNAL_NET', context) : complement(context.home);
  }
  if (spec.startsWith('$')) {
    return variableRanges(spec.slice(1), context);
  }
  const parsed = parseCidrOrReason(spec, { normalizeHostBits: true });
  if (typeof parsed === 'string') {
    return undefined;
  }
  return parsed.family === IpFamily.IPV4 ? [{ first: parsed.first, last: parsed.last }] : [];
}

function variableRanges(name: string, context: RuleContext): AddressInterval[] | undefined {
  const definition = variableDefinition(context.variables[name]);
  return definition?.ranges;
}

function variableDefinition(variable: Json): { ranges?: AddressInterval[]; unknown?: string } | undefined {
  if (variable === undefined) {
    return undefined;
  }
  const definition = literalStringList(variable?.Definition);
  if (!definition) {
    return { unknown: describeValue(variable?.Definition) };
  }
  const ranges: AddressInterval[] = [];
  for (const text of definition) {
    const parsed = parseCidrOrReason(text, { normalizeHostBits: true });
    if (typeof parsed === 'string') {
      return { unknown: text };
    }
    if (parsed.family === IpFamily.IPV4) {
      ranges.push({ first: parsed.first, last: parsed.last });
    }
  }
  return { ranges };
}

/** Literal CIDRs in an address spec, where the rules' answers can change. */
function literalRanges(spec: string): AddressInterval[] {
  return (spec.match(/[0-9.]+\/\d+|\d+\.\d+\.\d+\.\d+/g) ?? []).flatMap((text) => {
    const parsed = parseCidrOrReason(text, { normalizeHostBits: true });
    return typeof parsed === 'string' || parsed.family !== IpFamily.IPV4 ? [] : [{ first: parsed.first, last: parsed.last }];
  });
}

/** Whether a port spec matches a port; an undefined port is the client's ephemeral port, which only `any` surely matches. */
function portMatch(spec: string, port: number | undefined, context: RuleContext): Tri {
  const text = spec.trim();
  if (text === 'any') {
    return 'yes';
  }
  if (port === undefined) {
    return 'unknown';
  }
  if (text.startsWith('!')) {
    const inner = portMatch(text.slice(1), port, context);
    return inner === 'yes' ? 'no' : inner === 'no' ? 'yes' : 'unknown';
  }
  if (text.startsWith('[') && text.endsWith(']')) {
    return or(splitList(text.slice(1, -1)).map((p) => portMatch(p, port, context)));
  }
  if (text.startsWith('$')) {
    const definition = literalStringList(context.portVariables[text.slice(1)]?.Definition);
    return definition ? or(definition.map((p) => portMatch(p, port, context))) : 'unknown';
  }
  const range = /^(\d*):(\d*)$/.exec(text);
  if (range) {
    const from = range[1] === '' ? 0 : Number(range[1]);
    const to = range[2] === '' ? 65535 : Number(range[2]);
    return from <= port && port <= to ? 'yes' : 'no';
  }
  return /^\d+$/.test(text) ? (Number(text) === port ? 'yes' : 'no') : 'unknown';
}

function splitList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

function contains(ranges: readonly AddressInterval[], range: AddressInterval): boolean {
  // Ranges may overlap or touch: walk the covered stretch from range.first.
  let next = range.first;
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  for (const r of sorted) {
    if (r.first <= next && r.last >= next) {
      next = r.last + 1n;
      if (next > range.last) {
        return true;
      }
    }
  }
  return next > range.last;
}

function complement(ranges: readonly AddressInterval[]): AddressInterval[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: AddressInterval[] = [];
  let next = 0n;
  for (const r of sorted) {
    if (r.first > next) {
      out.push({ first: next, last: r.first - 1n });
    }
    if (r.last + 1n > next) {
      next = r.last + 1n;
    }
  }
  if (next <= MAX_IPV4) {
    out.push({ first: next, last: MAX_IPV4 });
  }
  return out;
}
