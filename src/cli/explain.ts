// `cdk-layered-defense explain`: one flow through an app's templates, answered by the reachability engine
// (../analysis/reachability/explain.ts). This file turns the command line's endpoints (internet, an address, a logical
// id, `Stack/LogicalId` or a construct path) into the engine's sources and destinations, and its answer into text or
// JSON. CDK-free, like the rest of the CLI.
import { UsageError } from './args';
import type { ModelResource } from '../analysis/model/resource';
import type { Decision, FlowLayerName } from '../analysis/reachability/decision';
import type { FlowAnswer, FlowSource } from '../analysis/reachability/explain';
import { formatAnswer, ReachabilityModel } from '../analysis/reachability/explain';
import { parseCidrOrReason } from '../private/ip';

export type ExplainFormat = 'text' | 'json';
export const EXPLAIN_FORMATS: readonly ExplainFormat[] = ['text', 'json'];

export type ExpectedVerdict = 'reachable' | 'blocked';
export const EXPECTED_VERDICTS: readonly ExpectedVerdict[] = ['reachable', 'blocked'];

/** The version of the JSON shape below; it changes only when a field changes meaning or goes away. */
export const EXPLAIN_JSON_VERSION = 1;

/** An endpoint as the command line named it, resolved against the model. */
export interface ResolvedEndpoint {
  readonly given: string;
  readonly source: FlowSource;
  /** The workloads it stands for (none for the internet or an address). */
  readonly workloads: readonly ModelResource[];
}

/** The JSON layer names: the same as the jsii API's `FlowLayer`. */
const LAYER_NAMES: Readonly<Record<FlowLayerName, string>> = {
  'placement': 'PLACEMENT',
  'route': 'ROUTE',
  'nacl': 'NACL',
  'security-group': 'SECURITY_GROUP',
  'load-balancer': 'LOAD_BALANCER',
  'waf': 'WAF',
  'firewall': 'NETWORK_FIREWALL',
};

const WORKLOAD_KINDS = 'a load balancer, instance, auto scaling group, ECS service, Lambda function in a VPC, RDS instance or cluster, '
  + 'ElastiCache cluster, OpenSearch domain in a VPC, EFS mount target or interface endpoint';

/** How many close names an unknown endpoint lists. */
const MAX_CANDIDATES = 5;

/**
 * Resolves `--from` or `--to`. `internet`, `internet-ipv6` and an IPv4/IPv6 address or CIDR stand for themselves (a
 * source, or the destination of a flow that starts at workloads);
 * anything else names workloads: `Stack/LogicalId` (the stack's name or its assembly id), a construct path (the
 * workloads under it, from the templates' `aws:cdk:path` metadata), or a logical id that is unique in the app.
 */
