// What a rule is, inside the library. Rules are pure functions of the network model: no construct traversal, no
// annotations; the front doors (aspect, nag pack) turn their findings into annotations or report entries.
import type { ModelResource, NetworkModel } from '../model/network-model';

/** The prefix of every rule id; also the cdk-nag pack name and the acknowledgement namespace. */
export const RULE_ID_PREFIX = 'LayeredDefense';

export type RuleLevel = 'error' | 'warning';

/** The defense layer a rule judges, outermost first (see AWS-FACTS.md "The four layers"). */
/** `paths`: rules that judge what the layers do together, on the paths a flow takes (../reachability). */
export type RuleLayer = 'application' | 'subnet' | 'virtual firewall' | 'network' | 'transmission' | 'audit' | 'paths' | 'model';

/** Where a finding points: the template resource that causes it (stack, logical id, path). */
export type FindingSite = ModelResource;

export interface RuleFinding {
  readonly resource: FindingSite;
  /** What is wrong, naming the values involved (no rule id, no fix: the front door adds them). */
  readonly message: string;
  /** A fix specific to this finding; the rule's `fix` otherwise. */
  readonly fix?: string;
}

/** What a rule needs besides the model: the user's options and a way to say "cannot verify". */
export interface RuleContext {
  /** NACL entries allowed per direction and family, the `*` deny included (20 by default, up to 40). */
  readonly naclEntryQuota: number;
  /** The ephemeral port range responses must be allowed on. */
  readonly ephemeralFrom: number;
  readonly ephemeralTo: number;
  /** The longest established-TCP idle timeout accepted on a workload reached directly from outside its VPC, in seconds. */
  readonly maxTcpEstablishedTimeoutSeconds: number;
  /** Every rule id of the registry (to judge acknowledgements that name a rule). */
  readonly ruleIds: ReadonlySet<string>;
  /**
   * Reports that this rule cannot judge a resource because a value is unknown at synth; `what` names the value.
   * `why` says why, when it is not that the value is unknown; `fix`, what to do, when it is not CannotVerify's fix
   * (use a literal, or review the value and acknowledge).
   * It becomes a `LayeredDefense-CannotVerify` warning: never a silent pass.
   */
  cannotVerify(resource: FindingSite, what: string, why?: string, fix?: string): void;
}

export interface LayeredDefenseRule {
  /** Stable id, `LayeredDefense-<Short>`. */
  readonly id: string;
  readonly level: RuleLevel;
  readonly layer: RuleLayer;
  /** The HIPAA Security Rule citation (45 CFR), where one applies. */
  readonly hipaa?: string;
  /** What it catches, one sentence. */
  readonly summary: string;
  /** Why it matters, one or two sentences. */
  readonly why: string;
  /** The fix, one line. */
  readonly fix: string;
  evaluate(model: NetworkModel, context: RuleContext): RuleFinding[];
}

/** The short form of a rule id (`NaclDenyShadowed` for `LayeredDefense-NaclDenyShadowed`). */
export function shortRuleId(id: string): string {
  return id.slice(RULE_ID_PREFIX.length + 1);
}
