import { awscdk, DependencyType, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-layered-defense',
  description:
    'Layered network defense for HIPAA workloads on AWS: security groups allow, NACLs deny, WAF decides on HTTP, and synth-time checks that make wrong layer use fail.',
  author: 'cdk-layered-defense maintainers',
  authorAddress: 'maintainers@cdk-layered-defense.dev',
  repositoryUrl: 'https://github.com/cdk-layered-defense/cdk-layered-defense.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'hipaa', 'waf', 'nacl', 'security-group', 'network-security'],

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // jest and eslint compile with this file; jsii compiles src/ with tsconfig.json.
  tsconfigDevFile: 'tsconfig.dev.json',

  // The oldest aws-cdk-lib the library works with: from 2.271.0 an acknowledgement (Validations.acknowledge) covers
  // only its own construct and those under it in validation-report.json; before, it hid that rule's findings on every
  // resource of the app. .ci/run runs the CDK tests against it. Builds and tests use the newer release below.
  cdkVersion: '2.271.0',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  // Peer ranges start at the oldest supported release; develop against the pinned releases in devDeps instead.
  peerDependencyOptions: { pinnedDevDependency: false },
  // aws-cdk-lib 2.271+ itself requires Node 20; this is also the version tested (README "Versions").
  minNodeVersion: '20.0.0',
  workflowNodeVersion: 'lts/*',

  // The nag pack in src/ imports cdk-nag, so users bring it (as they bring aws-cdk-lib).
  peerDeps: ['cdk-nag@^3.0.2'],
  // The template reader (src/analysis/cfn) parses YAML templates; jsii requires non-jsii runtime deps bundled.
  bundledDeps: ['yaml'],
  devDeps: [
    'aws-cdk-lib@2.276.0',
    'cdk-nag@3.0.2',
    'aws-cdk@^2',
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    // Benchmark peer only, never imported from src/. 13.0.0 requires ip-bigint@^10.0.1, which is not published.
    'cidr-tools@~12.0.3',
    'fast-check@^4',
    // Node 20 is the runtime here; TypeScript 7 is rejected by ts-jest and typescript-eslint.
    '@types/node@^20',
    'typescript@~6.0.3',
    // The CLI tests validate SARIF output against the SARIF 2.1.0 schema (draft-04, shipped in test/fixtures/sarif/).
    'ajv@^8',
    'ajv-draft-04@^1',
    'ajv-formats@^3',
    // Mutation testing (`npx projen mutation`, never in CI). Stryker 10 requires Node 22; this project runs on 20.
    '@stryker-mutator/core@9.6.1',
    '@stryker-mutator/jest-runner@9.6.1',
    '@stryker-mutator/typescript-checker@9.6.1',
  ],

  // The CLI (src/cli/main.ts): `npx cdk-layered-defense check cdk.out`. Not exported from src/index.ts.
  bin: { 'cdk-layered-defense': 'lib/cli/main.js' },

  // Construct Hub: every jsii language. Their packagers need registries this project's machines cannot
  // reach, so local builds package JavaScript only and `npx projen pacmak:check` proves the targets generate.
  publishToPypi: {
    distName: 'cdk-layered-defense',
    module: 'cdk_layered_defense',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdklayereddefense',
    mavenGroupId: 'io.github.cdk-layered-defense',
    mavenArtifactId: 'cdk-layered-defense',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkLayeredDefense',
    packageId: 'CdkLayeredDefense',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-layered-defense/cdk-layered-defense-go',
  },

  eslintOptions: {
    dirs: ['src'],
    // Test-only code may import devDependencies (cidr-tools, cdk-nag packs, fast-check).
    devdirs: ['test', 'bench', 'examples', 'build-tools', 'projenrc'],
    // Lint against the dev tsconfig, which includes test/, bench/ and examples/ (tsconfig.json is src/ only).
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  gitignore: ['.jsii.tabl.json', '/cdk.out*', '/bench/results/', '*.tmp.ts', '/cdk.context.json', '/.stryker-tmp/', '/reports/'],
  jestOptions: {
    jestConfig: {
      // Property tests and synth-heavy tests need more than jest's 5 s on a shared 2-core machine.
      testTimeout: 60_000,
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out'],
    },
  },
});

// Locally, projen's `package` runs every language packager; keep the build green with JavaScript only.
const packageJs = project.tasks.tryFind('package:js');
if (packageJs) {
  project.packageTask.reset();
  project.packageTask.spawn(packageJs);
}

