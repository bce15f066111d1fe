import { analysableScopes, describeScopeEntry, directionName, familyName, naclName, OVER_CAP_FIX } from './nacl-scopes';
import { IpRange, mergeRanges } from '../../../private/ip';
import { describeRanges, MAX_EXACT_ENTRIES, missingRanges, NaclDirectionAnalysis, naclScopes, neverMatchesReason, TrafficClass } from '../../model/model-nacl';
import type { NormalizedNaclEntry } from '../../model/nacl-evaluator';
import { MAX_QUICK_PAIRS, returnsSurelyAllowed } from '../../model/nacl-quick';
import { LayeredDefenseRule, RuleContext, RuleFinding } from '../rule';

const TCP = 6;
const UDP = 17;

/**
 * Stateless return traffic: NACLs do not track connections, so a response needs its own ALLOW in the other
 * direction, to the peer, on the peer's ephemeral port range. For every ALLOW that admits a service (inbound,
 * or outbound for connections the subnet starts), the addresses it actually admits (after earlier entries) must
 * be allowed on every port of the ephemeral range in the other direction; the rest is reported, exactly.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
 */
export const NaclReturnTraffic: LayeredDefenseRule = {
  id: 'LayeredDefense-NaclReturnTraffic',
  level: 'error',
  layer: 'subnet',
  summary: 'A NACL allows a service in one direction but not the responses in the other direction on the ephemeral port range, so the responses are dropped.',
  why: 'NACLs are stateless: unlike a security group, a NACL does not let responses back automatically, so the connection the ALLOW was written for never completes.',
  fix: 'Add an ALLOW in the other direction for the same peers on the ephemeral range (1024-65535 unless you set ephemeralPortRange), numbered after your DENY entries',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const scopes = analysableScopes(model, context, 'return traffic');
    for (const scope of scopes) {
      const other = naclScopes(scope.nacl).find((s) => s.family === scope.family && s.direction !== scope.direction);
      if (other?.tooManyEntries !== undefined && other.unknownEntries.length === 0) {
        // The other direction is too large to judge exactly: each ALLOW here that a response must cross it for is
        // unverified, said on the entry (the other direction's "cannot verify" is on the NACL).
        for (const summary of scope.analysis!.summaries()) {
          const entry = summary.entry;
          if (entry.action === 'allow' && summary.decides > 0 && !isReturnEntry(entry, context) && (entry.protocol === -1 || entry.protocol === TCP || entry.protocol === UDP)) {
            context.cannotVerify(scope.siteOf(entry).resource,
              `whether responses to ${directionName(scope.direction)} ${familyName(scope.family)} ${describeScopeEntry(scope, entry)} are allowed back`,
              `${naclName(scope.nacl)}'s ${other.tooManyEntries} ${directionName(other.direction)} ${familyName(other.family)} entries are more than the `
                + `${MAX_EXACT_ENTRIES} this analysis judges exactly, and EC2 takes at most 40 per direction and family`, OVER_CAP_FIX);
          }
        }
        continue;
      }
      if (!other?.analysable) {
        continue; // the other direction has an unresolved entry, reported as cannot verify
      }
      if (returnsSurelyAllowedForAll(scope.ordered, other.ordered, context)) {
        continue; // shown without the exact analysis of either direction (./nacl-quick)
      }
      for (const summary of scope.analysis!.summaries()) {
        const entry = summary.entry;
        if (entry.action !== 'allow' || summary.decides === 0 || isReturnEntry(entry, context)) {
          continue;
        }
        // An all-protocols ALLOW admits TCP and UDP services alike; both need their responses allowed.
        for (const protocol of protocolsOf(entry)) {
          const allowed = other.analysis!.allowedForAllPorts(protocol, context.ephemeralFrom, context.ephemeralTo);
          // Nearly always every address the entry admits lies inside one allowed block (or it admits none): then
          // nothing is missing, and no range is made or subtracted. A block across two allowed ones is left to the
          // exact subtraction.
          if (scope.analysis!.decidesOnlyWithin(entry, classesOf(scope.analysis!, protocol), allowed)) {
            continue;
          }
          // Here the entry decides some address outside the allowed blocks: admitted is never empty.
          const admitted = admittedRanges(scope.analysis!, entry, protocol);
          const missing = missingRanges(admitted, allowed);
          if (missing.length === 0) {
            continue;
          }
          const back = scope.direction === 'ingress' ? 'egress' : 'ingress';
          const name = protocol === TCP ? 'tcp' : 'udp';
          findings.push({
            resource: scope.siteOf(entry).resource,
            message: `${directionName(scope.direction)} ${familyName(scope.family)} ${describeScopeEntry(scope, entry)} admits ${describeRanges(mergeRanges(admitted))}, `
              + `but ${directionName(back)} ${name} ${context.ephemeralFrom}-${context.ephemeralTo} ${back === 'egress' ? 'to' : 'from'} ${describeRanges(missing)} is not allowed, `
              + 'so the responses are dropped',
          });
        }
      }
    }
    return findings;
  },
};

