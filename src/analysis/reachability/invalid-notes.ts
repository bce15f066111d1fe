// Security group rules and NACL entries that never exist, as CloudFormation or EC2 rejects them (the model leaves
// them out), where they could have changed a flow's answer: a rule written to allow the flow would otherwise just be
// missing from a BLOCKED. CDK-free.
import type { Decision } from './decision';
import { naclKeysOf, NetworkModel } from '../model/network-model';

/** The groups of the workloads at a flow's ends: the destination's ingress rules and the source's egress rules judge it. */
export interface FlowEnds {
  readonly destinationGroupKeys: readonly string[];
  readonly sourceGroupKeys: readonly string[];
}

/**
 * Notes for the left-out rules and entries (see `NetworkModel.leftOut`) of what blocked a flow or left it unknown
 * (`decisions`: a group's rules of the direction that decided, a NACL's entries), and of the groups at its ends (a
 * decision names one group of several).
 */
export function invalidValueNotes(model: NetworkModel, decisions: readonly Decision[], ends: FlowEnds): string[] {
  if (model.leftOut.length === 0) {
    return [];
  }
  const wanted = new Map<string, Set<string>>();
  const want = (key: string, what: string) => wanted.set(key, (wanted.get(key) ?? new Set()).add(what));
  for (const decision of decisions) {
    if (decision.resource === undefined) {
      continue;
    }
    if (decision.layer === 'security-group') {
      want(decision.resource.key, decision.code.startsWith('SG_EGRESS') ? 'egress' : 'ingress');
    } else if (decision.layer === 'nacl') {
      naclKeysOf(decision.resource).forEach((key) => want(key, 'entry'));
    }
  }
  ends.destinationGroupKeys.forEach((key) => want(key, 'ingress'));
  ends.sourceGroupKeys.forEach((key) => want(key, 'egress'));
  const notes: string[] = [];
  for (const { resource, problem, ownerKey, direction } of model.leftOut) {
    if (wanted.get(ownerKey)?.has(direction ?? 'entry')) {
      notes.push(`${resource.path}: ${problem}. It never exists, so this answer leaves it out (the template cannot deploy as written)`);
    }
  }
  return notes;
}
