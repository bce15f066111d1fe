// What the path rules share: the app's reachability model and exposure analysis, built once per model (and per
// ephemeral range) however many path rules run, and the phrases their findings use.
import type { NetworkModel } from '../../model/network-model';
import type { Decision } from '../../reachability/decision';
import type { ReachabilityModel } from '../../reachability/explain';
import { DataStoreExposure, describeRanges, sharedReachability, SourceExposure } from '../../reachability/exposure';
import type { RuleContext } from '../rule';

export function reachabilityFor(model: NetworkModel, context: RuleContext): { model: ReachabilityModel; exposure: () => DataStoreExposure[] } {
  return sharedReachability(model, { ephemeralPorts: { from: context.ephemeralFrom, to: context.ephemeralTo } });
}

/** `tcp 5432 (admitted by App/DbGroup "ingress tcp 5432 from 0.0.0.0/0")`. */
export function reachablePhrase(source: SourceExposure): string {
  const admitting = unique(source.ranges.filter((r) => r.verdict === 'REACHABLE').flatMap((r) => r.decisions.map(describeDecision)));
  return `${describeRanges(source, 'REACHABLE')} (admitted by ${admitting.slice(0, 3).join('; ')})`;
}

/** The values unknown at synth that leave a source's answer open, and on which ports. */
/**
 * Why a path rule cannot verify a path: the reasons {@link unknownPhrase} names are not all unknown values (a NACL
 * may be too large to judge exactly), so not the engine's "the value is not known".
 */
export const PATH_NOT_JUDGED = 'the path is not judged, for the reasons named';

export function unknownPhrase(source: SourceExposure): string {
  const values = unique(source.ranges.filter((r) => r.verdict === 'UNKNOWN').flatMap((r) => r.decisions.map((d) => d.message)));
  return `on ${describeRanges(source, 'UNKNOWN')} (${values.slice(0, 3).join('; ')}${values.length > 3 ? `; and ${values.length - 3} more` : ''})`;
}

/**
 * The fix of a path rule's "cannot verify" for `source`: the fix its unknown decisions give, when every one gives one
 * (a NACL too large to judge: bring it within the quota); undefined (CannotVerify's) when any is a value unknown at synth.
 */
export function unknownFix(source: SourceExposure): string | undefined {
  const decisions = source.ranges.filter((r) => r.verdict === 'UNKNOWN').flatMap((r) => r.decisions);
  if (decisions.length === 0 || decisions.some((d) => d.fix === undefined)) {
    return undefined;
  }
  return unique(decisions.map((d) => d.fix!)).join('; ');
}

function describeDecision(d: Decision): string {
  const where = d.resource?.path ?? d.layer;
  return d.entry ? `${where} "${d.entry}"` : `${where}: ${d.message}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
