// The firewall fixtures (test/fixtures/templates/firewall/) as the CLI reads them, judged by every rule.
import * as path from 'path';
import { readApp } from '../../../src/analysis/cfn';
import { CheckFinding } from '../../../src/analysis/engine';
import { judge, ofRule, Templates } from '../support';

export const FIREWALL_FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'templates', 'firewall');

/** A value no template gives: a parameter without a value. */
export const PARAM = { Ref: 'FromParameter' };

/** A fixture read as the CLI reads it (a fresh copy each time), for the stack id `Stack`. */
export function fixture(file: string): any {
  const [stack] = readApp([path.join(FIREWALL_FIXTURES, file)]).stacks;
  return JSON.parse(JSON.stringify(stack.template));
}

/** Every finding of the rules on one template, under the stack id `Stack`. */
export function judgeTemplate(template: unknown): CheckFinding[] {
  const templates: Templates = { Stack: template };
  return judge(templates);
}

/** A fixture with one change made to its resources, judged. */
export function fixtureWith(file: string, change: (resources: any) => void): CheckFinding[] {
  const template = fixture(file);
  change(template.Resources);
  return judgeTemplate(template);
}

/** The CannotVerify findings raised for a rule. */
export function cannotVerify(findings: CheckFinding[], ruleId: string): CheckFinding[] {
  return ofRule(findings, 'LayeredDefense-CannotVerify').filter((f) => f.message.startsWith(`${ruleId} cannot verify`));
}
