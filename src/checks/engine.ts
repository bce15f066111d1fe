// Runs the registered rules over a stack's model, once per stack, and formats findings the same way for both
// front doors: `[LayeredDefense-Xxx] <what is wrong> (HIPAA 164.312(e)(1)). Fix: <one line>.`
import { Stack } from 'aws-cdk-lib';
import { CANNOT_VERIFY_RULE, RULES } from './registry';
import { ResolvedChecksOptions } from './resolve-options';
import { FindingSite, LayeredDefenseRule, RuleContext, RuleLevel } from './rule';
import { buildNetworkModel, NetworkModel } from '../model/network-model';

/** A finding ready for a front door. */
export interface CheckFinding {
  readonly ruleId: string;
  readonly level: RuleLevel;
  readonly resource: FindingSite;
  /** The full message: rule id, what is wrong, HIPAA citation, fix. */
  readonly text: string;
}

/**
 * Builds the stack's model once and evaluates every enabled rule on it. `synthesizedTemplate` (the stack's
 * template after synthesis) saves resolving the resources again.
 */
export function checkStack(stack: Stack, options: ResolvedChecksOptions, synthesizedTemplate?: unknown): CheckFinding[] {
  return checkModel(buildNetworkModel(stack, synthesizedTemplate), options);
}

export function checkModel(model: NetworkModel, options: ResolvedChecksOptions): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const cannotVerify = new Map<string, CheckFinding>();
  for (const rule of RULES) {
    if (options.skipRules.has(rule.id) || rule === CANNOT_VERIFY_RULE) {
      continue;
    }
    const context: RuleContext = {
      naclEntryQuota: options.naclEntryQuota,
      ephemeralFrom: options.ephemeralFrom,
      ephemeralTo: options.ephemeralTo,
      cannotVerify: (resource, what) => {
        const key = `${resource.path}\u0000${rule.id}\u0000${what}`;
        if (!cannotVerify.has(key)) {
          cannotVerify.set(key, {
            ruleId: CANNOT_VERIFY_RULE.id,
            level: CANNOT_VERIFY_RULE.level,
            resource,
            text: formatMessage(CANNOT_VERIFY_RULE, `${rule.id} cannot verify ${what}: the value is not known at synth`, undefined),
          });
        }
      },
    };
    let ruleFindings;
    try {
      ruleFindings = rule.evaluate(model, context);
    } catch (e) {
      // A rule that cannot read the model must not pass silently: report on the stack's first modelled resource.
      const site = firstSite(model);
      if (site) {
        context.cannotVerify(site, `this stack (${(e as Error).message.split('\n')[0]})`);
      }
      continue;
    }
    for (const f of ruleFindings) {
      findings.push({ ruleId: rule.id, level: rule.level, resource: f.resource, text: formatMessage(rule, f.message, f.fix) });
    }
  }
  if (!options.skipRules.has(CANNOT_VERIFY_RULE.id)) {
    findings.push(...cannotVerify.values());
  }
  return findings;
}

/** `[LayeredDefense-Xxx] <message> (HIPAA 164.312(e)(1)). Fix: <fix>.` */
export function formatMessage(rule: LayeredDefenseRule, message: string, fix: string | undefined): string {
  const citation = rule.hipaa ? ` (HIPAA ${rule.hipaa})` : '';
  const body = message.replace(/[.\s]+$/, '');
  const fixText = (fix ?? rule.fix).replace(/[.\s]+$/, '');
  return `[${rule.id}] ${body}${citation}. Fix: ${fixText}.`;
}

function firstSite(model: NetworkModel): FindingSite | undefined {
  for (const r of model.resources.values()) {
    return r;
  }
  return undefined;
}
