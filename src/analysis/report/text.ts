// The terminal report: findings grouped by stack, then by resource, each with its rule, message and fix, and one
// summary line. Colour only when asked (the CLI asks for a TTY without NO_COLOR), so logs and files stay plain.
import type { AnalysisResult, Finding } from '../findings';
import { describeSummary, plural, summarize } from './summary';

export interface TextReportOptions {
  /**
   * Use ANSI colours.
   * @default false
   */
  readonly color?: boolean;
}

const STYLES = { bold: 1, dim: 2, red: 31, yellow: 33, green: 32, cyan: 36 } as const;
type Style = keyof typeof STYLES;

export function renderText(result: AnalysisResult, options: TextReportOptions = {}): string {
  const paint = (style: Style, text: string): string => (options.color ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text);
  const lines: string[] = [];

  for (const stack of groupByStack(result.findings)) {
    const first = stack.findings[0];
    const title = first.stackId !== first.stackName && first.stackId !== first.file
      ? `${first.stackName} [${first.stackId}]`
      : first.stackName;
    lines.push(`${paint('bold', `Stack ${clean(title)}`)}${first.file ? `  ${paint('dim', clean(first.file))}` : ''}`);

    for (const resource of groupByResource(stack.findings)) {
      const head = resource.findings[0];
      const name = head.logicalId ? clean(head.logicalId) : '(stack)';
      const path = head.cdkPath ? `  ${clean(head.cdkPath)}` : '';
      lines.push('', `  ${paint('cyan', name)}${path}${location(head) ? `  ${paint('dim', location(head)!)}` : ''}`);
      for (const finding of sortFindings(resource.findings)) {
        lines.push(...describeFinding(finding, paint));
      }
    }
    lines.push('');
  }

  const summary = summarize(result);
  if (summary.total === 0) {
    lines.push(paint('green', `No findings in ${plural(summary.stacks, 'stack')} (${plural(summary.resources, 'resource')})`));
  } else {
    const style: Style = summary.errors > 0 ? 'red' : summary.warnings > 0 ? 'yellow' : 'green';
    lines.push(paint(style, describeSummary(summary)));
  }
  return lines.join('\n') + '\n';
}

function describeFinding(finding: Finding, paint: (style: Style, text: string) => string): string[] {
  const level = finding.level === 'error' ? paint('red', 'error') : paint('yellow', 'warning');
  const status = finding.acknowledged !== undefined ? `${paint('dim', 'acknowledged')} ` : '';
  const lines = [
    `    ${status}${level}  ${paint('bold', clean(finding.ruleId))}`,
    `      ${clean(finding.message)}`,
    `      ${paint('dim', `Fix: ${clean(finding.fix)}`)}`,
  ];
  if (finding.acknowledged !== undefined) {
    lines.push(`      ${paint('dim', `Acknowledged: ${clean(finding.acknowledged)}`)}`);
  }
  return lines;
}

function location(finding: Finding): string | undefined {
  if (!finding.file) {
    return undefined;
  }
  if (finding.line === undefined) {
    return clean(finding.file);
  }
  return `${clean(finding.file)}:${finding.line}${finding.column !== undefined ? `:${finding.column}` : ''}`;
}

interface Group { readonly key: string; readonly findings: Finding[] }

/** Stacks in the order their first finding comes (the analysis reports stacks in assembly order). */
function groupByStack(findings: readonly Finding[]): Group[] {
  return groupBy(findings, (f) => f.stackId);
}

/** Resources in file order (by line), stack-level findings first. */
function groupByResource(findings: readonly Finding[]): Group[] {
  const groups = groupBy(findings, (f) => f.logicalId ?? '');
  const lineOf = (g: Group) => Math.min(...g.findings.map((f) => f.line ?? Number.MAX_SAFE_INTEGER));
  return groups.sort((a, b) => (a.key === '' ? -1 : b.key === '' ? 1 : lineOf(a) - lineOf(b) || a.key.localeCompare(b.key)));
}

/** Unacknowledged before acknowledged, errors before warnings; otherwise the analysis order (registry order). */
function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => (f.acknowledged !== undefined ? 2 : 0) + (f.level === 'error' ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}

function groupBy(findings: readonly Finding[], keyOf: (f: Finding) => string): Group[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = keyOf(finding);
    const group = groups.get(key);
    if (group) {
      group.push(finding);
    } else {
      groups.set(key, [finding]);
    }
  }
  return [...groups].map(([key, members]) => ({ key, findings: members }));
}

/**
 * Template values end up in messages; a control character in one (an escape sequence in a description, say) must
 * not drive the reader's terminal, and a newline must not forge a report line.
 */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
