// Mutation testing of the analysis core (Stryker, jest runner, TypeScript checker), one named group at a time.
// `npx projen mutation` runs every group; `npx projen mutation path-statements nacl-plan` runs those. Each group pairs
// the files it mutates with the tests that exercise them, so a group stays well under 30 minutes on two cores.
// Not part of the build and not run in CI. Prints `<group>: NN.N%` and then each file's score.
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join, relative } from 'path';

interface Group {
  /** Files to mutate (globs relative to the project root). */
  readonly mutate: string[];
  /** Test files that exercise them. */
  readonly tests: string[];
}

const SUBNET_RULES = 'src/analysis/rules/subnet';
const APPLICATION_RULES = 'src/analysis/rules/application';

/**
 * Named target groups. Each pairs the files it mutates with the tests that exercise them directly: unit and
 * property tests where they exist (seconds per mutant), the CDK-based rule tests only for the rule files (each
 * of their tests synthesizes a stack, so a rule group takes longest).
 */
export const GROUPS: Record<string, Group> = {
  'path-statements': {
    mutate: ['src/waf/private/path-statements.ts'],
    tests: ['test/waf/path-statements.test.ts'],
  },
  'nacl-return-traffic': {
    mutate: [`${SUBNET_RULES}/NaclReturnTraffic.ts`],
    tests: ['test/checks/nacl-return-traffic.test.ts', 'test/checks/registry.test.ts'],
  },
  'nacl-entry-quota': {
    mutate: [`${SUBNET_RULES}/NaclEntryQuota.ts`],
    tests: ['test/checks/nacl-entry-quota.test.ts', 'test/checks/registry.test.ts'],
  },
  'model-nacl': {
    mutate: ['src/analysis/model/model-nacl.ts'],
    tests: ['test/analysis/model/model-nacl.test.ts'],
  },
  'nacl-evaluator': {
    mutate: ['src/analysis/model/nacl-evaluator.ts'],
    tests: ['test/analysis/model/nacl-evaluator.test.ts', 'test/analysis/model/model-nacl.test.ts'],
  },
  'nacl-plan': {
    mutate: ['src/nacl/plan.ts'],
    tests: ['test/nacl/plan.test.ts'],
  },
  // The other subnet rules in three groups: about 690 mutants in all, and one group took an hour.
  'nacl-vpc-rules': {
    mutate: [`${SUBNET_RULES}/NaclDenyOwnVpc.ts`, `${SUBNET_RULES}/NaclIpv6WithoutVpcIpv6.ts`],
    // NaclIpv6WithoutVpcIpv6 is tested on templates only.
    tests: [
      'test/checks/subnet.test.ts',
      'test/checks/registry.test.ts',
      'test/analysis/subnet/nacl-deny-own-vpc.test.ts',
      'test/analysis/subnet/nacl-ipv6-without-vpc-ipv6.test.ts',
    ],
  },
  'nacl-order-rules': {
    mutate: [`${SUBNET_RULES}/NaclAllowlist.ts`, `${SUBNET_RULES}/NaclDeadEntry.ts`, `${SUBNET_RULES}/NaclDenyShadowed.ts`, `${SUBNET_RULES}/NaclDuplicateRuleNumber.ts`],
    // precision.test.ts: duplicate rule numbers report the duplicate only.
    tests: ['test/checks/subnet.test.ts', 'test/checks/registry.test.ts', 'test/analysis/subnet/nacl-order-rules.test.ts', 'test/analysis/precision.test.ts'],
  },
  'subnet-rules': {
    mutate: [`${SUBNET_RULES}/NaclSubnetConflict.ts`, `${SUBNET_RULES}/NaclUnassociated.ts`, `${SUBNET_RULES}/nacl-scopes.ts`],
    // precision.test.ts: entries on imported or unresolved NACLs.
    tests: [
      'test/checks/subnet.test.ts',
      'test/checks/registry.test.ts',
      'test/analysis/subnet/nacl-subnet-conflict.test.ts',
      'test/analysis/subnet/nacl-unassociated.test.ts',
      'test/analysis/precision.test.ts',
    ],
  },
  'waf-transformations': {
    mutate: ['src/analysis/model/waf-transformations.ts'],
    tests: ['test/analysis/model/waf-transformations.test.ts'],
  },
  'waf-evaluator': {
    mutate: ['src/analysis/model/waf-evaluator.ts'],
    tests: ['test/analysis/model/waf-evaluator.test.ts'],
  },
  // The application rules in five groups: about 1,240 mutants in all at about 11 a minute (one group took two hours).
  'waf-forwarded-ip': {
    mutate: [`${APPLICATION_RULES}/WafForwardedIpFailOpen.ts`, `${APPLICATION_RULES}/WafForwardedIpSpoofable.ts`],
    // WafForwardedIpSpoofable is tested on templates only.
    tests: ['test/checks/application.test.ts', 'test/checks/registry.test.ts', 'test/analysis/application/forwarded-ip-and-allowlist.test.ts'],
  },
  'waf-direct-reach': {
    mutate: [`${APPLICATION_RULES}/WafForwardedIpDirectReach.ts`, `${APPLICATION_RULES}/PublicEndpointWithoutWaf.ts`],
    tests: [
      'test/checks/application.test.ts',
      'test/checks/registry.test.ts',
      'test/analysis/application/forwarded-ip-direct-reach.test.ts',
      'test/analysis/application/public-endpoint-without-waf.test.ts',
      'test/analysis/precision.test.ts',
    ],
  },
  'waf-path-bypass': {
    mutate: [`${APPLICATION_RULES}/WafPathBypass.ts`],
    tests: ['test/checks/application.test.ts', 'test/checks/registry.test.ts', 'test/analysis/application/waf-allow-shadows-block.test.ts', 'test/analysis/model/waf-statements-tree.test.ts'],
  },
  'waf-statement-rules': {
    mutate: [`${APPLICATION_RULES}/WafAllowShadowsBlock.ts`, `${APPLICATION_RULES}/waf-statements.ts`, `${APPLICATION_RULES}/waf-evaluation.ts`],
    tests: [
      'test/checks/application.test.ts',
      'test/checks/registry.test.ts',
      'test/analysis/application/waf-allow-shadows-block.test.ts',
      'test/analysis/application/waf-statements.test.ts',
      'test/analysis/model/waf-statements-tree.test.ts',
    ],
  },
  'application-rules': {
    mutate: [
      `${APPLICATION_RULES}/WafAllowlistVeryBroad.ts`,
      `${APPLICATION_RULES}/WafCapacity*.ts`,
      `${APPLICATION_RULES}/waf-capacity-rule.ts`,
      `${APPLICATION_RULES}/WafLogging.ts`,
      `${APPLICATION_RULES}/WafUnassociated.ts`,
    ],
    // WafAllowlistVeryBroad is tested on templates only.
    tests: [
      'test/checks/application.test.ts',
      'test/checks/registry.test.ts',
      'test/analysis/application/forwarded-ip-and-allowlist.test.ts',
      'test/analysis/application/waf-logging-and-association.test.ts',
      'test/analysis/precision.test.ts',
      'test/analysis/model/waf-statements-tree.test.ts',
    ],
  },
  'ip-parse': {
    mutate: ['src/ip/**/*.ts', 'src/private/ip/parse.ts', 'src/private/ip/format.ts', 'src/private/ip/embedded-ipv4.ts', 'src/private/ip/types.ts', 'src/private/ip/uint128.ts'],
    tests: ['test/ip/cidr.test.ts', 'test/ip/parse.test.ts', 'test/ip/embedded-ipv4.test.ts', 'test/ip/uint128.test.ts'],
  },
  'ip-scan': {
    mutate: ['src/private/ip/scan.ts', 'src/private/ip/text-list.ts'],
    tests: ['test/ip/scan.test.ts', 'test/ip/parse.test.ts', 'test/ip/text-list.test.ts'],
  },
  // The merge in three groups (about 1,000 mutants; one group took over an hour and a half, and the radix sort's
  // mutants that loop forever each wait for the timeout).
  'ip-bulk-merge': {
    mutate: ['src/private/ip/bulk-merge.ts'],
    // parse.test.ts: the bulk merge's refusals and host-bit normalization (its entries, with their index).
    tests: ['test/ip/merge.test.ts', 'test/ip/cidr.test.ts', 'test/ip/parse.test.ts', 'test/analysis/model/fast-paths.test.ts'],
  },
  'ip-radix-sort': {
    mutate: ['src/private/ip/radix-sort.ts'],
    tests: ['test/ip/merge.test.ts', 'test/ip/radix-sort.test.ts', 'test/ip/cidr.test.ts', 'test/analysis/model/fast-paths.test.ts'],
  },
  'ip-merge': {
    mutate: ['src/private/ip/merge.ts', 'src/private/ip/ranges.ts'],
    // fast-paths.test.ts: mergeRanges against a sort-and-join reference, invalid ranges included.
    tests: ['test/ip/merge.test.ts', 'test/ip/radix-sort.test.ts', 'test/ip/cidr.test.ts', 'test/analysis/model/fast-paths.test.ts'],
  },
  'ip-cover': {
    mutate: ['src/private/ip/cover.ts'],
    tests: ['test/ip/cover.test.ts'],
  },
};

