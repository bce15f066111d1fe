import { reachabilityFor, reachablePhrase, PATH_NOT_JUDGED, unknownFix, unknownPhrase } from './path-findings';
import { SourceExposure } from '../../reachability/exposure';
import { admitsOnlyFrontDoor, originExposure, protectedOrigins } from '../../reachability/origins';
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
        internet = originExposure(reachability, origin);
        exposures.set(origin.key, internet);
      }
      const around = `${origin.resource.path}, ${relation} ${frontDoor.path} (protected by web ACL ${acl.resource.path})`;
      if (internet.verdict === 'REACHABLE') {
        findings.push({ resource: origin.resource, message: `${around}, is reachable from the internet directly on ${reachablePhrase(internet)}: requests can go around the web ACL` });
        continue;
      }
      if (!admitsOnlyFrontDoor(internet)) {
        context.cannotVerify(origin.resource, `whether the internet can reach ${around} directly ${unknownPhrase(internet)}`, PATH_NOT_JUDGED, unknownFix(internet));
      }
    }
    return findings;
  },
};
