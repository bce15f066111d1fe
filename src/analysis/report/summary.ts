// Counts every reporter prints, and the threshold that decides a run's exit code. Acknowledged findings are
// counted apart and never fail a run: an acknowledgement is a reviewed decision recorded in the template.
import type { AnalysisResult, Finding } from '../findings';

/** The lowest level that fails a run (`--fail-on`); `none` never fails on findings. */
export type FailOn = 'error' | 'warning' | 'none';

export const FAIL_ON_VALUES: readonly FailOn[] = ['error', 'warning', 'none'];

export interface ReportSummary {
  /** Unacknowledged findings at level error. */
  readonly errors: number;
  /** Unacknowledged findings at level warning. */
  readonly warnings: number;
  /** Acknowledged findings, whatever their level. */
  readonly acknowledged: number;
  /** Every finding, acknowledged or not. */
  readonly total: number;
  readonly stacks: number;
  readonly resources: number;
}

export function summarize(result: AnalysisResult): ReportSummary {
  let errors = 0;
  let warnings = 0;
  let acknowledged = 0;
  for (const finding of result.findings) {
    if (finding.acknowledged !== undefined) {
      acknowledged++;
    } else if (finding.level === 'error') {
      errors++;
    } else {
      warnings++;
    }
  }
  return { errors, warnings, acknowledged, total: result.findings.length, stacks: result.stacks, resources: result.resources };
}

/** The findings at or above the threshold that are not acknowledged: any of them fails the run. */
export function failingFindings(findings: readonly Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'none') {
    return [];
  }
  return findings.filter((f) => f.acknowledged === undefined && (f.level === 'error' || failOn === 'warning'));
}

/** `2 errors, 1 warning, 1 acknowledged in 3 stacks (41 resources)`. */
export function describeSummary(summary: ReportSummary): string {
  const counts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')];
  if (summary.acknowledged > 0) {
    counts.push(`${summary.acknowledged} acknowledged`);
  }
  return `${counts.join(', ')} in ${plural(summary.stacks, 'stack')} (${plural(summary.resources, 'resource')})`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
