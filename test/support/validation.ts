import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';

/** One finding of a policy-validation plugin, flattened from `validation-report.json`. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly paths: string[];
  readonly acknowledged: boolean;
}

/** An app whose synth runs cdk-nag's HIPAA.Security and AwsSolutions packs and the cfn-guard rules. */
export function appWithPeerChecks(context: Record<string, unknown> = {}): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'layered-defense-')), context });
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app), new AwsSolutionsChecks(app), new CfnGuardValidator());
  return app;
}

/** Synthesizes the app (never throwing on findings) and returns every finding, acknowledged or not. */
export function synthFindings(app: App): Finding[] {
  try {
    app.synth();
  } catch (error) {
    if (!/Validation ?failed/i.test(String(error))) {
      throw error;
    }
  }
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  const findings: Finding[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const [list, acknowledged] of [[plugin.violations ?? [], false], [plugin.suppressedViolations ?? [], true]] as const) {
      for (const violation of list) {
        findings.push({
          plugin: plugin.pluginName,
          rule: violation.ruleName,
          severity: String(violation.severity ?? '').toLowerCase(),
          paths: (violation.violatingConstructs ?? []).map((c: { constructPath: string }) => c.constructPath),
          acknowledged,
        });
      }
    }
  }
  return findings;
}

export function unacknowledgedErrors(findings: Finding[]): Finding[] {
  return findings.filter((f) => !f.acknowledged && f.severity === 'error');
}
