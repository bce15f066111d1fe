// One way to acknowledge a finding, for both front doors: `Validations.of(scope).acknowledge({ id, reason })`.
// aws-cdk-lib records each acknowledgement as construct metadata (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`,
// data `{ '<namespace>::<ruleId>': reason }`), and cdk-nag 3 and the synth-time validation report read it from the
// resource or any ancestor. The aspect reads the same metadata, so an acknowledgement works whichever front door
// the app uses.
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RULE_ID_PREFIX } from '../analysis/rules/rule';

/**
 * The reason an acknowledgement gives for `ruleId` on the construct or its nearest acknowledging ancestor, or
 * undefined. Accepts `LayeredDefense::<ruleId>` (the namespaced form the validation report matches) and the bare
 * `<ruleId>` (stored as `Annotation::<ruleId>`, which cdk-nag also honours).
 */
export function acknowledgementReason(construct: IConstruct, ruleId: string): string | undefined {
  const accepted = new Set([`${RULE_ID_PREFIX}::${ruleId}`, `Annotation::${ruleId}`, `annotation::${ruleId}`, ruleId]);
  let current: IConstruct | undefined = construct;
  while (current) {
    for (const entry of current.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data || typeof entry.data !== 'object') {
        continue;
      }
      for (const [id, reason] of Object.entries<unknown>(entry.data)) {
        if (accepted.has(id)) {
          return String(reason);
        }
      }
    }
    current = current.node.scope;
  }
  return undefined;
}
