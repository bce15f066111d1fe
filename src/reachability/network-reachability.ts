// The jsii face of reachability: build the model of every stack of an app (a CDK app, or a cloud assembly on disk),
// then explain or assert flows in unit tests. The engine is CDK-free (../analysis/reachability); this class only
// turns a CDK app or a directory into its inputs and its answers into jsii types.
import { Stack, Stage } from 'aws-cdk-lib';
import { DataStoreExposure } from './exposure';
import { FlowEndpoint } from './flow-endpoint';
import type { EndpointLookup } from './private/endpoint-lookup';
import { readApp } from '../analysis/cfn';
import { EphemeralPortRange } from '../analysis/options';
import { Decision } from '../analysis/reachability/decision';
import { FlowAnswer, formatAnswer, ReachabilityModel } from '../analysis/reachability/explain';
import { analyzeExposure, DataStoreExposure as CoreExposure } from '../analysis/reachability/exposure';
import { formatExposureSummary } from '../analysis/reachability/exposure-summary';
import { CdkAppTemplates } from '../frontdoors/cdk-app-templates';

/** The answer to a flow query. */
export enum FlowVerdict {
  /** Some path gets through every layer. */
  REACHABLE = 'REACHABLE',
  /** Every path is stopped; `blockers` says by what. */
  BLOCKED = 'BLOCKED',
  /** No layer blocks, but a value unknown at synth decides; `unknowns` names it. */
  UNKNOWN = 'UNKNOWN',
}

/** The transport protocol of a flow. */
export enum FlowProtocol {
  TCP = 'TCP',
  UDP = 'UDP',
}

/** The layer a decision belongs to. */
export enum FlowLayer {
  /** Where the workloads sit (subnets, groups); unknown placements. */
  PLACEMENT = 'PLACEMENT',
  /** Route tables, internet gateways, public addresses. */
  ROUTE = 'ROUTE',
  NACL = 'NACL',
  SECURITY_GROUP = 'SECURITY_GROUP',
  /** A load balancer's listeners: it ends the client's flow. */
  LOAD_BALANCER = 'LOAD_BALANCER',
  WAF = 'WAF',
  /** A Network Firewall endpoint on the routed path: its policy's stateless and stateful engines. */
  NETWORK_FIREWALL = 'NETWORK_FIREWALL',
}

/** One decision on a flow's path: what decided, where it is, and why. */
export interface FlowDecision {
  readonly layer: FlowLayer;
  /** A stable code, e.g. `NACL_INBOUND_DENY`, `SG_INGRESS_NO_RULE`, `NO_ROUTE_TO_INTERNET_GATEWAY`. */
  readonly code: string;
  /** The stack of the deciding resource. @default - nothing of the app decides */
  readonly stackName?: string;
  /** The deciding resource's logical id. @default - nothing of the app decides */
  readonly logicalId?: string;
  /** The deciding resource's construct path. @default - not known (a template without CDK metadata) */
  readonly cdkPath?: string;
  /** The deciding entry or rule (`rule 50`, `ingress tcp 443 from 0.0.0.0/0`). @default - the resource as a whole */
  readonly decidingEntry?: string;
  readonly message: string;
}

/** A flow to explain. */
export interface FlowQuery {
  readonly from: FlowEndpoint;
  /**
   * A construct or a logical id; or, for a flow that leaves the app from a workload, `FlowEndpoint.internet()` (some
   * public address) or `FlowEndpoint.ipAddress(...)` outside the app's subnets.
   */
  readonly to: FlowEndpoint;
  readonly port: number;
  /** @default FlowProtocol.TCP */
  readonly protocol?: FlowProtocol;
  /**
   * An HTTP request's URI path, judged by the web ACL associated with the destination.
   * @default - no HTTP request: WAF is not judged
   */
  readonly httpPath?: string;
  /**
   * The TLS SNI or HTTP Host the client sends, judged by the domain lists of a Network Firewall on the path (a leading
   * dot in a list admits the domain and its subdomains).
   * @default - not known: a domain list on the path makes the answer UNKNOWN, naming the rule group
   * @see https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html
   */
  readonly domain?: string;
}

