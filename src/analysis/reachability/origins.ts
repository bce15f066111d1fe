// What stands behind a resource a web ACL protects: the targets of a protected load balancer (its listeners' and
// listener rules' target groups, and the auto scaling groups, ECS services and instances registered in them), and
// the load balancers a protected CloudFront distribution or API Gateway REST API sends requests to (with their
// targets). A request that reaches one of these directly never meets the web ACL. CDK-free.
// @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html
import type { ReachabilityModel } from './explain';
import { internetExposure, SourceExposure } from './exposure';
import { Json, referencedKeys, targetKey } from '../model/model-values';
import type { ListenerModel, WebAclModel } from '../model/network-model';
import type { ModelResource } from '../model/resource';
import type { WorkloadModel } from '../model/workloads';

export interface ProtectedOrigin {
  readonly acl: WebAclModel;
  /** The resource the web ACL is associated with (a load balancer, an API stage or REST API, a distribution). */
  readonly frontDoor: ModelResource;
  readonly origin: WorkloadModel;
  /** How the origin stands behind the front door: `a target of`, `the origin of`. */
  readonly relation: string;
}

/** Every workload a web ACL's protected resources send requests to, once per web ACL and origin. */
export function protectedOrigins(model: ReachabilityModel): ProtectedOrigin[] {
  const network = model.network;
  const lbKeys = new Set(network.loadBalancers.map((lb) => lb.key));
  const protectedLbs = new Set<string>();
  for (const acl of network.webAcls) {
    for (const association of acl.associations) {
      referencedKeys(association.properties.ResourceArn, association.stack.id).forEach((k) => lbKeys.has(k) && protectedLbs.add(k));
    }
  }
  const targets = targetsByLoadBalancer(model);
  const result: ProtectedOrigin[] = [];
  const seen = new Set<string>();
  const add = (acl: WebAclModel, frontDoor: ModelResource, origin: WorkloadModel | undefined, relation: string) => {
    const id = `${acl.key}\u0000${origin?.key}`;
    if (origin && !seen.has(id)) {
      seen.add(id);
      result.push({ acl, frontDoor, origin, relation });
    }
  };
  // A load balancer behind a CloudFront distribution or an API: it, and its targets unless it has a web ACL of its own
  // (then they are judged under that one).
  const addLoadBalancerOrigin = (acl: WebAclModel, frontDoor: ModelResource, lbKey: string) => {
    if (protectedLbs.has(lbKey)) {
      return;
    }
    add(acl, frontDoor, model.workload(lbKey), 'the origin of');
    (targets.get(lbKey) ?? []).forEach((t) => add(acl, frontDoor, t, 'a target of the origin of'));
  };
  const methods = network.ofType('AWS::ApiGateway::Method');
  for (const acl of network.webAcls) {
    for (const association of acl.associations) {
      const keys = referencedKeys(association.properties.ResourceArn, association.stack.id);
      for (const key of keys) {
        if (lbKeys.has(key)) {
          (targets.get(key) ?? []).forEach((t) => add(acl, network.resolveKey(key) ?? association, t, 'a target of'));
        }
      }
      // An API stage: the load balancers its REST API's methods integrate with (HTTP and HTTP_PROXY integrations).
      const api = [...keys].map((k) => network.resolveKey(k)).find((r) => r?.type === 'AWS::ApiGateway::Stage' || r?.type === 'AWS::ApiGateway::RestApi');
      for (const method of methods.filter((m) => keys.has(targetKey(m.properties.RestApiId, m.stack.id)))) {
        for (const key of referencedKeys(method.properties.Integration?.Uri, method.stack.id)) {
          if (lbKeys.has(key)) {
            addLoadBalancerOrigin(acl, api ?? association, key);
          }
        }
      }
    }
    for (const distribution of acl.distributions) {
      const origins: Json = distribution.properties.DistributionConfig?.Origins;
      for (const origin of Array.isArray(origins) ? origins : []) {
        for (const key of referencedKeys(origin?.DomainName, distribution.stack.id)) {
          if (lbKeys.has(key)) {
            addLoadBalancerOrigin(acl, distribution, key);
          }
        }
      }
    }
  }
  return result;
}

