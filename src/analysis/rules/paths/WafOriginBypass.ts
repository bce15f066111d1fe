import { reachabilityFor, reachablePhrase, unknownPhrase } from './path-findings';
import { Json, targetKey } from '../../model/model-values';
import type { ListenerModel } from '../../model/network-model';
import type { WorkloadModel } from '../../model/workloads';
import type { ReachabilityModel } from '../../reachability/explain';
import { internetExposure, SourceExposure } from '../../reachability/exposure';
import { protectedOrigins } from '../../reachability/origins';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A web ACL judges the requests that reach the resource it is associated with. When what stands behind that resource
 * (the targets of a protected load balancer; the load balancer a protected CloudFront distribution or REST API sends
 * requests to, and its targets) admits the internet itself, a client can go around the front door and the web ACL
 * never sees the request. A security group rule whose peer is a prefix list outside the app (CloudFront's
 * origin-facing list, the usual fix) is taken as admitting the front door only, as LayeredDefense-WafForwardedIpDirectReach
 * does.
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/restrict-access-to-load-balancer.html
 */
export const WafOriginBypass: LayeredDefenseRule = {
  id: 'LayeredDefense-WafOriginBypass',
  level: 'error',
  layer: 'paths',
  hipaa: '164.312(e)(1)',
  summary: 'What stands behind a resource a web ACL protects (the targets of a load balancer, the load balancer behind a CloudFront distribution or an API) is reachable from the internet directly, around the web ACL.',
  why: 'A web ACL only judges requests sent to the resource it is associated with; a client that reaches the origin directly skips its path rules, IP allowlists and managed rules.',
  fix: 'Let the origin admit only the front door: its security group should name the load balancer\'s security group (or CloudFront\'s origin-facing prefix list), and targets belong in private subnets without public addresses',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    const { model: reachability } = reachabilityFor(model, context);
    const exposures = new Map<string, SourceExposure>();
    for (const { acl, frontDoor, origin, relation } of protectedOrigins(reachability)) {
      let internet = exposures.get(origin.key);
      if (!internet) {
        internet = forwardingOnly(reachability, origin, internetExposure(reachability, origin));
        exposures.set(origin.key, internet);
      }
      const around = `${origin.resource.path}, ${relation} ${frontDoor.path} (protected by web ACL ${acl.resource.path})`;
      if (internet.verdict === 'REACHABLE') {
        findings.push({ resource: origin.resource, message: `${around}, is reachable from the internet directly on ${reachablePhrase(internet)}: requests can go around the web ACL` });
        continue;
      }
      const open = internet.ranges.filter((r) => r.verdict === 'UNKNOWN');
      // Only an origin-facing prefix list left open: the front door's own addresses.
      if (open.length > 0 && !open.every((r) => r.decisions.every((d) => d.code === 'SG_INGRESS_PREFIX_LIST_UNKNOWN'))) {
        context.cannotVerify(origin.resource, `whether the internet can reach ${around} directly ${unknownPhrase(internet)}`);
      }
    }
    return findings;
  },
};

/**
 * An origin load balancer is a way around the web ACL only on listener ports that forward to targets: a listener whose
 * actions only redirect (HTTP to HTTPS) or answer with a fixed response sends nothing on, so the internet reaching it
 * bypasses nothing. Other workloads are judged on every port.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#rule-action-types
 */
function forwardingOnly(model: ReachabilityModel, origin: WorkloadModel, exposure: SourceExposure): SourceExposure {
  if (origin.kind !== 'load-balancer') {
    return exposure;
  }
  const network = model.network;
  const listeners = network.loadBalancers.find((lb) => lb.key === origin.key)?.listeners ?? [];
  const rules = network.ofType('AWS::ElasticLoadBalancingV2::ListenerRule');
  // Only redirect and fixed-response actions end the request at the load balancer; anything else (forward, an
  // authentication step, a value unknown at synth) may send it on.
  const endsHere = (actions: Json) => Array.isArray(actions) && actions.length > 0
    && actions.every((a: Json) => a?.Type === 'redirect' || a?.Type === 'fixed-response');
  const sendsOn = (listener: ListenerModel) => !endsHere(listener.defaultActions)
    || rules.some((r) => targetKey(r.properties.ListenerArn, r.stack.id) === listener.resource.key && !endsHere(r.properties.Actions));
  // A listener port unknown at synth may be any port.
  const forwardsIn = (from: number, to: number) => listeners.some((l) => sendsOn(l) && (l.port === undefined || (from <= l.port && l.port <= to)));
  const ranges = exposure.ranges.filter((r) => r.protocol !== 6 || r.verdict === 'BLOCKED' || forwardsIn(r.fromPort, r.toPort));
  const verdict = ranges.some((r) => r.verdict === 'REACHABLE') ? 'REACHABLE' : ranges.some((r) => r.verdict === 'UNKNOWN') ? 'UNKNOWN' : 'BLOCKED';
  return { ...exposure, ranges, verdict };
}