/** What `explain` answers. */
export interface FlowExplanation {
  readonly verdict: FlowVerdict;
  /** Every decision that stops the flow (empty when REACHABLE). */
  readonly blockers: FlowDecision[];
  /** Every value unknown at synth that could decide the flow (empty when REACHABLE). */
  readonly unknowns: FlowDecision[];
  /** For REACHABLE: the decisions that let the flow through, layer by layer (empty otherwise). */
  readonly hops: FlowDecision[];
  /** What the model could not judge and says so (managed rule groups, paths within one subnet). */
  readonly notes: string[];
  /** The whole explanation as text: what `assertBlocked` and `assertReachable` throw. */
  readonly message: string;
}

/** Options for a reachability model. */
export interface NetworkReachabilityOptions {
  /**
   * The client's ephemeral ports, to which responses return through stateless NACLs; a response must pass on all of
   * them.
   * @default - 1024-65535
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
   */
  readonly ephemeralPortRange?: EphemeralPortRange;
}

/**
 * Who can reach what, answered offline from the templates of every stack of an app: routes, NACLs (both
 * directions), security groups, load balancer listeners and WAF, with the deciding resource and entry of each.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/reachability/what-is-reachability-analyzer.html
 */
export class NetworkReachability {
  /**
   * Every stack of the stack's app. Synthesizes the app first, as `Template.fromStack` does, so that references
   * between stacks are exports and imports the model can follow: call it once the app's constructs are added.
   */
  public static fromStack(stack: Stack, options: NetworkReachabilityOptions = {}): NetworkReachability {
    const root = stack.node.root;
    if (Stage.isStage(root)) {
      root.synth();
    }
    return new NetworkReachability(ReachabilityModel.fromStacks(CdkAppTemplates.render(root).stacks, engineOptions(options)));
  }

  /** Every stack of a cloud assembly on disk (`cdk.out`), or of a directory of templates. */
  public static fromAssemblyDirectory(directory: string, options: NetworkReachabilityOptions = {}): NetworkReachability {
    return new NetworkReachability(ReachabilityModel.fromStacks(readApp([directory]).stacks, engineOptions(options)));
  }

  private exposures?: CoreExposure[];

  private constructor(private readonly model: ReachabilityModel) {}

  /**
   * Who can reach each data store: the internet and every workload group (workloads that share one set of security
   * groups), on which TCP and UDP ports, and which layer decides. Data stores are RDS instances and clusters,
   * ElastiCache, OpenSearch domains in a VPC, EFS mount targets, and any workload tagged
   * `cdk-layered-defense:data-classification` = `e-PHI` (`Tags.of(scope).add(...)`).
   */
  public exposure(): DataStoreExposure[] {
    return this.coreExposure().map((e) => ({
      stackName: e.store.workload.resource.stack.stackName,
      logicalId: e.store.workload.resource.logicalId,
      path: e.store.workload.resource.path,
      resourceType: e.store.workload.resource.type,
      reason: e.store.reason,
      sources: e.sources.map((s) => ({
        description: s.description,
        internet: s.group === undefined,
        workloads: (s.group?.members ?? []).map((m) => m.resource.path),
        verdict: s.verdict as FlowVerdict,
        portRanges: s.ranges.map((r) => ({
          protocol: r.protocol === 17 ? FlowProtocol.UDP : FlowProtocol.TCP,
          fromPort: r.fromPort,
          toPort: r.toPort,
          verdict: r.verdict as FlowVerdict,
          decidedBy: r.decisions.map(toFlowDecision),
        })),
      })),
    }));
  }

  /** The exposure as a few lines of text: each data store, who can reach it on which ports, which layer decides. */
  public exposureSummary(): string {
    return formatExposureSummary(this.coreExposure()).join('\n');
  }

