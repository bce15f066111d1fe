import { Annotations, IAspect, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgementReason } from './acknowledgements';
import { checkStack } from './engine';
import { LayeredDefenseChecksProps } from './options';
import { RULES } from './registry';
import { ResolvedChecksOptions, resolveChecksOptions } from './resolve-options';
import { RULE_ID_PREFIX } from './rule';

/**
 * The layered-defense rules as a CDK aspect: a layer used for the wrong job, or used wrongly, fails `cdk synth`.
 *
 * For each stack it builds the network model once (NACLs, security groups, web ACLs, listeners, flow logs, from
 * the resolved L1 properties), evaluates every rule, and annotates the offending L1 resource. It does so in synth's
 * validation step, after every aspect has run (whatever its priority or the order it was added in), so resources
 * that other aspects add or change are judged as they will be deployed:
 * - an error finding becomes an error annotation (the CDK CLI fails synth; `Annotations.fromStack` sees it);
 * - a warning finding becomes an acknowledgeable warning (`addWarningV2` with the rule id);
 * - an acknowledged finding becomes an info annotation that records the reason.
 *
 * Acknowledge with `Validations.of(scope).acknowledge({ id: 'LayeredDefense::<ruleId>', reason })` on the resource
 * or any ancestor: the same acknowledgement works for `LayeredDefenseNagPack`.
 *
 * @example
 * import { LayeredDefenseChecks } from 'cdk-layered-defense';
 *
 * declare const app: App;
 * Aspects.of(app).add(new LayeredDefenseChecks());
 */
export class LayeredDefenseChecks implements IAspect {
  /** The namespace of acknowledgement ids: `LayeredDefense::LayeredDefense-<Short>`. */
  public static readonly ACKNOWLEDGEMENT_NAMESPACE = RULE_ID_PREFIX;

  /** The ids of every rule, in registry order (the same for both front doors). */
  public static ruleIds(): string[] {
    return RULES.map((r) => r.id);
  }

  /**
   * Acknowledges a rule on a construct and everything under it, with a reason, for both front doors. The same as
   * `Validations.of(scope).acknowledge({ id: 'LayeredDefense::' + ruleId, reason })`.
   *
   * @param scope the resource, or an ancestor of the resources, the acknowledgement covers
   * @param ruleId a rule id such as `LayeredDefense-NaclAllowlist`
   * @param reason why the finding does not apply here; required and shown in reports
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    if (!LayeredDefenseChecks.ruleIds().includes(ruleId)) {
      throw new Error(`${scope.node.path}: cannot acknowledge '${ruleId}': not a rule id; use one of ${LayeredDefenseChecks.ruleIds().join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(`${scope.node.path}: acknowledging ${ruleId} needs a reason that says why the finding does not apply`);
    }
    Validations.of(scope).acknowledge({ id: `${RULE_ID_PREFIX}::${ruleId}`, reason });
  }

  private readonly options: ResolvedChecksOptions;
  private readonly visited = new WeakSet<Stack>();
  private readonly judged = new WeakSet<Stack>();

  constructor(props: LayeredDefenseChecksProps = {}) {
    this.options = resolveChecksOptions('LayeredDefenseChecks', props, LayeredDefenseChecks.ruleIds());
  }

  /**
   * Registers the stack's check as a validation of the stack, which synth runs after every aspect (including those
   * added after this one or with a later priority, which may add or change resources) and after `prepare`, so the
   * stack is judged as it will be written. The annotations land in the assembly like any other.
   */
  public visit(node: IConstruct): void {
    if (!Stack.isStack(node) || this.visited.has(node)) {
      return;
    }
    this.visited.add(node);
    const stack = node;
    stack.node.addValidation({
      validate: () => {
        this.judge(stack);
        return [];
      },
    });
  }

  /** Checks the stack once (a second synth of the same app must not repeat its annotations). */
  private judge(stack: Stack): void {
    if (this.judged.has(stack)) {
      return;
    }
    this.judged.add(stack);
    for (const finding of checkStack(stack, this.options)) {
      const construct = finding.resource.construct;
      const reason = acknowledgementReason(construct, finding.ruleId);
      if (reason !== undefined) {
        Annotations.of(construct).addInfo(`${finding.text} Acknowledged: ${reason}`);
      } else if (finding.level === 'error') {
        Annotations.of(construct).addError(finding.text);
      } else {
        Annotations.of(construct).addWarningV2(finding.ruleId, finding.text);
      }
    }
  }
}
