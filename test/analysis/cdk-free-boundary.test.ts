// The analysis core and the CLI must load without aws-cdk-lib or constructs (issue 14: "a lint rule enforces it").
// This test reads the project's real eslint configuration for files in those folders and runs the rule it
// configures on imports of each kind, so a rule that is dropped, mis-scoped or weakened fails here.
import * as path from 'path';
import * as typescriptParser from '@typescript-eslint/parser';
import { Linter, loadESLint } from 'eslint';

const ROOT = path.join(__dirname, '..', '..');

async function importRuleFor(file: string): Promise<Linter.RuleEntry | undefined> {
  const LegacyESLint = await loadESLint({ useFlatConfig: false });
  const eslint = new LegacyESLint({ cwd: ROOT });
  const config = await eslint.calculateConfigForFile(path.join(ROOT, file));
  return config.rules?.['no-restricted-imports'];
}

function violations(rule: Linter.RuleEntry, code: string): string[] {
  const linter = new Linter({ configType: 'eslintrc' });
  linter.defineParser('typescript', typescriptParser as unknown as Linter.Parser);
  const messages = linter.verify(code, {
    parser: 'typescript',
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: { 'no-restricted-imports': rule },
  });
  return messages.map((m) => `${m.line}: ${m.message}`);
}

describe('src/analysis and src/cli are CDK-free (eslint no-restricted-imports)', () => {
  test.each(['src/analysis/report/sarif.ts', 'src/analysis/cfn/reader.ts', 'src/cli/run.ts'])('%s may not import aws-cdk-lib or constructs', async (file) => {
    // GIVEN the rule eslint applies to a file in these folders
    const rule = await importRuleFor(file);
    expect(rule).toBeDefined();

    // WHEN imports of every form are linted with it
    const found = violations(rule!, [
      "import { Stack } from 'aws-cdk-lib';",
      "import type { IConstruct } from 'constructs';",
      "import { CfnNetworkAcl } from 'aws-cdk-lib/aws-ec2';",
      "export { Construct } from 'constructs';",
      "import * as fs from 'fs';",
      "import { summarize } from './summary';",
    ].join('\n'));

    // THEN the four CDK imports are errors, and the others are not
    expect(found.map((f) => f.split(':')[0])).toEqual(['1', '2', '3', '4']);
    expect(found[0]).toContain('CDK-free');
  });

  test('construct code elsewhere may still import aws-cdk-lib', async () => {
    expect(await importRuleFor('src/nacl/ip-blocklist-nacl.ts')).toBeUndefined();
  });
});