// The CDK dependencies put constructs among the peers after devDeps are read; develop against this release of it.
project.deps.addDependency('constructs@10.8.1', DependencyType.BUILD);

// Node 20 is past its end of life for jsii, which prints a banner on every jsii, jsii-rosetta, jsii-pacmak and
// jsii-docgen run; Node 20 is what this project's machines run (README "Versions").
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The package holds the compiled library, its jsii assembly, the docs and the README examples' fixture (Construct
// Hub compiles the examples with it); build-tools/check-package-files.ts fails the build on anything else.
project.npmignore?.exclude('/cdk.out*', '/bench/', '/examples/', '/.ci/', '/coverage/', '/build-tools/', '/docs/', '/test-reports/', '/.jsii.tabl.json', '/reports/', '/.stryker-tmp/');
project.packageTask.exec('ts-node --transpile-only --project tsconfig.dev.json build-tools/check-package-files.ts dist/js');

// Every README code block must compile against the real API (jsii-rosetta, with rosetta/default.ts-fixture).
project.postCompileTask.exec('jsii-rosetta extract --compile --fail', {
  env: { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
});

project.addTask('pacmak:check', {
  description: 'Generate (not build) the Python, Java, .NET and Go bindings into a temporary folder',
  env: { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  exec: 'd=$(mktemp -d) && jsii-pacmak --code-only --targets python java dotnet go --outdir "$d" && ls "$d" && rm -rf "$d"',
});

project.addTask('bench', {
  description: 'Run the benchmarks in bench/ (each case in its own process, against a peer on the same input in that process)',
  env: { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/run.ts',
  receiveArgs: true,
});

project.addTask('synth:example', {
  description: "Synthesize the example HIPAA app through every check (the README's main job)",
  env: {
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  },
  // One shell step, so the summary (examples/synth-summary.ts) is printed after a failed synth too, from a fresh
  // assembly, and the task still exits with synth's status.
  exec: [
    'rm -rf cdk.out.example;',
    'cdk synth --app "ts-node --transpile-only --project tsconfig.dev.json examples/hipaa-app.ts" --output cdk.out.example --no-notices --no-version-reporting --quiet;',
    'ts-node --transpile-only --project tsconfig.dev.json examples/synth-summary.ts cdk.out.example $?',
  ].join(' '),
});

// RULES.md is generated from the rule registry, so the reference can never drift from the rules that run.
const rulesMd = project.addTask('rules:md', {
  description: 'Write RULES.md from the rule registry and docs/rules-methods.md',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/rules-md.ts',
});
project.preCompileTask.spawn(rulesMd);

project.tsconfigDev.addInclude('build-tools/**/*.ts');
project.addTask('mutation', {
  description: 'Mutation testing of the analysis core, one named group at a time (Stryker; slow, never in CI): mutation [group...] [--concurrency=N] [--typecheck]',
  env: { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/mutation.ts',
  receiveArgs: true,
});

project.tsconfigDev.addInclude('bench/**/*.ts');
project.tsconfigDev.addInclude('build-tools/**/*.ts');
project.tsconfigDev.addInclude('examples/**/*.ts');
// TypeScript's globs skip dotfiles, so name the projenrc explicitly for eslint's type information.
project.tsconfigDev.addInclude('.projenrc.ts');

// Address arithmetic is bit arithmetic: allow bitwise operators in the IP core, the NACL rule-number hash and
// the tests and benchmarks that model them, and nowhere else.
project.eslint?.addOverride({
  files: ['src/private/ip/**/*.ts', 'src/nacl/plan.ts', 'test/**/*.ts', 'bench/**/*.ts'],
  rules: { 'no-bitwise': 'off' },
});
project.eslint?.addIgnorePattern('*.tmp.ts');

// The analysis core and the CLI read templates, never the construct tree: they must run (and load) without
// aws-cdk-lib or constructs, so `npx cdk-layered-defense check` works on any CloudFormation.
project.eslint?.addOverride({
  files: ['src/analysis/**/*.ts', 'src/cli/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      paths: [
        { name: 'aws-cdk-lib', message: 'src/analysis and src/cli are CDK-free: read templates, not constructs.' },
        { name: 'constructs', message: 'src/analysis and src/cli are CDK-free: read templates, not constructs.' },
      ],
      patterns: [{ group: ['aws-cdk-lib/*', 'constructs/*'], message: 'src/analysis and src/cli are CDK-free: read templates, not constructs.' }],
    }],
  },
});

project.synth();
