// Runs the CLI in-process with a recording io and an injected analysis, so every exit code and output can be
// asserted without a cloud assembly (the reader and the engine have their own tests).
import * as fs from 'fs';
import type { AnalysisResult } from '../../src/analysis/findings';
import { Analyze, CheckAnalyzeOptions, CliDeps, CliIo, runCli } from '../../src/cli/run';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly files: Map<string, string>;
  /** The analysis calls: paths and options, in order. */
  readonly calls: Array<{ paths: readonly string[]; options?: CheckAnalyzeOptions }>;
}

export interface CliRunOptions {
  readonly result?: AnalysisResult;
  readonly analyze?: Analyze;
  readonly isTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly io?: Partial<CliIo>;
  readonly deps?: Partial<CliDeps>;
}

/** The reader's error for unreadable input, as the contract describes it (src/analysis/cfn/types.ts). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function cli(argv: string[], options: CliRunOptions = {}): CliRun {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, string>();
  const calls: CliRun['calls'] = [];
  const analyze: Analyze = (paths, analyzeOptions) => {
    calls.push({ paths, options: analyzeOptions });
    if (options.analyze) {
      return options.analyze(paths, analyzeOptions);
    }
    return options.result ?? { findings: [], stacks: 1, resources: 0 };
  };
  const io: CliIo = {
    stdout: { isTTY: options.isTTY ?? false, write: (text: string) => { stdout += text; return true; } },
    stderr: { write: (text: string) => { stderr += text; return true; } },
    env: options.env ?? {},
    cwd: options.cwd ?? '/work/repo',
    writeFile: (file: string, text: string) => { files.set(file, text); },
    ...options.io,
  };
  const code = runCli(argv, io, { analyze, version: '9.9.9', repositoryUrl: 'https://github.com/cdk-layered-defense/cdk-layered-defense.git', ...options.deps });
  return { code, stdout, stderr, files, calls };
}

/** The CLI in-process with the real analysis and reader, from `cwd`; what it printed and its exit code. */
export function runReal(argv: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, {
    stdout: { write: (t: string) => { stdout += t; return true; } },
    stderr: { write: (t: string) => { stderr += t; return true; } },
    env: {},
    cwd,
    writeFile: (file: string, text: string) => fs.writeFileSync(file, text),
  });
  return { code, stdout, stderr };
}
