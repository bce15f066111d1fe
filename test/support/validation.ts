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
  /** The acknowledgement's reason, for acknowledged findings. */
  readonly reason?: string;
}

/** An app whose synth runs cdk-nag's HIPAA.Security and AwsSolutions packs and the cfn-guard rules. */
export function appWithPeerChecks(context: Record<string, unknown> = {}): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'layered-defense-')), context });
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app), new AwsSolutionsChecks(app), new CfnGuardValidator());
  return app;
}

/**
 * Runs `fn` (something that synthesizes) and returns what it wrote to `console.error` instead of letting it reach
 * the test output. aws-cdk-lib prints the validation report there whenever a plugin reports an unacknowledged
 * violation and synth does not throw (a warning from its CloudFormation validation, say), so a passing run would
 * otherwise look like a failing one.
 */
export function capturingConsoleError<T>(fn: () => T): { result: T; printed: string } {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    return { result: fn(), printed: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

/**
 * Synthesizes the app and returns every finding, acknowledged or not, with the error synth threw, if any, and what
 * aws-cdk-lib printed (captured, see `capturingConsoleError`).
 */
export function synthReport(app: App): { error?: Error; findings: Finding[]; printed: string } {
  const { result: error, printed } = capturingConsoleError(() => {
    try {
      app.synth();
      return undefined;
    } catch (e) {
      return e as Error;
    }
  });
  return { error, findings: readFindings(app.outdir), printed };
}

/** Synthesizes the app (never throwing on findings) and returns every finding, acknowledged or not. */
export function synthFindings(app: App): Finding[] {
  const { error, findings } = synthReport(app);
  if (error && !/Validation ?failed/i.test(String(error))) {
    throw error;
  }
  return findings;
}

/** Every finding of `<outdir>/validation-report.json`, acknowledged or not. */
export function readFindings(outdir: string): Finding[] {
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
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
          reason: violation.reason,
        });
      }
    }
  }
  return findings;
}

export function unacknowledgedErrors(findings: Finding[]): Finding[] {
  return findings.filter((f) => !f.acknowledged && f.severity === 'error');
}