const REPORT_DIR = join('reports', 'mutation');

interface FileReport {
  readonly mutants: ReadonlyArray<{ readonly status: string; readonly static?: boolean }>;
}

/** Stryker's mutation score: detected (killed or timed out) over valid mutants (compile errors and ignored excluded). */
export function score(mutants: FileReport['mutants']): { detected: number; valid: number } {
  let detected = 0;
  let valid = 0;
  for (const m of mutants) {
    if (m.status === 'Killed' || m.status === 'Timeout') {
      detected++;
      valid++;
    } else if (m.status === 'Survived' || m.status === 'NoCoverage') {
      valid++;
    }
  }
  return { detected, valid };
}

function percent(s: { detected: number; valid: number }): string {
  return s.valid === 0 ? 'n/a' : `${((100 * s.detected) / s.valid).toFixed(1)}%`;
}

function runGroup(name: string, group: Group, concurrency: number, typecheck: boolean): string[] {
  mkdirSync('.stryker-tmp', { recursive: true });
  const reportFile = join(REPORT_DIR, `${name}.json`);
  const config = {
    packageManager: 'npm',
    testRunner: 'jest',
    // The TypeScript checker drops mutants that do not compile before they run, but it rebuilds the whole dev
    // project for each group of mutants: on a busy two-core machine that is the slowest part of a run. Without it,
    // a mutant that does not compile still runs (Stryker adds @ts-nocheck) and is counted, which can only lower
    // the score.
    checkers: typecheck ? ['typescript'] : [],
    tsconfigFile: 'tsconfig.dev.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: 'perTest',
    concurrency,
    mutate: group.mutate,
    jest: {
      projectType: 'custom',
      enableFindRelatedTests: false,
      config: {
        testMatch: group.tests.map((t) => `<rootDir>/${t}`),
        collectCoverage: false,
        reporters: ['default'],
      },
    },
    // event-recorder: each tested mutant lands in reports/mutation/<group>-events/ as it is tested, so survivors can
    // be read (`npx ts-node build-tools/mutation.ts --survivors <group>`) while a long run goes on.
    reporters: ['clear-text', 'json', 'progress-append-only', 'event-recorder'],
    eventReporter: { baseDir: join(REPORT_DIR, `${name}-events`) },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    jsonReporter: { fileName: reportFile },
    tempDirName: '.stryker-tmp',
    ignorePatterns: ['/lib', '/dist', '/.jsii', '/cdk.out*', '/reports', '/coverage', '/test-reports', '/bench/results', '/API.md'],
    // Mutants that loop forever (a dropped band guard, a lost wrap-around) are cut off soon after the tests' own time.
    timeoutMS: 10_000,
    dryRunTimeoutMinutes: 20,
  };
  const configFile = join('.stryker-tmp', `${name}.config.json`);
  writeFileSync(configFile, JSON.stringify(config, undefined, 2));
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', configFile], { stdio: 'inherit' });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  if (run.status !== 0 || !existsSync(reportFile)) {
    return [`${name}: failed (stryker exit ${run.status}, ${minutes} min)`];
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { files: Record<string, FileReport> };
  const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
  const total = score(files.flatMap(([, f]) => f.mutants));
  const lines = [`${name}: ${percent(total)} (${total.detected}/${total.valid} mutants detected, ${minutes} min)`];
  for (const [file, f] of files) {
    const s = score(f.mutants);
    const survivors = f.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').length;
    // Static mutants live in code that runs at module load: every test reruns for each of them.
    const statics = f.mutants.filter((m) => m.static).length;
    lines.push(`  ${file}: ${percent(s)} (${survivors} survived, ${statics} static)`);
  }
  return lines;
}

