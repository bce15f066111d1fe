// The CLI's analysis: template files and cloud assemblies in, findings as data out. Reads every stack with the
// template reader (./cfn), judges them together in one network model with the rule registry, and places each
// finding on its template file, line and column. CDK-free.
import { readApp } from './cfn';
import { CheckFinding, checkStacks } from './engine';
import { AnalysisResult, Finding } from './findings';
import { resolveChecksOptions } from './resolve-options';
import { RULES } from './rules/registry';

export interface AnalyzeOptions {
  /** `--parameter KEY=VALUE` values, for every stack that declares KEY. */
  readonly parameters?: Record<string, string>;
  /** Rule ids not to run. */
  readonly skipRules?: readonly string[];
  /** The longest established-TCP idle timeout accepted on a workload reached from outside its VPC (default 3600). */
  readonly maxTcpEstablishedTimeoutSeconds?: number;
}

/** Reads and judges the templates; throws the reader's InputError for input it cannot read. */
export function analyzePaths(paths: readonly string[], options: AnalyzeOptions = {}): AnalysisResult {
  const app = readApp(paths, { parameters: options.parameters });
  const checks = resolveChecksOptions('cdk-layered-defense check', {
    skipRules: [...(options.skipRules ?? [])],
    maxTcpEstablishedTimeoutSeconds: options.maxTcpEstablishedTimeoutSeconds,
  }, RULES.map((r) => r.id));
  const findings = checkStacks(app.stacks, checks).map(asFinding);
  const resources = app.stacks.reduce((sum, s) => sum + s.resourceCount, 0);
  return { findings, stacks: app.stacks.length, resources };
}

function asFinding(f: CheckFinding): Finding {
  const stack = f.resource.stack;
  const position = stack.positionOf?.(f.resource.logicalId);
  return {
    ruleId: f.ruleId,
    level: f.level,
    stackName: stack.stackName,
    stackId: stack.id,
    logicalId: f.resource.logicalId,
    ...(f.resource.cdkPath !== undefined ? { cdkPath: f.resource.cdkPath } : {}),
    message: f.message,
    fix: f.fix,
    ...(stack.file !== undefined ? { file: stack.file } : {}),
    ...(position ? { line: position.line, column: position.column } : {}),
    ...(f.acknowledged !== undefined ? { acknowledged: f.acknowledged } : {}),
  };
}
