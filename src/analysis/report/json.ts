// The machine-readable report: every finding with the same keys (null where a value is unknown), so a consumer
// (jq, a dashboard, a PR bot) never has to guess whether a key is missing or empty.
import type { AnalysisResult } from '../findings';
import { FailOn, failingFindings, ReportSummary, summarize } from './summary';

export interface JsonReportOptions {
  /**
   * The threshold the run used; recorded in the summary with whether the run failed it.
   * @default 'error'
   */
  readonly failOn?: FailOn;
}

export interface JsonFinding {
  readonly ruleId: string;
  readonly level: 'error' | 'warning';
  readonly stackName: string;
  readonly stackId: string;
  readonly logicalId: string | null;
  readonly cdkPath: string | null;
  readonly message: string;
  readonly fix: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  /** The acknowledgement's reason; null when the finding is not acknowledged. */
  readonly acknowledged: string | null;
}

export interface JsonReport {
  readonly findings: JsonFinding[];
  readonly summary: ReportSummary & { readonly failOn: FailOn; readonly failed: boolean };
}

export function toJsonReport(result: AnalysisResult, options: JsonReportOptions = {}): JsonReport {
  const failOn = options.failOn ?? 'error';
  return {
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      level: f.level,
      stackName: f.stackName,
      stackId: f.stackId,
      logicalId: f.logicalId ?? null,
      cdkPath: f.cdkPath ?? null,
      message: f.message,
      fix: f.fix,
      file: f.file ?? null,
      line: f.line ?? null,
      column: f.column ?? null,
      acknowledged: f.acknowledged ?? null,
    })),
    summary: { ...summarize(result), failOn, failed: failingFindings(result.findings, failOn).length > 0 },
  };
}

export function renderJson(result: AnalysisResult, options: JsonReportOptions = {}): string {
  return JSON.stringify(toJsonReport(result, options), undefined, 2) + '\n';
}
