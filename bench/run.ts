/**
 * Runs every `bench/*.bench.ts` case (or those whose file or case name contains the first argument; a filter that
 * names files loads only those files):
 *
 *   npx projen bench [filter]
 *
 * Each case runs in child processes of its own, so no case runs in the heap another case left behind: a CDK synth
 * leaves tens of MB reachable in aws-cdk-lib's global caches, and a merge timed after twenty synths pays for
 * collecting them. (A child still builds the inputs of every case of its file, as `cases()` does.) A case runs in
 * {@link FORKS} such processes unless its first one is long, and the one with the median ratio is reported. Inside
 * each process our side and the peer run on the same input: warm-up runs, then interleaved rounds (ours first on
 * even rounds, peer first on odd ones, so neither always meets a cold cache or a pending collection).
 *
 * A round times one batch of each side: as many consecutive runs as fill {@link MIN_BATCH_MS} (counted once, after
 * the warm-up). A side that takes only milliseconds is so timed over several runs, and every sample spans that
 * side's own young-generation collections instead of landing before or after one: single runs of a 7 ms merge that
 * allocates 4 MB of output strings take 7 or 10 ms depending on whether a scavenge falls inside them, which made
 * their median flip between the two from one benchmark run to the next. The figure is the median over rounds of the
 * mean time per run. A young-generation collection falls on whichever side allocates when the young generation
 * fills, so over a batch each side pays about its share of the collections its own allocation causes.
 *
 * A failed check, a throwing case or a crashed child exits non-zero. A missed goal is printed as MISSED but does not
 * fail: timings on a shared 2-core machine vary by tens of percent from run to run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BenchCase, BenchGoal } from './harness';

interface BenchModule {
  readonly cases?: () => Promise<BenchCase[]> | BenchCase[];
}

interface CaseResult {
  readonly name: string;
  readonly peerName: string;
  readonly oursMs: number;
  readonly peerMs?: number;
  readonly rounds: number;
  readonly oursBatch: number;
  readonly peerBatch: number;
  readonly goal: string;
  readonly check: string;
  readonly failed: boolean;
  /** What the case's `report` printed, if it has one. */
  readonly notes?: string;
  /** Each fork's ratio (ours ms when there is no peer), in the order they ran. */
  readonly forkFigures?: number[];
}

const WARMUP_RUNS = 3;
const MIN_ROUNDS = 7;
const MAX_ROUNDS = 41;
/** How long the timed rounds of one case should take in all. */
const TARGET_CASE_MS = 4000;
/** A batch repeats a side until it lasts about this long. */
const MIN_BATCH_MS = 100;
/**
 * Each case runs in this many processes (forks, as JMH calls them), and the fork with the median ratio is reported:
 * two processes running the same code on the same input can differ by 20% or more (heap sizing, code placement),
 * more than the rounds within one process do.
 */
const FORKS = 3;
/**
 * A case stops adding forks once they have taken this long each on average. Whole-app synths (about a minute per
 * fork) still get all three: a single process of seven synth rounds put the aspect's overhead anywhere from 1.10x
 * to 1.31x.
 */
const FORK_BUDGET_MS = 120_000;
/** Prefix of the line a child prints its result on. */
const RESULT_MARKER = 'BENCH_RESULT ';
const CHILD_FLAG = '--case';

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Mean time per run of `size` consecutive runs. */
function timeBatch(run: () => unknown, size: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < size; i++) {
    run();
  }
  return elapsedMs(start) / size;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs a side until {@link MIN_BATCH_MS} have passed: how many runs that took (its batch size) and how long. */
function calibrate(run: () => unknown): { runs: number; ms: number } {
  const start = process.hrtime.bigint();
  let runs = 0;
  let ms = 0;
  while (ms < MIN_BATCH_MS) {
    run();
    runs++;
    ms = elapsedMs(start);
  }
  return { runs, ms };
}

function roundsFor(roundMs: number): number {
  const rounds = Math.ceil(TARGET_CASE_MS / Math.max(roundMs, 0.01));
  const clamped = Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, rounds));
  return clamped % 2 === 1 ? clamped : clamped + 1;
}

