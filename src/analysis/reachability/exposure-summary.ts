// The exposure analysis as a few lines a reviewer reads after synth: each data store, who can reach it (the internet
// and each workload group), on which ports, and which layer decides. CDK-free; prints nothing (callers print).
import { Decision, FlowLayerName } from './decision';
import { DATA_CLASSIFICATION_TAG_KEY, DataStoreExposure, describeRanges, E_PHI_TAG_VALUE, ExposureRange, SourceExposure } from './exposure';

const LAYER_NAMES: Record<FlowLayerName, string> = {
  'placement': 'placement',
  'route': 'route',
  'nacl': 'NACL',
  'security-group': 'security group',
  'load-balancer': 'load balancer listener',
  'waf': 'WAF',
  'firewall': 'Network Firewall',
};

/** The summary's lines, unindented; "no data stores" in one line when there are none. */
export function formatExposureSummary(exposures: readonly DataStoreExposure[]): string[] {
  if (exposures.length === 0) {
    return [`Exposure: no data stores (RDS, ElastiCache, OpenSearch in a VPC, EFS mount targets, or workloads tagged ${DATA_CLASSIFICATION_TAG_KEY}=${E_PHI_TAG_VALUE}).`];
  }
  const lines = [`Exposure of ${exposures.length} data store${exposures.length === 1 ? '' : 's'} (who can reach each, on which ports, and which layer decides):`];
  for (const exposure of exposures) {
    lines.push(`  ${exposure.store.workload.resource.path} (${exposure.store.reason})`);
    const blocked: SourceExposure[] = [];
    for (const source of exposure.sources) {
      if (source.verdict === 'BLOCKED' && source.group !== undefined) {
        blocked.push(source);
        continue;
      }
      lines.push(`    ${sourceLine(source)}`);
    }
    if (blocked.length > 0) {
      const layers = new Set(blocked.flatMap((s) => s.ranges.flatMap((r) => r.decisions.map((d) => LAYER_NAMES[d.layer]))));
      lines.push(`    ${blocked.length} workload group${blocked.length === 1 ? '' : 's'} blocked on every port (by ${[...layers].join(', ')}): ${blocked.map((s) => s.description).join('; ')}`);
    }
  }
  return lines;
}

function sourceLine(source: SourceExposure): string {
  if (source.verdict === 'BLOCKED') {
    return `${source.description}: blocked on every port by ${layersOf(source.ranges)}`;
  }
  const parts: string[] = [];
  const reachable = source.ranges.filter((r) => r.verdict === 'REACHABLE');
  if (reachable.length > 0) {
    parts.push(`REACHABLE on ${describeRanges(source, 'REACHABLE')} (admitted by ${unique(reachable.flatMap((r) => r.decisions.map(admittedBy))).join('; ')})`);
  }
  const unknown = source.ranges.filter((r) => r.verdict === 'UNKNOWN');
  if (unknown.length > 0) {
    parts.push(`UNKNOWN on ${describeRanges(source, 'UNKNOWN')} (not known at synth: ${unique(unknown.flatMap((r) => r.decisions.map((d) => d.message))).slice(0, 3).join('; ')})`);
  }
  const blocked = source.ranges.filter((r) => r.verdict === 'BLOCKED');
  if (blocked.length > 0) {
    parts.push(`blocked elsewhere by ${layersOf(blocked)}`);
  }
  return `${source.description}: ${parts.join('; ')}`;
}

function layersOf(ranges: readonly ExposureRange[]): string {
  return unique(ranges.flatMap((r) => r.decisions.map((d) => LAYER_NAMES[d.layer]))).join(', ');
}

function admittedBy(d: Decision): string {
  const where = d.resource ? d.resource.path : LAYER_NAMES[d.layer];
  return d.entry ? `${where} "${d.entry}"` : where;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
