// Network ACLs on a path: the exact first-match evaluator of ../model/nacl-evaluator over the NACL of a subnet, as a
// judgement of the remote address. NACLs are stateless: the response crosses them again, to the client's ephemeral
// port, and must be allowed for every port of the client's ephemeral range.
// @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
// @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
import { Decision, everywhere, IPV6_BASE, Judgement, MAX_ADDRESS, paint } from './decision';
import { IpFamily } from '../../ip/family';
import { maxAddress } from '../../private/ip';
import { MAX_EXACT_ENTRIES, OVER_CAP_FIX, scopeEntryCount } from '../model/model-nacl';
import { firstMatchPieces, NaclDirection, NormalizedNaclEntry, orderedEntries } from '../model/nacl-evaluator';
import type { NaclModel, NetworkModel } from '../model/network-model';
import type { RoutedSubnetModel } from '../model/routing';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** The NACL that guards a subnet: its association's, else its VPC's default NACL. */
export interface SubnetNacl {
  /** Undefined for a default NACL the model did not need to build (nothing refers to it): EC2's allow-all. */
  readonly nacl?: NaclModel;
  readonly subnet: RoutedSubnetModel;
  /** Set when the subnet's association names a NACL that is not in the app: names it. */
  readonly unknown?: string;
}

/** Per model, each subnet's NACL, read once: the model is read-only once built. */
const naclsOfSubnets = new WeakMap<NetworkModel, Map<string, SubnetNacl>>();

export function naclOfSubnet(model: NetworkModel, subnet: RoutedSubnetModel): SubnetNacl {
  let bySubnet = naclsOfSubnets.get(model);
  if (!bySubnet) {
    bySubnet = new Map();
    naclsOfSubnets.set(model, bySubnet);
  }
  let guard = bySubnet.get(subnet.key);
  if (!guard) {
    guard = readNaclOfSubnet(model, subnet);
    bySubnet.set(subnet.key, guard);
  }
  return guard;
}

function readNaclOfSubnet(model: NetworkModel, subnet: RoutedSubnetModel): SubnetNacl {
  const association = model.subnetNaclAssociations.find((a) => a.subnetKey === subnet.key);
  const nacl = association
    ? model.nacls.find((n) => n.key === association.naclKey)
    : model.nacls.find((n) => n.defaultOfVpc !== undefined && n.vpcKey === subnet.vpcKey);
  if (association && !nacl) {
    return { subnet, unknown: `the NACL of subnet ${subnet.resource.path} (${model.describeKey(association.naclKey)}) is not in the app: its entries are not known at synth` };
  }
  return { nacl, subnet };
}

/**
 * How a subnet's NACL judges packets of `protocol` to `ports` in one direction, by remote address. With several
 * ports (return traffic to the client's ephemeral range), an address passes only if every port passes.
 */
export function judgeNacl(
  guard: SubnetNacl, direction: NaclDirection, protocol: number, ports: PortRange, why: 'request' | 'return',
): Judgement {
  // The same judgement serves every flow that crosses this subnet's NACL this way (judgements are never mutated).
  let cache = judgements.get(guard);
  if (!cache) {
    cache = new Map();
    judgements.set(guard, cache);
  }
  const key = `${direction} ${protocol} ${ports.from} ${ports.to} ${why}`;
  let judgement = cache.get(key);
  if (!judgement) {
    judgement = judgeNaclOnce(guard, direction, protocol, ports, why);
    cache.set(key, judgement);
  }
  return judgement;
}

const judgements = new WeakMap<SubnetNacl, Map<string, Judgement>>();