export function resolveEndpoint(given: string, option: '--from' | '--to', model: ReachabilityModel): ResolvedEndpoint {
  const text = given.trim();
  if (text === '') {
    throw new UsageError(`${option} needs a value: internet, an IP address or CIDR, a logical id, Stack/LogicalId or a construct path`);
  }
  if (text.toLowerCase() === 'internet') {
    return { given, source: { kind: 'internet' }, workloads: [] };
  }
  if (text.toLowerCase() === 'internet-ipv6') {
    return { given, source: { kind: 'internet', ipv6: true }, workloads: [] };
  }
  if (looksLikeAddress(text)) {
    const parsed = parseCidrOrReason(text, { normalizeHostBits: true });
    if (typeof parsed === 'string') {
      throw new UsageError(`${option} '${given}' is not an IP address or CIDR: ${parsed}`);
    }
    return { given, source: { kind: 'address', cidr: text }, workloads: [] };
  }
  const resources = namedResources(text, option, model);
  const workloads = resources.filter((r) => model.workload(r.key) !== undefined);
  if (workloads.length === 0) {
    const what = resources.map((r) => `${r.type} ${r.stack.stackName}/${r.logicalId}`);
    throw new UsageError(`${option} '${given}' names ${what.length === 1 ? what[0] : `${what.length} resources (${what.slice(0, 3).join(', ')}${what.length > 3 ? ', ...' : ''})`}, `
      + `which ${what.length === 1 ? 'is' : 'are'} not a workload: name ${WORKLOAD_KINDS}`);
  }
  return {
    given,
    source: { kind: 'workloads', keys: workloads.map((w) => w.key), description: text.replace(/^\//, '') },
    workloads,
  };
}

/** The resources a name stands for: exactly one way of naming matches, or the name is ambiguous or unknown. */
function namedResources(text: string, option: string, model: ReachabilityModel): ModelResource[] {
  const all = [...model.network.resources.values()];
  const bare = text.replace(/^\//, '');

  // Stack/LogicalId, by stack name or assembly id (a nested stack's id is `<parent>/<logicalId>`).
  const qualified = all.filter((r) => bare === `${r.stack.stackName}/${r.logicalId}` || bare === `${r.stack.id}/${r.logicalId}`);
  if (qualified.length > 0) {
    return qualified;
  }

  // A construct path: the resource at it, or every resource under it.
  const underPath = all.filter((r) => r.cdkPath !== undefined && (r.cdkPath === bare || r.cdkPath.startsWith(`${bare}/`)));
  if (underPath.length > 0) {
    return underPath;
  }

  // A logical id, unique in the app.
  const byLogicalId = all.filter((r) => r.logicalId === bare);
  const stacks = [...new Set(byLogicalId.map((r) => r.stack.stackName))];
  if (stacks.length > 1) {
    const choices = byLogicalId.map((r) => `${r.stack.stackName}/${r.logicalId}${r.cdkPath ? ` (or ${withoutResource(r.cdkPath)})` : ''}`);
    throw new UsageError(`${option} '${text}' is a logical id in ${stacks.length} stacks (${stacks.join(', ')}): name one as ${choices.join(', ')}`);
  }
  if (byLogicalId.length > 0) {
    return byLogicalId;
  }

  const close = candidates(bare, model);
  throw new UsageError(`${option} '${text}' is not internet, an IP address or CIDR, or a resource of the app`
    + (close.length > 0 ? `; did you mean ${close.join(', ')}?` : `; the app has no workload (${WORKLOAD_KINDS})`));
}

/** Names of workloads close to what was typed: by logical id, `Stack/LogicalId` or construct path. */
function candidates(given: string, model: ReachabilityModel): string[] {
  const wanted = given.toLowerCase();
  const scored = model.workloads.map((w) => {
    const r = w.resource;
    const qualified = `${r.stack.stackName}/${r.logicalId}`;
    const forms = [r.logicalId, qualified, ...(r.cdkPath ? [withoutResource(r.cdkPath)] : [])];
    const score = Math.min(...forms.map((f) => {
      const form = f.toLowerCase();
      return form.includes(wanted) || wanted.includes(form) ? Math.abs(form.length - wanted.length) / 100 : editDistance(wanted, form);
    }));
    // Unique names read best: the logical id when no other stack has it, else Stack/LogicalId.
    const unique = model.workloads.filter((o) => o.resource.logicalId === r.logicalId).length === 1;
    return { name: unique ? r.logicalId : qualified, path: r.cdkPath ? withoutResource(r.cdkPath) : undefined, score };
  });
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return scored.filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, MAX_CANDIDATES)
    .map((s) => (s.path && s.path !== s.name ? `${s.name} (${s.path})` : s.name));
}

/** `Data/Db/Resource` reads as `Data/Db`: the L2 construct a user wrote. */
function withoutResource(cdkPath: string): string {
  return cdkPath.replace(/\/Resource$/, '');
}

/** Levenshtein distance; names are short. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length];
}

/** An address or CIDR, IPv4 (`10.0.0.5`, `10.0.0.0/16`) or IPv6 (anything with a colon). */
function looksLikeAddress(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(text) || (text.includes(':') && /^[0-9a-fA-F:.]+(\/\d+)?$/.test(text));
}

export function parsePort(given: string | undefined): number {
  if (given === undefined) {
    throw new UsageError('explain needs --port N (the destination port, 0-65535)');
  }
  if (!/^\d+$/.test(given) || Number(given) > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, not '${given}'`);
  }
  return Number(given);
}

/** The answer as text: what `NetworkReachability.assertBlocked` throws, plus the expectation when one was given. */
export function renderExplainText(answer: FlowAnswer, expected?: ExpectedVerdict): string {
  const lines = [formatAnswer(answer)];
  if (expected !== undefined) {
    lines.push(asExpected(answer, expected)
      ? `Expected: ${expected.toUpperCase()} (as expected)`
      : `Expected: ${expected.toUpperCase()}, but the answer is ${answer.verdict}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ExplainQueryJson {
  readonly from: ResolvedEndpoint;
  readonly to: ResolvedEndpoint;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  readonly httpPath?: string;
  readonly domain?: string;
}

/**
 * The answer as JSON (documented in the README, "Who can reach e-PHI"). Every key is always present (null when it does
 * not apply), so scripts can rely on the shape:
 * `{ version, query: { from, to, port, protocol, httpPath, domain }, flow, verdict, expected, asExpected, blockers, unknowns,
 * hops, notes }`, each decision `{ layer, code, stackName, logicalId, cdkPath, file, decidingEntry, message }`.
 */
export function renderExplainJson(answer: FlowAnswer, query: ExplainQueryJson, expected?: ExpectedVerdict): string {
  const endpoint = (e: ResolvedEndpoint) => ({
    given: e.given,
    kind: e.source.kind,
    workloads: e.workloads.map((r) => ({ stackName: r.stack.stackName, logicalId: r.logicalId, type: r.type, cdkPath: r.cdkPath ?? null })),
  });
  const json = {
    version: EXPLAIN_JSON_VERSION,
    query: {
      from: endpoint(query.from),
      to: endpoint(query.to),
      port: query.port,
      protocol: query.protocol,
      httpPath: query.httpPath ?? null,
      domain: query.domain ?? null,
    },
    flow: answer.flow,
    verdict: answer.verdict,
    expected: expected?.toUpperCase() ?? null,
    asExpected: expected === undefined ? null : asExpected(answer, expected),
    blockers: answer.blockers.map(decisionJson),
    unknowns: answer.unknowns.map(decisionJson),
    hops: answer.hops.map(decisionJson),
    notes: answer.notes,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function decisionJson(d: Decision) {
  return {
    layer: LAYER_NAMES[d.layer],
    code: d.code,
    stackName: d.resource?.stack.stackName ?? null,
    logicalId: d.resource?.logicalId ?? null,
    cdkPath: d.resource?.cdkPath ?? null,
    file: d.resource?.stack.file ?? null,
    decidingEntry: d.entry ?? null,
    message: d.message,
  };
}

export function asExpected(answer: FlowAnswer, expected: ExpectedVerdict): boolean {
  return answer.verdict === expected.toUpperCase();
}
