import { Annotations, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgementReason } from './acknowledgements';
import { CdkAppTemplates, stackIdOf } from './cdk-app-templates';
import { ACKNOWLEDGEMENT_METADATA_KEY, CheckFinding, checkStacks } from '../analysis/engine';
import { LayeredDefenseChecksProps } from '../analysis/options';
import { ResolvedChecksOptions, resolveChecksOptions } from '../analysis/resolve-options';
import { RULES } from '../analysis/rules/registry';
import { RULE_ID_PREFIX } from '../analysis/rules/rule';

/**
 * The layered-defense rules as a CDK aspect: a layer used for the wrong job, or used wrongly, fails `cdk synth`.
 *
 * It judges the stacks of the app together: it builds one network model of every stack (NACLs, security groups, web
 * ACLs, listeners, flow logs, from the resolved L1 properties, linked across stacks through their exports and
 * imports), evaluates every rule once, and annotates the offending L1 resource of each stack it visited. It does so
 * in synth's validation step, after every aspect has run (whatever its priority or the order it was added in), so
 * resources that other aspects add or change are judged as they will be deployed:
 * - an error finding becomes an error annotation (the CDK CLI fails synth; `Annotations.fromStack` sees it);
 * - a warning finding becomes an acknowledgeable warning (`addWarningV2` with the rule id);
 * - an acknowledged finding becomes an info annotation that records the reason.
 *
 * Acknowledge with `Validations.of(scope).acknowledge({ id: 'LayeredDefense::<ruleId>', reason })` on the resource
 * or any ancestor: the same acknowledgement works for `LayeredDefenseNagPack`. The aspect also writes each
 * acknowledgement it applies into the resource's template metadata (`cdk-layered-defense`), so the CLI judging the
 * same `cdk.out` agrees; an acknowledgement written in that metadata directly is honoured too.
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
  /** The findings of each app (by its root), computed once, when the first of its stacks is validated. */
  private readonly apps = new WeakMap<IConstruct, { readonly templates: CdkAppTemplates; readonly byStack: Map<string, CheckFinding[]> }>();

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

  /** Reports the stack's findings once (a second synth of the same app must not repeat its annotations). */
  private judge(stack: Stack): void {
    if (this.judged.has(stack)) {
      return;
    }
    this.judged.add(stack);
    const { templates, byStack } = this.judgeApp(stack.node.root);
    for (const finding of byStack.get(stackIdOf(stack)) ?? []) {
      const construct = templates.constructOf(finding.resource) ?? stack;
      const reason = acknowledgementReason(construct, finding.ruleId) ?? finding.acknowledged;
      if (reason !== undefined) {
        Annotations.of(construct).addInfo(`${finding.text} Acknowledged: ${reason}`);
        recordAcknowledgement(construct, finding.ruleId, reason);
      } else if (finding.level === 'error') {
        Annotations.of(construct).addError(finding.text);
      } else {
        Annotations.of(construct).addWarningV2(finding.ruleId, finding.text);
      }
    }
  }

  /** Every stack of the app in one model, judged once. */
  private judgeApp(root: IConstruct): { readonly templates: CdkAppTemplates; readonly byStack: Map<string, CheckFinding[]> } {
    let judged = this.apps.get(root);
    if (!judged) {
      const templates = CdkAppTemplates.render(root);
      const byStack = new Map<string, CheckFinding[]>();
      for (const finding of checkStacks(templates.stacks, this.options)) {
        const list = byStack.get(finding.resource.stack.id) ?? [];
        list.push(finding);
        byStack.set(finding.resource.stack.id, list);
      }
      judged = { templates, byStack };
      this.apps.set(root, judged);
    }
    return judged;
  }
}

/**
 * Writes an acknowledgement into the resource's template metadata, where the CLI reads it, so that `cdk synth` and
 * the CLI on the same `cdk.out` agree.
 */
function recordAcknowledgement(construct: IConstruct, ruleId: string, reason: string): void {
  if (!CfnResource.isCfnResource(construct)) {
    return;
  }
  const existing = construct.getMetadata(ACKNOWLEDGEMENT_METADATA_KEY);
  const acknowledge: Array<{ id: string; reason: string }> = Array.isArray(existing?.acknowledge) ? [...existing.acknowledge] : [];
  if (!acknowledge.some((a) => a?.id === ruleId)) {
    acknowledge.push({ id: ruleId, reason });
    construct.addMetadata(ACKNOWLEDGEMENT_METADATA_KEY, { ...existing, acknowledge });
  }
}
