/**
 * Run by the scale case of analysis.bench.ts in a fresh Node process: checks one cloud assembly as the CLI does and
 * prints one JSON line with the analysis time (after module loading) and the process's peak memory.
 *
 *   node -r ts-node/register/transpile-only bench/scale-child.ts <cdk.out>
 */
import { analyzePaths } from '../src/analysis/analyze';

const start = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const result = analyzePaths([process.argv[2]]);
const analysisMs = Number(process.hrtime.bigint() - start) / 1e6;
// CPU time (user + system) tells more than wall time on a loaded machine: of the analysis, and of the whole process.
const cpuAnalysis = process.cpuUsage(cpuBefore);
const cpuTotal = process.cpuUsage();
const analysisCpuMs = (cpuAnalysis.user + cpuAnalysis.system) / 1000;
const processCpuMs = (cpuTotal.user + cpuTotal.system) / 1000;
// resourceUsage().maxRSS is in kilobytes: the peak resident set of this process, module loading included.
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ stacks: result.stacks, resources: result.resources, findings: result.findings.length, analysisMs, analysisCpuMs, processCpuMs, peakRssMb, rssMb: process.memoryUsage().rss / 1048576 })}\n`);
