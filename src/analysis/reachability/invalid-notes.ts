// Values EC2 rejects on what judged a flow. The model leaves out a NACL entry or security group rule that EC2 refuses
// (it never exists), so a flow such a rule was written to allow comes out BLOCKED. An answer that is not REACHABLE
// says so, naming the value, instead of a bare "no rule admits" its author cannot explain. CDK-free.
import type { Decision } from './decision';
import { NetworkModel, ownerKeysOf } from '../model/network-model';

/**
 * Notes for the values EC2 rejects on the resources that blocked a flow or left it unknown (`decisions`), and on the
 * security groups of the workloads at its ends (`groupKeys`: a decision names one group of several).
 */
export function invalidValueNotes(model: NetworkModel, decisions: readonly Decision[], groupKeys: readonly string[]): string[] {
  if (model.invalid.length === 0) {
    return [];
  }
  const involved = new Set(groupKeys);
  for (const decision of decisions) {
    if (decision.resource !== undefined) {
      ownerKeysOf(decision.resource).forEach((key) => involved.add(key));
    }
  }
  const notes: string[] = [];
  for (const { resource, problem } of model.invalid) {
    if (ownerKeysOf(resource).some((key) => involved.has(key))) {
      notes.push(`${resource.path}: ${problem}. What EC2 rejects is not counted in this answer (the template cannot deploy as written)`);
    }
  }
  return notes;
}