/** The survivors a run has recorded so far (its event-recorder files), one line each: file:line, mutator, replacement. */
function survivorsSoFar(name: string): string[] {
  const dir = join(REPORT_DIR, `${name}-events`);
  if (!existsSync(dir)) {
    throw new Error(`No events for ${name} in ${dir}: start the group's run first`);
  }
  const lines: string[] = [];
  let tested = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('-onMutantTested.json')).sort()) {
    const m = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      status: string;
      fileName: string;
      mutatorName: string;
      replacement?: string;
      location: { start: { line: number; column: number }; end: { line: number; column: number } };
    };
    tested++;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      // The span, not only its start: several mutants start at one place (`a && b` and its `a`).
      const { start, end } = m.location;
      const where = `${relative(process.cwd(), m.fileName)}:${start.line}:${start.column}-${end.line === start.line ? '' : `${end.line}:`}${end.column}`;
      lines.push(`${where} ${m.status} ${m.mutatorName}: ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 120)}`);
    }
  }
  return [`${name}: ${lines.length} survivors in ${tested} mutants tested so far`, ...lines];
}

function main(args: string[]): void {
  const survivorsArg = args.indexOf('--survivors');
  if (survivorsArg >= 0) {
    console.log(survivorsSoFar(args[survivorsArg + 1]).join('\n'));
    return;
  }
  const concurrencyArg = args.find((a) => a.startsWith('--concurrency='));
  const concurrency = concurrencyArg ? Number(concurrencyArg.split('=')[1]) : 1;
  const typecheck = args.includes('--typecheck');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in GROUPS));
  if (unknown.length > 0) {
    throw new Error(`Unknown mutation group(s) ${unknown.join(', ')}; the groups are: ${Object.keys(GROUPS).join(', ')}`);
  }
  const summary: string[] = [];
  for (const name of names.length > 0 ? names : Object.keys(GROUPS)) {
    summary.push(...runGroup(name, GROUPS[name], concurrency, typecheck));
  }
  console.log(`\nMutation scores (${new Date().toISOString().slice(0, 10)}):`);
  console.log(summary.join('\n'));
}

if (require.main === module) {
  main(process.argv.slice(2));
}
