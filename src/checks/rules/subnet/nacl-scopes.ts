import { IpFamily } from '../../../ip/family';
import { NaclScope, naclScopes } from '../../../model/model-nacl';
import type { NetworkModel } from '../../../model/network-model';
import type { RuleContext } from '../../rule';

/**
 * Every analysable NACL scope of the model. A scope with an unresolved entry cannot be judged exactly (the
 * entry may decide anything), so each unresolved entry is reported as "cannot verify" and the scope is skipped.
 */
export function analysableScopes(model: NetworkModel, context: RuleContext, what: string): NaclScope[] {
  const result: NaclScope[] = [];
  for (const nacl of model.nacls) {
    for (const scope of naclScopes(nacl)) {
      if (scope.analysis) {
        if (scope.analysis.ordered.length > 0) {
          result.push(scope);
        }
        continue;
      }
      for (const entry of scope.unknownEntries) {
        context.cannotVerify(entry.resource, `${what} of ${scope.direction} ${familyName(scope.family)} entries (${entry.unknown})`);
      }
    }
  }
  return result;
}

export function familyName(family: IpFamily): string {
  return family === IpFamily.IPV4 ? 'IPv4' : 'IPv6';
}

export function directionName(direction: 'ingress' | 'egress'): string {
  return direction === 'ingress' ? 'inbound' : 'outbound';
}
