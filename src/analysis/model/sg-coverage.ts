// Which traffic a security group admits from every address of a family. A group is a union of allows, so
// "open to the internet" means the union of its CIDR rules covers the whole address space for some traffic; that
// catches 0.0.0.0/0 and ::/0 as well as the same space split into pieces (0.0.0.0/1 + 128.0.0.0/1).
import { SgRuleModel, TCP, UDP } from './sg-rules';
import { IpFamily } from '../../ip/family';
import { countAddresses, IpRange, maxAddress, mergeRanges } from '../../private/ip';

/** Traffic open to everyone: protocol -1 (all traffic), TCP/UDP with a port interval, or another protocol. */
export interface OpenTraffic {
  readonly protocol: number;
  readonly from: number;
  readonly to: number;
}

/** The rules with an exact CIDR peer of the family and a resolved protocol and ports. */
export function cidrRules(rules: readonly SgRuleModel[], family: IpFamily): SgRuleModel[] {
  return rules.filter((r) => r.unknown === undefined && r.peer.kind === 'cidr' && r.peer.cidr!.family === family && r.protocol !== undefined);
}

/** The union of the rules' peer ranges (merged). */
export function peerUnion(rules: readonly SgRuleModel[]): IpRange[] {
  return mergeRanges(rules.map((r) => r.peer.cidr!));
}

/** The traffic the rules admit from every address of the family, with adjacent port intervals merged. */
export function openToEveryone(rules: readonly SgRuleModel[], family: IpFamily): OpenTraffic[] {
  const own = cidrRules(rules, family);
  const whole = maxAddress(family) + 1n;
  const covers = (rs: readonly SgRuleModel[]) => rs.length > 0 && countAddresses(peerUnion(rs), family) === whole;
  const allProtocols = own.filter((r) => r.protocol === -1);
  if (covers(allProtocols)) {
    return [{ protocol: -1, from: 0, to: 65535 }];
  }
  const open: OpenTraffic[] = [];
  for (const protocol of [TCP, UDP]) {
    const rs = own.filter((r) => r.protocol === protocol);
    const cuts = new Set<number>([0, 65536]);
    for (const r of rs) {
      cuts.add(Math.max(0, Math.min(65536, r.fromPort)));
      cuts.add(Math.max(0, Math.min(65536, r.toPort + 1)));
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const from = sorted[i];
      const to = sorted[i + 1] - 1;
      const covering = [...allProtocols, ...rs.filter((r) => r.fromPort <= from && to <= r.toPort)];
      if (!covers(covering)) {
        continue;
      }
      const last = open[open.length - 1];
      if (last && last.protocol === protocol && last.to + 1 === from) {
        open[open.length - 1] = { protocol, from: last.from, to };
      } else {
        open.push({ protocol, from, to });
      }
    }
  }
  const others = new Set(own.map((r) => r.protocol!).filter((p) => p !== -1 && p !== TCP && p !== UDP));
  for (const protocol of [...others].sort((a, b) => a - b)) {
    if (covers([...allProtocols, ...own.filter((r) => r.protocol === protocol)])) {
      open.push({ protocol, from: 0, to: 65535 });
    }
  }
  return open;
}

/** Removes single TCP ports (443, and 80 where allowed) from open traffic. */
export function withoutTcpPorts(open: readonly OpenTraffic[], ports: readonly number[]): OpenTraffic[] {
  let result = [...open];
  for (const port of ports) {
    const next: OpenTraffic[] = [];
    for (const o of result) {
      if (o.protocol !== TCP || port < o.from || port > o.to) {
        next.push(o);
        continue;
      }
      if (o.from < port) {
        next.push({ ...o, to: port - 1 });
      }
      if (port < o.to) {
        next.push({ ...o, from: port + 1 });
      }
    }
    result = next;
  }
  return result;
}