  /** Explains a flow: its verdict, every blocker, and the path when it is reachable. */
  public explain(query: FlowQuery): FlowExplanation {
    if (!Number.isInteger(query.port) || query.port < 0 || query.port > 65535) {
      throw new Error(`NetworkReachability.explain: port ${query.port} is not a port number (0-65535)`);
    }
    const lookup = this.lookup();
    const destination = query.to._resolve(lookup);
    const from = query.from._resolve(lookup);
    const protocol = (query.protocol ?? FlowProtocol.TCP) === FlowProtocol.UDP ? 17 : 6;
    if (destination.kind !== 'workloads') {
      if (from.kind !== 'workloads') {
        throw new Error(`NetworkReachability.explain: the destination must be a construct or a logical id, not ${query.to.description} (a flow to the internet or an outside address starts at a construct or a logical id)`);
      }
      if (query.httpPath !== undefined) {
        throw new Error('NetworkReachability.explain: httpPath is judged by the web ACL of a destination in the app; a flow that leaves the app has none (remove httpPath)');
      }
      return toExplanation(this.model.explainToInternet({ from, to: destination, port: query.port, protocol, domain: query.domain }));
    }
    return toExplanation(this.model.explain({
      from,
      to: { keys: destination.keys, description: destination.description },
      port: query.port,
      protocol,
      httpPath: query.httpPath,
      domain: query.domain,
    }));
  }

  /** Throws an Error whose message is the explanation unless the flow is BLOCKED. */
  public assertBlocked(query: FlowQuery): void {
    const why = this.explain(query);
    if (why.verdict !== FlowVerdict.BLOCKED) {
      throw new Error(`Expected the flow to be BLOCKED, but it is ${why.message}`);
    }
  }

  /** Throws an Error whose message is the explanation unless the flow is REACHABLE. */
  public assertReachable(query: FlowQuery): void {
    const why = this.explain(query);
    if (why.verdict !== FlowVerdict.REACHABLE) {
      throw new Error(`Expected the flow to be REACHABLE, but it is ${why.message}`);
    }
  }

  private coreExposure(): CoreExposure[] {
    this.exposures ??= analyzeExposure(this.model);
    return this.exposures;
  }

  private lookup(): EndpointLookup {
    const workloads = this.model.workloads;
    return {
      workloadsUnder: (path) => workloads.filter((w) => {
        const own = w.resource.cdkPath;
        return own !== undefined && (own === path || own.startsWith(`${path}/`));
      }).map((w) => w.key),
      workloadByLogicalId: (stackName, logicalId) => workloads
        .filter((w) => w.resource.logicalId === logicalId && (w.resource.stack.stackName === stackName || w.resource.stack.id === stackName))
        .map((w) => w.key),
    };
  }
}

function engineOptions(options: NetworkReachabilityOptions) {
  return options.ephemeralPortRange ? { ephemeralPorts: { from: options.ephemeralPortRange.from, to: options.ephemeralPortRange.to } } : {};
}

const LAYERS: Record<Decision['layer'], FlowLayer> = {
  'placement': FlowLayer.PLACEMENT,
  'route': FlowLayer.ROUTE,
  'nacl': FlowLayer.NACL,
  'security-group': FlowLayer.SECURITY_GROUP,
  'load-balancer': FlowLayer.LOAD_BALANCER,
  'waf': FlowLayer.WAF,
  'firewall': FlowLayer.NETWORK_FIREWALL,
};

function toExplanation(answer: FlowAnswer): FlowExplanation {
  return {
    verdict: answer.verdict as FlowVerdict,
    blockers: answer.blockers.map(toFlowDecision),
    unknowns: answer.unknowns.map(toFlowDecision),
    hops: answer.hops.map(toFlowDecision),
    notes: answer.notes,
    message: formatAnswer(answer),
  };
}

function toFlowDecision(d: Decision): FlowDecision {
  return {
    layer: LAYERS[d.layer],
    code: d.code,
    message: d.message,
    ...(d.resource ? { stackName: d.resource.stack.stackName, logicalId: d.resource.logicalId } : {}),
    ...(d.resource?.cdkPath !== undefined ? { cdkPath: d.resource.cdkPath } : {}),
    ...(d.entry !== undefined ? { decidingEntry: d.entry } : {}),
  };
}
