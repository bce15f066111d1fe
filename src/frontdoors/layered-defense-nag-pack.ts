import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgementReason } from './acknowledgements';
import { CdkAppTemplates } from './cdk-app-templates';
import { CheckFinding, checkStacks } from '../analysis/engine';
import { LayeredDefenseChecksProps } from '../analysis/options';
import { ResolvedChecksOptions, resolveChecksOptions } from '../analysis/resolve-options';
import { RULES } from '../analysis/rules/registry';
import { RULE_ID_PREFIX, shortRuleId } from '../analysis/rules/rule';

/** Options of `LayeredDefenseNagPack`: the checks' options plus cdk-nag's own. */
export interface LayeredDefenseNagPackProps extends LayeredDefenseChecksProps, NagPackProps {}

/**
 * The layered-defense rules as a cdk-nag 3 pack (a CDK policy-validation plugin): findings appear in
 * `validation-report.json` next to HIPAA.Security and AwsSolutions, and an unacknowledged error fails synth
 * (warnings are reported without failing it).
 *
 * Its entry in `validation-report.json` always holds one `info` entry, `LayeredDefense-Ran`, that says how many rules
 * ran on how many stacks: aws-cdk-lib lists a plugin there only when it reports something, and a reviewer must be
 * able to tell a clean run from a pack that was never attached.
 *
 * Rule ids are the same as `LayeredDefenseChecks`' (`LayeredDefense-<Short>`). Acknowledge with
 * `Validations.of(scope).acknowledge({ id: 'LayeredDefense::<ruleId>', reason })`, or in the resource's template
 * metadata (`cdk-layered-defense`). The network model of the whole app is built once per synth, not once per
 * resource or stack, so a NACL entry, a security group rule or a web ACL association in one stack is judged with
 * the NACL, group or load balancer it refers to in another.
 *
 * @example
 * import { LayeredDefenseNagPack } from 'cdk-layered-defense';
 *
 * declare const app: App;
 * Validations.of(app).addPlugins(new LayeredDefenseNagPack(app));
 */
export class LayeredDefenseNagPack extends NagPack {
  public readonly name: string = RULE_ID_PREFIX;
  public readonly ruleIds?: string[] = RULES.map((r) => r.id);
  private readonly options: ResolvedChecksOptions;
  private findingsByConstruct = new Map<IConstruct, CheckFinding[]>();

  constructor(scope?: IConstruct, props: LayeredDefenseNagPackProps = {}) {
    super(scope, props);
    this.packName = RULE_ID_PREFIX;
    this.options = resolveChecksOptions('LayeredDefenseNagPack', props, RULES.map((r) => r.id));
  }

  /**
   * What synth calls: the findings of `validateScope`, plus the `LayeredDefense-Ran` info entry. The entry names no
   * resource, so aws-cdk-lib prints nothing for it and it never fails synth.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = super.validate(context);
    const rules = RULES.length - this.options.skipRules.size;
    const stacks = context.templatePaths.length;
    const findings = (level: string) => report.violations.filter((v) => v.severity === level)
      .reduce((n, v) => n + v.violatingResources.length, 0);
    const ran = {
      ruleName: RAN_ENTRY,
      description: `${RULE_ID_PREFIX} ran ${rules} of its ${RULES.length} rules on ${plural(stacks, 'stack')} and reported ` +
        `${plural(findings('error'), 'error')} and ${plural(findings('warning'), 'warning')} before acknowledgements.`,
      severity: 'info',
      violatingResources: [],
      ruleMetadata: { rulesRun: String(rules), stacks: String(stacks) },
    };
    return { ...report, violations: [...report.violations, ran] };
  }

  /**
   * Validates a construct tree directly (what synth calls through `validate`): every stack of the app in one model,
   * read from the synthesized templates, built afresh each time. Only error findings fail the report: warnings are
   * listed but, as with the aspect, do not fail synth (a plain cdk-nag pack fails on any violation).
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const templates = CdkAppTemplates.synthesized(scope.node.root);
    this.findingsByConstruct = new Map();
    for (const finding of checkStacks(templates.stacks, this.options)) {
      const construct = templates.constructOf(finding.resource);
      if (construct && isWithin(construct, scope)) {
        const list = this.findingsByConstruct.get(construct) ?? [];
        list.push(finding);
        this.findingsByConstruct.set(construct, list);
      }
    }
    try {
      const report = super.validateScope(scope);
      // cdk-nag's walk visits CfnResources only; a finding on a template resource no construct renders is on its stack.
      for (const [construct, findings] of this.findingsByConstruct) {
        if (!CfnResource.isCfnResource(construct)) {
          this.applyFindings(construct, findings);
        }
      }
      // applyRule adds to the array cdk-nag returned in the report.
      return { ...report, success: report.violations.every((v) => v.severity !== 'error') };
    } finally {
      this.findingsByConstruct = new Map(); // the findings hold the app's constructs; do not keep them past this call
    }
  }

  protected checkResource(node: CfnResource): void {
    const findings = this.findingsByConstruct.get(node);
    if (findings) {
      this.applyFindings(node, findings);
    }
    // compliant with every rule otherwise: cdk-nag reports only violations, so there is nothing to apply
  }

  /**
   * Reports each finding through cdk-nag, with its own message (which honours acknowledgements on the construct and
   * its ancestors). An acknowledgement in the resource's template metadata is applied as a CDK acknowledgement first.
   */
  private applyFindings(construct: IConstruct, findings: readonly CheckFinding[]): void {
    // cdk-nag types the node as CfnResource but reads only its construct path and ancestors' metadata.
    const node = construct as CfnResource;
    for (const finding of findings) {
      const rule = RULES.find((r) => r.id === finding.ruleId)!;
      if (finding.acknowledged !== undefined && acknowledgementReason(construct, finding.ruleId) === undefined) {
        Validations.of(construct).acknowledge({ id: `${RULE_ID_PREFIX}::${finding.ruleId}`, reason: finding.acknowledged });
      }
      this.applyRule({
        ruleSuffixOverride: shortRuleId(rule.id),
        info: finding.text,
        explanation: rule.why,
        level: rule.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      });
    }
  }
}

/** The rule name of the pack's info entry in `validation-report.json`: it ran, on what. Not a finding. */
const RAN_ENTRY = `${RULE_ID_PREFIX}-Ran`;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function isWithin(construct: IConstruct, scope: IConstruct): boolean {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    if (c === scope) {
      return true;
    }
  }
  return false;
}