/** The protocols whose responses an ALLOW needs back: TCP and UDP for an all-protocols ALLOW, else its own if TCP or UDP. */
function protocolsOf(entry: NormalizedNaclEntry): readonly number[] {
  return entry.protocol === -1 ? TCP_AND_UDP : entry.protocol === TCP ? ONLY_TCP : entry.protocol === UDP ? ONLY_UDP : NO_PROTOCOLS;
}

const TCP_AND_UDP: readonly number[] = [TCP, UDP];
const ONLY_TCP: readonly number[] = [TCP];
const ONLY_UDP: readonly number[] = [UDP];
const NO_PROTOCOLS: readonly number[] = [];

/**
 * True when the cheap test shows, for every ALLOW of the scope that admits a service, that its responses are
 * allowed back: then the scope has nothing to report. Entries that can never match admit nothing.
 */
function returnsSurelyAllowedForAll(ordered: readonly NormalizedNaclEntry[], back: readonly NormalizedNaclEntry[], context: RuleContext): boolean {
  if (ordered.length * back.length > MAX_QUICK_PAIRS) {
    return false;
  }
  for (let i = 0; i < ordered.length; i++) {
    const entry = ordered[i];
    if (entry.action !== 'allow' || isReturnEntry(entry, context) || neverMatchesReason(entry) !== undefined) {
      continue;
    }
    for (const protocol of protocolsOf(entry)) {
      if (!returnsSurelyAllowed(ordered, i, protocol, back, context.ephemeralFrom, context.ephemeralTo)) {
        return false;
      }
    }
  }
  return true;
}

/**
 * An ALLOW on a wide range above the well-known ports (the configured ephemeral range, or any span of at least
 * 10,000 ports from 1024 up, such as Linux's 32768-60999 or Windows' 49152-65535) is return traffic for the other
 * direction, not a service.
 */
export function isReturnEntry(entry: Pick<NormalizedNaclEntry, 'ports'>, context: Pick<RuleContext, 'ephemeralFrom' | 'ephemeralTo'>): boolean {
  const ports = entry.ports;
  if (ports === undefined || ports.from < 1024) {
    return false;
  }
  return (ports.from <= context.ephemeralFrom && ports.to >= context.ephemeralTo) || ports.to - ports.from + 1 >= 10000;
}

/**
 * The addresses the entry decides for `protocol` traffic, merged (for an all-protocols entry and a protocol no entry
 * names: the last class, "any other protocol", which stands for it).
 */
function admittedRanges(analysis: NaclDirectionAnalysis, entry: NormalizedNaclEntry, protocol: number): IpRange[] {
  return analysis.decidedRanges(entry, classesOf(analysis, protocol));
}

/** The classes of `protocol` traffic: its own, or the last ("any other protocol") when no entry names it. */
function classesOf(analysis: NaclDirectionAnalysis, protocol: number): (traffic: TrafficClass, index: number) => boolean {
  const named = analysis.classes.some((c) => c.traffic.protocol === protocol);
  const last = analysis.classes.length - 1;
  return (c, i) => c.traffic.protocol === protocol || (!named && i === last);
}
