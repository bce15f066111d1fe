/**
 * Runs every `bench/*.bench.ts` (or those whose file or case name contains the first argument):
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json bench/run.ts [filter]
 *
 * Each case is warmed up, then both sides run alternately (ours first on even rounds, peer first on odd ones, so
 * neither always meets a cold cache or a pending GC) and the median is reported. A failed check or a throwing case
 * exits non-zero. A missed goal is printed as MISSED but does not fail: timings on a shared 2-core machine vary by
 * tens of percent from run to run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BenchCase, BenchGoal } from './harness';

interface BenchModule {
  readonly cases?: () => Promise<BenchCase[]> | BenchCase[];
}

interface CaseResult {
  readonly file: string;
  readonly name: string;
  readonly peerName: string;
  readonly oursMs: number;
  readonly peerMs?: number;
  readonly goal: string;
  readonly check: string;
  readonly failed: boolean;
}

const WARMUP_RUNS = 3;
const MIN_ROUNDS = 7;
const MAX_ROUNDS = 41;
const TARGET_ROUND_MS = 600;

function timeOnce(run: () => unknown): { ms: number; output: unknown } {
  const start = process.hrtime.bigint();
  const output = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, output };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function roundsFor(warmMs: number): number {
  const rounds = Math.ceil(TARGET_ROUND_MS / Math.max(warmMs, 0.01));
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

function runCase(file: string, benchCase: BenchCase): CaseResult {
  const peer = benchCase.peer;
  let oursOutput: unknown;
  let peerOutput: unknown;
  let warmMs = 0;
  for (let run = 0; run < WARMUP_RUNS; run++) {
    const ours = timeOnce(benchCase.ours);
    const theirs = peer === undefined ? { ms: 0, output: undefined } : timeOnce(peer);
    oursOutput = ours.output;
    peerOutput = theirs.output;
    warmMs = ours.ms + theirs.ms;
  }
  const oursTimes: number[] = [];
  const peerTimes: number[] = [];
  const rounds = roundsFor(warmMs);
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0 || peer === undefined) {
      oursTimes.push(timeOnce(benchCase.ours).ms);
      if (peer !== undefined) peerTimes.push(timeOnce(peer).ms);
    } else {
      peerTimes.push(timeOnce(peer).ms);
      oursTimes.push(timeOnce(benchCase.ours).ms);
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
  return { file, name: benchCase.name, peerName: benchCase.peerName, oursMs, peerMs, goal: judgeGoal(benchCase.goal, oursMs, peerMs), check, failed };
}

function formatMs(ms: number | undefined): string {
  return ms === undefined ? '-' : ms.toFixed(2);
}

function printResult(result: CaseResult): void {
  const ratio = result.peerMs === undefined ? '-' : (result.oursMs / result.peerMs).toFixed(3);
  const speedup = result.peerMs === undefined ? '-' : `${(result.peerMs / result.oursMs).toFixed(1)}x`;
  process.stdout.write(
    `${result.name}\n` +
      `  ours ${formatMs(result.oursMs)} ms | ${result.peerName} ${formatMs(result.peerMs)} ms | ratio ${ratio} | speedup ${speedup}\n` +
      `  goal ${result.goal} | check ${result.check}\n`,
  );
}

async function main(): Promise<number> {
  const filter = process.argv[2] ?? '';
  const files = fs.readdirSync(__dirname).filter((file) => file.endsWith('.bench.ts')).sort();
  let failures = 0;
  process.stdout.write(`node ${process.version}; median of interleaved rounds after ${WARMUP_RUNS} warm-up runs; goals are advisory (shared machine)\n\n`);
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const benchModule = require(path.join(__dirname, file)) as BenchModule;
    if (benchModule.cases === undefined) {
      process.stdout.write(`${file}: exports no cases(); skipped\n`);
      continue;
    }
    const selected = (await benchModule.cases()).filter((benchCase) => file.includes(filter) || benchCase.name.includes(filter));
    for (const benchCase of selected) {
      let result: CaseResult;
      try {
        result = runCase(file, benchCase);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result = { file, name: benchCase.name, peerName: benchCase.peerName, oursMs: NaN, goal: '-', check: `FAILED: threw ${message}`, failed: true };
      }
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