/**
 * Each load balancer's targets: the workloads registered in the target groups its listeners and listener rules forward
 * to, as the reachability model reads them (`ReachabilityModel.forwards`: auto scaling groups' `TargetGroupARNs`, ECS
 * services' `LoadBalancers`, a target group's `Targets`).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
 */
function targetsByLoadBalancer(model: ReachabilityModel): Map<string, WorkloadModel[]> {
  const result = new Map<string, WorkloadModel[]>();
  for (const forward of model.forwards) {
    const target = model.workload(forward.targetKey);
    const targets = result.get(forward.loadBalancerKey) ?? [];
    if (target && !targets.includes(target)) {
      targets.push(target);
    }
    result.set(forward.loadBalancerKey, targets);
  }
  return result;
}

const TCP = 6;
const UDP = 17;

/**
 * The internet's reach to an origin, judged on the ports where it matters: an origin load balancer is a way around
 * the web ACL only on listener ports (and protocols) that forward to targets. A listener whose actions only redirect
 * (HTTP to HTTPS) or answer with a fixed response sends nothing on, so the internet reaching it bypasses nothing, and
 * an Application Load Balancer takes no UDP at all. Other workloads are judged on every port.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#rule-action-types
 */
export function originExposure(model: ReachabilityModel, origin: WorkloadModel): SourceExposure {
  const exposure = internetExposure(model, origin);
  if (origin.kind !== 'load-balancer') {
    return exposure;
  }
  const network = model.network;
  const loadBalancer = network.loadBalancers.find((lb) => lb.key === origin.key);
  const listeners = loadBalancer?.listeners ?? [];
  const application = loadBalancer?.lbType === 'application';
  const rules = network.ofType('AWS::ElasticLoadBalancingV2::ListenerRule');
  // Only redirect and fixed-response actions end the request at the load balancer; anything else (forward, an
  // authentication step, a value unknown at synth) may send it on.
  const endsHere = (actions: Json) => Array.isArray(actions) && actions.length > 0
    && actions.every((a: Json) => a?.Type === 'redirect' || a?.Type === 'fixed-response');
  const sendsOn = (listener: ListenerModel) => !endsHere(listener.defaultActions)
    || rules.some((r) => targetKey(r.properties.ListenerArn, r.stack.id) === listener.resource.key && !endsHere(r.properties.Actions));
  // A listener port unknown at synth may be any port. An ALB takes no UDP; on a network load balancer TCP and TLS
  // listeners take TCP, UDP listeners UDP, TCP_UDP both, and one whose protocol is not known may take either.
  // @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html
  const carries = (listener: ListenerModel, protocol: number): boolean => {
    if (protocol === UDP && application) {
      return false;
    }
    if (typeof listener.protocol !== 'string') {
      return true;
    }
    return protocol === TCP ? listener.protocol !== 'UDP' : protocol === UDP && (listener.protocol === 'UDP' || listener.protocol === 'TCP_UDP');
  };
  const forwardsIn = (protocol: number, from: number, to: number) => listeners.some((l) => carries(l, protocol) && sendsOn(l)
    && (l.port === undefined || (from <= l.port && l.port <= to)));
  const ranges = exposure.ranges.filter((r) => r.verdict === 'BLOCKED' || forwardsIn(r.protocol, r.fromPort, r.toPort));
  const verdict = ranges.some((r) => r.verdict === 'REACHABLE') ? 'REACHABLE' : ranges.some((r) => r.verdict === 'UNKNOWN') ? 'UNKNOWN' : 'BLOCKED';
  return { ...exposure, ranges, verdict };
}

/**
 * Whether an origin's exposure leaves the internet no way in but the front door: nothing reachable, and nothing open
 * but a prefix list outside the app (CloudFront's origin-facing list, the usual fix), taken as the front door's own
 * addresses.
 */
export function admitsOnlyFrontDoor(exposure: SourceExposure): boolean {
  return exposure.verdict !== 'REACHABLE'
    && exposure.ranges.every((r) => r.verdict !== 'UNKNOWN' || r.decisions.every((d) => d.code === 'SG_INGRESS_PREFIX_LIST_UNKNOWN'));
}
