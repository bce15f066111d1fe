import { reachabilityFor, reachablePhrase, PATH_NOT_JUDGED, unknownFix, unknownPhrase } from './path-findings';
import { LayeredDefenseRule, RuleFinding } from '../rule';

/**
 * A data store (an RDS instance or cluster, ElastiCache, OpenSearch in a VPC, an EFS mount target, or any workload
 * tagged `cdk-layered-defense:data-classification=e-PHI`) that some internet address reaches on some port, TCP or
 * UDP: every layer on the path (public address, route to an internet gateway, both NACLs both ways, the security
 * groups) lets it through. Judged by `ReachabilityModel.explain` on every range of ports over which no rule changes.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
 */
export const DataStoreInternetReachable: LayeredDefenseRule = {
  id: 'LayeredDefense-DataStoreInternetReachable',
  level: 'error',
  layer: 'paths',
  hipaa: '164.312(e)(1)',
  summary: 'A data store (RDS, ElastiCache, OpenSearch, an EFS mount target, or a workload tagged as holding e-PHI) is reachable from the internet on some port: every layer on the path lets some internet address through.',
  why: 'A store of e-PHI should be reachable only from the application that uses it; one path from the internet lets anyone try credentials and exploits against it.',
  fix: 'Close the path at the layer meant to close it: no public address (PubliclyAccessible false, private subnets), no route to an internet gateway, and a security group that admits only the application\'s security group',
  evaluate(model, context) {
    const findings: RuleFinding[] = [];
    for (const exposure of reachabilityFor(model, context).exposure()) {
      const internet = exposure.sources[0];
      const store = exposure.store.workload.resource;
      if (internet.verdict === 'REACHABLE') {
        findings.push({ resource: store, message: `data store ${store.path} (${exposure.store.reason}) is reachable from the internet on ${reachablePhrase(internet)}` });
      } else if (internet.verdict === 'UNKNOWN') {
        context.cannotVerify(store, `whether the internet can reach data store ${store.path} ${unknownPhrase(internet)}`, PATH_NOT_JUDGED, unknownFix(internet));
      }
    }
    return findings;
  },
};