function judgeGoal(goal: BenchGoal | undefined, oursMs: number, peerMs: number | undefined): string {
  if (goal === undefined) {
    return '-';
  }
  const misses: string[] = [];
  const parts: string[] = [];
  if (goal.minSpeedup !== undefined) {
    parts.push(`speedup >= ${goal.minSpeedup}`);
    if (peerMs === undefined || peerMs / oursMs < goal.minSpeedup) {
      misses.push('speedup');
    }
  }
  if (goal.maxRatio !== undefined) {
    parts.push(`ratio <= ${goal.maxRatio}`);
    if (peerMs === undefined || oursMs / peerMs > goal.maxRatio) {
      misses.push('ratio');
    }
  }
  if (goal.maxOursMs !== undefined) {
    parts.push(`ours <= ${goal.maxOursMs} ms`);
    if (oursMs > goal.maxOursMs) {
      misses.push('time');
    }
  }
  return `${parts.join(', ')}: ${misses.length === 0 ? 'met' : `MISSED (${misses.join(', ')})`}`;
}

function runCase(benchCase: BenchCase): CaseResult {
  const peer = benchCase.peer;
  let oursOutput: unknown;
  let peerOutput: unknown;
  for (let run = 0; run < Math.max(1, benchCase.runs?.warmup ?? WARMUP_RUNS); run++) {
    oursOutput = benchCase.ours();
    peerOutput = peer?.();
  }
  const ours = calibrate(benchCase.ours);
  const theirs = peer === undefined ? undefined : calibrate(peer);
  const oursBatch = ours.runs;
  const peerBatch = theirs?.runs ?? 0;
  const rounds = benchCase.runs?.rounds ?? roundsFor(ours.ms + (theirs?.ms ?? 0));
  const oursTimes: number[] = [];
  const peerTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0 || peer === undefined) {
      oursTimes.push(timeBatch(benchCase.ours, oursBatch));
      if (peer !== undefined) peerTimes.push(timeBatch(peer, peerBatch));
    } else {
      peerTimes.push(timeBatch(peer, peerBatch));
      oursTimes.push(timeBatch(benchCase.ours, oursBatch));
    }
  }
  let check = benchCase.check === undefined ? 'no check' : 'equal';
  let failed = false;
  try {
    benchCase.check?.(oursOutput, peerOutput);
  } catch (error) {
    check = `FAILED: ${error instanceof Error ? error.message : String(error)}`;
    failed = true;
  }
  const oursMs = median(oursTimes);
  const peerMs = peer === undefined ? undefined : median(peerTimes);
  let notes: string | undefined;
  if (!failed && benchCase.report !== undefined) {
    notes = benchCase.report(oursOutput, peerOutput, { oursMs, peerMs });
  }
  return {
    name: benchCase.name,
    peerName: benchCase.peerName,
    oursMs,
    peerMs,
    rounds,
    oursBatch,
    peerBatch,
    goal: judgeGoal(benchCase.goal, oursMs, peerMs),
    check,
    failed,
    notes,
  };
}

function formatMs(ms: number | undefined): string {
  return ms === undefined ? '-' : ms.toFixed(2);
}

function printResult(result: CaseResult): void {
  const ratio = result.peerMs === undefined ? '-' : (result.oursMs / result.peerMs).toFixed(3);
  const speedup = result.peerMs === undefined ? '-' : `${(result.peerMs / result.oursMs).toFixed(1)}x`;
  const batches = result.peerMs === undefined ? `${result.oursBatch}` : `${result.oursBatch} + ${result.peerBatch}`;
  process.stdout.write(
    `${result.name}\n` +
      `  ours ${formatMs(result.oursMs)} ms | ${result.peerName} ${formatMs(result.peerMs)} ms | ratio ${ratio} | speedup ${speedup}\n` +
      `  goal ${result.goal} | check ${result.check} | ${result.rounds} rounds of ${batches} runs\n` +
      `  ${describeForks(result)}\n` +
      (result.notes === undefined ? '' : `  ${result.notes}\n`),
  );
}

function describeForks(result: CaseResult): string {
  const figures = result.forkFigures ?? [];
  const what = result.peerMs === undefined ? 'ours ms' : 'ratio';
  return figures.length <= 1
    ? `1 process (the case asks for one, or its first took over ${FORK_BUDGET_MS / 1000} s)`
    : `${figures.length} processes, median shown; ${what} in each: ${figures.map((f) => f.toFixed(result.peerMs === undefined ? 2 : 3)).join(', ')}`;
}

