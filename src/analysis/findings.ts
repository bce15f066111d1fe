// Findings as data: what every front door (aspect, nag pack, CLI) reports, and what the reporters render.
// CDK-free: nothing here knows constructs; `cdkPath` is read from the template's `aws:cdk:path` metadata.

export type FindingLevel = 'error' | 'warning';
export interface Finding {
  readonly ruleId: string; // 'LayeredDefense-NaclDenyShadowed'
  readonly level: FindingLevel;
  readonly stackName: string;
  readonly stackId: string;
  readonly logicalId?: string;
  readonly cdkPath?: string; // from Metadata['aws:cdk:path'] when present
  readonly message: string; // what is wrong, specific (no rule id, no fix)
  readonly fix: string; // one line
  readonly file?: string; // template file as in LoadedStack.file
  readonly line?: number;
  readonly column?: number;
  /** Set when acknowledged (template Metadata or CDK acknowledgement); acknowledged findings never fail a run. */
  readonly acknowledged?: string; // the reason
}
export interface AnalysisResult { readonly findings: Finding[]; readonly stacks: number; readonly resources: number }