function judgeNaclOnce(
  guard: SubnetNacl, direction: NaclDirection, protocol: number, ports: PortRange, why: 'request' | 'return',
): Judgement {
  const associationUnknown = guard.unknown;
  const { nacl, subnet } = guard;
  const side = direction === 'ingress' ? 'inbound' : 'outbound';
  const code = `NACL_${why === 'return' ? 'RETURN' : direction === 'ingress' ? 'INBOUND' : 'OUTBOUND'}`;
  if (associationUnknown) {
    return everywhere({ layer: 'nacl', verdict: 'unknown', code: `${code}_UNKNOWN`, resource: subnet.resource, message: associationUnknown });
  }
  if (!nacl) {
    // The default NACL allows all traffic in both directions (rule 100), and nothing in the app changed it.
    // @see https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html
    return everywhere({
      layer: 'nacl',
      verdict: 'allow',
      code: `${code}_DEFAULT_ALLOW`,
      resource: subnet.resource,
      entry: 'rule 100 (built in)',
      message: `subnet ${subnet.resource.path} uses its VPC's default NACL, which allows all ${side} traffic (rule 100)${why === 'return' ? ', the responses included' : ''}`,
    });
  }
  const entries = nacl.entries.filter((e) => e.normalized).map((e) => e.normalized!);
  let result: Judgement | undefined;
  // IPv4 entries judge IPv4 traffic only, IPv6 entries IPv6 traffic, each list with its own implicit deny.
  for (const family of [IpFamily.IPV4, IpFamily.IPV6]) {
    const base = family === IpFamily.IPV6 ? IPV6_BASE : 0n;
    const unknown = nacl.entries.filter((e) => !e.normalized && (e.egress === undefined || (e.egress ? 'egress' : 'ingress') === direction)
      && (e.family === undefined || e.family === family));
    const ordered = orderedEntries(entries, direction, family);
    const count = scopeEntryCount(nacl, direction, family);
    if (count > MAX_EXACT_ENTRIES) {
      // Far over what EC2 takes (NaclEntryQuota reports it): judged as unknown, not entry by entry for every port.
      const decision: Decision = {
        layer: 'nacl',
        verdict: 'unknown',
        code: `${code}_UNKNOWN`,
        resource: nacl.resource,
        message: `NACL ${nacl.resource.path} has ${count} ${side} ${family === IpFamily.IPV4 ? 'IPv4' : 'IPv6'} entries, `
          + `more than the ${MAX_EXACT_ENTRIES} this analysis judges exactly (EC2 takes at most 40 per direction and family)`,
        fix: OVER_CAP_FIX,
      };
      const judgement = paint(everywhere({ layer: 'nacl', verdict: 'allow', code, message: '' }), base, base + maxAddress(family), decision, () => true);
      result = result === undefined ? judgement : combineStrict(result, judgement);
      continue;
    }
    for (const port of portsToJudge(ordered, ports)) {
      const pieces = firstMatchPieces(ordered, family, { protocol, port });
      let judgement: Judgement = everywhere({ layer: 'nacl', verdict: 'allow', code, message: '' });
      for (const piece of pieces) {
        const decider = piece.decider;
        const shadowing = unknown.find((e) => e.ruleNumber === undefined || decider === undefined || e.ruleNumber < decider.ruleNumber);
        const decision: Decision = shadowing
          ? { layer: 'nacl', verdict: 'unknown', code: `${code}_UNKNOWN`, resource: shadowing.resource, entry: shadowing.ruleNumber !== undefined ? `rule ${shadowing.ruleNumber}` : undefined, message: `NACL ${nacl.resource.path}: ${shadowing.unknown}` }
          : naclDecision(nacl, subnet, decider, direction, side, code, protocol, port, ports, why);
        judgement = paint(judgement, piece.first + base, piece.last + base, decision, () => true);
      }
      result = result === undefined ? judgement : combineStrict(result, judgement);
    }
  }
  return result ?? everywhere({ layer: 'nacl', verdict: 'allow', code, message: '' });
}

function naclDecision(
  nacl: NaclModel, subnet: RoutedSubnetModel, decider: NormalizedNaclEntry | undefined, direction: NaclDirection, side: string,
  code: string, protocol: number, port: number, ports: PortRange, why: string,
): Decision {
  const what = why === 'return' ? `return traffic (${protocolName(protocol)} to the client's ephemeral port ${port}, of ${ports.from}-${ports.to})` : `${protocolName(protocol)} ${port}`;
  const name = nacl.defaultOfVpc ? `the default NACL of ${nacl.resource.path}` : `NACL ${nacl.resource.path}`;
  if (!decider) {
    return {
      layer: 'nacl',
      verdict: 'deny',
      code: `${code}_DENY`,
      resource: nacl.resource,
      entry: 'rule * (implicit deny)',
      message: `${name} of subnet ${subnet.resource.path} denies ${side} ${what}: no entry matches, so the implicit final deny (*) applies`,
    };
  }
  const verb = decider.action === 'allow' ? 'allows' : 'denies';
  return {
    layer: 'nacl',
    verdict: decider.action,
    code: `${code}_${decider.action.toUpperCase()}`,
    resource: nacl.resource,
    entry: `rule ${decider.ruleNumber}`,
    message: `${name} of subnet ${subnet.resource.path} ${verb} ${side} ${what} by ${direction} rule ${decider.ruleNumber}`,
  };
}

/** Every port where a matching entry's range starts or ends inside `ports`: between two of them, verdicts are equal. */
function portsToJudge(entries: readonly NormalizedNaclEntry[], ports: PortRange): number[] {
  const cuts = new Set<number>([ports.from]);
  for (const e of entries) {
    if (e.ports) {
      for (const p of [e.ports.from, e.ports.to + 1]) {
        if (p > ports.from && p <= ports.to) {
          cuts.add(p);
        }
      }
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

/** Pointwise: deny if either denies, unknown if either is unknown, else the first's allow (or the second's, where the first did not judge). */
function combineStrict(a: Judgement, b: Judgement): Judgement {
  let result = a;
  for (const piece of b) {
    if (piece.decision.verdict === 'allow') {
      // An allow with a reason fills what the other judgement left unjudged (the other family's half).
      result = paint(result, piece.first, piece.last, piece.decision, (d) => d.verdict === 'allow' && d.message === '' && piece.decision.message !== '');
      continue;
    }
    const worse = piece.decision.verdict === 'deny' ? (d: Decision) => d.verdict !== 'deny' : (d: Decision) => d.verdict === 'allow';
    result = paint(result, piece.first, piece.last, piece.decision, worse);
  }
  return result.length > 0 ? result : [{ first: 0n, last: MAX_ADDRESS, decision: b[0].decision }];
}

export function protocolName(protocol: number): string {
  return protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : `protocol ${protocol}`;
}