async function loadCases(file: string): Promise<BenchCase[] | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const benchModule = require(path.join(__dirname, file)) as BenchModule;
  return benchModule.cases === undefined ? undefined : benchModule.cases();
}

/** In a child: runs case `index` of `file` and prints its result as one JSON line. */
async function runChild(file: string, index: number): Promise<number> {
  const selected = (await loadCases(file))?.[index];
  if (selected === undefined) {
    throw new Error(`${file} has no case ${index}`);
  }
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(runCase(selected))}\n`);
  return 0;
}

/** Runs one case in a fresh Node process (the same TypeScript loader as this one) and reads back its result. */
function runInChild(file: string, index: number, benchCase: BenchCase): CaseResult {
  const child = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', __filename, CHILD_FLAG, file, String(index)],
    {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.dev.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const lines = (child.stdout ?? '').split('\n');
  const line = lines.find((text) => text.startsWith(RESULT_MARKER));
  // Anything else the case printed is passed on.
  const other = lines.filter((text) => text !== '' && !text.startsWith(RESULT_MARKER));
  if (other.length > 0) {
    process.stdout.write(`${other.join('\n')}\n`);
  }
  if (child.status !== 0 || line === undefined) {
    const why = child.error?.message ?? `exit ${String(child.status ?? child.signal)}`;
    return { name: benchCase.name, peerName: benchCase.peerName, oursMs: NaN, rounds: 0, oursBatch: 0, peerBatch: 0, goal: '-', check: `FAILED: the case's process ended without a result (${why})`, failed: true };
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as CaseResult;
}

/** Runs a case in up to {@link FORKS} processes; returns the fork with the median ratio, with every fork's ratio. */
function runForks(file: string, index: number, benchCase: BenchCase): CaseResult {
  const forks: CaseResult[] = [];
  const start = process.hrtime.bigint();
  do {
    const fork = runInChild(file, index, benchCase);
    forks.push(fork);
    if (fork.failed) {
      return fork;
    }
  } while (forks.length < (benchCase.runs?.forks ?? FORKS) && elapsedMs(start) <= FORK_BUDGET_MS * forks.length);
  const figure = (fork: CaseResult) => (fork.peerMs === undefined ? fork.oursMs : fork.oursMs / fork.peerMs);
  const sorted = [...forks].sort((a, b) => figure(a) - figure(b));
  const middle = sorted[(sorted.length - 1) >> 1];
  return { ...middle, goal: judgeGoal(benchCase.goal, middle.oursMs, middle.peerMs), forkFigures: forks.map(figure) };
}

async function main(): Promise<number> {
  if (process.argv[2] === CHILD_FLAG) {
    return runChild(process.argv[3], Number(process.argv[4]));
  }
  const filter = process.argv[2] ?? '';
  const all = fs.readdirSync(__dirname).filter((file) => file.endsWith('.bench.ts')).sort();
  // A filter that names files loads only them: other files' cases() may synthesize apps just to build their inputs.
  const named = all.filter((file) => filter !== '' && file.includes(filter));
  const files = named.length > 0 ? named : all;
  let failures = 0;
  process.stdout.write(
    `node ${process.version}; each case in up to ${FORKS} processes of its own, the median one shown; in each, the median over interleaved rounds `
      + `of the mean per run, after ${WARMUP_RUNS} warm-up runs; goals are advisory (shared machine)\n\n`,
  );
  for (const file of files) {
    const cases = await loadCases(file);
    if (cases === undefined) {
      process.stdout.write(`${file}: exports no cases(); skipped\n`);
      continue;
    }
    for (const [index, benchCase] of cases.entries()) {
      if (!file.includes(filter) && !benchCase.name.includes(filter)) {
        continue;
      }
      const result = runForks(file, index, benchCase);
      printResult(result);
      failures += result.failed ? 1 : 0;
    }
  }
  process.stdout.write(failures === 0 ? '\nall checks passed\n' : `\n${failures} case(s) FAILED\n`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
