// Runs the registered rules over an app's model, once per app, and formats findings the same way for every front
// door: `[LayeredDefense-Xxx] <what is wrong> (HIPAA 164.312(e)(1)). Fix: <one line>.` CDK-free: the aspect, the
// nag pack and the CLI hand it templates and map its findings back to what they report on.
import { describeValue, Json } from './model/model-values';
import { ACKNOWLEDGEMENT_METADATA_KEY, buildNetworkModel, NetworkModel, StackInput } from './model/network-model';
import { ResolvedChecksOptions } from './resolve-options';
import { CANNOT_VERIFY_RULE, RULES } from './rules/registry';
import { FindingSite, LayeredDefenseRule, RuleContext, RuleLevel } from './rules/rule';

export { ACKNOWLEDGEMENT_METADATA_KEY };

/** A finding ready for a front door. */
export interface CheckFinding {
  readonly ruleId: string;
  readonly level: RuleLevel;
  /** The template resource that causes it. */
  readonly resource: FindingSite;
  /** What is wrong, naming the values involved (no rule id, no fix). */
  readonly message: string;
  /** The fix, one line. */
  readonly fix: string;
  /** The full message: rule id, what is wrong, HIPAA citation, fix. */
  readonly text: string;
  /** The reason of an acknowledgement in the resource's template metadata, when it has one for this rule. */
  readonly acknowledged?: string;
}

const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
const INVALID_VALUE_ID = 'LayeredDefense-InvalidValue';

/** Builds the app's model once and evaluates every enabled rule on it. */
export function checkStacks(stacks: readonly StackInput[], options: ResolvedChecksOptions): CheckFinding[] {
  return checkModel(buildNetworkModel(stacks), options);
}

export function checkModel(model: NetworkModel, options: ResolvedChecksOptions): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const cannotVerify = new Map<string, CheckFinding>();
  // A value AWS rejects is InvalidValue's, not unknown: a rule that cannot judge a resource because of it says
  // nothing more (its "cannot verify" would name the same value as "not known").
  const invalidByResource = new Map<string, string[]>();
  for (const { resource, problem, value } of model.invalid) {
    invalidByResource.set(resource.key, [...(invalidByResource.get(resource.key) ?? []), value ?? problem]);
  }
  const raiseCannotVerify = (resource: FindingSite, text: string, fix?: string) => {
    if (invalidByResource.get(resource.key)?.some((value) => mentionsValue(text, value))) {
      return;
    }
    const key = `${resource.key}\u0000${text}`;
    if (!cannotVerify.has(key)) {
      cannotVerify.set(key, finding(CANNOT_VERIFY_RULE, resource, text, fix));
    }
  };
  for (const { resource, reason, subject, fix } of model.unreadable) {
    raiseCannotVerify(resource, `${subject ?? 'the resource'}: ${reason}`, fix);
  }
  for (const entry of model.strayNaclEntries) {
    raiseCannotVerify(entry.resource, `the entry: its NetworkAclId ${describeValue(entry.resource.properties.NetworkAclId)} is not a NACL of the templates `
      + 'judged together, so no NACL rule can see the entries it is evaluated with (judge the stack that owns the NACL in the same run)');
  }
  for (const rule of RULES) {
    if (options.skipRules.has(rule.id) || rule === CANNOT_VERIFY_RULE) {
      continue;
    }
    const context: RuleContext = {
      naclEntryQuota: options.naclEntryQuota,
      ephemeralFrom: options.ephemeralFrom,
      ephemeralTo: options.ephemeralTo,
      maxTcpEstablishedTimeoutSeconds: options.maxTcpEstablishedTimeoutSeconds,
      ruleIds: RULE_IDS,
      cannotVerify: (resource, what, why, fix) => {
        if (!model.malformed.has(resource.key)) {
          raiseCannotVerify(resource, `${rule.id} cannot verify ${what}: ${why ?? 'the value is not known'}`, fix);
        }
      },
    };
    let ruleFindings;
    try {
      ruleFindings = rule.evaluate(model, context);
    } catch {
      // A rule that cannot read the model must not pass silently: report on the app's first modelled resource. The
      // JavaScript error is a defect of the rule, not news for the user; the fuzz test keeps this path rare.
      const site = firstSite(model);
      if (site) {
        context.cannotVerify(site, `the templates: a value does not have the shape CloudFormation documents (${rule.id} failed reading it)`);
      }
      continue;
    }
    for (const f of ruleFindings) {
      // A resource whose Properties cannot be read is judged by nothing but what says so (InvalidValue, CannotVerify).
      if (rule.id !== INVALID_VALUE_ID && model.malformed.has(f.resource.key)) {
        continue;
      }
      findings.push(finding(rule, f.resource, f.message, f.fix));
    }
  }
  if (!options.skipRules.has(CANNOT_VERIFY_RULE.id)) {
    findings.push(...cannotVerify.values());
  }
  return findings;
}

/**
 * Whether a text names a value as a whole, not as the start of a longer value: `IpProtocol ` (an empty protocol)
 * is not named by `IpProtocol {"Ref":"P"}` (another rule's unknown protocol), whose "cannot verify" must stay.
 */
export function mentionsValue(text: string, value: string): boolean {
  if (value === '') {
    return false;
  }
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
    const before = at === 0 ? '' : text[at - 1];
    const after = text.charAt(at + value.length);
    if (!/\w/.test(before) && (after === '' || /[\s),;:.\]]/.test(after))) {
      return true;
    }
  }
  return false;
}

function finding(rule: LayeredDefenseRule, resource: FindingSite, message: string, fix: string | undefined): CheckFinding {
  const body = message.replace(/[.\s]+$/, '');
  const fixText = (fix ?? rule.fix).replace(/[.\s]+$/, '');
  const acknowledged = templateAcknowledgement(resource.metadata, rule.id);
  return {
    ruleId: rule.id,
    level: rule.level,
    resource,
    message: body,
    fix: fixText,
    text: formatMessage(rule, body, fixText),
    ...(acknowledged !== undefined ? { acknowledged } : {}),
  };
}

/** `[LayeredDefense-Xxx] <message> (HIPAA 164.312(e)(1)). Fix: <fix>.` */
export function formatMessage(rule: LayeredDefenseRule, message: string, fix: string | undefined): string {
  const citation = rule.hipaa ? ` (HIPAA ${rule.hipaa})` : '';
  const body = message.replace(/[.\s]+$/, '');
  const fixText = (fix ?? rule.fix).replace(/[.\s]+$/, '');
  return `[${rule.id}] ${body}${citation}. Fix: ${fixText}.`;
}

/** The acknowledgements a resource's template metadata makes: rule id to reason (entries without a reason are ignored). */
export function templateAcknowledgements(metadata: Json): Map<string, string> {
  const result = new Map<string, string>();
  const entries = metadata?.[ACKNOWLEDGEMENT_METADATA_KEY]?.acknowledge;
  if (!Array.isArray(entries)) {
    return result;
  }
  for (const entry of entries) {
    if (typeof entry?.id === 'string' && typeof entry?.reason === 'string' && entry.reason.trim() !== '') {
      result.set(entry.id, entry.reason);
    }
  }
  return result;
}

function templateAcknowledgement(metadata: Json, ruleId: string): string | undefined {
  if (metadata?.[ACKNOWLEDGEMENT_METADATA_KEY] === undefined) {
    return undefined;
  }
  return templateAcknowledgements(metadata).get(ruleId);
}

function firstSite(model: NetworkModel): FindingSite | undefined {
  for (const r of model.resources.values()) {
    return r;
  }
  return undefined;
}
