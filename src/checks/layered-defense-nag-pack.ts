import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, Stack, Stage } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CheckFinding, checkStack } from './engine';
import { LayeredDefenseChecksProps } from './options';
import { RULES } from './registry';
import { ResolvedChecksOptions, resolveChecksOptions } from './resolve-options';
import { LayeredDefenseRule, RULE_ID_PREFIX, shortRuleId } from './rule';

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
 * `Validations.of(scope).acknowledge({ id: 'LayeredDefense::<ruleId>', reason })`. The network model is built
 * once per stack per synth, not once per resource.
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
  private findingsByStack = new Map<Stack, Map<IConstruct, Set<string>>>();

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
   * Validates a construct tree directly (what synth calls through `validate`); models are built afresh each time.
   * Only error findings fail the report: warnings are listed but, as with the aspect, do not fail synth (a plain
   * cdk-nag pack fails on any violation).
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.findingsByStack = new Map();
    try {
      const report = super.validateScope(scope);
      // cdk-nag's walk visits CfnResources only; a finding on a template resource no construct renders is on its stack.
      for (const byConstruct of this.findingsByStack.values()) {
        for (const [construct, ruleIds] of byConstruct) {
          if (!CfnResource.isCfnResource(construct)) {
            this.applyFindings(construct, ruleIds);
          }
        }
      }
      // applyRule adds to the array cdk-nag returned in the report.
      return { ...report, success: report.violations.every((v) => v.severity !== 'error') };
    } finally {
      this.findingsByStack = new Map(); // the models hold the app's constructs; do not keep them past this call
    }
  }

  protected checkResource(node: CfnResource): void {
    const findings = this.findingsOf(node);
    if (!findings) {
      return; // compliant with every rule: cdk-nag reports only violations, so there is nothing to apply
    }
    this.applyFindings(node, findings);
  }

  /** Reports each finding through cdk-nag (which honours acknowledgements on the construct and its ancestors). */
  private applyFindings(construct: IConstruct, findings: Set<string>): void {
    // cdk-nag types the node as CfnResource but reads only its construct path and ancestors' metadata.
    const node = construct as CfnResource;
    for (const rule of RULES) {
      if (!findings.has(rule.id)) {
        continue;
      }
      this.applyRule({
        ruleSuffixOverride: shortRuleId(rule.id),
        info: info(rule),
        explanation: rule.why,
        level: rule.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      });
    }
  }

  private findingsOf(node: CfnResource): Set<string> | undefined {
    const stack = Stack.of(node);
    let byConstruct = this.findingsByStack.get(stack);
    if (!byConstruct) {
      byConstruct = indexFindings(checkStack(stack, this.options, synthesizedTemplate(stack)));
      this.findingsByStack.set(stack, byConstruct);
    }
    return byConstruct.get(node);
  }
}

/**
 * The stack's template as synthesis wrote it (policy validation runs after the assembly is written), or undefined
 * when it is not there (validateScope called before synth) or cannot be read.
 */
function synthesizedTemplate(stack: Stack): unknown {
  try {
    const outdir = Stage.of(stack)?.outdir;
    if (!outdir) {
      return undefined;
    }
    return JSON.parse(fs.readFileSync(path.join(outdir, stack.templateFile), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The rule name of the pack's info entry in `validation-report.json`: it ran, on what. Not a finding. */
const RAN_ENTRY = `${RULE_ID_PREFIX}-Ran`;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function indexFindings(findings: readonly CheckFinding[]): Map<IConstruct, Set<string>> {
  const index = new Map<IConstruct, Set<string>>();
  for (const f of findings) {
    const ids = index.get(f.resource.construct) ?? new Set<string>();
    ids.add(f.ruleId);
    index.set(f.resource.construct, ids);
  }
  return index;
}

function info(rule: LayeredDefenseRule): string {
  const citation = rule.hipaa ? ` (HIPAA ${rule.hipaa})` : '';
  return `[${rule.id}] ${rule.summary.replace(/\.$/, '')}${citation}. Fix: ${rule.fix.replace(/\.$/, '')}.`;
}
